import fs from 'node:fs';
import path from 'node:path';

/**
 * Issue 16, item 8: the audit trail is kept (等保 2.0 asks at least 6 months; 《网络安全法》第二十一条
 * likewise) and never pruned by the application — an operator archives it by copying (README, "Audit
 * retention"). Nothing in the server deletes from or updates the trail's rows, whatever the query's form.
 */
const ROOT = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('the audit trail is never pruned by the application', () => {
  const sources = walk('server/src')
    // The test helpers' emptying of tables lives in db/testing.ts and db/testing/, which the server never imports.
    .filter(
      (f) => f !== 'server/src/db/testing.ts' && !f.startsWith('server/src/db/testing/') && !f.startsWith('server/src/db/migrations/'),
    )
    .map((f) => ({ f, text: fs.readFileSync(path.join(ROOT, f), 'utf8') }));

  test('no DELETE, TRUNCATE or UPDATE of audit_log in SQL', () => {
    const offenders = sources.filter(({ text }) => /\b(DELETE\s+FROM|TRUNCATE(\s+TABLE)?|UPDATE)\s+`?audit_log\b/i.test(text));
    expect(offenders.map((o) => o.f)).toEqual([]);
  });

  test('no delete or remove through the ORM on the audit entity', () => {
    const offenders = sources.filter(({ text }) =>
      /getRepository\(\s*AuditEntity\s*\)[\s\S]{0,80}\.(delete|remove|softDelete|clear|update)\(/.test(text),
    );
    expect(offenders.map((o) => o.f)).toEqual([]);
  });

  test('the README tells an operator how long to keep it and how to archive it', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('### Audit retention')[1]?.split('\n## ')[0] ?? '';
    expect(section).toMatch(/6 个月|six months|6 months/);
    expect(section).toMatch(/audit-verify/);
    expect(section).toMatch(/mysqldump|sqlite3/);
  });
});
