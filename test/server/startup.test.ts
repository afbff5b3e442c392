import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `npm start`'s entry point as a newcomer would, with the given environment. */
function runMain(env: Record<string, string>) {
  const child = spawn(TSX, ['server/src/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stderr, stdout }) };
}

describe('start-up', () => {
  test.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://u@h/db' }],
    ['WECHAT_OA_SECRET', { WECHAT_MP_SECRET: 'x', WECHAT_MP_APPID: 'wx1234567890' }],
    ['NODE_ENV', { NODE_ENV: 'production' }],
    ['WECHAT_OA_AES_KEY', { WECHAT_OA_AES_KEY: 'short' }],
  ])('a wrong %s stops the start with one clear line', async (setting, env) => {
    const run = runMain(env);
    expect(await run.exited).toBe(1);
    const lines = run.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^设置错误 ${setting}: `));
  });

  test('with no settings but a fresh DATA_DIR it migrates, starts the sandbox and serves', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-start-'));
    const port = await freePort();
    const run = runMain({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      let health: Response | null = null;
      for (let i = 0; i < 100 && !health; i++) {
        await new Promise((r) => setTimeout(r, 200));
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      }
      expect(health?.status).toBe(200);
      expect(await health?.json()).toEqual({ status: 'ok' });
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'sandbox:newcomer' }) });
      expect(login.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'shangyun.sqlite'))).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
