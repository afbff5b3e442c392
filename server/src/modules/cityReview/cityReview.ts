import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { maskPhone } from '../../logger';
import { type ApplicationState, reviewerLabel } from '../../../../shared/src/workflow/application';
import { countyName } from '../../../../shared/src/contracts/roles';
import type { ApplicationDeps } from '../applications/deps';
import { applicationFlags } from '../applications/flags';
import { waitingDays } from '../../../../shared/src/workflow/overdue';
import { staleError, type TransitionOutcome } from '../applications/engine';
import { accountNameMatches } from '../../../../shared/src/rules/bankAccount';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import { versionOfApplication, versionRef } from '../../../../shared/src/rules/parameters';
import { payableNow, verifyAmount } from '../../../../shared/src/rules/verifiedAmount';
import { findApplication } from '../../db/applications';
import { historyOf } from '../../db/applications/history';
import { filesOf } from '../../db/files';
import { insertOpinion, opinionsOn } from '../../db/opinions';
import { providerCard } from '../../db/providers';
import {
  CITY_VISIBLE_STATES,
  cityApplicationsByIds,
  cityQueuePage,
  isCityVisible,
  type CityApplicationRow,
  type CityQueueFilter,
  type CityVisibleState,
} from '../../db/applications/city';
import { standingPaymentsOf } from '../../db/applications/payments';
import { findEnterprise } from '../../db/enterprises';
import { pendingProfileChange } from '../../db/profileChanges';
import { profileChangeView } from '../enterprises/profileChanges';
import { ledgerEntries } from '../../db/ledger';
import { findList } from '../../db/lists';
import { allRounds } from '../../db/rounds';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { overdueMark } from '../../../../shared/src/workflow/rounds';
import { correctionDue, nameOfRound } from '../rounds/rounds';

export { CITY_VISIBLE_STATES, type CityQueueFilter, type CityVisibleState };

// ---- shared by the city modules ---------------------------------------------------------------------

/** A city row as the city's screens and documents show it: with its stage's and county's names. */
export type CityApplicationSummary = Omit<CityApplicationRow, 'status' | 'roundId'> & {
  status: string;
  statusLabel: string;
  countyName: string | null;
};

function toSummary(r: CityApplicationRow): CityApplicationSummary {
  return {
    id: r.id,
    trackingNo: r.trackingNo,
    status: r.status,
    statusLabel: reviewerLabel(r.status),
    version: r.version,
    countyCode: r.countyCode,
    countyName: countyName(r.countyCode) ?? null,
    enterprise: r.enterprise,
    provider: r.provider,
    contractAmountFen: r.contractAmountFen,
    paidAmountFen: r.paidAmountFen,
    otherSubsidiesFen: r.otherSubsidiesFen,
    subsidyFen: r.subsidyFen,
    verifiedFen: r.verifiedFen,
    verifiedReason: r.verifiedReason,
    listId: r.listId,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt,
  };
}

/** Summaries of the given applications, in the order of `ids`: plain objects for lists and documents. */
export async function summariesOf(tx: Tx, ids: readonly string[]): Promise<Map<string, CityApplicationSummary>> {
  const rows = await cityApplicationsByIds(tx, ids);
  return new Map([...rows].map(([id, r]) => [id, toSummary(r)]));
}

export async function cityQueue(
  tx: Tx,
  f: CityQueueFilter,
): Promise<{ items: CityApplicationSummary[]; counts: Record<string, number>; next: string | null; roundOf: Map<string, string | null> }> {
  const page = await cityQueuePage(tx, f);
  const items = page.rows.map(toSummary);
  const last = items[items.length - 1];
  return {
    items,
    counts: page.counts,
    roundOf: new Map(page.rows.map((r) => [r.id, r.roundId])),
    next: items.length === f.limit && last ? `${last.updatedAt}.${last.id}` : null,
  };
}

// ---- the review ----------------------------------------------------------------------------------------

export interface CityOpinionInput {
  version: number;
  decision: 'approve' | 'return' | 'reject';
  verifiedFen?: number;
  verifiedReason?: string | null;
  reason?: string | null;
  /** What to fix, each naming a field or material: shown to the enterprise. */
  reasons?: { path?: string | null; message: string }[];
  internalNote?: string | null;
  /** With a return only: the day the correction is due (issue 18); absent, the round's rule sets it. */
  correctionDueOn?: string;
}

function reasonText(input: Pick<CityOpinionInput, 'reason' | 'reasons'>): string | null {
  const parts = [...(input.reasons ?? []).map((r) => r.message.trim()), input.reason?.trim() ?? ''].filter((s) => s.length > 0);
  return parts.length ? parts.join('；') : null;
}

/**
 * City MIIT's review of reported applications (三（五）市工信局…根据审核结果): the queue, the case as a
 * whole, and the opinion that fixes the verified amount (核定金额), returns or rejects.
 */
export class CityReview {
  constructor(private readonly deps: ApplicationDeps) {}

  async queue(f: CityQueueFilter) {
    const [page, rounds] = await this.deps.db.read(async (tx) => [await cityQueue(tx, f), await allRounds(tx)] as const);
    const now = this.deps.now();
    const today = todayInShanghai(new Date(now));
    const byId = new Map(rounds.map((r) => [r.id, r]));
    // As the county's queue: the round's deadline for the stage where it sets one, else OVERDUE_DAYS (issue 18, overdueMark).
    const { roundOf, ...rest } = page;
    return {
      ...rest,
      items: page.items.map((i) => ({
        ...i,
        waitingDays: waitingDays(i.updatedAt, now),
        // Issue 18: lists are per round — the city picks the applications of one.
        roundName: nameOfRound(roundOf.get(i.id), rounds),
        overdue: overdueMark(
          i.status as ApplicationState,
          i.updatedAt,
          now,
          this.deps.overdueDays,
          byId.get(roundOf.get(i.id) ?? '') ?? null,
          today,
        ),
      })),
    };
  }

  /** Everything a city reviewer needs to decide or pay: the case, its amounts now, its history and ledger. */
  async detail(id: string) {
    const today = shanghaiDate(this.deps.now());
    return this.deps.db.read(async (tx) => {
      const app = await findApplication(tx, id);
      if (!app || !(await isCityVisible(tx, app))) throw new NotFoundError('没有这份申请，或它尚未报送到市里');
      const pendingChange = await pendingProfileChange(tx, app.enterpriseId);
      const enterprise = await findEnterprise(tx, app.enterpriseId);
      const card = app.providerId ? await providerCard(tx, app.providerId) : null;
      const p = card
        ? {
            id: card.id,
            companyName: card.companyName,
            platformName: card.platformName,
            filingNo: card.filingNo,
            approvedOn: card.approvedOn,
            revokedOn: card.revokedOn,
            status: card.status,
          }
        : null;
      const opinions = await opinionsOn(tx, id);
      const history = (await historyOf(tx, id)).map((h) => ({
        seq: h.seq,
        event: h.event,
        from: h.fromStatus as ApplicationState | null,
        to: h.toStatus as ApplicationState,
        actorId: h.actorId,
        actorRole: h.actorRole,
        reason: h.reason,
        internalNote: h.internalNote,
        data: h.data,
        at: h.createdAt,
      }));
      const payments = (await standingPaymentsOf(tx, id)).map((p) => ({
        id: p.id,
        amountFen: p.amountFen,
        paidOn: p.paidOn,
        method: p.method,
        reference: p.reference,
        source: p.source,
        verified: p.verified,
      }));
      const materials = (await filesOf(tx, 'application', id)).map((f) => ({
        id: f.id,
        kind: f.kind,
        name: f.originalName,
        sha256: f.sha256,
        uploadedAt: f.createdAt,
      }));
      const list = app.listId ? await findList(tx, app.listId) : null;
      const ledger = await ledgerEntries(tx, id);
      // Issue 18 item 3: under the version the application recorded at its submission, not today's.
      const policyVersion = versionOfApplication(app.policyVersionId ?? null, today);
      const amount = payableNow(app, policyVersion);
      return {
        flags: await applicationFlags(tx, app),
        application: {
          id: app.id,
          trackingNo: app.trackingNo,
          status: app.status,
          statusLabel: reviewerLabel(app.status),
          version: app.version,
          round: app.round,
          countyCode: app.countyCode,
          countyName: countyName(app.countyCode) ?? null,
          contractNo: app.contractNo,
          contractSignedOn: app.contractSignedOn,
          contractStart: app.contractStart,
          contractEnd: app.contractEnd,
          services: app.services,
          contractAmountFen: app.contractAmountFen,
          paidAmountFen: app.paidAmountFen,
          otherSubsidiesFen: app.otherSubsidiesFen,
          subsidyFen: app.subsidyFen,
          verifiedFen: app.verifiedFen,
          verifiedReason: app.verifiedReason,
          providerEvaluation: app.providerEvaluation,
          lastReason: app.lastReason,
          returnedFrom: app.returnedFrom,
          // The finance clerk pays to this account: shown whole here, masked in lists and the ledger.
          bankAccount: {
            accountName: app.bankAccountName,
            bankName: app.bankName,
            accountNo: app.bankAccountNo,
            matchesEnterprise: !!enterprise && accountNameMatches(app.bankAccountName, enterprise.name),
          },
          reportId: app.reportId,
          listId: app.listId,
          submittedAt: app.submittedAt,
          updatedAt: app.updatedAt,
        },
        enterprise: enterprise
          ? {
              id: enterprise.id,
              name: enterprise.name,
              creditCode: enterprise.creditCode,
              countyCode: enterprise.countyCode,
              establishedOn: enterprise.establishedOn,
              industryCode: enterprise.industryCode,
              legalRepresentative: enterprise.legalRepresentative,
              contactName: enterprise.contactName,
              contactPhone: maskPhone(enterprise.contactPhone),
              status: enterprise.status,
              // Reviewers see what the enterprise asked to change; the values above stand until the county verifies it.
              pendingChange: pendingChange ? profileChangeView(pendingChange, enterprise.name) : null,
            }
          : null,
        provider: p,
        // The payable amount by the rules as they stand today: the ceiling of the verified amount.
        amount: { on: today, ...amount, policyVersion: versionRef(policyVersion) },
        opinions: opinions.map((o) => ({
          id: o.id,
          round: o.round,
          level: o.level,
          department: o.department,
          reviewerId: o.reviewerId,
          decision: o.decision,
          reasons: o.reasons,
          ratingEffect: o.ratingEffect,
          ratingService: o.ratingService,
          internalNote: o.internalNote,
          createdAt: o.createdAt,
        })),
        history,
        payments,
        paymentsTotalFen: payments.reduce((s, x) => s + x.amountFen, 0),
        materials,
        list: list ? { id: list.id, year: list.year, batchNo: list.batchNo, status: list.status } : null,
        ledger: {
          entries: ledger.map((d) => ({
            id: d.id,
            seq: d.seq,
            kind: d.kind,
            amountFen: d.amountFen,
            voucherNo: d.voucherNo,
            paidOn: d.paidOn,
            accountName: d.accountName,
            bankName: d.bankName,
            accountNo: d.accountNo,
            reason: d.reason,
            correctsId: d.correctsId,
            recordedBy: d.recordedBy,
            createdAt: d.createdAt,
          })),
          netFen: ledger.reduce((s, d) => s + d.amountFen, 0),
        },
      };
    });
  }

  /**
   * One opinion of city MIIT on a reported application: approve with the verified amount (核定金额),
   * return to the enterprise, or reject — one transition through the engine, with its review_opinions
   * row in the same transaction.
   */
  async opinion(auth: Actor, id: string, input: CityOpinionInput) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    return this.deps.db.transaction(async (tx) => {
      const app = await findApplication(tx, id);
      if (!app || !(await isCityVisible(tx, app))) throw new NotFoundError('没有这份申请，或它尚未报送到市里');
      if (app.version !== input.version) throw staleError();
      // city_reject is also accepted on a listed application, but that is the objection's business
      // (三（五）公示): an opinion is given on a reported application only.
      if (app.status !== 'reported')
        throw new ConflictError(`这份申请现在是“${reviewerLabel(app.status)}”，不在市级审核中，不能给出审核意见`, 'invalid_transition');
      const internalNote = input.internalNote?.trim() || null;
      let outcome: TransitionOutcome;
      if (input.decision === 'approve') {
        // The recorded version's rate and cap (issue 18 item 3): a revision after submission changes nothing here.
        const policyVersion = versionOfApplication(app.policyVersionId ?? null, today);
        const amount = payableNow(app, policyVersion);
        const verified = verifyAmount(input.verifiedFen, input.verifiedReason, amount.payableFen);
        outcome = await this.deps.engine.run(tx, id, {
          event: 'city_approve',
          auth,
          expectedVersion: input.version,
          context: { verifiedAmountProblem: verified.problem },
          // subsidyFen becomes the payable amount recomputed now (DESIGN.md: "recomputed by the rules at that moment").
          columns: { verifiedFen: input.verifiedFen ?? null, verifiedReason: verified.reason, subsidyFen: amount.payableFen },
          // The enterprise learns why its amount was reduced.
          reason: verified.reason,
          internalNote,
          data: {
            verifiedFen: input.verifiedFen ?? null,
            payableFen: amount.payableFen,
            computedFen: amount.computedFen,
            capped: amount.capped,
            rulesOn: today,
            policyVersionId: policyVersion.id,
          },
          actorRole: 'city_miit',
        });
      } else {
        const reason = reasonText(input);
        outcome = await this.deps.engine.run(tx, id, {
          event: input.decision === 'return' ? 'city_return' : 'city_reject',
          auth,
          expectedVersion: input.version,
          columns:
            input.decision === 'return'
              ? { returnedFrom: 'city', lastReason: reason, ...correctionDue(input.correctionDueOn, now) }
              : { lastReason: reason },
          reason,
          internalNote,
          data: { reasons: input.reasons ?? null, ...(input.correctionDueOn ? { correctionDueOn: input.correctionDueOn } : {}) },
          actorRole: 'city_miit',
        });
      }
      await insertOpinion(tx, {
        id: newId(),
        applicationId: id,
        round: app.round,
        level: 'city',
        department: 'miit',
        reviewerId: auth.userId,
        decision: input.decision,
        reasons:
          input.decision === 'approve'
            ? [{ path: 'verifiedFen', verifiedFen: input.verifiedFen ?? null, message: input.verifiedReason?.trim() || '按可补助金额核定' }]
            : (input.reasons ?? (input.reason ? [{ path: null, message: input.reason.trim() }] : [])).map((r) => ({
                path: r.path ?? null,
                message: r.message,
              })),
        ratingEffect: null,
        ratingService: null,
        internalNote,
        createdAt: now,
      });
      const summary = (await summariesOf(tx, [id])).get(id)!;
      return { ...summary, lastReason: outcome.application.lastReason };
    });
  }
}
