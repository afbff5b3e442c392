import { Like, Not, type FindOptionsWhere } from 'typeorm';
import { em } from '../orm';
import type { Tx } from '../tx';
import { NotificationEntity, WechatTokenEntity, type NotificationRow } from '../entities';
import { NotificationDigestRunEntity, type NotificationDigestRunRow } from '../entities/notificationPrefs';
import type { RowMatch } from './match';

// ---- the delivery suites' fresh start ---------------------------------------------------------------

/** Empties the outbox, every channel: a delivery test starts each case with nothing to send. */
export async function clearOutbox(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM notifications');
}

/** Forgets the stored WeChat access tokens (the sandbox forgets its own on reset). */
export async function clearAccessTokens(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM wechat_tokens');
}

export async function clearNotificationPreferences(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM notification_preferences');
}

export async function clearRoleGrants(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM user_roles');
}

/** How many daily digests have been recorded as sent, for anyone. */
export async function countDigestRuns(tx: Tx): Promise<number> {
  const rows: { n: number | string }[] = await em(tx).query('SELECT COUNT(*) AS n FROM notification_digest_runs');
  return Number(rows[0]?.n ?? 0);
}

/** How many access tokens are stored for one WeChat appid (the table keys them by appid: 0 or 1). */
export function countStoredWechatTokens(tx: Tx, appid: string): Promise<number> {
  return em(tx).getRepository(WechatTokenEntity).count({ where: { appid } });
}

// ---- what a test reads back of the outbox ------------------------------------------------------------

function keyLike(keyPattern: string, match: RowMatch<NotificationRow>): FindOptionsWhere<NotificationRow> {
  return { ...(match as FindOptionsWhere<NotificationRow>), idempotencyKey: Like(keyPattern) };
}

/**
 * Outbox rows whose idempotency key matches a LIKE pattern (`race:%`, `application:<id>:%county_approve%`)
 * and that have these values: the rows of one event, or of one run of a test.
 */
export function notificationsWithKeyLike(tx: Tx, keyPattern: string, match: RowMatch<NotificationRow> = {}): Promise<NotificationRow[]> {
  return em(tx)
    .getRepository(NotificationEntity)
    .find({ where: keyLike(keyPattern, match) });
}

export function countNotificationsWithKeyLike(tx: Tx, keyPattern: string, match: RowMatch<NotificationRow> = {}): Promise<number> {
  return em(tx)
    .getRepository(NotificationEntity)
    .count({ where: keyLike(keyPattern, match) });
}

/** Of those rows, how many are not sent (pending, failed, dead, skipped…): what a run lost. */
export function countNotSentWithKeyLike(tx: Tx, keyPattern: string, match: RowMatch<NotificationRow> = {}): Promise<number> {
  return em(tx)
    .getRepository(NotificationEntity)
    .count({ where: { ...keyLike(keyPattern, match), status: Not('sent') } });
}

/** Takes a run's rows out of the outbox again (the benchmark on a shared database leaves nothing behind). */
export async function deleteNotificationsWithKeyLike(tx: Tx, keyPattern: string): Promise<void> {
  await em(tx)
    .getRepository(NotificationEntity)
    .delete({ idempotencyKey: Like(keyPattern) });
}

/** A WeChat send as the outbox recorded it: its state and the msgid WeChat answered (the entity leaves that column out). */
export interface RecordedSend {
  idempotencyKey: string;
  status: string;
  wechatMsgid: string | null;
}

/** The sends recorded on one channel, or under one key. */
export async function recordedSends(
  tx: Tx,
  match: { channel?: NotificationRow['channel']; idempotencyKey?: string },
): Promise<RecordedSend[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (match.channel !== undefined) {
    where.push('channel = ?');
    params.push(match.channel);
  }
  if (match.idempotencyKey !== undefined) {
    where.push('idempotency_key = ?');
    params.push(match.idempotencyKey);
  }
  const rows: { idempotency_key: string; status: string; wechat_msgid: string | null }[] = await em(tx).query(
    `SELECT idempotency_key, status, wechat_msgid FROM notifications${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return rows.map((r) => ({ idempotencyKey: r.idempotency_key, status: r.status, wechatMsgid: r.wechat_msgid }));
}

/** The daily digests decided for one date (YYYY-MM-DD), for anyone: sent or decided empty. */
export function digestRunsOn(tx: Tx, digestDate: string): Promise<NotificationDigestRunRow[]> {
  return em(tx).getRepository(NotificationDigestRunEntity).find({ where: { digestDate } });
}
