import type { Tx } from '../../db/tx';
import { ConflictError, NotFoundError } from '../errors';
import { versionHistory } from '../documentVersions';
import { PROPOSED_LIST_STATUS_LABELS, proposedListTitle, type ProposedListInput } from '../../documents';
import { compareDates, shanghaiDate } from '../../../../shared/src/rules/calendar';
import type { ApplicationDeps } from '../applications/deps';
import { checkListBudget, type ListBudgetCheck } from './budget';
import { summariesOf, type CityApplicationSummary } from './cityReview';
import { reviewerLabel } from '../../../../shared/src/workflow/application';
import { findBudget } from '../../db/budget';
import { findList, listItems, listOverviews, type SubsidyList, type ListStatus } from '../../db/lists';
import { objectionsOf, pendingObjectionCounts, type ListObjection } from '../../db/lists/objections';
import { actorNames } from '../../db/users';
import { personName } from '../../../../shared/src/contracts/people';
import { roundNamesOf } from '../rounds/rounds';
import { policyVersionIdsOf } from '../../db/applications/city';
import { versionById, versionLabel } from '../../../../shared/src/rules/parameters';

/** '<文号>，<date> 起施行' of a recorded version, or null for an application that recorded none. */
function versionText(versionId: string | null | undefined): string | null {
  const version = versionId ? versionById(versionId) : undefined;
  return version ? versionLabel(version) : null;
}

/** '政策版本：…' for a row's 备注. */
function perRow(versionId: string | null | undefined): string | null {
  const text = versionText(versionId);
  return text === null ? null : `政策版本：${text}`;
}

/**
 * Reading a proposed list (拟补贴名单): the overview of the lists, one list with its applications,
 * totals, budget check, objections and what still blocks its approval, and the rows of its Excel
 * document. Every change of a list answers with the same view (listView).
 */

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

export function objectionView(o: ListObjection) {
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

/** A list's lines, removed ones included, each with its application as the city sees it and its pending objections. */
export async function itemsOf(tx: Tx, listId: string): Promise<ListItemView[]> {
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

/**
 * The list's title with its round (申报批次, issue 18): 2026年…拟补贴名单（第1批，2026年第2批申报）. The
 * documents' title (documents/, the pack's words) stays whole; the round goes inside its closing bracket.
 */
export function titleWithRound(year: number, batchNo: number, roundName: string | null): string {
  const title = proposedListTitle(year, batchNo);
  if (!roundName) return title;
  return title.endsWith('）') ? `${title.slice(0, -1)}，${roundName}申报）` : `${title}（${roundName}申报）`;
}

/** The round (申报批次) a list was drafted for, by name (issue 18); null: applications from before rounds. */
async function roundOfList(tx: Tx, roundId: string | null): Promise<{ id: string; name: string } | null> {
  if (!roundId) return null;
  const name = (await roundNamesOf(tx, [roundId])).get(roundId);
  return name ? { id: roundId, name } : null;
}

/** A list as every reader and every change of it answers. */
export async function listView(tx: Tx, list: SubsidyList, today: string) {
  const items = await itemsOf(tx, list.id);
  const onList = items.filter((i) => i.onList);
  const objections = await objectionsOf(tx, list.id);
  const listFen = onList.reduce((s, i) => s + i.itemVerifiedFen, 0);
  const budget = await checkListBudget(tx, list.id, list.year, listFen);
  const round = await roundOfList(tx, list.roundId ?? null);
  return {
    list: {
      id: list.id,
      year: list.year,
      batchNo: list.batchNo,
      title: titleWithRound(list.year, list.batchNo, round?.name ?? null),
      round,
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
    approvalBlockers:
      list.status === 'approved' ? [] : list.status === 'cancelled' ? ['名单已撤销'] : approvalBlockers(list, onList, today, budget),
    versions: await versionHistory(tx, 'subsidy_list', list.id),
  };
}

/** Why city finance could not approve the list today, in the words of the list's page (empty: it can). */
function approvalBlockers(list: SubsidyList, onList: ListItemView[], today: string, budget: ListBudgetCheck): string[] {
  const out: string[] = [];
  if (list.status === 'draft') out.push('名单尚未经市财政局会签');
  if (list.status === 'notice' && list.noticeEnd && compareDates(today, list.noticeEnd) <= 0)
    out.push(`公示期至${list.noticeEnd}结束，期满后才能审批`);
  const pending = onList.reduce((s, i) => s + i.pendingObjections, 0);
  if (pending > 0) out.push(`有${pending}件公示异议尚未处理`);
  if (!onList.some((i) => i.status === 'listed')) out.push('名单上没有待审批的申请');
  if (budget.budgetFen === null) out.push(budget.warning ?? '尚未设定年度预算');
  else if (budget.exceedsByFen > 0) out.push(`${budget.warning}；如确需审批，请在审批时确认超出预算`);
  return out;
}

/** The reading use cases: any city reviewer may read every list. */
export class ListReading {
  constructor(private readonly deps: ApplicationDeps) {}

  async list(filter: { year?: number; status?: ListStatus }) {
    return this.deps.db.read(async (tx) => {
      const rows = await listOverviews(tx, filter);
      const names = await roundNamesOf(
        tx,
        rows.map((r) => r.roundId),
      );
      const roundOf = (id: string | null) => (id && names.has(id) ? { id, name: names.get(id)! } : null);
      return {
        items: rows.map((r) => ({
          id: r.id,
          year: r.year,
          batchNo: r.batchNo,
          title: titleWithRound(r.year, r.batchNo, roundOf(r.roundId)?.name ?? null),
          round: roundOf(r.roundId),
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
      return listView(tx, list, today);
    });
  }

  /** The 拟补贴名单 for renderProposedListXlsx: the applications still on the list, in order. */
  async documentSource(id: string): Promise<ProposedListInput> {
    return this.deps.db.read(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      // A cancelled list is never printed: its applications may stand on another one.
      if (list.status === 'cancelled') throw new ConflictError('这份拟补贴名单已撤销，不能再下载', 'list_cancelled');
      const items = (await itemsOf(tx, id)).filter((i) => i.onList);
      const versions = await policyVersionIdsOf(
        tx,
        items.map((i) => i.id),
      );
      const budget = await findBudget(tx, list.year);
      const listFen = items.reduce((s, i) => s + i.itemVerifiedFen, 0);
      const check = await checkListBudget(tx, id, list.year, listFen);
      const round = await roundOfList(tx, list.roundId ?? null);
      // One version for the whole list (the usual case) is said once; a list across a revision says it per row.
      const texts = new Set(items.map((i) => versionText(versions.get(i.id))));
      const shared = texts.size === 1 ? [...texts][0] : null;
      return {
        year: list.year,
        batchNo: list.batchNo,
        title: titleWithRound(list.year, list.batchNo, round?.name ?? null),
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
          // Issue 18 item 3: the policy version each amount was computed under, by 文号 and date.
          note:
            [i.status === 'listed' ? null : reviewerLabel(i.status), shared ? null : perRow(versions.get(i.id))]
              .filter(Boolean)
              .join('；') || null,
        })),
        policyVersion: shared,
        budget: budget ? { budgetFen: budget.budgetFen, committedBeforeFen: check.committedBeforeFen } : undefined,
        signatures: await signaturesOf(tx, list),
      };
    });
  }
}

/**
 * Who did each step of the list so far, by name (or their role's Chinese name where none is on file), and
 * the day: 市工信局 drafted it, 市财政局 co-signed and approved it (三（五）, DESIGN.md "Four eyes").
 */
async function signaturesOf(tx: Tx, list: SubsidyList): Promise<NonNullable<ProposedListInput['signatures']>> {
  const names = await actorNames(
    tx,
    [list.draftedBy, list.cosignedBy, list.approvedBy].filter((id): id is string => id !== null),
  );
  const signer = (id: string | null, at: number | null, role: 'city_miit' | 'city_finance') =>
    id === null || at === null ? null : { name: personName(names.get(id), role), on: shanghaiDate(at) };
  return {
    drafted: signer(list.draftedBy, list.createdAt, 'city_miit'),
    cosigned: signer(list.cosignedBy, list.cosignedAt, 'city_finance'),
    approved: signer(list.approvedBy, list.approvedAt, 'city_finance'),
  };
}
