import { EntitySchema } from 'typeorm';
import { col } from '../columns';

/**
 * Tables of notification delivery: what each user chooses to receive, their quiet hours for
 * digests, and the record that a day's digest was decided for a reviewer (once per day across all
 * instances). The worker reads them with plain SQL on its hot path; the schemas keep them in
 * ENTITIES (the test helpers empty every table they list).
 */

export interface NotificationPreferenceRow {
  id: string;
  userId: string;
  /** progress | queue | digest (modules/notifications/channels.ts). */
  templateGroup: string;
  /** inbox (digests only) | mp_subscribe | oa_template. */
  channel: string;
  enabled: boolean;
  updatedAt: number;
}
export const NotificationPreferenceEntity = new EntitySchema<NotificationPreferenceRow>({
  name: 'NotificationPreference',
  tableName: 'notification_preferences',
  columns: {
    id: col.id(),
    userId: { ...col.ref(), name: 'user_id' },
    templateGroup: { ...col.str(16), name: 'template_group' },
    channel: col.str(16),
    enabled: col.bool(),
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface NotificationQuietHoursRow {
  userId: string;
  /** Minutes after midnight, Asia/Shanghai; start > end means the quiet spans midnight (22:00–07:00). */
  startMinute: number;
  endMinute: number;
  updatedAt: number;
}
export const NotificationQuietHoursEntity = new EntitySchema<NotificationQuietHoursRow>({
  name: 'NotificationQuietHours',
  tableName: 'notification_quiet_hours',
  columns: {
    userId: { type: 'varchar', length: 26, primary: true, name: 'user_id' },
    startMinute: { ...col.int(), name: 'start_minute' },
    endMinute: { ...col.int(), name: 'end_minute' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface NotificationDigestRunRow {
  userId: string;
  /** The Asia/Shanghai date the digest is for, YYYY-MM-DD. */
  digestDate: string;
  waiting: number;
  overdue: number;
  /** The notifications' event key, or null when there was nothing to report (or the user opted out). */
  eventKey: string | null;
  createdAt: number;
}
export const NotificationDigestRunEntity = new EntitySchema<NotificationDigestRunRow>({
  name: 'NotificationDigestRun',
  tableName: 'notification_digest_runs',
  columns: {
    userId: { type: 'varchar', length: 26, primary: true, name: 'user_id' },
    digestDate: { type: 'varchar', length: 10, primary: true, name: 'digest_date' },
    waiting: col.int(),
    overdue: col.int(),
    eventKey: { ...col.str(191, true), name: 'event_key' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

/**
 * A person's consent to a group's subscribe messages, as the mini-program reports it after
 * wx.requestSubscribeMessage (issue 18: how many drafts a closing reminder can reach). WeChat keeps
 * the real count (one message per acceptance) and tells the server nothing; this records that the
 * person accepted, how many times, and when last.
 */
export interface SubscribeConsentRow {
  userId: string;
  templateGroup: string;
  accepted: number;
  lastAcceptedAt: number;
}
export const SubscribeConsentEntity = new EntitySchema<SubscribeConsentRow>({
  name: 'SubscribeConsent',
  tableName: 'subscribe_consents',
  columns: {
    userId: { type: 'varchar', length: 26, primary: true, name: 'user_id' },
    templateGroup: { type: 'varchar', length: 16, primary: true, name: 'template_group' },
    accepted: col.int(),
    lastAcceptedAt: { ...col.ms(), name: 'last_accepted_at' },
  },
});

export const NOTIFICATION_ENTITIES: EntitySchema[] = [
  NotificationPreferenceEntity,
  NotificationQuietHoursEntity,
  NotificationDigestRunEntity,
  SubscribeConsentEntity,
];
