import type { Database } from '../database';
import { inList } from '../notifications/sql';
import { numOrNull } from '../values';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * Read-only questions about applications asked from outside their own use cases: the outbox (whose
 * county an alert is about), the reviewers' digest, the official account's 进度.
 */

/** The county of each application given that exists. */
export async function countiesOfApplications(db: Database, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const list = inList(ids);
  const rows = await db.query<{ id: string; county_code: string }>(
    `SELECT id, county_code FROM applications WHERE id IN (${list.sql})`,
    list.params,
  );
  for (const r of rows) out.set(r.id, r.county_code);
  return out;
}

/** An application in a stage, and since when: its last event into that status, else its last change. */
export interface StageItem {
  id: string;
  trackingNo: string | null;
  status: ApplicationState;
  round: number;
  countyCode: string;
  since: number;
}

/** Applications in any of `statuses` (in one county, if given), with since when they are there. */
export async function applicationsInStages(
  db: Database,
  statuses: readonly ApplicationState[],
  countyCode: string | null,
): Promise<StageItem[]> {
  // updated_at moves with every edit; seeded rows without history fall back to it.
  const sql =
    `SELECT a.id, a.tracking_no, a.status, a.round, a.county_code, a.updated_at, ` +
    `(SELECT MAX(ev.created_at) FROM application_events ev WHERE ev.application_id = a.id AND ev.to_status = a.status) AS since ` +
    `FROM applications a WHERE a.status IN (${statuses.map(() => '?').join(',')})` +
    (countyCode === null ? '' : ' AND a.county_code = ?');
  const rows = await db.query<{
    id: string;
    tracking_no: string | null;
    status: string;
    round: number | string;
    county_code: string;
    updated_at: number | string;
    since: number | string | null;
  }>(sql, countyCode === null ? [...statuses] : [...statuses, countyCode]);
  return rows.map((r) => ({
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status as ApplicationState,
    round: Number(r.round),
    countyCode: r.county_code,
    since: Number(r.since ?? r.updated_at),
  }));
}

/** An application as its enterprise's member follows it (the official account's 进度). */
export interface MemberApplication {
  id: string;
  trackingNo: string | null;
  status: string;
  lastReason: string | null;
  subsidyFen: number | null;
  verifiedFen: number | null;
  enterpriseName: string;
}

/** The applications of every enterprise the user is an active member of, newest change first; withdrawn ones are history. */
export async function applicationsOfMember(db: Database, userId: string): Promise<MemberApplication[]> {
  const rows = await db.query<{
    id: string;
    tracking_no: string | null;
    status: string;
    last_reason: string | null;
    subsidy_fen: number | string | null;
    verified_fen: number | string | null;
    name: string;
  }>(
    `SELECT a.id, a.tracking_no, a.status, a.last_reason, a.subsidy_fen, a.verified_fen, e.name
       FROM applications a
       JOIN enterprise_members m ON m.enterprise_id = a.enterprise_id AND m.user_id = ? AND m.status = 'active'
       JOIN enterprises e ON e.id = a.enterprise_id
      WHERE a.status <> 'withdrawn'
      ORDER BY a.updated_at DESC, a.id DESC`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status,
    lastReason: r.last_reason,
    subsidyFen: numOrNull(r.subsidy_fen),
    verifiedFen: numOrNull(r.verified_fen),
    enterpriseName: r.name,
  }));
}

/**
 * The reasons of the application's latest opinion that was not an approval, as stored (JSON text);
 * only the reasons: a reviewer's internal note is never read here.
 */
export async function latestRefusalReasons(db: Database, applicationId: string): Promise<string | null> {
  const rows = await db.query<{ reasons: string | null }>(
    "SELECT reasons FROM review_opinions WHERE application_id = ? AND decision <> 'approve' ORDER BY created_at DESC, id DESC LIMIT 1",
    [applicationId],
  );
  return rows[0]?.reasons ?? null;
}

/** How many applications are in each of `statuses` (in one county, if given); a status with none is absent. */
export async function applicationCountsByStatus(
  db: Database,
  statuses: readonly ApplicationState[],
  countyCode: string | null,
): Promise<Map<string, number>> {
  const placeholders = statuses.map(() => '?').join(', ');
  const rows = await db.query<{ status: string; n: number | string }>(
    countyCode === null
      ? `SELECT status, COUNT(*) AS n FROM applications WHERE status IN (${placeholders}) GROUP BY status`
      : `SELECT status, COUNT(*) AS n FROM applications WHERE county_code = ? AND status IN (${placeholders}) GROUP BY status`,
    countyCode === null ? [...statuses] : [countyCode, ...statuses],
  );
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
