import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import {
  enterpriseMemberIds,
  findEnterprise,
  findEnterpriseByCreditCode,
  updateEnterpriseIfVersion,
  type EnterpriseRow,
} from '../../db/enterprises';
import {
  findProfileChange,
  insertProfileChange,
  pendingProfileChange,
  pendingProfileChangesOfCounties,
  profileChangesOf,
  settleProfileChange,
  type EnterpriseProfileChangeRow,
} from '../../db/profileChanges';
import { enterpriseNames } from '../../db/enterprises';
import { ownCaseStake } from '../../db/applications';
import { countiesFor, type Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { transition } from '../../../../shared/src/workflow/machine';
import {
  VERIFIED_PROFILE_FIELDS,
  profileChangeMachine,
  type ProfileChangeEvent,
  type VerifiedProfileField,
} from '../../../../shared/src/workflow/profileChange';
import { countyName } from '../../../../shared/src/contracts/roles';

/**
 * Changes to the fields of a profile the county verified (DESIGN.md, "Corrections after the fact"):
 * the enterprise asks, the verified values stay in `enterprises` — so eligibility 二（二） at submit,
 * documents and the account-name rule go on reading them — until the county verifies the change.
 */
export interface ProfileChangeView {
  id: string;
  enterpriseId: string;
  enterpriseName: string | null;
  status: EnterpriseProfileChangeRow['status'];
  statusLabel: string;
  fields: { field: VerifiedProfileField; label: string; from: string | null; to: string | null }[];
  /** The change in plain Chinese, old → new, as reviewers and the enterprise read it. */
  summary: string;
  requestedAt: number;
  decidedAt: number | null;
  reason: string | null;
}

type Asked = Partial<Record<VerifiedProfileField, string | null>>;

export function profileChangeView(c: EnterpriseProfileChangeRow, enterpriseName: string | null = null): ProfileChangeView {
  const fields = (Object.keys(VERIFIED_PROFILE_FIELDS) as VerifiedProfileField[])
    .filter((f) => c.changes[f])
    .map((f) => ({ field: f, label: VERIFIED_PROFILE_FIELDS[f], from: c.changes[f].from, to: c.changes[f].to }));
  return {
    id: c.id,
    enterpriseId: c.enterpriseId,
    enterpriseName,
    status: c.status,
    statusLabel: profileChangeMachine.states[c.status].labels.applicant,
    fields,
    summary: fields.map((f) => `${f.label}：${readable(f.field, f.from)} → ${readable(f.field, f.to)}`).join('；'),
    requestedAt: c.requestedAt,
    decidedAt: c.decidedAt,
    reason: c.reason,
  };
}

function readable(field: VerifiedProfileField, value: string | null): string {
  if (value === null || value === '') return '（未填）';
  return field === 'countyCode' ? (countyName(value) ?? value) : value;
}

/** The verified fields whose asked value differs from the verified one. */
export function verifiedFieldChanges(e: EnterpriseRow, asked: Asked): EnterpriseProfileChangeRow['changes'] {
  const out: EnterpriseProfileChangeRow['changes'] = {};
  for (const f of Object.keys(VERIFIED_PROFILE_FIELDS) as VerifiedProfileField[]) {
    if (!(f in asked)) continue;
    const to = asked[f] ?? null;
    const from = e[f] ?? null;
    if (to !== from) out[f] = { from, to };
  }
  return out;
}

/**
 * Within the profile edit's transaction: records the request for the county, or answers the one that
 * already waits when it asks the same. A different second request is refused (409): the county
 * would otherwise verify values the enterprise no longer means.
 */
export async function requestProfileChange(
  tx: Tx,
  audit: AuditTrail,
  auth: Actor,
  e: EnterpriseRow,
  changes: EnterpriseProfileChangeRow['changes'],
  now: number,
): Promise<EnterpriseProfileChangeRow> {
  const waiting = await pendingProfileChange(tx, e.id);
  if (waiting) {
    if (JSON.stringify(sorted(waiting.changes)) === JSON.stringify(sorted(changes))) return waiting;
    throw new ConflictError(
      `已有一项企业信息变更等待县里核验（${profileChangeView(waiting).summary}），请等待核验结果，或先撤回它再重新提交`,
      'change_pending',
    );
  }
  const row: EnterpriseProfileChangeRow = {
    id: newId(),
    enterpriseId: e.id,
    // The county the enterprise is registered in until the change is verified verifies it, also
    // when the change moves it to another county: that county checked the licence, holds its
    // applications in review, and the verified values (its county among them) stand until then
    // (DESIGN.md, "Corrections after the fact"). The new county sees the enterprise once it is verified.
    countyCode: e.countyCode,
    status: 'pending',
    changes,
    requestedBy: auth.userId,
    requestedAt: now,
    decidedBy: null,
    decidedAt: null,
    reason: null,
  };
  await insertProfileChange(tx, row);
  await audit.append(tx, {
    action: 'enterprise.profile_change_request',
    actorId: auth.userId,
    entityType: 'enterprise',
    entityId: e.id,
    data: { changeId: row.id, changes },
  });
  const reviewers = [...(await holdersOf(tx, 'county_miit', e.countyCode)), ...(await holdersOf(tx, 'county_finance', e.countyCode))];
  await enqueueNotifications(
    tx,
    {
      eventKey: `enterprise:${e.id}:profile-change:${row.id}:requested`,
      recipientUserIds: reviewers,
      template: 'enterprise.profile_change_requested',
      params: {
        enterpriseName: e.name,
        trackingNo: e.creditCode,
        stageLabel: '企业信息变更待核验',
        summary: profileChangeView(row).summary,
      },
      channels: ['oa_template'],
    },
    now,
  );
  return row;
}

function sorted(changes: EnterpriseProfileChangeRow['changes']): [string, unknown][] {
  return Object.entries(changes).sort(([a], [b]) => a.localeCompare(b));
}

export class ProfileChangeService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
  ) {}

  /** The enterprise's requests, the newest first: what it asked, and what the county answered. */
  async ofEnterprise(auth: Actor, enterpriseId: string): Promise<ProfileChangeView[]> {
    return this.db.read(async (m) => {
      const e = await findEnterprise(m, enterpriseId);
      if (!e || !(await enterpriseMemberIds(m, enterpriseId)).includes(auth.userId))
        throw new NotFoundError('没有这家企业，或您不是它的成员');
      return (await profileChangesOf(m, enterpriseId)).map((c) => profileChangeView(c, e.name));
    });
  }

  /** The county's queue: changes waiting for its verification, the longest waiting first. */
  async countyQueue(auth: Actor): Promise<ProfileChangeView[]> {
    const counties = reviewerCounties(auth);
    return this.db.read(async (m) => {
      const rows = await pendingProfileChangesOfCounties(m, counties);
      const names = await enterpriseNames(
        m,
        rows.map((r) => r.enterpriseId),
      );
      return rows.map((r) => profileChangeView(r, names.get(r.enterpriseId) ?? null));
    });
  }

  /** The county verifies (the new values take effect) or refuses with a reason (the verified values stay). */
  async decide(
    auth: Actor,
    changeId: string,
    input: { decision: 'verify' | 'refuse'; reason?: string | null },
  ): Promise<ProfileChangeView> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const change = await findProfileChange(tx, changeId);
      if (!change || !reviewerCounties(auth).includes(change.countyCode))
        throw new NotFoundError('没有这项企业信息变更，或它不属于您所在的县（市）区');
      const e = (await findEnterprise(tx, change.enterpriseId))!;
      const stake = await ownCaseStake(tx, { enterpriseId: e.id, providerId: null }, auth.userId);
      const reason = input.reason?.trim() || null;
      const event: ProfileChangeEvent = input.decision;
      const roles = auth.grants.map((g) => g.role);
      const step = transition(profileChangeMachine, change.status, event, roles, { reviewerHasStake: stake !== null, reason });
      if (!step.ok) {
        if (step.guard === 'notOwnEnterprise') throw new ForbiddenError(step.message);
        if (step.guard === 'reasonGiven') throw new InvalidInputError(step.message, [{ path: 'reason', message: '请写明原因' }]);
        throw new ConflictError(step.message, 'invalid_transition');
      }
      if (!(await settleProfileChange(tx, change.id, step.to as 'verified' | 'refused', auth.userId, reason, now)))
        throw new ConflictError('这项变更刚被他人处理，请刷新后查看', 'invalid_transition');
      let enterpriseName = e.name;
      const newCode = change.changes.creditCode?.to;
      if (step.effects.includes('applyToEnterprise') && newCode) {
        const holder = await findEnterpriseByCreditCode(tx, newCode);
        if (holder && holder.id !== e.id)
          throw new ConflictError(`统一社会信用代码 ${newCode} 已由另一家企业登记，不能核验这项变更；请退回并写明原因`, 'conflict');
      }
      if (step.effects.includes('applyToEnterprise')) {
        const columns = Object.fromEntries(Object.entries(change.changes).map(([f, v]) => [f, v.to])) as Partial<EnterpriseRow>;
        if (!(await updateEnterpriseIfVersion(tx, e.id, e.version, columns, now)))
          throw new ConflictError('企业信息刚被修改，请刷新后再核验', 'stale_version');
        enterpriseName = columns.name ?? e.name;
      }
      await this.audit.append(tx, {
        action: `enterprise.profile_change_${event}`,
        actorId: auth.userId,
        entityType: 'enterprise',
        entityId: e.id,
        data: { changeId: change.id, changes: change.changes, reason },
      });
      const settled = (await findProfileChange(tx, change.id))!;
      const view = profileChangeView(settled, enterpriseName);
      await enqueueNotifications(
        tx,
        {
          eventKey: `enterprise:${e.id}:profile-change:${change.id}:${event}`,
          recipientUserIds: await enterpriseMemberIds(tx, e.id),
          template: 'enterprise.profile_change_decided',
          params: {
            enterpriseName,
            statusLabel: event === 'verify' ? '变更已核验' : '变更未通过',
            summary: view.summary,
            reason: reason ?? '',
            nextStep: event === 'verify' ? '新信息已生效，此后的申报以新信息为准。' : '仍以原信息为准；如需变更，请按意见修改后重新提交。',
          },
        },
        now,
      );
      return view;
    });
  }

  /** The enterprise takes back a request the county has not decided yet (no one is alerted: the item simply leaves the queue). */
  async withdraw(auth: Actor, enterpriseId: string, changeId: string): Promise<ProfileChangeView> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const change = await findProfileChange(tx, changeId);
      if (!change || change.enterpriseId !== enterpriseId || !(await enterpriseMemberIds(tx, enterpriseId)).includes(auth.userId))
        throw new NotFoundError('没有这项企业信息变更，或您不是这家企业的成员');
      const step = transition(profileChangeMachine, change.status, 'withdraw', ['enterprise'], { reviewerHasStake: false, reason: null });
      if (!step.ok) throw new ConflictError(step.message, 'invalid_transition');
      if (!(await settleProfileChange(tx, change.id, 'withdrawn', auth.userId, null, now)))
        throw new ConflictError('这项变更刚被县里处理，请刷新后查看', 'invalid_transition');
      await this.audit.append(tx, {
        action: 'enterprise.profile_change_withdraw',
        actorId: auth.userId,
        entityType: 'enterprise',
        entityId: enterpriseId,
        data: { changeId: change.id },
      });
      const e = await findEnterprise(tx, enterpriseId);
      return profileChangeView((await findProfileChange(tx, change.id))!, e?.name ?? null);
    });
  }
}

function reviewerCounties(auth: Actor): string[] {
  return [...countiesFor(auth, 'county_miit'), ...countiesFor(auth, 'county_finance')];
}
