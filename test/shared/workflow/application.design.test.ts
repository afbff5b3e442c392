import { transition } from '../../../shared/src/workflow/machine';
import {
  APPLICATION_EVENTS,
  APPLICATION_STATES,
  LIVE_STATES,
  applicationLabels,
  applicationMachine,
  reviewerLabel,
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationGuard,
  type ApplicationState,
} from '../../../shared/src/workflow/application';
import { checkAgainstDesign, type Row } from './designTable';

/**
 * An application's life as DESIGN.md ("An application's life", "Corrections after the fact",
 * "Four eyes", "Notifications") and the seed (三（三）, 三（四）, 三（五）) describe it, written out by hand.
 */
const PERMISSIVE: ApplicationContext = {
  ruleFailures: 0,
  missingMaterials: 0,
  reason: '合同金额与付款凭证不一致，请核对',
  ratingsGiven: true,
  settlementSigned: true,
  settlementChangedFigures: [],
  otherDepartmentApproved: true,
  sameReviewerGaveOtherOpinion: false,
  verifiedAmountProblem: null,
  returnedFrom: 'county',
  contractChanged: false,
};

const COUNTY = ['county_miit', 'county_finance'] as const;
/** Reviewers hear of an item that lands in their queue; the enterprise hears of every change it can see. */
const ROWS: Row<ApplicationState, ApplicationEvent, ApplicationContext>[] = [
  // submit re-runs the rules and needs the four materials; the provider is asked to confirm; a round starts.
  {
    from: 'draft',
    event: 'submit',
    roles: ['enterprise'],
    to: 'provider_check',
    effects: ['assignTrackingNumber', 'askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
    guards: ['rulesPass', 'materialsComplete'],
  },
  // withdrawn: by the enterprise, before the county decides.
  { from: 'draft', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: [] },
  {
    from: 'provider_check',
    event: 'provider_confirm',
    roles: ['provider'],
    to: 'county_review',
    effects: ['alertCountyReviewers', 'notifyEnterprise'],
  },
  {
    from: 'provider_check',
    event: 'provider_dispute',
    roles: ['provider'],
    to: 'returned',
    effects: ['notifyEnterprise'],
    guards: ['reasonGiven'],
  },
  { from: 'provider_check', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: ['notifyProvider'] },
  // Both departments give an opinion with both ratings; the case moves on only when both approved,
  // never on the 兑付申请表 unsigned or signed on figures that changed since, never with one person
  // giving both opinions.
  {
    from: 'county_review',
    event: 'county_approve',
    roles: COUNTY,
    to: 'county_approved',
    effects: ['notifyEnterprise'],
    guards: ['ratingsGiven', 'settlementSigned', 'settlementCurrent', 'notSameReviewerTwice'],
  },
  {
    from: 'county_review',
    event: 'county_approve',
    roles: COUNTY,
    to: 'county_review',
    effects: ['alertCountyReviewers'],
    guards: ['ratingsGiven', 'settlementSigned', 'settlementCurrent', 'notSameReviewerTwice'],
    ctx: { otherDepartmentApproved: false },
  },
  // A return or a reject by either department takes effect at once.
  {
    from: 'county_review',
    event: 'county_return',
    roles: COUNTY,
    to: 'returned',
    effects: ['notifyEnterprise'],
    guards: ['reasonGiven', 'notSameReviewerTwice'],
  },
  {
    from: 'county_review',
    event: 'county_reject',
    roles: COUNTY,
    to: 'rejected',
    effects: ['notifyEnterprise', 'notifyProvider'],
    guards: ['reasonGiven', 'notSameReviewerTwice'],
  },
  { from: 'county_review', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: ['alertCountyReviewers'] },
  // The joint report, signed by both departments, reports each application to the city.
  { from: 'county_approved', event: 'report', roles: COUNTY, to: 'reported', effects: ['alertCityReviewers', 'notifyEnterprise'] },
  // A draft joint report corrected without it, or cancelled, with a reason (DESIGN.md "Corrections after the fact"):
  // it stays approved by the county, free for another report; nothing the enterprise sees changes.
  { from: 'county_approved', event: 'leave_report', roles: COUNTY, to: 'county_approved', effects: [], guards: ['reasonGiven'] },
  // City MIIT fixes the 核定金额 (never above the payable amount; a reason when lower).
  {
    from: 'reported',
    event: 'city_approve',
    roles: ['city_miit'],
    to: 'city_approved',
    effects: ['notifyEnterprise'],
    guards: ['verifiedAmountValid'],
  },
  { from: 'reported', event: 'city_return', roles: ['city_miit'], to: 'returned', effects: ['notifyEnterprise'], guards: ['reasonGiven'] },
  {
    from: 'reported',
    event: 'city_reject',
    roles: ['city_miit'],
    to: 'rejected',
    effects: ['notifyEnterprise', 'notifyProvider'],
    guards: ['reasonGiven'],
  },
  // The proposed list is drafted by city MIIT; the enterprise hears it is on it (issue 14 item 7).
  { from: 'city_approved', event: 'put_on_list', roles: ['city_miit'], to: 'listed', effects: ['notifyEnterprise'] },
  // Payments that shrink after the 核定金额 send the application back to city review (a refund seen by WeChat Pay's actor).
  {
    from: 'city_approved',
    event: 'payments_reduced',
    roles: ['city_miit', 'admin'],
    to: 'reported',
    effects: ['alertCityReviewers', 'notifyEnterprise'],
  },
  // An upheld objection takes the application off the list, back to city review or to a reject with the reason.
  { from: 'listed', event: 'take_off_list', roles: ['city_miit'], to: 'reported', effects: ['notifyEnterprise'], guards: ['reasonGiven'] },
  {
    from: 'listed',
    event: 'city_reject',
    roles: ['city_miit'],
    to: 'rejected',
    effects: ['notifyEnterprise', 'notifyProvider'],
    guards: ['reasonGiven'],
  },
  // A draft list cancelled before its co-signature: its applications return to where they were, the enterprise told.
  {
    from: 'listed',
    event: 'list_cancelled',
    roles: ['city_miit'],
    to: 'city_approved',
    effects: ['notifyEnterprise'],
    guards: ['reasonGiven'],
  },
  // City finance approves the list.
  { from: 'listed', event: 'approve_list', roles: ['city_finance'], to: 'approved', effects: ['notifyEnterprise'] },
  {
    from: 'listed',
    event: 'payments_reduced',
    roles: ['city_miit', 'admin'],
    to: 'reported',
    effects: ['alertCityReviewers', 'notifyEnterprise'],
  },
  // Disbursement by city finance; a returned payment (退汇) puts it back to approved, with a reason.
  { from: 'approved', event: 'disburse', roles: ['city_finance'], to: 'disbursed', effects: ['notifyEnterprise'] },
  {
    from: 'approved',
    event: 'payments_reduced',
    roles: ['city_miit', 'admin'],
    to: 'reported',
    effects: ['alertCityReviewers', 'notifyEnterprise'],
  },
  {
    from: 'disbursed',
    event: 'reverse_payment',
    roles: ['city_finance'],
    to: 'approved',
    effects: ['notifyEnterprise'],
    guards: ['reasonGiven'],
  },
  // A corrected application goes back to the stage that returned it, or to provider_check when its
  // contract or payments changed; county and provider rounds start anew, the city's joint report stands.
  {
    from: 'returned',
    event: 'resubmit',
    roles: ['enterprise'],
    to: 'provider_check',
    effects: ['askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
    guards: ['rulesPass', 'materialsComplete'],
    ctx: { returnedFrom: 'provider' },
  },
  {
    from: 'returned',
    event: 'resubmit',
    roles: ['enterprise'],
    to: 'provider_check',
    effects: ['askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
    guards: ['rulesPass', 'materialsComplete'],
    ctx: { returnedFrom: 'county', contractChanged: true },
  },
  {
    from: 'returned',
    event: 'resubmit',
    roles: ['enterprise'],
    to: 'provider_check',
    effects: ['askProviderToConfirm', 'notifyEnterprise', 'startNewRound'],
    guards: ['rulesPass', 'materialsComplete'],
    ctx: { returnedFrom: 'city', contractChanged: true },
  },
  {
    from: 'returned',
    event: 'resubmit',
    roles: ['enterprise'],
    to: 'county_review',
    effects: ['alertCountyReviewers', 'notifyEnterprise', 'startNewRound'],
    guards: ['rulesPass', 'materialsComplete'],
    ctx: { returnedFrom: 'county' },
  },
  {
    from: 'returned',
    event: 'resubmit',
    roles: ['enterprise'],
    to: 'reported',
    effects: ['alertCityReviewers', 'notifyEnterprise'],
    guards: ['rulesPass', 'materialsComplete'],
    ctx: { returnedFrom: 'city' },
  },
  { from: 'returned', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: [] },
];

const REASON = '请写明原因和需要修改的内容，企业将看到这段文字';

checkAgainstDesign(applicationMachine, {
  name: 'application',
  states: APPLICATION_STATES,
  events: APPLICATION_EVENTS,
  initial: 'draft',
  finals: ['rejected', 'withdrawn'],
  reviewerLabels: {
    draft: '草稿',
    provider_check: '待服务商确认',
    county_review: '县级审核中',
    county_approved: '县级审核通过，待联合行文上报',
    reported: '市工信局审核中',
    city_approved: '已核定，待列入拟补贴名单',
    listed: '已列入拟补贴名单',
    approved: '已审批，待拨付',
    disbursed: '已拨付',
    returned: '已退回企业修改',
    rejected: '不予补助',
    withdrawn: '企业已撤回',
  },
  rows: ROWS,
  permissive: PERMISSIVE,
  breakers: {
    rulesPass: { ctx: { ruleFailures: 2 }, reason: '有 2 项申报条件不符合，请查看原因' },
    materialsComplete: { ctx: { missingMaterials: 1 }, reason: '还缺 1 项材料，请上传后再提交' },
    reasonGiven: { ctx: { reason: null }, reason: REASON },
    ratingsGiven: { ctx: { ratingsGiven: false }, reason: '请对上云效果和服务商服务质量分别评分（1–5 分）' },
    settlementSigned: {
      ctx: { settlementSigned: false },
      reason: '云服务商尚未上传列有本申请的盖章兑付申请表（细则三（三）1），请待其上传后再审核通过',
    },
    // "Corrections after the fact": the contract or payments changed after the provider signed.
    settlementCurrent: {
      ctx: { settlementChangedFigures: ['合同金额', '申请补助金额'] },
      reason:
        '云服务商签章的兑付申请表所列合同金额、申请补助金额与本申请现在的不一致（签章后有变更），签章已不能作为依据；请待云服务商重新生成并签章列有当前金额的兑付申请表后再审核通过',
    },
    notSameReviewerTwice: { ctx: { sameReviewerGaveOtherOpinion: true }, reason: '同一人不能在同一轮中给出工信和财政两个部门的意见' },
    verifiedAmountValid: { ctx: { verifiedAmountProblem: '核定金额不能高于应补助金额' }, reason: '核定金额不能高于应补助金额' },
  } satisfies Partial<Record<ApplicationGuard, unknown>>,
});

describe('application: a reason is at least two characters once trimmed', () => {
  const REASONED: [ApplicationState, ApplicationEvent, 'provider' | 'county_miit' | 'city_miit' | 'city_finance'][] = [
    ['provider_check', 'provider_dispute', 'provider'],
    ['county_review', 'county_return', 'county_miit'],
    ['county_review', 'county_reject', 'county_miit'],
    ['reported', 'city_return', 'city_miit'],
    ['reported', 'city_reject', 'city_miit'],
    ['listed', 'take_off_list', 'city_miit'],
    ['listed', 'list_cancelled', 'city_miit'],
    ['county_approved', 'leave_report', 'county_miit'],
    ['listed', 'city_reject', 'city_miit'],
    ['disbursed', 'reverse_payment', 'city_finance'],
  ];
  test.each<[string, string | null, boolean]>([
    ['none', null, false],
    ['empty', '', false],
    ['whitespace only', '   \n\t ', false],
    ['one character', '错', false],
    ['one character padded with spaces', '  错  ', false],
    ['two characters', '错误', true],
    ['two characters padded with spaces', ' 错误 ', true],
    ['three characters', '缺材料', true],
  ])('%s', (_what, reason, passes) => {
    for (const [from, event, role] of REASONED) {
      const result = transition(applicationMachine, from, event, [role], { ...PERMISSIVE, reason });
      expect([from, event, result.ok]).toEqual([from, event, passes]);
      if (!result.ok) expect(result).toEqual({ ok: false, reason: 'guard_failed', guard: 'reasonGiven', message: REASON });
    }
  });
});

describe('application: a correction goes back to the stage that returned it', () => {
  test('with nobody recorded as having returned it and no change of contract, resubmitting is refused', () => {
    expect(
      transition(applicationMachine, 'returned', 'resubmit', ['enterprise'], { ...PERMISSIVE, returnedFrom: null, contractChanged: false }),
    ).toEqual({ ok: false, reason: 'guard_failed', guard: 'returnedByProviderOrContractChanged', message: '不需要服务商重新确认' });
  });

  test('a provider return goes back to the provider whether or not the contract changed', () => {
    for (const contractChanged of [false, true])
      expect(
        transition(applicationMachine, 'returned', 'resubmit', ['enterprise'], {
          ...PERMISSIVE,
          returnedFrom: 'provider',
          contractChanged,
        }),
      ).toMatchObject({ ok: true, to: 'provider_check' });
  });

  test('the route guards answer for themselves', () => {
    const g = applicationMachine.guards;
    expect(g.returnedByCounty({ ...PERMISSIVE, returnedFrom: 'city' })).toBe('不是县里退回的');
    expect(g.returnedByCounty({ ...PERMISSIVE, returnedFrom: 'county' })).toBeNull();
    expect(g.returnedByCity({ ...PERMISSIVE, returnedFrom: 'county' })).toBe('不是市里退回的');
    expect(g.returnedByCity({ ...PERMISSIVE, returnedFrom: 'city' })).toBeNull();
    expect(g.returnedByProviderOrContractChanged({ ...PERMISSIVE, returnedFrom: 'city', contractChanged: false })).toBe(
      '不需要服务商重新确认',
    );
    expect(g.otherDepartmentApproved({ ...PERMISSIVE, otherDepartmentApproved: false })).toBe('等待另一部门的审核意见');
    expect(g.otherDepartmentApproved(PERMISSIVE)).toBeNull();
  });

  test('when several guards fail, the first in order answers', () => {
    const both = { ...PERMISSIVE, ruleFailures: 1, missingMaterials: 1 };
    expect(transition(applicationMachine, 'draft', 'submit', ['enterprise'], both)).toMatchObject({ guard: 'rulesPass' });
    const all = { ...PERMISSIVE, ratingsGiven: false, settlementSigned: false, sameReviewerGaveOtherOpinion: true };
    expect(transition(applicationMachine, 'county_review', 'county_approve', ['county_miit'], all)).toMatchObject({
      guard: 'ratingsGiven',
    });
    expect(transition(applicationMachine, 'county_review', 'county_return', ['county_miit'], { ...all, reason: '' })).toMatchObject({
      guard: 'reasonGiven',
    });
  });

  test('counts in the reasons are the case’s own', () => {
    expect(applicationMachine.guards.rulesPass({ ...PERMISSIVE, ruleFailures: 1 })).toBe('有 1 项申报条件不符合，请查看原因');
    expect(applicationMachine.guards.materialsComplete({ ...PERMISSIVE, missingMaterials: 4 })).toBe('还缺 4 项材料，请上传后再提交');
  });
});

describe('application: labels and live states', () => {
  test('reviewer labels, and an unknown stored status reads as itself', () => {
    expect(reviewerLabel('county_review')).toBe('县级审核中');
    expect(reviewerLabel('disbursed')).toBe('已拨付');
    expect(reviewerLabel('archived')).toBe('archived');
    expect(reviewerLabel('toString')).toBe('toString');
  });

  test('the enterprise’s words and what comes next', () => {
    expect(applicationLabels('provider_check')).toEqual({
      reviewer: '待服务商确认',
      applicant: '等待云服务商确认合同和付款',
      next: '云服务商确认合同和付款后转县里审核，无需您操作。',
    });
    expect(applicationLabels('rejected').next).toContain('0458-3878126');
  });

  test('二（六）: every application counts as live except a rejected or withdrawn one', () => {
    expect([...LIVE_STATES].sort()).toEqual(
      [
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
      ].sort(),
    );
  });

  test('the machine is the application’s', () => {
    expect(applicationMachine.id).toBe('application');
  });
});
