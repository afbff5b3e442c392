/**
 * The in-app inbox: a user's own notifications of channel 'inbox' (written 'sent' with the event
 * itself), newest first, with keyset pagination — OFFSET would rescan the pages before it, and on
 * SQLite TypeORM would inline it into the SQL text (../shared/notes/performance.md) — and the
 * unread count. Every query is bound to the caller's user id: nobody reads another's inbox.
 */
import type { Database } from '../../db/database';
import { NotFoundError } from '../errors';
import { parsePayload } from './channels';
import { inboxReadAt, inboxRows, markAllInboxRead, markInboxRead, unreadInboxCount, type InboxRow } from '../../db/notifications/inbox';

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

export class Inbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async list(userId: string, options: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<InboxPage> {
    const m = options.cursor === undefined ? null : CURSOR_PATTERN.exec(options.cursor);
    const limit = Math.max(1, Math.min(50, Math.floor(options.limit)));
    const rows = await inboxRows(this.db, userId, {
      limit: limit + 1,
      before: m ? { createdAt: Number(m[1]), id: m[2] } : undefined,
      unreadOnly: options.unreadOnly,
    });
    const page = rows.slice(0, limit).map(toItem);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
      unreadCount: await this.unreadCount(userId),
    };
  }

  unreadCount(userId: string): Promise<number> {
    return unreadInboxCount(this.db, userId);
  }

  /** Marks one of the caller's own messages read; reading it again keeps the first time. */
  async markRead(userId: string, id: string): Promise<{ id: string; readAt: number; unreadCount: number }> {
    await markInboxRead(this.db, userId, id, this.now());
    const readAt = await inboxReadAt(this.db, userId, id);
    // Someone else's message answers exactly like one that does not exist.
    if (readAt === undefined || readAt === null) throw new NotFoundError('没有这条消息，或它不属于您');
    return { id, readAt, unreadCount: await this.unreadCount(userId) };
  }

  async markAllRead(userId: string): Promise<{ updated: number; unreadCount: number }> {
    const updated = await markAllInboxRead(this.db, userId, this.now());
    return { updated, unreadCount: await this.unreadCount(userId) };
  }
}

function toItem(r: InboxRow): InboxItem {
  const p = parsePayload(r.payload);
  return {
    id: r.id,
    template: r.template,
    title: p?.title ?? '通知',
    body: p?.body ?? '',
    page: p?.page ?? '',
    createdAt: r.createdAt,
    readAt: r.readAt,
  };
}
