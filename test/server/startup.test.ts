import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PRODUCTION_WECHAT_SETTINGS } from '../../server/src/main';

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

/** `npm start`'s entry (the development entry, which brings the sandbox in sandbox mode). */
const DEV_ENTRY = 'server/dev.ts';
/** The production entry, as `npm run serve` runs it compiled (build.test.ts runs the compiled one). */
const PRODUCTION_ENTRY = 'server/src/main.ts';

/** Runs an entry point (by default `npm start`'s) as a newcomer would, with the given environment. */
function runMain(env: Record<string, string>, script: string = DEV_ENTRY) {
  const child = spawn(TSX, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stderr, stdout }) };
}

describe('start-up', () => {
  describe.each([
    ['npm start', DEV_ENTRY],
    ['the production entry', PRODUCTION_ENTRY],
  ])('%s', (_name, script) => {
    test.each([
      ['PORT', { PORT: 'eighty' }],
      ['DATABASE_URL', { DATABASE_URL: 'postgres://u@h/db' }],
      ['WECHAT_OA_SECRET', { WECHAT_MP_SECRET: 'x', WECHAT_MP_APPID: 'wx1234567890' }],
      ['NODE_ENV', { NODE_ENV: 'production' }],
      ['WECHAT_OA_AES_KEY', { WECHAT_OA_AES_KEY: 'short' }],
      ['POLICY_PACK', { POLICY_PACK: 'nowhere' }],
    ])('a wrong %s stops the start with one clear line', async (setting, env) => {
      const run = runMain(env, script);
      expect(await run.exited).toBe(1);
      const lines = run.output().stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^设置错误 ${setting}: `));
    });
  });

  test('the production entry has no sandbox: with no WeChat settings it refuses in one Chinese line naming them', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-serve-'));
    try {
      const run = runMain({ DATA_DIR: dataDir }, PRODUCTION_ENTRY);
      expect(await run.exited).toBe(1);
      const lines = run.output().stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^设置错误 WECHAT_MP_SECRET: 正式入口不带微信沙箱，请设置 /);
      for (const setting of PRODUCTION_WECHAT_SETTINGS) expect(lines[0]).toContain(setting);
      expect(lines[0]).toContain('npm start');
      // Refused before anything was opened.
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
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
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/wx-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'sandbox:newcomer' }),
      });
      expect(login.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'shangyun.sqlite'))).toBe(true);
      expect(run.output().stdout).toContain('WeChat sandbox started');
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('npm run sandbox serves the sandbox alone; npm start with WECHAT_API_BASE uses it and starts none of its own', async () => {
    const sandboxPort = await freePort();
    const sandbox = spawn(TSX, ['server/sandbox/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SANDBOX_PORT: String(sandboxPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sandboxExited = new Promise<number | null>((resolve) => sandbox.on('exit', (code) => resolve(code)));
    let sandboxOut = '';
    sandbox.stdout.on('data', (d: Buffer) => (sandboxOut += d.toString()));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-start-'));
    const port = await freePort();
    let run: ReturnType<typeof runMain> | null = null;
    try {
      const baseUrl = `http://127.0.0.1:${sandboxPort}/`;
      for (let i = 0; i < 100 && !sandboxOut.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(sandboxOut.split('\n')[0]).toBe(`WeChat sandbox: ${baseUrl}`);
      expect(sandboxOut).toContain(`WECHAT_API_BASE=${baseUrl}`);

      run = runMain({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', WECHAT_API_BASE: baseUrl });
      let health: Response | null = null;
      for (let i = 0; i < 100 && !health; i++) {
        await new Promise((r) => setTimeout(r, 200));
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      }
      expect(health?.status).toBe(200);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/wx-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'sandbox:second' }),
      });
      expect(login.status).toBe(200);
      // The login went through the standalone sandbox; the server started none of its own.
      const state = (await (await fetch(`${baseUrl}__sandbox/state`)).json()) as { requestCounts: Record<string, number> };
      expect(state.requestCounts['/sns/jscode2session']).toBeGreaterThanOrEqual(1);
      expect(run.output().stdout).not.toContain('WeChat sandbox started');
    } finally {
      if (run) {
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(0);
      }
      sandbox.kill('SIGTERM');
      expect(await sandboxExited).toBe(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('npm run sandbox: a wrong SANDBOX_PORT is one clear line', async () => {
    const child = spawn(TSX, ['server/sandbox/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SANDBOX_PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))).toBe(1);
    expect(stderr.trim().split('\n')).toEqual(['设置错误 SANDBOX_PORT: 须为 0 到 65535 的整数，现为 "eighty"']);
  });
});
