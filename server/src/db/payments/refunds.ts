import { em } from '../orm';
import type { Tx } from '../tx';
import { PaymentRefundEntity, type PaymentRefundRow } from '../entities';
import { insertRow } from '../rows';
import { num } from '../values';

/** Refunds of paid requests (payment_refunds): one out_refund_no each, reused on every retry. */
export type PaymentRefund = PaymentRefundRow;

export async function refundByNo(tx: Tx, outRefundNo: string): Promise<PaymentRefund | null> {
  return em(tx).getRepository(PaymentRefundEntity).findOne({ where: { outRefundNo } });
}

export async function insertRefund(tx: Tx, row: PaymentRefund): Promise<void> {
  await insertRow(em(tx), PaymentRefundEntity, row);
}

/** The refunds of the given requests, oldest first. */
export async function refundsOf(tx: Tx, paymentRequestIds: readonly string[]): Promise<PaymentRefund[]> {
  if (!paymentRequestIds.length) return [];
  return em(tx)
    .getRepository(PaymentRefundEntity)
    .createQueryBuilder('r')
    .where('r.payment_request_id IN (:...ids)', { ids: paymentRequestIds })
    .orderBy('r.created_at', 'ASC')
    .getMany();
}

/** Refunds of the request not yet finished (requested or processing). */
export async function pendingRefundCount(tx: Tx, paymentRequestId: string): Promise<number> {
  const rows: { n: number | string }[] = await em(tx).query(
    "SELECT COUNT(*) AS n FROM payment_refunds WHERE payment_request_id = ? AND status IN ('requested', 'processing')",
    [paymentRequestId],
  );
  return num(rows[0]?.n ?? 0);
}

/** What the sweeper must push or ask about again: unfinished refunds whose lease ran out. */
export async function refundsToSweep(tx: Tx, now: number, limit: number): Promise<PaymentRefund[]> {
  return em(tx)
    .getRepository(PaymentRefundEntity)
    .createQueryBuilder('r')
    .where("r.status IN ('requested', 'processing') AND (r.lease_until IS NULL OR r.lease_until <= :now)", { now })
    .limit(limit)
    .getMany();
}

/**
 * The merchant's refunds a day's bill should list: succeeded that day, or asked for that day
 * (`[fromMs, toMs)`) and accepted (processing or succeeded) — the bill lists a refund on the day WeChat
 * Pay accepted it, which is usually, not always, the day we asked.
 */
export async function refundsOfDay(
  tx: Tx,
  merchantAccountId: string,
  day: string,
  fromMs: number,
  toMs: number,
): Promise<{ outRefundNo: string; outTradeNo: string; amountFen: number }[]> {
  const rows: { out_refund_no: string; out_trade_no: string; amount_fen: number | string }[] = await em(tx).query(
    "SELECT r.out_refund_no, p.out_trade_no, r.amount_fen FROM payment_refunds r JOIN payment_requests p ON p.id = r.payment_request_id WHERE p.merchant_account_id = ? AND ((r.status = 'succeeded' AND r.succeeded_on = ?) OR (r.status IN ('processing', 'succeeded') AND r.created_at >= ? AND r.created_at < ?))",
    [merchantAccountId, day, fromMs, toMs],
  );
  return rows.map((r) => ({ outRefundNo: r.out_refund_no, outTradeNo: r.out_trade_no, amountFen: num(r.amount_fen) }));
}

function update(tx: Tx) {
  return em(tx).getRepository(PaymentRefundEntity).createQueryBuilder().update();
}

/** Succeeded: only the first report wins. */
export async function markRefundSucceeded(
  tx: Tx,
  id: string,
  s: { refundId: string | null; amountFen: number; succeededAt: number; succeededOn: string },
  now: number,
): Promise<boolean> {
  const res = await update(tx)
    .set({ status: 'succeeded', ...s, leaseUntil: null, updatedAt: now })
    .where("id = :id AND status <> 'succeeded'", { id })
    .execute();
  return res.affected === 1;
}

/** An unfinished refund moves on (processing) or ends (failed), with WeChat Pay's refund_id if it gave one. */
export async function advanceRefund(
  tx: Tx,
  id: string,
  status: 'processing' | 'failed',
  refundId: string | null,
  now: number,
): Promise<void> {
  await update(tx)
    .set({ status, refundId, leaseUntil: null, updatedAt: now })
    .where("id = :id AND status IN ('requested', 'processing')", { id })
    .execute();
}

/** WeChat Pay refused a refund we had just asked for. */
export async function refuseRefund(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx).set({ status: 'failed', leaseUntil: null, updatedAt: now }).where("id = :id AND status = 'requested'", { id }).execute();
}

/** An unclear answer: the lease ends now, so the sweeper asks again under the same number. */
export async function releaseRefundLease(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx).set({ leaseUntil: now, updatedAt: now }).where('id = :id', { id }).execute();
}
