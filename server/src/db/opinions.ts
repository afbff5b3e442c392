import { em } from './orm';
import type { Tx } from './tx';
import { num, numOrNull } from './values';
import { In } from 'typeorm';
import { ReviewOpinionEntity, type ReviewOpinionRow } from './entities';
import { insertRow } from './rows';

/** The opinions aggregate: the county departments' and the city's opinions on an application, per round. */

export type { ReviewOpinionRow as Opinion } from './entities';

/** Every opinion on an application, round by round, oldest first. */
export async function opinionsOn(tx: Tx, applicationId: string): Promise<ReviewOpinionRow[]> {
  return em(tx)
    .getRepository(ReviewOpinionEntity)
    .find({ where: { applicationId }, order: { round: 'ASC', createdAt: 'ASC', id: 'ASC' } });
}

/** The county opinions of one round of an application. */
export async function countyOpinionsOfRound(tx: Tx, applicationId: string, round: number): Promise<ReviewOpinionRow[]> {
  return em(tx)
    .getRepository(ReviewOpinionEntity)
    .find({ where: { applicationId, round, level: 'county' } });
}

export async function insertOpinion(tx: Tx, row: ReviewOpinionRow): Promise<void> {
  await insertRow(em(tx), ReviewOpinionEntity, row);
}

/** A provider's county ratings: how many opinions gave each (上云效果, 服务质量) pair, over every application naming it. */
export async function countyRatingsOfProvider(
  tx: Tx,
  providerId: string,
): Promise<{ effect: number | null; service: number | null; n: number }[]> {
  return (await countyRatingsOfProviders(tx, [providerId])).map(({ effect, service, n }) => ({ effect, service, n }));
}

/** The same for several providers in one statement (the public registry lists them all). Approvals only (issue 14 item 10). */
export async function countyRatingsOfProviders(
  tx: Tx,
  providerIds: readonly string[],
): Promise<{ providerId: string; effect: number | null; service: number | null; n: number }[]> {
  if (!providerIds.length) return [];
  const rows: { provider_id: string; rating_effect: number | string | null; rating_service: number | string | null; n: number | string }[] =
    await em(tx).query(
      `SELECT a.provider_id, o.rating_effect, o.rating_service, COUNT(*) AS n FROM review_opinions o JOIN applications a ON a.id = o.application_id
       WHERE a.provider_id IN (${providerIds.map(() => '?').join(', ')}) AND o.level = 'county' AND o.decision = 'approve'
       GROUP BY a.provider_id, o.rating_effect, o.rating_service`,
      [...providerIds],
    );
  return rows.map((r) => ({
    providerId: r.provider_id,
    effect: numOrNull(r.rating_effect),
    service: numOrNull(r.rating_service),
    n: num(r.n),
  }));
}

/** The county departments' approving opinions on these applications, every round. */
export async function countyApprovalsOn(tx: Tx, applicationIds: readonly string[]): Promise<ReviewOpinionRow[]> {
  if (!applicationIds.length) return [];
  return em(tx)
    .getRepository(ReviewOpinionEntity)
    .find({ where: { applicationId: In([...applicationIds]), level: 'county', decision: 'approve' } });
}
