import type { Actor } from '../actor';
import type { ApplicationDeps } from '../applications/deps';
import type { ListStatus } from '../../db/lists';
import { ListDecisions } from './listDecisions';
import { ListDrafting } from './listDrafting';
import { ListObjections, type ObjectionDecisionInput, type ObjectionInput } from './listObjections';
import { ListReading } from './listViews';

export type { ListStatus, ObjectionDecisionInput, ObjectionInput };
export type { ListItemView } from './listViews';

/**
 * The proposed list's use cases (拟补贴名单, 三（五）市工信局会同市财政局根据审核结果提出拟补贴名单。市财政局会同市工信局履行相关
 * 审批程序后，市财政局拨付资金) behind one door for app.ts and the routes:
 *
 *   draft (city MIIT drafts) ─cosign (city finance)→ cosigned ─notice (optional 公示)→ notice ─approve (city finance)→ approved
 *                                                     └──────────────────────────approve──────────────────────────┘
 *
 * Every change goes through the list's machine (listTransitions.ts); reading is listViews.ts, drafting
 * listDrafting.ts, co-signing, notice and approval listDecisions.ts, objections listObjections.ts.
 */
export class SubsidyLists {
  private readonly reading: ListReading;
  private readonly drafting: ListDrafting;
  private readonly decisions: ListDecisions;
  private readonly objections: ListObjections;

  constructor(deps: ApplicationDeps) {
    this.reading = new ListReading(deps);
    this.drafting = new ListDrafting(deps);
    this.decisions = new ListDecisions(deps);
    this.objections = new ListObjections(deps);
  }

  list(filter: { year?: number; status?: ListStatus }) {
    return this.reading.list(filter);
  }

  get(id: string) {
    return this.reading.get(id);
  }

  documentSource(id: string) {
    return this.reading.documentSource(id);
  }

  create(auth: Actor, input: { year: number; applicationIds: string[] }) {
    return this.drafting.create(auth, input);
  }

  addItems(auth: Actor, id: string, input: { version: number; applicationIds: string[] }) {
    return this.drafting.addItems(auth, id, input);
  }

  removeItem(auth: Actor, id: string, applicationId: string, input: { version: number; reason: string }) {
    return this.drafting.removeItem(auth, id, applicationId, input);
  }

  cancel(auth: Actor, id: string, input: { version: number; reason: string }) {
    return this.drafting.cancel(auth, id, input);
  }

  cosign(auth: Actor, id: string, input: { version: number }) {
    return this.decisions.cosign(auth, id, input);
  }

  notice(auth: Actor, id: string, input: { version: number; start: string; end: string }) {
    return this.decisions.notice(auth, id, input);
  }

  approve(auth: Actor, id: string, input: { version: number; acknowledgeOverBudget?: boolean }) {
    return this.decisions.approve(auth, id, input);
  }

  recordObjection(auth: Actor, id: string, input: ObjectionInput) {
    return this.objections.recordObjection(auth, id, input);
  }

  decideObjection(auth: Actor, objectionId: string, input: ObjectionDecisionInput) {
    return this.objections.decideObjection(auth, objectionId, input);
  }
}
