import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { isUnavailable } from '../../db/errors';
import { newId } from '../../ids';
import { WechatApiError, WechatTransportError, type SendResult, type WechatClients } from '../../wechat/clients';
import { buildSubscribeMessage, buildTemplateMessage, parsePayload, templateGroup, type Payload } from './channels';
import { runDigests } from './digest';
import { announceEndedNotices } from '../cityReview/noticeEnds';
import { disabledChannels, inQuietHours, quietHoursEnd, quietHoursOf, type QuietHours } from './preferences';
import {
  resolveNotificationSettings,
  sandboxTemplateIdsIn,
  type NotificationSettings,
  type NotificationSettingsOverrides,
} from './settings';
import { OutboxStore, type ClaimedRow } from '../../db/notifications/outbox';
import { countiesOfApplications } from '../../db/applications/readers';
import { activeGrantsOfUsers } from '../../db/users';

/**
 * The outbox worker (DESIGN.md, "Notifications"): delivers the WeChat channels of the
 * notifications that use cases write in their own transactions.
 *
 * Exactly-once as far as WeChat allows: a row is sent only by the worker that claimed it (a
 * conditional UPDATE with a lease and a claim token, db/notifications/outbox.ts), and is recorded as sent by a
 * conditional UPDATE on that token. The one repeat left is a crash or an unknown outcome between
 * WeChat's answer and our record: the lease runs out (or the retry comes), and that one message goes
 * again. For template messages WeChat closes that too: a send carries `client_msg_id`, derived from
 * the row's idempotency key, and WeChat sends one message per openid and client_msg_id within 10
 * minutes (template message document; issue 15, 6). Subscribe messages document no such key.
 *
 * Outcomes per row and channel:
 * - sent: WeChat accepted it (its msgid is kept).
 * - failed: a transient failure (system busy -1, rate limits, a token refused even after a
 *   refresh, no answer); due again after an exponential backoff with jitter.
 * - dead: attempts or time used up, or a message WeChat will never take (47003 a field breaks its
 *   rule, 40037 unknown template, 41030 bad page …); logged for a developer.
 * - skipped: this channel cannot reach this user (43101 no subscription left or refused, 43004 not
 *   a follower, no openid, the user switched the channel off).
 * After skipped or dead the next channel is released: mp_subscribe → oa_template; the inbox copy
 * was written with the event and is always there.
 *
 * The access token: the clients take it from stable_token through the shared store; a 40001 means
 * every instance holds the same stale token, and StableTokenApi forces at most one refresh for it
 * (20 forced refreshes a day). A 40001 that survives that refresh reaches us as a retryable error
 * and is retried later like a busy WeChat, never in a tight loop that would spend the ration.
 */

/**
 * The template message's client_msg_id of a notification: the same for every try of the row, and
 * within WeChat's 64 bytes whatever the key's length (a hash of it, 32 hex digits).
 */
export function clientMsgIdOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
}

export interface OutboxWorkerDeps {
  config: Config;
  db: Database;
  wechat: WechatClients;
  logger: Logger;
  now?: () => number;
  /** Template ids, batch sizes, backoff … (settings.ts); defaults suit the sandbox. */
  settings?: NotificationSettingsOverrides;
  /** For tests: the jitter's source. */
  random?: () => number;
  hooks?: OutboxWorkerHooks;
  /** Told of each delivery's outcome (the metrics count sends by channel and result). */
  onOutcome?: (channel: string, result: string) => void;
}

export interface OutboxWorkerHooks {
  /**
   * Runs after WeChat accepted a message and before it is recorded as sent. Throwing simulates
   * the process dying at exactly that point: the row is left 'sending' under its lease, as a dead
   * process would leave it.
   */
  afterWechatAccepted?(row: Readonly<ClaimedRow>): void | Promise<void>;
}

export interface RoundStats {
  claimed: number;
  sent: number;
  retried: number;
  skipped: number;
  dead: number;
  /** Given back unsent: quiet hours, or too little of the lease left to send safely. */
  released: number;
  /** Outcomes not recorded because the claim had been lost (lease expired, row handed on). */
  lostClaims: number;
  /** Simulated crashes (hooks.afterWechatAccepted threw). */
  crashed: number;
  /** Stuck claims the sweeper returned / declared dead. */
  swept: number;
}

const emptyStats = (): RoundStats => ({
  claimed: 0,
  sent: 0,
  retried: 0,
  skipped: 0,
  dead: 0,
  released: 0,
  lostClaims: 0,
  crashed: 0,
  swept: 0,
});

/** errcodes that mean "this channel cannot reach this user", not "this message is wrong". */
const UNREACHABLE: Readonly<Record<number, string>> = {
  43101: '用户拒绝接收或订阅次数已用完（43101）',
  43004: '用户未关注公众号（43004）',
  40003: 'openid 无效（40003）',
};

const REVIEWER_ROLES = new Set(['county_miit', 'county_finance', 'city_miit', 'city_finance']);
const COUNTY_ROLES = new Set(['county_miit', 'county_finance']);

class SimulatedCrash extends Error {}

type Outcome =
  | { kind: 'sent'; msgid: string | null }
  | { kind: 'retry'; error: string }
  | { kind: 'skipped'; error: string }
  | { kind: 'dead'; error: string }
  | { kind: 'release'; at: number; note: string };

/** What a round knows about the recipients of its batch, read once per batch. */
interface BatchContext {
  disabled: Set<string>;
  quiet: Map<string, QuietHours>;
  roles: Map<string, { role: string; countyCode: string | null }[]>;
  applicationCounty: Map<string, string>;
}

export class OutboxWorker {
  readonly settings: NotificationSettings;
  readonly store: OutboxStore;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Totals since start, for logs and the throughput measurement. */
  readonly totals: RoundStats = emptyStats();
  private readonly sentRecorder: SentRecorder;

  constructor(private readonly deps: OutboxWorkerDeps) {
    // OVERDUE_DAYS (config) sets the stages' limits for the digest as for the queues.
    this.settings = resolveNotificationSettings(
      { ...deps.settings, overdueDays: { ...deps.config.overdueDays, ...deps.settings?.overdueDays } },
      deps.config.sandbox,
    );
    this.store = new OutboxStore(deps.db);
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.sentRecorder = new SentRecorder(this.store, this.now);
  }

  /** One round: return stuck claims, claim a batch of due rows, deliver it, record every outcome. */
  async runOnce(): Promise<RoundStats> {
    const stats = emptyStats();
    const swept = await this.store.sweep(this.now(), this.settings.maxAttempts);
    stats.swept = swept.returned + swept.dead;
    stats.dead += swept.dead;

    const now = this.now();
    const rows = await this.store.claim(now, now + this.settings.leaseMs, this.settings.batchSize, newId());
    stats.claimed = rows.length;
    if (rows.length > 0) {
      const ctx = await this.loadContext(rows);
      // A lane goes on to its next send as soon as WeChat answered; the outcomes are written
      // meanwhile (sends grouped by the SentRecorder), and the round ends when all are written.
      const recording: Promise<void>[] = [];
      await forEachLimited(rows, this.settings.concurrency, async (row) => {
        const outcome = await this.attemptSafely(row, ctx, stats);
        if (outcome) {
          this.deps.onOutcome?.(row.channel, outcome.kind);
          recording.push(this.recordSafely(row, outcome, stats));
        }
      });
      await Promise.all(recording);
    }
    for (const key of Object.keys(stats) as (keyof RoundStats)[]) this.totals[key] += stats[key];
    return stats;
  }

  /** Writes today's digests that are due (digest.ts); answers how many were written. */
  runDigests(): Promise<number> {
    return runDigests({ db: this.deps.db, settings: this.settings, now: this.now(), logger: this.deps.logger });
  }

  /** Announces the ends of public notices (公示) past (cityReview/noticeEnds.ts); answers how many. */
  runNoticeEnds = () => announceEndedNotices({ db: this.deps.db, now: this.now(), logger: this.deps.logger });

  private async loadContext(rows: ClaimedRow[]): Promise<BatchContext> {
    const users = [...new Set(rows.map((r) => r.recipientUserId))];
    const groups = new Map(rows.map((r) => [r.id, templateGroup(r.template)]));
    const queueUsers = [...new Set(rows.filter((r) => groups.get(r.id) === 'queue').map((r) => r.recipientUserId))];
    const digestUsers = [...new Set(rows.filter((r) => groups.get(r.id) === 'digest').map((r) => r.recipientUserId))];
    const [disabled, quiet, roles] = await Promise.all([
      disabledChannels(this.deps.db, users),
      quietHoursOf(this.deps.db, digestUsers),
      activeGrantsOfUsers(this.deps.db, queueUsers),
    ]);

    // Queue alerts about an application go only to reviewers who still review its county.
    const appIds = new Set<string>();
    for (const row of rows) {
      if (groups.get(row.id) !== 'queue') continue;
      const p = parsePayload(row.payload);
      if (p?.params.applicationId) appIds.add(p.params.applicationId);
    }
    const applicationCounty = await countiesOfApplications(this.deps.db, [...appIds]);
    return { disabled, quiet, roles, applicationCounty };
  }

  /** The outcome of one send; null after a simulated crash (nothing is recorded, as a dead process records nothing). */
  private async attemptSafely(row: ClaimedRow, ctx: BatchContext, stats: RoundStats): Promise<Outcome | null> {
    try {
      return await this.attempt(row, ctx);
    } catch (err) {
      if (err instanceof SimulatedCrash) {
        stats.crashed++;
        return null;
      }
      // A defect of ours while building or sending: retried like a transient failure, bounded.
      this.deps.logger.error({ err, notificationId: row.id }, 'outbox: unexpected error while delivering');
      return { kind: 'retry', error: `internal: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private async recordSafely(row: ClaimedRow, outcome: Outcome, stats: RoundStats): Promise<void> {
    try {
      await this.record(row, outcome, stats);
    } catch (err) {
      // The database refused the outcome: the row stays claimed and the sweeper returns it.
      this.deps.logger.error({ err, notificationId: row.id }, 'outbox: could not record an outcome');
    }
  }

  private async record(row: ClaimedRow, outcome: Outcome, stats: RoundStats): Promise<void> {
    const now = this.now();
    let recorded: boolean;
    switch (outcome.kind) {
      case 'sent':
        recorded = await this.sentRecorder.record(row, outcome.msgid);
        if (recorded) stats.sent++;
        else this.deps.logger.warn({ notificationId: row.id }, 'outbox: sent after the claim was lost; another worker may send it too');
        break;
      case 'skipped':
        recorded = await this.store.markFinal(row, 'skipped', outcome.error, now);
        if (recorded) stats.skipped++;
        break;
      case 'dead':
        recorded = await this.store.markFinal(row, 'dead', outcome.error, now);
        if (recorded) {
          stats.dead++;
          this.deps.logger.warn(
            { notificationId: row.id, template: row.template, channel: row.channel, error: outcome.error },
            'outbox: notification dead on this channel',
          );
        }
        break;
      case 'release':
        recorded = await this.store.release(row, outcome.at, outcome.note);
        if (recorded) stats.released++;
        break;
      case 'retry': {
        const delay = this.backoff(row.attempts);
        const giveUp = row.attempts >= this.settings.maxAttempts || now + delay - row.createdAt > this.settings.deadAfterMs;
        if (giveUp) {
          recorded = await this.store.markFinal(row, 'dead', `放弃重试（${row.attempts} 次）：${outcome.error}`, now);
          if (recorded) {
            stats.dead++;
            this.deps.logger.warn({ notificationId: row.id, attempts: row.attempts, error: outcome.error }, 'outbox: retries used up');
          }
        } else {
          recorded = await this.store.markRetry(row, now + delay, outcome.error);
          if (recorded) stats.retried++;
        }
        break;
      }
    }
    if (!recorded) stats.lostClaims++;
  }

  /** Exponential backoff with jitter: half fixed, half random, so that a recovered WeChat is not hit by every row at once. */
  private backoff(attempts: number): number {
    const exp = Math.min(this.settings.retryCapMs, this.settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  private async attempt(row: ClaimedRow, ctx: BatchContext): Promise<Outcome> {
    const payload = parsePayload(row.payload);
    if (!payload) return { kind: 'dead', error: 'payload 格式不对' };
    const group = templateGroup(row.template);
    if (!group) return { kind: 'dead', error: `模板 ${row.template} 没有对应的微信消息模板（channels.ts）` };
    if (row.userStatus === null) return { kind: 'skipped', error: '收件人不存在' };
    if (row.userStatus !== 'active') return { kind: 'skipped', error: '收件人账号已停用' };
    if (ctx.disabled.has(`${row.recipientUserId}|${group}|${row.channel}`)) return { kind: 'skipped', error: '用户已关闭此类消息的该渠道' };
    if (group === 'queue' && !this.stillTheirs(row, payload, ctx)) return { kind: 'skipped', error: '收件人已不再负责此项审核' };
    const quiet = ctx.quiet.get(row.recipientUserId);
    const now = this.now();
    if (group === 'digest' && quiet && inQuietHours(quiet, now)) {
      return { kind: 'release', at: quietHoursEnd(quiet, now), note: '免打扰时段，结束后发送' };
    }
    // Too little of the lease left (a slow batch): sending now could overlap with the sweeper
    // handing the row to another worker. Give it back instead.
    if (now > row.leaseUntil - this.settings.leaseSafetyMs) return { kind: 'release', at: now, note: '租约将到期，未发送' };

    let send: () => Promise<SendResult>;
    if (row.channel === 'mp_subscribe') {
      if (!row.mpOpenid) return { kind: 'skipped', error: '用户没有小程序 openid' };
      const built = buildSubscribeMessage(row.template, payload, row.createdAt, row.mpOpenid, this.settings);
      if (!built.ok) return { kind: 'dead', error: built.error };
      send = () => this.deps.wechat.mp.sendSubscribeMessage(built.message);
    } else {
      if (!row.oaOpenid) return { kind: 'skipped', error: '用户未关注公众号或未绑定' };
      const built = buildTemplateMessage(
        row.template,
        payload,
        row.createdAt,
        row.oaOpenid,
        this.deps.config.wechat.mp.appid,
        this.settings,
      );
      if (!built.ok) return { kind: 'dead', error: built.error };
      const message = { ...built.message, clientMsgId: clientMsgIdOf(row.idempotencyKey) };
      send = () => this.deps.wechat.oa.sendTemplateMessage(message);
    }

    let result: SendResult;
    try {
      result = await send();
    } catch (err) {
      return this.classify(err, row);
    }
    if (this.deps.hooks?.afterWechatAccepted) {
      try {
        await this.deps.hooks.afterWechatAccepted(row);
      } catch {
        throw new SimulatedCrash();
      }
    }
    return { kind: 'sent', msgid: result.msgid };
  }

  private classify(err: unknown, row: ClaimedRow): Outcome {
    if (err instanceof WechatApiError) {
      const unreachable = UNREACHABLE[err.errcode];
      if (unreachable !== undefined) return { kind: 'skipped', error: unreachable };
      if (err.retryable) return { kind: 'retry', error: `微信暂时不可用：errcode ${err.errcode} ${err.errmsg}`.slice(0, 300) };
      // 47003 a field breaks its rule, 40037 unknown template id, 41030 bad page …: the same
      // message fails the same way every time.
      return { kind: 'dead', error: `微信拒绝：errcode ${err.errcode} ${err.errmsg}`.slice(0, 300) };
    }
    if (err instanceof WechatTransportError) {
      if (err.outcomeUnknown) {
        // The request may have been carried out: a template message's retry carries the same
        // client_msg_id and WeChat drops the repeat; a subscribe message's may arrive twice. A
        // missing message weighs more than a rare repeat here.
        this.deps.logger.warn({ notificationId: row.id, failure: err.failure }, 'outbox: outcome unknown, will retry');
      }
      return { kind: 'retry', error: `微信无应答：${err.failure}${err.outcomeUnknown ? '（结果未知）' : ''}` };
    }
    return { kind: 'retry', error: `发送失败：${err instanceof Error ? err.message : String(err)}`.slice(0, 300) };
  }

  /**
   * A queue alert still belongs to its recipient: they hold a reviewer role (the one for city
   * filings), and for an application a county reviewer still reviews its county. Roles can be
   * revoked between the event and the send.
   */
  private stillTheirs(row: ClaimedRow, payload: Payload, ctx: BatchContext): boolean {
    const grants = (ctx.roles.get(row.recipientUserId) ?? []).filter((g) => REVIEWER_ROLES.has(g.role));
    if (row.template === 'filing.submitted') return grants.some((g) => g.role === 'city_miit');
    if (grants.length === 0) return false;
    const appId = payload.params.applicationId;
    if (!appId || grants.some((g) => !COUNTY_ROLES.has(g.role))) return true;
    const county = ctx.applicationCounty.get(appId);
    return county === undefined || grants.some((g) => g.countyCode === county);
  }

  /** Runs rounds until stopped: back to back while there is work, pausing when there is none. */
  start(): () => Promise<void> {
    let stopped = false;
    let wake: (() => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, ms);
      });
    const warnIds = sandboxTemplateIdsIn(this.settings);
    if (!this.deps.config.sandbox && warnIds.length > 0) {
      this.deps.logger.warn(
        { templateIds: warnIds },
        'outbox: WeChat template ids are the sandbox defaults; WeChat will refuse them (set NOTIFY_* template ids)',
      );
    }
    const loop = async () => {
      let lastDigestCheck = -Infinity;
      let failures = 0;
      if (this.deps.db.kind === 'sqlite') {
        // SQLite mode is one process with one worker: a row still 'sending' at start was left by
        // this process's previous life, and need not wait for its lease to run out.
        try {
          await this.store.sweep(this.now(), this.settings.maxAttempts, Number.MAX_SAFE_INTEGER);
        } catch (err) {
          this.deps.logger.error({ err }, 'outbox: start-up sweep failed');
        }
      }
      while (!stopped) {
        let busy = false;
        try {
          const stats = await this.runOnce();
          busy = stats.claimed >= this.settings.batchSize;
          const now = this.now();
          if (now - lastDigestCheck >= this.settings.digestCheckEveryMs) {
            lastDigestCheck = now;
            await this.runDigests();
            await this.runNoticeEnds();
          }
          failures = 0;
        } catch (err) {
          failures++;
          // An outage is logged once by the app when it starts and ends, not once per round.
          if (!isUnavailable(err)) this.deps.logger.error({ err }, 'outbox: round failed');
        }
        if (stopped) break;
        // A failing database is not hammered: the pause grows with consecutive failures.
        if (failures > 0) await pause(Math.min(30_000, this.settings.pollIdleMs * 2 ** Math.min(failures, 6)));
        else if (!busy) await pause(this.settings.pollIdleMs);
      }
    };
    const running = loop();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await running;
    };
  }
}

/**
 * Records sends as soon as they are answered, grouping those that arrive while the previous
 * group is being written into the next transaction. No send waits for a timer: under light load
 * each is written alone at once; under heavy load the groups grow and the commits per second stay
 * bounded. The window in which a crash repeats a message is the time of one write.
 */
class SentRecorder {
  private queue: { row: ClaimedRow; msgid: string | null; done: (ok: boolean) => void; fail: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly now: () => number,
  ) {}

  record(row: ClaimedRow, msgid: string | null): Promise<boolean> {
    return new Promise<boolean>((done, fail) => {
      this.queue.push({ row, msgid, done, fail });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, 500);
        try {
          const results = await this.store.markSentMany(group, this.now());
          group.forEach((item, i) => item.done(results[i] === true));
        } catch (err) {
          for (const item of group) item.fail(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(lanes);
}

/** Delivers the outbox's WeChat channels (DESIGN.md, "Notifications"). Returns a stop function. */
export function startOutboxWorker(deps: OutboxWorkerDeps): () => Promise<void> {
  return new OutboxWorker(deps).start();
}
