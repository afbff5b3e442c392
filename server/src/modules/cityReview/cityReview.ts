import type { EntityManager } from 'typeorm';
import { ApplicationEntity, ReviewOpinionEntity, type JsonObject } from '../../db/entities';
import { insertRow } from '../../db/rows';
import type { Actor } from '../actor';
import { ConflictError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { maskPhone } from '../../logger';
import { type ApplicationState, reviewerLabel } from '../../../../shared/src/workflow/application';
import { countyName } from '../../../../shared/src/contracts/roles';
import type { ApplicationDeps } from '../applications/deps';
import { applicationFlags } from '../applications/flags';
import { isOverdue, waitingDays } from '../../../../shared/src/workflow/overdue';
import { staleError, type TransitionOutcome } from '../applications/engine';
import { num, numOrNull, likeContains } from '../../db/values';
import { accountNameMatches } from '../../../../shared/src/rules/bankAccount';
import { shanghaiDate } from '../../../../shared/src/rules/calendar';
import { payableNow, verifyAmount } from '../../../../shared/src/rules/verifiedAmount';
import { findApplication, type Application } from '../../db/applications';
import { findEnterprise } from '../../db/enterprises';

// ---- shared by the city modules ---------------------------------------------------------------------

/** States in which an application is in the city's hands (三（五）): from the county's report to the money. */
export const CITY_STATES = ['reported', 'city_approved', 'listed', 'approved', 'disbursed'] as const satisfies readonly ApplicationState[];
/** What the city's queue can filter on: its own states, and where the city's decisions sent an application. */
export const CITY_VISIBLE_STATES = [...CITY_STATES, 'returned', 'rejected', 'withdrawn'] as const satisfies readonly ApplicationState[];
export type CityVisibleState = (typeof CITY_VISIBLE_STATES)[number];

const CITY_STATE_SQL = CITY_STATES.map((s) => `'${s}'`).join(', ');
/**
 * An application the city may see: one in a city state now, or one that has been in one (returned or
 * rejected by the city, withdrawn after a city return). Earlier stages are the counties' business.
 */
const CITY_VISIBLE_SQL = `(a.status IN (${CITY_STATE_SQL}) OR EXISTS (SELECT 1 FROM application_events ev WHERE ev.application_id = a.id AND ev.from_status IN (${CITY_STATE_SQL})))`;

/**
 * Takes the application's row lock on MySQL/MariaDB for ledger writes that change no state (a
 * correction), so that two of them cannot take the same ledger seq. SQLite's work queue already
 * serialises every transaction.
 */
export async function lockApplication(tx: EntityManager, id: string): Promise<Application | null> {
  if (tx.connection.driver.options.type === 'better-sqlite3') return findApplication(tx, id);
  return (await tx
    .getRepository(ApplicationEntity)
    .createQueryBuilder('a')
    .setLock('pessimistic_write')
    .where('a.id = :id', { id })
    .getOne()) as Application | null;
}

export async function isCityVisible(m: EntityManager, app: Application): Promise<boolean> {
  if ((CITY_STATES as readonly string[]).includes(app.status)) return true;
  const rows: unknown[] = await m.query(
    `SELECT 1 FROM application_events WHERE application_id = ? AND from_status IN (${CITY_STATE_SQL})`,
    [app.id],
  );
  return rows.length > 0;
}

// ---- the queue ----------------------------------------------------------------------------------------

export interface CityQueueFilter {
  statuses: readonly CityVisibleState[];
  countyCode?: string;
  providerId?: string;
  text?: string;
  after?: { updatedAt: number; id: string } | null;
  limit: number;
}

export interface CityApplicationSummary {
  id: string;
  trackingNo: string | null;
  status: string;
  statusLabel: string;
  version: number;
  countyCode: string;
  countyName: string | null;
  enterprise: { id: string; name: string; creditCode: string };
  provider: { id: string; name: string } | null;
  contractAmountFen: number | null;
  paidAmountFen: number | null;
  otherSubsidiesFen: number;
  subsidyFen: number | null;
  verifiedFen: number | null;
  verifiedReason: string | null;
  listId: string | null;
  submittedAt: number | null;
  updatedAt: number;
}

interface SummaryRow {
  id: string;
  tracking_no: string | null;
  status: string;
  version: number | string;
  county_code: string;
  contract_amount_fen: number | string | null;
  paid_amount_fen: number | string | null;
  other_subsidies_fen: number | string;
  subsidy_fen: number | string | null;
  verified_fen: number | string | null;
  verified_reason: string | null;
  list_id: string | null;
  submitted_at: number | string | null;
  updated_at: number | string;
  enterprise_id: string;
  enterprise_name: string;
  credit_code: string;
  provider_id: string | null;
  provider_name: string | null;
}

function toSummary(r: SummaryRow): CityApplicationSummary {
  return {
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status,
    statusLabel: reviewerLabel(r.status),
    version: num(r.version),
    countyCode: r.county_code,
    countyName: countyName(r.county_code) ?? null,
    enterprise: { id: r.enterprise_id, name: r.enterprise_name, creditCode: r.credit_code },
    provider: r.provider_id ? { id: r.provider_id, name: r.provider_name ?? '' } : null,
    contractAmountFen: numOrNull(r.contract_amount_fen),
    paidAmountFen: numOrNull(r.paid_amount_fen),
    otherSubsidiesFen: num(r.other_subsidies_fen),
    subsidyFen: numOrNull(r.subsidy_fen),
    verifiedFen: numOrNull(r.verified_fen),
    verifiedReason: r.verified_reason,
    listId: r.list_id,
    submittedAt: numOrNull(r.submitted_at),
    updatedAt: num(r.updated_at),
  };
}

const SUMMARY_SELECT = `SELECT a.id, a.tracking_no, a.status, a.version, a.county_code, a.contract_amount_fen, a.paid_amount_fen, a.other_subsidies_fen, a.subsidy_fen, a.verified_fen, a.verified_reason, a.list_id, a.submitted_at, a.updated_at,
  e.id AS enterprise_id, e.name AS enterprise_name, e.credit_code AS credit_code, p.id AS provider_id, p.company_name AS provider_name
  FROM applications a JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN providers p ON p.id = a.provider_id`;

/** Summaries of the given applications, in the order of `ids`: plain objects for lists and documents. */
export async function summariesOf(m: EntityManager, ids: readonly string[]): Promise<Map<string, CityApplicationSummary>> {
  const out = new Map<string, CityApplicationSummary>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows: SummaryRow[] = await m.query(`${SUMMARY_SELECT} WHERE a.id IN (${chunk.map(() => '?').join(', ')})`, [...chunk]);
    for (const r of rows) out.set(r.id, toSummary(r));
  }
  return out;
}

/** Filters other than status, shared by the page and its counts. */
function filterSql(f: CityQueueFilter): { where: string[]; params: unknown[] } {
  const where = [CITY_VISIBLE_SQL];
  const params: unknown[] = [];
  if (f.countyCode) {
    where.push('a.county_code = ?');
    params.push(f.countyCode);
  }
  if (f.providerId) {
    where.push('a.provider_id = ?');
    params.push(f.providerId);
  }
  if (f.text) {
    const like = likeContains(f.text);
    where.push(
      "(e.name LIKE ? ESCAPE '!' OR e.credit_code LIKE ? ESCAPE '!' OR a.tracking_no LIKE ? ESCAPE '!' OR a.contract_no LIKE ? ESCAPE '!')",
    );
    params.push(like, likeContains(f.text.toUpperCase()), likeContains(f.text.toUpperCase()), like);
  }
  return { where, params };
}

export async function cityQueue(
  m: EntityManager,
  f: CityQueueFilter,
): Promise<{ items: CityApplicationSummary[]; counts: Record<string, number>; next: string | null }> {
  const base = filterSql(f);
  const where = [...base.where, `a.status IN (${f.statuses.map(() => '?').join(', ')})`];
  const params = [...base.params, ...f.statuses];
  if (f.after) {
    where.push('(a.updated_at > ? OR (a.updated_at = ? AND a.id > ?))');
    params.push(f.after.updatedAt, f.after.updatedAt, f.after.id);
  }
  // Keyset pages, oldest waiting first: no OFFSET (TypeORM inlines it on SQLite, notes/performance.md).
  const rows: SummaryRow[] = await m.query(
    `${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY a.updated_at ASC, a.id ASC LIMIT ${Math.trunc(f.limit)}`,
    params,
  );
  // The enterprise is joined only to search its name: without text the count is a covering-index scan (~30× faster).
  const countRows: { status: string; n: number | string }[] = await m.query(
    `SELECT a.status AS status, COUNT(*) AS n FROM applications a${f.text ? ' JOIN enterprises e ON e.id = a.enterprise_id' : ''} WHERE ${base.where.join(' AND ')} GROUP BY a.status`,
    base.params,
  );
  const items = rows.map(toSummary);
  const last = items[items.length - 1];
  return {
    items,
    counts: Object.fromEntries(countRows.map((r) => [r.status, num(r.n)])),
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
    const page = await this.deps.db.run((m) => cityQueue(m, f));
    const now = this.deps.now();
    // The same limits as the county's queue (OVERDUE_DAYS).
    return {
      ...page,
      items: page.items.map((i) => ({
        ...i,
        waitingDays: waitingDays(i.updatedAt, now),
        overdue: isOverdue(i.status as ApplicationState, i.updatedAt, now, this.deps.overdueDays),
      })),
    };
  }

  /** Everything a city reviewer needs to decide or pay: the case, its amounts now, its history and ledger. */
  async detail(id: string) {
    const today = shanghaiDate(this.deps.now());
    return this.deps.db.run(async (m) => {
      const app = await findApplication(m, id);
      if (!app || !(await isCityVisible(m, app))) throw new NotFoundError('没有这份申请，或它尚未报送到市里');
      const enterprise = await findEnterprise(m, app.enterpriseId);
      const provider: {
        id: string;
        company_name: string;
        platform_name: string | null;
        filing_no: string | null;
        approved_on: string | null;
        revoked_on: string | null;
        status: string;
      }[] = app.providerId
        ? await m.query('SELECT id, company_name, platform_name, filing_no, approved_on, revoked_on, status FROM providers WHERE id = ?', [
            app.providerId,
          ])
        : [];
      const opinions = await m
        .getRepository(ReviewOpinionEntity)
        .find({ where: { applicationId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
      const history: {
        seq: number | string;
        event: string;
        from_status: string | null;
        to_status: string;
        actor_id: string | null;
        actor_role: string | null;
        reason: string | null;
        internal_note: string | null;
        data: string | null;
        created_at: number | string;
      }[] = await m.query(
        'SELECT seq, event, from_status, to_status, actor_id, actor_role, reason, internal_note, data, created_at FROM application_events WHERE application_id = ? ORDER BY seq ASC',
        [id],
      );
      const payments: {
        id: string;
        amount_fen: number | string;
        paid_on: string;
        method: string;
        reference: string | null;
        source: string;
        verified: number | string;
      }[] = await m.query(
        'SELECT id, amount_fen, paid_on, method, reference, source, verified FROM application_payments WHERE application_id = ? AND removed_at IS NULL ORDER BY paid_on ASC, id ASC',
        [id],
      );
      const materials: { id: string; kind: string; original_name: string; sha256: string; created_at: number | string }[] = await m.query(
        "SELECT id, kind, original_name, sha256, created_at FROM files WHERE owner_type = 'application' AND owner_id = ? AND superseded_by IS NULL ORDER BY created_at ASC",
        [id],
      );
      const list: { id: string; year: number | string; batch_no: number | string; status: string }[] = app.listId
        ? await m.query('SELECT id, year, batch_no, status FROM subsidy_lists WHERE id = ?', [app.listId])
        : [];
      const ledger: {
        id: string;
        seq: number | string;
        kind: string;
        amount_fen: number | string;
        voucher_no: string;
        paid_on: string;
        account_name: string;
        bank_name: string;
        account_no: string;
        reason: string | null;
        corrects_id: string | null;
        recorded_by: string;
        created_at: number | string;
      }[] = await m.query(
        'SELECT id, seq, kind, amount_fen, voucher_no, paid_on, account_name, bank_name, account_no, reason, corrects_id, recorded_by, created_at FROM disbursements WHERE application_id = ? ORDER BY seq ASC',
        [id],
      );
      const amount = payableNow(app, today);
      const p = provider[0];
      return {
        flags: await applicationFlags(m, app),
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
            }
          : null,
        provider: p
          ? {
              id: p.id,
              companyName: p.company_name,
              platformName: p.platform_name,
              filingNo: p.filing_no,
              approvedOn: p.approved_on,
              revokedOn: p.revoked_on,
              status: p.status,
            }
          : null,
        // The payable amount by the rules as they stand today: the ceiling of the verified amount.
        amount: { on: today, ...amount },
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
        history: history.map((h) => ({
          seq: num(h.seq),
          event: h.event,
          from: h.from_status,
          to: h.to_status,
          actorId: h.actor_id,
          actorRole: h.actor_role,
          reason: h.reason,
          internalNote: h.internal_note,
          data: h.data ? (JSON.parse(h.data) as JsonObject) : null,
          at: num(h.created_at),
        })),
        payments: payments.map((x) => ({
          id: x.id,
          amountFen: num(x.amount_fen),
          paidOn: x.paid_on,
          method: x.method,
          reference: x.reference,
          source: x.source,
          verified: num(x.verified) === 1,
        })),
        paymentsTotalFen: payments.reduce((s, x) => s + num(x.amount_fen), 0),
        materials: materials.map((f) => ({
          id: f.id,
          kind: f.kind,
          name: f.original_name,
          sha256: f.sha256,
          uploadedAt: num(f.created_at),
        })),
        list: list[0] ? { id: list[0].id, year: num(list[0].year), batchNo: num(list[0].batch_no), status: list[0].status } : null,
        ledger: {
          entries: ledger.map((d) => ({
            id: d.id,
            seq: num(d.seq),
            kind: d.kind,
            amountFen: num(d.amount_fen),
            voucherNo: d.voucher_no,
            paidOn: d.paid_on,
            accountName: d.account_name,
            bankName: d.bank_name,
            accountNo: d.account_no,
            reason: d.reason,
            correctsId: d.corrects_id,
            recordedBy: d.recorded_by,
            createdAt: num(d.created_at),
          })),
          netFen: ledger.reduce((s, d) => s + num(d.amount_fen), 0),
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
        const amount = payableNow(app, today);
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
          },
          actorRole: 'city_miit',
        });
      } else {
        const reason = reasonText(input);
        outcome = await this.deps.engine.run(tx, id, {
          event: input.decision === 'return' ? 'city_return' : 'city_reject',
          auth,
          expectedVersion: input.version,
          columns: input.decision === 'return' ? { returnedFrom: 'city', lastReason: reason } : { lastReason: reason },
          reason,
          internalNote,
          data: { reasons: input.reasons ?? null },
          actorRole: 'city_miit',
        });
      }
      await insertRow(tx, ReviewOpinionEntity, {
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
