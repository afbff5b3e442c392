import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { newId } from '../../ids';
import type { ApplicationDeps } from '../applications/deps';
import { findApplication, type Application } from '../../db/applications';
import { findListItem, insertListItem, reinstateListItem, removeListItem, type ListItem, type SubsidyList } from '../../db/lists';
import type { ListItemView } from './listViews';

/**
 * The work behind the list machine's effects (shared/src/workflow/subsidyList.ts `ListEffect`), each
 * in the caller's transaction: every application put on, taken off or approved moves through the
 * application engine (history, audit, notifications), and the list's lines follow it.
 */
export class ListEffects {
  constructor(private readonly deps: ApplicationDeps) {}

  /** putApplicationsOnList: each application goes through put_on_list (→ listed) and gets its line. */
  async putApplicationsOnList(tx: Tx, auth: Actor, list: SubsidyList, apps: readonly Application[]): Promise<void> {
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

  /** takeApplicationOffList: the application goes through take_off_list (→ reported) with the reason; its line is closed. */
  async takeApplicationOffList(tx: Tx, auth: Actor, list: SubsidyList, app: Application, item: ListItem, reason: string, now: number) {
    await this.deps.engine.run(tx, app.id, {
      event: 'take_off_list',
      auth,
      expectedVersion: app.version,
      reason,
      columns: { listId: null },
      data: { listId: list.id },
      actorRole: 'city_miit',
    });
    await removeListItem(tx, item.id, now, reason);
  }

  /**
   * applyObjectionDecision: an upheld objection takes its application off the list — back to city
   * review (take_off_list) or rejected with the reason (city_reject) — and the rest of the list goes on.
   */
  async applyObjectionDecision(
    tx: Tx,
    auth: Actor,
    list: SubsidyList,
    objectionId: string,
    app: Application,
    item: ListItem,
    outcome: 'back_to_review' | 'reject',
    reason: string,
    now: number,
  ): Promise<void> {
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

  /**
   * returnApplications (a draft cancelled): each application still on it goes back to where it was
   * (list_cancelled → city_approved, its 核定金额 kept, the enterprise told), and every open line closes
   * with the reason, so that the application may go onto another list.
   */
  async returnApplications(tx: Tx, auth: Actor, list: SubsidyList, items: readonly ListItemView[], reason: string, now: number) {
    for (const item of items.filter((i) => i.removedAt === null)) {
      if (item.onList) {
        const app = (await findApplication(tx, item.id))!;
        await this.deps.engine.run(tx, app.id, {
          event: 'list_cancelled',
          auth,
          expectedVersion: app.version,
          reason,
          columns: { listId: null },
          data: { listId: list.id, year: list.year, batchNo: list.batchNo },
          actorRole: 'city_miit',
        });
      }
      await removeListItem(tx, item.itemId, now, `名单已撤销：${reason}`);
    }
  }

  /** closeDepartedItems: live lines whose application has left the list otherwise (e.g. its payments shrank) are closed. */
  async closeDepartedItems(tx: Tx, items: readonly ListItemView[], now: number): Promise<void> {
    for (const gone of items.filter((i) => i.removedAt === null && !i.onList)) {
      await removeListItem(tx, gone.itemId, now, `审批时已不在名单上（${gone.statusLabel}）`);
    }
  }

  /** approveApplications: each application still listed goes through approve_list (→ approved). */
  async approveApplications(tx: Tx, auth: Actor, list: SubsidyList, toApprove: readonly ListItemView[]): Promise<void> {
    for (const item of toApprove) {
      const app = (await findApplication(tx, item.id))!;
      await this.deps.engine.run(tx, item.id, {
        event: 'approve_list',
        auth,
        expectedVersion: app.version,
        data: { listId: list.id, year: list.year, batchNo: list.batchNo, verifiedFen: item.itemVerifiedFen },
        actorRole: 'city_finance',
      });
    }
  }
}
