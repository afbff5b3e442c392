import type { Database } from '../database';
import { StageCountEntity } from '../entities';
import { em } from '../orm';
import type { Tx } from '../tx';

/**
 * Moves one application from a stage to another in `stage_counts`, inside the transition's own
 * transaction, so the counts are exact on every database and cost a reviewer's queue one small
 * read. On MySQL the two rows it touches are locked until commit: transitions of one county at the
 * same stage wait for each other for the length of a short transaction, which is what exactness costs.
 */
export async function moveStageCount(tx: Tx, countyCode: string, from: string | null, to: string | null): Promise<void> {
  if (from === to) return;
  const repo = em(tx).getRepository(StageCountEntity);
  if (from !== null)
    await repo
      .createQueryBuilder()
      .update()
      .set({ n: () => 'n - 1' })
      .where('county_code = :c AND status = :s', { c: countyCode, s: from })
      .execute();
  if (to === null) return;
  const bump = () =>
    repo
      .createQueryBuilder()
      .update()
      .set({ n: () => 'n + 1' })
      .where('county_code = :c AND status = :s', { c: countyCode, s: to })
      .execute();
  if ((await bump()).affected === 1) return;
  try {
    await repo.insert({ countyCode, status: to, n: 1 });
  } catch {
    // Another transaction created the row first: count on it.
    await bump();
  }
}

export async function stageCounts(tx: Tx, counties: readonly string[], statuses: readonly string[]): Promise<Record<string, number>> {
  if (!counties.length || !statuses.length) return {};
  const rows: { status: string; n: number | string }[] = await em(tx).query(
    `SELECT status, SUM(n) AS n FROM stage_counts WHERE county_code IN (${counties.map(() => '?').join(', ')}) AND status IN (${statuses.map(() => '?').join(', ')}) GROUP BY status`,
    [...counties, ...statuses],
  );
  return Object.fromEntries(rows.filter((r) => Number(r.n) > 0).map((r) => [r.status, Number(r.n)]));
}

/** Rebuilds the counts from the applications themselves: for data loaded around the use cases (seeds, imports). */
export async function recountStages(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await em(tx).query('DELETE FROM stage_counts');
    await em(tx).query(
      'INSERT INTO stage_counts (county_code, status, n) SELECT county_code, status, COUNT(*) FROM applications GROUP BY county_code, status',
    );
  });
}
