import { transition } from '../../../shared/src/workflow/machine';
import {
  PAYMENT_EVENTS,
  PAYMENT_STATES,
  REFUND_EVENTS,
  REFUND_STATES,
  paymentMachine,
  refundMachine,
  type PaymentContext,
  type PaymentEvent,
  type PaymentState,
  type RefundContext,
} from '../../../shared/src/workflow/payment';
import { checkAgainstDesign, type Row } from './designTable';

/**
 * Paying the provider through the platform, as DESIGN.md describes it: the enterprise pays the
 * provider's request inside the mini-program (JSAPI); the money goes straight to the provider; a paid
 * order is a payment the platform has seen — it fills the application's payment record, marked verified;
 * a payer hears that it paid, a payee that it was paid; no retry or race charges twice (one order per
 * request, claimed under a lease). WeChat Pay's answers are the system's (its actor holds `admin`).
 */
const PERMISSIVE: PaymentContext = {
  now: 1_000_000,
  expiresAt: 2_000_000,
  merchantActive: true,
  payerOpenid: 'o-payer',
  orderPayerOpenid: 'o-payer',
  leaseUntil: null,
  mismatch: null,
  refundPending: false,
  amountFen: 10_000,
  refundedFen: 0,
  refundFen: 5_000,
  applicationState: 'draft',
};

const SYSTEM = ['admin'] as const;
const PAID = {
  event: 'paid',
  roles: SYSTEM,
  to: 'paid',
  effects: ['attachToApplication', 'notifyParties'],
  guards: ['amountsMatch'],
} as const;
const ORDER_EXPIRED = { expired: { guard: 'orderNotExpired', reason: '这笔付款的订单已过期，请联系服务商重新发起付款请求' } };

const ROWS: Row<PaymentState, PaymentEvent, PaymentContext>[] = [
  {
    from: 'created',
    event: 'pay',
    roles: ['enterprise'],
    to: 'ordering',
    effects: ['placeOrder'],
    guards: ['expired', 'providerAcceptsWechatPay'],
    refusedAs: { expired: { guard: 'requestNotExpired', reason: '这笔付款请求已过期，请联系服务商重新发起' } },
  },
  { ...PAID, from: 'created' },
  { from: 'created', event: 'closed', roles: SYSTEM, to: 'closed', effects: [] },
  { from: 'created', event: 'pay_error', roles: SYSTEM, to: 'failed', effects: [] },
  { from: 'created', event: 'expire', roles: SYSTEM, to: 'closed', effects: [] },
  { from: 'created', event: 'cancel', roles: ['provider'], to: 'closed', effects: [] },

  {
    from: 'ordering',
    event: 'pay',
    roles: ['enterprise'],
    to: 'ordering',
    effects: ['queryThenOrder'],
    guards: ['otherPayer', 'expired', 'leaseOver'],
    refusedAs: {
      ...ORDER_EXPIRED,
      otherPayer: { guard: 'samePayerOrdering', reason: '这笔付款已由本企业的另一位用户发起支付，请由他完成' },
    },
  },
  { from: 'ordering', event: 'order_placed', roles: SYSTEM, to: 'open', effects: [] },
  { from: 'ordering', event: 'order_refused', roles: SYSTEM, to: 'failed', effects: ['recordProblem'] },
  { from: 'ordering', event: 'order_absent', roles: SYSTEM, to: 'created', effects: [], guards: ['leaseOver'] },
  { ...PAID, from: 'ordering' },
  { from: 'ordering', event: 'closed', roles: SYSTEM, to: 'closed', effects: [] },
  { from: 'ordering', event: 'pay_error', roles: SYSTEM, to: 'failed', effects: [] },
  { from: 'ordering', event: 'expire', roles: SYSTEM, to: 'ordering', effects: ['closeAtWechatPay'] },
  { from: 'ordering', event: 'cancel', roles: ['provider'], to: 'ordering', effects: ['closeAtWechatPay'] },

  {
    from: 'open',
    event: 'pay',
    roles: ['enterprise'],
    to: 'open',
    effects: ['signPayment'],
    guards: ['otherPayer', 'expired'],
    refusedAs: {
      ...ORDER_EXPIRED,
      otherPayer: { guard: 'samePayerOpen', reason: '这笔付款已由本企业的另一位用户发起支付，请由他完成，或等订单过期后再试' },
    },
  },
  { ...PAID, from: 'open' },
  { from: 'open', event: 'closed', roles: SYSTEM, to: 'closed', effects: [] },
  { from: 'open', event: 'pay_error', roles: SYSTEM, to: 'failed', effects: [] },
  { from: 'open', event: 'expire', roles: SYSTEM, to: 'open', effects: ['closeAtWechatPay'] },
  { from: 'open', event: 'cancel', roles: ['provider'], to: 'open', effects: ['closeAtWechatPay'] },

  {
    from: 'paid',
    event: 'refund',
    roles: ['provider'],
    to: 'paid',
    effects: ['requestRefund'],
    guards: ['noRefundPending', 'refundWithinPaid'],
  },
  // Repeats change nothing (DESIGN.md), but a repeated report that disagrees with the request is still noted.
  { from: 'paid', event: 'paid', roles: SYSTEM, to: 'paid', effects: [], guards: ['amountsMatch'] },
  {
    from: 'paid',
    event: 'attach',
    roles: ['enterprise'],
    to: 'paid',
    effects: ['attachToApplication'],
    guards: ['applicationOpenForPayments'],
  },

  // A payment can cross a close: seen paid, it is paid.
  { ...PAID, from: 'closed' },
  { from: 'closed', event: 'cancel', roles: ['provider'], to: 'closed', effects: [] },
  { ...PAID, from: 'failed' },
  { from: 'failed', event: 'cancel', roles: ['provider'], to: 'failed', effects: [] },
];

const UNPAID = { refund: '只有已支付的款项可以退款', attach: '这笔款项还没有支付完成' };

checkAgainstDesign(paymentMachine, {
  name: 'payment request',
  states: PAYMENT_STATES,
  events: PAYMENT_EVENTS,
  initial: 'created',
  finals: [],
  reviewerLabels: { created: '待支付', ordering: '正在下单', open: '待支付', paid: '已支付', closed: '已关闭', failed: '支付失败' },
  rows: ROWS,
  permissive: PERMISSIVE,
  breakers: {
    expired: { ctx: { expiresAt: 1_000_000 }, reason: '' },
    providerAcceptsWechatPay: { ctx: { merchantActive: false }, reason: '该服务商已停用平台微信支付，请按合同约定的方式付款' },
    otherPayer: { ctx: { orderPayerOpenid: 'o-colleague' }, reason: '' },
    leaseOver: { ctx: { leaseUntil: 1_000_001 }, reason: '正在向微信支付下单，请稍候再点“支付”；不会重复扣款' },
    amountsMatch: { ctx: { mismatch: '金额与订单不符' }, reason: '金额与订单不符' },
    noRefundPending: { ctx: { refundPending: true }, reason: '这笔款项还有一笔退款在处理中，请等它完成后再申请' },
    refundWithinPaid: { ctx: { refundFen: 10_001 }, reason: '退款金额超过可退金额（100.00 元）' },
    applicationOpenForPayments: { ctx: { applicationState: 'county_review' }, reason: '申请提交后不能再添加付款记录' },
  },
  refusals: {
    created: UNPAID,
    ordering: UNPAID,
    open: UNPAID,
    paid: { pay: '这笔款项已经支付，不必再付', cancel: '这笔款项已经支付，不能撤回；如需退还请办理退款' },
    closed: { ...UNPAID, pay: '这笔付款已关闭，请联系服务商重新发起付款请求' },
    failed: { ...UNPAID, pay: '这笔付款支付失败，请联系服务商重新发起付款请求' },
  },
});

describe('payment request: boundaries', () => {
  const at = (from: PaymentState, event: PaymentEvent, role: 'enterprise' | 'provider' | 'admin', c: Partial<PaymentContext>) =>
    transition(paymentMachine, from, event, [role], { ...PERMISSIVE, ...c });

  test('a request is payable until the instant it expires', () => {
    expect(at('created', 'pay', 'enterprise', { expiresAt: 1_000_001 }).ok).toBe(true);
    expect(at('created', 'pay', 'enterprise', { expiresAt: 999_999 }).ok).toBe(false);
    expect(at('open', 'pay', 'enterprise', { expiresAt: 1_000_001 }).ok).toBe(true);
  });

  test('a lease ending now is over; none at all is over', () => {
    expect(at('ordering', 'pay', 'enterprise', { leaseUntil: 1_000_000 }).ok).toBe(true);
    expect(at('ordering', 'order_absent', 'admin', { leaseUntil: null }).ok).toBe(true);
    expect(at('ordering', 'order_absent', 'admin', { leaseUntil: 1_000_001 }).ok).toBe(false);
  });

  test('a refund up to what is left of the payment; refunds already made count', () => {
    expect(at('paid', 'refund', 'provider', { refundFen: 10_000 }).ok).toBe(true);
    expect(at('paid', 'refund', 'provider', { refundedFen: 4_000, refundFen: 6_000 }).ok).toBe(true);
    expect(at('paid', 'refund', 'provider', { refundedFen: 4_000, refundFen: 6_001 })).toMatchObject({
      ok: false,
      message: '退款金额超过可退金额（60.00 元）',
    });
    expect(at('paid', 'refund', 'provider', { refundedFen: 9_999, refundFen: 2 })).toMatchObject({
      message: '退款金额超过可退金额（0.01 元）',
    });
  });

  test('a paid order goes on a draft or a returned application only', () => {
    expect(at('paid', 'attach', 'enterprise', { applicationState: 'returned' }).ok).toBe(true);
    for (const applicationState of ['provider_check', 'approved', null])
      expect(at('paid', 'attach', 'enterprise', { applicationState }).ok).toBe(false);
    expect(paymentMachine.id).toBe('payment-request');
  });
});

const REFUND_PERMISSIVE: RefundContext = { mismatch: null };
const SUCCEEDED = {
  event: 'succeeded',
  roles: SYSTEM,
  to: 'succeeded',
  effects: ['reducePayment', 'notifyParties'],
  guards: ['amountsMatch'],
} as const;

checkAgainstDesign(refundMachine, {
  name: 'refund',
  states: REFUND_STATES,
  events: REFUND_EVENTS,
  initial: 'requested',
  finals: ['succeeded'],
  reviewerLabels: { requested: '已申请', processing: '退款中', succeeded: '已退款', failed: '退款失败' },
  rows: [
    { from: 'requested', event: 'accepted', roles: SYSTEM, to: 'processing', effects: [] },
    { ...SUCCEEDED, from: 'requested' },
    { from: 'requested', event: 'refused', roles: SYSTEM, to: 'failed', effects: [] },
    { from: 'requested', event: 'closed', roles: SYSTEM, to: 'failed', effects: [] },
    { from: 'processing', event: 'accepted', roles: SYSTEM, to: 'processing', effects: [] },
    { ...SUCCEEDED, from: 'processing' },
    { from: 'processing', event: 'closed', roles: SYSTEM, to: 'failed', effects: [] },
    { ...SUCCEEDED, from: 'failed' },
  ],
  permissive: REFUND_PERMISSIVE,
  breakers: { amountsMatch: { ctx: { mismatch: '退款金额不对' }, reason: '退款金额不对' } },
});

test('the refund machine is the refund’s', () => {
  expect(refundMachine.id).toBe('payment-refund');
});
