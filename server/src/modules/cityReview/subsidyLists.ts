import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { DomainError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { newId } from '../../ids';
import { PROPOSED_LIST_STATUS_LABELS, proposedListTitle, type ProposedListInput } from '../../documents';
import { compareDates, shanghaiDate } from '../../../../shared/src/rules/calendar';
import { formatYuan } from '../../../../shared/src/rules/eligibility';
import type { ApplicationDeps } from '../applications/deps';
import { checkListBudget, type ListBudgetCheck } from './budget';
import { summariesOf, type CityApplicationSummary } from './cityReview';
import { reviewerLabel } from '../../../../shared/src/workflow/application';
import { findApplication, type Application } from '../../db/applications';
import { findBudget } from '../../db/budget';
import {
  bumpList as bumpListRow,
  findList,
  findListItem,
  insertList,
  insertListItem,
  listItems,
  listOverviews,
  nextListBatchNo,
  reinstateListItem,
  removeListItem,
  type SubsidyList,
  type ListStatus,
} from '../../db/lists';
import {
  decidePendingObjection,
  findObjection,
  insertObjection,
  objectionsOf,
  pendingObjectionCounts,
  type ListObjection,
} from '../../db/lists/objections';

export type { ListStatus };

/**
 * The proposed list (拟补贴名单, 三（五）市工信局会同市财政局根据审核结果提出拟补贴名单。市财政局会同市工信局履行相关
 * 审批程序后，市财政局拨付资金):
 *
 *   draft (city MIIT drafts) ─cosign (city finance)→ cosigned ─notice (optional 公示)→ notice ─approve (city finance)→ approved
 *                                                     └──────────────────────────approve──────────────────────────┘
 *
 * Every application put on, taken off or approved moves through the engine in the same transaction as
 * the list row and its items. Every change to a list, its items or its objections bumps the list's
 * version and takes the list row first, so concurrent changes to one list are serialised and an
 * approver who saw version N never approves a list that changed after N.
 */
/** A notice period (公示) runs at most this long; it usually runs five to seven working days. */
const MAX_NOTICE_DAYS = 60;
const MAX_ITEMS = 500;
/** The policy (细则八) was issued in 2023: no list belongs to a year before it. */
const FIRST_YEAR = 2023;

export interface ObjectionInput {
  applicationId: string;
  content: string;
  objector?: string | null;
  receivedOn: string;
}

export interface ObjectionDecisionInput {
  decision: 'upheld' | 'dismissed';
  reason: string;
  /** Upheld: back to city review (take_off_list, the default) or a reject with the reason. */
  outcome?: 'back_to_review' | 'reject';
}

export interface ListItemView extends CityApplicationSummary {
  itemId: string;
  /** The 核定金额 as it stood when the application was put on the list. */
  itemVerifiedFen: number;
  /** Still on this list: not removed, and the application has not left it. */
  onList: boolean;
  removedAt: number | null;
  removedReason: string | null;
  pendingObjections: number;
}

function objectionView(o: ListObjection) {
  return {
    id: o.id,
    listId: o.listId,
    applicationId: o.applicationId,
    content: o.content,
    objector: o.objector,
    receivedOn: o.receivedOn,
    decision: o.decision,
    decisionLabel: { pending: '待处理', upheld: '异议成立', dismissed: '异议不成立' }[o.decision],
    recordedBy: o.recordedBy,
    decidedBy: o.decidedBy,
    decidedAt: o.decidedAt,
    decisionReason: o.decisionReason,
    createdAt: o.createdAt,
  };
}

function listStale(): DomainError {
  return new ConflictError('名单已被修改或已被他人处理，请刷新后再操作', 'stale_version');
}

function daysBetween(a: string, b: string): number {
  return Math.round(
    (Date.UTC(+b.slice(0, 4), +b.slice(5, 7) - 1, +b.slice(8, 10)) - Date.UTC(+a.slice(0, 4), +a.slice(5, 7) - 1, +a.slice(8, 10))) /
      86_400_000,
  );
}

/**
 * The conditional UPDATE that every change of a list starts with: it takes the list's row lock and
 * fails (409) when someone changed the list since it was read.
 */
async function bumpList(tx: Tx, list: SubsidyList, set: Partial<SubsidyList>, now: number): Promise<void> {
  if (!(await bumpListRow(tx, list, set, now))) throw listStale();
}

async function itemsOf(tx: Tx, listId: string): Promise<ListItemView[]> {
  const rows = await listItems(tx, listId);
  const summaries = await summariesOf(
    tx,
    rows.map((r) => r.applicationId),
  );
  const pendingBy = await pendingObjectionCounts(tx, listId);
  const out: ListItemView[] = [];
  for (const r of rows) {
    const s = summaries.get(r.applicationId);
    if (!s) continue;
    out.push({
      ...s,
      itemId: r.id,
      itemVerifiedFen: r.verifiedFen,
      onList: r.removedAt === null && s.listId === listId && ['listed', 'approved', 'disbursed'].includes(s.status),
      removedAt: r.removedAt,
      removedReason: r.removedReason,
      pendingObjections: pendingBy.get(r.applicationId) ?? 0,
    });
  }
  return out;
}

export class SubsidyLists {
  constructor(private readonly deps: ApplicationDeps) {}

  // ---- reading ------------------------------------------------------------------------------------

  async list(filter: { year?: number; status?: ListStatus }) {
    return this.deps.db.read(async (tx) => {
      const rows = await listOverviews(tx, filter);
      return {
        items: rows.map((r) => ({
          id: r.id,
          year: r.year,
          batchNo: r.batchNo,
          title: proposedListTitle(r.year, r.batchNo),
          status: r.status,
          statusLabel: PROPOSED_LIST_STATUS_LABELS[r.status],
          noticeStart: r.noticeStart,
          noticeEnd: r.noticeEnd,
          draftedBy: r.draftedBy,
          cosignedBy: r.cosignedBy,
          approvedBy: r.approvedBy,
          version: r.version,
          itemCount: r.itemCount,
          verifiedTotalFen: r.verifiedTotalFen,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })),
      };
    });
  }

  async get(id: string) {
    const today = shanghaiDate(this.deps.now());
    return this.deps.db.read(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      return this.view(tx, list, today);
    });
  }

  private async view(tx: Tx, list: SubsidyList, today: string) {
    const items = await itemsOf(tx, list.id);
    const onList = items.filter((i) => i.onList);
    const objections = await objectionsOf(tx, list.id);
    const listFen = onList.reduce((s, i) => s + i.itemVerifiedFen, 0);
    const budget = await checkListBudget(tx, list.id, list.year, listFen);
    return {
      list: {
        id: list.id,
        year: list.year,
        batchNo: list.batchNo,
        title: proposedListTitle(list.year, list.batchNo),
        status: list.status,
        statusLabel: PROPOSED_LIST_STATUS_LABELS[list.status],
        noticeStart: list.noticeStart,
        noticeEnd: list.noticeEnd,
        draftedBy: list.draftedBy,
        cosignedBy: list.cosignedBy,
        cosignedAt: list.cosignedAt,
        approvedBy: list.approvedBy,
        approvedAt: list.approvedAt,
        version: list.version,
        createdAt: list.createdAt,
        updatedAt: list.updatedAt,
      },
      items: onList,
      removedItems: items.filter((i) => !i.onList),
      totals: {
        count: onList.length,
        verifiedFen: listFen,
        payableFen: onList.reduce((s, i) => s + (i.subsidyFen ?? 0), 0),
        contractAmountFen: onList.reduce((s, i) => s + (i.contractAmountFen ?? 0), 0),
      },
      budget,
      budgetWarning: budget.warning,
      objections: objections.map(objectionView),
      /** Why city finance could not approve the list today (empty: it can). */
      approvalBlockers: list.status === 'approved' ? [] : this.blockers(list, onList, today, budget),
    };
  }

  private blockers(list: SubsidyList, onList: ListItemView[], today: string, budget: ListBudgetCheck): string[] {
    const out: string[] = [];
    if (list.status === 'draft') out.push('名单尚未经市财政局会签');
    if (list.status === 'notice' && list.noticeEnd && compareDates(today, list.noticeEnd) <= 0)
      out.push(`公示期至${list.noticeEnd}结束，期满后才能审批`);
    const pending = onList.reduce((s, i) => s + i.pendingObjections, 0);
    if (pending > 0) out.push(`有${pending}件公示异议尚未处理`);
    if (!onList.some((i) => i.status === 'listed')) out.push('名单上没有待审批的申请');
    if (budget.budgetFen === null) out.push(budget.warning ?? '尚未设定年度预算');
    else if (budget.exceedsByFen > 0) out.push(`${budget.warning}；如确需审批，请确认超出预算（acknowledgeOverBudget）`);
    return out;
  }

  /** The 拟补贴名单 for renderProposedListXlsx: the applications still on the list, in order. */
  async documentSource(id: string): Promise<ProposedListInput> {
    return this.deps.db.read(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      const items = (await itemsOf(tx, id)).filter((i) => i.onList);
      const budget = await findBudget(tx, list.year);
      const listFen = items.reduce((s, i) => s + i.itemVerifiedFen, 0);
      const check = await checkListBudget(tx, id, list.year, listFen);
      return {
        year: list.year,
        batchNo: list.batchNo,
        status: list.status,
        noticeStart: list.noticeStart,
        noticeEnd: list.noticeEnd,
        rows: items.map((i) => ({
          countyName: i.countyName ?? i.countyCode,
          trackingNo: i.trackingNo ?? '',
          enterpriseName: i.enterprise.name,
          creditCode: i.enterprise.creditCode,
          providerName: i.provider?.name ?? '',
          contractAmountFen: i.contractAmountFen ?? 0,
          paidAmountFen: i.paidAmountFen ?? 0,
          // Never below the verified amount: the payable amount at city review bounded it (DESIGN.md).
          payableFen: Math.max(i.subsidyFen ?? 0, i.itemVerifiedFen),
          verifiedFen: i.itemVerifiedFen,
          reductionReason: i.itemVerifiedFen < (i.subsidyFen ?? 0) ? i.verifiedReason : null,
          note: i.status === 'listed' ? null : reviewerLabel(i.status),
        })),
        budget: budget ? { budgetFen: budget.budgetFen, committedBeforeFen: check.committedBeforeFen } : undefined,
      };
    });
  }

  // ---- drafting (city MIIT) -----------------------------------------------------------------------

  /** Checks that every application may go on a list; refuses with one detail per application. */
  private async checkCandidates(tx: Tx, ids: readonly string[]): Promise<Application[]> {
    const apps: Application[] = [];
    const missing: ErrorDetail[] = [];
    const wrong: ErrorDetail[] = [];
    for (const [i, id] of ids.entries()) {
      const app = await findApplication(tx, id);
      if (!app) missing.push({ path: `applicationIds.${i}`, message: '没有这份申请' });
      else if (app.status !== 'city_approved' || app.verifiedFen === null)
        wrong.push({
          path: `applicationIds.${i}`,
          message: `申请 ${app.trackingNo ?? app.id} 现在是“${reviewerLabel(app.status)}”，只有市工信局已核定金额、待列入名单的申请可以列入`,
        });
      else apps.push(app);
    }
    if (missing.length) throw new InvalidInputError(`有${missing.length}份申请不存在，请核对后重试`, missing);
    if (wrong.length) throw new ConflictError(`有${wrong.length}份申请不能列入拟补贴名单`, 'not_city_approved', wrong);
    return apps;
  }

  private async putOn(tx: Tx, auth: Actor, list: SubsidyList, apps: Application[]): Promise<void> {
    for (const app of apps) {
      await this.deps.engine.run(tx, app.id, {
        event: 'put_on_list',
        auth,
        expectedVersion: app.version,
        columns: { listId: list.id },
        data: { listId: list.id, year: list.year, batchNo: list.batchNo, verifiedFen: app.verifiedFen },
        actorRole: 'city_miit',
      });
      const existing = await findListItem(tx, list.id, app.id);
      if (existing) {
        // Taken off this draft earlier and put back: the item is reinstated (its removal stays in the history).
        await reinstateListItem(tx, existing.id, app.verifiedFen!);
      } else {
        await insertListItem(tx, {
          id: newId(),
          listId: list.id,
          applicationId: app.id,
          verifiedFen: app.verifiedFen!,
          removedAt: null,
          removedReason: null,
        });
      }
    }
  }

  private checkYear(year: number): void {
    const thisYear = Number(shanghaiDate(this.deps.now()).slice(0, 4));
    if (year < FIRST_YEAR || year > thisYear + 1)
      throw new InvalidInputError(`年度须在 ${FIRST_YEAR} 至 ${thisYear + 1} 之间`, [
        { path: 'year', message: `年度须在 ${FIRST_YEAR} 至 ${thisYear + 1} 之间` },
      ]);
  }

  async create(auth: Actor, input: { year: number; applicationIds: string[] }) {
    this.checkYear(input.year);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const apps = await this.checkCandidates(tx, input.applicationIds);
      const batchNo = await nextListBatchNo(tx, input.year);
      const list: SubsidyList = {
        id: newId(),
        year: input.year,
        batchNo,
        status: 'draft',
        noticeStart: null,
        noticeEnd: null,
        draftedBy: auth.userId,
        cosignedBy: null,
        cosignedAt: null,
        approvedBy: null,
        approvedAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await insertList(tx, list);
      await this.putOn(tx, auth, list, apps);
      await this.deps.audit.append(tx, {
        action: 'list.create',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: list.id,
        data: {
          year: list.year,
          batchNo,
          applicationIds: apps.map((a) => a.id),
          verifiedTotalFen: apps.reduce((s, a) => s + (a.verifiedFen ?? 0), 0),
        },
      });
      return this.view(tx, list, shanghaiDate(now));
    });
  }

  async addItems(auth: Actor, id: string, input: { version: number; applicationIds: string[] }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.draftList(tx, id, input.version);
      await bumpList(tx, list, {}, now);
      const current = (await itemsOf(tx, id)).filter((i) => i.onList).length;
      if (current + input.applicationIds.length > MAX_ITEMS)
        throw new InvalidInputError(`一份名单最多 ${MAX_ITEMS} 份申请`, [
          { path: 'applicationIds', message: `一份名单最多 ${MAX_ITEMS} 份申请` },
        ]);
      const apps = await this.checkCandidates(tx, input.applicationIds);
      await this.putOn(tx, auth, list, apps);
      await this.deps.audit.append(tx, {
        action: 'list.add_items',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { applicationIds: apps.map((a) => a.id) },
      });
      return this.view(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /** Takes an application off a draft list: back to city review (take_off_list → reported) with the reason. */
  async removeItem(auth: Actor, id: string, applicationId: string, input: { version: number; reason: string }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.draftList(tx, id, input.version);
      await bumpList(tx, list, {}, now);
      const item = await findListItem(tx, id, applicationId);
      const app = await findApplication(tx, applicationId);
      if (!item || item.removedAt !== null || !app || app.listId !== id) throw new NotFoundError('这份申请不在这份名单上');
      await this.deps.engine.run(tx, applicationId, {
        event: 'take_off_list',
        auth,
        expectedVersion: app.version,
        reason: input.reason,
        columns: { listId: null },
        data: { listId: id },
        actorRole: 'city_miit',
      });
      await removeListItem(tx, item.id, now, input.reason);
      await this.deps.audit.append(tx, {
        action: 'list.remove_item',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { applicationId, reason: input.reason },
      });
      return this.view(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  private async draftList(tx: Tx, id: string, version: number): Promise<SubsidyList> {
    const list = await findList(tx, id);
    if (!list) throw new NotFoundError('没有这份拟补贴名单');
    if (list.version !== version) throw listStale();
    if (list.status !== 'draft')
      throw new ConflictError(`名单已是“${PROPOSED_LIST_STATUS_LABELS[list.status]}”，不能再增减申请`, 'invalid_transition');
    return list;
  }

  // ---- co-signing, notice, objections, approval -----------------------------------------------------

  /** 市工信局会同市财政局: city finance co-signs the draft. */
  async cosign(auth: Actor, id: string, input: { version: number }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      if (list.version !== input.version) throw listStale();
      if (list.status !== 'draft')
        throw new ConflictError(`名单已是“${PROPOSED_LIST_STATUS_LABELS[list.status]}”，不能再会签`, 'invalid_transition');
      if (list.draftedBy === auth.userId) throw new ForbiddenError('起草名单的人不能会签同一份名单');
      const onList = (await itemsOf(tx, id)).filter((i) => i.onList);
      if (!onList.length) throw new ConflictError('名单上没有申请，不能会签', 'empty_list');
      await bumpList(tx, list, { status: 'cosigned', cosignedBy: auth.userId, cosignedAt: now }, now);
      await this.deps.audit.append(tx, {
        action: 'list.cosign',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { version: list.version + 1, count: onList.length, verifiedTotalFen: onList.reduce((s, i) => s + i.itemVerifiedFen, 0) },
      });
      return this.view(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /**
   * The optional public notice (公示), after co-signing. Once the notice runs, its start stays and its
   * end may only be extended: objections already received must stay inside the period.
   */
  async notice(auth: Actor, id: string, input: { version: number; start: string; end: string }) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    return this.deps.db.transaction(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      if (list.version !== input.version) throw listStale();
      if (list.status !== 'cosigned' && list.status !== 'notice')
        throw new ConflictError(
          list.status === 'draft' ? '名单须先经市财政局会签，才能公示' : '名单已审批，不能再公示',
          'invalid_transition',
        );
      const bad = (path: string, message: string) => new InvalidInputError(message, [{ path, message }]);
      if (compareDates(input.start, input.end) > 0) throw bad('end', '公示结束日期不能早于开始日期');
      if (daysBetween(input.start, input.end) > MAX_NOTICE_DAYS) throw bad('end', `公示期不超过 ${MAX_NOTICE_DAYS} 天`);
      const cosignedOn = shanghaiDate(list.cosignedAt ?? now);
      if (compareDates(input.start, cosignedOn) < 0) throw bad('start', `公示的是会签后的名单：开始日期不能早于会签日期 ${cosignedOn}`);
      if (list.status === 'notice') {
        if (input.start !== list.noticeStart) throw bad('start', `公示已于 ${list.noticeStart} 开始，开始日期不能更改`);
        if (compareDates(input.end, list.noticeEnd!) < 0) throw bad('end', `公示期只能延长，不能早于原定结束日期 ${list.noticeEnd}`);
      } else if (compareDates(input.end, today) < 0) {
        throw bad('end', '公示结束日期不能早于今天');
      }
      await bumpList(tx, list, { status: 'notice', noticeStart: input.start, noticeEnd: input.end }, now);
      await this.deps.audit.append(tx, {
        action: list.status === 'notice' ? 'list.notice_extend' : 'list.notice',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { start: input.start, end: input.end, previousEnd: list.noticeEnd },
      });
      return this.view(tx, (await findList(tx, id))!, today);
    });
  }

  /** An objection received during the notice, against one application on the list. */
  async recordObjection(auth: Actor, id: string, input: ObjectionInput) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    return this.deps.db.transaction(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      if (list.status !== 'notice') throw new ConflictError('名单不在公示期，不能登记公示异议', 'not_in_notice');
      const bad = (path: string, message: string) => new InvalidInputError(message, [{ path, message }]);
      if (compareDates(input.receivedOn, list.noticeStart!) < 0 || compareDates(input.receivedOn, list.noticeEnd!) > 0)
        throw bad('receivedOn', `收到异议的日期须在公示期 ${list.noticeStart} 至 ${list.noticeEnd} 之内`);
      if (compareDates(input.receivedOn, today) > 0) throw bad('receivedOn', '收到异议的日期不能晚于今天');
      const item = (await itemsOf(tx, id)).find((i) => i.id === input.applicationId && i.onList);
      if (!item) throw bad('applicationId', '这份申请不在这份名单上');
      await bumpList(tx, list, {}, now);
      const row: ListObjection = {
        id: newId(),
        listId: id,
        applicationId: input.applicationId,
        content: input.content,
        objector: input.objector ?? null,
        receivedOn: input.receivedOn,
        decision: 'pending',
        recordedBy: auth.userId,
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        createdAt: now,
      };
      await insertObjection(tx, row);
      await this.deps.audit.append(tx, {
        action: 'list.objection',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { objectionId: row.id, applicationId: input.applicationId, receivedOn: input.receivedOn },
      });
      return { objection: objectionView(row) };
    });
  }

  /**
   * Decides an objection (city MIIT). Upheld: that application leaves the list — back to city review
   * (take_off_list) or rejected with the reason (city_reject) — and the rest of the list goes on.
   */
  async decideObjection(auth: Actor, objectionId: string, input: ObjectionDecisionInput) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const objection = await findObjection(tx, objectionId);
      if (!objection) throw new NotFoundError('没有这件公示异议');
      if (objection.decision !== 'pending') throw new ConflictError('这件异议已经处理过了', 'already_decided');
      const list = (await findList(tx, objection.listId))!;
      await bumpList(tx, list, {}, now);
      const item = await findListItem(tx, list.id, objection.applicationId);
      const app = await findApplication(tx, objection.applicationId);
      const stillOn = !!item && item.removedAt === null && !!app && app.listId === list.id && app.status === 'listed';
      let outcome: 'back_to_review' | 'reject' | null = null;
      if (input.decision === 'upheld' && stillOn) {
        outcome = input.outcome ?? 'back_to_review';
        const reason = `公示异议成立：${input.reason}`;
        await this.deps.engine.run(tx, app.id, {
          event: outcome === 'reject' ? 'city_reject' : 'take_off_list',
          auth,
          expectedVersion: app.version,
          reason,
          columns: outcome === 'reject' ? { listId: null, lastReason: reason } : { listId: null },
          data: { listId: list.id, objectionId },
          actorRole: 'city_miit',
        });
        await removeListItem(tx, item.id, now, reason);
      }
      const decided = await decidePendingObjection(tx, objectionId, {
        decision: input.decision,
        decidedBy: auth.userId,
        decidedAt: now,
        decisionReason: input.reason,
      });
      if (!decided) throw new ConflictError('这件异议已经处理过了', 'already_decided');
      await this.deps.audit.append(tx, {
        action: 'list.objection_decide',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: list.id,
        data: { objectionId, applicationId: objection.applicationId, decision: input.decision, outcome, reason: input.reason },
      });
      const after = (await findObjection(tx, objectionId))!;
      return { objection: objectionView(after), outcome, ...(await this.view(tx, (await findList(tx, list.id))!, shanghaiDate(now))) };
    });
  }

  /**
   * 市财政局…履行相关审批程序: city finance approves the co-signed list — after its notice, if any, has
   * ended and with no objection pending; never by the person who co-signed it. Every application still
   * on the list goes through approve_list in this one transaction. A list that would take the year past
   * its budget is refused unless the approver acknowledges it (acknowledgeOverBudget), which the audit
   * records with the amount; a year without a budget cannot be approved at all.
   */
  async approve(auth: Actor, id: string, input: { version: number; acknowledgeOverBudget?: boolean }) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    return this.deps.db.transaction(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      if (list.version !== input.version) throw listStale();
      if (list.status === 'draft') throw new ConflictError('名单须先经市财政局会签，才能审批', 'not_cosigned');
      if (list.status === 'approved') throw new ConflictError('名单已经审批', 'invalid_transition');
      // Four eyes (DESIGN.md): one person never co-signs and approves the same list.
      if (list.cosignedBy === auth.userId) throw new ForbiddenError('会签这份名单的人不能再审批同一份名单，请由市财政局另一位人员审批');
      if (list.draftedBy === auth.userId) throw new ForbiddenError('起草这份名单的人不能审批同一份名单');
      if (list.status === 'notice' && compareDates(today, list.noticeEnd!) <= 0)
        throw new ConflictError(`公示期至 ${list.noticeEnd} 结束，期满后才能审批`, 'notice_running');
      // Take the list first: from here no objection, item or notice change can slip in beside us.
      await bumpList(tx, list, { status: 'approved', approvedBy: auth.userId, approvedAt: now }, now);
      const items = await itemsOf(tx, id);
      const pending = items.filter((i) => i.onList && i.pendingObjections > 0);
      if (pending.length)
        throw new ConflictError(
          `有${pending.length}份申请的公示异议尚未处理，请市工信局先处理`,
          'objection_pending',
          pending.map((i) => ({ path: `applications.${i.id}`, message: `${i.enterprise.name}：异议待处理` })),
        );
      const toApprove = items.filter((i) => i.onList && i.status === 'listed');
      // Live items whose application has left the list otherwise (e.g. its payments shrank) leave it now.
      for (const gone of items.filter((i) => i.removedAt === null && !i.onList)) {
        await removeListItem(tx, gone.itemId, now, `审批时已不在名单上（${gone.statusLabel}）`);
      }
      if (!toApprove.length) throw new ConflictError('名单上没有待审批的申请', 'empty_list');
      const listFen = toApprove.reduce((s, i) => s + i.itemVerifiedFen, 0);
      const budget = await checkListBudget(tx, id, list.year, listFen);
      if (budget.budgetFen === null) throw new ConflictError(budget.warning!, 'no_budget');
      if (budget.exceedsByFen > 0 && input.acknowledgeOverBudget !== true) {
        throw new ConflictError(`${budget.warning}。如确需审批，请确认超出预算后再提交（acknowledgeOverBudget: true）`, 'over_budget', [
          { path: 'acknowledgeOverBudget', message: `超出预算 ${formatYuan(budget.exceedsByFen)}` },
        ]);
      }
      for (const item of toApprove) {
        const app = (await findApplication(tx, item.id))!;
        await this.deps.engine.run(tx, item.id, {
          event: 'approve_list',
          auth,
          expectedVersion: app.version,
          data: { listId: id, year: list.year, batchNo: list.batchNo, verifiedFen: item.itemVerifiedFen },
          actorRole: 'city_finance',
        });
      }
      await this.deps.audit.append(tx, {
        action: 'list.approve',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: {
          count: toApprove.length,
          verifiedTotalFen: listFen,
          budgetFen: budget.budgetFen,
          committedBeforeFen: budget.committedBeforeFen,
          exceedsByFen: budget.exceedsByFen,
          acknowledgedOverBudget: budget.exceedsByFen > 0,
        },
      });
      return this.view(tx, (await findList(tx, id))!, today);
    });
  }
}
