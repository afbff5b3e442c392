import type { MachineDef } from './machine';
import { formatYuan } from '../glossary/money';

/**
 * A payment request paid through WeChat Pay (DESIGN.md "Paying the provider through the platform"),
 * as the use cases of server/src/modules/payments run it: every move of a request or a refund is
 * decided here (server/src/modules/payments/decide.ts asks transition()), its effects carried out there.
 * The request has one out_trade_no and at most one order at WeChat Pay: whoever pays first claims it
 * (created → ordering, with a lease), WeChat Pay's prepay makes it open; WeChat Pay's own answers (callback, query, the sweeper, acting as
 * the system's WeChat Pay actor, whose grant is `admin`) settle it paid, closed or failed. A payment
 * seen paid is paid whatever was recorded before (a payment can cross a close), and stays so: refunds
 * have their own machine below and lower what it counts for, never its state.
 *
 *   created ─pay→ ordering ─order_placed→ open ─paid→ paid
 *      │             │ order_refused → failed      │ closed / pay_error → closed / failed
 *      └ cancel, expiry → closed                    └ cancel: closed at WeChat Pay first
 */
export const PAYMENT_STATES = ['created', 'ordering', 'open', 'paid', 'closed', 'failed'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const PAYMENT_EVENTS = [
  'pay',
  'order_placed',
  'order_refused',
  'order_absent',
  'paid',
  'closed',
  'pay_error',
  'expire',
  'cancel',
  'refund',
  'attach',
] as const;
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

export type PaymentGuard =
  | 'requestNotExpired'
  | 'providerAcceptsWechatPay'
  | 'orderNotExpired'
  | 'samePayerOrdering'
  | 'samePayerOpen'
  | 'leaseOver'
  | 'amountsMatch'
  | 'noRefundPending'
  | 'refundWithinPaid'
  | 'applicationOpenForPayments';

export type PaymentEffect =
  /** Calls WeChat Pay's JSAPI order under the request's one out_trade_no. */
  | 'placeOrder'
  /** After an unclear earlier answer: asks WeChat Pay what became of the order before ordering. */
  | 'queryThenOrder'
  /** Signs wx.requestPayment's parameters for the open order. */
  | 'signPayment'
  /** Closes the order at WeChat Pay; its answer (closed, or paid after all) settles the request. */
  | 'closeAtWechatPay'
  | 'recordProblem'
  /** The paid order becomes the application's verified payment record and receipt. */
  | 'attachToApplication'
  /** Payer and payee hear that it was paid. */
  | 'notifyParties'
  /** Starts a refund (its own machine) under a new out_refund_no. */
  | 'requestRefund';

export interface PaymentContext {
  now: number;
  /** The request's (or its order's) time_expire. */
  expiresAt: number;
  /** The provider's merchant account is active. */
  merchantActive: boolean;
  /** The payer asking, and the one who claimed the order. */
  payerOpenid: string;
  orderPayerOpenid: string | null;
  /** While an order call is in flight; null when none is. */
  leaseUntil: number | null;
  /** What reconciliation found wrong with WeChat Pay's answer (amount, merchant, number), or null. */
  mismatch: string | null;
  refundPending: boolean;
  amountFen: number;
  refundedFen: number;
  refundFen: number;
  /** The state of the application the payment is put on (attach). */
  applicationState: string | null;
}

const ENTERPRISE = ['enterprise'] as const;
const PROVIDER = ['provider'] as const;
/** WeChat Pay's answers: the system actor (WECHAT_PAY_ACTOR) holds the admin grant. */
const WECHAT_PAY = ['admin'] as const;
const SETTLE_PAID = {
  target: 'paid',
  roles: WECHAT_PAY,
  guards: ['amountsMatch'],
  effects: ['attachToApplication', 'notifyParties'],
} as const;
const CLOSED = { target: 'closed', roles: WECHAT_PAY } as const;
const PAY_ERROR = { target: 'failed', roles: WECHAT_PAY } as const;
const CLOSED_REFUSAL = {
  pay: '这笔付款已关闭，请联系服务商重新发起付款请求',
  refund: '只有已支付的款项可以退款',
  attach: '这笔款项还没有支付完成',
} as const;

export const paymentMachine: MachineDef<PaymentState, PaymentEvent, PaymentGuard, PaymentEffect, PaymentContext> = {
  id: 'payment-request',
  initial: 'created',
  states: {
    created: {
      labels: { reviewer: '待支付', applicant: '待支付' },
      on: {
        pay: {
          target: 'ordering',
          roles: ENTERPRISE,
          guards: ['requestNotExpired', 'providerAcceptsWechatPay'],
          effects: ['placeOrder'],
        },
        paid: SETTLE_PAID,
        closed: CLOSED,
        pay_error: PAY_ERROR,
        // The sweeper closes an unpaid request past its time.
        expire: CLOSED,
        cancel: { target: 'closed', roles: PROVIDER },
      },
      refuse: { refund: '只有已支付的款项可以退款', attach: '这笔款项还没有支付完成' },
    },
    ordering: {
      labels: { reviewer: '正在下单', applicant: '正在下单' },
      on: {
        // Someone's call is in flight, or its answer was unclear: after the lease, take over — and query first.
        pay: {
          target: 'ordering',
          roles: ENTERPRISE,
          guards: ['samePayerOrdering', 'orderNotExpired', 'leaseOver'],
          effects: ['queryThenOrder'],
        },
        order_placed: { target: 'open', roles: WECHAT_PAY },
        order_refused: { target: 'failed', roles: WECHAT_PAY, effects: ['recordProblem'] },
        // No order was made: the request may be ordered again, under the same number.
        order_absent: { target: 'created', roles: WECHAT_PAY, guards: ['leaseOver'] },
        paid: SETTLE_PAID,
        closed: CLOSED,
        pay_error: PAY_ERROR,
        expire: { target: 'ordering', roles: WECHAT_PAY, effects: ['closeAtWechatPay'] },
        cancel: { target: 'ordering', roles: PROVIDER, effects: ['closeAtWechatPay'] },
      },
      refuse: { refund: '只有已支付的款项可以退款', attach: '这笔款项还没有支付完成' },
    },
    open: {
      labels: { reviewer: '待支付', applicant: '待支付' },
      on: {
        pay: { target: 'open', roles: ENTERPRISE, guards: ['samePayerOpen', 'orderNotExpired'], effects: ['signPayment'] },
        paid: SETTLE_PAID,
        closed: CLOSED,
        pay_error: PAY_ERROR,
        expire: { target: 'open', roles: WECHAT_PAY, effects: ['closeAtWechatPay'] },
        cancel: { target: 'open', roles: PROVIDER, effects: ['closeAtWechatPay'] },
      },
      refuse: { refund: '只有已支付的款项可以退款', attach: '这笔款项还没有支付完成' },
    },
    paid: {
      // Not final: refunds and putting it on an application still act on a paid request, which stays paid.
      labels: { reviewer: '已支付', applicant: '已支付' },
      on: {
        refund: {
          target: 'paid',
          roles: PROVIDER,
          guards: ['noRefundPending', 'refundWithinPaid'],
          effects: ['requestRefund'],
        },
        // A report of the payment repeated (a second callback, a query, the bill): still checked against the
        // request — a mismatch is noted for people to look at — and otherwise it changes nothing.
        paid: { target: 'paid', roles: WECHAT_PAY, guards: ['amountsMatch'] },
        // Put on one of the enterprise's applications (one made before the application existed).
        attach: { target: 'paid', roles: ENTERPRISE, guards: ['applicationOpenForPayments'], effects: ['attachToApplication'] },
      },
      refuse: {
        pay: '这笔款项已经支付，不必再付',
        cancel: '这笔款项已经支付，不能撤回；如需退还请办理退款',
      },
    },
    closed: {
      labels: { reviewer: '已关闭', applicant: '已关闭' },
      on: {
        paid: SETTLE_PAID,
        // Withdrawing a closed request changes nothing.
        cancel: { target: 'closed', roles: PROVIDER },
      },
      refuse: CLOSED_REFUSAL,
    },
    failed: {
      labels: { reviewer: '支付失败', applicant: '支付失败' },
      on: {
        paid: SETTLE_PAID,
        cancel: { target: 'failed', roles: PROVIDER },
      },
      refuse: { ...CLOSED_REFUSAL, pay: '这笔付款支付失败，请联系服务商重新发起付款请求' },
    },
  },
  guards: {
    requestNotExpired: (c) => (c.expiresAt > c.now ? null : '这笔付款请求已过期，请联系服务商重新发起'),
    providerAcceptsWechatPay: (c) => (c.merchantActive ? null : '该服务商已停用平台微信支付，请按合同约定的方式付款'),
    orderNotExpired: (c) => (c.expiresAt > c.now ? null : '这笔付款的订单已过期，请联系服务商重新发起付款请求'),
    samePayerOrdering: (c) => (c.orderPayerOpenid === c.payerOpenid ? null : '这笔付款已由本企业的另一位用户发起支付，请由他完成'),
    samePayerOpen: (c) =>
      c.orderPayerOpenid === c.payerOpenid ? null : '这笔付款已由本企业的另一位用户发起支付，请由他完成，或等订单过期后再试',
    leaseOver: (c) => ((c.leaseUntil ?? 0) <= c.now ? null : '正在向微信支付下单，请稍候再点“支付”；不会重复扣款'),
    amountsMatch: (c) => c.mismatch,
    noRefundPending: (c) => (c.refundPending ? '这笔款项还有一笔退款在处理中，请等它完成后再申请' : null),
    refundWithinPaid: (c) =>
      c.refundFen <= c.amountFen - c.refundedFen ? null : `退款金额超过可退金额（${formatYuan(c.amountFen - c.refundedFen)}）`,
    applicationOpenForPayments: (c) =>
      c.applicationState === 'draft' || c.applicationState === 'returned' ? null : '申请提交后不能再添加付款记录',
  },
};

/**
 * A refund of a paid request (one out_refund_no per refund, reused on every retry): requested by the
 * provider on the platform, or seen first in WeChat Pay's callback when made at the merchant platform
 * (then it starts `processing`). WeChat Pay's answers move it; a success counts once.
 *
 *   requested ─accepted→ processing ─succeeded→ succeeded
 *      │ refused (4xx)      │ closed / abnormal → failed
 */
export const REFUND_STATES = ['requested', 'processing', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_EVENTS = ['accepted', 'succeeded', 'refused', 'closed'] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

export type RefundGuard = 'amountsMatch';
export type RefundEffect =
  /** The request's refunded amount grows; the application's verified payment shrinks (payments_reduced when its amount was verified). */
  'reducePayment' | 'notifyParties';

export interface RefundContext {
  mismatch: string | null;
}

const REFUND_SUCCEEDED = {
  target: 'succeeded',
  roles: WECHAT_PAY,
  guards: ['amountsMatch'],
  effects: ['reducePayment', 'notifyParties'],
} as const;

export const refundMachine: MachineDef<RefundState, RefundEvent, RefundGuard, RefundEffect, RefundContext> = {
  id: 'payment-refund',
  initial: 'requested',
  states: {
    requested: {
      labels: { reviewer: '已申请', applicant: '已申请' },
      on: {
        accepted: { target: 'processing', roles: WECHAT_PAY },
        succeeded: REFUND_SUCCEEDED,
        refused: { target: 'failed', roles: WECHAT_PAY },
        closed: { target: 'failed', roles: WECHAT_PAY },
      },
    },
    processing: {
      labels: { reviewer: '退款中', applicant: '退款中' },
      on: {
        accepted: { target: 'processing', roles: WECHAT_PAY },
        succeeded: REFUND_SUCCEEDED,
        closed: { target: 'failed', roles: WECHAT_PAY },
      },
    },
    succeeded: { labels: { reviewer: '已退款', applicant: '已退款' }, final: true },
    // WeChat Pay may still report a success for a refund it had closed: the success is the last word.
    failed: { labels: { reviewer: '退款失败', applicant: '退款失败' }, on: { succeeded: REFUND_SUCCEEDED } },
  },
  guards: {
    amountsMatch: (c) => c.mismatch,
  },
};
