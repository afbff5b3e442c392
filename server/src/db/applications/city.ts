import { em } from '../orm';
import type { Tx } from '../tx';
import { likeContains, num, numOrNull } from '../values';
import type { Application } from './index';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * The city's questions on applications (三（五）): which the city may see, its queue, the summaries its
 * lists and documents show. The case file beside the application row is asked of its own aggregates
 * (db/applications/history, db/opinions, db/providers, db/files).
 */

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

export async function isCityVisible(tx: Tx, app: Pick<Application, 'id' | 'status'>): Promise<boolean> {
  if ((CITY_STATES as readonly string[]).includes(app.status)) return true;
  const rows: unknown[] = await em(tx).query(
    `SELECT 1 FROM application_events WHERE application_id = ? AND from_status IN (${CITY_STATE_SQL})`,
    [app.id],
  );
  return rows.length > 0;
}

// ---- the queue and the summaries ------------------------------------------------------------------------

/** An application as the city's queue, lists and documents show it, with its enterprise and provider. */
export interface CityApplicationRow {
  id: string;
  trackingNo: string | null;
  status: ApplicationState;
  version: number;
  countyCode: string;
  enterprise: { id: string; name: string; creditCode: string };
  provider: { id: string; name: string } | null;
  contractAmountFen: number | null;
  paidAmountFen: number | null;
  otherSubsidiesFen: number;
  subsidyFen: number | null;
  verifiedFen: number | null;
  verifiedReason: string | null;
  listId: string | null;
  /** The round (申报批次) it was submitted in. */
  roundId: string | null;
  submittedAt: number | null;
  updatedAt: number;
}

interface SummaryRow {
  id: string;
  tracking_no: string | null;
  status: ApplicationState;
  version: number | string;
  county_code: string;
  contract_amount_fen: number | string | null;
  paid_amount_fen: number | string | null;
  other_subsidies_fen: number | string;
  subsidy_fen: number | string | null;
  verified_fen: number | string | null;
  verified_reason: string | null;
  list_id: string | null;
  round_id: string | null;
  submitted_at: number | string | null;
  updated_at: number | string;
  enterprise_id: string;
  enterprise_name: string;
  credit_code: string;
  provider_id: string | null;
  provider_name: string | null;
}

function toRow(r: SummaryRow): CityApplicationRow {
  return {
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status,
    version: num(r.version),
    countyCode: r.county_code,
    enterprise: { id: r.enterprise_id, name: r.enterprise_name, creditCode: r.credit_code },
    provider: r.provider_id ? { id: r.provider_id, name: r.provider_name ?? '' } : null,
    contractAmountFen: numOrNull(r.contract_amount_fen),
    paidAmountFen: numOrNull(r.paid_amount_fen),
    otherSubsidiesFen: num(r.other_subsidies_fen),
    subsidyFen: numOrNull(r.subsidy_fen),
    verifiedFen: numOrNull(r.verified_fen),
    verifiedReason: r.verified_reason,
    listId: r.list_id,
    roundId: r.round_id ?? null,
    submittedAt: numOrNull(r.submitted_at),
    updatedAt: num(r.updated_at),
  };
}

const SUMMARY_SELECT = `SELECT a.id, a.tracking_no, a.status, a.version, a.county_code, a.contract_amount_fen, a.paid_amount_fen, a.other_subsidies_fen, a.subsidy_fen, a.verified_fen, a.verified_reason, a.list_id, a.round_id, a.submitted_at, a.updated_at,
  e.id AS enterprise_id, e.name AS enterprise_name, e.credit_code AS credit_code, p.id AS provider_id, p.company_name AS provider_name
  FROM applications a JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN providers p ON p.id = a.provider_id`;

/** The given applications by id, with their enterprise and provider (absent ids are left out). */
export async function cityApplicationsByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, CityApplicationRow>> {
  const out = new Map<string, CityApplicationRow>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows: SummaryRow[] = await em(tx).query(`${SUMMARY_SELECT} WHERE a.id IN (${chunk.map(() => '?').join(', ')})`, [...chunk]);
    for (const r of rows) out.set(r.id, toRow(r));
  }
  return out;
}

export interface CityQueueFilter {
  statuses: readonly CityVisibleState[];
  countyCode?: string;
  providerId?: string;
  text?: string;
  after?: { updatedAt: number; id: string } | null;
  limit: number;
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

/** One keyset page of the city's queue, oldest waiting first, and the counts per status over the whole filter. */
export async function cityQueuePage(tx: Tx, f: CityQueueFilter): Promise<{ rows: CityApplicationRow[]; counts: Record<string, number> }> {
  const base = filterSql(f);
  const where = [...base.where, `a.status IN (${f.statuses.map(() => '?').join(', ')})`];
  const params = [...base.params, ...f.statuses];
  if (f.after) {
    where.push('(a.updated_at > ? OR (a.updated_at = ? AND a.id > ?))');
    params.push(f.after.updatedAt, f.after.updatedAt, f.after.id);
  }
  // Keyset pages, oldest waiting first: no OFFSET (TypeORM inlines it on SQLite, notes/performance.md).
  const rows: SummaryRow[] = await em(tx).query(
    `${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY a.updated_at ASC, a.id ASC LIMIT ${Math.trunc(f.limit)}`,
    params,
  );
  // The enterprise is joined only to search its name: without text the count is a covering-index scan (~30× faster).
  const countRows: { status: string; n: number | string }[] = await em(tx).query(
    `SELECT a.status AS status, COUNT(*) AS n FROM applications a${f.text ? ' JOIN enterprises e ON e.id = a.enterprise_id' : ''} WHERE ${base.where.join(' AND ')} GROUP BY a.status`,
    base.params,
  );
  return { rows: rows.map(toRow), counts: Object.fromEntries(countRows.map((r) => [r.status, num(r.n)])) };
}

/** The policy version each given application recorded at its submission (issue 18 item 3), in one statement. */
export async function policyVersionIdsOf(tx: Tx, ids: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows: { id: string; policy_version_id: string | null }[] = await em(tx).query(
      `SELECT id, policy_version_id FROM applications WHERE id IN (${chunk.map(() => '?').join(', ')})`,
      [...chunk],
    );
    for (const r of rows) out.set(r.id, r.policy_version_id ?? null);
  }
  return out;
}
