import type { Tx } from '../../db/tx';
import { bumpList, type SubsidyList } from '../../db/lists';
import type { Actor } from '../actor';
import { DomainError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import { transition } from '../../../../shared/src/workflow/machine';
import {
  listMachine,
  type ListContext,
  type ListEffect,
  type ListEvent,
  type ListGuard,
  type ListState,
} from '../../../../shared/src/workflow/subsidyList';

/**
 * How a proposed list changes: its machine (shared/src/workflow/subsidyList.ts) decides every event —
 * the state, the role and the named guards — and the use case then writes the list through one
 * conditional UPDATE (its version and state as read, so concurrent changes to one list are serialised
 * and an approver who saw version N never approves a list that changed after N) and carries out the
 * effects the machine returned, all in the caller's transaction. A refusal is answered in the kinds
 * and codes the API has always given for it.
 */

export function listStale(): DomainError {
  return new ConflictError('名单已被修改或已被他人处理，请刷新后再操作', 'stale_version');
}

/** The list as the caller saw it: 404 when there is none, 409 when it changed since (the version check comes first). */
export function checkVersion(list: SubsidyList, expectedVersion: number): void {
  if (list.version !== expectedVersion) throw listStale();
}

/** What every guard reads of the list itself; each event adds the facts of its own request. */
export function listContext(list: SubsidyList, auth: Actor, now: number, facts: Partial<ListContext> = {}): ListContext {
  return {
    actorId: auth.userId,
    draftedBy: list.draftedBy,
    cosignedBy: list.cosignedBy,
    today: shanghaiDate(now),
    itemCount: 0,
    adding: 0,
    applicationOnList: false,
    reason: null,
    noticeStart: null,
    noticeEnd: null,
    currentNoticeStart: list.noticeStart,
    currentNoticeEnd: list.noticeEnd,
    cosignedOn: list.cosignedAt === null ? null : shanghaiDate(list.cosignedAt),
    receivedOn: null,
    objectionPending: false,
    applicationsWithPendingObjections: 0,
    listedCount: 0,
    budgetFen: null,
    exceedsBudgetByFen: 0,
    budgetWarning: null,
    acknowledgeOverBudget: false,
    ...facts,
  };
}

export interface ListDecision {
  from: ListState;
  to: ListState;
  effects: readonly ListEffect[];
}

/**
 * The machine's answer to one event on one list, or the error that refuses it. `details` carries the
 * per-application lines a refusal names (pending objections, the amount over budget).
 */
export function decideList(
  list: SubsidyList,
  event: ListEvent,
  auth: Actor,
  context: ListContext,
  details: Partial<Record<ListGuard, ErrorDetail[]>> = {},
): ListDecision {
  const decided = transition(
    listMachine,
    list.status,
    event,
    auth.grants.map((g) => g.role),
    context,
  );
  if (decided.ok) return decided;
  if (decided.reason === 'role_not_allowed') throw new ForbiddenError(decided.message);
  if (decided.reason === 'not_allowed_in_state') throw new ConflictError(decided.message, notNowCode(event, list.status));
  const guard = decided.guard as ListGuard;
  return refuse(GUARD_REFUSALS[guard](event), decided.message, details[guard]);
}

/** A list refused in its state: an objection outside the notice, an approval before co-signing and a decision taken already have their own codes. */
function notNowCode(event: ListEvent, from: ListState) {
  if (event === 'record_objection') return 'not_in_notice' as const;
  // A cancelled list takes nothing more; a co-signed one is no longer a draft to cancel (DESIGN.md "Corrections after the fact").
  if (from === 'cancelled') return 'list_cancelled' as const;
  if (event === 'cancel') return 'list_cosigned' as const;
  if (event === 'approve' && from === 'draft') return 'not_cosigned' as const;
  // Objections exist only from a notice and a list is approved only with none pending: one decided again finds it approved.
  if (event === 'decide_objection' && from === 'approved') return 'already_decided' as const;
  return 'invalid_transition' as const;
}

type Refusal =
  | { kind: 'forbidden' }
  | { kind: 'not_found' }
  | { kind: 'invalid'; path: string }
  | { kind: 'conflict'; code: 'empty_list' | 'already_decided' | 'notice_running' | 'objection_pending' | 'no_budget' | 'over_budget' };

const invalid = (path: string) => (): Refusal => ({ kind: 'invalid', path });
const conflict = (code: Extract<Refusal, { kind: 'conflict' }>['code']) => (): Refusal => ({ kind: 'conflict', code });
const forbidden = (): Refusal => ({ kind: 'forbidden' });

/** Each guard's refusal: four eyes is 403, a wrong field 400 naming it, a list not ready 409 with its code. */
const GUARD_REFUSALS: Record<ListGuard, (event: ListEvent) => Refusal> = {
  withinItemLimit: invalid('applicationIds'),
  // Taking off an application that is not on the list names something that is not there; an objection against one names a wrong field.
  itemOnList: (event) => (event === 'remove_item' ? { kind: 'not_found' } : { kind: 'invalid', path: 'applicationId' }),
  reasonGiven: invalid('reason'),
  cosignerNotDrafter: forbidden,
  notEmpty: conflict('empty_list'),
  noticeEndsAfterStart: invalid('end'),
  noticeAtMostSixtyDays: invalid('end'),
  noticeStartsAfterCosigning: invalid('start'),
  noticeEndNotPast: invalid('end'),
  noticeStartUnchanged: invalid('start'),
  noticeOnlyExtended: invalid('end'),
  receivedDuringNotice: invalid('receivedOn'),
  receivedNotInFuture: invalid('receivedOn'),
  objectionPending: conflict('already_decided'),
  approverNotCosigner: forbidden,
  approverNotDrafter: forbidden,
  noticeEnded: conflict('notice_running'),
  noObjectionPending: conflict('objection_pending'),
  applicationsAwaitApproval: conflict('empty_list'),
  budgetSet: conflict('no_budget'),
  withinBudgetOrAcknowledged: conflict('over_budget'),
};

function refuse(refusal: Refusal, message: string, details: ErrorDetail[] | undefined): never {
  switch (refusal.kind) {
    case 'forbidden':
      throw new ForbiddenError(message);
    case 'not_found':
      throw new NotFoundError(message);
    case 'invalid':
      throw new InvalidInputError(message, details ?? [{ path: refusal.path, message }]);
    case 'conflict':
      throw new ConflictError(message, refusal.code, details ?? []);
  }
}

/** The decided state and the event's own columns, written under the list's version and state as read. */
export async function moveList(tx: Tx, list: SubsidyList, decision: ListDecision, set: Partial<SubsidyList>, now: number): Promise<void> {
  if (!(await bumpList(tx, list, { ...set, status: decision.to }, now))) throw listStale();
}

/**
 * Carries out the effects the machine returned, in its order; an effect the event's use case has no
 * work for is a defect of ours (the machine and the use case disagree), never the caller's fault.
 */
export async function carryOut(decision: ListDecision, work: Partial<Record<ListEffect, () => Promise<void>>>): Promise<void> {
  for (const effect of decision.effects) {
    const run = work[effect];
    if (!run) throw new Error(`subsidy list: no work for effect ${effect} (${decision.from} → ${decision.to})`);
    await run();
  }
}
