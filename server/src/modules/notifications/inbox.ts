/**
 * The in-app inbox: a user's own notifications of channel 'inbox' (written 'sent' with the event
 * itself), newest first, with keyset pagination — OFFSET would rescan the pages before it, and on
 * SQLite TypeORM would inline it into the SQL text (../shared/notes/performance.md) — and the
 * unread count. Every query is bound to the caller's user id: nobody reads another's inbox.
 */
import type { Database } from '../../db/database';
import { NotFoundError } from '../errors';
import { parsePayload } from './channels';
import { exec } from './sql';

export interface InboxItem {
  id: string;
  template: string;
  title: string;
  body: string;
  /** The mini-program page to open. */
  page: string;
  createdAt: number;
  readAt: number | null;
}

export interface InboxPage {
  items: InboxItem[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
  unreadCount: number;
}

/** `<created_at>.<id>`: the position of the last item of a page. */
export const CURSOR_PATTERN = /^(\d{1,16})\.([0-9A-HJKMNP-TV-Z]{26})$/;

interface Row {
  id: string;
  template: string;
  payload: string | null;
  created_at: number | string;
  read_at: number | string | null;
}

export class Inbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async list(userId: string, options: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<InboxPage> {
    const where = ['recipient_user_id = ?', "channel = 'inbox'"];
    const params: unknown[] = [userId];
    if (options.unreadOnly) where.push('read_at IS NULL');
    if (options.cursor !== undefined) {
      const m = CURSOR_PATTERN.exec(options.cursor);
      if (m) {
        where.push('(created_at < ? OR (created_at = ? AND id < ?))');
        params.push(Number(m[1]), Number(m[1]), m[2]);
      }
    }
    const limit = Math.max(1, Math.min(50, Math.floor(options.limit)));
    const rows = await this.db.query<Row>(
      `SELECT id, template, payload, created_at, read_at FROM notifications WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit).map(toItem);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
      unreadCount: await this.unreadCount(userId),
    };
  }

  async unreadCount(userId: string): Promise<number> {
    const rows = await this.db.query<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL",
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Marks one of the caller's own messages read; reading it again keeps the first time. */
  async markRead(userId: string, id: string): Promise<{ id: string; readAt: number; unreadCount: number }> {
    const now = this.now();
    await this.db.run((m) =>
      exec(m, "UPDATE notifications SET read_at = ? WHERE id = ? AND recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL", [
        now,
        id,
        userId,
      ]),
    );
    const rows = await this.db.query<{ read_at: number | string | null }>(
      "SELECT read_at FROM notifications WHERE id = ? AND recipient_user_id = ? AND channel = 'inbox'",
      [id, userId],
    );
    const row = rows[0];
    // Someone else's message answers exactly like one that does not exist.
    if (!row || row.read_at === null) throw new NotFoundError('没有这条消息，或它不属于您');
    return { id, readAt: Number(row.read_at), unreadCount: await this.unreadCount(userId) };
  }

  async markAllRead(userId: string): Promise<{ updated: number; unreadCount: number }> {
    const updated = await this.db.run((m) =>
      exec(m, "UPDATE notifications SET read_at = ? WHERE recipient_user_id = ? AND channel = 'inbox' AND read_at IS NULL", [
        this.now(),
        userId,
      ]),
    );
    return { updated, unreadCount: await this.unreadCount(userId) };
  }
}

function toItem(r: Row): InboxItem {
  const p = parsePayload(r.payload);
  return {
    id: r.id,
    template: r.template,
    title: p?.title ?? '通知',
    body: p?.body ?? '',
    page: p?.page ?? '',
    createdAt: Number(r.created_at),
    readAt: r.read_at === null ? null : Number(r.read_at),
  };
}
