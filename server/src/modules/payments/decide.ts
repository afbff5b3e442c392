import type { ErrorCodeFor } from '../../../../shared/src/contracts/errors';
import type { Role } from '../../../../shared/src/contracts/roles';
import { transition, type TransitionResult } from '../../../../shared/src/workflow/machine';
import {
  paymentMachine,
  refundMachine,
  type PaymentContext,
  type PaymentEffect,
  type PaymentEvent,
  type PaymentGuard,
  type PaymentState,
  type RefundEffect,
  type RefundEvent,
  type RefundState,
} from '../../../../shared/src/workflow/payment';
import type { PaymentRequest } from '../../db/payments/orders';
import { ConflictError, ForbiddenError, InvalidInputError } from '../errors';

/**
 * Where a payment request's or a refund's state changes are decided: transition() of its machine
 * (shared/src/workflow/payment.ts), its refusals turned into the errors the payment routes have always
 * answered with (the codes the mini-program branches on). The use cases then carry out the effects;
 * the conditional UPDATE that writes the new state still says whether someone else moved it first.
 */

/** WeChat Pay's answers, the sweeper and the bill check act as the system's WeChat Pay actor, whose grant is admin. */
export const WECHAT_PAY_ROLES: readonly Role[] = ['admin'];
/** The payer acts as a member of the paying enterprise, the payee as the owner of the provider record (checked before). */
export const PAYER_ROLES: readonly Role[] = ['enterprise'];
export const PAYEE_ROLES: readonly Role[] = ['provider'];

export type PaymentDecision = { to: PaymentState; effects: readonly PaymentEffect[] };

/** The codes of a state's refusals: the phone tells "already paid" from "closed" by them. */
const REFUSED_IN_STATE: Partial<Record<PaymentState, ErrorCodeFor<409>>> = {
  paid: 'already_paid',
  closed: 'payment_closed',
  failed: 'payment_closed',
};
const REFUSED_EVENT: Partial<Record<PaymentEvent, ErrorCodeFor<409>>> = { refund: 'not_paid', attach: 'not_paid' };

/** A failed guard's code (a conflict with the request's state), or where a wrong input is named. */
const GUARD_REFUSALS: Record<PaymentGuard, { code: ErrorCodeFor<409> } | { path: string; detail: string }> = {
  requestNotExpired: { code: 'payment_expired' },
  orderNotExpired: { code: 'payment_expired' },
  providerAcceptsWechatPay: { code: 'wechat_pay_not_offered' },
  samePayerOrdering: { code: 'other_payer' },
  samePayerOpen: { code: 'other_payer' },
  leaseOver: { code: 'ordering' },
  amountsMatch: { code: 'conflict' },
  noRefundPending: { code: 'refund_pending' },
  refundWithinPaid: { path: 'amountFen', detail: '超过可退金额' },
  applicationOpenForPayments: { code: 'invalid_transition' },
};

/** What the guards read of a request; what an event's guards do not read (the merchant's status, a refund's amount) stays at its passing value unless given. */
export function paymentContext(row: PaymentRequest, now: number, extra: Partial<PaymentContext> = {}): PaymentContext {
  return {
    now,
    expiresAt: row.expiresAt,
    merchantActive: true,
    payerOpenid: row.payerOpenid ?? '',
    orderPayerOpenid: row.payerOpenid,
    leaseUntil: row.leaseUntil,
    mismatch: null,
    refundPending: false,
    amountFen: row.amountFen,
    refundedFen: row.refundedFen,
    refundFen: 0,
    applicationState: null,
    ...extra,
  };
}

/** The machine's decision, or the error the route answers with. */
export function decidePayment(from: PaymentState, event: PaymentEvent, roles: readonly Role[], context: PaymentContext): PaymentDecision {
  const decided = transition(paymentMachine, from, event, roles, context);
  if (decided.ok) return { to: decided.to, effects: decided.effects };
  throw refusal(from, event, decided);
}

/** A payer's tap (`pay`): as decidePayment, except that while another call's lease runs the tap waits for its order. */
export function decideTap(from: PaymentState, context: PaymentContext): PaymentDecision | 'wait' {
  const decided = transition(paymentMachine, from, 'pay', PAYER_ROLES, context);
  if (decided.ok) return { to: decided.to, effects: decided.effects };
  if (decided.reason === 'guard_failed' && decided.guard === 'leaseOver') return 'wait';
  throw refusal(from, 'pay', decided);
}

function refusal(from: PaymentState, event: PaymentEvent, decided: Extract<TransitionResult<PaymentState, PaymentEffect>, { ok: false }>) {
  if (decided.reason === 'role_not_allowed') return new ForbiddenError(decided.message);
  if (decided.reason === 'guard_failed') {
    const guard = GUARD_REFUSALS[decided.guard as PaymentGuard];
    if ('path' in guard) return new InvalidInputError(decided.message, [{ path: guard.path, message: guard.detail }]);
    return new ConflictError(decided.message, guard.code);
  }
  return new ConflictError(decided.message, REFUSED_EVENT[event] ?? REFUSED_IN_STATE[from] ?? 'invalid_transition');
}

/**
 * For WeChat Pay's own reports: the machine's decision, or a refusal when the state does not take the
 * report (it is already past it) or a guard fails — a report is recorded or ignored, never answered with an error.
 */
export function paymentReport(
  from: PaymentState,
  event: PaymentEvent,
  context: PaymentContext,
): { ok: true; to: PaymentState; effects: readonly PaymentEffect[] } | { ok: false; refused: string; guardFailed: boolean } {
  const decided = transition(paymentMachine, from, event, WECHAT_PAY_ROLES, context);
  if (decided.ok) return { ok: true, to: decided.to, effects: decided.effects };
  return { ok: false, refused: decided.message, guardFailed: decided.reason === 'guard_failed' };
}

/** A refund's move on WeChat Pay's answer, or a refusal when its state does not take it (already past it) or the report does not match. */
export function refundReport(
  from: RefundState,
  event: RefundEvent,
  mismatch: string | null = null,
): { ok: true; to: RefundState; effects: readonly RefundEffect[] } | { ok: false; guardFailed: boolean } {
  const decided = transition(refundMachine, from, event, WECHAT_PAY_ROLES, { mismatch });
  if (decided.ok) return { ok: true, to: decided.to, effects: decided.effects };
  return { ok: false, guardFailed: decided.reason === 'guard_failed' };
}
