import { rawQuery } from '../raw';
import { In } from 'typeorm';
import type { Database } from '../database';
import { ApplicationEntity } from '../entities';
import { em } from '../orm';
import type { Tx } from '../tx';
import type { Application } from './index';

import { inList } from '../sql';
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
  const rows = await rawQuery<{ id: string; county_code: string }>(
    db,
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
  /** The proposed list it is on (listed, approved), else null. */
  listId: string | null;
  /** The deadlines of its round (申报批次), when it has a written one: the digest's overdue mark follows them. */
  roundDeadlines: { countyDeadline: string; cityDeadline: string } | null;
}

/** Applications in any of `statuses` (in one county, if given), with since when they are there. */
export async function applicationsInStages(
  db: Database,
  statuses: readonly ApplicationState[],
  countyCode: string | null,
): Promise<StageItem[]> {
  // updated_at moves with every edit; seeded rows without history fall back to it.
  const sql =
    `SELECT a.id, a.tracking_no, a.status, a.round, a.county_code, a.list_id, a.updated_at, rr.county_deadline, rr.city_deadline, ` +
    `(SELECT MAX(ev.created_at) FROM application_events ev WHERE ev.application_id = a.id AND ev.to_status = a.status) AS since ` +
    `FROM applications a LEFT JOIN application_rounds rr ON rr.id = a.round_id WHERE a.status IN (${statuses.map(() => '?').join(',')})` +
    (countyCode === null ? '' : ' AND a.county_code = ?');
  const rows = await rawQuery<{
    id: string;
    tracking_no: string | null;
    status: string;
    round: number | string;
    county_code: string;
    list_id: string | null;
    updated_at: number | string;
    since: number | string | null;
    county_deadline: string | null;
    city_deadline: string | null;
  }>(db, sql, countyCode === null ? [...statuses] : [...statuses, countyCode]);
  return rows.map((r) => ({
    id: r.id,
    trackingNo: r.tracking_no,
    status: r.status as ApplicationState,
    round: Number(r.round),
    countyCode: r.county_code,
    since: Number(r.since ?? r.updated_at),
    listId: r.list_id,
    roundDeadlines: roundDeadlinesOf(r),
  }));
}

/** An application as its enterprise's member follows it (the official account's 进度). */
export interface ApplicationProgress {
  id: string;
  trackingNo: string | null;
  status: string;
  lastReason: string | null;
  /**
   * For a returned or rejected application without a last reason: the reasons of its latest opinion
   * that was not an approval, as stored (JSON text) — only the reasons, never a reviewer's internal note.
   */
  refusalReasons: string | null;
  subsidyFen: number | null;
  verifiedFen: number | null;
  enterpriseName: string;
}

/** The columns of a ApplicationProgress, `a` the application and `e` its enterprise: the refusal's reasons read in the same statement. */
export const MEMBER_APPLICATION_COLUMNS = `a.id AS app_id, a.tracking_no, a.status AS app_status, a.last_reason, a.subsidy_fen, a.verified_fen, e.name AS enterprise_name,
       CASE WHEN a.last_reason IS NULL AND a.status IN ('returned', 'rejected')
            THEN (SELECT o.reasons FROM review_opinions o WHERE o.application_id = a.id AND o.decision <> 'approve' ORDER BY o.created_at DESC, o.id DESC LIMIT 1)
       END AS refusal_reasons`;

export interface MemberApplicationColumns {
  app_id: string | null;
  tracking_no: string | null;
  app_status: string | null;
  last_reason: string | null;
  subsidy_fen: number | string | null;
  verified_fen: number | string | null;
  enterprise_name: string | null;
  refusal_reasons: string | null;
}

/** A row's application; null where an outer join found none. */
export function memberApplication(r: MemberApplicationColumns): ApplicationProgress | null {
  if (r.app_id === null || r.app_status === null) return null;
  return {
    id: r.app_id,
    trackingNo: r.tracking_no,
    status: r.app_status,
    lastReason: r.last_reason,
    refusalReasons: r.refusal_reasons,
    subsidyFen: numOrNull(r.subsidy_fen),
    verifiedFen: numOrNull(r.verified_fen),
    enterpriseName: r.enterprise_name ?? '',
  };
}

/**
 * The applications of every enterprise the user is an active member of, newest change first; withdrawn
 * ones are history. One statement whatever their number (the refusals' reasons are a subquery).
 */
export async function applicationProgressOfMember(db: Database, userId: string): Promise<ApplicationProgress[]> {
  const rows = await rawQuery<MemberApplicationColumns>(
    db,
    `SELECT ${MEMBER_APPLICATION_COLUMNS}
       FROM applications a
       JOIN enterprise_members m ON m.enterprise_id = a.enterprise_id AND m.user_id = ? AND m.status = 'active'
       JOIN enterprises e ON e.id = a.enterprise_id
      WHERE a.status <> 'withdrawn'
      ORDER BY a.updated_at DESC, a.id DESC`,
    [userId],
  );
  return rows.map(memberApplication).filter((a): a is ApplicationProgress => a !== null);
}

/** How many applications are in each of `statuses` (in one county, if given); a status with none is absent. */
export async function applicationCountsByStatus(
  db: Database,
  statuses: readonly ApplicationState[],
  countyCode: string | null,
): Promise<Map<string, number>> {
  const placeholders = statuses.map(() => '?').join(', ');
  const rows = await rawQuery<{ status: string; n: number | string }>(
    db,
    countyCode === null
      ? `SELECT status, COUNT(*) AS n FROM applications WHERE status IN (${placeholders}) GROUP BY status`
      : `SELECT status, COUNT(*) AS n FROM applications WHERE county_code = ? AND status IN (${placeholders}) GROUP BY status`,
    countyCode === null ? [...statuses] : [countyCode, ...statuses],
  );
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** The applications given that exist, in the order given. */
export async function applicationsByIds(tx: Tx, ids: readonly string[]): Promise<Application[]> {
  if (!ids.length) return [];
  const rows = (await em(tx)
    .getRepository(ApplicationEntity)
    .find({ where: { id: In([...new Set(ids)]) } })) as Application[];
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * A keyset page of the applications naming any of these provider records (drafts are the
 * enterprise's own), newest change first: their ids.
 */
export async function applicationIdsOfProviders(
  tx: Tx,
  providerIds: readonly string[],
  opts: { statuses: readonly string[] | null; after: { updatedAt: number; id: string } | null; limit: number },
): Promise<string[]> {
  const where = [`provider_id IN (${providerIds.map(() => '?').join(', ')})`, "status <> 'draft'"];
  const params: unknown[] = [...providerIds];
  if (opts.statuses) {
    where.push(`status IN (${opts.statuses.map(() => '?').join(', ')})`);
    params.push(...opts.statuses);
  }
  if (opts.after) {
    where.push('(updated_at < ? OR (updated_at = ? AND id < ?))');
    params.push(opts.after.updatedAt, opts.after.updatedAt, opts.after.id);
  }
  const rows: { id: string }[] = await em(tx).query(
    `SELECT id FROM applications WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT ${Math.floor(opts.limit)}`,
    params,
  );
  return rows.map((r) => r.id);
}

/** How many applications naming these provider records are in each status (drafts aside). */
export async function applicationCountsOfProviders(tx: Tx, providerIds: readonly string[]): Promise<Record<string, number>> {
  const rows: { status: string; n: number | string }[] = await em(tx).query(
    `SELECT status, COUNT(*) AS n FROM applications WHERE provider_id IN (${providerIds.map(() => '?').join(', ')}) AND status <> 'draft' GROUP BY status`,
    [...providerIds],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The round's deadlines of a row joined to application_rounds (aliased rr), when it has a written round. */
export function roundDeadlinesOf(r: {
  county_deadline: string | null;
  city_deadline: string | null;
}): { countyDeadline: string; cityDeadline: string } | null {
  return r.county_deadline !== null && r.city_deadline !== null
    ? { countyDeadline: r.county_deadline, cityDeadline: r.city_deadline }
    : null;
}
