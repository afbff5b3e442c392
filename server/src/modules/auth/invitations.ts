import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../../db/database';
import {
  activeGrants,
  claimInvitation,
  findInvitation,
  findInvitationByCodeHash,
  insertGrant,
  insertInvitation,
  membershipsOf,
  recentInvitations,
  recordInvitationRefusal,
  revokeOpenInvitation,
  updateUser,
  userDisplayName,
  type Invitation,
} from '../../db/users';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { publicUser, type PublicUser } from './users';
import { ConflictError, InvalidInputError, NotFoundError, GoneError } from '../errors';
import { hashToken } from './authService';
import {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_LENGTH,
  formatAccessCode,
  normalizeAccessCode,
} from '../../../../shared/src/contracts/accessCodes';
import { displayNameSchema } from '../../../../shared/src/contracts/people';
import { policyPack } from '../../../../shared/src/pack';
import {
  INVITED_ROLES,
  firstMembershipConflict,
  isCountyCode,
  isCountyRole,
  separationOfDutiesConflict,
  type InvitedRole,
  type Role,
} from '../../../../shared/src/contracts/roles';

/** A fresh code (shared/src/contracts/accessCodes.ts): 60 bits from the CSPRNG. */
export function newInvitationCode(): string {
  return formatAccessCode(
    Array.from({ length: ACCESS_CODE_LENGTH }, () => ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)]).join(''),
  );
}

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 as a person writes a count: 十, 十二, 二十, 二十三 (the number of the city's counties). */
function countInWords(n: number): string {
  if (n < 10) return DIGITS[n] ?? String(n);
  if (n >= 100) return String(n);
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${DIGITS[n % 10]}`;
}

/** A county role's missing or unknown county, with the installed pack's first county as the example. */
function countyRequired(): string {
  const { city, counties } = policyPack();
  const [example] = counties;
  return `县级角色须指定${city.name}${countInWords(counties.length)}个县（市）区之一的代码${example ? `，如 ${example.code}（${example.name}）` : ''}`;
}

export const createInvitationSchema = z
  .object({
    role: z.enum(INVITED_ROLES, { error: `角色须为 ${INVITED_ROLES.join('、')} 之一` }),
    countyCode: z.string({ error: '县（市）区代码须为文字' }).nullish(),
    expiresInHours: z
      .number({ error: '有效期须为小时数' })
      .int('有效期须为整数小时')
      .min(1, '有效期至少 1 小时')
      .max(24 * 30, '有效期最长 30 天')
      .default(72),
    note: z.string({ error: '备注须为文字' }).max(200, '备注不超过 200 字').nullish(),
    // The person the code is for: their name on the ledger and the documents once they redeem it.
    name: displayNameSchema.nullish(),
  })
  .superRefine((v, ctx) => {
    if (isCountyRole(v.role)) {
      if (!v.countyCode || !isCountyCode(v.countyCode))
        ctx.addIssue({
          code: 'custom',
          path: ['countyCode'],
          message: countyRequired(),
        });
    } else if (v.countyCode) {
      ctx.addIssue({ code: 'custom', path: ['countyCode'], message: '市级角色和管理员不属于某个县（市）区，请不要填写县区代码' });
    }
  });
export type CreateInvitationInput = z.output<typeof createInvitationSchema>;

export interface InvitationView {
  id: string;
  role: InvitedRole;
  countyCode: string | null;
  note: string | null;
  /** The name of the person the code is for. */
  name: string | null;
  createdAt: number;
  expiresAt: number;
  state: 'open' | 'used' | 'expired' | 'revoked';
  usedBy: string | null;
  /** The last time someone was refused this role for a conflict of interest, and why (DESIGN.md, "Four eyes"). */
  refusal: { at: number; userId: string; reason: string } | null;
}

/** A redemption refused for a conflict of interest: recorded after the refused transaction rolled back. */
class RefusedRedemption extends Error {
  constructor(
    readonly invitationId: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
  ) {}

  private view(row: Invitation): InvitationView {
    const state = row.revokedAt !== null ? 'revoked' : row.usedAt !== null ? 'used' : row.expiresAt <= this.now() ? 'expired' : 'open';
    const refusal =
      row.refusedAt !== null && row.refusedBy !== null
        ? { at: row.refusedAt, userId: row.refusedBy, reason: row.refusedReason ?? '' }
        : null;
    return {
      id: row.id,
      role: row.role as InvitedRole,
      countyCode: row.countyCode,
      note: row.note,
      name: row.inviteeName,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      state,
      usedBy: row.usedBy,
      refusal,
    };
  }

  /** The code is shown once, here; only its hash is stored. */
  async create(createdBy: string | null, input: CreateInvitationInput): Promise<{ code: string; invitation: InvitationView }> {
    const code = newInvitationCode();
    const now = this.now();
    const row: Invitation = {
      id: newId(),
      codeHash: hashToken(normalizeAccessCode(code)),
      role: input.role,
      countyCode: input.countyCode ?? null,
      note: input.note ?? null,
      inviteeName: input.name ?? null,
      createdBy,
      createdAt: now,
      expiresAt: now + input.expiresInHours * 3600_000,
      usedBy: null,
      usedAt: null,
      revokedAt: null,
      refusedAt: null,
      refusedBy: null,
      refusedReason: null,
    };
    await this.db.transaction(async (tx) => {
      await insertInvitation(tx, row);
      await this.audit.append(tx, {
        action: 'invitation.create',
        actorId: createdBy,
        entityType: 'invitation',
        entityId: row.id,
        data: { role: row.role, countyCode: row.countyCode, expiresAt: row.expiresAt, name: row.inviteeName },
      });
    });
    return { code, invitation: this.view(row) };
  }

  async list(): Promise<InvitationView[]> {
    const rows = await this.db.read((tx) => recentInvitations(tx, 200));
    return rows.map((r) => this.view(r));
  }

  async revoke(actorId: string, id: string): Promise<InvitationView> {
    return this.db.transaction(async (tx) => {
      const revoked = await revokeOpenInvitation(tx, id, this.now());
      const row = await findInvitation(tx, id);
      if (!row) throw new NotFoundError('没有这个邀请码');
      if (!revoked) throw new ConflictError('该邀请码已被使用或已作废，无法再作废', 'invitation_closed');
      await this.audit.append(tx, { action: 'invitation.revoke', actorId, entityType: 'invitation', entityId: id });
      return this.view(row);
    });
  }

  /** Single use: the conditional UPDATE lets exactly one redeemer through, on any database. */
  async redeem(userId: string, rawCode: string): Promise<PublicUser> {
    try {
      return await this.tryRedeem(userId, rawCode);
    } catch (err) {
      if (!(err instanceof RefusedRedemption)) throw err;
      // The refusal is kept where the admin who issued the code looks (its row in the list) and in the
      // audit trail; the code stays open, so the admin can revoke it or settle the conflict.
      await this.db.transaction(async (tx) => {
        await recordInvitationRefusal(tx, err.invitationId, { at: this.now(), userId, reason: err.reason.slice(0, 300) });
        await this.audit.append(tx, {
          action: 'invitation.refused',
          actorId: userId,
          entityType: 'invitation',
          entityId: err.invitationId,
          data: { userId, reason: err.reason },
        });
      });
      throw new ConflictError(`${err.reason}。如确需担任此角色，请先退出相关企业或服务商，或联系管理员`, 'separation_of_duties');
    }
  }

  private async tryRedeem(userId: string, rawCode: string): Promise<PublicUser> {
    const codeHash = hashToken(normalizeAccessCode(rawCode));
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const inv = await findInvitationByCodeHash(tx, codeHash);
      if (!inv) throw new InvalidInputError('邀请码不正确，请核对后重新输入', [{ path: 'code', message: '没有这个邀请码' }]);
      if (inv.revokedAt !== null) throw new GoneError('该邀请码已被管理员作废，请向管理员索取新的邀请码', 'invitation_revoked');
      if (inv.usedAt !== null)
        throw new ConflictError('该邀请码已被使用，每个邀请码只能使用一次；请向管理员索取新的邀请码', 'invitation_used');
      if (inv.expiresAt <= now) throw new GoneError('该邀请码已过期，请向管理员索取新的邀请码', 'invitation_expired');
      const held = await activeGrants(tx, userId);
      const candidate = { role: inv.role as Role, countyCode: inv.countyCode };
      if (held.some((g) => g.role === candidate.role && g.countyCode === candidate.countyCode)) {
        throw new ConflictError('您已拥有该角色，无需再次使用邀请码', 'role_already_held');
      }
      const conflict = separationOfDutiesConflict(held, candidate) ?? firstMembershipConflict([candidate], await membershipsOf(tx, userId));
      if (conflict) throw new RefusedRedemption(inv.id, conflict);
      if (!(await claimInvitation(tx, inv.id, userId, now)))
        throw new ConflictError('该邀请码已被使用，每个邀请码只能使用一次', 'invitation_used');
      const grantId = newId();
      await insertGrant(tx, {
        id: grantId,
        userId,
        role: candidate.role,
        countyCode: candidate.countyCode,
        grantedBy: inv.createdBy,
        invitationId: inv.id,
        createdAt: now,
      });
      // The name the admin gave becomes the person's display name, unless they have chosen one already.
      const named = inv.inviteeName !== null && (await userDisplayName(tx, userId)) === null;
      if (named) await updateUser(tx, userId, { displayName: inv.inviteeName, updatedAt: now });
      await this.audit.append(tx, {
        action: 'invitation.redeem',
        actorId: userId,
        entityType: 'invitation',
        entityId: inv.id,
        data: { userId, ...(named ? { displayName: inv.inviteeName } : {}) },
      });
      await this.audit.append(tx, {
        action: 'role.grant',
        actorId: userId,
        entityType: 'user',
        entityId: userId,
        data: { grantId, ...candidate, invitationId: inv.id },
      });
      return publicUser(userId, [...held, candidate]);
    });
  }
}
