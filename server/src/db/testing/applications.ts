import { em } from '../orm';
import type { Tx } from '../tx';
import { ApplicationEntity, type ApplicationRow } from '../entities';

/** Applications moved around their transitions, and what a test recounts of them. */

/** Makes an application look as if it had waited at its stage since `at` (overdue alerts, digests). */
export async function setApplicationUpdatedAt(tx: Tx, id: string, at: number): Promise<void> {
  await em(tx).getRepository(ApplicationEntity).update({ id }, { updatedAt: at });
}

/**
 * Sets columns of applications straight, around their transitions: for a suite that starts a case in
 * the middle of its life or breaks a rule on purpose. Stage counts are not moved (recountStages()
 * after, where a test reads them); the version goes up only when asked, as a real change would.
 */
export async function forceApplicationColumns(
  tx: Tx,
  ids: readonly string[],
  set: Partial<Pick<ApplicationRow, 'status' | 'round' | 'bankAccountName' | 'trackingNo' | 'verifiedFen'>>,
  options: { bumpVersion?: boolean } = {},
): Promise<void> {
  await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, ...(options.bumpVersion ? { version: () => 'version + 1' } : {}) })
    .whereInIds([...ids])
    .execute();
}

/** One stage of one county and how many applications are in it. */
export interface StageTally {
  countyCode: string;
  status: string;
  n: number;
}

/** The stage counts the transitions keep (stage_counts), those above zero, by county and stage. */
export async function keptStageCounts(tx: Tx): Promise<StageTally[]> {
  const rows: { county_code: string; status: string; n: number | string }[] = await em(tx).query(
    'SELECT county_code, status, n FROM stage_counts WHERE n <> 0 ORDER BY county_code, status',
  );
  return rows.map((r) => ({ countyCode: r.county_code, status: r.status, n: Number(r.n) }));
}

/** The same counts taken afresh from the applications themselves: what the kept ones must equal. */
export async function recountedStageCounts(tx: Tx): Promise<StageTally[]> {
  const rows: { county_code: string; status: string; n: number | string }[] = await em(tx).query(
    'SELECT county_code, status, COUNT(*) AS n FROM applications GROUP BY county_code, status ORDER BY county_code, status',
  );
  return rows.map((r) => ({ countyCode: r.county_code, status: r.status, n: Number(r.n) }));
}

/**
 * Every county opinion's two ratings over the applications naming a provider, one per opinion: the
 * recount a test holds the provider's rating summary to (taken apart from the product's own grouped question).
 */
export async function countyOpinionRatingsOfProvider(
  tx: Tx,
  providerId: string,
): Promise<{ ratingEffect: number; ratingService: number }[]> {
  // Ratings are given with an approval only (issue 14 item 10): the record counts approvals.
  const rows: { rating_effect: number | string; rating_service: number | string }[] = await em(tx).query(
    "SELECT o.rating_effect, o.rating_service FROM review_opinions o JOIN applications a ON a.id = o.application_id WHERE a.provider_id = ? AND o.level = 'county' AND o.decision = 'approve'",
    [providerId],
  );
  return rows.map((r) => ({ ratingEffect: Number(r.rating_effect), ratingService: Number(r.rating_service) }));
}
