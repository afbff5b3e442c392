import { transition } from '../../../shared/src/workflow/machine';
import {
  LIST_EVENTS,
  LIST_STATES,
  MAX_LIST_ITEMS,
  MAX_NOTICE_DAYS,
  daysBetween,
  listMachine,
  type ListContext,
} from '../../../shared/src/workflow/subsidyList';
import { checkAgainstDesign } from './designTable';

/**
 * The proposed list (拟补贴名单) as the seed (三（五）市工信局会同市财政局根据审核结果提出拟补贴名单。市财政局会同市工信局
 * 履行相关审批程序后，市财政局拨付资金) and DESIGN.md describe it: drafted by city MIIT, co-signed by city finance,
 * an optional 公示 with objections recorded, approved by city finance after the notice; three different
 * people draft, co-sign and approve; an upheld objection takes that application off the list.
 */
const PERMISSIVE: ListContext = {
  actorId: 'u-actor',
  draftedBy: 'u-drafter',
  cosignedBy: 'u-cosigner',
  today: '2026-03-20',
  itemCount: 3,
  adding: 2,
  applicationOnList: true,
  reason: '公示异议成立',
  noticeStart: '2026-03-10',
  noticeEnd: '2026-03-25',
  currentNoticeStart: '2026-03-10',
  currentNoticeEnd: '2026-03-16',
  cosignedOn: '2026-03-09',
  receivedOn: '2026-03-12',
  objectionPending: true,
  applicationsWithPendingObjections: 0,
  listedCount: 3,
  budgetFen: 100_000_000,
  exceedsBudgetByFen: 0,
  budgetWarning: null,
  acknowledgeOverBudget: false,
};

const NOTICE_DATES = ['noticeEndsAfterStart', 'noticeAtMostSixtyDays', 'noticeStartsAfterCosigning'];
const APPROVE_EFFECTS = ['closeDepartedItems', 'approveApplications'];
const BEFORE_APPROVAL = ['approverNotCosigner', 'drafter'];
const AT_APPROVAL = ['noObjectionPending', 'applicationsAwaitApproval', 'budgetSet', 'withinBudgetOrAcknowledged'];
const APPROVER_DRAFTED = { drafter: { guard: 'approverNotDrafter', reason: '起草这份名单的人不能审批同一份名单' } };

checkAgainstDesign(listMachine, {
  name: 'proposed list',
  states: LIST_STATES,
  events: LIST_EVENTS,
  initial: 'draft',
  finals: ['approved', 'cancelled'],
  reviewerLabels: { draft: '草稿', cosigned: '已会签', notice: '公示中', approved: '已审批', cancelled: '已撤销' },
  rows: [
    {
      from: 'draft',
      event: 'add_items',
      roles: ['city_miit'],
      to: 'draft',
      effects: ['putApplicationsOnList'],
      guards: ['withinItemLimit'],
    },
    {
      from: 'draft',
      event: 'remove_item',
      roles: ['city_miit'],
      to: 'draft',
      effects: ['takeApplicationOffList'],
      guards: ['itemOnList', 'reasonGiven'],
    },
    {
      from: 'draft',
      event: 'cosign',
      roles: ['city_finance'],
      to: 'cosigned',
      effects: [],
      guards: ['drafter', 'notEmpty'],
      refusedAs: { drafter: { guard: 'cosignerNotDrafter', reason: '起草名单的人不能会签同一份名单' } },
    },
    // DESIGN.md "Corrections after the fact": before its co-signature city MIIT may cancel the draft with a reason;
    // its applications return to where they were, and city finance, who would co-sign it, is told.
    {
      from: 'draft',
      event: 'cancel',
      roles: ['city_miit'],
      to: 'cancelled',
      effects: ['returnApplications', 'alertCityFinance'],
      guards: ['reasonGiven'],
    },
    {
      from: 'cosigned',
      event: 'notice',
      roles: ['city_miit'],
      to: 'notice',
      effects: [],
      guards: [...NOTICE_DATES, 'noticeEndNotPast'],
      // A first notice ending before the running one would is simply one that ended already.
      refusedAs: { noticeOnlyExtended: { guard: 'noticeEndNotPast', reason: '公示结束日期不能早于今天' } },
    },
    {
      from: 'cosigned',
      event: 'approve',
      roles: ['city_finance'],
      to: 'approved',
      effects: APPROVE_EFFECTS,
      guards: [...BEFORE_APPROVAL, ...AT_APPROVAL],
      refusedAs: APPROVER_DRAFTED,
    },
    {
      from: 'notice',
      event: 'notice',
      roles: ['city_miit'],
      to: 'notice',
      effects: [],
      guards: [...NOTICE_DATES, 'noticeStartUnchanged', 'noticeOnlyExtended'],
    },
    {
      from: 'notice',
      event: 'record_objection',
      roles: ['city_miit', 'city_finance'],
      to: 'notice',
      effects: [],
      guards: ['receivedDuringNotice', 'itemOnList'],
    },
    {
      from: 'notice',
      event: 'decide_objection',
      roles: ['city_miit'],
      to: 'notice',
      effects: ['applyObjectionDecision'],
      guards: ['objectionPending', 'reasonGiven'],
    },
    {
      from: 'notice',
      event: 'approve',
      roles: ['city_finance'],
      to: 'approved',
      effects: APPROVE_EFFECTS,
      guards: [...BEFORE_APPROVAL, 'noticeEnded', ...AT_APPROVAL],
      refusedAs: APPROVER_DRAFTED,
    },
  ],
  permissive: PERMISSIVE,
  breakers: {
    withinItemLimit: { ctx: { itemCount: 499, adding: 2 }, reason: '一份名单最多 500 份申请' },
    itemOnList: { ctx: { applicationOnList: false }, reason: '这份申请不在这份名单上' },
    reasonGiven: { ctx: { reason: ' 异 ' }, reason: '请写明原因（至少 2 个字）' },
    drafter: { ctx: { draftedBy: 'u-actor' }, reason: '' },
    notEmpty: { ctx: { itemCount: 0 }, reason: '名单上没有申请，不能会签' },
    noticeEndsAfterStart: { ctx: { noticeStart: '2026-03-26' }, reason: '公示结束日期不能早于开始日期' },
    noticeAtMostSixtyDays: { ctx: { noticeEnd: '2026-05-10' }, reason: '公示期不超过 60 天' },
    noticeStartsAfterCosigning: {
      ctx: { cosignedOn: '2026-03-11' },
      reason: '公示的是会签后的名单：开始日期不能早于会签日期 2026-03-11',
    },
    noticeEndNotPast: { ctx: { today: '2026-03-26' }, reason: '公示结束日期不能早于今天' },
    noticeStartUnchanged: { ctx: { currentNoticeStart: '2026-03-11' }, reason: '公示已于 2026-03-11 开始，开始日期不能更改' },
    noticeOnlyExtended: { ctx: { noticeEnd: '2026-03-15' }, reason: '公示期只能延长，不能早于原定结束日期 2026-03-16' },
    receivedDuringNotice: { ctx: { receivedOn: '2026-03-17' }, reason: '收到异议的日期须在公示期 2026-03-10 至 2026-03-16 之内' },
    objectionPending: { ctx: { objectionPending: false }, reason: '这件异议已经处理过了' },
    approverNotCosigner: {
      ctx: { cosignedBy: 'u-actor' },
      reason: '会签这份名单的人不能再审批同一份名单，请由市财政局另一位人员审批',
    },
    noticeEnded: { ctx: { today: '2026-03-16' }, reason: '公示期至 2026-03-16 结束，期满后才能审批' },
    noObjectionPending: { ctx: { applicationsWithPendingObjections: 2 }, reason: '有2份申请的公示异议尚未处理，请市工信局先处理' },
    applicationsAwaitApproval: { ctx: { listedCount: 0 }, reason: '名单上没有待审批的申请' },
    budgetSet: { ctx: { budgetFen: null, budgetWarning: '2026 年度尚未设定预算' }, reason: '2026 年度尚未设定预算' },
    withinBudgetOrAcknowledged: {
      ctx: { exceedsBudgetByFen: 500, budgetWarning: '超出 2026 年度预算 5.00 元' },
      reason: '超出 2026 年度预算 5.00 元。如确需审批，请确认超出预算后再审批',
    },
  },
  refusals: {
    draft: {
      notice: '名单须先经市财政局会签，才能公示',
      approve: '名单须先经市财政局会签，才能审批',
      record_objection: '名单不在公示期，不能登记公示异议',
    },
    cosigned: {
      add_items: '名单已是“已会签”，不能再增减申请',
      remove_item: '名单已是“已会签”，不能再增减申请',
      cosign: '名单已是“已会签”，不能再会签',
      record_objection: '名单不在公示期，不能登记公示异议',
      cancel: '名单已经市财政局会签，不能再撤销',
    },
    notice: {
      add_items: '名单已是“公示中”，不能再增减申请',
      remove_item: '名单已是“公示中”，不能再增减申请',
      cosign: '名单已是“公示中”，不能再会签',
      cancel: '名单已经市财政局会签，不能再撤销',
    },
    approved: {
      add_items: '名单已是“已审批”，不能再增减申请',
      remove_item: '名单已是“已审批”，不能再增减申请',
      cosign: '名单已是“已审批”，不能再会签',
      notice: '名单已审批，不能再公示',
      record_objection: '名单不在公示期，不能登记公示异议',
      decide_objection: '这件异议已经处理过了',
      approve: '名单已经审批',
      cancel: '名单已经审批，不能再撤销',
    },
    cancelled: {
      add_items: '名单已撤销，不能再增减申请，请起草新的名单',
      remove_item: '名单已撤销，不能再增减申请，请起草新的名单',
      cosign: '名单已撤销，不能再会签',
      notice: '名单已撤销，不能公示',
      record_objection: '名单不在公示期，不能登记公示异议',
      decide_objection: '名单已撤销，异议无需再处理',
      approve: '名单已撤销，不能审批',
      cancel: '名单已经撤销',
    },
  },
});

describe('proposed list: boundaries', () => {
  const go = (
    from: 'draft' | 'cosigned' | 'notice',
    event: (typeof LIST_EVENTS)[number],
    role: 'city_miit' | 'city_finance',
    c: Partial<ListContext>,
  ) => transition(listMachine, from, event, [role], { ...PERMISSIVE, ...c });

  test(`a list holds at most ${MAX_LIST_ITEMS} applications`, () => {
    expect(MAX_LIST_ITEMS).toBe(500);
    expect(go('draft', 'add_items', 'city_miit', { itemCount: 498, adding: 2 }).ok).toBe(true);
    expect(go('draft', 'add_items', 'city_miit', { itemCount: 499, adding: 1 }).ok).toBe(true);
    expect(go('draft', 'add_items', 'city_miit', { itemCount: 500, adding: 1 }).ok).toBe(false);
  });

  test.each<[string | null, boolean]>([
    [null, false],
    ['', false],
    ['   ', false],
    ['异', false],
    ['异议', true],
    [' 异议 ', true],
    ['异议成', true],
  ])('a reason %j passes: %s', (reason, passes) => {
    expect(go('draft', 'remove_item', 'city_miit', { reason }).ok).toBe(passes);
    expect(go('notice', 'decide_objection', 'city_miit', { reason }).ok).toBe(passes);
  });

  test(`a notice runs at most ${MAX_NOTICE_DAYS} days; it may start on the day of co-signing and end on its start`, () => {
    expect(MAX_NOTICE_DAYS).toBe(60);
    expect(go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-20', noticeEnd: '2026-05-19' }).ok).toBe(true);
    expect(go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-20', noticeEnd: '2026-05-20' })).toMatchObject({
      ok: false,
      guard: 'noticeAtMostSixtyDays',
    });
    expect(go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-20', noticeEnd: '2026-03-20', cosignedOn: '2026-03-20' }).ok).toBe(
      true,
    );
    expect(
      go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-20', noticeEnd: '2026-03-20', cosignedOn: '2026-03-21' }),
    ).toMatchObject({
      ok: false,
      guard: 'noticeStartsAfterCosigning',
    });
    // Not co-signed on a known day: today stands in.
    expect(go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-19', cosignedOn: null })).toMatchObject({
      ok: false,
      message: '公示的是会签后的名单：开始日期不能早于会签日期 2026-03-20',
    });
    expect(go('cosigned', 'notice', 'city_miit', { noticeStart: '2026-03-20', noticeEnd: '2026-03-21', cosignedOn: null }).ok).toBe(true);
  });

  test('a running notice may keep its end, or extend it', () => {
    expect(go('notice', 'notice', 'city_miit', { noticeEnd: '2026-03-16', today: '2026-03-14' }).ok).toBe(true);
    expect(go('notice', 'notice', 'city_miit', { noticeEnd: '2026-03-17' }).ok).toBe(true);
  });

  test('a first notice may end today', () => {
    expect(go('cosigned', 'notice', 'city_miit', { noticeEnd: '2026-03-20' }).ok).toBe(true);
    expect(go('cosigned', 'notice', 'city_miit', { noticeEnd: '2026-03-19' })).toMatchObject({ ok: false, guard: 'noticeEndNotPast' });
  });

  test('an objection received on the first or last day of the notice, and not after today', () => {
    for (const receivedOn of ['2026-03-10', '2026-03-16'])
      expect(go('notice', 'record_objection', 'city_finance', { receivedOn }).ok).toBe(true);
    expect(go('notice', 'record_objection', 'city_finance', { receivedOn: '2026-03-09' })).toMatchObject({
      ok: false,
      guard: 'receivedDuringNotice',
    });
    const during = { today: '2026-03-13', currentNoticeEnd: '2026-03-16' };
    expect(go('notice', 'record_objection', 'city_miit', { ...during, receivedOn: '2026-03-13' }).ok).toBe(true);
    expect(go('notice', 'record_objection', 'city_miit', { ...during, receivedOn: '2026-03-14' })).toEqual({
      ok: false,
      reason: 'guard_failed',
      guard: 'receivedNotInFuture',
      message: '收到异议的日期不能晚于今天',
    });
  });

  test('approval comes the day after the notice ends', () => {
    expect(go('notice', 'approve', 'city_finance', { today: '2026-03-17' }).ok).toBe(true);
    expect(go('notice', 'approve', 'city_finance', { today: '2026-03-15' })).toMatchObject({ ok: false, guard: 'noticeEnded' });
  });

  test('over the budget only when acknowledged; a budget of nothing is a budget; no warning has its own words', () => {
    expect(go('cosigned', 'approve', 'city_finance', { exceedsBudgetByFen: 1, acknowledgeOverBudget: true }).ok).toBe(true);
    expect(go('cosigned', 'approve', 'city_finance', { budgetFen: 0 }).ok).toBe(true);
    expect(go('cosigned', 'approve', 'city_finance', { budgetFen: null })).toMatchObject({ ok: false, message: '尚未设定年度预算' });
    expect(go('cosigned', 'approve', 'city_finance', { exceedsBudgetByFen: 1 })).toMatchObject({
      ok: false,
      message: '超出年度预算。如确需审批，请确认超出预算后再审批',
    });
  });

  test('one pending objection blocks; the last listed application is enough', () => {
    expect(go('cosigned', 'approve', 'city_finance', { applicationsWithPendingObjections: 1 })).toMatchObject({
      ok: false,
      message: '有1份申请的公示异议尚未处理，请市工信局先处理',
    });
    expect(go('cosigned', 'approve', 'city_finance', { listedCount: 1 }).ok).toBe(true);
    expect(go('draft', 'cosign', 'city_finance', { itemCount: 1 }).ok).toBe(true);
  });

  test('days between two dates', () => {
    expect(daysBetween('2026-03-10', '2026-05-09')).toBe(60);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-03-10', '2026-03-09')).toBe(-1);
    expect(listMachine.id).toBe('subsidy-list');
  });
});
