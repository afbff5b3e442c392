/**
 * npm run bench — a benchmark, not a test. Every figure is a ratio against a bare Koa route measured
 * in the same run (absolute numbers drift ±15% between runs; ratios hold). Servers run as child
 * processes pinned to core 0 where taskset exists; the load generator runs here, on core 1.
 * Loads go to 127.0.0.1 only, bounded in time.
 *
 *   npm run bench                      # embedded SQLite
 *   DATABASE_URL=mysql://… npm run bench  # MariaDB (the database is named in the output)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/database';
import { seedApplications, seedBoundFollower, seedCountyReviewer, seedSessions } from './seed';
import { upload } from './uploads';
import { preparePay, seedPayParties } from './pay';
import { pushSignature, startSandbox } from '../server/sandbox';
import { measureOutboxThroughput } from './throughput';
import { recountStages } from '../server/src/db/applications/stageCounts';
import type { HeapReport } from './memoryServer';
import { installPolicyPack, policyPack } from '../shared/src/pack';
import { creditCodeCheckCharacter } from '../shared/src/rules/creditCode';

const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 100_000);
const LOOKUP_SECONDS = Number(process.env.BENCH_LOOKUP_SECONDS ?? 30);
/** The memory run: this many queue pages in four quarters, stopped after BENCH_MEMORY_SECONDS whatever the count. */
const MEMORY_PAGES = Number(process.env.BENCH_MEMORY_PAGES ?? 300_000);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 900);
/** BENCH_ONLY=memory: only the memory run (to compare one change's memory before and after). */
const ONLY_MEMORY = process.env.BENCH_ONLY === 'memory';
const ROOT = path.resolve(__dirname, '..');
const BENCH_LIMITS_OFF = 'login.address=0/1m,evaluate.address=0/1m,upload.user=0/1h,upload.address=0/1h,message.openid=0/1m';
const BUILD = path.join(ROOT, 'dist', 'bench');
const PINNED = fs.existsSync('/usr/bin/taskset') && os.cpus().length >= 2;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Production runs compiled JavaScript, so the benchmark does too (tsx's per-call helpers would skew it). */
function build(): void {
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bench.json', '--outDir', BUILD], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** `heap`: node runs with --expose-gc and an IPC channel, for heapAfterGc() (bench/memoryServer.ts). */
function spawnServer(script: string, env: Record<string, string>, options: { heap?: boolean } = {}): ChildProcess {
  const file = path.join(BUILD, script.replace(/\.ts$/, '.js'));
  const node = options.heap ? [process.execPath, '--expose-gc', file] : [process.execPath, file];
  const args = PINNED ? ['-c', '0', ...node] : node.slice(1);
  const cmd = PINNED ? 'taskset' : process.execPath;
  return spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: options.heap ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'ignore', 'inherit'],
  });
}

/** The server's heap after a forced full collection, and its RSS then (bench/memoryServer.ts answers). */
function heapAfterGc(server: ChildProcess): Promise<HeapReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report its heap')), 10_000);
    server.once('message', (m: unknown) => {
      clearTimeout(timer);
      resolve(m as HeapReport);
    });
    server.send('heap');
  });
}

/**
 * Many requests in four equal parts, the server's heap after a forced GC read before and after each:
 * live memory that grows with the number of requests shows as a rising line. Bounded in time: a part
 * stops at the deadline, and the pages done are reported.
 */
async function memoryRun(
  url: string,
  load: Load,
  server: ChildProcess,
  total: number,
  seconds: number,
): Promise<{ done: number; seconds: number; heaps: HeapReport[] }> {
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const heaps = [await heapAfterGc(server)];
  let done = 0;
  for (let i = 0; i < 4 && Date.now() < deadline; i++) {
    const part = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url, connections: CONNECTIONS, amount: Math.ceil(total / 4), ...load }, (err, result) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
      );
      const stop = setTimeout(() => instance.stop(), Math.max(0, deadline - Date.now()));
      instance.on('done', () => clearTimeout(stop));
    });
    if (part.non2xx || part.errors || part.timeouts) throw new Error(`${url} answered ${part.non2xx} non-2xx and ${part.errors} errors`);
    done += part.requests.total;
    heaps.push(await heapAfterGc(server));
  }
  return { done, seconds: (Date.now() - started) / 1000, heaps };
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not come up`);
}

function rssMb(pid: number): number {
  // Under taskset the server is the same process (exec); descendants are looked at in case of a wrapper.
  const pids = [pid, ...descendants(pid)];
  let max = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) max = Math.max(max, Number(m[1]) / 1024);
    } catch {
      /* gone */
    }
  }
  return Math.round(max);
}

function descendants(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}

type Load = Omit<autocannon.Options, 'url' | 'connections' | 'duration'>;

async function measure(
  url: string,
  load: Load,
  seconds = ROUND_SECONDS,
): Promise<{ rps: number; p99: number; errors: number; non2xx: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, ...load });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

/** A long run in four parts, the server's RSS read before and after each: flat memory shows as a plateau. */
async function longRun(url: string, load: Load, pid: number): Promise<{ result: Awaited<ReturnType<typeof measure>>; rss: number[] }> {
  const rss = [rssMb(pid)];
  const parts: Awaited<ReturnType<typeof measure>>[] = [];
  for (let i = 0; i < 4; i++) {
    const part = await measure(url, load, LOOKUP_SECONDS / 4);
    if (part.non2xx || part.errors) throw new Error(`${url} answered ${part.non2xx} non-2xx and ${part.errors} errors`);
    parts.push(part);
    rss.push(rssMb(pid));
  }
  return { result: { rps: median(parts.map((p) => p.rps)), p99: Math.max(...parts.map((p) => p.p99)), errors: 0, non2xx: 0 }, rss };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** An eligible enterprise of the installed pack's first county (91: a company; its check character computed). */
const evaluateBody = (county = policyPack().counties[0].code) =>
  JSON.stringify({
    asOf: '2024-06-30',
    enterprise: {
      creditCode: `91${county}Y4CL12TH8${creditCodeCheckCharacter(`91${county}Y4CL12TH8`)}`,
      registeredInYichun: true,
      independentLegalPerson: true,
      industrial: true,
      industryCode: 'C',
      alignedWithIndustrialPolicy: true,
      establishedOn: '2019-04-12',
      operatingNormally: true,
      badCreditRecord: false,
      seriousFiscalViolationWithin5Years: false,
      dishonestyRecord: false,
    },
    cloud: {
      firstPurchase: true,
      providerFiledOn: '2023-05-10',
      contractSignedOn: '2023-08-01',
      contractAmountFen: 12000000,
      paidAmountFen: 12000000,
    },
    history: { subsidyReceived: false, applicationInProgress: false },
    otherSubsidiesFen: 0,
  });

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-bench-'));
  const dbEnv: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  if (process.env.DATABASE_URL) dbEnv.DATABASE_URL = process.env.DATABASE_URL;
  // The server under test and the seeds here serve the same pack (POLICY_PACK, default the built-in one).
  if (process.env.POLICY_PACK) dbEnv.POLICY_PACK = process.env.POLICY_PACK;
  const dbName = process.env.DATABASE_URL
    ? `MariaDB/MySQL (${new URL(process.env.DATABASE_URL).pathname.slice(1)})`
    : 'SQLite (WAL, synchronous=NORMAL)';

  process.stdout.write('compiling…\n');
  build();
  process.stdout.write(`seeding ${USERS} users with sessions and ${APPLICATIONS} applications on ${dbName}…\n`);
  installPolicyPack(loadConfig(dbEnv).policyPack);
  const seedDb = await openDatabase(loadConfig(dbEnv));
  const tokens = await seedSessions(seedDb, USERS);
  await seedApplications(seedDb, APPLICATIONS);
  const reviewerToken = await seedCountyReviewer(seedDb);
  await seedBoundFollower(seedDb, 'oa-bench-follower');
  await recountStages(seedDb);
  const paySeed = await seedPayParties(seedDb);
  await seedDb.close();
  // The server's WeChat stand-in runs here, so the benchmark can steer its WeChat Pay part.
  // WeChat's 43101/43004 refusals and WeChat Pay's per-merchant rate (on by default in the sandbox) off: the load is ours.
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    strictSubscriptions: false,
    strictFollowers: false,
    pay: { maxRequestsPerSecond: Number.MAX_SAFE_INTEGER },
  });
  dbEnv.WECHAT_API_BASE = sandbox.baseUrl;

  const barePort = await freePort();
  const appPort = await freePort();
  const bare = spawnServer('bench/bareServer.ts', { PORT: String(barePort) });
  const oaPort = await freePort();
  const oaBaseline = spawnServer('bench/oaBaseline.ts', { PORT: String(oaPort) });
  // The load comes from one address: the limits that count every call would measure themselves, not the path.
  const appServer = spawnServer(
    'bench/memoryServer.ts',
    { ...dbEnv, PORT: String(appPort), HOST: '127.0.0.1', RATE_LIMITS: BENCH_LIMITS_OFF },
    { heap: true },
  );
  const stopAll = () => {
    bare.kill('SIGTERM');
    oaBaseline.kill('SIGTERM');
    appServer.kill('SIGTERM');
  };
  process.on('exit', stopAll);
  try {
    await waitFor(`http://127.0.0.1:${barePort}/hello`);
    await waitFor(`http://127.0.0.1:${appPort}/healthz`);
    if (PINNED) spawn('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    const queueUrl = `http://127.0.0.1:${appPort}/api/v1/county/applications?status=county_review&limit=20`;
    const queueLoad: Load = { headers: { authorization: `Bearer ${reviewerToken}` } };
    const memoryLine = async () => {
      const m = await memoryRun(queueUrl, queueLoad, appServer, MEMORY_PAGES, MEMORY_SECONDS);
      return `memory over ${m.done} queue pages in ${Math.round(m.seconds)} s: server heapUsed after a forced GC ${m.heaps.map((h) => h.heapUsedMb).join(' → ')} MB, RSS ${m.heaps.map((h) => Math.round(h.rssMb)).join(' → ')} MB (start, each quarter)`;
    };
    if (ONLY_MEMORY) {
      process.stdout.write(`database: ${dbName}; ${CONNECTIONS} connections\n${await memoryLine()}\n`);
      return;
    }

    const bareUrl = `http://127.0.0.1:${barePort}/hello`;
    const evalUrl = `http://127.0.0.1:${appPort}/api/v1/eligibility/evaluate`;
    const evalLoad: Load = { method: 'POST', headers: { 'content-type': 'application/json' }, body: evaluateBody() };
    await measure(bareUrl, {}, 2);
    await measure(evalUrl, evalLoad, 2);

    const rows: { bare: Awaited<ReturnType<typeof measure>>; evaluate: Awaited<ReturnType<typeof measure>> }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const b = await measure(bareUrl, {});
      const e = await measure(evalUrl, evalLoad);
      if (e.non2xx || e.errors) throw new Error(`evaluate answered ${e.non2xx} non-2xx and ${e.errors} errors`);
      rows.push({ bare: b, evaluate: e });
    }
    const bareRps = median(rows.map((r) => r.bare.rps));
    const evalRps = median(rows.map((r) => r.evaluate.rps));
    const lines = [
      `database: ${dbName}; ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, medians; server ${PINNED ? 'pinned to core 0' : 'unpinned'}`,
      `| path | req/s | p99 ms | ratio to bare Koa |`,
      `|---|---:|---:|---:|`,
      `| bare Koa + router GET /hello | ${Math.round(bareRps)} | ${median(rows.map((r) => r.bare.p99))} | 1.00 |`,
      `| POST /api/v1/eligibility/evaluate | ${Math.round(evalRps)} | ${median(rows.map((r) => r.evaluate.p99))} | ${(evalRps / bareRps).toFixed(2)} |`,
    ];

    // Lookups by id: every request authenticates a different session (hash id) and reads its user's roles.
    let next = 0;
    const lookupLoad: Load = {
      requests: [
        {
          method: 'GET',
          path: '/api/v1/me',
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
        },
      ],
    };
    await measure(`http://127.0.0.1:${appPort}`, lookupLoad, 3);
    const lookupRun = await longRun(`http://127.0.0.1:${appPort}`, lookupLoad, appServer.pid!);
    const lookup = lookupRun.result;
    const lookups = Math.round(lookup.rps * LOOKUP_SECONDS);
    lines.push(
      `| GET /api/v1/me (session + roles by id, ${USERS} users) | ${Math.round(lookup.rps)} | ${lookup.p99} | ${(lookup.rps / bareRps).toFixed(2)} |`,
    );
    const notes: string[] = [''];

    // A county reviewer's queue: the first page of the first county's cases awaiting county review, with the counts per stage.
    await measure(queueUrl, queueLoad, 3);
    const queueRun = await longRun(queueUrl, queueLoad, appServer.pid!);
    const queue = queueRun.result;
    lines.push(
      `| GET /api/v1/county/applications (page of 20 + counts; ${APPLICATIONS} applications) | ${Math.round(queue.rps)} | ${queue.p99} | ${(queue.rps / bareRps).toFixed(2)} |`,
    );
    notes.push(
      `memory over ${lookups} lookups by ${USERS} distinct ids: server RSS ${lookupRun.rss.join(' → ')} MB (start, each quarter of the run)`,
    );
    notes.push(
      `memory over ${Math.round(queue.rps * LOOKUP_SECONDS)} queue pages: server RSS ${queueRun.rss.join(' → ')} MB (start, each quarter of the run)`,
    );
    notes.push(await memoryLine());

    // The official account: a bound user's 进度 (signature, parse, once-only record, binding, lookup)
    // next to the same endpoint's fixed cost alone (signature, parse, reply) in a process of its own.
    const ts = '1700000000';
    const nonce = 'benchnonce';
    const oaQuery = `?signature=${pushSignature('sandbox-token', ts, nonce)}&timestamp=${ts}&nonce=${nonce}`;
    let msgId = 7_000_000_000_000_000_000n;
    const oaLoad: Load = {
      requests: [
        {
          method: 'POST',
          path: `/wechat/official-account${oaQuery}`,
          headers: { 'content-type': 'text/xml' },
          setupRequest: (req) => ({
            ...req,
            body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oa-bench-follower]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[进度]]></Content><MsgId>${(msgId++).toString()}</MsgId></xml>`,
          }),
        },
      ],
    };
    const oaRounds: { base: Awaited<ReturnType<typeof measure>>; real: Awaited<ReturnType<typeof measure>> }[] = [];
    await measure(`http://127.0.0.1:${oaPort}`, oaLoad, 2);
    await measure(`http://127.0.0.1:${appPort}`, oaLoad, 2);
    for (let i = 0; i < ROUNDS; i++) {
      const base = await measure(`http://127.0.0.1:${oaPort}`, oaLoad);
      const real = await measure(`http://127.0.0.1:${appPort}`, oaLoad);
      if (real.non2xx || real.errors || base.non2xx)
        throw new Error(`official account answered ${real.non2xx} non-2xx and ${real.errors} errors`);
      oaRounds.push({ base, real });
    }
    const oaBase = median(oaRounds.map((r) => r.base.rps));
    const oaReal = median(oaRounds.map((r) => r.real.rps));
    lines.push(
      `| OA fixed reply: signature + XML parse + reply, no database | ${Math.round(oaBase)} | ${median(oaRounds.map((r) => r.base.p99))} | ${(oaBase / bareRps).toFixed(2)} |`,
    );
    lines.push(
      `| POST /wechat/official-account 进度 of a bound user (${APPLICATIONS} applications) | ${Math.round(oaReal)} | ${median(oaRounds.map((r) => r.real.p99))} | ${(oaReal / bareRps).toFixed(2)} (${(oaReal / oaBase).toFixed(2)} of the fixed reply) |`,
    );

    // WeChat Pay: a repeated callback (RSA verify over the raw body, AEAD with its tag, the once-only
    // settle that finds it settled) and the pay parameters of an open order (RSA-2048 sign per call).
    const payLoads = await preparePay(`http://127.0.0.1:${appPort}`, sandbox, paySeed, loadConfig(dbEnv).wechat.mp.appid);
    const callbackLoad: Load = { method: 'POST', headers: payLoads.callback.headers, body: payLoads.callback.body };
    const jsapiLoad: Load = { method: 'POST', headers: { authorization: `Bearer ${paySeed.payerToken}` } };
    await measure(`http://127.0.0.1:${appPort}${payLoads.callback.path}`, callbackLoad, 2);
    const callback = await measure(`http://127.0.0.1:${appPort}${payLoads.callback.path}`, callbackLoad);
    const jsapi = await measure(`http://127.0.0.1:${appPort}${payLoads.jsapiPath}`, jsapiLoad);
    if (callback.non2xx || callback.errors || jsapi.non2xx || jsapi.errors)
      throw new Error(`WeChat Pay loads answered ${callback.non2xx + jsapi.non2xx} non-2xx and ${callback.errors + jsapi.errors} errors`);
    lines.push(
      `| POST /api/v1/wechat/pay/notify (a paid order's callback repeated: signature verified, recognised as done) | ${Math.round(callback.rps)} | ${callback.p99} | ${(callback.rps / bareRps).toFixed(2)} |`,
    );
    lines.push(
      `| POST /api/v1/payments/:id/jsapi (open order: reuse + RSA-2048 paySign) | ${Math.round(jsapi.rps)} | ${jsapi.p99} | ${(jsapi.rps / bareRps).toFixed(2)} |`,
    );

    // Eight concurrent 20 MB uploads, streamed: the server's peak RSS above its idle level.
    const login = await fetch(`http://127.0.0.1:${appPort}/api/v1/auth/wx-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'sandbox:bench-uploader' }),
    });
    const uploader = ((await login.json()) as { token: string }).token;
    const filing = await fetch(`http://127.0.0.1:${appPort}/api/v1/provider-filings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${uploader}` },
      body: '{}',
    });
    const filingId = ((await filing.json()) as { filing: { id: string } }).filing.id;
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMb(appServer.pid!);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(appServer.pid!))), 20);
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => upload(appPort, `/api/v1/files/provider/${filingId}/qualifications`, uploader)),
    );
    clearInterval(sampler);
    if (statuses.some((st) => st !== 201)) throw new Error(`uploads answered ${statuses.join(', ')}`);
    notes.push(
      `8 concurrent 20 MB uploads in ${((Date.now() - started) / 1000).toFixed(1)} s: server RSS ${idle} MB idle, peak ${peak} MB (+${peak - idle} MB)`,
    );

    // The outbox: sends per second to the sandbox, next to the bare client's in the same run — with the
    // server stopped first, so that its own worker does not deliver the measured rows to its own sandbox.
    stopAll();
    await new Promise((r) => setTimeout(r, 1000));
    const outbox = await measureOutboxThroughput({
      count: 3000,
      ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    });
    notes.push(
      `outbox: ${outbox.sent} notifications in ${outbox.seconds.toFixed(1)} s = ${Math.round(outbox.perSecond)} sends/s (bare client ${Math.round(outbox.baselinePerSecond)}/s), duplicates ${outbox.duplicates}, lost ${outbox.lost}`,
    );
    process.stdout.write(`${[...lines, ...notes].join('\n')}\n`);
  } finally {
    stopAll();
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
