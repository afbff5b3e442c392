/**
 * The inbox and notification preferences: `notificationRoutes(routes, deps)`, wired by app.ts.
 * Every route acts on the caller's own notifications and settings only.
 */
import { z } from 'zod';
import type { RouteTable } from '../routeTable';
import {
  inboxPageSchema,
  notificationPreferencesSchema,
  readAllResultSchema,
  readResultSchema,
  subscribeConsentSchema,
} from '../../../../shared/src/contracts/responses/notifications';
import { parseInput } from '../validate';
import { CURSOR_PATTERN, type Inbox } from '../../modules/notifications/inbox';
import { preferencesInputSchema, type NotificationPreferences } from '../../modules/notifications/preferences';

export interface NotificationRouteDeps {
  inbox: Inbox;
  preferences: NotificationPreferences;
}

const idParam = z.string({ error: '消息编号不对' }).regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '消息编号不对');

const inboxQuery = z.strictObject(
  {
    limit: z
      .string({ error: 'limit 须为 1–50 的整数' })
      .regex(/^\d{1,3}$/, 'limit 须为 1–50 的整数')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 50, 'limit 须为 1–50 的整数')
      .optional(),
    cursor: z
      .string({ error: 'cursor 不对，请使用上一页返回的 nextCursor' })
      .regex(CURSOR_PATTERN, 'cursor 不对，请使用上一页返回的 nextCursor')
      .optional(),
    unread: z.enum(['1', '0', 'true', 'false'], { error: 'unread 只能是 1 或 0' }).optional(),
  },
  { error: '只支持 limit、cursor、unread 这几个查询参数' },
);

const consentBody = z.strictObject(
  {
    templateIds: z
      .array(z.string({ error: '模板编号须为文字' }).min(1, '模板编号不能为空').max(64, '模板编号过长'), {
        error: 'templateIds 须为同意接收的订阅消息模板编号列表',
      })
      .min(1, '请至少给出一个同意接收的模板')
      .max(20, '模板最多 20 个'),
  },
  { error: '只能提交 templateIds（同意接收的订阅消息模板编号）' },
);

export function notificationRoutes(routes: RouteTable, deps: NotificationRouteDeps): void {
  const { inbox, preferences } = deps;

  routes
    .add(
      {
        method: 'GET',
        path: '/api/v1/inbox',
        access: 'authenticated',
        summary: '我的站内消息（新的在前，未读数）',
        query: inboxQuery,
        response: inboxPageSchema,
      },
      async (ctx) => {
        const q = parseInput(inboxQuery, ctx.query, '查询参数不对');
        ctx.body = await inbox.list(ctx.state.auth!.userId, {
          limit: q.limit ?? 20,
          cursor: q.cursor,
          unreadOnly: q.unread === '1' || q.unread === 'true',
        });
      },
    )
    .add(
      { method: 'POST', path: '/api/v1/inbox/read-all', access: 'authenticated', summary: '全部标为已读', response: readAllResultSchema },
      async (ctx) => {
        ctx.body = await inbox.markAllRead(ctx.state.auth!.userId);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/inbox/:id/read',
        access: 'authenticated',
        summary: '标为已读',
        params: { id: idParam },
        response: readResultSchema,
      },
      async (ctx) => {
        const id = parseInput(idParam, ctx.params.id, '消息编号不对');
        ctx.body = await inbox.markRead(ctx.state.auth!.userId, id);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/notification-preferences',
        access: 'authenticated',
        summary: '我的消息接收设置',
        response: notificationPreferencesSchema,
      },
      async (ctx) => {
        ctx.body = await preferences.get(ctx.state.auth!.userId);
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/notification-preferences',
        access: 'authenticated',
        summary: '修改消息接收设置（类别 × 渠道、免打扰时段）',
        body: preferencesInputSchema,
        response: notificationPreferencesSchema,
      },
      async (ctx) => {
        const input = parseInput(preferencesInputSchema, ctx.request.body ?? {});
        ctx.body = await preferences.update(ctx.state.auth!.userId, input);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/me/subscriptions',
        access: 'authenticated',
        summary: '记下我在小程序里同意接收的订阅消息（截止提醒据此统计能送达的草稿）',
        body: consentBody,
        response: subscribeConsentSchema,
      },
      async (ctx) => {
        const input = parseInput(consentBody, ctx.request.body ?? {});
        ctx.body = await preferences.recordConsent(ctx.state.auth!.userId, input.templateIds);
      },
    );
}
