import { z } from 'zod';
import type { RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import type { AuthService } from '../../modules/auth/authService';
import type { InvitationService } from '../../modules/auth/invitations';
import type { ProfileService } from '../../modules/auth/profile';
import { displayNameSchema } from '../../../../shared/src/contracts/people';
import { displayNameEnvelopeSchema, loginResponseSchema, userEnvelopeSchema } from '../../../../shared/src/contracts/responses/auth';
import { answers } from '../routeTable';

const loginSchema = z.object({
  code: z
    .string({ error: '缺少登录凭证 code：请在小程序中调用 wx.login 获取后提交' })
    .min(1, '登录凭证 code 不能为空')
    .max(128, '登录凭证 code 过长'),
});
const displayNameBody = z.object({ displayName: displayNameSchema });
const redeemSchema = z.object({
  code: z.string({ error: '请填写邀请码' }).trim().min(4, '邀请码太短，请核对').max(32, '邀请码太长，请核对'),
});

export function authRoutes(routes: RouteTable, deps: { auth: AuthService; invitations: InvitationService; profile: ProfileService }): void {
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/auth/wx-login',
        access: 'public',
        limit: 'login',
        summary: '小程序登录（wx.login 的 code 换取会话）',
        body: loginSchema,
        response: loginResponseSchema,
        errors: ['too_many_requests', 'upstream_unavailable'],
      },
      async (ctx) => {
        const { code } = parseInput(loginSchema, ctx.request.body);
        const { token, expiresAt, user } = await deps.auth.wxLogin(code);
        ctx.body = { token, expiresAt, user };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/auth/logout',
        access: 'authenticated',
        summary: '退出登录',
        response: answers.empty('已退出，令牌作废'),
        status: 204,
      },
      async (ctx) => {
        await deps.auth.logout(ctx.state.auth!);
        ctx.status = 204;
      },
    )
    .add({ method: 'GET', path: '/api/v1/me', access: 'authenticated', summary: '当前用户与角色', response: userEnvelopeSchema }, (ctx) => {
      ctx.body = { user: deps.auth.me(ctx.state.auth!) };
    })
    .add(
      {
        method: 'GET',
        path: '/api/v1/me/display-name',
        access: 'authenticated',
        summary: '本人的显示姓名（台账、文书中写明的经办人）',
        response: displayNameEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = await deps.profile.displayName(ctx.state.auth!);
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/me/display-name',
        access: 'authenticated',
        summary: '设置本人的显示姓名（2–20 个字）',
        body: displayNameBody,
        response: displayNameEnvelopeSchema,
      },
      async (ctx) => {
        const { displayName } = parseInput(displayNameBody, ctx.request.body ?? {});
        ctx.body = await deps.profile.setDisplayName(ctx.state.auth!, displayName);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/invitations/redeem',
        access: 'authenticated',
        limit: 'redeem',
        summary: '使用邀请码获得审核或管理角色',
        body: redeemSchema,
        response: userEnvelopeSchema,
        errors: [
          'invitation_used',
          'invitation_revoked',
          'invitation_expired',
          'role_already_held',
          'separation_of_duties',
          'too_many_requests',
        ],
      },
      async (ctx) => {
        const { code } = parseInput(redeemSchema, ctx.request.body);
        ctx.body = { user: await deps.invitations.redeem(ctx.state.auth!.userId, code) };
      },
    );
}
