import { em } from '../orm';
import type { TxBrand } from '../tx';
import { DisbursementEntity, type DisbursementRow } from '../entities';

/** What the ledger holds for one application: payments, corrections and returned payments (退汇), in order. */
export async function ledgerEntriesOf(tx: TxBrand, applicationId: string): Promise<DisbursementRow[]> {
  return em(tx)
    .getRepository(DisbursementEntity)
    .find({ where: { applicationId }, order: { seq: 'ASC' } });
}
