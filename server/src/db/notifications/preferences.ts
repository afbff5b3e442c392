import { rawQuery } from '../raw';
import type { Database } from '../database';
import { NotificationPreferenceEntity, NotificationQuietHoursEntity, SubscribeConsentEntity } from '../entities/notificationPrefs';
import { isDuplicateKey } from '../errors';
import { em } from '../orm';
import type { Tx } from '../tx';
import { inList } from '../sql';

/** A user's notification settings: channels switched on or off per template group, and quiet hours. */

export interface QuietHoursRow {
  startMinute: number;
  endMinute: number;
}

/** The user's switches (group, channel, on) as stored; a group and channel without a row is on. */
export async function preferenceSwitches(db: Database, userId: string): Promise<{ group: string; channel: string; enabled: boolean }[]> {
  const rows = await rawQuery<{ template_group: string; channel: string; enabled: number | string }>(
    db,
    'SELECT template_group, channel, enabled FROM notification_preferences WHERE user_id = ?',
    [userId],
  );
  return rows.map((r) => ({ group: r.template_group, channel: r.channel, enabled: Number(r.enabled) !== 0 }));
}

export async function quietHoursOfUser(db: Database, userId: string): Promise<QuietHoursRow | null> {
  const rows = await rawQuery<{ start_minute: number | string; end_minute: number | string }>(
    db,
    'SELECT start_minute, end_minute FROM notification_quiet_hours WHERE user_id = ?',
    [userId],
  );
  const q = rows[0];
  return q ? { startMinute: Number(q.start_minute), endMinute: Number(q.end_minute) } : null;
}

/** Every channel switched off, for the users given: (user, group, channel). */
export async function switchedOff(db: Database, userIds: readonly string[]): Promise<{ userId: string; group: string; channel: string }[]> {
  if (userIds.length === 0) return [];
  const ids = inList(userIds);
  const rows = await rawQuery<{ user_id: string; template_group: string; channel: string }>(
    db,
    `SELECT user_id, template_group, channel FROM notification_preferences WHERE enabled = 0 AND user_id IN (${ids.sql})`,
    ids.params,
  );
  return rows.map((r) => ({ userId: r.user_id, group: r.template_group, channel: r.channel }));
}

/** The quiet hours of the users given who set any. */
export async function quietHoursOfUsers(db: Database, userIds: readonly string[]): Promise<Map<string, QuietHoursRow>> {
  const out = new Map<string, QuietHoursRow>();
  if (userIds.length === 0) return out;
  const ids = inList(userIds);
  const rows = await rawQuery<{ user_id: string; start_minute: number | string; end_minute: number | string }>(
    db,
    `SELECT user_id, start_minute, end_minute FROM notification_quiet_hours WHERE user_id IN (${ids.sql})`,
    ids.params,
  );
  for (const r of rows) out.set(r.user_id, { startMinute: Number(r.start_minute), endMinute: Number(r.end_minute) });
  return out;
}

/** Sets one switch; a second request of the same user at the same moment: the later write wins. */
export async function setPreference(
  tx: Tx,
  pref: { id: string; userId: string; group: string; channel: string; enabled: boolean; updatedAt: number },
): Promise<void> {
  const repo = em(tx).getRepository(NotificationPreferenceEntity);
  const where = { userId: pref.userId, templateGroup: pref.group, channel: pref.channel };
  const change = { enabled: pref.enabled, updatedAt: pref.updatedAt };
  const res = await repo.update(where, change);
  if (res.affected) return;
  try {
    await repo.insert({ id: pref.id, ...where, ...change });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await repo.update(where, change);
  }
}

export async function clearQuietHours(tx: Tx, userId: string): Promise<void> {
  await em(tx).getRepository(NotificationQuietHoursEntity).delete({ userId });
}

/** Sets the user's quiet hours; a second request of the same user at the same moment: the later write wins. */
export async function setQuietHours(tx: Tx, userId: string, values: QuietHoursRow & { updatedAt: number }): Promise<void> {
  const repo = em(tx).getRepository(NotificationQuietHoursEntity);
  const res = await repo.update({ userId }, values);
  if (res.affected) return;
  try {
    await repo.insert({ userId, ...values });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await repo.update({ userId }, values);
  }
}

/** One more acceptance of a group's subscribe messages by the person (the mini-program reports it). */
export async function recordSubscribeConsent(tx: Tx, userId: string, group: string, now: number): Promise<void> {
  const repo = em(tx).getRepository(SubscribeConsentEntity);
  const bump = { accepted: () => 'accepted + 1', lastAcceptedAt: now };
  const res = await repo.update({ userId, templateGroup: group }, bump);
  if (res.affected) return;
  try {
    await repo.insert({ userId, templateGroup: group, accepted: 1, lastAcceptedAt: now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await repo.update({ userId, templateGroup: group }, bump);
  }
}

/** Of these people, those who ever accepted the group's subscribe messages. */
export async function consentedUsers(db: Database, userIds: readonly string[], group: string): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const ids = inList(userIds);
  const rows = await rawQuery<{ user_id: string }>(
    db,
    `SELECT user_id FROM subscribe_consents WHERE template_group = ? AND accepted > 0 AND user_id IN (${ids.sql})`,
    [group, ...ids.params],
  );
  return new Set(rows.map((r) => r.user_id));
}
