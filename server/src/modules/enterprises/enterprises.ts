import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import {
  claimInvitation,
  countWrongJoinTry,
  enterprisesOfCounties,
  enterprisesOfMember,
  findEnterprise,
  findEnterpriseByCreditCode,
  findInvitation,
  findMember,
  grantEnterpriseRoleRow,
  holdsEnterpriseRole,
  insertEnterprise,
  insertInvitation,
  insertMember,
  isEnterpriseMember,
  markEnterpriseDisputed,
  membershipOf,
  pendingClaimCount,
  pendingClaimsOn,
  settleClaim,
  updateEnterpriseIfVersion,
  type EnterpriseRow,
} from '../../db/enterprises';
import { countiesFor, hasRole, type Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { maskPhone } from '../../logger';
import type { AuditTrail } from '../audit/audit';
import { hashToken } from '../auth/authService';
import { newInvitationCode } from '../auth/invitations';
import { normalizeAccessCode } from '../../../../shared/src/contracts/accessCodes';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import type { EnterpriseProfile } from '../../../../shared/src/contracts/application';
import { countyName } from '../../../../shared/src/contracts/roles';
import { ownCaseStake } from '../../db/applications';
import { pendingProfileChange, pendingProfileChangesOf } from '../../db/profileChanges';
import type { EnterpriseProfileChangeRow } from '../../db/profileChanges';
import { profileChangeView, requestProfileChange, verifiedFieldChanges, type ProfileChangeView } from './profileChanges';

/**
 * Registering an enterprise (DESIGN.md, "Who uses it"): the first to register a credit code owns it,
 * pending the county's check of the business licence and the letter of authorisation. Colleagues
 * join by an invitation from a member; a second claim on a registered code goes to the county.
 */
const JOIN_CODE_TTL_MS = 7 * 24 * 3600_000;
/**
 * Wrong tries on one enterprise before its open codes lock. The code gives membership — the
 * application, its bank account, the power to submit or withdraw — so a few typos are allowed and
 * guessing is not: with 60-bit codes and 5 tries a code is found with odds of 5 in 2^60.
 */
export const JOIN_CODE_MAX_FAILURES = 5;
/** One answer for every wrong try, whether the enterprise is unknown, the code wrong, expired or locked. */
const WRONG_JOIN_CODE = '邀请码不正确、已过期或因多次输错已锁定，请核对企业的统一社会信用代码，或向同事索取新的邀请码';

type JoinOutcome = { ok: true; enterprise: EnterpriseView } | { ok: false };

export interface EnterpriseView {
  id: string;
  creditCode: string;
  name: string;
  countyCode: string;
  countyName: string | null;
  status: EnterpriseRow['status'];
  statusLabel: string;
  establishedOn: string | null;
  industryCode: string | null;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  version: number;
  /** A change of verified fields that waits for the county; the values above stand until it is verified. */
  pendingChange: ProfileChangeView | null;
}

const STATUS_LABELS: Record<EnterpriseRow['status'], string> = {
  pending: '待县里核验营业执照和授权委托书',
  verified: '已核验',
  disputed: '有他人认领，待县里核实',
  rejected: '核验未通过',
};

export function enterpriseView(
  e: EnterpriseRow,
  opts: { maskPhone?: boolean; pendingChange?: EnterpriseProfileChangeRow | null } = {},
): EnterpriseView {
  return {
    id: e.id,
    creditCode: e.creditCode,
    name: e.name,
    countyCode: e.countyCode,
    countyName: countyName(e.countyCode) ?? null,
    status: e.status,
    statusLabel: STATUS_LABELS[e.status],
    establishedOn: e.establishedOn,
    industryCode: e.industryCode,
    legalRepresentative: e.legalRepresentative,
    address: e.address,
    contactName: e.contactName,
    contactPhone: opts.maskPhone ? maskPhone(e.contactPhone) : e.contactPhone,
    version: e.version,
    pendingChange: opts.pendingChange ? profileChangeView(opts.pendingChange, e.name) : null,
  };
}

export class EnterpriseService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
  ) {}

  async register(auth: Actor, profile: EnterpriseProfile): Promise<{ enterprise: EnterpriseView; membership: 'owner' | 'claim_pending' }> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const existing = await findEnterpriseByCreditCode(tx, profile.creditCode);
      if (existing) {
        const mine = await membershipOf(tx, existing.id, auth.userId);
        if (mine)
          throw new ConflictError(mine.status === 'active' ? '您已是该企业的成员' : '您对该企业的认领正在等待县里核实', 'already_member');
        // A second claim: the county settles it. Nothing of the enterprise is revealed to the claimant.
        await insertMember(tx, {
          id: newId(),
          enterpriseId: existing.id,
          userId: auth.userId,
          memberRole: 'member',
          status: 'pending',
          createdAt: now,
        });
        await markEnterpriseDisputed(tx, existing.id, now);
        await this.audit.append(tx, {
          action: 'enterprise.claim',
          actorId: auth.userId,
          entityType: 'enterprise',
          entityId: existing.id,
          data: { claimedName: profile.name },
        });
        const reviewers = [
          ...(await holdersOf(tx, 'county_miit', existing.countyCode)),
          ...(await holdersOf(tx, 'county_finance', existing.countyCode)),
        ];
        await enqueueNotifications(
          tx,
          {
            eventKey: `enterprise:${existing.id}:claim:${auth.userId}`,
            recipientUserIds: reviewers,
            template: 'queue.new_item',
            params: { applicationId: '', trackingNo: existing.creditCode, enterpriseName: existing.name, stageLabel: '企业认领待核实' },
            channels: ['oa_template'],
          },
          now,
        );
        return {
          enterprise: enterpriseView({ ...existing, status: 'disputed' }, { maskPhone: true }),
          membership: 'claim_pending' as const,
        };
      }
      const row: EnterpriseRow = {
        id: newId(),
        ...profile,
        industryCode: profile.industryCode ?? null,
        status: 'pending',
        version: 1,
        createdBy: auth.userId,
        createdAt: now,
        updatedAt: now,
      };
      await insertEnterprise(tx, row);
      await insertMember(tx, {
        id: newId(),
        enterpriseId: row.id,
        userId: auth.userId,
        memberRole: 'owner',
        status: 'active',
        createdAt: now,
      });
      await this.audit.append(tx, {
        action: 'enterprise.register',
        actorId: auth.userId,
        entityType: 'enterprise',
        entityId: row.id,
        data: { creditCode: row.creditCode, name: row.name, countyCode: row.countyCode },
      });
      await this.grantEnterpriseRole(tx, auth.userId, row.id, now);
      return { enterprise: enterpriseView(row), membership: 'owner' as const };
    });
  }

  async mine(auth: Actor): Promise<EnterpriseView[]> {
    const { ents, pending } = await this.db.read(async (tx) => {
      const found = await enterprisesOfMember(tx, auth.userId);
      return {
        ents: found,
        pending: await pendingProfileChangesOf(
          tx,
          found.map((e) => e.id),
        ),
      };
    });
    return ents.map((e) => enterpriseView(e, { pendingChange: pending.get(e.id) ?? null }));
  }

  async update(
    auth: Actor,
    id: string,
    version: number,
    profile: Omit<EnterpriseProfile, 'creditCode'> & { creditCode?: string },
  ): Promise<EnterpriseView> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const e = await this.assertMember(tx, id, auth.userId);
      if (e.version !== version) throw new ConflictError('企业信息已被他人修改，请刷新后再保存', 'stale_version');
      // The credit code names the enterprise for claims and join codes: it changes only by the county's verification.
      if (profile.creditCode !== undefined && profile.creditCode !== e.creditCode && e.status !== 'verified')
        throw new InvalidInputError('统一社会信用代码须经县里核验企业后才能申请变更；如登记时填错，请联系所在县（市）区工信部门', [
          { path: 'creditCode', message: '核验前不能修改' },
        ]);
      const columns: Partial<EnterpriseRow> = { ...profile, industryCode: profile.industryCode ?? null };
      if (columns.creditCode === undefined) delete columns.creditCode;
      // Once the county verified the profile, its verified fields change only by the county's verification
      // (DESIGN.md, "Corrections after the fact"): they go to a pending change, and the rest is saved now.
      const changes = e.status === 'verified' ? verifiedFieldChanges(e, profile) : {};
      for (const field of Object.keys(changes)) delete columns[field as keyof EnterpriseRow];
      const change = Object.keys(changes).length ? await requestProfileChange(tx, this.audit, auth, e, changes, now) : null;
      const direct = Object.keys(columns).filter((f) => columns[f as keyof EnterpriseRow] !== e[f as keyof EnterpriseRow]);
      if (direct.length || !change) {
        if (!(await updateEnterpriseIfVersion(tx, id, version, columns, now)))
          throw new ConflictError('企业信息已被他人修改，请刷新后再保存', 'stale_version');
        await this.audit.append(tx, {
          action: 'enterprise.update',
          actorId: auth.userId,
          entityType: 'enterprise',
          entityId: id,
          data: { fields: direct },
        });
      }
      return enterpriseView((await findEnterprise(tx, id))!, { pendingChange: change ?? (await pendingProfileChange(tx, id)) });
    });
  }

  /**
   * A member invites a colleague: a code shown once, valid a week, single use, as strong as the
   * reviewers' invitation codes (12 characters of Crockford's alphabet, 60 bits, read aloud as
   * XXXX-XXXX-XXXX). Only a hash bound to the enterprise is stored.
   */
  async inviteColleague(auth: Actor, id: string): Promise<{ code: string; expiresAt: number }> {
    const now = this.now();
    const code = newInvitationCode();
    await this.db.transaction(async (tx) => {
      await this.assertMember(tx, id, auth.userId);
      const invitationId = newId();
      await insertInvitation(tx, {
        id: invitationId,
        enterpriseId: id,
        codeHash: joinCodeHash(id, code),
        createdBy: auth.userId,
        createdAt: now,
        expiresAt: now + JOIN_CODE_TTL_MS,
        usedBy: null,
        usedAt: null,
        failedAttempts: 0,
        lockedAt: null,
      });
      await this.audit.append(tx, {
        action: 'enterprise.invite',
        actorId: auth.userId,
        entityType: 'enterprise',
        entityId: id,
        data: { invitationId },
      });
    });
    return { code, expiresAt: now + JOIN_CODE_TTL_MS };
  }

  /**
   * The colleague names the enterprise by its credit code and types the code. A wrong try is
   * counted against every open code of that enterprise (committed even though the caller is
   * refused); at JOIN_CODE_MAX_FAILURES they lock and the members who issued them are told, so they
   * can issue a new one. The answer to a wrong try is the same whether the enterprise exists or not.
   */
  async join(auth: Actor, creditCode: string, code: string): Promise<EnterpriseView> {
    const outcome = await this.db.transaction((tx) => this.tryJoin(tx, auth, creditCode, code));
    if (!outcome.ok) throw new InvalidInputError(WRONG_JOIN_CODE, [{ path: 'code', message: '邀请码无效' }]);
    return outcome.enterprise;
  }

  private async tryJoin(tx: Tx, auth: Actor, creditCode: string, code: string): Promise<JoinOutcome> {
    const now = this.now();
    const enterprise = await findEnterpriseByCreditCode(tx, creditCode);
    if (!enterprise) return { ok: false };
    const invite = await findInvitation(tx, enterprise.id, joinCodeHash(enterprise.id, code));
    if (!invite || invite.expiresAt <= now || invite.lockedAt !== null) {
      await this.countWrongTry(tx, enterprise, now);
      return { ok: false };
    }
    if (invite.usedAt !== null) throw new ConflictError('该邀请码已被使用，请向同事索取新的邀请码', 'invitation_used');
    if (await membershipOf(tx, invite.enterpriseId, auth.userId))
      throw new ConflictError('您已是该企业的成员或认领正在核实中', 'already_member');
    if (!(await claimInvitation(tx, invite.id, auth.userId, now))) throw new ConflictError('该邀请码已被使用', 'invitation_used');
    await insertMember(tx, {
      id: newId(),
      enterpriseId: invite.enterpriseId,
      userId: auth.userId,
      memberRole: 'member',
      status: 'active',
      createdAt: now,
    });
    await this.audit.append(tx, {
      action: 'enterprise.join',
      actorId: auth.userId,
      entityType: 'enterprise',
      entityId: invite.enterpriseId,
    });
    await this.grantEnterpriseRole(tx, auth.userId, invite.enterpriseId, now);
    return {
      ok: true,
      enterprise: enterpriseView((await findEnterprise(tx, invite.enterpriseId))!),
    };
  }

  /** One wrong try against the enterprise's open codes; those that reach the limit lock, and their issuers hear of it. */
  private async countWrongTry(tx: Tx, enterprise: EnterpriseRow, now: number): Promise<void> {
    const reached = await countWrongJoinTry(tx, enterprise.id, now, JOIN_CODE_MAX_FAILURES);
    if (!reached.length) return;
    for (const inv of reached) {
      await this.audit.append(tx, {
        action: 'enterprise.invite_locked',
        actorId: null,
        entityType: 'enterprise',
        entityId: enterprise.id,
        data: { invitationId: inv.id, failedAttempts: inv.failedAttempts },
      });
    }
    await enqueueNotifications(
      tx,
      {
        eventKey: `enterprise:${enterprise.id}:join-locked:${reached[0].id}`,
        recipientUserIds: [...new Set(reached.map((r) => r.createdBy))],
        template: 'enterprise.join_code_locked',
        params: {
          enterpriseName: enterprise.name,
          tries: String(JOIN_CODE_MAX_FAILURES),
          statusLabel: '邀请码已锁定',
          nextStep: '如需邀请同事请重新生成邀请码',
        },
      },
      now,
    );
  }

  // ---- the county's side -------------------------------------------------------------------------

  async countyQueue(
    auth: Actor,
    status: EnterpriseRow['status'][],
  ): Promise<(EnterpriseView & { claims: { memberId: string; userId: string; createdAt: number }[] })[]> {
    const counties = [...countiesFor(auth, 'county_miit'), ...countiesFor(auth, 'county_finance')];
    if (!counties.length) return [];
    const { rows, claims } = await this.db.read(async (tx) => {
      const found = await enterprisesOfCounties(tx, counties, status);
      return {
        rows: found,
        claims: await pendingClaimsOn(
          tx,
          found.map((r) => r.id),
        ),
      };
    });
    return rows.map((e) => ({
      ...enterpriseView(e, { maskPhone: true }),
      claims: claims.filter((c) => c.enterpriseId === e.id).map((c) => ({ memberId: c.id, userId: c.userId, createdAt: c.createdAt })),
    }));
  }

  /** The county checks the licence and the letter of authorisation, and settles competing claims. */
  async countyDecide(
    auth: Actor,
    id: string,
    input: { version: number; decision: 'verify' | 'reject'; reason?: string | null; acceptClaims?: string[]; refuseClaims?: string[] },
  ): Promise<EnterpriseView> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const e = await findEnterprise(tx, id);
      const counties = [...countiesFor(auth, 'county_miit'), ...countiesFor(auth, 'county_finance')];
      if (!e || !counties.includes(e.countyCode)) throw new NotFoundError('没有这家企业，或不属于您所在的县（市）区');
      if (await ownCaseStake(tx, { enterpriseId: id, providerId: null }, auth.userId))
        throw new ForbiddenError('您是这家企业的成员或认领人，不能核验自己的企业，请交由本部门其他人员办理');
      if (input.decision === 'reject' && !input.reason?.trim())
        throw new InvalidInputError('请写明核验不通过的原因', [{ path: 'reason', message: '请写明原因' }]);
      for (const memberId of input.acceptClaims ?? []) await settleClaim(tx, id, memberId, 'active');
      for (const memberId of input.refuseClaims ?? []) await settleClaim(tx, id, memberId, 'removed');
      for (const memberId of input.acceptClaims ?? []) {
        const m = await findMember(tx, memberId);
        if (m?.status === 'active') await this.grantEnterpriseRole(tx, m.userId, id, now);
      }
      const openClaims = await pendingClaimCount(tx, id);
      const status: EnterpriseRow['status'] = input.decision === 'reject' ? 'rejected' : openClaims > 0 ? 'disputed' : 'verified';
      if (!(await updateEnterpriseIfVersion(tx, id, input.version, { status }, now)))
        throw new ConflictError('该企业信息已变化，请刷新后再处理', 'stale_version');
      await this.audit.append(tx, {
        action: `enterprise.${input.decision}`,
        actorId: auth.userId,
        entityType: 'enterprise',
        entityId: id,
        data: { status, reason: input.reason ?? null, acceptClaims: input.acceptClaims ?? [], refuseClaims: input.refuseClaims ?? [] },
      });
      return enterpriseView((await findEnterprise(tx, id))!);
    });
  }

  async assertMember(m: Tx, enterpriseId: string, userId: string): Promise<EnterpriseRow> {
    const e = await findEnterprise(m, enterpriseId);
    if (!e || !(await isEnterpriseMember(m, enterpriseId, userId))) throw new NotFoundError('没有这家企业，或您不是它的成员');
    return e;
  }

  private async grantEnterpriseRole(tx: Tx, userId: string, enterpriseId: string, now: number): Promise<void> {
    if (await holdsEnterpriseRole(tx, userId)) return;
    const grantId = newId();
    await grantEnterpriseRoleRow(tx, grantId, userId, now);
    await this.audit.append(tx, {
      action: 'role.grant',
      actorId: userId,
      entityType: 'user',
      entityId: userId,
      data: { grantId, role: 'enterprise', via: 'enterprise', enterpriseId },
    });
  }
}

export function assertNotReviewer(auth: Actor): void {
  if (hasRole(auth, 'county_miit', 'county_finance', 'city_miit', 'city_finance'))
    throw new ForbiddenError('审核人员不能以同一账号代表企业申报，请用企业经办人自己的微信登录');
}

/** Bound to the enterprise: the same code typed against another credit code matches nothing. */
function joinCodeHash(enterpriseId: string, code: string): string {
  return hashToken(`${enterpriseId}:${normalizeAccessCode(code)}`);
}
