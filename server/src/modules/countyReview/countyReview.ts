import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { maskAccountNo } from '../../documents';
import { countyName, type Role } from '../../../../shared/src/contracts/roles';
import { reasonLine } from '../../../../shared/src/glossary/terms';
import { applicationMachine, type ApplicationEvent, type ApplicationState } from '../../../../shared/src/workflow/application';
import type { ApplicationDeps } from '../applications/deps';
import type { TransitionColumns } from '../applications/engine';

import { settlementFormOf, settlementGuardInputs } from '../providerDesk/settlementForms';
import { applicationFlags } from '../applications/flags';
import { waitingDays } from '../../../../shared/src/workflow/overdue';
import { overdueMark, ROUND_DEADLINE_STAGES } from '../../../../shared/src/workflow/rounds';
import { correctionDue } from '../rounds/rounds';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { findApplication, type Application } from '../../db/applications';
import { paymentsOf } from '../../db/applications/payments';
import { stageCounts } from '../../db/applications/stageCounts';
import { countyQueuePage, countyStageCountsMatching } from '../../db/applications/countyQueue';
import { historyOf } from '../../db/applications/history';
import { actorNames } from '../../db/users';
import { filesOf, holdersOfContents } from '../../db/files';
import { countyOpinionsOfRound, insertOpinion, opinionsOn, type Opinion } from '../../db/opinions';
import { findEnterprise } from '../../db/enterprises';
import { pendingProfileChange } from '../../db/profileChanges';
import { profileChangeView } from '../enterprises/profileChanges';
import { providerCard } from '../../db/providers';

/**
 * The county review of 三（四）: 各县（市）、区工信、财政主管部门……对上云企业的上云效果和云服务商服务质量进行审核，
 * 出具审核意见. Both departments give an opinion in each round; the application moves on only when
 * both approved, and a return or a reject by either takes effect at once (DESIGN.md).
 */

export type Department = 'miit' | 'finance';
export type Decision = 'approve' | 'return' | 'reject';

/** 1 (差) to 5 (优秀): each opinion rates 上云效果 and 服务商服务质量 (DESIGN.md). */
export const RATING_LABELS: Readonly<Record<1 | 2 | 3 | 4 | 5, string>> = { 1: '差', 2: '较差', 3: '一般', 4: '良好', 5: '优秀' };
export const DEPARTMENT_LABELS: Readonly<Record<Department, string>> = { miit: '工信', finance: '财政' };
const DEPARTMENT_ROLE: Readonly<Record<Department, Role>> = { miit: 'county_miit', finance: 'county_finance' };

export function otherDepartment(d: Department): Department {
  return d === 'miit' ? 'finance' : 'miit';
}

/**
 * The department a county reviewer acts for, from its role. Four eyes: nobody holds both (the
 * invitation refuses it); a caller that somehow does may not act for either.
 */
export function departmentOf(auth: Actor): Department {
  const miit = auth.grants.some((g) => g.role === 'county_miit');
  const finance = auth.grants.some((g) => g.role === 'county_finance');
  if (miit && finance) throw new ForbiddenError('同一人不能同时担任县级工信和财政两个部门的审核角色，请联系管理员调整');
  if (miit) return 'miit';
  if (finance) return 'finance';
  throw new ForbiddenError('只有县（市）区工信、财政部门的审核人员可以进行此操作');
}

/** The counties whose applications the caller reviews: its county roles' counties, no other. */
export function reviewerCounties(auth: Actor): string[] {
  return [
    ...new Set(
      auth.grants
        .filter((g) => (g.role === 'county_miit' || g.role === 'county_finance') && g.countyCode !== null)
        .map((g) => g.countyCode as string),
    ),
  ];
}

export function ratingLabel(n: number | null): string | null {
  return n !== null && n >= 1 && n <= 5 ? RATING_LABELS[n as 1 | 2 | 3 | 4 | 5] : null;
}

export interface ReasonInput {
  field?: string;
  material?: string;
  message: string;
}

export interface OpinionInput {
  version: number;
  decision: Decision;
  /** 上云效果 and 服务商服务质量, 1–5: given with an approval only (issue 14 item 10); a return or reject rates nothing. */
  ratings?: { effect: number; service: number };
  reasons?: ReasonInput[];
  internalNote?: string;
  /** With a return only: the day the correction is due (issue 18); absent, the round's rule sets it. */
  correctionDueOn?: string;
}

export interface QueueQuery {
  statuses: ApplicationState[];
  text: string | null;
  after: { updatedAt: number; id: string } | null;
  limit: number;
  /** Only cases that waited longer than their stage allows (OVERDUE_DAYS). */
  overdue?: boolean;
}

/** The words the enterprise reads: each reason, with the field or material it names. */
export function reasonText(reasons: readonly ReasonInput[] | undefined): string | null {
  // Codes a reviewer's tool may send (summary_evaluation, contract.amountFen) read by their Chinese names.
  const parts = (reasons ?? []).map((r) => reasonLine(r));
  return parts.length ? parts.join('；') : null;
}

const EVENT_OF: Readonly<Record<Decision, ApplicationEvent>> = {
  approve: 'county_approve',
  return: 'county_return',
  reject: 'county_reject',
};

const COUNTED_STAGES: readonly ApplicationState[] = ['provider_check', 'county_review', 'county_approved', 'returned'];

export class CountyReview {
  constructor(private readonly deps: ApplicationDeps) {}

  /** An application of the caller's county, else 404: another county's case is not even hinted at. */
  private async scoped(tx: Tx, auth: Actor, id: string): Promise<Application> {
    const app = await findApplication(tx, id);
    if (!app || app.status === 'draft' || !reviewerCounties(auth).includes(app.countyCode))
      throw new NotFoundError('没有这份申请，或它不属于您所在的县（市）区');
    return app;
  }

  async queue(auth: Actor, q: QueueQuery) {
    const counties = reviewerCounties(auth);
    if (!counties.length) throw new ForbiddenError('您的审核角色没有指定县（市）区，请联系管理员');
    return this.deps.db.read(async (tx) => {
      // Counts of the stages a county acts on or waits for, not of its whole history.
      // Without a search the counts are kept by the transitions themselves (stage_counts); a search counts its matches.
      const counts = q.text
        ? await countyStageCountsMatching(tx, counties, q.text, COUNTED_STAGES)
        : await stageCounts(tx, counties, COUNTED_STAGES);
      const now = this.deps.now();
      const today = todayInShanghai(new Date(now));
      // Issue 18: the round's deadline for the stage where it sets one, OVERDUE_DAYS elsewhere (overdueMark).
      const overdue = q.overdue
        ? {
            before: Object.fromEntries(
              q.statuses
                .filter((st) => this.deps.overdueDays[st] !== undefined)
                .map((st) => [st, now - this.deps.overdueDays[st]! * 86_400_000]),
            ),
            today,
            countyStages: ROUND_DEADLINE_STAGES.county,
            cityStages: ROUND_DEADLINE_STAGES.city,
          }
        : null;
      const rows = await countyQueuePage(tx, {
        counties,
        statuses: q.statuses,
        text: q.text,
        after: q.after,
        limit: q.limit,
        overdue,
      });
      const department = departmentOf(auth);
      const last = rows[rows.length - 1];
      return {
        items: rows.map((a) => {
          const decisions = { miit: a.miitDecision, finance: a.financeDecision };
          return {
            id: a.id,
            trackingNo: a.trackingNo,
            enterpriseName: a.enterpriseName,
            contractNo: a.contractNo,
            contractAmountFen: a.contractAmountFen,
            subsidyFen: a.subsidyFen,
            status: a.status,
            statusLabel: applicationMachine.states[a.status].labels.reviewer,
            version: a.version,
            round: a.round,
            myOpinion: decisions[department],
            otherOpinion: decisions[otherDepartment(department)],
            submittedAt: a.submittedAt,
            updatedAt: a.updatedAt,
            waitingDays: waitingDays(a.updatedAt, now),
            overdue: overdueMark(a.status, a.updatedAt, now, this.deps.overdueDays, a.roundDeadlines, today),
          };
        }),
        counts,
        next: rows.length === q.limit && last ? `${last.updatedAt}.${last.id}` : null,
      };
    });
  }

  /** The application on one screen: enterprise, contract, payments, materials, the 兑付申请表, opinions, history. */
  async detail(auth: Actor, id: string) {
    return this.deps.db.read(async (m) => {
      const app = await this.scoped(m, auth, id);
      const pendingChange = await pendingProfileChange(m, app.enterpriseId);
      const enterprise = await findEnterprise(m, app.enterpriseId);
      const provider = app.providerId ? await providerCard(m, app.providerId) : null;
      const payments = await paymentsOf(m, app.id);
      const opinions = await opinionsOn(m, app.id);
      const events = await historyOf(m, app.id);
      const people = await actorNames(m, [
        ...opinions.map((o) => o.reviewerId),
        ...events.map((e) => e.actorId).filter((x): x is string => x !== null),
      ]);
      const department = departmentOf(auth);
      const thisRound = opinions.filter((o) => o.level === 'county' && o.round === app.round);
      return {
        flags: await applicationFlags(m, app),
        application: {
          id: app.id,
          trackingNo: app.trackingNo,
          status: app.status,
          statusLabel: applicationMachine.states[app.status].labels.reviewer,
          version: app.version,
          round: app.round,
          countyCode: app.countyCode,
          countyName: countyName(app.countyCode) ?? app.countyCode,
          contract: {
            no: app.contractNo,
            signedOn: app.contractSignedOn,
            start: app.contractStart,
            end: app.contractEnd,
            amountFen: app.contractAmountFen,
            services: app.services,
          },
          paidAmountFen: app.paidAmountFen,
          otherSubsidiesFen: app.otherSubsidiesFen,
          subsidyFen: app.subsidyFen,
          facts: app.facts,
          bankAccount: {
            name: app.bankAccountName,
            bank: app.bankName,
            accountNo: maskAccountNo(app.bankAccountNo),
            nameMatchesEnterprise: !!enterprise && app.bankAccountName === enterprise.name,
          },
          providerEvaluation: app.providerEvaluation,
          returnedFrom: app.returnedFrom,
          lastReason: app.lastReason,
          reportId: app.reportId,
          submittedAt: app.submittedAt,
          updatedAt: app.updatedAt,
        },
        enterprise: enterprise
          ? {
              id: enterprise.id,
              name: enterprise.name,
              creditCode: enterprise.creditCode,
              status: enterprise.status,
              establishedOn: enterprise.establishedOn,
              industryCode: enterprise.industryCode,
              legalRepresentative: enterprise.legalRepresentative,
              address: enterprise.address,
              contactName: enterprise.contactName,
              contactPhone: enterprise.contactPhone,
              // Reviewers see what the enterprise asked to change; the values above stand until the county verifies it.
              pendingChange: pendingChange ? profileChangeView(pendingChange, enterprise.name) : null,
            }
          : null,
        provider,
        payments: payments.map((p) => ({
          id: p.id,
          amountFen: p.amountFen,
          paidOn: p.paidOn,
          method: p.method,
          reference: p.reference,
          source: p.source,
          verified: p.verified,
          removedAt: p.removedAt,
        })),
        materials: await materialsOf(m, app.id),
        settlementForm: await settlementFormOf(m, app),
        opinions: opinions.map((o) => opinionView(o, people)),
        history: events.map((e) => ({
          seq: e.seq,
          event: e.event,
          from: e.fromStatus,
          to: e.toStatus,
          actorRole: e.actorRole,
          actorName: e.actorId ? (people.get(e.actorId) ?? null) : null,
          reason: e.reason,
          internalNote: e.internalNote,
          at: e.createdAt,
        })),
        myDepartment: department,
        myOpinionThisRound: thisRound.find((o) => o.department === department)?.decision ?? null,
        otherOpinionThisRound: thisRound.find((o) => o.department === otherDepartment(department))?.decision ?? null,
      };
    });
  }

  /**
   * One department's opinion for this round, written in the same transaction as the transition it
   * causes. The version the reviewer saw makes concurrent opinions on one application serial: of
   * two at once, one commits and the other is refused (409), so a department's opinion is written
   * once per round and the other department's opinion read here is the current one.
   */
  async opinion(auth: Actor, id: string, input: OpinionInput) {
    const department = departmentOf(auth);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const app = await this.scoped(tx, auth, id);
      if (app.version !== input.version) throw new ConflictError('这份申请已被修改或已被他人处理，请刷新后再操作', 'stale_version');
      const round = await countyOpinionsOfRound(tx, app.id, app.round);
      const mine = round.find((o) => o.department === department);
      if (mine)
        throw new ConflictError(
          `${DEPARTMENT_LABELS[department]}部门在本轮已给出审核意见（${DECISION_LABELS[mine.decision]}），每个部门每轮只出具一次意见`,
          'opinion_given',
        );
      const other = round.find((o) => o.department === otherDepartment(department));
      if (input.decision === 'approve') {
        const enterprise = await findEnterprise(tx, app.enterpriseId);
        // DESIGN.md "Who uses it": the county checks the licence and the letter of authorisation before it reviews.
        if (enterprise?.status !== 'verified')
          throw new InvalidInputError('该企业的营业执照和授权委托书尚未核验，请先核验企业身份再审核通过', [
            { path: 'enterprise', message: '企业尚未核验' },
          ]);
      }
      const reason = input.decision === 'approve' ? null : reasonText(input.reasons);
      const columns: TransitionColumns =
        input.decision === 'return'
          ? { returnedFrom: 'county', lastReason: reason, ...correctionDue(input.correctionDueOn, now) }
          : input.decision === 'reject'
            ? { lastReason: reason }
            : {};
      // Ratings count toward the provider's record only with an approval: a return is not a verdict on the service.
      const ratings = input.decision === 'approve' ? (input.ratings ?? null) : null;
      const ratingsGiven = !!ratings && isRating(ratings.effect) && isRating(ratings.service);
      const out = await this.deps.engine.run(tx, app.id, {
        event: EVENT_OF[input.decision],
        auth,
        expectedVersion: input.version,
        context: {
          ratingsGiven,
          ...(await settlementGuardInputs(tx, app)),
          otherDepartmentApproved: other?.decision === 'approve',
          sameReviewerGaveOtherOpinion: other?.reviewerId === auth.userId,
        },
        columns,
        reason,
        internalNote: input.internalNote ?? null,
        data: {
          department,
          round: app.round,
          decision: input.decision,
          ratings,
          reasons: input.reasons ?? [],
          ...(input.correctionDueOn ? { correctionDueOn: input.correctionDueOn } : {}),
        },
        actorRole: DEPARTMENT_ROLE[department],
      });
      const row: Opinion = {
        id: newId(),
        applicationId: app.id,
        round: app.round,
        level: 'county',
        department,
        reviewerId: auth.userId,
        decision: input.decision,
        reasons: (input.reasons ?? []).map((r) => ({ ...r })),
        ratingEffect: ratings?.effect ?? null,
        ratingService: ratings?.service ?? null,
        internalNote: input.internalNote ?? null,
        createdAt: now,
      };
      await insertOpinion(tx, row);
      const after = out.application;
      return {
        application: {
          id: after.id,
          status: after.status,
          statusLabel: applicationMachine.states[after.status].labels.reviewer,
          version: after.version,
          round: after.round,
        },
        opinion: opinionView(row, new Map()),
        waitingFor: after.status === 'county_review' ? otherDepartment(department) : null,
      };
    });
  }
}

export const DECISION_LABELS: Readonly<Record<Decision, string>> = { approve: '同意', return: '退回修改', reject: '不予补助' };

function isRating(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 5;
}

function opinionView(o: Opinion, people: Map<string, string>) {
  return {
    id: o.id,
    round: o.round,
    level: o.level,
    department: o.department,
    departmentLabel: DEPARTMENT_LABELS[o.department],
    decision: o.decision,
    decisionLabel: DECISION_LABELS[o.decision],
    reasons: o.reasons ?? [],
    ratings: {
      effect: o.ratingEffect,
      effectLabel: ratingLabel(o.ratingEffect),
      service: o.ratingService,
      serviceLabel: ratingLabel(o.ratingService),
    },
    // Reviewers only: this view is served on reviewer routes, never to the enterprise.
    internalNote: o.internalNote,
    reviewerId: o.reviewerId,
    reviewerName: people.get(o.reviewerId) ?? null,
    createdAt: o.createdAt,
  };
}

/**
 * The enterprise's materials (files owned by the application), every version, each current file
 * flagged when another owner holds the same bytes (DESIGN.md "Materials").
 */
async function materialsOf(tx: Tx, applicationId: string) {
  const files = await filesOf(tx, 'application', applicationId, { history: true });
  const hashes = [...new Set(files.filter((f) => f.supersededBy === null).map((f) => f.sha256))];
  const twins = hashes.length ? await holdersOfContents(tx, hashes) : [];
  return files.map((f) => {
    const others =
      f.supersededBy === null
        ? twins.filter((t) => t.sha256 === f.sha256 && !(t.ownerType === 'application' && t.ownerId === applicationId))
        : [];
    return {
      id: f.id,
      kind: f.kind,
      name: f.originalName,
      mime: f.mime,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      createdAt: f.createdAt,
      supersededBy: f.supersededBy,
      duplicateOf: [
        ...new Map(others.map((t) => [`${t.ownerType}:${t.ownerId}`, { ownerType: t.ownerType, ownerId: t.ownerId }])).values(),
      ].slice(0, 20),
    };
  });
}

// The provider's record of these ratings: ../providers/ratingRecord.ts (shown on the filing review and in the registry).
export { providerRatingSummary, type ProviderRatingSummary, type RatingStat } from '../providers/ratingRecord';
