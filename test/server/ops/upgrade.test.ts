import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openDatabase } from '../../../server/src/db/database';
import { knownMigrations, tableColumns, tableDigests, tableRowCounts } from '../../../server/src/db/backup';
import { createEmptyDatabase, dropDatabase, loadSqlDump, scratchDatabaseUrl } from '../../../server/src/db/testing';
import { verifyAuditTrail } from '../../../server/src/modules/audit/audit';
import { onMysql, testConfig } from '../../helpers/db';
import { startTestApp } from '../../helpers/testApp';

const FIXTURE = path.join(__dirname, '../../fixtures/upgrade');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Issue 16 item 7: the previous release's database, filled by that release's own end-to-end test
 * (test/fixtures/upgrade/README.md says how it was made), upgraded by today's migrations. Nothing is
 * lost: every table keeps its rows (the new ones start empty, the migrations table gains this
 * release's entries), every audit chain still verifies, and today's app serves the old cases.
 */
describe('upgrading a database of the previous release (README: Upgrades)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-upgrade-'));
  const url = onMysql() ? scratchDatabaseUrl(process.env.DATABASE_URL!, 'upgrade') : null;
  const env: Record<string, string> = { DATA_DIR: dataDir, ...(url ? { DATABASE_URL: url } : {}) };

  beforeAll(async () => {
    if (url) {
      await createEmptyDatabase(url);
      await loadSqlDump(url, gunzipSync(fs.readFileSync(path.join(FIXTURE, 'previous.mariadb.sql.gz'))).toString('utf8'));
    } else {
      fs.writeFileSync(path.join(dataDir, 'shangyun.sqlite'), gunzipSync(fs.readFileSync(path.join(FIXTURE, 'previous.sqlite.gz'))));
    }
  });
  afterAll(async () => {
    if (url) await dropDatabase(url);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("today's migrations keep every row and every audit chain", async () => {
    const config = testConfig(env);
    const old = await openDatabase(config, { runMigrations: false });
    const before = await tableRowCounts(old);
    const trailBefore = await verifyAuditTrail(old, config.auditKey);
    const applied = before.migrations;
    // What the old columns held, row by row. OpenDoors1764530000000 expires the 8-digit join codes still
    // open (they could be guessed): that one column of that one table is meant to change.
    const columns = await tableColumns(old);
    columns.enterprise_invitations = columns.enterprise_invitations.filter((c) => c !== 'expires_at');
    const contentBefore = await tableDigests(old, columns);
    await old.close();
    // The fixture is a real earlier release with real data in it, older than today's code.
    expect(trailBefore.problems).toEqual([]);
    expect(before.applications).toBeGreaterThanOrEqual(5);
    expect(trailBefore.rows).toBeGreaterThan(100);
    const pending = knownMigrations().length - applied;
    expect(pending).toBeGreaterThanOrEqual(1);

    const db = await openDatabase(config);
    try {
      expect(await db.hasPendingMigrations()).toBe(false);
      const after = await tableRowCounts(db);
      const created = Object.keys(after).filter((t) => !(t in before));
      // What OpenDoors1764530000000 adds: the rate limits' table, empty.
      for (const t of created) expect({ table: t, rows: after[t] }).toEqual({ table: t, rows: 0 });
      expect(Object.keys(before).filter((t) => !(t in after))).toEqual([]);
      for (const t of Object.keys(before)) {
        const expected = t === 'migrations' ? before[t] + pending : before[t];
        expect({ table: t, rows: after[t] }).toEqual({ table: t, rows: expected });
      }
      const contentAfter = await tableDigests(db, columns);
      for (const t of Object.keys(before).filter((name) => name !== 'migrations'))
        expect({ table: t, content: contentAfter[t] }).toEqual({ table: t, content: contentBefore[t] });
      const trailAfter = await verifyAuditTrail(db, config.auditKey);
      expect(trailAfter.problems).toEqual([]);
      expect({ rows: trailAfter.rows, chains: trailAfter.chains }).toEqual({ rows: trailBefore.rows, chains: trailBefore.chains });
    } finally {
      await db.close();
    }
  });

  test("today's app serves the old cases: the clerk's disbursed application, the city's ledger", async () => {
    const config = testConfig(env);
    const t = await startTestApp({ env, db: await openDatabase(config) });
    try {
      const { token } = await t.login('lc-clerk');
      const mine = await t.http.get('/api/v1/applications/mine').set(bearer(token));
      expect(mine.status).toBe(200);
      const disbursed = (mine.body.items as { id: string; status: string }[]).find((a) => a.status === 'disbursed');
      expect(disbursed).toBeDefined();
      const one = await t.http.get(`/api/v1/applications/${disbursed!.id}`).set(bearer(token));
      expect(one.status).toBe(200);
      expect(one.body.application).toMatchObject({ status: 'disbursed', verifiedFen: 7_000_000, disbursedFen: 7_000_000 });
      const history = await t.http.get(`/api/v1/applications/${disbursed!.id}/history`).set(bearer(token));
      expect(history.status).toBe(200);

      const approver = await t.login('lc-approver');
      const ledger = await t.http.get('/api/v1/city/disbursements').set(bearer(approver.token));
      expect(ledger.status).toBe(200);
      expect(JSON.stringify(ledger.body)).toContain(disbursed!.id);
      // PolicyVersion1764710000000: an application submitted before versions existed was judged under the first.
      const view = await t.http.get(`/api/v1/city/applications/${disbursed!.id}`).set(bearer(approver.token));
      expect([view.status, view.body.amount?.policyVersion?.id]).toEqual([200, 'yichun-2023-cloud/1']);
    } finally {
      await t.close();
    }
  });
});
