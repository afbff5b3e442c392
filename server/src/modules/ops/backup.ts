import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config';
import { openDatabase } from '../../db/database';
import {
  copySqlite,
  DatabaseCopyError,
  describeSqlite,
  dumpMysql,
  createdOrEmptyMysql,
  restoreMysql,
  storedFileHashes,
  tableRowCounts,
  type DatabaseCopy,
} from '../../db/backup';
import { LocalDiskStorage, localStorageRoot } from '../../storage';
import { canonicalJson } from '../audit/audit';

/**
 * Backups that restore (issue 16 item 6). `backup <dir>` takes the database first — one consistent
 * instant (SQLite's online backup, or one snapshot read of every MariaDB table) — and then the stored
 * files. A file is written to storage before the row that names it commits and is never changed or
 * removed afterwards, so every file the database copy names is there when the files are copied (files
 * uploaded meanwhile come along too and are harmless). The manifest lists every file of the backup with
 * its size and sha256, the rows per table and the migrations, and is sealed with an HMAC under AUDIT_KEY
 * (the key the audit chains need anyway): `restore <dir>` checks all of it before it writes anything,
 * and writes only into an empty place.
 */

export const MANIFEST = 'manifest.json';
const FORMAT = 'shangyun-backup/1';
const SQLITE_COPY = 'database/shangyun.sqlite';

export interface ManifestEntry {
  /** Relative to the backup folder, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: string;
  createdAt: string;
  database: { kind: 'sqlite' | 'mysql' } & DatabaseCopy;
  /** The stored files' count (their entries are those under files/). */
  storedFiles: number;
  entries: ManifestEntry[];
  hmac: string;
}

/** Refused or failed, with a sentence for the operator (the CLI prints it and exits 1). */
export class BackupRefused extends Error {}

type Say = (line: string) => void;

function seal(key: string, manifest: Omit<Manifest, 'hmac'>): string {
  return createHmac('sha256', key).update(canonicalJson(manifest)).digest('hex');
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

/** Every file under `root`, relative, with forward slashes; none when root does not exist. */
async function listFiles(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Copies a file, hashing what it copies; owner-only like the storage itself. */
async function copyHashed(from: string, to: string): Promise<{ size: number; sha256: string }> {
  await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), meter, createWriteStream(to, { flags: 'wx', mode: 0o600, flush: true }));
  return { size, sha256: hash.digest('hex') };
}

async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    size += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { size, sha256: hash.digest('hex') };
}

const seconds = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Writes a backup of the configured database and stored files into `dir` (absent or empty). */
export async function backup(config: Config, dir: string, say: Say = () => undefined): Promise<Manifest> {
  const target = path.resolve(dir);
  if ((await listFiles(target)).length > 0) throw new BackupRefused(`备份目录 ${target} 不是空的：请指定一个新的或空的目录`);
  await mkdir(target, { recursive: true, mode: 0o700 });
  try {
    return await writeBackup(config, target, say);
  } catch (err) {
    // The folder was empty: what this attempt wrote is removed, so that the next attempt can use it.
    for (const name of await readdir(target).catch(() => [])) await rm(path.join(target, name), { recursive: true, force: true });
    throw err;
  }
}

async function writeBackup(config: Config, target: string, say: Say): Promise<Manifest> {
  const t0 = Date.now();
  const entries: ManifestEntry[] = [];

  let copy: DatabaseCopy;
  if (config.database.kind === 'sqlite') {
    const source = config.database.file;
    if (!(await stat(source).catch(() => null))) throw new BackupRefused(`没有找到数据库文件 ${source}：请检查 DATA_DIR`);
    await mkdir(path.join(target, 'database'), { recursive: true, mode: 0o700 });
    copy = await copySqlite(source, path.join(target, SQLITE_COPY));
    entries.push({ path: SQLITE_COPY, ...(await hashFile(path.join(target, SQLITE_COPY))) });
  } else {
    const dumped = await dumpMysql(config.database.url, path.join(target, 'database'));
    copy = { tables: dumped.tables, migrations: dumped.migrations };
    for (const file of dumped.files) entries.push({ path: `database/${file}`, ...(await hashFile(path.join(target, 'database', file))) });
  }
  const rows = Object.values(copy.tables).reduce((a, b) => a + b, 0);
  say(`数据库：${Object.keys(copy.tables).length} 张表，共 ${rows} 行（${seconds(t0)} 秒）`);

  const t1 = Date.now();
  const objectsDir = new LocalDiskStorage(localStorageRoot(config)).objectsDir;
  let storedFiles = 0;
  let bytes = 0;
  for (const rel of await listFiles(objectsDir)) {
    try {
      const copied = await copyHashed(path.join(objectsDir, rel), path.join(target, 'files', rel));
      entries.push({ path: `files/${rel}`, ...copied });
      storedFiles++;
      bytes += copied.size;
    } catch (err) {
      // Removed meanwhile: a failed upload's own file, which no committed row names.
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  say(`材料文件：${storedFiles} 个，${megabytes(bytes)} MB（${seconds(t1)} 秒）`);

  const unsealed: Omit<Manifest, 'hmac'> = {
    format: FORMAT,
    createdAt: new Date().toISOString(),
    database: { kind: config.database.kind, ...copy },
    storedFiles,
    entries,
  };
  const manifest: Manifest = { ...unsealed, hmac: seal(config.auditKey, unsealed) };
  // Written last: a folder without a manifest is an unfinished backup, and restore refuses it.
  await writeFile(path.join(target, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`, { mode: 0o600, flag: 'wx' });
  say(`备份完成：${target}（清单 ${MANIFEST}，共 ${entries.length} 个文件，用时 ${seconds(t0)} 秒）`);
  return manifest;
}

/** Reads the manifest of `dir` and checks its seal and every file's size and sha256; writes nothing. */
export async function verifyBackup(config: Config, dir: string): Promise<Manifest> {
  const source = path.resolve(dir);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(source, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new BackupRefused(`${source} 中没有可读的备份清单 ${MANIFEST}：不是一份完整的备份`);
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.entries) || typeof manifest.hmac !== 'string')
    throw new BackupRefused(`备份清单的格式不对：本版本只能恢复 ${FORMAT} 格式的备份`);
  const { hmac, ...unsealed } = manifest;
  const expected = Buffer.from(seal(config.auditKey, unsealed), 'hex');
  const given = Buffer.from(hmac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new BackupRefused('备份清单的校验码不符：清单被改动过，或者 AUDIT_KEY 与备份时的不同。未做任何恢复');
  if (manifest.database.kind !== config.database.kind)
    throw new BackupRefused(
      `这份备份来自${manifest.database.kind === 'sqlite' ? '内置 SQLite' : 'MariaDB/MySQL'}，当前设置的是${config.database.kind === 'sqlite' ? '内置 SQLite' : 'MariaDB/MySQL'}：请用相同的数据库恢复`,
    );

  const listed = new Set(manifest.entries.map((e) => e.path));
  const extra = (await listFiles(source)).filter((f) => f !== MANIFEST && !listed.has(f));
  if (extra.length > 0)
    throw new BackupRefused(`备份目录里有清单之外的文件（${extra.slice(0, 3).join('、')}）：备份被改动过。未做任何恢复`);
  for (const entry of manifest.entries) {
    if (entry.path.split('/').some((s) => s === '..' || s === '') || path.isAbsolute(entry.path))
      throw new BackupRefused(`备份清单中有不合规的路径 ${entry.path}。未做任何恢复`);
    const found = await hashFile(path.join(source, entry.path)).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) throw new BackupRefused(`备份缺少文件 ${entry.path}。未做任何恢复`);
      throw err;
    });
    if (found.size !== entry.size || found.sha256 !== entry.sha256)
      throw new BackupRefused(`备份中的文件 ${entry.path} 与清单记录的校验值不符：文件损坏或被改动。未做任何恢复`);
  }
  return manifest;
}

/** Restores the backup in `dir` into the configured, empty database and data folder. */
export async function restore(config: Config, dir: string, say: Say = () => undefined): Promise<Manifest> {
  const source = path.resolve(dir);
  const t0 = Date.now();
  const manifest = await verifyBackup(config, source);
  say(`备份已核对：${manifest.entries.length} 个文件的 sha256 与清单一致（${seconds(t0)} 秒）`);

  const objectsDir = new LocalDiskStorage(localStorageRoot(config)).objectsDir;
  if ((await listFiles(objectsDir)).length > 0)
    throw new BackupRefused(`材料目录 ${objectsDir} 不是空的：只能恢复到空的数据目录。未做任何恢复`);

  const t1 = Date.now();
  if (config.database.kind === 'sqlite') {
    const file = config.database.file;
    for (const f of [file, `${file}-wal`])
      if (await stat(f).catch(() => null)) throw new BackupRefused(`数据库文件 ${f} 已存在：只能恢复到空的数据目录。未做任何恢复`);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const part = `${file}.restoring`;
    await rm(part, { force: true });
    await copyHashed(path.join(source, SQLITE_COPY), part);
    const copied = describeSqlite(part);
    if (canonicalJson(copied.tables) !== canonicalJson(manifest.database.tables)) {
      await rm(part, { force: true });
      throw new BackupRefused('恢复出的数据库与清单记录的行数不符。未做任何恢复');
    }
    await rename(part, file);
  } else {
    if (!(await createdOrEmptyMysql(config.database.url)))
      throw new BackupRefused(`数据库 ${config.database.name} 不是空的：只能恢复到空数据库（请新建一个）。未做任何恢复`);
    try {
      await restoreMysql(config.database.url, path.join(source, 'database'), manifest.database);
    } catch (err) {
      if (err instanceof DatabaseCopyError) throw new BackupRefused(err.message);
      throw err;
    }
  }
  say(`数据库已恢复：${Object.keys(manifest.database.tables).length} 张表（${seconds(t1)} 秒）`);

  const t2 = Date.now();
  for (const entry of manifest.entries) {
    if (!entry.path.startsWith('files/')) continue;
    const written = await copyHashed(path.join(source, entry.path), path.join(objectsDir, entry.path.slice('files/'.length)));
    if (written.sha256 !== entry.sha256) throw new BackupRefused(`恢复文件 ${entry.path} 时校验值不符：请检查磁盘后重试`);
  }
  say(`材料文件已恢复：${manifest.storedFiles} 个（${seconds(t2)} 秒）`);

  // Read back: the restored database has the rows the backup had, table by table.
  const db = await openDatabase(config, { runMigrations: false });
  try {
    const counts = await tableRowCounts(db);
    const differ = Object.keys(manifest.database.tables).filter((t) => counts[t] !== manifest.database.tables[t]);
    if (differ.length > 0) throw new BackupRefused(`恢复后的数据库与备份的行数不符（${differ.join('、')}）`);
    // Every file the database names came back with the bytes it was uploaded with.
    const storage = new LocalDiskStorage(localStorageRoot(config));
    const restored = new Map(manifest.entries.map((e) => [e.path, e.sha256]));
    const named = await storedFileHashes(db);
    const wrong = named.filter(
      (f) => restored.get(`files/${path.relative(objectsDir, storage.pathOf(f.storageKey)).split(path.sep).join('/')}`) !== f.sha256,
    );
    if (wrong.length > 0) throw new BackupRefused(`数据库记录的 ${wrong.length} 个材料文件在备份中缺失或校验值不符`);
    say(`核对：各表行数与备份一致，数据库记录的 ${named.length} 个材料文件都在且 sha256 相符`);
  } finally {
    await db.close();
  }
  say(
    `恢复完成（用时 ${seconds(t0)} 秒）。启动服务（或 npm run cli -- migrate）会执行本版本新增的数据库迁移；之后可用 npm run cli -- audit-verify 校验审计链`,
  );
  return manifest;
}
