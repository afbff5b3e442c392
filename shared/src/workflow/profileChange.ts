import type { MachineDef } from './machine';

/**
 * A change to the fields of an enterprise's profile that the county verified (name, credit code,
 * 成立日期, registered county, legal representative) — DESIGN.md, "Corrections after the fact". The
 * enterprise asks for it; until the county verifies it the verified values stand (eligibility 二（二）,
 * documents, the account-name rule), and reviewers see it as pending. The use case is
 * server/src/modules/enterprises/profileChanges.ts.
 *
 *   pending ─verify→ verified (the new values replace the old, in the same transaction)
 *   pending ─refuse (with a reason)→ refused (the verified values stay)
 *   pending ─withdraw (the enterprise)→ withdrawn
 */
export const PROFILE_CHANGE_STATES = ['pending', 'verified', 'refused', 'withdrawn'] as const;
export type ProfileChangeState = (typeof PROFILE_CHANGE_STATES)[number];

export const PROFILE_CHANGE_EVENTS = ['verify', 'refuse', 'withdraw'] as const;
export type ProfileChangeEvent = (typeof PROFILE_CHANGE_EVENTS)[number];

export type ProfileChangeGuard = 'notOwnEnterprise' | 'reasonGiven';
export type ProfileChangeEffect =
  /** The new values are written to the enterprise (and its version moves on). */
  | 'applyToEnterprise'
  /** The enterprise's members hear the outcome. */
  | 'notifyEnterprise';

export interface ProfileChangeContext {
  /** The reviewer is (or claims to be) a member of the enterprise: DESIGN.md, "Four eyes". */
  reviewerHasStake: boolean;
  reason: string | null;
}

const COUNTY = ['county_miit', 'county_finance'] as const;

export const profileChangeMachine: MachineDef<
  ProfileChangeState,
  ProfileChangeEvent,
  ProfileChangeGuard,
  ProfileChangeEffect,
  ProfileChangeContext
> = {
  id: 'profile-change',
  initial: 'pending',
  states: {
    pending: {
      labels: {
        reviewer: '企业信息变更待核验',
        applicant: '企业信息变更已提交，待县里核验；核验前仍以原信息为准',
        next: '县里核验后会通知您结果',
      },
      on: {
        verify: { target: 'verified', roles: COUNTY, guards: ['notOwnEnterprise'], effects: ['applyToEnterprise', 'notifyEnterprise'] },
        refuse: { target: 'refused', roles: COUNTY, guards: ['notOwnEnterprise', 'reasonGiven'], effects: ['notifyEnterprise'] },
        withdraw: { target: 'withdrawn', roles: ['enterprise'] },
      },
    },
    verified: {
      labels: { reviewer: '变更已核验', applicant: '企业信息变更已核验，新信息生效' },
      final: true,
      refuse: { verify: '这项变更已经核验过了', refuse: '这项变更已经核验生效，不能再退回', withdraw: '这项变更已经核验生效，不能撤回' },
    },
    refused: {
      labels: { reviewer: '变更未通过核验', applicant: '企业信息变更未通过核验，仍以原信息为准' },
      final: true,
      refuse: { verify: '这项变更已被退回，请企业重新提交', withdraw: '这项变更已被退回，无需撤回' },
    },
    withdrawn: {
      labels: { reviewer: '变更已被企业撤回', applicant: '企业信息变更已撤回' },
      final: true,
      refuse: { verify: '企业已撤回这项变更', refuse: '企业已撤回这项变更' },
    },
  },
  guards: {
    notOwnEnterprise: (c) => (c.reviewerHasStake ? '您是这家企业的成员或认领人，不能核验它的信息变更，请交由本县其他审核人员办理' : null),
    reasonGiven: (c) => (c.reason?.trim() ? null : '请写明不予核验的原因，企业会看到它'),
  },
};

/** The fields the county verified, in the order a person reads them, with their Chinese names. */
export const VERIFIED_PROFILE_FIELDS = {
  name: '企业名称',
  creditCode: '统一社会信用代码',
  establishedOn: '成立日期',
  countyCode: '注册地县（市、区）',
  legalRepresentative: '法定代表人',
} as const;
export type VerifiedProfileField = keyof typeof VERIFIED_PROFILE_FIELDS;
