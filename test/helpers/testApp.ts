import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Services } from '../../server/src/app';
import { createApp } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import type { Database } from '../../server/src/db/database';
import { DbTokenStore } from '../../server/src/db/tokenStore';
import { createLogger } from '../../server/src/logger';
import { startSandbox, type SandboxOptions } from '../../server/sandbox';
import { createWechatClients } from '../../server/src/wechat/clients';
import { Metrics } from '../../server/src/metrics';
import { connectRedis, redisReady } from '../../server/src/redis';
import { InvitationService } from '../../server/src/modules/auth/invitations';
import { AuditTrail } from '../../server/src/modules/audit/audit';
import type { InvitedRole } from '../../shared/src/contracts/roles';
import { openTestDatabase, testConfig } from './db';

export interface TestApp {
  config: Config;
  db: Database;
  server: Server;
  http: ReturnType<typeof request.agent>;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  /** The app's use cases, for jobs a test runs by hand (the payment sweeper, the bill check). */
  services: Services;
  /** The app's metrics (what GET /metrics shows), fed by the app, its WeChat clients and its limits. */
  metrics: Metrics;
  /** Logs in through the real co-wechat-api client against the sandbox and returns the bearer token. */
  login(name: string): Promise<{ token: string; userId: string }>;
  /** Gives a logged-in user an invited role the way production does: an invitation code, redeemed. */
  grant(token: string, role: InvitedRole, countyCode?: string): Promise<void>;
  close(): Promise<void>;
}

/** The real app, on a real database, with the real WeChat client pointed at the sandbox. */
export async function startTestApp(
  options: {
    now?: () => number;
    env?: Record<string, string>;
    logDestination?: DestinationStream;
    sandbox?: SandboxOptions;
    /** A database opened by the test (a SQLite file, data restored or upgraded); closed with the app. */
    db?: Database;
  } = {},
): Promise<TestApp> {
  // WeChat refuses a subscribe message without a subscription (43101) and a template message to a
  // non-follower (43004), and so does the sandbox by default; most tests are about something else and
  // turn both off. Tests of those refusals ask for them (`sandbox: {strictSubscriptions: true}`) or
  // switch them on with control.configure.
  const sandbox = await startSandbox({
    strictSubscriptions: false,
    strictFollowers: false,
    ...options.sandbox,
    port: 0,
    host: '127.0.0.1',
  });
  // Materials go to a folder of this test app's own, removed on close.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-test-'));
  const config = testConfig({ WECHAT_API_BASE: sandbox.baseUrl, DATA_DIR: dataDir, ...options.env });
  const db = options.db ?? (await openTestDatabase(options.env));
  const metrics = new Metrics({ processMetrics: false });
  const redis = config.redis.url === null ? null : connectRedis(config.redis.url, { warn() {}, info() {} });
  if (redis) await redisReady(redis);
  const wechat = createWechatClients({
    apiBase: sandbox.baseUrl,
    mp: config.wechat.mp,
    oa: config.wechat.oa,
    tokenStore: new DbTokenStore(db),
    onError: (api, code) => metrics.wechatErrors.inc({ api, code }),
  });
  let ownBase = '';
  const { app, services } = createApp({
    config,
    db,
    logger: createLogger(config, options.logDestination),
    wechat: { miniProgram: wechat.mp },
    now: options.now,
    wechatPay: { notifyBaseUrl: () => ownBase },
    metrics,
    redis,
  });
  // supertest against a real listening socket: HTTP parsing, limits and all.
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  ownBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = request.agent(server);
  const invitations = new InvitationService(db, new AuditTrail(config.auditKey));

  return {
    config,
    db,
    server,
    http,
    sandbox,
    services,
    metrics,
    async login(name) {
      const res = await http.post('/api/v1/auth/wx-login').send({ code: `sandbox:${name}` });
      if (res.status !== 200) throw new Error(`login of ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { token: res.body.token as string, userId: res.body.user.id as string };
    },
    async grant(token, role, countyCode) {
      const { code } = await invitations.create(null, { role, countyCode: countyCode ?? null, expiresInHours: 1, note: null });
      const res = await http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${token}`).send({ code });
      if (res.status !== 200) throw new Error(`grant ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox.close();
      await db.close();
      redis?.disconnect();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
