import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { newId } from '../../ids';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import type { ApplicationDeps } from '../applications/deps';
import { reviewerLabel } from '../../../../shared/src/workflow/application';
import { findApplication, type Application } from '../../db/applications';
import { findList, findListItem, insertList, nextListBatchNo, type SubsidyList } from '../../db/lists';
import { ListEffects } from './listEffects';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { alertCityFinanceOfList } from '../notifications/alerts';
import { recordVersion } from '../documentVersions';
import { carryOut, checkVersion, decideList, listContext, moveList } from './listTransitions';
import { itemsOf, listView } from './listViews';
import { roundNamesOf } from '../rounds/rounds';
import { NO_ROUND } from '../../../../shared/src/workflow/rounds';

/**
 * Drafting a proposed list (city MIIT, 三（五）市工信局会同市财政局根据审核结果提出拟补贴名单): a new list with its
 * first applications, applications added to the draft, and applications taken off it with a reason.
 * Each goes through the list's machine (add_items, remove_item) until city finance co-signs; until then
 * the draft may also be cancelled with a reason (DESIGN.md "Corrections after the fact"). Every change
 * of its members is kept as a version of the list (document_versions).
 */

/** The policy (细则八) was issued in 2023: no list belongs to a year before it. */
const FIRST_YEAR = 2023;

export class ListDrafting {
  private readonly effects: ListEffects;

  constructor(private readonly deps: ApplicationDeps) {
    this.effects = new ListEffects(deps);
  }

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

  /**
   * Issue 18: a list holds the applications of one round (申报批次) only — those submitted before rounds
   * count as one more. Answers the round of the list; refuses a mix, naming each application's round.
   */
  private async checkOneRound(tx: Tx, apps: readonly Application[], listRound?: string | null): Promise<string | null> {
    const round = listRound !== undefined ? listRound : (apps[0]?.roundId ?? null);
    const strays = apps.filter((a) => (a.roundId ?? null) !== round);
    if (!strays.length) return round;
    const names = await roundNamesOf(tx, [round, ...apps.map((a) => a.roundId)]);
    const nameOf = (id: string | null | undefined) => (id ? (names.get(id) ?? '另一批次') : NO_ROUND);
    const details = strays.map((a) => ({
      path: `applicationIds.${apps.indexOf(a)}`,
      message: `申请 ${a.trackingNo ?? a.id} 属于${nameOf(a.roundId)}`,
    }));
    const message =
      listRound !== undefined
        ? `这份拟补贴名单是${nameOf(round)}的，${details.map((d) => d.message).join('、')}，请列入该批次的名单`
        : `拟补贴名单按申报批次编制，所选申请分属${[...new Set(apps.map((a) => nameOf(a.roundId)))].join('、')}，请每个批次分别编制名单`;
    throw new InvalidInputError(message, details);
  }

  private checkYear(year: number): void {
    const thisYear = Number(shanghaiDate(this.deps.now()).slice(0, 4));
    if (year < FIRST_YEAR || year > thisYear + 1)
      throw new InvalidInputError(`年度须在 ${FIRST_YEAR} 至 ${thisYear + 1} 之间`, [
        { path: 'year', message: `年度须在 ${FIRST_YEAR} 至 ${thisYear + 1} 之间` },
      ]);
  }

  private async openList(tx: Tx, id: string, version: number): Promise<SubsidyList> {
    const list = await findList(tx, id);
    if (!list) throw new NotFoundError('没有这份拟补贴名单');
    checkVersion(list, version);
    return list;
  }

  /**
   * A new list in the machine's initial state (draft), whose first applications go on it as the
   * machine's add_items does: the item limit, and put_on_list for each.
   */
  async create(auth: Actor, input: { year: number; applicationIds: string[] }) {
    this.checkYear(input.year);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const apps = await this.checkCandidates(tx, input.applicationIds);
      const roundId = await this.checkOneRound(tx, apps);
      const batchNo = await nextListBatchNo(tx, input.year);
      const list: SubsidyList = {
        id: newId(),
        year: input.year,
        batchNo,
        status: 'draft',
        noticeStart: null,
        noticeEnd: null,
        roundId,
        draftedBy: auth.userId,
        cosignedBy: null,
        cosignedAt: null,
        approvedBy: null,
        approvedAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      const decision = decideList(list, 'add_items', auth, listContext(list, auth, now, { itemCount: 0, adding: apps.length }));
      await insertList(tx, list);
      await carryOut(decision, { putApplicationsOnList: () => this.effects.putApplicationsOnList(tx, auth, list, apps) });
      await this.deps.audit.append(tx, {
        action: 'list.create',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: list.id,
        data: {
          year: list.year,
          batchNo,
          roundId,
          applicationIds: apps.map((a) => a.id),
          verifiedTotalFen: apps.reduce((s, a) => s + (a.verifiedFen ?? 0), 0),
        },
      });
      await this.version(tx, auth, list.id, 'created', 'draft', null, now);
      // City finance hears once that a new draft waits for its co-signature (corrections to the draft do not alert again).
      await alertCityFinanceOfList(
        tx,
        'awaiting_cosign',
        list,
        { count: apps.length, totalFen: apps.reduce((s, a) => s + (a.verifiedFen ?? 0), 0) },
        [auth.userId],
        now,
      );
      return listView(tx, list, shanghaiDate(now));
    });
  }

  async addItems(auth: Actor, id: string, input: { version: number; applicationIds: string[] }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const itemCount = (await itemsOf(tx, id)).filter((i) => i.onList).length;
      const decision = decideList(
        list,
        'add_items',
        auth,
        listContext(list, auth, now, { itemCount, adding: input.applicationIds.length }),
      );
      const apps = await this.checkCandidates(tx, input.applicationIds);
      await this.checkOneRound(tx, apps, list.roundId ?? null);
      await moveList(tx, list, decision, {}, now);
      await carryOut(decision, { putApplicationsOnList: () => this.effects.putApplicationsOnList(tx, auth, list, apps) });
      await this.deps.audit.append(tx, {
        action: 'list.add_items',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { applicationIds: apps.map((a) => a.id) },
      });
      await this.version(tx, auth, id, 'corrected', decision.to, null, now);
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /** Takes an application off a draft list: back to city review (take_off_list → reported) with the reason. */
  async removeItem(auth: Actor, id: string, applicationId: string, input: { version: number; reason: string }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const item = await findListItem(tx, id, applicationId);
      const app = await findApplication(tx, applicationId);
      const applicationOnList = !!item && item.removedAt === null && !!app && app.listId === id;
      const decision = decideList(list, 'remove_item', auth, listContext(list, auth, now, { applicationOnList, reason: input.reason }));
      await moveList(tx, list, decision, {}, now);
      await carryOut(decision, {
        takeApplicationOffList: () => this.effects.takeApplicationOffList(tx, auth, list, app!, item!, input.reason, now),
      });
      await this.deps.audit.append(tx, {
        action: 'list.remove_item',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { applicationId, reason: input.reason },
      });
      await this.version(tx, auth, id, 'corrected', decision.to, input.reason, now);
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /**
   * Cancels a draft before its co-signature, with a reason (DESIGN.md "Corrections after the fact"):
   * its applications return to city_approved through the engine (the enterprises told), its lines
   * close, the version is kept, and city finance — who would have co-signed it — is told once.
   */
  async cancel(auth: Actor, id: string, input: { version: number; reason: string }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.openList(tx, id, input.version);
      const items = await itemsOf(tx, id);
      const decision = decideList(list, 'cancel', auth, listContext(list, auth, now, { reason: input.reason }));
      const members = items.filter((i) => i.onList).map((i) => i.id);
      await moveList(tx, list, decision, {}, now);
      const reason = input.reason.trim();
      await carryOut(decision, {
        returnApplications: () => this.effects.returnApplications(tx, auth, list, items, reason, now),
        alertCityFinance: async () =>
          enqueueNotifications(
            tx,
            {
              eventKey: `subsidy_list:${list.id}:v${list.version + 1}:cancel`,
              recipientUserIds: await holdersOf(tx, 'city_finance'),
              template: 'list.cancelled',
              params: {
                year: String(list.year),
                batchNo: String(list.batchNo),
                count: String(members.length),
                reason,
                // What the WeChat alert's fields show (待办事项 / 申请单位).
                stageLabel: '拟补贴名单已撤销',
                enterpriseName: '市工信局',
                trackingNo: '',
              },
              channels: ['oa_template'],
            },
            now,
          ),
      });
      await this.deps.audit.append(tx, {
        action: 'list.cancel',
        actorId: auth.userId,
        entityType: 'subsidy_list',
        entityId: id,
        data: { reason, applicationIds: members, version: list.version + 1 },
      });
      await this.version(tx, auth, id, 'cancelled', decision.to, reason, now, members);
      return listView(tx, (await findList(tx, id))!, shanghaiDate(now));
    });
  }

  /** The list's members as they now stand, kept as its next version. */
  private async version(
    tx: Tx,
    auth: Actor,
    id: string,
    change: 'created' | 'corrected' | 'cancelled',
    status: string,
    reason: string | null,
    now: number,
    members?: readonly string[],
  ) {
    const applicationIds = members ?? (await itemsOf(tx, id)).filter((i) => i.onList).map((i) => i.id);
    await recordVersion(tx, {
      documentType: 'subsidy_list',
      documentId: id,
      changeKind: change,
      status,
      docNo: null,
      docDate: null,
      applicationIds,
      reason,
      actorId: auth.userId,
      actorRole: 'city_miit',
      now,
    });
  }
}
