import type { Actor } from '../actor';
import { ConflictError, ForbiddenError, UpstreamError } from '../errors';
import { isEnterpriseMember } from '../../db/enterprises';
import { findUser } from '../../db/users';
import { findMerchantAccount } from '../../db/payments/merchantAccounts';
import {
  claimOrder,
  findPaymentRequest,
  markOrderFailed,
  markOrderOpen,
  markOrderUnclear,
  releaseOrderLease,
  renewPrepay,
} from '../../db/payments/orders';
import type { PaymentRequest } from '../../db/payments/orders';
import { nonceString } from '../../wechat/pay/crypto';
import { rfc3339Shanghai } from '../../wechat/pay/format';
import type { MerchantClient } from './merchantAccounts';
import { clientOf, ORDER_LEASE_MS, type PaymentDeps } from './deps';
import { decideTap, paymentContext, paymentReport } from './decide';
import { queryAndSettle } from './wechatOrders';
import { visiblePayment } from './reading';

/**
 * Paying (JSAPI, issue 7): the signed parameters for wx.requestPayment. The payment machine's `pay`
 * decides — the first tap claims the request's one order with a conditional UPDATE and a lease
 * (created → ordering), a tap on an open order signs afresh, a tap after a lapsed lease queries
 * before ordering — so however often a phone retries, WeChat Pay sees one order and charges once.
 */

/** How long a request waits for another attempt's order before telling the phone to try again. */
const WAIT_FOR_ORDER_MS = 8_000;
/**
 * A prepay_id lives 2 hours (JSAPI下单, https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/direct-jsons/jsapi-prepay.html;
 * docs/wechat.md), however long the order itself may wait (`PAY_ORDER_TTL_MINUTES`, up to 7 days). One older
 * than this is renewed before signing, so that the payer's wx.requestPayment still has minutes to run.
 */
export const PREPAY_RENEW_AFTER_MS = 2 * 3_600_000 - 10 * 60_000;

type PayParams = { appId: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string };

/** The signed parameters for wx.requestPayment: the request's one order, made now or reused. */
export async function jsapi(deps: PaymentDeps, auth: Actor, id: string): Promise<PayParams> {
  const openid = await payerOpenid(deps, auth);
  const deadline = deps.now() + WAIT_FOR_ORDER_MS;
  const first = await deps.db.read((m) => visiblePayment(m, auth, id));
  if (!(await deps.db.read((m) => isEnterpriseMember(m, first.enterpriseId, auth.userId))))
    throw new ForbiddenError('只有付款企业的成员可以支付这笔款项');
  for (let row = first; ; row = (await deps.db.read((m) => findPaymentRequest(m, id)))!) {
    const now = deps.now();
    // Only a request never ordered asks whether the provider still takes WeChat Pay.
    const merchantActive = row.status === 'created' ? await accepting(deps, row) : true;
    const decided = decideTap(row.status, paymentContext(row, now, { payerOpenid: openid, merchantActive }));
    // Someone's order call is in flight: wait for its order (below) rather than refuse at once.
    const effects = decided === 'wait' ? [] : decided.effects;
    if (effects.includes('signPayment')) {
      if (row.prepayAt === null || now - row.prepayAt >= PREPAY_RENEW_AFTER_MS) return renew(deps, row);
      return signParams(deps, await clientOf(deps, row), row.prepayId!);
    }
    if (effects.includes('placeOrder') && (await claim(deps, row, openid, now, 'created')))
      return order(
        deps,
        { ...row, status: 'ordering', payerOpenid: openid, expiresAt: Math.min(row.expiresAt, now + deps.orderTtlMs) },
        false,
      );
    // Its answer was unclear, or its caller gave up: after the lease, take over — and query first.
    if (effects.includes('queryThenOrder') && (await claim(deps, row, openid, now, 'lapsed_lease'))) return order(deps, row, true);
    if (deps.now() >= deadline) throw new ConflictError('正在向微信支付下单，请稍候再点“支付”；不会重复扣款', 'ordering');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function accepting(deps: PaymentDeps, row: PaymentRequest): Promise<boolean> {
  const account = await deps.db.read((m) => findMerchantAccount(m, row.merchantAccountId));
  return account?.status === 'active';
}

async function claim(
  deps: PaymentDeps,
  row: PaymentRequest,
  openid: string,
  now: number,
  from: 'created' | 'lapsed_lease',
): Promise<boolean> {
  const expiresAt = row.status === 'created' ? Math.min(row.expiresAt, now + deps.orderTtlMs) : row.expiresAt;
  return deps.db.read((m) => claimOrder(m, row.id, from, { payerOpenid: openid, leaseUntil: now + ORDER_LEASE_MS, expiresAt }, now));
}

/** We hold the lease. After an unclear earlier answer the order may already exist: ask before ordering. */
async function order(deps: PaymentDeps, row: PaymentRequest, askFirst: boolean): Promise<PayParams> {
  const client = await clientOf(deps, row);
  if (askFirst) {
    const known = await queryAndSettle(deps, client, row, 'jsapi-takeover');
    if (known === 'paid') throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
    if (known === 'closed') throw new ConflictError('这笔付款已关闭，请联系服务商重新发起付款请求', 'payment_closed');
    if (known === 'unclear') {
      const now = deps.now();
      await deps.db.read((m) => releaseOrderLease(m, row.id, now));
      throw new UpstreamError('微信支付暂时没有回应；这笔付款不会重复下单，请稍后再点“支付”');
    }
  }
  const res = await client.pay.transactions_jsapi(jsapiOrder(deps, row));
  const now = deps.now();
  const data = res.data as { package?: unknown } | undefined;
  if (res.status === 200 && typeof data?.package === 'string' && data.package) {
    const prepayId = data.package.replace(/^prepay_id=/, '');
    if (paymentReport(row.status, 'order_placed', paymentContext(row, now)).ok)
      await deps.db.read((m) => markOrderOpen(m, row.id, prepayId, now));
    return res.data as PayParams;
  }
  const code = (res.data as { code?: string } | undefined)?.code;
  deps.logger?.warn(
    { paymentId: row.id, status: res.status, code: code ?? null, error: typeof res.error === 'string' ? res.error.slice(0, 100) : null },
    'WeChat Pay did not accept the order call',
  );
  if (res.status === 0 || res.status >= 500) {
    // Unclear: the order may exist. Whoever comes next (or the sweeper) queries before anything else.
    await deps.db.read((m) => markOrderUnclear(m, row.id, now));
    throw new UpstreamError('微信支付暂时没有回应；这笔付款不会重复下单，请稍后再点“支付”');
  }
  if (code === 'ORDERPAID' || code === 'ORDER_CLOSED' || code === 'INVALID_REQUEST') {
    const known = await queryAndSettle(deps, client, row, 'jsapi-refused');
    if (known === 'paid') throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
  }
  const message = (res.data as { message?: string } | undefined)?.message ?? '';
  const refused = paymentReport(row.status, 'order_refused', paymentContext(row, now));
  if (refused.ok && refused.effects.includes('recordProblem'))
    await deps.db.transaction(async (tx) => {
      await markOrderFailed(tx, row.id, `微信支付拒绝下单：${code ?? res.status} ${message}`.slice(0, 500), now);
      await deps.audit.append(tx, {
        action: 'payment.order_refused',
        actorId: 'system:wechat-pay',
        entityType: 'payment_request',
        entityId: row.id,
        data: { code: code ?? null, status: res.status },
      });
    });
  throw new UpstreamError(
    `微信支付没有接受这笔订单（${code ?? res.status}${message ? `：${message}` : ''}），请联系服务商核对其商户设置后重新发起`,
    'wechat_pay_refused',
  );
}

/**
 * The order's one set of parameters: the first call and every renewal send exactly these, since WeChat Pay
 * takes the same out_trade_no with other parameters for a different order and refuses it (INVALID_REQUEST).
 */
function jsapiOrder(deps: PaymentDeps, row: PaymentRequest) {
  return {
    description: row.description,
    out_trade_no: row.outTradeNo,
    time_expire: rfc3339Shanghai(row.expiresAt),
    attach: row.id,
    notify_url: deps.notifyUrl(row.merchantAccountId),
    amount: { total: row.amountFen, currency: 'CNY' },
    payer: { openid: row.payerOpenid! },
  };
}

/**
 * The open order's prepay_id has outlived its 2 hours: JSAPI again with the original parameters (same
 * out_trade_no) gives the current one — the same order, never a second one — which is kept and signed.
 */
async function renew(deps: PaymentDeps, row: PaymentRequest): Promise<PayParams> {
  const client = await clientOf(deps, row);
  const res = await client.pay.transactions_jsapi(jsapiOrder(deps, row));
  const data = res.data as { package?: unknown; code?: string; message?: string } | undefined;
  if (res.status === 200 && typeof data?.package === 'string' && data.package) {
    const prepayId = data.package.replace(/^prepay_id=/, '');
    const now = deps.now();
    await deps.db.read((m) => renewPrepay(m, row.id, prepayId, now));
    return res.data as PayParams;
  }
  deps.logger?.warn({ paymentId: row.id, status: res.status, code: data?.code ?? null }, 'WeChat Pay did not renew the prepay_id');
  if (res.status !== 0 && res.status < 500) {
    // Paid meanwhile (a callback still on its way), closed or expired: what the order is now decides.
    const known = await queryAndSettle(deps, client, row, 'jsapi-renew');
    if (known === 'paid') throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
    if (known === 'closed') throw new ConflictError('这笔付款已关闭，请联系服务商重新发起付款请求', 'payment_closed');
  }
  // The order stays open under its number: the next tap renews again.
  throw new UpstreamError('微信支付暂时没有回应；这笔付款不会重复下单，请稍后再点“支付”');
}

function signParams(deps: PaymentDeps, client: MerchantClient, prepayId: string): PayParams {
  const data = {
    appId: client.appid,
    timeStamp: String(Math.floor(deps.now() / 1000)),
    nonceStr: nonceString(8),
    package: `prepay_id=${prepayId}`,
    signType: 'RSA',
    paySign: '',
  };
  data.paySign = client.sign([data.appId, data.timeStamp, data.nonceStr, data.package, ''].join('\n'));
  return data;
}

async function payerOpenid(deps: PaymentDeps, auth: Actor): Promise<string> {
  const openid = await deps.db.read((m) => findUser(m, auth.userId).then((u) => u?.mpOpenid ?? null));
  if (!openid) throw new ConflictError('请在微信小程序中登录后再支付', 'no_openid');
  return openid;
}
