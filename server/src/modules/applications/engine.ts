import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { DomainError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { transition } from '../../../../shared/src/workflow/machine';
import {
  applicationMachine,
  type ApplicationContext,
  type ApplicationEffect,
  type ApplicationEvent,
  type ApplicationState,
} from '../../../../shared/src/workflow/application';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { enterpriseMemberIds, findEnterprise } from '../../db/enterprises';
import { findApplication, nextTrackingNumber, ownCaseStake, type Application, type ApplicationRow } from '../../db/applications';
import { appendEvent } from '../../db/applications/history';
import { lockForTransition } from '../../db/applications/locking';
import { providerOwnerId } from '../../db/providers';
import { moveStageCount } from '../../db/applications/stageCounts';
import { formatYuan } from '../../../../shared/src/glossary/money';
import { APPLICANT_EVENT_WORDS } from '../../../../shared/src/glossary/terms';
import { roundById } from '../rounds/rounds';
import { defaultCorrectionDueOn } from '../../../../shared/src/workflow/rounds';

/** Columns a transition may set besides status, version and updated_at. */
export type TransitionColumns = Partial<
  Pick<
    ApplicationRow,
    | 'trackingNo'
    | 'subsidyFen'
    | 'verifiedFen'
    | 'verifiedReason'
    | 'returnedFrom'
    | 'contractChanged'
    | 'providerEvaluation'
    | 'lastReason'
    | 'submittedAt'
    | 'reportId'
    | 'listId'
    | 'settlementFormId'
    | 'paidAmountFen'
    | 'facts'
    | 'round'
    | 'roundId'
    | 'correctionDueOn'
    | 'policyVersionId'
  >
>;

export interface TransitionRequest {
  event: ApplicationEvent;
  auth: Actor;
  /** The version the caller saw: a changed application is refused (409), never silently overwritten. */
  expectedVersion: number;
  context?: Partial<ApplicationContext>;
  columns?: TransitionColumns;
  /** Shown to the enterprise. */
  reason?: string | null;
  /** Reviewers only; never reaches the enterprise. */
  internalNote?: string | null;
  data?: Record<string, unknown>;
  /** The role the actor acts in, for the history (e.g. county_finance). */
  actorRole?: string | null;
  /**
   * The caller alerts the reviewers once for the whole batch (a joint report reaching the city: one
   * alert per report, not per application, DESIGN.md "Notifications"); the enterprise and the
   * provider are still told per application.
   */
  reviewersAlertedByCaller?: boolean;
}

export interface TransitionOutcome {
  from: ApplicationState;
  to: ApplicationState;
  application: Application;
  effects: readonly ApplicationEffect[];
}

const REVIEWER_ROLES = new Set(['county_miit', 'county_finance', 'city_miit', 'city_finance']);
const REVIEWER_ALERTS = new Set<ApplicationEffect>(['alertCountyReviewers', 'alertCityReviewers', 'alertCityFinance']);

const DEFAULT_CONTEXT: ApplicationContext = {
  ruleFailures: 0,
  missingMaterials: 0,
  reason: null,
  ratingsGiven: false,
  settlementSigned: false,
  settlementChangedFigures: [],
  otherDepartmentApproved: false,
  sameReviewerGaveOtherOpinion: false,
  verifiedAmountProblem: null,
  returnedFrom: null,
  contractChanged: false,
};

export class ApplicationEngine {
  constructor(
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
    /** OVERDUE_DAYS: the year's first round's deadlines before city MIIT has written it. */
    private readonly overdueDays: Partial<Record<ApplicationState, number>> = {},
  ) {}

  /**
   * One transition, inside the caller's transaction: the machine decides; a conditional UPDATE on
   * (id, version, status) must change exactly one row (TypeORM's save() would not check the
   * version); then the history row, the audit row and the outbox notifications — all or nothing.
   */
  async run(tx: Tx, applicationId: string, req: TransitionRequest): Promise<TransitionOutcome> {
    const app = await findApplication(tx, applicationId);
    if (!app) throw new NotFoundError('没有这份申请，或您无权查看');
    if (app.version !== req.expectedVersion) throw staleError();
    if (req.actorRole && REVIEWER_ROLES.has(req.actorRole)) {
      // Four eyes (DESIGN.md): whatever roles a person was given, they never decide their own case.
      const stake = await ownCaseStake(tx, app, req.auth.userId);
      if (stake)
        throw new ForbiddenError(
          `您是这份申请的${stake === 'enterprise' ? '申报企业的成员' : '云服务商'}，不能审核、列入名单或拨付自己的申报，请交由本部门其他人员办理`,
        );
    }
    const context: ApplicationContext = {
      ...DEFAULT_CONTEXT,
      returnedFrom: app.returnedFrom,
      contractChanged: app.contractChanged,
      reason: req.reason ?? null,
      ...req.context,
    };
    const decided = transition(
      applicationMachine,
      app.status,
      req.event,
      req.auth.grants.map((g) => g.role),
      context,
    );
    if (!decided.ok) {
      if (decided.reason === 'role_not_allowed') throw new ForbiddenError(decided.message);
      if (decided.reason === 'guard_failed')
        throw new InvalidInputError(decided.message, [{ path: guardPath(decided.guard), message: decided.message }]);
      throw new ConflictError(
        `${decided.message}：这份申请现在是“${applicationMachine.states[app.status].labels.reviewer}”，请刷新后查看`,
        'invalid_transition',
      );
    }
    const now = this.now();
    const columns: TransitionColumns = { ...req.columns };
    if (decided.effects.includes('assignTrackingNumber') && !app.trackingNo) {
      const year = todayInShanghai(new Date(now)).slice(0, 4);
      columns.trackingNo = await nextTrackingNumber(tx, year);
    }
    if (decided.effects.includes('startNewRound')) columns.round = app.round + 1;
    if (decided.to === 'returned' && columns.correctionDueOn === undefined) {
      // Issue 18: a correction is accepted after the round's window until its own deadline, set on the return.
      const round = app.roundId ? await roundById(tx, app.roundId, this.overdueDays) : null;
      columns.correctionDueOn = defaultCorrectionDueOn(round, todayInShanghai(new Date(now)));
    }
    if (!(await lockForTransition(tx, app, decided.to, columns, now))) throw staleError();
    await moveStageCount(tx, app.countyCode, app.status, decided.to);
    const after = (await findApplication(tx, app.id))!;
    await appendEvent(tx, {
      id: newId(),
      applicationId: app.id,
      event: req.event,
      fromStatus: app.status,
      toStatus: decided.to,
      actorId: req.auth.userId,
      actorRole: req.actorRole ?? null,
      reason: req.reason ?? null,
      internalNote: req.internalNote ?? null,
      data: req.data ?? null,
      createdAt: now,
    });
    await this.audit.append(tx, {
      action: `application.${req.event}`,
      actorId: req.auth.userId,
      entityType: 'application',
      entityId: app.id,
      data: { from: app.status, to: decided.to, version: after.version, reason: req.reason ?? null, ...(req.data ?? {}) },
    });
    await this.notify(tx, after, req, decided.effects, now);
    return { from: app.status, to: decided.to, application: after, effects: decided.effects };
  }

  private async notify(
    tx: Tx,
    app: Application,
    req: TransitionRequest,
    effects: readonly ApplicationEffect[],
    now: number,
  ): Promise<void> {
    const enterprise = await findEnterprise(tx, app.enterpriseId);
    const labels = applicationMachine.states[app.status].labels;
    const base = {
      applicationId: app.id,
      trackingNo: app.trackingNo ?? '',
      enterpriseName: enterprise?.name ?? '',
      statusLabel: labels.applicant,
      reason: req.reason ?? '',
    };
    const eventKey = `application:${app.id}:v${app.version}:${req.event}`;
    const stageLabel = applicationMachine.states[app.status].labels.reviewer;
    // Never an alert for an item the person just acted on (DESIGN.md "Notifications").
    const others = (ids: readonly string[]) => ids.filter((id) => id !== req.auth.userId);
    for (const effect of effects) {
      if (req.reviewersAlertedByCaller && REVIEWER_ALERTS.has(effect)) continue;
      switch (effect) {
        case 'notifyEnterprise':
          await enqueueNotifications(
            tx,
            {
              eventKey,
              recipientUserIds: await enterpriseMemberIds(tx, app.enterpriseId),
              template: 'application.status',
              params: {
                ...base,
                statusLabel: APPLICANT_EVENT_WORDS[req.event]?.label ?? base.statusLabel,
                nextStep:
                  (APPLICANT_EVENT_WORDS[req.event]?.next ?? applicationMachine.states[app.status].labels.next ?? '') +
                  // Issue 18: a return says by when the correction is due (after it, a resubmission is refused).
                  (app.status === 'returned' && app.correctionDueOn ? `补正截止日期：${app.correctionDueOn}。` : ''),
              },
              channels: ['mp_subscribe', 'oa_template'],
            },
            now,
          );
          break;
        case 'askProviderToConfirm':
        case 'notifyProvider': {
          const owner = app.providerId ? await providerOwnerId(tx, app.providerId) : null;
          if (!owner) break;
          const template = effect === 'askProviderToConfirm' ? 'application.confirm_request' : 'application.provider_notice';
          await enqueueNotifications(
            tx,
            {
              eventKey: `${eventKey}:provider`,
              recipientUserIds: [owner],
              template,
              params: {
                ...base,
                statusLabel: labels.reviewer,
                contractNo: app.contractNo ?? '',
                contractAmount: app.contractAmountFen === null ? '' : `${formatYuan(app.contractAmountFen)}`,
              },
              channels: ['mp_subscribe', 'oa_template'],
            },
            now,
          );
          break;
        }
        case 'alertCountyReviewers': {
          // After one department's approval the case waits for the other department only: the one that
          // just gave its opinion is not alerted again for it.
          const roles =
            req.event === 'county_approve' && (req.actorRole === 'county_miit' || req.actorRole === 'county_finance')
              ? [req.actorRole === 'county_miit' ? 'county_finance' : 'county_miit']
              : ['county_miit', 'county_finance'];
          const ids: string[] = [];
          for (const role of roles) ids.push(...(await holdersOf(tx, role, app.countyCode)));
          await enqueueNotifications(
            tx,
            {
              eventKey: `${eventKey}:county`,
              recipientUserIds: others(ids),
              template: 'queue.new_item',
              params: { ...base, stageLabel },
              channels: ['oa_template'],
            },
            now,
          );
          break;
        }
        case 'alertCityReviewers':
          await enqueueNotifications(
            tx,
            {
              eventKey: `${eventKey}:city`,
              recipientUserIds: others(await holdersOf(tx, 'city_miit')),
              template: 'queue.new_item',
              params: { ...base, stageLabel },
              channels: ['oa_template'],
            },
            now,
          );
          break;
        case 'alertCityFinance':
          await enqueueNotifications(
            tx,
            {
              eventKey: `${eventKey}:finance`,
              recipientUserIds: others(await holdersOf(tx, 'city_finance')),
              template: 'queue.new_item',
              params: { ...base, stageLabel },
              channels: ['oa_template'],
            },
            now,
          );
          break;
        case 'assignTrackingNumber':
        case 'startNewRound':
          break; // done above, in the same UPDATE
      }
    }
  }
}

function guardPath(guard: string | undefined): string {
  switch (guard) {
    case 'ratingsGiven':
      return 'ratings';
    case 'verifiedAmountValid':
      return 'verifiedFen';
    case 'materialsComplete':
      return 'materials';
    case 'rulesPass':
      return 'eligibility';
    case 'settlementSigned':
    case 'settlementCurrent':
      return 'settlementForm';
    default:
      return 'reason';
  }
}

export function staleError(): DomainError {
  return new ConflictError('这份申请已被修改或已被他人处理，请刷新后再操作', 'stale_version');
}
