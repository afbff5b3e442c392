import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../server/src/cli';
import { openDatabase } from '../../server/src/db/database';
import { tamperAuditAction } from '../../server/src/db/testing';
import { loadConfig } from '../../server/src/config';
import { emptyTables } from '../helpers/db';

describe('the command-line tool (README: first admin and invitations)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-cli-'));
  const saved = { ...process.env };
  const out: string[] = [];
  const say = (s: string) => out.push(s);

  beforeAll(async () => {
    process.env.DATA_DIR = dataDir;
    process.env.NODE_ENV = 'test';
    if (process.env.DATABASE_URL) {
      const db = await openDatabase(loadConfig());
      await emptyTables(db);
      await db.close();
    }
  });
  afterAll(() => {
    process.env = saved;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => (out.length = 0));

  test('invite prints a code once; a county role needs its county', async () => {
    expect(await runCli(['invite', '--role', 'admin'], say)).toBe(0);
    expect(out[0]).toMatch(/^邀请码: [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    out.length = 0;
    expect(await runCli(['invite', '--role', 'county_miit'], say)).toBe(2);
    expect(out.join('\n')).toMatch(/230717/);
    expect(await runCli(['invite', '--role', 'county_miit', '--county', '230717', '--hours', '24'], say)).toBe(0);
  });

  test('grant-admin needs a user who has logged in', async () => {
    expect(await runCli(['grant-admin', '--openid', 'mp-nobody'], say)).toBe(1);
    expect(out.join('')).toMatch(/先登录/);
  });

  test('audit-verify passes on an untouched trail and fails on a tampered one', async () => {
    expect(await runCli(['audit-verify'], say)).toBe(0);
    expect(out.join('\n')).toMatch(/未发现篡改/);
    const db = await openDatabase(loadConfig());
    await db.transaction((tx) => tamperAuditAction(tx, 'invitation.create', 'invitation.forged'));
    await db.close();
    out.length = 0;
    expect(await runCli(['audit-verify'], say)).toBe(1);
    expect(out.join('\n')).toMatch(/edited/);
  });

  test('an unknown command prints the usage', async () => {
    expect(await runCli(['frobnicate'], say)).toBe(2);
    expect(out.join('\n')).toMatch(/用法/);
  });
});
