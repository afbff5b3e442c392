/**
 * How many notifications a second the outbox worker delivers to the WeChat sandbox, end to end:
 * claim, build, send through the real clients (token from the shared store), record. For the
 * benchmark (bench/run.ts), not for production:
 *
 *   import { measureOutboxThroughput } from './throughput';
 *   const r = await measureOutboxThroughput({ count: 5000 });            // embedded SQLite (a temp file, WAL)
 *   const r = await measureOutboxThroughput({ databaseUrl: 'mysql://…' }); // MariaDB: name it in the output
 *   // r = { database, count, workers, sent, duplicates, lost, seconds, perSecond, baselinePerSecond, ratio }
 *
 * On a database passed in, its rows are removed afterwards (keys start `throughput:<run>:`). Use a
 * dedicated database: the workers also deliver any other pending rows they find (to the sandbox).
 * Set OUTBOX_THROUGHPUT_LOG=warn to see the workers' warnings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../server/src/config';
import { openDatabase, type Database } from '../server/src/db/database';
import { countNotSentWithKeyLike, deleteNotificationsWithKeyLike, deleteUsers, insertUsers } from '../server/src/db/testing';
import type { User as UserRow } from '../server/src/db/users';
import { DbTokenStore } from '../server/src/db/tokenStore';
import { newId } from '../server/src/ids';
import { createWechatClients } from '../server/src/wechat/clients';
import type { AccessTokenRecord, TokenStore } from '../server/src/wechat/tokenStore';
import { startSandbox } from '../server/sandbox';
import { policyPack } from '../shared/src/pack';
import { enqueueNotifications } from '../server/src/modules/notifications/outbox';
import type { NotificationSettingsOverrides } from '../server/src/modules/notifications/settings';
import { OutboxWorker, type RoundStats } from '../server/src/modules/notifications/worker';

export interface ThroughputOptions {
  /** Notifications to deliver (one subscribe message each). Default 5000. */
  count?: number;
  /** Workers in this process (each with its own clients); more than one only makes sense on MySQL. Default 1. */
  workers?: number;
  /** An open database; otherwise one is opened (and closed): `databaseUrl`, or a temporary SQLite file. */
  db?: Database;
  databaseUrl?: string;
  settings?: NotificationSettingsOverrides;
}

export interface ThroughputResult {
  database: 'sqlite' | 'mysql';
  count: number;
  workers: number;
  sent: number;
  /** Recipients who got more than one message (must be 0). */
  duplicates: number;
  /** Notifications not delivered when the run ended (must be 0). */
  lost: number;
  seconds: number;
  perSecond: number;
  /**
   * The same sends straight through the client, in the same run, without the outbox (no claim,
   * no record, a token kept in memory): the ceiling of this machine and sandbox. Absolute figures
   * drift from run to run; the ratio holds (../shared/notes/performance.md).
   */
  baselinePerSecond: number;
  ratio: number;
  /** The workers' counts over the run (retries, lost claims …), to explain a figure. */
  totals: RoundStats;
}

function sumTotals(all: RoundStats[]): RoundStats {
  const out: RoundStats = { claimed: 0, sent: 0, retried: 0, skipped: 0, dead: 0, released: 0, lostClaims: 0, crashed: 0, swept: 0 };
  for (const t of all) for (const k of Object.keys(out) as (keyof RoundStats)[]) out[k] += t[k];
  return out;
}

/** Sends per second through the bare client with `concurrency` in flight (the token held in memory). */
async function rawSendRate(apiBase: string, config: Config, n: number, concurrency: number): Promise<number> {
  const tokens = new Map<string, AccessTokenRecord>();
  const store: TokenStore = {
    get: (appid) => Promise.resolve(tokens.get(appid) ?? null),
    save: (appid, t) => Promise.resolve(void tokens.set(appid, t)),
  };
  const clients = createWechatClients({ apiBase, mp: config.wechat.mp, oa: config.wechat.oa, tokenStore: store });
  const send = (i: number) =>
    clients.mp.sendSubscribeMessage({
      touser: `baseline-${i}`,
      templateId: 'sbx-mp-progress',
      page: 'pages/home/home',
      data: { thing2: { value: '上云补助申请' }, phrase3: { value: '县级审核' } },
    });
  await send(-1);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await send(next++);
    }),
  );
  return Math.round(n / (Number(process.hrtime.bigint() - started) / 1e9));
}

export async function measureOutboxThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const count = options.count ?? 5000;
  const workers = Math.max(1, options.workers ?? 1);
  const run = newId();
  // Every send accepted (WeChat's 43101/43004 refusals, on by default in the sandbox, off): this measures delivery.
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    maxRecorded: count + 1000,
    strictSubscriptions: false,
    strictFollowers: false,
  });
  let tmpDir: string | null = null;
  let db = options.db ?? null;
  const ownDb = db === null;
  try {
    if (db === null) {
      if (options.databaseUrl) {
        db = await openDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: options.databaseUrl }));
      } else {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-throughput-'));
        db = await openDatabase(loadConfig({ NODE_ENV: 'test', DATA_DIR: tmpDir }));
      }
    }
    const database = db;
    const config = loadConfig({
      NODE_ENV: 'test',
      WECHAT_API_BASE: sandbox.baseUrl,
      ...(database.kind === 'mysql' && options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    });
    const logger = pino({ level: process.env.OUTBOX_THROUGHPUT_LOG ?? 'silent' });

    // Recipients and their notifications, written the way use cases write them.
    const now = Date.now();
    const users: UserRow[] = Array.from({ length: count }, (_, i) => ({
      id: newId(),
      mpOpenid: `tp-${run}-${i}`,
      unionid: null,
      oaOpenid: null,
      displayName: null,
      phone: null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < count; i += 500) {
      const slice = users.slice(i, i + 500);
      await database.transaction(async (tx) => {
        await insertUsers(tx, slice);
        for (const [j, u] of slice.entries()) {
          await enqueueNotifications(
            tx,
            {
              eventKey: `throughput:${run}:${i + j}`,
              recipientUserIds: [u.id],
              template: 'application.status',
              params: {
                applicationId: u.id,
                trackingNo: `${policyPack().numbers.trackingPrefix}2026${i + j}`,
                enterpriseName: `${policyPack().city.name}测试木业有限公司`,
                statusLabel: '县里正在审核',
                reason: '',
                nextStep: '县工信、财政部门正在审核，请留意消息。',
              },
              channels: ['mp_subscribe'],
            },
            now,
          );
        }
      });
    }

    const pool = Array.from(
      { length: workers },
      () =>
        new OutboxWorker({
          config,
          db: database,
          wechat: createWechatClients({
            apiBase: sandbox.baseUrl,
            mp: config.wechat.mp,
            oa: config.wechat.oa,
            tokenStore: new DbTokenStore(database),
          }),
          logger,
          settings: options.settings,
        }),
    );
    // Token fetched before the clock starts: the measure is of sends, not of the first token.
    await pool[0].runOnce().then(() => undefined);
    const sentBefore = sandbox.state.sent.length;
    const started = process.hrtime.bigint();
    await Promise.all(
      pool.map(async (w) => {
        let idle = 0;
        while (idle < 2) idle = (await w.runOnce()).claimed === 0 ? idle + 1 : 0;
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = Math.round((sandbox.state.sent.length - sentBefore) / seconds);

    const perUser = new Map<string, number>();
    // Only this run's recipients: a shared database may hold other pending rows, which the workers deliver too.
    for (const m of sandbox.state.sent) if (m.touser.startsWith(`tp-${run}-`)) perUser.set(m.touser, (perUser.get(m.touser) ?? 0) + 1);
    const lost = await database.read((tx) => countNotSentWithKeyLike(tx, `throughput:${run}:%`, { channel: 'mp_subscribe' }));
    const baselinePerSecond = await rawSendRate(sandbox.baseUrl, config, Math.min(count, 5000), pool[0].settings.concurrency);

    if (!ownDb) {
      await database.read((tx) => deleteNotificationsWithKeyLike(tx, `throughput:${run}:%`));
      for (let i = 0; i < count; i += 500) {
        const ids = users.slice(i, i + 500).map((u) => u.id);
        await database.read((tx) => deleteUsers(tx, ids));
      }
    }
    return {
      database: database.kind,
      count,
      workers,
      sent: perUser.size,
      duplicates: [...perUser.values()].filter((n) => n > 1).length,
      lost,
      seconds,
      perSecond,
      baselinePerSecond,
      ratio: Math.round((perSecond / baselinePerSecond) * 100) / 100,
      totals: sumTotals(pool.map((w) => w.totals)),
    };
  } finally {
    await sandbox.close();
    if (ownDb && db) await db.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
