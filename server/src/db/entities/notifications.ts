import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { JsonObject } from './common';

export interface NotificationRow {
  id: string;
  /** One event, one recipient, one channel: a retry or a race can never enqueue or send it twice. */
  idempotencyKey: string;
  recipientUserId: string;
  channel: 'inbox' | 'mp_subscribe' | 'oa_template';
  template: string;
  payload: JsonObject | null;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead' | 'skipped';
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  readAt: number | null;
}
export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: 'Notification',
  tableName: 'notifications',
  columns: {
    id: col.id(),
    idempotencyKey: { ...col.str(191), name: 'idempotency_key' },
    recipientUserId: { ...col.ref(), name: 'recipient_user_id' },
    channel: col.str(16),
    template: col.str(64),
    payload: col.json(),
    status: col.str(16),
    attempts: col.int(),
    nextAttemptAt: { ...col.ms(), name: 'next_attempt_at' },
    leaseUntil: { ...col.ms(true), name: 'lease_until' },
    lastError: { ...col.str(500, true), name: 'last_error' },
    createdAt: { ...col.ms(), name: 'created_at' },
    sentAt: { ...col.ms(true), name: 'sent_at' },
    readAt: { ...col.ms(true), name: 'read_at' },
  },
});
