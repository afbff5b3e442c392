import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { NotFoundError } from '../errors';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import { formatYuan } from '../../../../shared/src/glossary/money';
import type { ApplicationDeps } from '../applications/deps';
import { claimNoticeEndAnnouncement, findList, type SubsidyList } from '../../db/lists';
import { checkListBudget } from './budget';
import { ListEffects } from './listEffects';
import { carryOut, checkVersion, decideList, listContext, moveList } from './listTransitions';
import { itemsOf, listView } from './listViews';
import { requireListStaysPayable } from '../ledger/fourEyes';
import { alertCityFinanceOfList, tellEnterprisesOfNotice } from '../notifications/alerts';

/**
 * The bureaus' decisions on a drafted list (三（五）市财政局会同市工信局履行相关审批程序): city finance co-signs it,
 * city MIIT may put it to a public notice (公示), and city finance approves it — each an event of the
 * list's machine, whose guards hold four eyes (three different people draft, co-sign and approve), the
 * notice's dates, pending objections and the year's budget.
 */
export class ListDecisions {
  private readonly effects: ListEffects;

  constructor(private readonly deps: ApplicationDeps) {
    this.effects = new ListEffects(deps);
  }

  private async openList(tx: Tx, id: string, version: number): Promise<SubsidyList> {
    const list = await findList(tx, id);
    if (!list) throw new NotFoundError('没有这份拟补贴名单');
    checkVersion(list, version);
    return list;
  }

  /** 市工信局会同市财政局: city finance co-signs the draft. */
  async cosign(auth: Actor, id: string, input: { version: number }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const onList = list.status === 'draft' ? (await itemsOf(tx, id)).filter((i) => i.onList) : [];
      const decision = decideList(list, 'cosign', auth, listContext(list, auth, now, { itemCount: onList.length }));
      await requireListStaysPayable(tx, id, auth.userId, 'cosign', null);
      await moveList(tx, list, decision, { cosignedBy: auth.userId, cosignedAt: now }, now);
      await this.deps.audit.append(tx, {
        action: 'list.cosign',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { version: list.version + 1, count: onList.length, verifiedTotalFen: onList.reduce((s, i) => s + i.itemVerifiedFen, 0) },
      });
      // The co-signed list may now be approved (after its notice, if one is held): by city finance, never its co-signer.
      await alertCityFinanceOfList(
        tx,
        'awaiting_approval',
        { ...list, version: list.version + 1 },
        { count: onList.length, totalFen: onList.reduce((s, i) => s + i.itemVerifiedFen, 0) },
        [auth.userId, list.draftedBy],
        now,
      );
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /**
   * The optional public notice (公示), after co-signing. Once the notice runs, its start stays and its
   * end may only be extended: objections already received must stay inside the period.
   */
  async notice(auth: Actor, id: string, input: { version: number; start: string; end: string }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const decision = decideList(list, 'notice', auth, listContext(list, auth, now, { noticeStart: input.start, noticeEnd: input.end }));
      await moveList(tx, list, decision, { noticeStart: input.start, noticeEnd: input.end }, now);
      await this.deps.audit.append(tx, {
        action: list.status === 'notice' ? 'list.notice_extend' : 'list.notice',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { start: input.start, end: input.end, previousEnd: list.noticeEnd },
      });
      // The enterprises on the list hear of its notice: the period, or its new end when it is extended.
      if (list.noticeEnd !== input.end) {
        const members = (await itemsOf(tx, id)).filter((i) => i.onList).map((i) => i.id);
        const phase = list.status === 'notice' ? 'extended' : 'started';
        await tellEnterprisesOfNotice(
          tx,
          phase,
          { ...list, noticeStart: input.start, noticeEnd: input.end },
          members,
          `subsidy_list:${id}:notice_${phase}:${input.end}`,
          now,
        );
      }
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
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
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const items = await itemsOf(tx, id);
      const pending = items.filter((i) => i.onList && i.pendingObjections > 0);
      const toApprove = items.filter((i) => i.onList && i.status === 'listed');
      const listFen = toApprove.reduce((s, i) => s + i.itemVerifiedFen, 0);
      const budget = await checkListBudget(tx, id, list.year, listFen);
      const decision = decideList(
        list,
        'approve',
        auth,
        listContext(list, auth, now, {
          applicationsWithPendingObjections: pending.length,
          listedCount: toApprove.length,
          budgetFen: budget.budgetFen,
          exceedsBudgetByFen: budget.exceedsByFen,
          budgetWarning: budget.warning,
          acknowledgeOverBudget: input.acknowledgeOverBudget === true,
        }),
        {
          noObjectionPending: pending.map((i) => ({ path: `applications.${i.id}`, message: `${i.enterprise.name}：异议待处理` })),
          withinBudgetOrAcknowledged: [{ path: 'acknowledgeOverBudget', message: `超出预算 ${formatYuan(budget.exceedsByFen)}` }],
        },
      );
      await requireListStaysPayable(tx, id, auth.userId, 'approve', list.cosignedBy);
      // Approved before the worker announced its notice's end (noticeEnds.ts): the enterprises hear of that end now, once.
      const unannouncedEnd = list.status === 'notice' && !!list.noticeEnd && (await claimNoticeEndAnnouncement(tx, id, list.noticeEnd));
      // The conditional UPDATE fails if an objection, an item or the notice changed since the list was read above.
      await moveList(tx, list, decision, { approvedBy: auth.userId, approvedAt: now }, now);
      await carryOut(decision, {
        closeDepartedItems: () => this.effects.closeDepartedItems(tx, items, now),
        approveApplications: () => this.effects.approveApplications(tx, auth, list, toApprove),
      });
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
      if (unannouncedEnd)
        await tellEnterprisesOfNotice(
          tx,
          'ended',
          list,
          items.filter((i) => i.onList).map((i) => i.id),
          `subsidy_list:${id}:notice_ended:${list.noticeEnd}`,
          now,
        );
      // One alert for the list's payments, to city finance but the approver (who does not record them, DESIGN.md "Four eyes").
      await alertCityFinanceOfList(
        tx,
        'awaiting_payment',
        { ...list, version: list.version + 1 },
        { count: toApprove.length, totalFen: listFen },
        [auth.userId],
        now,
      );
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }
}
