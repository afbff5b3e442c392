import type { EntityManager } from 'typeorm';
import { ProviderEntity, ProviderEventEntity, type ProviderEventRow, type ProviderRow } from '../../db/entities';
import type { ProviderFilingForm } from '../../../../shared/src/contracts/providerFiling';
import type { FilingState } from '../../../../shared/src/workflow/providerFiling';

/** A filing as the modules see it: a plain object, never an ORM instance. */
export interface Filing {
  id: string;
  ownerUserId: string;
  companyName: string;
  platformName: string | null;
  status: FilingState;
  filingNo: string | null;
  approvedOn: string | null;
  revokedOn: string | null;
  form: ProviderFilingForm;
  version: number;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export function toFiling(row: ProviderRow): Filing {
  return { ...row, status: row.status, form: row.form ?? {} };
}

export async function findFiling(m: EntityManager, id: string): Promise<Filing | null> {
  const row = await m.getRepository(ProviderEntity).findOne({ where: { id } });
  return row ? toFiling(row) : null;
}

export async function findFilingOfOwner(m: EntityManager, ownerUserId: string): Promise<Filing | null> {
  const row = await m.getRepository(ProviderEntity).findOne({ where: { ownerUserId }, order: { createdAt: 'DESC' } });
  return row ? toFiling(row) : null;
}

/** Keyset pages in (updated_at, id) order: no OFFSET, which TypeORM inlines on SQLite. */
export async function listFilings(
  m: EntityManager,
  opts: { statuses: readonly string[]; after?: { updatedAt: number; id: string } | null; limit: number },
): Promise<Filing[]> {
  const qb = m
    .getRepository(ProviderEntity)
    .createQueryBuilder('p')
    .where('p.status IN (:...statuses)', { statuses: opts.statuses })
    .orderBy('p.updatedAt', 'ASC')
    .addOrderBy('p.id', 'ASC')
    .take(opts.limit);
  if (opts.after) qb.andWhere('(p.updatedAt > :u OR (p.updatedAt = :u AND p.id > :id))', { u: opts.after.updatedAt, id: opts.after.id });
  return (await qb.getMany()).map(toFiling);
}

export async function countByStatus(m: EntityManager): Promise<Record<string, number>> {
  const rows: { status: string; n: number | string }[] = await m.query('SELECT status, COUNT(*) AS n FROM providers GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function historyOf(m: EntityManager, providerId: string): Promise<ProviderEventRow[]> {
  return m.getRepository(ProviderEventEntity).find({ where: { providerId }, order: { seq: 'ASC' } });
}

export async function currentMaterialKinds(m: EntityManager, providerId: string): Promise<string[]> {
  const rows: { kind: string }[] = await m.query(
    "SELECT DISTINCT kind FROM files WHERE owner_type = 'provider' AND owner_id = ? AND superseded_by IS NULL",
    [providerId],
  );
  return rows.map((r) => r.kind);
}
