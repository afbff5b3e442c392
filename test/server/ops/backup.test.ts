import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { runCli } from '../../../server/src/cli';
import { openDatabase, type Database } from '../../../server/src/db/database';
import { storedFileHashes, tableRowCounts } from '../../../server/src/db/backup';
import { dropDatabase, scratchDatabaseUrl } from '../../../server/src/db/testing';
import { verifyAuditTrail } from '../../../server/src/modules/audit/audit';
import type { Manifest } from '../../../server/src/modules/ops/backup';
import { LocalDiskStorage, localStorageRoot } from '../../../server/src/storage';
import { creditCode } from '../../helpers/applications';
import { openTestDatabase, onMysql, testConfig } from '../../helpers/db';
import { startTestApp, type TestApp } from '../../helpers/testApp';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pdf = (n: number) => Buffer.from(`%PDF-1.4\n% material ${n} ${'x'.repeat(n % 97)}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

/**
 * Issue 16 item 6: a backup taken while the server writes restores into a fresh place with every audit
 * chain intact, every file the database names present with its hash, and each table's rows as the
 * backup counted them. On SQLite (a file, as `npm start` has it) and on MariaDB (restored into a
 * scratch database beside the suite's).
 */
describe('backup and restore (README: Backup and restore)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-backup-'));
  const dataDir = path.join(work, 'data');
  const restoreDir = path.join(work, 'restored');
  const backupDir = path.join(work, 'backup');
  const restoreUrl = onMysql() ? scratchDatabaseUrl(process.env.DATABASE_URL!, 'restore') : null;
  const saved = { ...process.env };
  const out: string[] = [];
  const say = (s: string) => out.push(s);
  let t: TestApp;
  let county: { token: string };
  let manifest: Manifest;

  /** The CLI reads its settings from the environment, as an operator runs it. */
  const cli = async (args: string[], env: { DATA_DIR: string; DATABASE_URL?: string }) => {
    process.env.DATA_DIR = env.DATA_DIR;
    if (env.DATABASE_URL) process.env.DATABASE_URL = env.DATABASE_URL;
    out.length = 0;
    const code = await runCli(args, say);
    process.env = { ...saved };
    return code;
  };

  /** One round of an enterprise's work: register, upload, the county verifies, apply, upload, withdraw. */
  async function round(i: number): Promise<void> {
    const { token } = await t.login(`backup-writer-${i}`);
    const reg = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(token))
      .send({
        creditCode: creditCode('230717'),
        name: `伊春备份测试${i}号木业有限公司`,
        countyCode: '230717',
        establishedOn: '2018-06-01',
        industryCode: 'C',
        legalRepresentative: '张林',
        address: '伊春市伊美区林都大街1号',
        contactName: '刘会计',
        contactPhone: '13904580001',
      });
    expect(reg.status).toBe(201);
    const enterpriseId = reg.body.enterprise.id as string;
    const licence = await t.http
      .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
      .set(bearer(token))
      .attach('file', pdf(i), '营业执照.pdf');
    expect(licence.status).toBe(201);
    const decided = await t.http
      .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
      .set(bearer(county.token))
      .send({ version: reg.body.enterprise.version, decision: 'verify' });
    expect(decided.status).toBe(200);
    const app = await t.http.post('/api/v1/applications').set(bearer(token)).send({ enterpriseId });
    expect(app.status).toBe(201);
    const appId = app.body.application.id as string;
    const material = await t.http
      .post(`/api/v1/files/application/${appId}/service_contract`)
      .set(bearer(token))
      .attach('file', pdf(1000 + i), '服务合同.pdf');
    expect(material.status).toBe(201);
    const withdrawn = await t.http
      .post(`/api/v1/applications/${appId}/withdraw`)
      .set(bearer(token))
      .send({ version: app.body.application.version, reason: '备份测试' });
    expect(withdrawn.status).toBe(200);
  }

  beforeAll(async () => {
    if (restoreUrl) await dropDatabase(restoreUrl);
    const env = { DATA_DIR: dataDir };
    // SQLite on a file (not the suite's in-memory database): the backup reads it from a second connection, as the CLI does.
    const db = onMysql() ? await openTestDatabase() : await openDatabase(testConfig(env));
    t = await startTestApp({ env, db });
    county = await t.login('backup-county');
    await t.grant(county.token, 'county_miit', '230717');
    for (let i = 0; i < 3; i++) await round(i);
  });
  afterAll(async () => {
    await t?.close();
    process.env = saved;
    if (restoreUrl) await dropDatabase(restoreUrl);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('backup runs while enterprises register, upload and withdraw; the manifest counts what it copied', async () => {
    let stop = false;
    let rounds = 0;
    const writer = (async () => {
      for (let i = 100; !stop; i++) {
        await round(i);
        rounds++;
      }
    })();
    // Let the writes get going, then back up in the middle of them.
    while (rounds < 1) await new Promise((r) => setTimeout(r, 10));
    const code = await cli(['backup', backupDir], { DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL });
    stop = true;
    await writer;
    await round(999);
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out.join('\n')).toMatch(/备份完成/);

    manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.database.kind).toBe(onMysql() ? 'mysql' : 'sqlite');
    // The three rounds before the writer and at least its first are in the copy.
    expect(manifest.database.tables.applications).toBeGreaterThanOrEqual(4);
    expect(manifest.storedFiles).toBeGreaterThanOrEqual(8);
    for (const entry of manifest.entries) {
      const bytes = fs.readFileSync(path.join(backupDir, entry.path));
      expect({ path: entry.path, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        path: entry.path,
        sha256: entry.sha256,
      });
    }
    // The writes went on after the copy: the live database has moved past it.
    const live = await tableRowCounts(t.db);
    expect(live.applications).toBeGreaterThan(manifest.database.tables.applications);
  });

  test('restore into a fresh place: audit chains verify, every file matches its hash, the counts agree', async () => {
    const code = await cli(['restore', backupDir], { DATA_DIR: restoreDir, DATABASE_URL: restoreUrl ?? undefined });
    expect({ code, out }).toMatchObject({ code: 0 });

    const config = testConfig({ DATA_DIR: restoreDir, ...(restoreUrl ? { DATABASE_URL: restoreUrl } : {}) });
    const db: Database = await openDatabase(config);
    try {
      expect(await tableRowCounts(db)).toEqual(manifest.database.tables);
      const audit = await verifyAuditTrail(db, config.auditKey);
      expect(audit.problems).toEqual([]);
      expect(audit.rows).toBe(manifest.database.tables.audit_log);
      const storage = new LocalDiskStorage(localStorageRoot(config));
      const named = await storedFileHashes(db);
      expect(named.length).toBe(manifest.database.tables.files);
      for (const f of named) {
        const bytes = fs.readFileSync(storage.pathOf(f.storageKey));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      }
    } finally {
      await db.close();
    }

    // The restored data serves: the app on it answers an enterprise's applications.
    const restored = await startTestApp({
      env: { DATA_DIR: restoreDir, ...(restoreUrl ? { DATABASE_URL: restoreUrl } : {}) },
      db: await openDatabase(config),
    });
    try {
      const { token } = await restored.login('backup-writer-0');
      const mine = await restored.http.get('/api/v1/applications/mine').set(bearer(token));
      expect(mine.status).toBe(200);
      expect(mine.body.items).toHaveLength(1);
      expect(mine.body.items[0].status).toBe('withdrawn');
    } finally {
      await restored.close();
    }
  });

  test('restore refuses a place that is not empty, and changes nothing there', async () => {
    const code = await cli(['restore', backupDir], { DATA_DIR: restoreDir, DATABASE_URL: restoreUrl ?? undefined });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/不是空的|已存在/);
  });

  test('restore refuses a tampered file or manifest before writing anything', async () => {
    const fresh = path.join(work, 'never');
    const tamperedUrl = restoreUrl ? scratchDatabaseUrl(process.env.DATABASE_URL!, 'never') : undefined;
    const copy = path.join(work, 'tampered');
    fs.cpSync(backupDir, copy, { recursive: true });
    const material = manifest.entries.find((e) => e.path.startsWith('files/'))!;
    fs.appendFileSync(path.join(copy, material.path), 'x');
    expect(await cli(['restore', copy], { DATA_DIR: fresh, DATABASE_URL: tamperedUrl })).toBe(1);
    expect(out.join('\n')).toMatch(/校验值不符/);

    // Even with the file's new hash written into the manifest, the manifest's seal gives it away.
    const forged = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as Manifest;
    const bytes = fs.readFileSync(path.join(copy, material.path));
    forged.entries = forged.entries.map((e) =>
      e.path === material.path ? { ...e, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } : e,
    );
    fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(forged));
    expect(await cli(['restore', copy], { DATA_DIR: fresh, DATABASE_URL: tamperedUrl })).toBe(1);
    expect(out.join('\n')).toMatch(/清单的校验码不符/);

    // A file slipped in beside the listed ones.
    fs.cpSync(backupDir, path.join(work, 'extra'), { recursive: true });
    fs.writeFileSync(path.join(work, 'extra', 'files', 'planted'), 'x');
    expect(await cli(['restore', path.join(work, 'extra')], { DATA_DIR: fresh, DATABASE_URL: tamperedUrl })).toBe(1);
    expect(out.join('\n')).toMatch(/清单之外/);

    // Nothing was written: no data folder, no database.
    expect(fs.existsSync(fresh)).toBe(false);
    if (tamperedUrl) await dropDatabase(tamperedUrl);
  });

  test('backup refuses a folder that is not empty; both commands need a folder', async () => {
    expect(await cli(['backup', backupDir], { DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL })).toBe(1);
    expect(out.join('\n')).toMatch(/不是空的/);
    expect(await cli(['backup'], { DATA_DIR: dataDir })).toBe(2);
    expect(out.join('\n')).toMatch(/请指定/);
    if (!onMysql()) {
      // No database where DATA_DIR points: refused, and the folder is left as empty as it was.
      const empty = path.join(work, 'empty-backup');
      expect(await cli(['backup', empty], { DATA_DIR: path.join(work, 'no-data') })).toBe(1);
      expect(out.join('\n')).toMatch(/没有找到数据库文件/);
      expect(fs.readdirSync(empty)).toEqual([]);
    }
  });
});
