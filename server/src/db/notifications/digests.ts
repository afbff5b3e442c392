import { rawQuery } from '../raw';
import type { Database } from '../database';
import { NotificationDigestRunEntity } from '../entities/notificationPrefs';
import { em } from '../orm';
import { insertRow } from '../rows';
import type { Tx } from '../tx';

/**
 * The reviewers' daily digest runs: one row per user and date (its primary key), decided once for
 * every instance, written in the same transaction as the digest's notifications.
 */

export interface DigestRun {
  userId: string;
  digestDate: string;
  waiting: number;
  overdue: number;
  eventKey: string | null;
  createdAt: number;
}

/** Users whose digest of `date` is decided already. */
export async function digestDecidedFor(db: Database, date: string): Promise<Set<string>> {
  const rows = await rawQuery<{ user_id: string }>(db, 'SELECT user_id FROM notification_digest_runs WHERE digest_date = ?', [date]);
  return new Set(rows.map((r) => r.user_id));
}

/** Records the decision; a duplicate key means another instance decided it first. */
export async function recordDigestRun(tx: Tx, run: DigestRun): Promise<void> {
  await insertRow(em(tx), NotificationDigestRunEntity, run);
}
