import { z } from 'zod';
import { INVITED_ROLES } from '../roles';
import { count, idField, roleSchema, timestamp } from './common';

/** Login, the caller's roles, invitation codes and the admin's tools (server/src/modules/auth, admin). */

export const roleScopeSchema = z
  .strictObject({ role: roleSchema, countyCode: z.string().nullable().describe('县级角色所在县（市）区代码') })
  .meta({ id: 'RoleScope' });
export type RoleScope = z.infer<typeof roleScopeSchema>;

export const publicUserSchema = z
  .strictObject({ id: idField, roles: z.array(roleSchema), scopes: z.array(roleScopeSchema) })
  .meta({ id: 'PublicUser' });
export type PublicUser = z.infer<typeof publicUserSchema>;

export const loginResponseSchema = z
  .strictObject({
    token: z.string().describe('Bearer 令牌：请求头 Authorization: Bearer <token>'),
    expiresAt: timestamp,
    user: publicUserSchema,
  })
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const userEnvelopeSchema = z.strictObject({ user: publicUserSchema }).meta({ id: 'UserEnvelope' });
export type UserEnvelope = z.infer<typeof userEnvelopeSchema>;

export const invitationSummarySchema = z
  .strictObject({
    id: idField,
    role: z.enum(INVITED_ROLES),
    countyCode: z.string().nullable(),
    note: z.string().nullable(),
    name: z.string().nullable().describe('邀请对象的姓名：使用邀请码后即为其显示姓名'),
    createdAt: timestamp,
    expiresAt: timestamp,
    state: z.enum(['open', 'used', 'expired', 'revoked']),
    usedBy: idField.nullable(),
    refusal: z
      .strictObject({ at: z.number().int(), userId: idField, reason: z.string() })
      .nullable()
      .describe('最近一次因利益冲突（四眼原则）被拒绝使用的时间、用户与原因'),
  })
  .meta({ id: 'InvitationSummary' });
export type InvitationSummary = z.infer<typeof invitationSummarySchema>;

export const createdInvitationSchema = z
  .strictObject({ code: z.string().describe('邀请码：只在此显示一次'), invitation: invitationSummarySchema })
  .meta({ id: 'CreatedInvitation' });
export type CreatedInvitation = z.infer<typeof createdInvitationSchema>;

export const invitationListSchema = z.strictObject({ items: z.array(invitationSummarySchema) }).meta({ id: 'InvitationList' });
export const invitationEnvelopeSchema = z.strictObject({ invitation: invitationSummarySchema }).meta({ id: 'InvitationEnvelope' });

export const roleConflictSchema = z
  .strictObject({
    userId: idField,
    displayName: z.string().nullable(),
    role: z.enum(['county_miit', 'county_finance', 'city_miit', 'city_finance']),
    countyCode: z.string().nullable(),
    roleLabel: z.string().describe('所担任的角色，如“市财政局”或某县（市）区的“财政部门”'),
    conflict: z.string().describe('冲突的说明：担任的角色与所属的企业或服务商'),
  })
  .meta({ id: 'RoleConflict' });
export const roleConflictListSchema = z.strictObject({ items: z.array(roleConflictSchema) }).meta({ id: 'RoleConflictList' });

export const auditEntrySchema = z
  .strictObject({
    seq: z.number().int(),
    action: z.string(),
    actorId: idField.nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    at: z.string().describe('记录时刻（ISO 8601）'),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditListSchema = z.strictObject({ items: z.array(auditEntrySchema) }).meta({ id: 'AuditList' });

export const auditVerificationSchema = z
  .strictObject({
    rows: count,
    chains: count,
    problems: z.array(z.strictObject({ chain: z.string(), seq: z.number().int().nullable(), problem: z.string() })),
  })
  .meta({ id: 'AuditVerification' });
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

export const displayNameEnvelopeSchema = z
  .strictObject({
    displayName: z.string().nullable().describe('显示姓名：台账、文书和各页面据此写明经办人；未填写时为 null'),
    shownAs: z.string().describe('他人看到的称呼：姓名，或未填写时的角色称呼（如“市财政局经办人”）'),
  })
  .meta({ id: 'DisplayName' });
export type DisplayNameEnvelope = z.infer<typeof displayNameEnvelopeSchema>;
