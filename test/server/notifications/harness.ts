/**
 * A worker test bench: a real database (SQLite in memory, or MariaDB when DATABASE_URL is set), the
 * WeChat sandbox, the real clients pointed at it, and a clock the test moves.
 */
import type { Role } from '../../../shared/src/contracts/roles';
import pino from 'pino';
import type { Config } from '../../../server/src/config';
import type { Database } from '../../../server/src/db/database';
import { insertGrant, insertUser, type User as UserRow } from '../../../server/src/db/users';
import { DbTokenStore } from '../../../server/src/db/tokenStore';
import { notificationsMatching } from '../../../server/src/db/testing';
import { newId } from '../../../server/src/ids';
import { enqueueNotifications, type NotificationRequest } from '../../../server/src/modules/notifications/outbox';
import { OutboxWorker, type OutboxWorkerHooks, type RoundStats } from '../../../server/src/modules/notifications/worker';
import type { NotificationSettingsOverrides } from '../../../server/src/modules/notifications/settings';
import { createWechatClients, type WechatClients } from '../../../server/src/wechat/clients';
import { startSandbox, type RunningSandbox } from '../../../server/sandbox';
import { openTestDatabase, testConfig } from '../../helpers/db';

/** 2026-03-02 09:00 in Asia/Shanghai (01:00 UTC), a Monday. */
export const MONDAY_9AM = Date.UTC(2026, 2, 2, 1, 0, 0);

export const FAST_RETRIES: NotificationSettingsOverrides = { retryBaseMs: 1_000, retryCapMs: 60_000, pollIdleMs: 10 };

export interface Bench {
  db: Database;
  sandbox: RunningSandbox;
  wechat: WechatClients;
  config: Config;
  clock: { t: number };
  now: () => number;
  advance(ms: number): void;
  worker(options?: { settings?: NotificationSettingsOverrides; hooks?: OutboxWorkerHooks; db?: Database }): OutboxWorker;
  user(name: string, options?: { mp?: boolean; oa?: boolean; status?: UserRow['status'] }): Promise<UserRow>;
  grantRole(userId: string, role: Role, countyCode?: string | null): Promise<void>;
  enqueue(req: NotificationRequest): Promise<void>;
  /** Rounds until nothing is claimed; answers the summed stats. */
  drain(worker: OutboxWorker, maxRounds?: number): Promise<RoundStats>;
  status(key: string): Promise<{ status: string; attempts: number; last_error: string | null; next_attempt_at: number } | null>;
  close(): Promise<void>;
}

export async function openBench(options: { maxRecorded?: number } = {}): Promise<Bench> {
  // Lenient unless a test switches WeChat's refusals on (43101, 43004: on by default in the sandbox).
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    maxRecorded: options.maxRecorded ?? 50_000,
    strictSubscriptions: false,
    strictFollowers: false,
  });
  const config = testConfig({ WECHAT_API_BASE: sandbox.baseUrl });
  const db = await openTestDatabase();
  const wechat = createWechatClients({
    apiBase: sandbox.baseUrl,
    mp: config.wechat.mp,
    oa: config.wechat.oa,
    tokenStore: new DbTokenStore(db),
  });
  const clock = { t: MONDAY_9AM };
  const now = () => clock.t;
  const logger = pino({ level: 'silent' });

  const bench: Bench = {
    db,
    sandbox,
    wechat,
    config,
    clock,
    now,
    advance(ms) {
      clock.t += ms;
    },
    worker(o = {}) {
      const workerDb = o.db ?? db;
      const clients = o.db
        ? createWechatClients({
            apiBase: sandbox.baseUrl,
            mp: config.wechat.mp,
            oa: config.wechat.oa,
            tokenStore: new DbTokenStore(workerDb),
          })
        : wechat;
      return new OutboxWorker({
        config,
        db: workerDb,
        wechat: clients,
        logger,
        now,
        settings: { ...FAST_RETRIES, ...o.settings },
        hooks: o.hooks,
        random: () => 0.5,
      });
    },
    async user(name, o = {}) {
      const row: UserRow = {
        id: newId(),
        mpOpenid: o.mp === false ? null : `mp-${name}`,
        unionid: null,
        oaOpenid: o.oa === false ? null : `oa-${name}`,
        displayName: name,
        phone: null,
        status: o.status ?? 'active',
        createdAt: clock.t,
        updatedAt: clock.t,
      };
      await db.transaction((tx) => insertUser(tx, row));
      return row;
    },
    async grantRole(userId, role, countyCode = null) {
      await db.transaction((tx) =>
        insertGrant(tx, {
          id: newId(),
          userId,
          role,
          countyCode,
          grantedBy: null,
          invitationId: null,
          createdAt: clock.t,
        }),
      );
    },
    async enqueue(req) {
      await db.transaction((tx) => enqueueNotifications(tx, req, clock.t));
    },
    async drain(worker, maxRounds = 1_000) {
      const total: RoundStats = { claimed: 0, sent: 0, retried: 0, skipped: 0, dead: 0, released: 0, lostClaims: 0, crashed: 0, swept: 0 };
      for (let i = 0; i < maxRounds; i++) {
        const s = await worker.runOnce();
        for (const k of Object.keys(total) as (keyof RoundStats)[]) total[k] += s[k];
        if (s.claimed === 0 && s.swept === 0) return total;
      }
      throw new Error('drain: still claiming after maxRounds');
    },
    async status(key) {
      const [r] = await db.read((tx) => notificationsMatching(tx, { idempotencyKey: key }));
      return r ? { status: r.status, attempts: r.attempts, last_error: r.lastError, next_attempt_at: r.nextAttemptAt } : null;
    },
    async close() {
      await sandbox.close();
      await db.close();
    },
  };
  return bench;
}

/** Messages the sandbox accepted, per recipient openid. */
export function sentPerRecipient(sandbox: RunningSandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sandbox.state.sent) counts.set(m.touser, (counts.get(m.touser) ?? 0) + 1);
  return counts;
}

export function progressParams(trackingNo: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    applicationId: '01J0000000000000000000000A',
    trackingNo,
    enterpriseName: '伊春市测试木业有限公司',
    statusLabel: '需要您按意见补充或修改材料',
    reason: '营业执照复印件不清晰',
    nextStep: '请打开小程序，按意见修改或补充后重新提交。',
    ...extra,
  };
}
