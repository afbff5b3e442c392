/**
 * The outbox's questions and commands: claiming due rows, recording each outcome, returning stuck claims. Plain
 * parameterised SQL (TypeORM inlines numbers into the SQL text on SQLite, which churns the
 * statement cache on a hot path: ../shared/notes/performance.md).
 *
 * Claims (../shared/notes/typeorm.md, DESIGN.md "Running it"): a conditional UPDATE that moves a
 * row from pending/failed to 'sending' with a lease and a fresh claim token only if it is still
 * due and unclaimed — every database honours it, so two workers never both own a row. On
 * MySQL/MariaDB the candidates are first picked with `FOR UPDATE SKIP LOCKED`, so that concurrent
 * workers take different rows instead of contending for the same ones; TiDB has no SKIP LOCKED and
 * falls back to the plain claim. Every outcome is a conditional UPDATE on (id, claim token,
 * 'sending'): a worker whose lease ran out and whose row was handed to another cannot overwrite it.
 *
 * Channel order: a notification for one event and recipient may have an mp_subscribe row and an
 * oa_template row (keys `<event>:<user>:mp_subscribe` / `…:oa_template`). The official-account row
 * is the fallback: it is not due while its mini-program sibling is undecided, it is skipped when the
 * sibling was sent, and it is released (made due now) when the sibling was skipped or died.
 */
import type { Database } from '../database';
import { NotificationEntity, type NotificationRow } from '../entities';
import { em } from '../orm';
import { insertRow } from '../rows';
import type { Tx } from '../tx';
import { exec } from './sql';
import { inList } from '../sql';

/** A notification row as written: one per recipient and channel. */
export type Notification = NotificationRow;

/** Writes one notification inside the caller's transaction (its idempotency key is unique). */
export async function insertNotification(tx: Tx, row: Notification): Promise<void> {
  await insertRow(em(tx), NotificationEntity, row);
}

export type WechatRowChannel = Exclude<NotificationRow['channel'], 'inbox'>;

export interface ClaimedRow {
  id: string;
  idempotencyKey: string;
  recipientUserId: string;
  channel: WechatRowChannel;
  template: string;
  payload: string | null;
  /** Including this claim. */
  attempts: number;
  createdAt: number;
  leaseUntil: number;
  claimToken: string;
  mpOpenid: string | null;
  oaOpenid: string | null;
  userStatus: string | null;
  /** For mp_subscribe rows: the key of the official-account fallback row, when it exists. */
  fallbackKey: string | null;
}

const MP_SUFFIX = ':mp_subscribe';
const OA_SUFFIX = ':oa_template';
const LAST_ERROR_MAX = 500;

export function fallbackKeyOf(mpKey: string): string | null {
  return mpKey.endsWith(MP_SUFFIX) ? mpKey.slice(0, -MP_SUFFIX.length) + OA_SUFFIX : null;
}

function clip(text: string): string {
  return [...text].slice(0, LAST_ERROR_MAX).join('');
}

interface RawClaimed {
  id: string;
  idempotency_key: string;
  recipient_user_id: string;
  channel: string;
  template: string;
  payload: string | null;
  attempts: number | string;
  created_at: number | string;
  lease_until: number | string | null;
  claim_token: string;
  mp_openid: string | null;
  oa_openid: string | null;
  user_status: string | null;
}

export class OutboxStore {
  /** Cleared when the server refuses SKIP LOCKED (TiDB): the plain conditional claim still holds. */
  private skipLocked: boolean;

  constructor(
    private readonly db: Database,
    options: { skipLocked?: boolean } = {},
  ) {
    this.skipLocked = options.skipLocked ?? db.kind === 'mysql';
  }

  /** Whether claims pick their candidates with FOR UPDATE SKIP LOCKED (MySQL/MariaDB). */
  get usesSkipLocked(): boolean {
    return this.skipLocked;
  }

  /** The mini-program sibling's key of an oa_template row `n`, in this database's SQL. */
  private siblingExpr(): string {
    return this.db.kind === 'mysql'
      ? `CONCAT(SUBSTRING(n.idempotency_key, 1, CHAR_LENGTH(n.idempotency_key) - ${OA_SUFFIX.length - 1}), 'mp_subscribe')`
      : `substr(n.idempotency_key, 1, length(n.idempotency_key) - ${OA_SUFFIX.length - 1}) || 'mp_subscribe'`;
  }

  /**
   * Due rows of one status, oldest first. One status per query so that MySQL walks the
   * (status, next_attempt_at) index in order and stops at the limit, locking only what it returns.
   */
  private candidateSql(limit: number, lock: boolean): string {
    return (
      `SELECT n.id, n.next_attempt_at FROM notifications n ` +
      `WHERE n.status = ? AND n.next_attempt_at <= ? AND (n.lease_until IS NULL OR n.lease_until < ?) ` +
      `AND n.channel IN ('mp_subscribe', 'oa_template') ` +
      `AND (n.channel <> 'oa_template' OR NOT EXISTS (SELECT 1 FROM notifications m WHERE m.idempotency_key = ${this.siblingExpr()} AND m.status IN ('pending', 'sending', 'failed', 'sent'))) ` +
      `ORDER BY n.next_attempt_at LIMIT ${Math.max(1, Math.floor(limit))}` +
      (lock ? ' FOR UPDATE SKIP LOCKED' : '')
    );
  }

  /** Claims up to `limit` due rows for `token` until `leaseUntil`; answers the rows won. */
  async claim(now: number, leaseUntil: number, limit: number, token: string): Promise<ClaimedRow[]> {
    const work = async (tx: Tx, lock: boolean): Promise<RawClaimed[]> => {
      const m = em(tx);
      const sql = this.candidateSql(limit, lock);
      const picked: { id: string; next_attempt_at: number | string }[] = [];
      for (const status of ['failed', 'pending'])
        picked.push(...(await m.query<{ id: string; next_attempt_at: number | string }[]>(sql, [status, now, now])));
      if (picked.length === 0) return [];
      picked.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at));
      const ids = inList(picked.slice(0, limit).map((p) => p.id));
      await exec(
        tx,
        `UPDATE notifications SET status = 'sending', lease_until = ?, claim_token = ?, attempts = attempts + 1 ` +
          `WHERE id IN (${ids.sql}) AND status IN ('pending', 'failed') AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`,
        [leaseUntil, token, ...ids.params, now, now],
      );
      return m.query<RawClaimed[]>(
        `SELECT n.id, n.idempotency_key, n.recipient_user_id, n.channel, n.template, n.payload, n.attempts, n.created_at, n.lease_until, n.claim_token, ` +
          `u.mp_openid, u.oa_openid, u.status AS user_status ` +
          `FROM notifications n LEFT JOIN users u ON u.id = n.recipient_user_id WHERE n.claim_token = ? AND n.status = 'sending'`,
        [token],
      );
    };

    let raw: RawClaimed[];
    if (this.skipLocked) {
      try {
        raw = await this.db.transaction((tx) => work(tx, true));
      } catch (err) {
        if (!isSyntaxError(err)) throw err;
        // TiDB (and MySQL before 8.0) answer a parse error: claim without the speed-up from now on.
        this.skipLocked = false;
        raw = await this.db.transaction((tx) => work(tx, false));
      }
    } else {
      // SQLite is one process, one queue: the transaction is the whole claim. Elsewhere the
      // conditional UPDATE decides who wins a row another worker also picked.
      raw = await this.db.transaction((tx) => work(tx, false));
    }
    const rows = raw.map(toClaimed);
    await this.parkFallbacks(rows, now);
    return rows;
  }

  /**
   * The official-account rows whose mini-program sibling was just claimed wait until the sibling
   * is decided (release() or the skip in markSent make them due or skipped). Parked beyond any
   * retry horizon; the claim query's sibling check keeps them back even if they wake earlier.
   * Done after the claim commits, outside its transaction, so it never waits on another
   * worker's claim while holding locks of its own (no deadlock cycle).
   */
  private async parkFallbacks(rows: ClaimedRow[], now: number): Promise<void> {
    const byKey = new Map<string, ClaimedRow>();
    for (const row of rows) {
      const key = row.channel === 'mp_subscribe' ? fallbackKeyOf(row.idempotencyKey) : null;
      if (key) byKey.set(key, row);
    }
    if (byKey.size === 0) return;
    const keys = inList([...byKey.keys()]);
    const found = await this.db.query<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM notifications WHERE idempotency_key IN (${keys.sql})`,
      keys.params,
    );
    for (const f of found) byKey.get(f.idempotency_key)!.fallbackKey = f.idempotency_key;
    if (found.length === 0) return;
    const parked = inList(found.map((f) => f.idempotency_key));
    await this.db.read((tx) =>
      exec(tx, `UPDATE notifications SET next_attempt_at = ? WHERE status = 'pending' AND idempotency_key IN (${parked.sql})`, [
        now + PARK_MS,
        ...parked.params,
      ]),
    );
  }

  /** WeChat accepted the message. False: the claim was lost (the lease ran out and the row moved on). */
  async markSent(row: ClaimedRow, now: number, msgid: string | null): Promise<boolean> {
    const [ok] = await this.markSentMany([{ row, msgid }], now);
    return ok === true;
  }

  /**
   * Several sends recorded in one transaction (one commit instead of one per message: WAL frames on
   * SQLite, a log flush on MariaDB), set-wise: one conditional UPDATE per claim token and chunk,
   * still guarded by (claim token, 'sending') row by row. When it changes fewer rows than given,
   * some claims were lost (a lease ran out and the row moved on) and the rows that are ours are
   * read back. The answer says, per item, whether it was recorded.
   */
  async markSentMany(items: readonly { row: ClaimedRow; msgid: string | null }[], now: number): Promise<boolean[]> {
    if (items.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const recorded = new Set<string>();
      const byToken = new Map<string, { row: ClaimedRow; msgid: string | null }[]>();
      for (const item of items) byToken.set(item.row.claimToken, [...(byToken.get(item.row.claimToken) ?? []), item]);
      for (const [token, group] of byToken) {
        for (let i = 0; i < group.length; i += SET_CHUNK) {
          const chunk = group.slice(i, i + SET_CHUNK);
          const ids = inList(chunk.map((c) => c.row.id));
          const cases = inList(chunk.map((c) => [c.row.id, c.msgid] as const));
          const changed = await exec(
            tx,
            `UPDATE notifications SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL, ` +
              `wechat_msgid = CASE id ${cases.params.map(() => 'WHEN ? THEN ?').join(' ')} ELSE wechat_msgid END ` +
              `WHERE claim_token = ? AND status = 'sending' AND id IN (${ids.sql})`,
            [now, ...cases.params.flat(), token, ...ids.params],
          );
          if (changed === chunk.length) {
            for (const c of chunk) recorded.add(c.row.id);
          } else {
            const ours = await em(tx).query<{ id: string }[]>(
              `SELECT id FROM notifications WHERE claim_token = ? AND status = 'sent' AND id IN (${ids.sql})`,
              [token, ...ids.params],
            );
            for (const r of ours) recorded.add(r.id);
          }
          // Delivered by the mini-program: the official-account fallbacks are not needed.
          const fallbacks = chunk
            .filter((c) => c.row.fallbackKey !== null && recorded.has(c.row.id))
            .map((c) => c.row.fallbackKey as string);
          if (fallbacks.length > 0) {
            const keys = inList(fallbacks);
            await exec(
              tx,
              `UPDATE notifications SET status = 'skipped', last_error = ?, lease_until = NULL WHERE status IN ('pending', 'failed') AND idempotency_key IN (${keys.sql})`,
              ['已通过小程序订阅消息送达', ...keys.params],
            );
          }
        }
      }
      return items.map((item) => recorded.has(item.row.id));
    });
  }

  /** This channel will not deliver it (skipped) or gave up (dead): the next channel is released. */
  async markFinal(row: ClaimedRow, status: 'skipped' | 'dead', error: string, now: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const done = await exec(
        tx,
        `UPDATE notifications SET status = ?, last_error = ?, lease_until = NULL WHERE id = ? AND claim_token = ? AND status = 'sending'`,
        [status, clip(error), row.id, row.claimToken],
      );
      if (done !== 1) return false;
      await this.releaseFallback(tx, row, now);
      return true;
    });
  }

  /** A transient failure: due again at nextAttemptAt. */
  async markRetry(row: ClaimedRow, nextAttemptAt: number, error: string): Promise<boolean> {
    const n = await this.db.read((tx) =>
      exec(
        tx,
        `UPDATE notifications SET status = 'failed', next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND claim_token = ? AND status = 'sending'`,
        [nextAttemptAt, clip(error), row.id, row.claimToken],
      ),
    );
    return n === 1;
  }

  /** Gives a claimed row back unsent, without counting an attempt (quiet hours, a lease too short to send in). */
  async release(row: ClaimedRow, nextAttemptAt: number, note: string): Promise<boolean> {
    const n = await this.db.read((tx) =>
      exec(
        tx,
        `UPDATE notifications SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END, attempts = attempts - 1, next_attempt_at = ?, lease_until = NULL, last_error = ? ` +
          `WHERE id = ? AND claim_token = ? AND status = 'sending'`,
        [nextAttemptAt, clip(note), row.id, row.claimToken],
      ),
    );
    return n === 1;
  }

  private async releaseFallback(tx: Tx, row: { channel: string; idempotencyKey: string }, now: number): Promise<void> {
    if (row.channel !== 'mp_subscribe') return;
    const key = fallbackKeyOf(row.idempotencyKey);
    if (key)
      await exec(tx, `UPDATE notifications SET next_attempt_at = ? WHERE idempotency_key = ? AND status IN ('pending', 'failed')`, [
        now,
        key,
      ]);
  }

  /**
   * Returns claims whose lease ran out — a worker that stopped or crashed between claim and
   * outcome. Such a row may have been sent (a crash after WeChat's answer, before the record):
   * sending it again is the one repeat the design accepts; there is no key to ask WeChat with.
   * A row that has used up its attempts is dead (a message that crashes its worker every time
   * must not take every worker down in turn). `leaseCutoff` later than now returns claims whose
   * lease still runs: only right for a process that knows it is the only worker (SQLite mode, at start).
   */
  async sweep(now: number, maxAttempts: number, leaseCutoff: number = now): Promise<{ returned: number; dead: number }> {
    const stuck = await this.db.query<{ id: string; idempotency_key: string; channel: string; attempts: number | string }>(
      `SELECT id, idempotency_key, channel, attempts FROM notifications WHERE status = 'sending' AND lease_until < ? ORDER BY lease_until LIMIT 500`,
      [leaseCutoff],
    );
    let returned = 0;
    let dead = 0;
    for (const s of stuck) {
      if (Number(s.attempts) >= maxAttempts) {
        const ok = await this.db.transaction(async (tx) => {
          const n = await exec(
            tx,
            `UPDATE notifications SET status = 'dead', lease_until = NULL, last_error = ? WHERE id = ? AND status = 'sending' AND lease_until < ?`,
            ['租约过期且已达最大尝试次数（worker 在发送中途停止）', s.id, leaseCutoff],
          );
          if (n === 1) await this.releaseFallback(tx, { channel: s.channel, idempotencyKey: s.idempotency_key }, now);
          return n === 1;
        });
        if (ok) dead++;
      } else {
        const n = await this.db.read((tx) =>
          exec(
            tx,
            `UPDATE notifications SET status = 'failed', next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND status = 'sending' AND lease_until < ?`,
            [now, '租约过期：上次处理的 worker 未记录结果，重新发送', s.id, leaseCutoff],
          ),
        );
        returned += n;
      }
    }
    return { returned, dead };
  }
}

/** Rows per set-wise UPDATE (its CASE has two parameters per row). */
const SET_CHUNK = 128;

/** How long a fallback row waits for its sibling's outcome at most (beyond any retry horizon). */
export const PARK_MS = 7 * 86_400_000;

function toClaimed(r: RawClaimed): ClaimedRow {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    recipientUserId: r.recipient_user_id,
    channel: r.channel as WechatRowChannel,
    template: r.template,
    payload: r.payload,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    leaseUntil: Number(r.lease_until),
    claimToken: r.claim_token,
    mpOpenid: r.mp_openid,
    oaOpenid: r.oa_openid,
    userStatus: r.user_status,
    fallbackKey: null,
  };
}

function isSyntaxError(err: unknown): boolean {
  const e = err as { errno?: unknown; driverError?: { errno?: unknown } };
  const errno = e.errno ?? e.driverError?.errno;
  // ER_PARSE_ERROR, ER_NOT_SUPPORTED_YET
  return errno === 1064 || errno === 1235;
}
