import type { Database } from '../database';
import { inList } from '../notifications/sql';
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
