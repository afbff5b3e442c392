import { rawQuery } from './raw';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { Database } from './database';
import { MIGRATIONS } from './migrations';

/**
 * The database's side of backups (issue 16 item 6): a consistent copy taken while the server writes, and
 * its way back into an empty database. SQLite is copied whole by its online backup API; MariaDB is read
 * table by table inside one consistent snapshot and written as JSON lines (a header naming the columns
 * and their types, then one array per row), which restore reads back after building the schema with the
 * migrations the copy had. The files' hashes and the manifest are the caller's (modules/ops/backup.ts).
 */

/** TypeORM's table of applied migrations (its default name). */
const MIGRATIONS_TABLE = 'migrations';

export interface DatabaseCopy {
  /** Rows per table at the moment of the copy. */
  tables: Record<string, number>;
  /** The migrations the copy had applied, oldest first. */
  migrations: string[];
}

/** What a backup is refused or fails for, in words for the operator. */
export class DatabaseCopyError extends Error {}

/** Every migration this release knows, by name, oldest first. */
export function knownMigrations(): string[] {
  return MIGRATIONS.map((M) => new M().name ?? M.name);
}

/**
 * Copies the SQLite file `source` to `dest` with SQLite's online backup. All pages go in one step: one
 * read transaction, so the copy is one instant of the database however busy the server is (in steps,
 * a write by the server between two of them would restart the copy).
 */
export async function copySqlite(source: string, dest: string): Promise<DatabaseCopy> {
  const conn = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    await conn.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    conn.close();
  }
  // The copy inherits WAL mode from the live file; in rollback mode it is one self-contained file that
  // opening it read-only leaves untouched (the server switches it back to WAL when it opens it).
  const copy = new BetterSqlite3(dest);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return describeSqlite(dest);
}

/** Rows per table and applied migrations of a SQLite file (a backup's copy, read-only). */
export function describeSqlite(file: string): DatabaseCopy {
  const conn = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const names = conn
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const tables: Record<string, number> = {};
    for (const name of names) tables[name] = conn.prepare(`SELECT COUNT(*) FROM "${name}"`).pluck().get() as number;
    const migrations = names.includes(MIGRATIONS_TABLE)
      ? (conn.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`).pluck().all() as string[])
      : [];
    return { tables, migrations };
  } finally {
    conn.close();
  }
}

function mysqlSource(url: string, migrations: (typeof MIGRATIONS)[number][] = []): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    migrations,
    migrationsRun: false,
    synchronize: false,
    poolSize: 2,
  });
}

interface ColumnInfo {
  name: string;
  type: string;
}

/** A JSON line's value: our columns hold only strings and integers; anything else says so. */
function portable(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  throw new DatabaseCopyError(`无法导出的列值类型：${typeof value}`);
}

function fromPortable(value: unknown): unknown {
  if (value !== null && typeof value === 'object') return Buffer.from((value as { base64: string }).base64, 'base64');
  return value;
}

/**
 * Dumps every table of the MariaDB/MySQL database `url` into `dir/<table>.jsonl`, all read in one
 * REPEATABLE READ transaction started WITH CONSISTENT SNAPSHOT: every table as of one instant, so an
 * application's row, its history, its audit rows and their chain heads agree with each other. Rows are
 * streamed, never held all at once.
 */
export async function dumpMysql(url: string, dir: string): Promise<DatabaseCopy & { files: string[] }> {
  const ds = mysqlSource(url);
  await ds.initialize();
  const qr = ds.createQueryRunner();
  try {
    await qr.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await qr.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const names = (
      (await qr.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
      )) as { name: string }[]
    ).map((r) => r.name);
    await mkdir(dir, { recursive: true });
    const tables: Record<string, number> = {};
    const files: string[] = [];
    let migrations: string[] = [];
    for (const name of names) {
      const columns = (await qr.query(
        'SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position',
        [name],
      )) as ColumnInfo[];
      const file = `${name}.jsonl`;
      let rows = 0;
      const toLines = new Transform({
        writableObjectMode: true,
        transform(row: Record<string, unknown>, _enc, done) {
          rows++;
          try {
            done(null, `${JSON.stringify(columns.map((c) => portable(row[c.name])))}\n`);
          } catch (err) {
            done(err as Error);
          }
        },
      });
      const out = createWriteStream(path.join(dir, file), { flags: 'wx', flush: true });
      out.write(`${JSON.stringify({ table: name, columns })}\n`);
      const source = await qr.stream(`SELECT * FROM \`${name}\``);
      await pipeline(source, toLines, out);
      tables[name] = rows;
      files.push(file);
      if (name === MIGRATIONS_TABLE)
        migrations = ((await qr.query(`SELECT name FROM \`${MIGRATIONS_TABLE}\` ORDER BY id`)) as { name: string }[]).map((r) => r.name);
    }
    await qr.query('COMMIT');
    return { tables, migrations, files };
  } finally {
    await qr.release();
    await ds.destroy();
  }
}

/** Creates the database `url` names if it is missing; answers whether it has no tables (a restore's target must have none). */
export async function createdOrEmptyMysql(url: string): Promise<boolean> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  parsed.pathname = '/';
  const conn = await createConnection({ uri: parsed.toString() });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [name]);
    return Number((rows as { n: number | string }[])[0].n) === 0;
  } finally {
    await conn.end();
  }
}

/**
 * One INSERT carries at most this many placeholders (MySQL allows 65,535) and about this many bytes of
 * values (max_allowed_packet is 16 MB by default; a provider's filing form is tens of KB): few round trips
 * — 60,000 rows restore in 4 s instead of 8 s with 200-row statements — and never a packet too large.
 */
const INSERT_PLACEHOLDERS = 20_000;
const INSERT_BYTES = 4 * 1024 * 1024;

/**
 * Loads a dump written by dumpMysql into the empty database `url`: first the schema, built by the
 * migrations the copy had (this release's code of them — a released migration is never edited), then
 * every table's rows, in one transaction; the migrations table is the migrations' own. Later
 * migrations are left to the next start (or `migrate`), as for any database of an older release.
 */
export async function restoreMysql(url: string, dir: string, copy: DatabaseCopy): Promise<void> {
  const known = knownMigrations();
  const unknown = copy.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new DatabaseCopyError(`备份来自更新的版本（含本版本不认识的迁移 ${unknown.join('、')}）：请用该版本或更新的版本恢复`);
  const wanted = MIGRATIONS.filter((M) => copy.migrations.includes(new M().name ?? M.name));
  const ds = mysqlSource(url, wanted);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const qr = ds.createQueryRunner();
    try {
      await qr.startTransaction();
      for (const table of Object.keys(copy.tables)) {
        if (table === MIGRATIONS_TABLE) continue;
        const lines = createInterface({ input: createReadStream(path.join(dir, `${table}.jsonl`), 'utf8'), crlfDelay: Infinity });
        let columnList: string | null = null;
        let batch: unknown[][] = [];
        let bytes = 0;
        const flush = async () => {
          if (batch.length === 0 || columnList === null) return;
          const placeholders = batch.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ');
          await qr.query(`INSERT INTO \`${table}\` (${columnList}) VALUES ${placeholders}`, batch.flat());
          batch = [];
          bytes = 0;
        };
        for await (const line of lines) {
          if (line === '') continue;
          if (columnList === null) {
            const header = JSON.parse(line) as { table: string; columns: ColumnInfo[] };
            columnList = header.columns.map((c) => `\`${c.name}\``).join(', ');
            continue;
          }
          batch.push((JSON.parse(line) as unknown[]).map(fromPortable));
          bytes += Buffer.byteLength(line);
          if (batch.length * batch[0].length >= INSERT_PLACEHOLDERS || bytes >= INSERT_BYTES) await flush();
        }
        await flush();
      }
      await qr.commitTransaction();
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw err;
    } finally {
      await qr.release();
    }
  } finally {
    await ds.destroy();
  }
}

/** Rows per table of an open database (every table, the migrations' and the rate limits' included). */
export async function tableRowCounts(db: Database): Promise<Record<string, number>> {
  const names =
    db.kind === 'sqlite'
      ? (
          await rawQuery<{ name: string }>(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
          )
        ).map((r) => r.name)
      : (
          await rawQuery<{ name: string }>(
            db,
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
          )
        ).map((r) => r.name);
  const counts: Record<string, number> = {};
  for (const name of names) {
    const quoted = db.kind === 'sqlite' ? `"${name}"` : `\`${name}\``;
    counts[name] = Number((await rawQuery<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM ${quoted}`))[0].n);
  }
  return counts;
}

/** Every stored file the database names, with the sha256 taken at upload: a restore checks each against its bytes. */
export async function storedFileHashes(db: Database): Promise<{ storageKey: string; sha256: string }[]> {
  return rawQuery<{ storageKey: string; sha256: string }>(db, 'SELECT storage_key AS storageKey, sha256 FROM files ORDER BY id');
}

/** Every table's columns, in their order. */
export async function tableColumns(db: Database): Promise<Record<string, string[]>> {
  const columns: Record<string, string[]> = {};
  for (const table of Object.keys(await tableRowCounts(db)))
    columns[table] = (
      db.kind === 'sqlite'
        ? await rawQuery<{ name: string }>(db, 'SELECT name FROM pragma_table_info(?) ORDER BY cid', [table])
        : await rawQuery<{ name: string }>(
            db,
            'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position',
            [table],
          )
    ).map((c) => c.name);
  return columns;
}

/**
 * A sha256 per table over its rows (every column, or only `columns[table]` when given), in a fixed order:
 * an upgrade compares the tables before and after its migrations, column by column, not only their counts.
 */
export async function tableDigests(db: Database, columns: Record<string, string[]> = {}): Promise<Record<string, string>> {
  const all = await tableColumns(db);
  const quote = (name: string) => (db.kind === 'sqlite' ? `"${name}"` : `\`${name}\``);
  const digests: Record<string, string> = {};
  for (const table of Object.keys(all)) {
    const wanted = columns[table] ?? all[table];
    const list = wanted.map(quote).join(', ');
    const order = wanted.map((_, i) => String(i + 1)).join(', ');
    const rows = await rawQuery<Record<string, unknown>>(db, `SELECT ${list} FROM ${quote(table)} ORDER BY ${order}`);
    const hash = createHash('sha256');
    // bigint columns may come back as strings from mysql2 when asked without the ORM: compared as text.
    for (const row of rows)
      hash.update(`${JSON.stringify(wanted.map((c) => (row[c] === null ? null : String(row[c] as string | number))))}\n`);
    digests[table] = hash.digest('hex');
  }
  return digests;
}
