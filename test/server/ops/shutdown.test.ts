import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { creditCode } from '../../helpers/applications';
import { CLOSING, MULTIPART, partHeader } from '../files/harness';

/**
 * Issue 16, item 2: SIGTERM to `npm start` — as a process manager or a script sends it — stops the
 * server cleanly. Requests in flight finish (a slow upload among them), new connections are refused,
 * nothing is half-written, and the whole process tree (npm, node) is gone within the bound.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CASES = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/cases/eligibility.json'), 'utf8')) as {
  facts: unknown;
  expect: { status?: number };
}[];
const GRACE_MS = 6000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every descendant of `pid`, from ps (the tree npm start makes: npm, then node). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows)
      if (parent === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  body: string;
}

function call(port: number, method: string, urlPath: string, opts: { token?: string; json?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: false,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A PDF of about `bytes` bytes (the server checks the signature, not the drawing). */
function bigPdf(bytes: number): Buffer {
  const head = '%PDF-1.7\n';
  const tail = '1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  const filler = '% 上云补助停机测试\n'.repeat(Math.ceil(bytes / 24));
  return Buffer.from(head + filler + tail, 'utf8');
}

/**
 * A request whose body is written in slices, `everyMs` apart, so that it is surely in flight (accepted
 * and being read) when the signal comes; resolves with the server's answer.
 */
function slowPost(port: number, target: string, headers: Record<string, string>, body: Buffer, slices: number, everyMs: number) {
  let started!: () => void;
  const firstSliceSent = new Promise<void>((r) => (started = r));
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: target, agent: false, headers: { ...headers, 'content-length': body.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    const size = Math.ceil(body.length / slices);
    let i = 0;
    const next = () => {
      req.write(body.subarray(i * size, (i + 1) * size));
      if (i === 0) started();
      i++;
      if (i < slices) setTimeout(next, everyMs);
      else req.end();
    };
    next();
  });
  // Rejections are awaited later, after the signal.
  answer.catch(() => undefined);
  return { firstSliceSent, answer };
}

function startServer(port: number, dataDir: string): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, log: () => log };
}

async function waitHealthy(port: number, withinMs = 60_000): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      if ((await call(port, 'GET', '/healthz')).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('server did not come up');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a clean stop of npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-stop-'));
  let running: ReturnType<typeof startServer> | null = null;

  afterAll(() => {
    if (running?.child.pid)
      for (const pid of [running.child.pid, ...descendants(running.child.pid)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('in-flight requests finish, new ones are refused, nothing is half-written, the tree is gone', async () => {
    const port = await freePort();
    running = startServer(port, dataDir);
    await waitHealthy(port);
    const npmPid = running.child.pid!;
    const tree = [npmPid, ...descendants(npmPid)];
    expect(tree.length).toBeGreaterThanOrEqual(2);

    const login = JSON.parse((await call(port, 'POST', '/api/v1/auth/wx-login', { json: { code: 'sandbox:stop-test' } })).body) as {
      token: string;
    };
    const registered = await call(port, 'POST', '/api/v1/enterprises', {
      token: login.token,
      json: {
        creditCode: creditCode('230717'),
        name: '伊美区停机测试厂',
        countyCode: '230717',
        establishedOn: '2016-05-01',
        industryCode: 'C',
        legalRepresentative: '王某',
        address: '伊美区停机路1号',
        contactName: '李某',
        contactPhone: '13904580052',
      },
    });
    expect(registered.status).toBe(201);
    const enterpriseId = (JSON.parse(registered.body) as { enterprise: { id: string } }).enterprise.id;

    // A 600 kB licence sent in 20 slices over 3 s: well inside the grace period.
    const content = bigPdf(600_000);
    const upload = slowPost(
      port,
      `/api/v1/files/enterprise/${enterpriseId}/business_license`,
      { authorization: `Bearer ${login.token}`, 'content-type': MULTIPART },
      Buffer.concat([partHeader({ filename: '营业执照.pdf', contentType: 'application/pdf' }), content, CLOSING]),
      20,
      150,
    );
    // And a burst of self-checks in flight when the signal comes (each body in two halves, 1 s apart).
    const facts = Buffer.from(JSON.stringify(CASES[0].facts));
    const burst = Array.from({ length: 20 }, () =>
      slowPost(port, '/api/v1/eligibility/evaluate', { 'content-type': 'application/json' }, facts, 2, 1000),
    );
    await Promise.all([upload.firstSliceSent, ...burst.map((b) => b.firstSliceSent)]);
    await new Promise((r) => setTimeout(r, 200));

    const signalledAt = Date.now();
    process.kill(npmPid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    // New connections are refused while the upload is still arriving.
    await expect(call(port, 'GET', '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // What was in flight finishes.
    const uploaded = await upload.answer;
    expect(uploaded.status).toBe(201);
    for (const res of await Promise.all(burst.map((b) => b.answer))) expect(res.status).toBe(CASES[0].expect.status ?? 200);

    // The whole tree is gone within the bound, with a clean exit.
    expect(await running.exited).toBe(0);
    const bound = GRACE_MS + 15_000;
    while (tree.some(alive) && Date.now() - signalledAt < bound) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter(alive)).toEqual([]);
    expect(running.log()).toMatch(/"msg":"stopped"/);

    // Started again on the same data: the upload is there whole, and nothing is left half-written.
    running = startServer(port, dataDir);
    await waitHealthy(port);
    const listed = JSON.parse((await call(port, 'GET', `/api/v1/files/enterprise/${enterpriseId}`, { token: login.token })).body) as {
      files: { sha256: string; sizeBytes: number }[];
    };
    expect(listed.files).toHaveLength(1);
    expect(listed.files[0]).toMatchObject({
      sha256: createHash('sha256').update(content).digest('hex'),
      sizeBytes: content.length,
    });
    expect(fs.readdirSync(path.join(dataDir, 'files', 'tmp'))).toEqual([]);
    process.kill(running.child.pid!, 'SIGINT');
    expect(await running.exited).toBe(0);
  }, 120_000);
});
