import { rawQuery } from '../raw';
import type { Database } from '../database';
import { exec } from './sql';

/**
 * The in-app inbox's questions: a user's own notifications of channel 'inbox', newest first, by
 * keyset — OFFSET would rescan the pages before it, and on SQLite TypeORM would inline it into the
 * SQL text (../shared/notes/performance.md). Every question is bound to the user's id.
 */

export interface InboxRow {
  id: string;
  template: string;
  /** The payload column's JSON text. */
  payload: string | null;
  createdAt: number;
  readAt: number | null;
}

/** Up to `limit` of the user's inbox, older than `before` if given, newest first. */
export async function inboxRows(
  db: Database,
  userId: string,
  opts: { limit: number; before?: { createdAt: number; id: string }; unreadOnly?: boolean },
): Promise<InboxRow[]> {
  const where = ['recipient_user_id = ?', "channel = 'inbox'"];
  const params: unknown[] = [userId];
  if (opts.unreadOnly) where.push('read_at IS NULL');
  if (opts.before) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(opts.before.createdAt, opts.before.createdAt, opts.before.id);
  }
  const rows = await rawQuery<{
    id: string;
    template: string;
    payload: string | null;
    created_at: number | string;
    read_at: number | string | null;
  }>(
    db,
    `SELECT id, template, payload, created_at, read_at FROM notifications WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${Math.floor(opts.limit)}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    payload: r.payload,
    createdAt: Number(r.created_at),
    readAt: r.read_at === null ? null : Number(r.read_at),
  }));
}

export async function unreadInboxCount(db: Database, userId: string): Promise<number> {
  const rows = await rawQuery<{ n: number | string }>(
    db,
    "SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL",
    [userId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Marks one of the user's unread messages read; a message read before keeps its first time. */
export async function markInboxRead(db: Database, userId: string, id: string, at: number): Promise<void> {
  await db.read((tx) =>
    exec(tx, "UPDATE notifications SET read_at = ? WHERE id = ? AND recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL", [
      at,
      id,
      userId,
    ]),
  );
}

/** When the user's message was read: undefined when it is not theirs (or does not exist), null while unread. */
export async function inboxReadAt(db: Database, userId: string, id: string): Promise<number | null | undefined> {
  const rows = await rawQuery<{ read_at: number | string | null }>(
    db,
    "SELECT read_at FROM notifications WHERE id = ? AND recipient_user_id = ? AND channel = 'inbox'",
    [id, userId],
  );
  const row = rows[0];
  return row === undefined ? undefined : row.read_at === null ? null : Number(row.read_at);
}

/** Marks every unread message of the user read: how many it marked. */
export async function markAllInboxRead(db: Database, userId: string, at: number): Promise<number> {
  return db.read((tx) =>
    exec(tx, "UPDATE notifications SET read_at = ? WHERE recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL", [at, userId]),
  );
}
