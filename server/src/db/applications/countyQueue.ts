import { em } from '../orm';
import type { Tx } from '../tx';
import { likeContains, num, numOrNull } from '../values';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/** The county reviewers' queue: a keyset page of their counties' applications (never drafts) and the counts of a search. */

export interface CountyQueueQuery {
  counties: readonly string[];
  statuses: readonly ApplicationState[];
  /** Searched in the enterprise's name, the tracking number and the contract number. */
  text: string | null;
  after: { updatedAt: number; id: string } | null;
  limit: number;
  /**
   * Only overdue cases (shared/src/workflow/rounds.ts overdueMark): in a written round, the stages it
   * sets a deadline for are overdue once that deadline is before `today`; every other case once it
   * waited longer than its stage allows (per stage, changed before this time).
   */
  overdue?: {
    before: Partial<Record<ApplicationState, number>>;
    today: string;
    countyStages: readonly ApplicationState[];
    cityStages: readonly ApplicationState[];
  } | null;
}

export interface CountyQueueRow {
  id: string;
  trackingNo: string | null;
  contractNo: string | null;
  contractAmountFen: number | null;
  subsidyFen: number | null;
  status: ApplicationState;
  version: number;
  round: number;
  submittedAt: number | null;
  updatedAt: number;
  enterpriseName: string;
  /** The deadlines of the application's round (申报批次), when it has a written one. */
  roundDeadlines: { countyDeadline: string; cityDeadline: string } | null;
  /** Each county department's opinion in the application's current round; null: none yet. */
  miitDecision: CountyDecision | null;
  financeDecision: CountyDecision | null;
}

export type CountyDecision = 'approve' | 'return' | 'reject';

/** The department's latest county opinion in the application's current round (ix_review_opinions_app). */
const decisionOf = (department: 'miit' | 'finance') =>
  `(SELECT o.decision FROM review_opinions o WHERE o.application_id = a.id AND o.round = a.round AND o.level = 'county' AND o.department = '${department}' ORDER BY o.created_at DESC, o.id DESC LIMIT 1)`;

function scope(counties: readonly string[], text: string | null): { from: string; where: string[]; params: unknown[] } {
  const where = [`a.county_code IN (${counties.map(() => '?').join(', ')})`, "a.status <> 'draft'"];
  const params: unknown[] = [...counties];
  if (text) {
    where.push("(e.name LIKE ? ESCAPE '!' OR a.tracking_no LIKE ? ESCAPE '!' OR a.contract_no LIKE ? ESCAPE '!')");
    const p = likeContains(text);
    params.push(p, p, p);
  }
  // The enterprise is joined only to search its name: without text the count is a covering-index scan.
  return { from: text ? 'applications a JOIN enterprises e ON e.id = a.enterprise_id' : 'applications a', where, params };
}

/** How many of the counties' applications matching the search are in each of these stages. */
export async function countyStageCountsMatching(
  tx: Tx,
  counties: readonly string[],
  text: string,
  stages: readonly ApplicationState[],
): Promise<Record<string, number>> {
  const { from, where, params } = scope(counties, text);
  const rows: { status: string; n: number | string }[] = await em(tx).query(
    `SELECT a.status AS status, COUNT(*) AS n FROM ${from} WHERE ${where.join(' AND ')} AND a.status IN (${stages.map(() => '?').join(', ')}) GROUP BY a.status`,
    [...params, ...stages],
  );
  return Object.fromEntries(rows.map((r) => [r.status, num(r.n)]));
}

/**
 * One page, oldest change first (what has waited longest comes first): keyset, no OFFSET, no hydration
 * of whole rows; each row with both departments' opinions of its round, so that a page is one statement.
 */
export async function countyQueuePage(tx: Tx, q: CountyQueueQuery): Promise<CountyQueueRow[]> {
  const { from, where, params } = scope(q.counties, q.text);
  where.push(`a.status IN (${q.statuses.map(() => '?').join(', ')})`);
  params.push(...q.statuses);
  if (q.after) {
    where.push('(a.updated_at > ? OR (a.updated_at = ? AND a.id > ?))');
    params.push(q.after.updatedAt, q.after.updatedAt, q.after.id);
  }
  if (q.overdue) {
    const o = q.overdue;
    const inList = (xs: readonly string[]) => (xs.length ? `a.status IN (${xs.map(() => '?').join(', ')})` : '1 = 0');
    const roundStages = [...o.countyStages, ...o.cityStages];
    // Each stage has its own limit: one (status, waited-since) pair per stage asked for, where no round decides.
    const limits = q.statuses.filter((st) => o.before[st] !== undefined);
    const byDays = limits.length ? `(${limits.map(() => '(a.status = ? AND a.updated_at < ?)').join(' OR ')})` : '1 = 0';
    where.push(
      `((rr.id IS NOT NULL AND ${inList(o.countyStages)} AND rr.county_deadline < ?)` +
        ` OR (rr.id IS NOT NULL AND ${inList(o.cityStages)} AND rr.city_deadline < ?)` +
        ` OR ((rr.id IS NULL OR NOT ${inList(roundStages)}) AND ${byDays}))`,
    );
    params.push(...o.countyStages, o.today, ...o.cityStages, o.today, ...roundStages);
    for (const st of limits) params.push(st, o.before[st]);
  }
  const rows: {
    id: string;
    tracking_no: string | null;
    contract_no: string | null;
    contract_amount_fen: number | string | null;
    subsidy_fen: number | string | null;
    status: ApplicationState;
    version: number | string;
    round: number | string;
    submitted_at: number | string | null;
    updated_at: number | string;
    enterprise_name: string;
    county_deadline: string | null;
    city_deadline: string | null;
    miit_decision: CountyDecision | null;
    finance_decision: CountyDecision | null;
  }[] = await em(tx).query(
    `SELECT a.id, a.tracking_no, a.contract_no, a.contract_amount_fen, a.subsidy_fen, a.status, a.version, a.round, a.submitted_at, a.updated_at, pe.name AS enterprise_name,
            rr.county_deadline, rr.city_deadline, ${decisionOf('miit')} AS miit_decision, ${decisionOf('finance')} AS finance_decision
       FROM ${from} JOIN enterprises pe ON pe.id = a.enterprise_id LEFT JOIN application_rounds rr ON rr.id = a.round_id
      WHERE ${where.join(' AND ')} ORDER BY a.updated_at ASC, a.id ASC LIMIT ${Math.floor(q.limit)}`,
    params,
  );
  return rows.map((a) => ({
    id: a.id,
    trackingNo: a.tracking_no,
    contractNo: a.contract_no,
    contractAmountFen: numOrNull(a.contract_amount_fen),
    subsidyFen: numOrNull(a.subsidy_fen),
    status: a.status,
    version: num(a.version),
    round: num(a.round),
    submittedAt: numOrNull(a.submitted_at),
    updatedAt: num(a.updated_at),
    enterpriseName: a.enterprise_name,
    roundDeadlines:
      a.county_deadline !== null && a.city_deadline !== null ? { countyDeadline: a.county_deadline, cityDeadline: a.city_deadline } : null,
    miitDecision: a.miit_decision,
    financeDecision: a.finance_decision,
  }));
}
