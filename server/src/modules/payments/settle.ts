import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import type { ApplicationEngine } from '../applications/engine';
import { appendEvent } from '../../db/applications/history';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { applicationMachine } from '../../../../shared/src/workflow/application';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { formatYuan } from '../../../../shared/src/glossary/money';
import { enterpriseMemberIds, findEnterprise } from '../../db/enterprises';
import { findApplication } from '../../db/applications';
import { providerName, providerOwnerId } from '../../db/providers';
import { addRefunded, findPaymentRequest, markPaid, notePaymentProblem, type PaymentRequest } from '../../db/payments/orders';
import { insertRefund, markRefundSucceeded, refundByNo, type PaymentRefund } from '../../db/payments/refunds';
import { insertPaymentLine, paymentLineOf, setPaidAmount, setPaymentLineAmount, paidSum } from '../../db/applications/payments';
import { removeApplicationFromList } from '../../db/lists';
import { paymentContext, paymentReport, refundReport } from './decide';

/**
 * What a paid order or a refund does, wherever we learn of it (callback, query, bill): each is one
 * conditional UPDATE that only the first report wins, then — in the same transaction — the
 * application's verified payment, its history, the audit row and the notifications. A second report of
 * the same fact changes nothing.
 */

/** Acts for WeChat Pay's reports: no person did this, the platform saw it. */
export const WECHAT_PAY_ACTOR: Actor = { userId: 'system:wechat-pay', sessionId: '', grants: [{ role: 'admin', countyCode: null }] };

/** What WeChat Pay says of a transaction (callback plaintext or query answer). */
export interface WechatTransaction {
  mchid?: string;
  appid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number };
  payer?: { openid?: string };
}

export interface WechatRefund {
  out_trade_no?: string;
  transaction_id?: string;
  out_refund_no?: string;
  refund_id?: string;
  refund_status?: string;
  status?: string;
  success_time?: string;
  amount?: { total?: number; refund?: number };
}

/** States in which the city has set the 核定金额: a smaller verified payment sends the case back to city review. */
const AMOUNT_SET_STATES = new Set(['city_approved', 'listed', 'approved']);
/** Closed cases: a payment no longer changes them. */
const CLOSED_STATES = new Set(['withdrawn', 'rejected']);

export interface SettleDeps {
  audit: AuditTrail;
  engine: ApplicationEngine;
}

export type SettleOutcome = 'paid' | 'already_paid' | 'mismatch' | 'unknown_order';

export async function settlePaid(
  deps: SettleDeps,
  tx: Tx,
  req: PaymentRequest,
  t: WechatTransaction,
  via: string,
  now: number,
): Promise<SettleOutcome> {
  const problem = mismatch(req, t);
  const decided = paymentReport(req.status, 'paid', paymentContext(req, now, { mismatch: problem }));
  if (!decided.ok && decided.guardFailed) {
    await notePaymentProblem(tx, req.id, problem, now);
    await deps.audit.append(tx, {
      action: 'payment.mismatch',
      actorId: WECHAT_PAY_ACTOR.userId,
      entityType: 'payment_request',
      entityId: req.id,
      data: { via, problem },
    });
    return 'mismatch';
  }
  // Seen paid before (a repeated report, checked above, changes nothing), or paid by another report meanwhile.
  if (!decided.ok || decided.to === req.status) return 'already_paid';
  const paidAt = Date.parse(t.success_time ?? '') || now;
  const paidOn = todayInShanghai(new Date(paidAt));
  if (!(await markPaid(tx, req.id, { transactionId: t.transaction_id!, paidAt, paidOn }, now))) return 'already_paid';
  await deps.audit.append(tx, {
    action: 'payment.paid',
    actorId: WECHAT_PAY_ACTOR.userId,
    entityType: 'payment_request',
    entityId: req.id,
    data: { via, outTradeNo: req.outTradeNo, transactionId: t.transaction_id, amountFen: req.amountFen, paidOn },
  });
  let applicationNote = '';
  if (req.applicationId && decided.effects.includes('attachToApplication')) {
    const attached = await attachToApplication(deps, tx, { ...req, status: 'paid', transactionId: t.transaction_id!, paidAt, paidOn }, now);
    if (attached) applicationNote = `已作为平台核验的付款记入申请${attached}。`;
  }
  if (decided.effects.includes('notifyParties'))
    await notifyParties(tx, req, 'payment.paid', { transactionId: t.transaction_id!, applicationNote }, now);
  return 'paid';
}

/** A paid order becomes the application's verified payment: its record and its receipt. Returns the tracking number (or '') when attached. */
export async function attachToApplication(deps: SettleDeps, tx: Tx, req: PaymentRequest, now: number): Promise<string | null> {
  const app = req.applicationId ? await findApplication(tx, req.applicationId) : null;
  if (!app || CLOSED_STATES.has(app.status) || app.enterpriseId !== req.enterpriseId) return null;
  const existing = await paymentLineOf(tx, req.id, app.id);
  if (existing && existing.removedAt === null) return app.trackingNo ?? '';
  await insertPaymentLine(tx, {
    id: newId(),
    applicationId: app.id,
    amountFen: req.amountFen - req.refundedFen,
    paidOn: req.paidOn!,
    method: 'wechat_pay',
    reference: req.transactionId,
    source: 'wechat_pay',
    verified: true,
    recordedBy: WECHAT_PAY_ACTOR.userId,
    createdAt: now,
    removedAt: null,
    paymentRequestId: req.id,
  });
  await recordPaidChange(
    deps,
    tx,
    app.id,
    {
      wechatPay: { paymentRequestId: req.id, transactionId: req.transactionId, amountFen: req.amountFen - req.refundedFen, change: 'paid' },
    },
    now,
  );
  return app.trackingNo ?? '';
}

/** The application's paid amount follows its payments; the history shows the change. */
async function recordPaidChange(
  deps: SettleDeps,
  tx: Tx,
  applicationId: string,
  data: Record<string, unknown>,
  now: number,
): Promise<{ from: number; to: number }> {
  const app = (await findApplication(tx, applicationId))!;
  const paid = await paidSum(tx, applicationId);
  await setPaidAmount(tx, applicationId, paid, now);
  await appendEvent(tx, {
    id: newId(),
    applicationId,
    event: 'payments',
    fromStatus: app.status,
    toStatus: app.status,
    actorId: WECHAT_PAY_ACTOR.userId,
    actorRole: 'wechat_pay',
    reason: null,
    internalNote: null,
    data: { paidAmountFen: [app.paidAmountFen, paid], ...data },
    createdAt: now,
  });
  await deps.audit.append(tx, {
    action: 'application.payments',
    actorId: WECHAT_PAY_ACTOR.userId,
    entityType: 'application',
    entityId: applicationId,
    data: { paidAmountFen: paid, ...data },
  });
  return { from: app.paidAmountFen ?? 0, to: paid };
}

/**
 * A refund that succeeded. `refundRowId` is ours when we asked for it; a refund made in the merchant
 * console arrives with a number we never issued and is recorded as the merchant's.
 */
export async function settleRefund(
  deps: SettleDeps,
  tx: Tx,
  req: PaymentRequest,
  r: WechatRefund,
  via: string,
  now: number,
): Promise<'refunded' | 'already_refunded' | 'mismatch'> {
  const amount = r.amount?.refund;
  if (!r.out_refund_no || !Number.isSafeInteger(amount) || amount! <= 0) return 'mismatch';
  let refund: PaymentRefund | null = await refundByNo(tx, r.out_refund_no);
  const otherRequest = refund && refund.paymentRequestId !== req.id ? `退款 ${r.out_refund_no} 属于另一笔付款` : null;
  const succeededAt = Date.parse(r.success_time ?? '') || now;
  const succeededOn = todayInShanghai(new Date(succeededAt));
  if (!refund) {
    refund = {
      id: newId(),
      paymentRequestId: req.id,
      outRefundNo: r.out_refund_no,
      refundId: r.refund_id ?? null,
      amountFen: amount!,
      reason: null,
      status: 'processing',
      origin: 'merchant',
      requestedBy: null,
      leaseUntil: null,
      succeededAt: null,
      succeededOn: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertRefund(tx, refund);
  }
  const decided = refundReport(refund.status, 'succeeded', otherRequest);
  if (!decided.ok) return decided.guardFailed ? 'mismatch' : 'already_refunded';
  const won = await markRefundSucceeded(
    tx,
    refund.id,
    { refundId: r.refund_id ?? refund.refundId, amountFen: amount!, succeededAt, succeededOn },
    now,
  );
  if (!won) return 'already_refunded';
  const { after, applicationNote } = decided.effects.includes('reducePayment')
    ? await reducePayment(deps, tx, req, refund, { ...r, out_refund_no: r.out_refund_no }, amount!, via, now)
    : { after: req, applicationNote: '' };
  if (decided.effects.includes('notifyParties'))
    await notifyParties(
      tx,
      after,
      'payment.refunded',
      { amount: formatYuan(amount!), paidAmount: formatYuan(after.amountFen), applicationNote, eventSuffix: refund.id },
      now,
    );
  return 'refunded';
}

/** The refund machine's `reducePayment`: the request's refunded amount grows, the application's verified payment shrinks. */
async function reducePayment(
  deps: SettleDeps,
  tx: Tx,
  req: PaymentRequest,
  refund: PaymentRefund,
  r: WechatRefund & { out_refund_no: string },
  amount: number,
  via: string,
  now: number,
): Promise<{ after: PaymentRequest; applicationNote: string }> {
  await addRefunded(tx, req.id, amount, now);
  const after = (await findPaymentRequest(tx, req.id))!;
  await deps.audit.append(tx, {
    action: 'payment.refunded',
    actorId: WECHAT_PAY_ACTOR.userId,
    entityType: 'payment_request',
    entityId: req.id,
    data: {
      via,
      outRefundNo: r.out_refund_no,
      refundId: r.refund_id ?? null,
      amountFen: amount,
      origin: refund.origin,
      refundedFen: after.refundedFen,
    },
  });

  let applicationNote = '';
  const line = await paymentLineOf(tx, req.id);
  if (line && line.removedAt === null) {
    await setPaymentLineAmount(tx, line.id, Math.max(0, after.amountFen - after.refundedFen));
    const change = await recordPaidChange(
      deps,
      tx,
      line.applicationId,
      { wechatPay: { paymentRequestId: req.id, outRefundNo: r.out_refund_no, refundFen: amount, change: 'refunded' } },
      now,
    );
    const app = (await findApplication(tx, line.applicationId))!;
    applicationNote = `申请${app.trackingNo ? `（申报编号 ${app.trackingNo}）` : ''}的实付金额由 ${formatYuan(change.from)} 改为 ${formatYuan(change.to)}。`;
    if (AMOUNT_SET_STATES.has(app.status)) {
      // Issue 7: with the 核定金额 already set, a smaller verified payment goes back to city review.
      if (app.listId) await removeApplicationFromList(tx, app.listId, app.id, now, '付款被退款，须重新核定');
      await deps.engine.run(tx, app.id, {
        event: 'payments_reduced',
        auth: WECHAT_PAY_ACTOR,
        expectedVersion: app.version,
        reason: `服务商退款 ${formatYuan(amount)}，平台核验的实付金额减少，须重新核定补助金额`,
        columns: { verifiedFen: null, listId: null },
        data: { paymentRequestId: req.id, outRefundNo: r.out_refund_no, refundFen: amount },
        actorRole: 'wechat_pay',
      });
      applicationNote += '已核定的补助金额须由市工信局重新核定。';
    } else if (app.status !== 'draft' && app.status !== 'returned') {
      await enqueueNotifications(
        tx,
        {
          eventKey: `refund:${refund.id}:reviewers`,
          recipientUserIds: await reviewersOf(tx, app.status, app.countyCode),
          template: 'queue.new_item',
          params: {
            applicationId: app.id,
            trackingNo: app.trackingNo ?? '',
            enterpriseName: (await findEnterprise(tx, app.enterpriseId))?.name ?? '',
            stageLabel: `付款被退款，请复核（${applicationMachine.states[app.status].labels.reviewer}）`,
          },
          channels: ['oa_template'],
        },
        now,
      );
    }
  }
  return { after, applicationNote };
}

async function reviewersOf(tx: Tx, status: string, countyCode: string): Promise<string[]> {
  if (status === 'county_review' || status === 'county_approved')
    return [...(await holdersOf(tx, 'county_miit', countyCode)), ...(await holdersOf(tx, 'county_finance', countyCode))];
  if (status === 'provider_check') return [];
  return holdersOf(tx, 'city_miit');
}

function mismatch(req: PaymentRequest, t: WechatTransaction): string | null {
  if (t.out_trade_no !== req.outTradeNo) return `微信支付报告的商户订单号 ${String(t.out_trade_no)} 与付款请求不符`;
  if (!t.transaction_id) return '微信支付报告缺少微信支付订单号';
  if (t.amount?.total !== req.amountFen)
    return `微信支付报告的金额 ${typeof t.amount?.total === 'number' && Number.isSafeInteger(t.amount.total) ? formatYuan(t.amount.total) : '（无）'}与付款请求的 ${formatYuan(req.amountFen)} 不符`;
  return null;
}

export async function notifyParties(
  tx: Tx,
  req: PaymentRequest,
  template: 'payment.paid' | 'payment.refunded' | 'payment.requested',
  extra: Record<string, string>,
  now: number,
): Promise<void> {
  const enterprise = await findEnterprise(tx, req.enterpriseId);
  const companyName = (await providerName(tx, req.providerId)) ?? '';
  const owner = await providerOwnerId(tx, req.providerId);
  const { eventSuffix = '', ...rest } = extra;
  const params = {
    paymentId: req.id,
    amount: formatYuan(req.amountFen),
    description: req.description,
    contractNo: req.contractNo ?? '',
    enterpriseName: enterprise?.name ?? '',
    providerName: companyName,
    trackingNo: '',
    statusLabel: { 'payment.paid': '已支付', 'payment.refunded': '已退款', 'payment.requested': '待支付' }[template],
    reason: '',
    nextStep: '',
    ...rest,
  };
  const members = await enterpriseMemberIds(tx, req.enterpriseId);
  const eventKey = `payment:${req.id}:${template}${eventSuffix ? `:${eventSuffix}` : ''}`;
  const channels = ['mp_subscribe', 'oa_template'] as const;
  if (template === 'payment.requested') {
    await enqueueNotifications(tx, { eventKey, recipientUserIds: members, template, params, channels }, now);
    return;
  }
  // The payer hears that it paid (or was refunded) in its own words, the provider that it received (or
  // returned) the money (DESIGN.md "Notifications": a payer hears that it paid; a payee that it was paid).
  const payerTemplate = template === 'payment.paid' ? 'payment.paid_payer' : 'payment.refunded_payer';
  await enqueueNotifications(
    tx,
    { eventKey: `${eventKey}:payer`, recipientUserIds: members, template: payerTemplate, params, channels },
    now,
  );
  const payee = owner && !members.includes(owner) ? [owner] : [];
  await enqueueNotifications(tx, { eventKey, recipientUserIds: payee, template, params, channels }, now);
}
