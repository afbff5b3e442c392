import { em } from '../orm';
import type { Tx } from '../tx';
import { PaymentDiscrepancyEntity, TradeBillCheckEntity, type PaymentDiscrepancyRow, type TradeBillCheckRow } from '../entities';
import { insertRow } from '../rows';

/** The daily trade-bill checks per merchant account (trade_bill_checks) and the disagreements they found. */
export type TradeBillCheck = TradeBillCheckRow;
export type PaymentDiscrepancy = PaymentDiscrepancyRow;

export async function findBillCheck(tx: Tx, merchantAccountId: string, billDate: string): Promise<TradeBillCheck | null> {
  return em(tx).getRepository(TradeBillCheckEntity).findOne({ where: { merchantAccountId, billDate } });
}

export async function insertBillCheck(tx: Tx, row: TradeBillCheck): Promise<void> {
  await insertRow(em(tx), TradeBillCheckEntity, row);
}

export async function updateBillCheck(tx: Tx, row: TradeBillCheck): Promise<void> {
  await em(tx).getRepository(TradeBillCheckEntity).update({ merchantAccountId: row.merchantAccountId, billDate: row.billDate }, row);
}

export async function insertDiscrepancy(tx: Tx, row: PaymentDiscrepancy): Promise<void> {
  await insertRow(em(tx), PaymentDiscrepancyEntity, row);
}

export async function findDiscrepancy(tx: Tx, id: string): Promise<PaymentDiscrepancy | null> {
  return em(tx).getRepository(PaymentDiscrepancyEntity).findOne({ where: { id } });
}

export async function resolveDiscrepancy(tx: Tx, id: string, now: number): Promise<void> {
  await em(tx).getRepository(PaymentDiscrepancyEntity).update({ id }, { resolvedAt: now });
}

/** The newest 200 disagreements, of one provider or all, open ones only if asked. */
export async function discrepancies(tx: Tx, q: { providerId?: string; open: boolean }): Promise<PaymentDiscrepancy[]> {
  const qb = em(tx).getRepository(PaymentDiscrepancyEntity).createQueryBuilder('d').orderBy('d.found_at', 'DESC').limit(200);
  if (q.providerId) qb.andWhere('d.provider_id = :p', { p: q.providerId });
  if (q.open) qb.andWhere('d.resolved_at IS NULL');
  return qb.getMany();
}
