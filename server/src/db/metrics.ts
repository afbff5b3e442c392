import type { ApplicationState } from '../../../shared/src/workflow/application';
import type { Database } from './database';
import { em } from './orm';
import type { Tx } from './tx';
import { num, numOrNull } from './values';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { ROUND_DEADLINE_STAGES } from '../../../shared/src/workflow/rounds';

/**
 * The questions the metrics ask at each scrape (server/src/metrics): cheap aggregates over indexed
 * columns, answered outside any transaction.
 */

/** Notifications not yet final, and when the oldest due one (pending or waiting to retry) became due. */
export async function outboxBacklog(tx: Tx, now: number): Promise<{ depth: number; oldestDueAt: number | null }> {
  const [row] = await em(tx).query<{ depth: unknown; oldest: unknown }[]>(
    "SELECT COUNT(*) AS depth, MIN(CASE WHEN status IN ('pending', 'failed') AND next_attempt_at <= ? THEN next_attempt_at END) AS oldest " +
      "FROM notifications WHERE status IN ('pending', 'sending', 'failed')",
    [now],
  );
  return { depth: num(row?.depth ?? 0), oldestDueAt: numOrNull(row?.oldest ?? null) };
}

/**
 * Overdue cases by stage: the same measure as the queues' overdue mark (shared/src/workflow/rounds.ts
 * overdueMark) — past the round's deadline for the stages a written round sets one for (issue 18),
 * else waited longer than the stage's limit (OVERDUE_DAYS) since the case's last change.
 */
export async function overdueCasesByStage(
  tx: Tx,
  limits: Partial<Record<ApplicationState, number>>,
  now: number,
): Promise<Record<string, number>> {
  const stages = Object.entries(limits).filter((e): e is [ApplicationState, number] => typeof e[1] === 'number');
  if (stages.length === 0) return {};
  const today = todayInShanghai(new Date(now));
  const deadlineOf = (stage: ApplicationState) =>
    ROUND_DEADLINE_STAGES.county.includes(stage) ? 'county_deadline' : ROUND_DEADLINE_STAGES.city.includes(stage) ? 'city_deadline' : null;
  const params: unknown[] = [];
  const where = stages
    .map(([stage, days]) => {
      const column = deadlineOf(stage);
      params.push(stage, now - days * 86_400_000);
      if (column === null) return '(a.status = ? AND a.updated_at < ?)';
      params.push(today);
      return `(a.status = ? AND ((rr.id IS NULL AND a.updated_at < ?) OR (rr.id IS NOT NULL AND rr.${column} < ?)))`;
    })
    .join(' OR ');
  const rows = await em(tx).query<{ status: string; n: unknown }[]>(
    `SELECT a.status AS status, COUNT(*) AS n FROM applications a LEFT JOIN application_rounds rr ON rr.id = a.round_id WHERE ${where} GROUP BY a.status`,
    params,
  );
  const out: Record<string, number> = Object.fromEntries(stages.map(([stage]) => [stage, 0]));
  for (const r of rows) out[r.status] = num(r.n);
  return out;
}

interface Mysql2PoolInternals {
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** The MySQL/MariaDB pool's use (mysql2 keeps no public counters); null on SQLite. */
export function poolUse(db: Database): { size: number; open: number; idle: number; waiting: number } | null {
  if (db.kind !== 'mysql') return null;
  const pool = (db.dataSource.driver as unknown as { pool?: Mysql2PoolInternals }).pool;
  if (!pool) return null;
  return {
    size: pool.config?.connectionLimit ?? 0,
    open: pool._allConnections?.length ?? 0,
    idle: pool._freeConnections?.length ?? 0,
    waiting: pool._connectionQueue?.length ?? 0,
  };
}
