import { em } from '../orm';
import type { Tx } from '../tx';
import { PaymentNotificationEntity, PaymentRequestEntity, type PaymentNotificationRow, type PaymentRequestRow } from '../entities';
import { insertRow } from '../rows';

/**
 * Payment requests and their one WeChat Pay order each (payment_requests), and the callbacks already
 * applied (payment_notifications). Every change of state is a conditional UPDATE that says whether it won.
 */
export type PaymentRequest = PaymentRequestRow;
export type { PaymentRequestStatus } from '../entities';
export type PaymentNotification = PaymentNotificationRow;

export async function findPaymentRequest(tx: Tx, id: string): Promise<PaymentRequest | null> {
  return em(tx).getRepository(PaymentRequestEntity).findOne({ where: { id } });
}

export async function paymentRequestByTradeNo(tx: Tx, merchantAccountId: string, outTradeNo: string): Promise<PaymentRequest | null> {
  return em(tx).getRepository(PaymentRequestEntity).findOne({ where: { outTradeNo, merchantAccountId } });
}

/** The merchant's requests under the given out_trade_no's, in one read. */
export async function paymentRequestsByTradeNos(tx: Tx, merchantAccountId: string, numbers: readonly string[]): Promise<PaymentRequest[]> {
  if (!numbers.length) return [];
  return em(tx)
    .getRepository(PaymentRequestEntity)
    .createQueryBuilder('p')
    .where('p.merchant_account_id = :accountId AND p.out_trade_no IN (:...numbers)', { accountId: merchantAccountId, numbers })
    .getMany();
}

/** The merchant's requests paid on a day. */
export async function paidOnDay(tx: Tx, merchantAccountId: string, paidOn: string): Promise<PaymentRequest[]> {
  return em(tx)
    .getRepository(PaymentRequestEntity)
    .find({ where: { merchantAccountId, paidOn, status: 'paid' } });
}

/** Whether the merchant account has any request that a day's bill could concern (paid that day, or ever ordered). */
export async function hasTradeOn(tx: Tx, merchantAccountId: string, day: string): Promise<boolean> {
  const any: unknown[] = await em(tx).query(
    "SELECT 1 FROM payment_requests WHERE merchant_account_id = ? AND (paid_on = ? OR status <> 'created') LIMIT 1",
    [merchantAccountId, day],
  );
  return any.length > 0;
}

export async function insertPaymentRequest(tx: Tx, row: PaymentRequest): Promise<void> {
  await insertRow(em(tx), PaymentRequestEntity, row);
}

/** A page of requests, newest first: of one provider, of some enterprises, or all. */
export async function paymentRequestsPage(
  tx: Tx,
  q: { providerId?: string; enterpriseIds?: readonly string[]; status?: PaymentRequest['status']; limit: number },
): Promise<PaymentRequest[]> {
  const qb = em(tx)
    .getRepository(PaymentRequestEntity)
    .createQueryBuilder('p')
    .orderBy('p.created_at', 'DESC')
    .addOrderBy('p.id', 'DESC')
    .limit(q.limit);
  if (q.providerId !== undefined) qb.andWhere('p.provider_id = :provider', { provider: q.providerId });
  if (q.enterpriseIds !== undefined) qb.andWhere('p.enterprise_id IN (:...allowed)', { allowed: q.enterpriseIds });
  if (q.status) qb.andWhere('p.status = :status', { status: q.status });
  return qb.getMany();
}

/**
 * What the sweeper must settle: orders whose lease ran out, open orders expired or not checked for
 * `recheckBefore`, requests never ordered and expired — longest untouched first.
 */
export async function paymentRequestsToSweep(tx: Tx, now: number, recheckBefore: number, limit: number): Promise<PaymentRequest[]> {
  return em(tx)
    .getRepository(PaymentRequestEntity)
    .createQueryBuilder('p')
    .where(
      "(p.status = 'ordering' AND (p.lease_until IS NULL OR p.lease_until <= :now)) OR (p.status = 'open' AND (p.expires_at <= :now OR p.checked_at IS NULL OR p.checked_at <= :recheck)) OR (p.status = 'created' AND p.expires_at <= :now)",
      { now, recheck: recheckBefore },
    )
    .orderBy('p.updated_at', 'ASC')
    .limit(limit)
    .getMany();
}

function update(tx: Tx) {
  return em(tx).getRepository(PaymentRequestEntity).createQueryBuilder().update();
}

/** Notes a problem on the request (a report that does not match it, a bill that disagrees). */
export async function notePaymentProblem(tx: Tx, id: string, problem: string | null, now: number): Promise<void> {
  await update(tx).set({ problem, updatedAt: now }).where('id = :id', { id }).execute();
}

/** Notes a problem on the merchant's request with this out_trade_no. */
export async function notePaymentProblemByTradeNo(
  tx: Tx,
  merchantAccountId: string,
  outTradeNo: string,
  problem: string,
  now: number,
): Promise<void> {
  await update(tx)
    .set({ problem, updatedAt: now })
    .where('out_trade_no = :no AND merchant_account_id = :acc', { no: outTradeNo, acc: merchantAccountId })
    .execute();
}

/** Paid: only the first report wins. */
export async function markPaid(
  tx: Tx,
  id: string,
  paid: { transactionId: string; paidAt: number; paidOn: string },
  now: number,
): Promise<boolean> {
  const res = await update(tx)
    .set({ status: 'paid', ...paid, leaseUntil: null, problem: null, version: () => 'version + 1', updatedAt: now })
    .where("id = :id AND status <> 'paid'", { id })
    .execute();
  return res.affected === 1;
}

/** Adds a succeeded refund to the request's refunded amount. */
export async function addRefunded(tx: Tx, id: string, amountFen: number, now: number): Promise<void> {
  await update(tx)
    .set({ refundedFen: () => `refunded_fen + ${Number(amountFen)}`, version: () => 'version + 1', updatedAt: now })
    .where('id = :id', { id })
    .execute();
}

/**
 * Takes the request for an order call, with a lease: from 'created', or from 'ordering' whose lease
 * has run out (a takeover). False when someone else holds it.
 */
export async function claimOrder(
  tx: Tx,
  id: string,
  from: 'created' | 'lapsed_lease',
  claim: { payerOpenid: string; leaseUntil: number; expiresAt: number },
  now: number,
): Promise<boolean> {
  const condition = from === 'created' ? "status = 'created'" : "status = 'ordering' AND (lease_until IS NULL OR lease_until <= :now)";
  const res = await update(tx)
    .set({ status: 'ordering', ...claim, version: () => 'version + 1', updatedAt: now })
    .where(`id = :id AND ${condition}`, { id, now })
    .execute();
  return res.affected === 1;
}

/** WeChat Pay accepted the order: open with its prepay_id. */
export async function markOrderOpen(tx: Tx, id: string, prepayId: string, now: number): Promise<void> {
  await update(tx)
    .set({ status: 'open', prepayId, prepayAt: now, leaseUntil: null, version: () => 'version + 1', updatedAt: now })
    .where("id = :id AND status = 'ordering'", { id })
    .execute();
}

/** An unclear answer to the order call: the lease ends now, so whoever comes next queries first. */
export async function markOrderUnclear(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx)
    .set({ leaseUntil: now, checkCount: () => 'check_count + 1', updatedAt: now })
    .where('id = :id', { id })
    .execute();
}

/** WeChat Pay refused the order. */
export async function markOrderFailed(tx: Tx, id: string, problem: string, now: number): Promise<void> {
  await update(tx)
    .set({ status: 'failed', leaseUntil: null, problem, version: () => 'version + 1', updatedAt: now })
    .where("id = :id AND status = 'ordering'", { id })
    .execute();
}

export async function releaseOrderLease(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx).set({ leaseUntil: now, updatedAt: now }).where("id = :id AND status = 'ordering'", { id }).execute();
}

/** No order was made after all: the request may be ordered again, under the same number. */
export async function reopenUnordered(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx)
    .set({ status: 'created', leaseUntil: null, payerOpenid: null, updatedAt: now })
    .where("id = :id AND status = 'ordering' AND (lease_until IS NULL OR lease_until <= :now)", { id, now })
    .execute();
}

/** One more query without a clear answer, with the problem to show (or the one already shown). */
export async function countUnclearCheck(tx: Tx, id: string, problem: string | null, now: number): Promise<void> {
  await update(tx)
    .set({ checkCount: () => 'check_count + 1', problem, updatedAt: now })
    .where('id = :id', { id })
    .execute();
}

export async function markChecked(tx: Tx, id: string, now: number): Promise<void> {
  await update(tx).set({ checkedAt: now }).where('id = :id', { id }).execute();
}

/** Closes (or fails) a request not yet paid; false when it was paid or closed already. */
export async function closePaymentRequest(tx: Tx, id: string, status: 'closed' | 'failed', now: number): Promise<boolean> {
  const res = await update(tx)
    .set({ status, leaseUntil: null, version: () => 'version + 1', updatedAt: now })
    .where("id = :id AND status IN ('created', 'ordering', 'open')", { id })
    .execute();
  return res.affected === 1;
}

export async function setPaymentApplication(tx: Tx, id: string, applicationId: string, now: number): Promise<void> {
  await em(tx).getRepository(PaymentRequestEntity).update({ id }, { applicationId, updatedAt: now });
}

export async function findPaymentNotification(tx: Tx, id: string): Promise<PaymentNotification | null> {
  return em(tx).getRepository(PaymentNotificationEntity).findOne({ where: { id } });
}

export async function insertPaymentNotification(tx: Tx, row: PaymentNotification): Promise<void> {
  await insertRow(em(tx), PaymentNotificationEntity, row);
}

/**
 * Whether the enterprise paid on the platform, before this contract was signed, for another contract
 * or application: then this one is not its first purchase of cloud services.
 */
export async function paidOnPlatformBefore(
  tx: Tx,
  app: { id: string; enterpriseId: string; contractNo: string | null },
  before: string,
): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    "SELECT 1 FROM payment_requests WHERE enterprise_id = ? AND status = 'paid' AND paid_on < ? AND (application_id IS NULL OR application_id <> ?) AND (contract_no IS NULL OR contract_no <> ?) LIMIT 1",
    [app.enterpriseId, before, app.id, app.contractNo ?? ''],
  );
  return rows.length > 0;
}
