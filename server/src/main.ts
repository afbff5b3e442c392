import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase } from './db/database';
import { DbTokenStore } from './db/tokenStore';
import { createLogger } from './logger';
import { createApp } from './app';
import { createWechatClients } from './wechat/clients';
import { startSandbox } from './wechat/sandbox';
import { startOutboxWorker } from './modules/notifications/worker';
import { startPaymentJobs } from './modules/payments/jobs';

/**
 * One process serves the API and the official-account endpoint (DESIGN.md, "Running it"). With no
 * settings it runs on the embedded SQLite file, local files and the WeChat sandbox.
 */
export async function start(config: Config): Promise<{ server: Server; stop: () => Promise<void> }> {
  const logger = createLogger(config);
  const db = await openDatabase(config);
  const closers: (() => Promise<void>)[] = [() => db.close()];

  let apiBase = config.wechat.apiBase;
  if (apiBase === null) {
    // Sandbox mode with no WECHAT_API_BASE: the stand-in runs beside us on loopback only.
    const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
    closers.push(() => sandbox.close());
    apiBase = sandbox.baseUrl;
    logger.info({ apiBase }, 'WeChat sandbox started: log in with the code sandbox:<name>');
  }
  const wechat = createWechatClients({ apiBase, mp: config.wechat.mp, oa: config.wechat.oa, tokenStore: new DbTokenStore(db) });
  const sandboxBase = apiBase;
  let ownAddress = `http://127.0.0.1:${config.port}`;
  const { app, services } = createApp({
    config,
    db,
    logger,
    wechat: { miniProgram: wechat.mp },
    wechatPay: {
      // The embedded sandbox also stands in for WeChat Pay; callbacks come back to our own port.
      apiBase: () => config.wechatPay.apiBase ?? sandboxBase,
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

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  start(config).then(
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
      process.stderr.write(`启动失败: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
