import { In } from 'typeorm';
import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import { EnterpriseProfileChangeEntity, type EnterpriseProfileChangeRow } from './entities';

export type { EnterpriseProfileChangeRow } from './entities';

/** Changes to an enterprise's verified profile (part of the enterprises aggregate): named queries. */

export async function insertProfileChange(tx: Tx, row: EnterpriseProfileChangeRow): Promise<void> {
  await insertRow(em(tx), EnterpriseProfileChangeEntity, row);
}

export async function findProfileChange(tx: Tx, id: string): Promise<EnterpriseProfileChangeRow | null> {
  return em(tx).getRepository(EnterpriseProfileChangeEntity).findOne({ where: { id } });
}

/** The change of this enterprise that waits for the county, if any (there is at most one). */
export async function pendingProfileChange(tx: Tx, enterpriseId: string): Promise<EnterpriseProfileChangeRow | null> {
  return em(tx)
    .getRepository(EnterpriseProfileChangeEntity)
    .findOne({ where: { enterpriseId, status: 'pending' } });
}

/** The pending changes of these enterprises, by enterprise id. */
export async function pendingProfileChangesOf(tx: Tx, enterpriseIds: readonly string[]): Promise<Map<string, EnterpriseProfileChangeRow>> {
  const unique = [...new Set(enterpriseIds)];
  if (!unique.length) return new Map();
  const rows = await em(tx)
    .getRepository(EnterpriseProfileChangeEntity)
    .findBy({ enterpriseId: In(unique), status: 'pending' });
  return new Map(rows.map((r) => [r.enterpriseId, r]));
}

/** Every change the enterprise asked for, the newest first: its profile's history. */
export async function profileChangesOf(tx: Tx, enterpriseId: string): Promise<EnterpriseProfileChangeRow[]> {
  return em(tx)
    .getRepository(EnterpriseProfileChangeEntity)
    .find({ where: { enterpriseId }, order: { requestedAt: 'DESC', id: 'DESC' } });
}

/** The changes waiting for these counties, the longest waiting first (at most 200). */
export async function pendingProfileChangesOfCounties(tx: Tx, counties: readonly string[]): Promise<EnterpriseProfileChangeRow[]> {
  if (!counties.length) return [];
  return em(tx)
    .getRepository(EnterpriseProfileChangeEntity)
    .find({ where: { countyCode: In([...counties]), status: 'pending' }, order: { requestedAt: 'ASC' }, take: 200 });
}

/** Settles a pending change: false when someone settled it first. */
export async function settleProfileChange(
  tx: Tx,
  id: string,
  to: Exclude<EnterpriseProfileChangeRow['status'], 'pending'>,
  decidedBy: string,
  reason: string | null,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(EnterpriseProfileChangeEntity)
    .update({ id, status: 'pending' }, { status: to, decidedBy, decidedAt: now, reason });
  return res.affected === 1;
}
