import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** SQL as text: a statement's opening words inside a string. */
const SQL = /['"`][^'"`]*\b(SELECT\s+[\w*(]|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s)/i;
/** The ORM, the entities, or the ways into them. */
const ORM_IMPORT = /from\s+'(typeorm(\/[^']*)?|[^']*\/db\/(entities|orm|raw|rows|sequences)(\/[^']*)?)'/;
/**
 * A call with a type argument (`db.query<{ n: number }>(…)`) counts as well as a bare one. Database has no
 * query() or run() any more (server/src/db/raw.ts, for db/ only, took their place): these would not even
 * compile, and the pattern stays so that nobody brings them back under another way in.
 */
const ORM_USE = /\.(getRepository|createQueryBuilder)\s*[<(]|\b(db|database)\.(run|query)\s*[<(]|\b(tx|m|manager)\.query\s*[<(]/;

/**
 * server/src/db/ is the only door to the database: nothing else in the server imports TypeORM or the
 * entities, or writes SQL. The test helpers seed through db/ too.
 */
describe('the data layer is the only door to the database', () => {
  const files = [...walk('server/src'), ...walk('test/helpers')].filter((f) => !f.startsWith('server/src/db/'));

  test('no SQL text, ORM import or ORM call outside server/src/db/', () => {
    const offenders = files.filter((f) => {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      return SQL.test(text) || ORM_IMPORT.test(text) || ORM_USE.test(text);
    });
    expect(offenders).toEqual([]);
  });

  // Tests, the benchmark and the screen scripts reach the database through server/src/db/ too: its
  // named questions, and server/src/db/testing.ts for what only a test needs.
  const outside = [...walk('test'), ...walk('bench'), ...walk('scripts')].filter((f) => f !== 'test/house/dataLayer.test.ts');

  test('tests, bench and scripts import neither the ORM nor the entities', () => {
    const offenders = outside.filter((f) => ORM_IMPORT.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  const querying = outside.filter((f) => ORM_USE.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));

  test('tests, bench and scripts make no ORM call and no hand-written query', () => {
    expect(querying).toEqual([]);
  });
});
