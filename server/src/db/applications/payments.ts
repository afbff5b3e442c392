import { em } from '../orm';
import type { TxBrand } from '../tx';
import { PaymentEntity, type PaymentRow } from '../entities';
import { insertRow } from '../rows';
import { num } from '../values';

/**
 * The payments behind an application (四：发生实际支出): those the enterprise records with a receipt,
 * and those the platform saw (WeChat Pay). A removed payment stays, marked, for the history.
 */

/** Every payment of the application, removed ones too: in the order paid, or in the order recorded. */
export async function paymentsOf(tx: TxBrand, applicationId: string, order: 'paid' | 'recorded' = 'paid'): Promise<PaymentRow[]> {
  return em(tx)
    .getRepository(PaymentEntity)
    .find({ where: { applicationId }, order: order === 'paid' ? { paidOn: 'ASC', createdAt: 'ASC' } : { createdAt: 'ASC' } });
}

export async function insertPayment(tx: TxBrand, row: PaymentRow): Promise<void> {
  await insertRow(em(tx), PaymentEntity, row);
}

/** Removes a payment the enterprise recorded (never one the platform saw): false when there is no such payment. */
export async function removeManualPayment(tx: TxBrand, applicationId: string, paymentId: string, now: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(PaymentEntity)
    .createQueryBuilder()
    .update()
    .set({ removedAt: now })
    .where("id = :paymentId AND application_id = :id AND removed_at IS NULL AND source = 'manual'", { paymentId, id: applicationId })
    .execute();
  return res.affected === 1;
}

/** The paid amount: the sum of the payments not removed. */
export async function paidSum(tx: TxBrand, applicationId: string): Promise<number> {
  const rows: { total: number | string | null }[] = await em(tx).query(
    'SELECT SUM(amount_fen) AS total FROM application_payments WHERE application_id = ? AND removed_at IS NULL',
    [applicationId],
  );
  return num(rows[0]?.total);
}

/** Whether a payment the platform saw (WeChat Pay, verified) backs the application: it stands for the receipt. */
export async function hasVerifiedPlatformPayment(tx: TxBrand, applicationId: string): Promise<boolean> {
  const rows: { n: number | string }[] = await em(tx).query(
    "SELECT COUNT(*) AS n FROM application_payments WHERE application_id = ? AND removed_at IS NULL AND source = 'wechat_pay' AND verified = 1",
    [applicationId],
  );
  return num(rows[0]?.n) > 0;
}

/**
 * Whether the enterprise paid on the platform, before this contract was signed, for another contract
 * or application: then this one is not its first purchase of cloud services.
 */
export async function paidOnPlatformBefore(
  tx: TxBrand,
  app: { id: string; enterpriseId: string; contractNo: string | null },
  before: string,
): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    "SELECT 1 FROM payment_requests WHERE enterprise_id = ? AND status = 'paid' AND paid_on < ? AND (application_id IS NULL OR application_id <> ?) AND (contract_no IS NULL OR contract_no <> ?) LIMIT 1",
    [app.enterpriseId, before, app.id, app.contractNo ?? ''],
  );
  return rows.length > 0;
}
