import { In, IsNull } from 'typeorm';
import { em } from '../orm';
import type { Tx } from '../tx';
import { PaymentEntity, PaymentRequestEntity, TradeBillCheckEntity, type PaymentRequestRow, type TradeBillCheckRow } from '../entities';
import { rowsMatching } from './match';

/** Makes a payment request look as if its time had run out at `at` (the refusal of a stale request). */
export async function setPaymentRequestExpiresAt(tx: Tx, id: string, at: number): Promise<void> {
  await em(tx).getRepository(PaymentRequestEntity).update({ id }, { expiresAt: at });
}

/** Makes an open payment request look as if WeChat Pay had last been asked about it at `at`. */
export async function setPaymentRequestCheckedAt(tx: Tx, id: string, at: number): Promise<void> {
  await em(tx).getRepository(PaymentRequestEntity).update({ id }, { checkedAt: at });
}

/** The payments recorded on an application (not removed) as the receipt of one WeChat Pay order. */
export function countLivePaymentsOfRequest(tx: Tx, paymentRequestId: string): Promise<number> {
  return em(tx)
    .getRepository(PaymentEntity)
    .count({ where: { paymentRequestId, removedAt: IsNull() } });
}

/** Records a payment request as paid without WeChat Pay having it: a record of ours its bill will not show. */
export async function forcePaymentRequestPaid(
  tx: Tx,
  id: string,
  paid: { paidOn: string; paidAt: number; transactionId: string },
): Promise<void> {
  await em(tx)
    .getRepository(PaymentRequestEntity)
    .update({ id }, { status: 'paid', ...paid });
}

/** Every merchant's trade-bill check of one day. */
export function tradeBillChecksOn(tx: Tx, billDate: string): Promise<TradeBillCheckRow[]> {
  return rowsMatching(tx, TradeBillCheckEntity, { billDate }, false);
}

/** Every payment request of one provider, whatever its state. */
export function paymentRequestsOfProvider(tx: Tx, providerId: string): Promise<PaymentRequestRow[]> {
  return rowsMatching(tx, PaymentRequestEntity, { providerId }, false);
}

/** Runs out the time of every request of one provider not yet settled (created, ordering, open). */
export async function expireUnsettledPaymentRequestsOf(tx: Tx, providerId: string, at: number): Promise<void> {
  await em(tx)
    .getRepository(PaymentRequestEntity)
    .update({ providerId, status: In(['created', 'ordering', 'open']) }, { expiresAt: at });
}
