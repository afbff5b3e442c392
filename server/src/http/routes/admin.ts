import { z } from 'zod';
import type { RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import { createInvitationSchema, type InvitationService } from '../../modules/auth/invitations';
import type { AdminService } from '../../modules/admin/adminService';
import {
  auditListSchema,
  auditVerificationSchema,
  createdInvitationSchema,
  invitationEnvelopeSchema,
  invitationListSchema,
  roleConflictListSchema,
  userEnvelopeSchema,
} from '../../../../shared/src/contracts/responses/auth';

const idParam = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '编号格式不对');
const auditQuery = z.object({
  entityType: z.string({ error: '请指定对象类型 entityType' }).regex(/^[a-z_]{1,32}$/, '对象类型格式不对'),
  entityId: z.string({ error: '请指定对象编号 entityId' }).min(1).max(64),
});
const revokeRoleSchema = z.object({
  role: z.string({ error: '请指定要撤销的角色' }).max(32),
  countyCode: z.string().max(6).nullish(),
  reason: z.string({ error: '请填写撤销原因' }).trim().min(2, '请填写撤销原因').max(200, '原因不超过 200 字'),
});

export function adminRoutes(routes: RouteTable, deps: { invitations: InvitationService; admin: AdminService }): void {
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/invitations',
        access: ['admin'],
        summary: '生成邀请码（只显示一次）',
        body: createInvitationSchema,
        response: createdInvitationSchema,
        status: 201,
      },
      async (ctx) => {
        const input = parseInput(createInvitationSchema, ctx.request.body ?? {});
        ctx.status = 201;
        ctx.body = await deps.invitations.create(ctx.state.auth!.userId, input);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/admin/invitations',
        access: ['admin'],
        summary: '邀请码列表（不含邀请码本身）',
        response: invitationListSchema,
      },
      async (ctx) => {
        ctx.body = { items: await deps.invitations.list() };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/invitations/:id/revoke',
        access: ['admin'],
        summary: '作废未使用的邀请码',
        params: { id: idParam },
        response: invitationEnvelopeSchema,
        errors: ['invitation_closed'],
      },
      async (ctx) => {
        const id = parseInput(idParam, ctx.params.id, '邀请码编号不对');
        ctx.body = { invitation: await deps.invitations.revoke(ctx.state.auth!.userId, id) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/users/:id/roles/revoke',
        access: ['admin'],
        summary: '撤销用户的角色',
        params: { id: idParam },
        body: revokeRoleSchema,
        response: userEnvelopeSchema,
        errors: ['role_not_held'],
      },
      async (ctx) => {
        const id = parseInput(idParam, ctx.params.id, '用户编号不对');
        const input = parseInput(revokeRoleSchema, ctx.request.body ?? {});
        ctx.body = { user: await deps.admin.revokeRole(ctx.state.auth!.userId, id, input) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/admin/role-conflicts',
        access: ['admin'],
        summary: '既担任审核角色又属于所审企业或服务商的用户（四眼原则）',
        response: roleConflictListSchema,
      },
      async (ctx) => {
        ctx.body = { items: await deps.admin.roleConflicts() };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/admin/audit',
        access: ['admin'],
        summary: '某一对象的审计记录',
        query: auditQuery,
        response: auditListSchema,
      },
      async (ctx) => {
        const q = parseInput(auditQuery, ctx.query);
        ctx.body = { items: await deps.admin.auditOf(q.entityType, q.entityId) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/audit/verify',
        access: ['admin'],
        summary: '校验审计链是否被篡改',
        response: auditVerificationSchema,
      },
      async (ctx) => {
        ctx.body = await deps.admin.verifyAudit();
      },
    );
}
