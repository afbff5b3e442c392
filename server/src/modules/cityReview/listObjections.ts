import type { Actor } from '../actor';
import { ConflictError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import type { ApplicationDeps } from '../applications/deps';
import { findApplication } from '../../db/applications';
import { findList, findListItem } from '../../db/lists';
import { decidePendingObjection, findObjection, insertObjection, type ListObjection } from '../../db/lists/objections';
import { ListEffects } from './listEffects';
import { carryOut, decideList, listContext, moveList } from './listTransitions';
import { itemsOf, listView, objectionView } from './listViews';

/**
 * Objections to a list in its notice (公示): recorded as they reach the city, against one application
 * on the list, and decided by city MIIT. Both are events of the list's machine (record_objection,
 * decide_objection); an upheld objection's effect takes that application off the list.
 */

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

export class ListObjections {
  private readonly effects: ListEffects;

  constructor(private readonly deps: ApplicationDeps) {
    this.effects = new ListEffects(deps);
  }

  /** An objection received during the notice, against one application on the list. */
  async recordObjection(auth: Actor, id: string, input: ObjectionInput) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await findList(tx, id);
      if (!list) throw new NotFoundError('没有这份拟补贴名单');
      const applicationOnList = list.status === 'notice' && (await itemsOf(tx, id)).some((i) => i.id === input.applicationId && i.onList);
      const decision = decideList(
        list,
        'record_objection',
        auth,
        listContext(list, auth, now, { receivedOn: input.receivedOn, applicationOnList }),
      );
      await moveList(tx, list, decision, {}, now);
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
   * (take_off_list) or rejected with the reason (city_reject) — and the rest of the list goes on. An
   * application that left the list meanwhile has nothing left to take off.
   */
  async decideObjection(auth: Actor, objectionId: string, input: ObjectionDecisionInput) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const objection = await findObjection(tx, objectionId);
      if (!objection) throw new NotFoundError('没有这件公示异议');
      const list = (await findList(tx, objection.listId))!;
      const decision = decideList(
        list,
        'decide_objection',
        auth,
        listContext(list, auth, now, { objectionPending: objection.decision === 'pending', reason: input.reason }),
      );
      await moveList(tx, list, decision, {}, now);
      const item = await findListItem(tx, list.id, objection.applicationId);
      const app = await findApplication(tx, objection.applicationId);
      const stillOn = !!item && item.removedAt === null && !!app && app.listId === list.id && app.status === 'listed';
      // Set by the effect's work (a closure: no narrowing to null here).
      let outcome = null as 'back_to_review' | 'reject' | null;
      await carryOut(decision, {
        applyObjectionDecision: async () => {
          // Dismissed, or its application already left the list: the rest of the list goes on unchanged.
          if (input.decision !== 'upheld' || !stillOn || !app || !item) return;
          const taken = input.outcome ?? 'back_to_review';
          outcome = taken;
          await this.effects.applyObjectionDecision(tx, auth, list, objectionId, app, item, taken, `公示异议成立：${input.reason}`, now);
        },
      });
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
      return { objection: objectionView(after), outcome, ...(await listView(tx, (await findList(tx, list.id))!, shanghaiDate(now))) };
    });
  }
}
