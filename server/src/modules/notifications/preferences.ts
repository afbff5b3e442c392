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
import type { Database } from '../../db/database';
import {
  clearQuietHours,
  consentedUsers,
  preferenceSwitches,
  recordSubscribeConsent,
  quietHoursOfUser,
  quietHoursOfUsers,
  setPreference,
  setQuietHours,
  switchedOff,
} from '../../db/notifications/preferences';
import { newId } from '../../ids';
import { GROUP_LABELS, TEMPLATE_GROUPS, subscribeTemplateIdsOf, type TemplateGroup } from './channels';
import type { NotificationSettings } from './settings';
import { InvalidInputError } from '../errors';

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
    const [rows, q] = await Promise.all([preferenceSwitches(this.db, userId), quietHoursOfUser(this.db, userId)]);
    const off = new Set(rows.filter((r) => !r.enabled).map((r) => `${r.group}|${r.channel}`));
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
    return {
      groups,
      quietHours: q ? { start: toHhmm(q.startMinute), end: toHhmm(q.endMinute) } : null,
      subscribeTemplateIds,
    };
  }

  /**
   * The template ids the person accepted in wx.requestSubscribeMessage (the mini-program reports
   * them): each acceptance of a group's template recorded once (issue 18: the closing reminders count
   * the drafts a subscribe message could reach). An id this server never offered is refused.
   */
  async recordConsent(userId: string, templateIds: readonly string[]): Promise<{ groups: TemplateGroup[] }> {
    const groupOf = new Map<string, TemplateGroup>();
    for (const g of TEMPLATE_GROUPS) for (const id of subscribeTemplateIdsOf(g, this.settings)) if (!groupOf.has(id)) groupOf.set(id, g);
    const unknown = templateIds.filter((id) => !groupOf.has(id));
    if (unknown.length)
      throw new InvalidInputError('有订阅消息模板不是本平台提供的，请刷新后重试', [
        { path: 'templateIds', message: '订阅消息模板不对，请刷新后重试' },
      ]);
    const groups = [...new Set(templateIds.map((id) => groupOf.get(id)!))];
    const now = this.now();
    await this.db.transaction(async (tx) => {
      for (const g of groups) await recordSubscribeConsent(tx, userId, g, now);
    });
    return { groups };
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
          await setPreference(tx, { id: newId(), userId, group, channel, enabled, updatedAt: now });
        }
      }
      if (input.quietHours === null) {
        await clearQuietHours(tx, userId);
      } else if (input.quietHours !== undefined) {
        await setQuietHours(tx, userId, {
          startMinute: toMinute(input.quietHours.start),
          endMinute: toMinute(input.quietHours.end),
          updatedAt: now,
        });
      }
    });
    return this.get(userId);
  }
}

/** Of these people, those who ever accepted the group's subscribe messages. */
export async function consentedTo(db: Database, userIds: readonly string[], group: TemplateGroup): Promise<Set<string>> {
  return consentedUsers(db, userIds, group);
}

/** `user|group|channel` of every channel switched off, for the users given. */
export async function disabledChannels(db: Database, userIds: readonly string[]): Promise<Set<string>> {
  return new Set((await switchedOff(db, userIds)).map((r) => `${r.userId}|${r.group}|${r.channel}`));
}

export async function quietHoursOf(db: Database, userIds: readonly string[]): Promise<Map<string, QuietHours>> {
  return quietHoursOfUsers(db, userIds);
}
