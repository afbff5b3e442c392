import 'reflect-metadata';
import http, { type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase } from './db/database';
import { DbTokenStore } from './db/tokenStore';
import { createLogger } from './logger';
import { createApp } from './app';
import { createWechatClients } from './wechat/clients';
import { startOutboxWorker } from './modules/notifications/worker';
import { startPaymentJobs } from './modules/payments/jobs';
import { remindOnTimer } from './modules/rounds/reminders';
import { Metrics } from './metrics';
import { connectRedis, redisReady } from './redis';
import { startMetricsServer } from './http/metrics';
import { createBlobStorage, sweepTempOnTimer, UPLOAD_TIME_LIMIT_MS } from './storage';
import { installPolicyPack } from '../../shared/src/pack';

export interface Running {
  server: Server;
  /** Stops cleanly (the same promise however often it is called): see `start`. */
  stop: () => Promise<void>;
  /** How long a stop may take at most before the entry gives up on it and exits. */
  stopBoundMs: number;
}

/** What a request that arrives while the server stops gets: the outage's answer, and the connection closed. */
function refuseWhileStopping(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5', connection: 'close' });
  res.end(JSON.stringify({ error: { code: 'unavailable', message: '服务正在重启，请稍后再试', details: [] } }));
}

/**
 * One process serves the API and the official-account endpoint (DESIGN.md, "Running it"). This is the
 * production entry: `npm run build` compiles it (server/src and shared/src only) and `npm run serve`
 * runs the result. It never contains the WeChat sandbox: in sandbox mode `WECHAT_API_BASE` must name
 * one started elsewhere — the development entry (server/dev.ts, `npm start`) starts it beside us, and
 * the production entry refuses sandbox mode altogether (`refuseSandboxMode`).
 */
export async function start(config: Config): Promise<Running> {
  const apiBase = config.wechat.apiBase;
  if (apiBase === null) throw new Error('微信接口地址未知：沙箱模式须设置 WECHAT_API_BASE（或用 npm start，它在本机启动沙箱）');
  // One server serves one pack (issue 18 item 4): every text and rule reads it from here on.
  installPolicyPack(config.policyPack);
  const logger = createLogger(config);
  const db = await openDatabase(config);
  const closers: (() => Promise<void>)[] = [() => db.close()];

  const metrics = new Metrics();
  const wechat = createWechatClients({
    apiBase,
    mp: config.wechat.mp,
    oa: config.wechat.oa,
    tokenStore: new DbTokenStore(db),
    onError: (api, code) => metrics.wechatErrors.inc({ api, code }),
  });
  let ownAddress = `http://127.0.0.1:${config.port}`;
  const storage = createBlobStorage(config);
  const redis = config.redis.url === null ? null : connectRedis(config.redis.url, logger);
  if (redis) {
    closers.push(() =>
      redis.quit().then(
        () => undefined,
        () => redis.disconnect(),
      ),
    );
    await redisReady(redis);
  }
  const { app, services } = createApp({
    config,
    db,
    logger,
    storage,
    metrics,
    redis,
    wechat: { miniProgram: wechat.mp },
    wechatPay: {
      // In sandbox mode the sandbox also stands in for WeChat Pay; callbacks come back to our own port.
      apiBase: () => config.wechatPay.apiBase ?? apiBase,
      notifyBaseUrl: () => config.wechatPay.publicBaseUrl ?? ownAddress,
    },
  });
  const background: (() => Promise<void>)[] = [
    startOutboxWorker({
      config,
      db,
      wechat,
      logger,
      onOutcome: (channel, result) => metrics.sends.inc({ channel, result }),
    }),
    sweepTempOnTimer(storage, logger),
    remindOnTimer(services.roundReminders, logger),
  ];

  // Koa's own listen(), with one door in front: once stopping, a request that still arrives on an open
  // keep-alive connection is refused with 503 and the connection closed, and a finished one lets its
  // connection go, so that only requests in flight hold the server open.
  let stopping = false;
  const handle = app.callback();
  const server = http.createServer((req, res) => {
    if (stopping) return refuseWhileStopping(res);
    res.once('finish', () => {
      if (stopping) server.closeIdleConnections();
    });
    void handle(req, res);
  });
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  ownAddress = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (config.metrics.port !== null) {
    const metricsServer = await startMetricsServer(metrics, config.metrics.port);
    closers.push(() => new Promise<void>((resolve) => metricsServer.close(() => resolve())));
  }
  background.push(startPaymentJobs(services.reconciler, logger));
  // WeChat and slow phones: keep idle connections a little longer than typical load balancers do.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A 20 MB material from a phone on a weak mobile link can take minutes; headers still must come fast.
  server.requestTimeout = UPLOAD_TIME_LIMIT_MS;
  logger.info({ port: config.port, database: config.database.kind, sandbox: config.sandbox }, '上云补助 server listening');

  /**
   * A clean stop (SIGTERM, SIGINT): no new connections; requests in flight finish, up to
   * SHUTDOWN_GRACE_MS, after which their connections are cut (their transactions roll back whole and
   * an upload's temporary part is swept); meanwhile the outbox worker and the payment jobs finish their
   * round; then the database is closed.
   */
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      services.health.markStopping();
      logger.info({ graceMs: config.shutdownGraceMs }, 'stopping: no new requests, finishing those in flight');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => {
        logger.warn('stopping: requests still in flight after the grace period are cut');
        server.closeAllConnections();
      }, config.shutdownGraceMs);
      const backgroundDone = Promise.allSettled(background.map((close) => close()));
      await drained;
      clearTimeout(cut);
      await backgroundDone;
      for (const close of closers.reverse()) await close();
      logger.info('stopped');
    })());
  return { server, stop, stopBoundMs: config.shutdownGraceMs + 15_000 };
}

/** The settings the production entry needs instead of the sandbox, named in its refusal. */
export const PRODUCTION_WECHAT_SETTINGS = [
  'WECHAT_MP_APPID',
  'WECHAT_MP_SECRET',
  'WECHAT_OA_APPID',
  'WECHAT_OA_SECRET',
  'WECHAT_OA_TOKEN',
  'PUBLIC_BASE_URL',
] as const;

/** The production entry carries no sandbox: sandbox mode (no WeChat secret set) is a start-up error here. */
export function refuseSandboxMode(config: Config): Config {
  if (config.sandbox) {
    throw new ConfigError(
      'WECHAT_MP_SECRET',
      `正式入口不带微信沙箱，请设置 ${PRODUCTION_WECHAT_SETTINGS.join('、')}（或用 npm start 在本机试用）`,
    );
  }
  return config;
}

/**
 * Runs an entry: a wrong setting is one line on stderr and exit 1, a failed start likewise; SIGINT and
 * SIGTERM stop it cleanly (exit 0), within the stop's bound (exit 1 past it, or at a second signal).
 * A server whose launcher died (npm, tsx, a shell killed with -9) stops too, rather than holding its
 * port as an orphan.
 */
export function runEntry(launch: () => Promise<Running>): void {
  launch().then(
    ({ stop, stopBoundMs }) => {
      let signalled = false;
      const shutdown = () => {
        if (signalled) process.exit(1);
        signalled = true;
        setTimeout(() => process.exit(1), stopBoundMs).unref();
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent && !signalled) shutdown();
      }, 1000).unref();
    },
    (err: unknown) => {
      if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
      else process.stderr.write(`启动失败: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) {
  runEntry(async () => start(refuseSandboxMode(loadConfig())));
}
