import type { MachineDef } from './machine';

/**
 * The proposed list (拟补贴名单, 三（五）市工信局会同市财政局根据审核结果提出拟补贴名单。市财政局会同市工信局履行相关
 * 审批程序后，市财政局拨付资金); every change of a list goes through it (server/src/modules/cityReview/listTransitions.ts):
 *
 *   draft (city MIIT drafts, adds, removes) ─cosign (city finance)→ cosigned ─notice (optional 公示)→ notice ─approve (city finance)→ approved
 *                                                                    └──────────────────────approve──────────────────────┘
 *   draft ─cancel (city MIIT, with a reason)→ cancelled
 *
 * A list is created in `draft` with its first applications (the list's `initial`). Objections are
 * recorded during the notice and decided by city MIIT; the approval waits until the notice has ended
 * and no objection is pending. Four eyes (DESIGN.md): drafted, co-signed and approved by three people.
 * DESIGN.md, "Corrections after the fact": before its co-signature a draft is corrected (add_items,
 * remove_item) or cancelled with a reason; its applications return to where they were (city_approved).
 */
export const LIST_STATES = ['draft', 'cosigned', 'notice', 'approved', 'cancelled'] as const;
export type ListState = (typeof LIST_STATES)[number];

export const LIST_EVENTS = [
  'add_items',
  'remove_item',
  'cosign',
  'notice',
  'record_objection',
  'decide_objection',
  'approve',
  'cancel',
] as const;
export type ListEvent = (typeof LIST_EVENTS)[number];

export type ListGuard =
  | 'withinItemLimit'
  | 'itemOnList'
  | 'reasonGiven'
  | 'cosignerNotDrafter'
  | 'notEmpty'
  | 'noticeEndsAfterStart'
  | 'noticeAtMostSixtyDays'
  | 'noticeStartsAfterCosigning'
  | 'noticeEndNotPast'
  | 'noticeStartUnchanged'
  | 'noticeOnlyExtended'
  | 'receivedDuringNotice'
  | 'receivedNotInFuture'
  | 'objectionPending'
  | 'approverNotCosigner'
  | 'approverNotDrafter'
  | 'noticeEnded'
  | 'noObjectionPending'
  | 'applicationsAwaitApproval'
  | 'budgetSet'
  | 'withinBudgetOrAcknowledged';

export type ListEffect =
  /** Each new application goes through put_on_list (→ listed) in the list's transaction. */
  | 'putApplicationsOnList'
  /** The application goes through take_off_list (→ reported) with the reason; its item is marked removed. */
  | 'takeApplicationOffList'
  /** Upheld: take_off_list or city_reject for that application; the rest of the list goes on. */
  | 'applyObjectionDecision'
  /** Each application still listed goes through approve_list (→ approved). */
  | 'approveApplications'
  /** Items whose application left the list otherwise (its payments shrank) are closed. */
  | 'closeDepartedItems'
  /** Cancelled: each application still listed goes through list_cancelled (→ city_approved, its 核定金额 kept); every line closes with the reason. */
  | 'returnApplications'
  /** City finance, who would co-sign the draft, hears of the cancellation once. */
  | 'alertCityFinance';

/** A list can hold this many applications at most. */
export const MAX_LIST_ITEMS = 500;
/** A notice period (公示) runs at most this long; it usually runs five to seven working days. */
export const MAX_NOTICE_DAYS = 60;

export interface ListContext {
  /** The person acting (four eyes). */
  actorId: string;
  draftedBy: string;
  cosignedBy: string | null;
  /** Today in Asia/Shanghai, 'YYYY-MM-DD'. */
  today: string;
  /** Applications on the list now (not removed, not gone elsewhere). */
  itemCount: number;
  /** How many the request adds (add_items). */
  adding: number;
  /** The application the request names is on the list (remove_item, record_objection). */
  applicationOnList: boolean;
  reason: string | null;
  /** The notice period asked for (notice), and the one already running (null before). */
  noticeStart: string | null;
  noticeEnd: string | null;
  currentNoticeStart: string | null;
  currentNoticeEnd: string | null;
  /** The day city finance co-signed, in Asia/Shanghai. */
  cosignedOn: string | null;
  /** The day an objection reached the city (record_objection). */
  receivedOn: string | null;
  /** The objection being decided is still pending (decide_objection). */
  objectionPending: boolean;
  /** Applications on the list whose objections are still pending (approve). */
  applicationsWithPendingObjections: number;
  /** Applications on the list still `listed` (approve). */
  listedCount: number;
  /** The year's budget in fen; null when none is set. */
  budgetFen: number | null;
  /** What approving would take the year past its budget, in fen (0: within it). */
  exceedsBudgetByFen: number;
  /** The budget check's words (e.g. 2026 年度尚未设定预算). */
  budgetWarning: string | null;
  acknowledgeOverBudget: boolean;
}

const CITY_MIIT = ['city_miit'] as const;
const CITY_FINANCE = ['city_finance'] as const;
const NOTICE_DATES = ['noticeEndsAfterStart', 'noticeAtMostSixtyDays', 'noticeStartsAfterCosigning'] as const;
const APPROVE = {
  target: 'approved',
  roles: CITY_FINANCE,
  effects: ['closeDepartedItems', 'approveApplications'],
} as const;
const APPROVE_GUARDS = ['approverNotCosigner', 'approverNotDrafter'] as const;
const APPROVE_AFTER = ['noObjectionPending', 'applicationsAwaitApproval', 'budgetSet', 'withinBudgetOrAcknowledged'] as const;

export const listMachine: MachineDef<ListState, ListEvent, ListGuard, ListEffect, ListContext> = {
  id: 'subsidy-list',
  initial: 'draft',
  states: {
    draft: {
      labels: { reviewer: '草稿', applicant: '拟补贴名单正在起草' },
      on: {
        add_items: { target: 'draft', roles: CITY_MIIT, guards: ['withinItemLimit'], effects: ['putApplicationsOnList'] },
        remove_item: { target: 'draft', roles: CITY_MIIT, guards: ['itemOnList', 'reasonGiven'], effects: ['takeApplicationOffList'] },
        cosign: { target: 'cosigned', roles: CITY_FINANCE, guards: ['cosignerNotDrafter', 'notEmpty'] },
        cancel: { target: 'cancelled', roles: CITY_MIIT, guards: ['reasonGiven'], effects: ['returnApplications', 'alertCityFinance'] },
      },
      refuse: {
        notice: '名单须先经市财政局会签，才能公示',
        approve: '名单须先经市财政局会签，才能审批',
        record_objection: '名单不在公示期，不能登记公示异议',
      },
    },
    cosigned: {
      labels: { reviewer: '已会签', applicant: '拟补贴名单已会签' },
      on: {
        notice: { target: 'notice', roles: CITY_MIIT, guards: [...NOTICE_DATES, 'noticeEndNotPast'] },
        approve: { ...APPROVE, guards: [...APPROVE_GUARDS, ...APPROVE_AFTER] },
      },
      refuse: {
        add_items: '名单已是“已会签”，不能再增减申请',
        remove_item: '名单已是“已会签”，不能再增减申请',
        cosign: '名单已是“已会签”，不能再会签',
        record_objection: '名单不在公示期，不能登记公示异议',
        cancel: '名单已经市财政局会签，不能再撤销',
      },
    },
    notice: {
      labels: { reviewer: '公示中', applicant: '拟补贴名单正在公示' },
      on: {
        // Once the notice runs its start stays and its end may only be extended.
        notice: { target: 'notice', roles: CITY_MIIT, guards: [...NOTICE_DATES, 'noticeStartUnchanged', 'noticeOnlyExtended'] },
        record_objection: {
          target: 'notice',
          roles: ['city_miit', 'city_finance'],
          guards: ['receivedDuringNotice', 'receivedNotInFuture', 'itemOnList'],
        },
        // Objections exist only from a notice, and a list with one pending is never approved, so a
        // decision always finds its list in notice.
        decide_objection: {
          target: 'notice',
          roles: CITY_MIIT,
          guards: ['objectionPending', 'reasonGiven'],
          effects: ['applyObjectionDecision'],
        },
        approve: { ...APPROVE, guards: [...APPROVE_GUARDS, 'noticeEnded', ...APPROVE_AFTER] },
      },
      refuse: {
        add_items: '名单已是“公示中”，不能再增减申请',
        remove_item: '名单已是“公示中”，不能再增减申请',
        cosign: '名单已是“公示中”，不能再会签',
        cancel: '名单已经市财政局会签，不能再撤销',
      },
    },
    approved: {
      labels: { reviewer: '已审批', applicant: '补贴名单已审批' },
      final: true,
      refuse: {
        add_items: '名单已是“已审批”，不能再增减申请',
        remove_item: '名单已是“已审批”，不能再增减申请',
        cosign: '名单已是“已审批”，不能再会签',
        notice: '名单已审批，不能再公示',
        record_objection: '名单不在公示期，不能登记公示异议',
        // An approved list had no objection pending: every one of its objections was decided before.
        decide_objection: '这件异议已经处理过了',
        approve: '名单已经审批',
        cancel: '名单已经审批，不能再撤销',
      },
    },
    cancelled: {
      labels: { reviewer: '已撤销', applicant: '这份拟补贴名单已撤销' },
      final: true,
      refuse: {
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
  },
  guards: {
    withinItemLimit: (c) => (c.itemCount + c.adding <= MAX_LIST_ITEMS ? null : `一份名单最多 ${MAX_LIST_ITEMS} 份申请`),
    itemOnList: (c) => (c.applicationOnList ? null : '这份申请不在这份名单上'),
    reasonGiven: (c) => (c.reason && c.reason.trim().length >= 2 ? null : '请写明原因（至少 2 个字）'),
    cosignerNotDrafter: (c) => (c.actorId === c.draftedBy ? '起草名单的人不能会签同一份名单' : null),
    notEmpty: (c) => (c.itemCount > 0 ? null : '名单上没有申请，不能会签'),
    noticeEndsAfterStart: (c) => (cmp(c.noticeStart ?? '', c.noticeEnd ?? '') > 0 ? '公示结束日期不能早于开始日期' : null),
    noticeAtMostSixtyDays: (c) =>
      daysBetween(c.noticeStart ?? '', c.noticeEnd ?? '') > MAX_NOTICE_DAYS ? `公示期不超过 ${MAX_NOTICE_DAYS} 天` : null,
    noticeStartsAfterCosigning: (c) =>
      cmp(c.noticeStart ?? '', c.cosignedOn ?? c.today) < 0
        ? `公示的是会签后的名单：开始日期不能早于会签日期 ${c.cosignedOn ?? c.today}`
        : null,
    noticeEndNotPast: (c) => (cmp(c.noticeEnd ?? '', c.today) < 0 ? '公示结束日期不能早于今天' : null),
    noticeStartUnchanged: (c) =>
      c.noticeStart === c.currentNoticeStart ? null : `公示已于 ${c.currentNoticeStart} 开始，开始日期不能更改`,
    noticeOnlyExtended: (c) =>
      cmp(c.noticeEnd ?? '', c.currentNoticeEnd ?? '') < 0 ? `公示期只能延长，不能早于原定结束日期 ${c.currentNoticeEnd}` : null,
    receivedDuringNotice: (c) =>
      cmp(c.receivedOn ?? '', c.currentNoticeStart ?? '') < 0 || cmp(c.receivedOn ?? '', c.currentNoticeEnd ?? '') > 0
        ? `收到异议的日期须在公示期 ${c.currentNoticeStart} 至 ${c.currentNoticeEnd} 之内`
        : null,
    receivedNotInFuture: (c) => (cmp(c.receivedOn ?? '', c.today) > 0 ? '收到异议的日期不能晚于今天' : null),
    objectionPending: (c) => (c.objectionPending ? null : '这件异议已经处理过了'),
    // Four eyes (DESIGN.md): one person never co-signs and approves the same list.
    approverNotCosigner: (c) => (c.actorId === c.cosignedBy ? '会签这份名单的人不能再审批同一份名单，请由市财政局另一位人员审批' : null),
    approverNotDrafter: (c) => (c.actorId === c.draftedBy ? '起草这份名单的人不能审批同一份名单' : null),
    noticeEnded: (c) => (cmp(c.today, c.currentNoticeEnd ?? '') <= 0 ? `公示期至 ${c.currentNoticeEnd} 结束，期满后才能审批` : null),
    noObjectionPending: (c) =>
      c.applicationsWithPendingObjections > 0 ? `有${c.applicationsWithPendingObjections}份申请的公示异议尚未处理，请市工信局先处理` : null,
    applicationsAwaitApproval: (c) => (c.listedCount > 0 ? null : '名单上没有待审批的申请'),
    budgetSet: (c) => (c.budgetFen === null ? (c.budgetWarning ?? '尚未设定年度预算') : null),
    withinBudgetOrAcknowledged: (c) =>
      c.exceedsBudgetByFen > 0 && !c.acknowledgeOverBudget
        ? `${c.budgetWarning ?? '超出年度预算'}。如确需审批，请确认超出预算后再审批`
        : null,
  },
};

/** Calendar dates 'YYYY-MM-DD' compare as text; a missing date ('') comes before every date. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole days from a to b ('YYYY-MM-DD'), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  const day = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return Math.round((day(b) - day(a)) / 86_400_000);
}
