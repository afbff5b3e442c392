import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase } from './db/database';
import { DbTokenStore } from './db/tokenStore';
import { createLogger } from './logger';
import { createApp } from './app';
import { createWechatClients } from './wechat/clients';
import { startOutboxWorker } from './modules/notifications/worker';
import { startPaymentJobs } from './modules/payments/jobs';

export interface Running {
  server: Server;
  stop: () => Promise<void>;
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
  const logger = createLogger(config);
  const db = await openDatabase(config);
  const closers: (() => Promise<void>)[] = [() => db.close()];

  const wechat = createWechatClients({ apiBase, mp: config.wechat.mp, oa: config.wechat.oa, tokenStore: new DbTokenStore(db) });
  let ownAddress = `http://127.0.0.1:${config.port}`;
  const { app, services } = createApp({
    config,
    db,
    logger,
    wechat: { miniProgram: wechat.mp },
    wechatPay: {
      // In sandbox mode the sandbox also stands in for WeChat Pay; callbacks come back to our own port.
      apiBase: () => config.wechatPay.apiBase ?? apiBase,
      notifyBaseUrl: () => config.wechatPay.publicBaseUrl ?? ownAddress,
    },
  });
  closers.push(startOutboxWorker({ config, db, wechat, logger }));

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  ownAddress = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(startPaymentJobs(services.reconciler, logger));
  // WeChat and slow phones: keep idle connections a little longer than typical load balancers do.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A 20 MB material from a phone on a weak mobile link can take minutes; headers still must come fast.
  server.requestTimeout = 15 * 60_000;
  logger.info({ port: config.port, database: config.database.kind, sandbox: config.sandbox }, '上云补助 server listening');

  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const close of closers.reverse()) await close();
  };
  return { server, stop };
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
 * SIGTERM stop it cleanly (exit 0).
 */
export function runEntry(launch: () => Promise<Running>): void {
  launch().then(
    ({ stop }) => {
      const shutdown = () => {
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
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
