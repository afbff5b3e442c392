import { z } from 'zod';
import { count, idField, timestamp } from './common';

/** The inbox, notification preferences and the official-account binding (server/src/modules/notifications, officialAccount). */

export const inboxItemSchema = z
  .strictObject({
    id: idField,
    template: z.string(),
    title: z.string(),
    body: z.string(),
    page: z.string(),
    createdAt: timestamp,
    readAt: timestamp.nullable(),
  })
  .meta({ id: 'InboxItem' });
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const inboxPageSchema = z
  .strictObject({ items: z.array(inboxItemSchema), nextCursor: z.string().nullable(), unreadCount: count })
  .meta({ id: 'InboxPage' });
export type InboxPage = z.infer<typeof inboxPageSchema>;

export const readAllResultSchema = z.strictObject({ updated: count, unreadCount: count }).meta({ id: 'ReadAllResult' });
export const readResultSchema = z.strictObject({ id: idField, readAt: timestamp, unreadCount: count }).meta({ id: 'ReadResult' });

const groupPreference = z.strictObject({
  label: z.string(),
  inbox: z.boolean(),
  mp_subscribe: z.boolean(),
  oa_template: z.boolean(),
  inboxLocked: z.boolean(),
});

export const notificationPreferencesSchema = z
  .strictObject({
    groups: z.strictObject({ progress: groupPreference, queue: groupPreference, digest: groupPreference }),
    quietHours: z.strictObject({ start: z.string(), end: z.string() }).nullable(),
    subscribeTemplateIds: z.strictObject({ progress: z.array(z.string()), queue: z.array(z.string()), digest: z.array(z.string()) }),
  })
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

export const subscribeConsentSchema = z
  .strictObject({ groups: z.array(z.enum(['progress', 'queue', 'digest'])).describe('本次记下同意的消息类别') })
  .meta({ id: 'SubscribeConsent' });
export type SubscribeConsent = z.infer<typeof subscribeConsentSchema>;

export const bindingCodeSchema = z
  .strictObject({ code: z.string(), expiresAt: timestamp, ttlSeconds: count, howTo: z.string() })
  .meta({ id: 'BindingCode' });
export type BindingCode = z.infer<typeof bindingCodeSchema>;

export const bindingStatusSchema = z.strictObject({ bound: z.boolean(), followed: z.boolean().nullable() }).meta({ id: 'BindingStatus' });
export type BindingStatus = z.infer<typeof bindingStatusSchema>;
