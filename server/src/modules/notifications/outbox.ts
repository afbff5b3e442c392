import { insertNotification, type Notification } from '../../db/notifications/outbox';
import type { Tx } from '../../db/tx';
import { roleHolders } from '../../db/users';
import { newId } from '../../ids';
import { TEMPLATES, type TemplateName } from './templates';

/**
 * The transactional outbox (after GOV.UK Notify): a notification is a row written in the same
 * transaction as the event that causes it, so it exists exactly when the event committed. The inbox
 * copy is delivered by that commit; the WeChat channels wait for the worker, which claims, sends and
 * retries them. The idempotency key — event, recipient, channel — makes a second enqueue of the same
 * notification fail instead of sending twice.
 */
export type Channel = Notification['channel'];

export interface NotificationRequest {
  /** Unique per event, e.g. `filing:<id>:v<version>:approved`. */
  eventKey: string;
  recipientUserIds: readonly string[];
  template: TemplateName;
  params: Record<string, string>;
  /** WeChat channels to try besides the inbox, in order of preference. */
  channels?: readonly Exclude<Channel, 'inbox'>[];
  /** The inbox copy is written unless the recipient turned it off (digests honour that choice). */
  inbox?: boolean;
}

export async function enqueueNotifications(tx: Tx, req: NotificationRequest, now: number): Promise<void> {
  const rendered = TEMPLATES[req.template](req.params);
  const recipients = [...new Set(req.recipientUserIds)];
  for (const recipientUserId of recipients) {
    for (const channel of [...(req.inbox === false ? [] : ['inbox']), ...(req.channels ?? ['mp_subscribe'])] as Channel[]) {
      const row: Notification = {
        id: newId(),
        idempotencyKey: `${req.eventKey}:${recipientUserId}:${channel}`,
        recipientUserId,
        channel,
        template: req.template,
        payload: { ...rendered, params: req.params },
        status: channel === 'inbox' ? 'sent' : 'pending',
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: channel === 'inbox' ? now : null,
        readAt: null,
      };
      await insertNotification(tx, row);
    }
  }
}

/** Users who hold a role (in a county, for county roles): the recipients of queue alerts. */
export function holdersOf(tx: Tx, role: string, countyCode: string | null = null): Promise<string[]> {
  return roleHolders(tx, role, countyCode);
}
