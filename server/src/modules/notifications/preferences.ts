/**
 * What each user chooses to receive: per template group (progress, queue alerts, digests) and per
 * channel, and quiet hours during which no digest is written or sent. No row means the default
 * (everything on): a user who never opened the settings gets everything the design promises.
 *
 * The inbox copy of progress and queue notifications cannot be switched off — the design keeps
 * every notification visible in the inbox whatever the WeChat channels did; a digest can be
 * switched off entirely.
 */
import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import type { Database } from '../../db/database';
import { NotificationPreferenceEntity, NotificationQuietHoursEntity } from '../../db/entities/notificationPrefs';
import { newId } from '../../ids';
import { inList } from './sql';
import { GROUP_LABELS, TEMPLATE_GROUPS, subscribeTemplateIdsOf, type TemplateGroup } from './channels';
import type { NotificationSettings } from './settings';
import { isDuplicateKey } from '../../db/errors';

export const PREFERENCE_CHANNELS = ['inbox', 'mp_subscribe', 'oa_template'] as const;
export type PreferenceChannel = (typeof PREFERENCE_CHANNELS)[number];

/** Groups whose inbox copy is always kept. */
const INBOX_LOCKED: ReadonlySet<TemplateGroup> = new Set(['progress', 'queue']);

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export interface PreferencesView {
  groups: Record<TemplateGroup, { label: string; inbox: boolean; mp_subscribe: boolean; oa_template: boolean; inboxLocked: boolean }>;
  /** Asia/Shanghai; null when none. */
  quietHours: { start: string; end: string } | null;
  /** The ids the mini-program passes to wx.requestSubscribeMessage for each group. */
  subscribeTemplateIds: Record<TemplateGroup, string[]>;
}

const hhmm = z
  .string({ error: '时间须为 HH:MM 格式，例如 22:00' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间须为 HH:MM 格式（00:00–23:59），例如 22:00');

const toggles = z.strictObject(
  {
    inbox: z.boolean({ error: 'inbox 须为 true 或 false' }).optional(),
    mp_subscribe: z.boolean({ error: 'mp_subscribe 须为 true 或 false' }).optional(),
    oa_template: z.boolean({ error: 'oa_template 须为 true 或 false' }).optional(),
  },
  { error: '渠道只能是 inbox（站内消息）、mp_subscribe（小程序订阅消息）、oa_template（公众号模板消息）' },
);

export const preferencesInputSchema = z
  .strictObject(
    {
      groups: z
        .strictObject(
          { progress: toggles.optional(), queue: toggles.optional(), digest: toggles.optional() },
          { error: '消息类别只能是 progress（进度）、queue（待办提醒）、digest（每日汇总）' },
        )
        .optional(),
      quietHours: z
        .union([
          z.strictObject({ start: hhmm, end: hhmm }, { error: '免打扰时段须包含 start 和 end，例如 {"start":"22:00","end":"08:00"}' }),
          z.null(),
        ])
        .optional(),
    },
    { error: '只能设置 groups 和 quietHours' },
  )
  .superRefine((input, ctx) => {
    for (const group of INBOX_LOCKED) {
      if (input.groups?.[group]?.inbox === false) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', group, 'inbox'],
          message: `“${GROUP_LABELS[group]}”始终保留在站内消息中，不能关闭`,
        });
      }
    }
    if (input.quietHours && input.quietHours.start === input.quietHours.end) {
      ctx.addIssue({ code: 'custom', path: ['quietHours'], message: '免打扰的开始和结束时间不能相同' });
    }
  });
export type PreferencesInput = z.output<typeof preferencesInputSchema>;

function toMinute(text: string): number {
  const [h, m] = text.split(':');
  return Number(h) * 60 + Number(m);
}

function toHhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Minutes after midnight in Asia/Shanghai (UTC+8 all year). */
export function shanghaiMinuteOfDay(epochMs: number): number {
  return Math.floor(((((epochMs + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** Epoch ms of the Asia/Shanghai midnight that starts the day of epochMs. */
export function shanghaiDayStart(epochMs: number): number {
  return epochMs - ((((epochMs + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);
}

export function inQuietHours(q: QuietHours | null | undefined, epochMs: number): boolean {
  if (!q || q.startMinute === q.endMinute) return false;
  const m = shanghaiMinuteOfDay(epochMs);
  return q.startMinute < q.endMinute ? m >= q.startMinute && m < q.endMinute : m >= q.startMinute || m < q.endMinute;
}

/** When the quiet hours that contain epochMs end. */
export function quietHoursEnd(q: QuietHours, epochMs: number): number {
  let end = shanghaiDayStart(epochMs) + q.endMinute * 60_000;
  if (end <= epochMs) end += DAY_MS;
  return end;
}

export class NotificationPreferences {
  constructor(
    private readonly db: Database,
    private readonly settings: NotificationSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async get(userId: string): Promise<PreferencesView> {
    const [rows, quiet] = await Promise.all([
      this.db.query<{ template_group: string; channel: string; enabled: number | string }>(
        'SELECT template_group, channel, enabled FROM notification_preferences WHERE user_id = ?',
        [userId],
      ),
      this.db.query<{ start_minute: number | string; end_minute: number | string }>(
        'SELECT start_minute, end_minute FROM notification_quiet_hours WHERE user_id = ?',
        [userId],
      ),
    ]);
    const off = new Set(rows.filter((r) => Number(r.enabled) === 0).map((r) => `${r.template_group}|${r.channel}`));
    const groups = {} as PreferencesView['groups'];
    const subscribeTemplateIds = {} as PreferencesView['subscribeTemplateIds'];
    for (const g of TEMPLATE_GROUPS) {
      groups[g] = {
        label: GROUP_LABELS[g],
        inbox: INBOX_LOCKED.has(g) || !off.has(`${g}|inbox`),
        mp_subscribe: !off.has(`${g}|mp_subscribe`),
        oa_template: !off.has(`${g}|oa_template`),
        inboxLocked: INBOX_LOCKED.has(g),
      };
      subscribeTemplateIds[g] = subscribeTemplateIdsOf(g, this.settings);
    }
    const q = quiet[0];
    return {
      groups,
      quietHours: q ? { start: toHhmm(Number(q.start_minute)), end: toHhmm(Number(q.end_minute)) } : null,
      subscribeTemplateIds,
    };
  }

  async update(userId: string, input: PreferencesInput): Promise<PreferencesView> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      for (const group of TEMPLATE_GROUPS) {
        const toggles = input.groups?.[group];
        if (!toggles) continue;
        for (const channel of PREFERENCE_CHANNELS) {
          const enabled = toggles[channel];
          if (enabled === undefined) continue;
          await upsertPreference(tx, userId, group, channel, enabled, now);
        }
      }
      if (input.quietHours === null) {
        await tx.getRepository(NotificationQuietHoursEntity).delete({ userId });
      } else if (input.quietHours !== undefined) {
        const values = { startMinute: toMinute(input.quietHours.start), endMinute: toMinute(input.quietHours.end), updatedAt: now };
        const repo = tx.getRepository(NotificationQuietHoursEntity);
        const res = await repo.update({ userId }, values);
        if (!res.affected) {
          try {
            await repo.insert({ userId, ...values });
          } catch (err) {
            // A second request of the same user at the same moment: the later write wins.
            if (!isDuplicateKey(err)) throw err;
            await repo.update({ userId }, values);
          }
        }
      }
    });
    return this.get(userId);
  }
}

async function upsertPreference(
  tx: EntityManager,
  userId: string,
  group: TemplateGroup,
  channel: PreferenceChannel,
  enabled: boolean,
  now: number,
): Promise<void> {
  const repo = tx.getRepository(NotificationPreferenceEntity);
  const res = await repo.update({ userId, templateGroup: group, channel }, { enabled, updatedAt: now });
  if (res.affected) return;
  try {
    await repo.insert({ id: newId(), userId, templateGroup: group, channel, enabled, updatedAt: now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await repo.update({ userId, templateGroup: group, channel }, { enabled, updatedAt: now });
  }
}

/** `user|group|channel` of every channel switched off, for the users given. */
export async function disabledChannels(db: Database, userIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (userIds.length === 0) return out;
  const ids = inList(userIds);
  const rows = await db.query<{ user_id: string; template_group: string; channel: string }>(
    `SELECT user_id, template_group, channel FROM notification_preferences WHERE enabled = 0 AND user_id IN (${ids.sql})`,
    ids.params,
  );
  for (const r of rows) out.add(`${r.user_id}|${r.template_group}|${r.channel}`);
  return out;
}

export async function quietHoursOf(db: Database, userIds: readonly string[]): Promise<Map<string, QuietHours>> {
  const out = new Map<string, QuietHours>();
  if (userIds.length === 0) return out;
  const ids = inList(userIds);
  const rows = await db.query<{ user_id: string; start_minute: number | string; end_minute: number | string }>(
    `SELECT user_id, start_minute, end_minute FROM notification_quiet_hours WHERE user_id IN (${ids.sql})`,
    ids.params,
  );
  for (const r of rows) out.set(r.user_id, { startMinute: Number(r.start_minute), endMinute: Number(r.end_minute) });
  return out;
}
