import { IsNull } from 'typeorm';
import { em } from '../orm';
import type { Tx } from '../tx';
import { ApplicationEntity, PaymentEntity, type PaymentRow } from '../entities';
import { insertRow } from '../rows';
import { num } from '../values';

/**
 * The payments behind an application (四：发生实际支出): those the enterprise records with a receipt,
 * and those the platform saw (WeChat Pay). A removed payment stays, marked, for the history.
 */

/** Every payment of the application, removed ones too: in the order paid, or in the order recorded. */
export async function paymentsOf(tx: Tx, applicationId: string, order: 'paid' | 'recorded' = 'paid'): Promise<PaymentRow[]> {
  return em(tx)
    .getRepository(PaymentEntity)
    .find({ where: { applicationId }, order: order === 'paid' ? { paidOn: 'ASC', createdAt: 'ASC' } : { createdAt: 'ASC' } });
}

export async function insertPayment(tx: Tx, row: PaymentRow): Promise<void> {
  await insertRow(em(tx), PaymentEntity, row);
}

/** Removes a payment the enterprise recorded (never one the platform saw): false when there is no such payment. */
export async function removeManualPayment(tx: Tx, applicationId: string, paymentId: string, now: number): Promise<boolean> {
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
export async function paidSum(tx: Tx, applicationId: string): Promise<number> {
  const rows: { total: number | string | null }[] = await em(tx).query(
    'SELECT SUM(amount_fen) AS total FROM application_payments WHERE application_id = ? AND removed_at IS NULL',
    [applicationId],
  );
  return num(rows[0]?.total);
}

/** Whether a payment the platform saw (WeChat Pay, verified) backs the application: it stands for the receipt. */
export async function hasVerifiedPlatformPayment(tx: Tx, applicationId: string): Promise<boolean> {
  const rows: { n: number | string }[] = await em(tx).query(
    "SELECT COUNT(*) AS n FROM application_payments WHERE application_id = ? AND removed_at IS NULL AND source = 'wechat_pay' AND verified = 1",
    [applicationId],
  );
  return num(rows[0]?.n) > 0;
}

/* The lines WeChat Pay adds: what the platform saw paid under the contract, and the paid amount that follows. */
export type ApplicationPayment = PaymentRow;

/**
 * The payments still standing behind the contract (removed ones aside), in the order paid: what the
 * provider confirms and the city reviews. One question for both (issue 13: they were two names).
 */
export async function standingPaymentsOf(tx: Tx, applicationId: string): Promise<PaymentRow[]> {
  return em(tx)
    .getRepository(PaymentEntity)
    .find({ where: { applicationId, removedAt: IsNull() }, order: { paidOn: 'ASC', createdAt: 'ASC', id: 'ASC' } });
}

/** The application's payment line for a WeChat Pay request (one application, or any when not given). */
export async function paymentLineOf(tx: Tx, paymentRequestId: string, applicationId?: string): Promise<ApplicationPayment | null> {
  return em(tx)
    .getRepository(PaymentEntity)
    .findOne({ where: applicationId === undefined ? { paymentRequestId } : { paymentRequestId, applicationId } });
}

export async function insertPaymentLine(tx: Tx, row: ApplicationPayment): Promise<void> {
  await insertRow(em(tx), PaymentEntity, row);
}

export async function setPaymentLineAmount(tx: Tx, id: string, amountFen: number): Promise<void> {
  await em(tx).getRepository(PaymentEntity).update({ id }, { amountFen });
}

/** Whether a WeChat Pay request is already a standing payment of another application. */
export async function paymentUsedElsewhere(tx: Tx, paymentRequestId: string, applicationId: string): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    'SELECT application_id FROM application_payments WHERE payment_request_id = ? AND removed_at IS NULL AND application_id <> ?',
    [paymentRequestId, applicationId],
  );
  return rows.length > 0;
}

/** The paid amount follows the payments: a write that changes no state, so it bumps the version only. */
export async function setPaidAmount(tx: Tx, applicationId: string, paidAmountFen: number, now: number): Promise<void> {
  await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ paidAmountFen, version: () => 'version + 1', updatedAt: now })
    .where('id = :id', { id: applicationId })
    .execute();
}
