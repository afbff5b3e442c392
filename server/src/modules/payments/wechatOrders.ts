import type { Actor } from '../actor';
import { ConflictError, UpstreamError } from '../errors';
import { closePaymentRequest, markChecked, type PaymentRequest } from '../../db/payments/orders';
import type { PaymentState } from '../../../../shared/src/workflow/payment';
import type { MerchantClient } from './merchantAccounts';
import { clientOf, type PaymentDeps } from './deps';
import { decidePayment, paymentContext, paymentReport, PAYEE_ROLES } from './decide';
import { getPayment, providerPayment } from './reading';
import { settlePaid, WECHAT_PAY_ACTOR, type WechatTransaction } from './settle';

/**
 * What became of a request's order at WeChat Pay (issue 7): the query (paid → settled once; closed or
 * failed → so recorded), the close (a close can cross a payment, so the query has the last word), and
 * the provider's withdrawal of an unpaid request. Each move is the payment machine's (`paid`, `closed`,
 * `pay_error`, `expire`, `cancel`), written once by a conditional UPDATE with its audit row.
 */

export type QueryOutcome = 'paid' | 'closed' | 'notpay' | 'absent' | 'unclear';

/**
 * Asks WeChat Pay what became of the order and records it: paid → settled (once), closed or failed →
 * so recorded, not there or unpaid → said so. Used after unclear answers, by the sweeper and by the bill check.
 */
export async function queryAndSettle(deps: PaymentDeps, client: MerchantClient, row: PaymentRequest, via: string): Promise<QueryOutcome> {
  const res = await client.pay.query({ out_trade_no: row.outTradeNo });
  const now = deps.now();
  await deps.db.read((m) => markChecked(m, row.id, now));
  if (res.status === 404 && (res.data as { code?: string } | undefined)?.code === 'ORDER_NOT_EXIST') return 'absent';
  if (res.status !== 200) return 'unclear';
  const t = res.data as WechatTransaction;
  if (t.mchid !== undefined && t.mchid !== client.mchid) return 'unclear';
  switch (t.trade_state) {
    case 'SUCCESS':
    case 'REFUND': {
      const outcome = await deps.db.transaction((tx) => settlePaid(deps, tx, row, t, via, now));
      return outcome === 'mismatch' ? 'unclear' : 'paid';
    }
    case 'CLOSED':
    case 'REVOKED':
    case 'PAYERROR':
      await settleClosed(deps, row, t.trade_state === 'PAYERROR' ? 'pay_error' : 'closed', via);
      return 'closed';
    default:
      return 'notpay';
  }
}

/** WeChat Pay says the order is closed, or failed: the machine's move, unless the request is already past it. */
export async function settleClosed(deps: PaymentDeps, row: PaymentRequest, event: 'closed' | 'pay_error', via: string): Promise<void> {
  const decided = paymentReport(row.status, event, paymentContext(row, deps.now()));
  if (decided.ok && (decided.to === 'closed' || decided.to === 'failed') && decided.to !== row.status)
    await writeClosed(deps, row, decided.to, via);
}

/** The request closed (or failed) with its audit row; nothing when someone settled it meanwhile. */
async function writeClosed(
  deps: PaymentDeps,
  row: PaymentRequest,
  to: Extract<PaymentState, 'closed' | 'failed'>,
  via: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    if (await closePaymentRequest(tx, row.id, to, now))
      await deps.audit.append(tx, {
        action: `payment.${to}`,
        actorId: WECHAT_PAY_ACTOR.userId,
        entityType: 'payment_request',
        entityId: row.id,
        data: { via },
      });
  });
}

/** Closes the order at WeChat Pay (paid after all → settled as paid). */
export async function closeAtWechat(deps: PaymentDeps, row: PaymentRequest, via: string): Promise<'closed' | 'paid' | 'unclear'> {
  const client = await clientOf(deps, row);
  const res = await client.pay.close(row.outTradeNo);
  const code = (res.data as { code?: string } | undefined)?.code;
  if (res.status === 204 || res.status === 200 || code === 'ORDER_NOT_EXIST' || code === 'ORDER_CLOSED') {
    // A close can cross a payment in flight: the query is the last word.
    const after = await queryAndSettle(deps, client, row, via);
    if (after === 'paid') return 'paid';
    if (after === 'unclear') return 'unclear';
    await settleClosed(deps, row, 'closed', via);
    return 'closed';
  }
  if (code === 'ORDERPAID') return (await queryAndSettle(deps, client, row, via)) === 'paid' ? 'paid' : 'unclear';
  return 'unclear';
}

/** An unpaid request past its time (the sweeper): never ordered → closed here; ordered → closed at WeChat Pay first. */
export async function expire(deps: PaymentDeps, row: PaymentRequest, via: string): Promise<'closed' | 'paid' | 'unclear' | 'ignored'> {
  const decided = paymentReport(row.status, 'expire', paymentContext(row, deps.now()));
  if (!decided.ok) return 'ignored';
  if (decided.effects.includes('closeAtWechatPay')) return closeAtWechat(deps, row, via);
  if (decided.to === 'closed' || decided.to === 'failed') await writeClosed(deps, row, decided.to, via);
  return 'closed';
}

/** The provider withdraws an unpaid request; an order at WeChat Pay is closed first. */
export async function cancelPayment(deps: PaymentDeps, auth: Actor, id: string) {
  const row = await providerPayment(deps, auth, id);
  const decided = decidePayment(row.status, 'cancel', PAYEE_ROLES, paymentContext(row, deps.now()));
  if (decided.effects.includes('closeAtWechatPay')) {
    const outcome = await closeAtWechat(deps, row, 'provider-cancel');
    if (outcome === 'paid') throw new ConflictError('企业刚刚完成了支付，不能撤回；如需退还请办理退款', 'already_paid');
    if (outcome === 'unclear') throw new UpstreamError('微信支付暂时没有回应，请稍后再撤回');
  } else if (decided.to !== row.status && (decided.to === 'closed' || decided.to === 'failed')) {
    await writeClosed(deps, row, decided.to, 'provider-cancel');
  }
  return getPayment(deps, auth, id);
}
