import { em } from '../orm';
import type { Tx } from '../tx';
import { num } from '../values';
import { roundDeadlinesOf } from './readers';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * "Which applications wait for this department": the one definition that the county queue, the
 * chatbot's 待办 and the reviewers' daily digest share (issue 13). An application of the county waits
 * for a county department (工信 or 财政) when
 * - it is in county review (`county_review`) and that department has not given its opinion in the
 *   application's current round (both departments give one per round, DESIGN.md), or
 * - it was approved by both (`county_approved`) and waits for the county's joint report, which both
 *   departments sign (no longer for a department that signed its draft report already).
 */
export type CountyDepartment = 'miit' | 'finance';

/** The stages where an application can wait for a county department. */
export const AWAITING_STAGES = ['county_review', 'county_approved'] as const satisfies readonly ApplicationState[];
export type AwaitingStage = (typeof AWAITING_STAGES)[number];

/**
 * The rule as SQL over an application aliased `a`; its parameters are the county and the department
 * three times (awaitsParams). An application in a draft joint report that this department signed
 * already waits for the other department's signature only (issue 14 item 7: not for the one that acted).
 */
const AWAITS = `a.county_code = ? AND ((a.status = 'county_approved' AND NOT EXISTS (
    SELECT 1 FROM joint_reports r WHERE r.id = a.report_id
       AND ((? = 'miit' AND r.miit_signed_by IS NOT NULL) OR (? = 'finance' AND r.finance_signed_by IS NOT NULL))))
  OR (a.status = 'county_review' AND NOT EXISTS (
    SELECT 1 FROM review_opinions o WHERE o.application_id = a.id AND o.round = a.round AND o.level = 'county' AND o.department = ?)))`;
const awaitsParams = (countyCode: string, department: CountyDepartment) => [countyCode, department, department, department];

export interface AwaitingApplication {
  id: string;
  trackingNo: string | null;
  status: AwaitingStage;
  round: number;
  updatedAt: number;
  /** Since when it is in its stage: its last event into that status, else (seeded rows) its last change. */
  since: number;
  /** The deadlines of its round (申报批次), when it has a written one. */
  roundDeadlines: { countyDeadline: string; cityDeadline: string } | null;
}

/** The applications of a county that wait for the department, oldest change first. */
export async function awaitingDepartment(tx: Tx, countyCode: string, department: CountyDepartment): Promise<AwaitingApplication[]> {
  const rows: {
    id: string;
    tracking_no: string | null;
    status: AwaitingStage;
    round: number | string;
    updated_at: number | string;
    since: number | string | null;
    county_deadline: string | null;
    city_deadline: string | null;
  }[] = await em(tx).query(
    `SELECT a.id, a.tracking_no, a.status, a.round, a.updated_at, rr.county_deadline, rr.city_deadline,
            (SELECT MAX(ev.created_at) FROM application_events ev WHERE ev.application_id = a.id AND ev.to_status = a.status) AS since
       FROM applications a LEFT JOIN application_rounds rr ON rr.id = a.round_id WHERE ${AWAITS} ORDER BY a.updated_at ASC, a.id ASC`,
    awaitsParams(countyCode, department),
  );
  return rows.map((r) => ({
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status,
    round: num(r.round),
    updatedAt: num(r.updated_at),
    since: num(r.since ?? r.updated_at),
    roundDeadlines: roundDeadlinesOf(r),
  }));
}

/** How many applications of a county wait for the department, per stage. */
export async function countAwaitingDepartment(
  tx: Tx,
  countyCode: string,
  department: CountyDepartment,
): Promise<Record<AwaitingStage, number>> {
  const rows: { status: AwaitingStage; n: number | string }[] = await em(tx).query(
    `SELECT a.status AS status, COUNT(*) AS n FROM applications a WHERE ${AWAITS} GROUP BY a.status`,
    awaitsParams(countyCode, department),
  );
  const counts: Record<AwaitingStage, number> = { county_review: 0, county_approved: 0 };
  for (const r of rows) counts[r.status] = num(r.n);
  return counts;
}
