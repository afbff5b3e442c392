import type { z } from 'zod';
import type { Actor } from '../actor';
import { RefusedError } from '../errors';
import { newId } from '../../ids';
import { findPaymentRequest, type PaymentRequest } from '../../db/payments/orders';
import {
  advanceRefund,
  insertRefund,
  pendingRefundCount,
  refuseRefund,
  releaseRefundLease,
  type PaymentRefund,
} from '../../db/payments/refunds';
import { refundMachine } from '../../../../shared/src/workflow/payment';
import { clientOf, ORDER_LEASE_MS, type PaymentDeps } from './deps';
import { decidePayment, paymentContext, PAYEE_ROLES, refundReport } from './decide';
import { getPayment, providerPayment } from './reading';
import type { refundSchema } from './requests';
import { settleRefund, type WechatRefund } from './settle';

/**
 * Refunds (issue 7): the provider asks for one (the payment machine's `refund`, one out_refund_no per
 * refund, reused on every retry), it is sent to WeChat Pay, and WeChat Pay's answers move it along the
 * refund machine (accepted → processing, refused or closed → failed, succeeded → settled once, in settle.ts).
 */

/** A refund asked for by the provider: one out_refund_no per refund row, reused on every retry. */
export async function requestRefund(deps: PaymentDeps, auth: Actor, id: string, input: z.output<typeof refundSchema>) {
  const row = await providerPayment(deps, auth, id);
  const now = deps.now();
  const refund = await deps.db.transaction(async (tx) => {
    const refundPending = (await pendingRefundCount(tx, row.id)) > 0;
    const fresh = (await findPaymentRequest(tx, row.id))!;
    const decided = decidePayment(
      fresh.status,
      'refund',
      PAYEE_ROLES,
      paymentContext(fresh, now, { refundPending, refundFen: input.amountFen }),
    );
    if (!decided.effects.includes('requestRefund')) return null;
    const r: PaymentRefund = {
      id: newId(),
      paymentRequestId: row.id,
      outRefundNo: `RF${newId()}`,
      refundId: null,
      amountFen: input.amountFen,
      reason: input.reason,
      status: refundMachine.initial,
      origin: 'platform',
      requestedBy: auth.userId,
      leaseUntil: now + ORDER_LEASE_MS,
      succeededAt: null,
      succeededOn: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertRefund(tx, r);
    await deps.audit.append(tx, {
      action: 'payment.refund_requested',
      actorId: auth.userId,
      entityType: 'payment_request',
      entityId: row.id,
      data: { outRefundNo: r.outRefundNo, amountFen: r.amountFen, reason: r.reason },
    });
    return r;
  });
  if (refund) await pushRefund(deps, row, refund);
  return getPayment(deps, auth, id);
}

/** Sends (or re-sends, with the same number) a refund to WeChat Pay and records what it said. */
export async function pushRefund(deps: PaymentDeps, row: PaymentRequest, refund: PaymentRefund): Promise<void> {
  const client = await clientOf(deps, row);
  const res = await client.pay.refunds({
    out_trade_no: row.outTradeNo,
    out_refund_no: refund.outRefundNo,
    reason: refund.reason ?? undefined,
    notify_url: deps.notifyUrl(row.merchantAccountId),
    amount: { refund: refund.amountFen, total: row.amountFen, currency: 'CNY' },
  });
  await recordRefundAnswer(deps, row, refund, res.status, res.data, 'refund');
}

/** WeChat Pay's answer to a refund call or query, as the refund machine moves on it. */
export async function recordRefundAnswer(
  deps: PaymentDeps,
  row: PaymentRequest,
  refund: PaymentRefund,
  status: number,
  data: (WechatRefund & { code?: string; message?: string }) | undefined,
  via: string,
): Promise<void> {
  const now = deps.now();
  if (status === 200 && data) {
    const state = data.status ?? data.refund_status;
    if (state === 'SUCCESS') {
      await deps.db.transaction((tx) => settleRefund(deps, tx, row, { ...data, out_refund_no: refund.outRefundNo }, via, now));
      return;
    }
    const decided = refundReport(refund.status, state === 'CLOSED' || state === 'ABNORMAL' ? 'closed' : 'accepted');
    const to = decided.ok ? decided.to : null;
    if (to === 'processing' || to === 'failed') await deps.db.read((m) => advanceRefund(m, refund.id, to, data.refund_id ?? null, now));
    return;
  }
  if (status >= 400 && status < 500 && status !== 404) {
    if (refundReport(refund.status, 'refused').ok) await deps.db.read((m) => refuseRefund(m, refund.id, now));
    throw new RefusedError(
      `微信支付没有接受这笔退款（${data?.code ?? status}${data?.message ? `：${data.message}` : ''}）`,
      'refund_refused',
    );
  }
  // Unclear: the sweeper asks again under the same out_refund_no.
  await deps.db.read((m) => releaseRefundLease(m, refund.id, now));
}
