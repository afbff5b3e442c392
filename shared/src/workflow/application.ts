import type { MachineDef } from './machine';
import { policyContact } from '../pack/accessors';

/**
 * An application's life (DESIGN.md, "An application's life"), declared once: the server, the status
 * labels of every screen and the tests all read this. Guards are named and pure; effects are named
 * and performed by the server in the transition's own transaction.
 */
export const APPLICATION_STATES = [
  'draft',
  'provider_check',
  'county_review',
  'county_approved',
  'reported',
  'city_approved',
  'listed',
  'approved',
  'disbursed',
  'returned',
  'rejected',
  'withdrawn',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

export const APPLICATION_EVENTS = [
  'submit',
  'withdraw',
  'provider_confirm',
  'provider_dispute',
  'county_approve',
  'county_return',
  'county_reject',
  'report',
  'leave_report',
  'city_approve',
  'city_return',
  'city_reject',
  'put_on_list',
  'take_off_list',
  'list_cancelled',
  'approve_list',
  'disburse',
  'reverse_payment',
  'payments_reduced',
  'resubmit',
] as const;
export type ApplicationEvent = (typeof APPLICATION_EVENTS)[number];

export type ApplicationGuard =
  | 'rulesPass'
  | 'materialsComplete'
  | 'reasonGiven'
  | 'ratingsGiven'
  | 'settlementSigned'
  | 'settlementCurrent'
  | 'otherDepartmentApproved'
  | 'notSameReviewerTwice'
  | 'verifiedAmountValid'
  | 'returnedByProviderOrContractChanged'
  | 'returnedByCounty'
  | 'returnedByCity';

export type ApplicationEffect =
  | 'assignTrackingNumber'
  | 'askProviderToConfirm'
  | 'alertCountyReviewers'
  | 'alertCityReviewers'
  | 'alertCityFinance'
  | 'notifyEnterprise'
  | 'notifyProvider'
  | 'startNewRound';

export interface ApplicationContext {
  /** Failed eligibility rules (spec/eligibility.md) re-run at submit on the application's own data. */
  ruleFailures: number;
  /** Materials of 三（三）the enterprise still has to upload. */
  missingMaterials: number;
  reason: string | null;
  /** Both ratings (上云效果, 服务商服务质量) given, 1–5. */
  ratingsGiven: boolean;
  /** The provider's signed 兑付申请表 lists this application (三（三）1). */
  settlementSigned: boolean;
  /**
   * The figures (in Chinese: 合同金额, 已付款金额, 申请补助金额) that changed since the provider signed that
   * 兑付申请表: the signature no longer covers them (DESIGN.md "Corrections after the fact"). Empty when current.
   */
  settlementChangedFigures: readonly string[];
  /** The other county department already approved in this round. */
  otherDepartmentApproved: boolean;
  /** The same person already gave the other department's opinion in this round. */
  sameReviewerGaveOtherOpinion: boolean;
  /** 核定金额: 0 < verified ≤ payable, and a reason when lower. */
  verifiedAmountProblem: string | null;
  returnedFrom: 'provider' | 'county' | 'city' | null;
  contractChanged: boolean;
}

const COUNTY = ['county_miit', 'county_finance'] as const;

export const applicationMachine: MachineDef<ApplicationState, ApplicationEvent, ApplicationGuard, ApplicationEffect, ApplicationContext> = {
  id: 'application',
  initial: 'draft',
  states: {
    draft: {
      labels: { reviewer: '草稿', applicant: '尚未提交：补全信息和材料后提交', next: '请在小程序中补全信息和材料后提交。' },
      on: {
        submit: {
          target: 'provider_check',
          roles: ['enterprise'],
          guards: ['rulesPass', 'materialsComplete'],
          effects: ['assignTrackingNumber', 'askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
        },
        withdraw: { target: 'withdrawn', roles: ['enterprise'] },
      },
    },
    provider_check: {
      labels: {
        reviewer: '待服务商确认',
        applicant: '等待云服务商确认合同和付款',
        next: '云服务商确认合同和付款后转县里审核，无需您操作。',
      },
      on: {
        provider_confirm: { target: 'county_review', roles: ['provider'], effects: ['alertCountyReviewers', 'notifyEnterprise'] },
        provider_dispute: { target: 'returned', roles: ['provider'], guards: ['reasonGiven'], effects: ['notifyEnterprise'] },
        withdraw: { target: 'withdrawn', roles: ['enterprise'], effects: ['notifyProvider'] },
      },
    },
    county_review: {
      labels: { reviewer: '县级审核中', applicant: '县里正在审核', next: '县（市）区工信、财政部门正在审核，两个部门都同意后上报市里。' },
      on: {
        county_approve: [
          {
            target: 'county_approved',
            roles: COUNTY,
            guards: ['ratingsGiven', 'settlementSigned', 'settlementCurrent', 'notSameReviewerTwice', 'otherDepartmentApproved'],
            effects: ['notifyEnterprise'],
          },
          // The first department's approval: recorded, the case waits for the other department.
          {
            target: 'county_review',
            roles: COUNTY,
            guards: ['ratingsGiven', 'settlementSigned', 'settlementCurrent', 'notSameReviewerTwice'],
            effects: ['alertCountyReviewers'],
          },
        ],
        county_return: {
          target: 'returned',
          roles: COUNTY,
          guards: ['reasonGiven', 'notSameReviewerTwice'],
          effects: ['notifyEnterprise'],
        },
        county_reject: {
          target: 'rejected',
          roles: COUNTY,
          guards: ['reasonGiven', 'notSameReviewerTwice'],
          effects: ['notifyEnterprise', 'notifyProvider'],
        },
        withdraw: { target: 'withdrawn', roles: ['enterprise'], effects: ['alertCountyReviewers'] },
      },
    },
    county_approved: {
      labels: { reviewer: '县级审核通过，待联合行文上报', applicant: '县里审核通过，正在上报市里', next: '县里将联合行文报送市里。' },
      on: {
        report: { target: 'reported', roles: COUNTY, effects: ['alertCityReviewers', 'notifyEnterprise'] },
        // Its draft joint report was corrected without it or cancelled (DESIGN.md): it stays county_approved,
        // free for another report; the enterprise's view does not change, so it is not told.
        leave_report: { target: 'county_approved', roles: COUNTY, guards: ['reasonGiven'] },
      },
    },
    reported: {
      labels: { reviewer: '市工信局审核中', applicant: '市里正在审核', next: '市工信局正在审核并核定补助金额。' },
      on: {
        city_approve: { target: 'city_approved', roles: ['city_miit'], guards: ['verifiedAmountValid'], effects: ['notifyEnterprise'] },
        city_return: { target: 'returned', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyEnterprise'] },
        city_reject: { target: 'rejected', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyEnterprise', 'notifyProvider'] },
      },
    },
    city_approved: {
      labels: { reviewer: '已核定，待列入拟补贴名单', applicant: '市里审核通过，等待列入补贴名单', next: '将列入拟补贴名单，审批后拨付。' },
      on: {
        // Being put on a proposed list is a change the enterprise can see (DESIGN.md "Notifications").
        put_on_list: { target: 'listed', roles: ['city_miit'], effects: ['notifyEnterprise'] },
        payments_reduced: { target: 'reported', roles: ['city_miit', 'admin'], effects: ['alertCityReviewers', 'notifyEnterprise'] },
      },
    },
    listed: {
      labels: { reviewer: '已列入拟补贴名单', applicant: '已列入拟补贴名单', next: '市财政局审批名单后拨付。' },
      on: {
        // An upheld objection in the public notice takes the application off the list (DESIGN.md).
        take_off_list: { target: 'reported', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyEnterprise'] },
        // A draft list cancelled before its co-signature (DESIGN.md): back to where it was, its 核定金额 kept.
        list_cancelled: { target: 'city_approved', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyEnterprise'] },
        city_reject: { target: 'rejected', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyEnterprise', 'notifyProvider'] },
        approve_list: { target: 'approved', roles: ['city_finance'], effects: ['notifyEnterprise'] },
        payments_reduced: { target: 'reported', roles: ['city_miit', 'admin'], effects: ['alertCityReviewers', 'notifyEnterprise'] },
      },
    },
    approved: {
      labels: { reviewer: '已审批，待拨付', applicant: '补助已批准，等待财政拨付', next: '市财政局将把补助拨付到企业账户。' },
      on: {
        disburse: { target: 'disbursed', roles: ['city_finance'], effects: ['notifyEnterprise'] },
        payments_reduced: { target: 'reported', roles: ['city_miit', 'admin'], effects: ['alertCityReviewers', 'notifyEnterprise'] },
      },
    },
    disbursed: {
      labels: { reviewer: '已拨付', applicant: '补助已拨付到企业账户', next: '请核对企业账户到账情况。' },
      on: {
        // A returned payment (退汇) puts the application back to approved, to be paid again.
        reverse_payment: { target: 'approved', roles: ['city_finance'], guards: ['reasonGiven'], effects: ['notifyEnterprise'] },
      },
    },
    returned: {
      labels: { reviewer: '已退回企业修改', applicant: '需要您按意见补充或修改材料', next: '请打开小程序，按意见修改或补充后重新提交。' },
      on: {
        resubmit: [
          {
            target: 'provider_check',
            roles: ['enterprise'],
            guards: ['rulesPass', 'materialsComplete', 'returnedByProviderOrContractChanged'],
            effects: ['askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
          },
          {
            target: 'county_review',
            roles: ['enterprise'],
            guards: ['rulesPass', 'materialsComplete', 'returnedByCounty'],
            effects: ['alertCountyReviewers', 'notifyEnterprise', 'startNewRound'],
          },
          {
            target: 'reported',
            roles: ['enterprise'],
            guards: ['rulesPass', 'materialsComplete', 'returnedByCity'],
            effects: ['alertCityReviewers', 'notifyEnterprise'],
          },
        ],
        withdraw: { target: 'withdrawn', roles: ['enterprise'] },
      },
    },
    rejected: {
      labels: {
        reviewer: '不予补助',
        applicant: '申请未通过',
        // 五、联系方式: the installed pack's contact, read each time the label is.
        get next() {
          const { department, phone } = policyContact();
          return `如有疑问，请联系${department} ${phone}。`;
        },
      },
      final: true,
    },
    withdrawn: { labels: { reviewer: '企业已撤回', applicant: '您已撤回申请', next: '如需再次申请，请重新填写。' }, final: true },
  },
  guards: {
    rulesPass: (c) => (c.ruleFailures === 0 ? null : `有 ${c.ruleFailures} 项申报条件不符合，请查看原因`),
    materialsComplete: (c) => (c.missingMaterials === 0 ? null : `还缺 ${c.missingMaterials} 项材料，请上传后再提交`),
    reasonGiven: (c) => (c.reason && c.reason.trim().length >= 2 ? null : '请写明原因和需要修改的内容，企业将看到这段文字'),
    ratingsGiven: (c) => (c.ratingsGiven ? null : '请对上云效果和服务商服务质量分别评分（1–5 分）'),
    settlementSigned: (c) =>
      c.settlementSigned ? null : '云服务商尚未上传列有本申请的盖章兑付申请表（细则三（三）1），请待其上传后再审核通过',
    settlementCurrent: (c) =>
      c.settlementChangedFigures.length === 0
        ? null
        : `云服务商签章的兑付申请表所列${c.settlementChangedFigures.join('、')}与本申请现在的不一致（签章后有变更），签章已不能作为依据；请待云服务商重新生成并签章列有当前金额的兑付申请表后再审核通过`,
    otherDepartmentApproved: (c) => (c.otherDepartmentApproved ? null : '等待另一部门的审核意见'),
    notSameReviewerTwice: (c) => (c.sameReviewerGaveOtherOpinion ? '同一人不能在同一轮中给出工信和财政两个部门的意见' : null),
    verifiedAmountValid: (c) => c.verifiedAmountProblem,
    returnedByProviderOrContractChanged: (c) => (c.returnedFrom === 'provider' || c.contractChanged ? null : '不需要服务商重新确认'),
    returnedByCounty: (c) => (c.returnedFrom === 'county' ? null : '不是县里退回的'),
    returnedByCity: (c) => (c.returnedFrom === 'city' ? null : '不是市里退回的'),
  },
};

/** A stored status in the reviewers' words (a status this version does not know reads as itself). */
export function reviewerLabel(status: string): string {
  return (APPLICATION_STATES as readonly string[]).includes(status)
    ? applicationMachine.states[status as ApplicationState].labels.reviewer
    : status;
}

/** The labels of a state: reviewers' words, the enterprise's plain words, and what comes next. */
export function applicationLabels(state: ApplicationState) {
  return applicationMachine.states[state].labels;
}

/** States in which an application counts as live for 二（六） (one per credit code). */
export const LIVE_STATES: readonly ApplicationState[] = APPLICATION_STATES.filter((s) => s !== 'rejected' && s !== 'withdrawn');
