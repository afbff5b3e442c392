/**
 * Paying the provider with WeChat Pay, the parts without wx: what a payment request shows and allows, the
 * provider's request and refund forms checked before they are sent, and the server's refusals in words a
 * clerk can act on. Every amount is integer fen (logic/money.ts); the server checks everything again.
 */
import { formatFen, parseYuan } from './money';
import { formatTime } from './format';
import { creditCode } from './validators';
import { charCount } from '../shared/contracts/filingChoices';
import type { Payment, PaymentDiscrepancy } from '../shared/contracts/responses';
import type { PaymentRequestInput } from '../services/inputs';

type DiscrepancyKind = PaymentDiscrepancy['kind'];

// ---- one payment as the pages show it ---------------------------------------------------------------------

export interface RefundRow {
  id: string;
  text: string;
  statusLabel: string;
  reason: string;
  pending: boolean;
}

export interface PaymentSummary {
  id: string;
  providerName: string;
  enterpriseName: string;
  description: string;
  contractNo: string;
  amountText: string;
  status: Payment['status'];
  statusLabel: string;
  createdText: string;
  paidText: string;
  transactionId: string;
  /** "平台已核验实付 …": only once WeChat Pay's own record says paid. */
  verifiedText: string;
  refundedText: string;
  refunds: RefundRow[];
  problem: string;
  applicationId: string;
  /** The enterprise may still pay it: unpaid, not withdrawn, not past its time. */
  canPay: boolean;
  /** The provider may withdraw it: not yet paid nor closed. */
  canCancel: boolean;
  /** The provider may refund (part of) it: paid, something left, no refund under way. */
  canRefund: boolean;
  refundableFen: number;
}

const REFUND_PENDING: readonly string[] = ['requested', 'processing'];

export function summarize(p: Payment, now: number = Date.now()): PaymentSummary {
  const refundableFen = p.status === 'paid' ? p.amountFen - p.refundedFen : 0;
  const refundPending = p.refunds.some((r) => REFUND_PENDING.includes(r.status));
  const expired = p.status === 'created' && p.expiresAt <= now;
  return {
    id: p.id,
    providerName: p.providerName ?? '云服务商',
    enterpriseName: p.enterpriseName ?? '',
    description: p.description,
    contractNo: p.contractNo ?? '',
    amountText: formatFen(p.amountFen),
    status: p.status,
    // An unpaid request past its time cannot be paid any more, although the sweeper has not closed it yet.
    statusLabel: expired ? '已过期' : p.statusLabel,
    createdText: formatTime(p.createdAt),
    paidText: p.paidAt !== null ? formatTime(p.paidAt) : '',
    transactionId: p.transactionId ?? '',
    verifiedText: p.status === 'paid' ? `平台已核验实付 ${formatFen(p.verifiedPaidFen)}` : '',
    refundedText: p.refundedFen > 0 ? `已退款 ${formatFen(p.refundedFen)}` : '',
    refunds: p.refunds.map((r) => ({
      id: r.id,
      text: `${formatFen(r.amountFen)}${r.succeededOn ? `（${r.succeededOn} 退回）` : `（${formatTime(r.createdAt)} 申请）`}`,
      statusLabel: r.origin === 'merchant' ? `${r.statusLabel}（商户平台办理）` : r.statusLabel,
      reason: r.reason ?? '',
      pending: REFUND_PENDING.includes(r.status),
    })),
    problem: p.problem ?? '',
    applicationId: p.applicationId ?? '',
    canPay: p.status === 'created' && !expired,
    canCancel: p.status === 'created',
    canRefund: refundableFen > 0 && !refundPending,
    refundableFen,
  };
}

// ---- why paying did not go through -------------------------------------------------------------------------

/** The server's refusal (an ApiError's status, code and message) in plain words: what happened, what to do. */
export function payErrorText(e: { status: number; code: string; message: string }): string {
  switch (e.code) {
    case 'already_paid':
      return '这笔款项已经支付过了，不必再付。';
    case 'payment_closed':
      return '这笔付款已关闭（服务商已撤回，或订单已失效），不能再支付。如仍需付款，请联系服务商重新发起付款请求。';
    case 'payment_expired':
      return '这笔付款已过了支付期限，不能再支付。请联系服务商重新发起付款请求。';
    case 'other_payer':
      return '本企业的另一位同事已经对这笔付款发起了微信支付，请由他在自己的微信里完成；他没有完成的，等订单过期后您可以再付。';
    case 'ordering':
      return '平台正在向微信支付下单，请等几秒钟再点“微信支付”。不会重复下单，也不会重复扣款。';
    case 'upstream_unavailable':
      return '微信支付暂时没有回应。这笔付款不会重复下单，请稍后再点“微信支付”重试。';
    case 'wechat_pay_not_offered':
      return '该服务商暂未开通平台微信支付，请按合同约定的方式付款，并在申请的付款记录中登记。';
    default:
      // No answer at all: the order, if one was made, is the same one next time.
      if (e.status === 0) return '网络连接失败，请检查网络后再点“微信支付”。不会重复下单，也不会重复扣款。';
      return e.message;
  }
}

/** wx.requestPayment's failure: WeChat's errMsg is for developers, not for the clerk. */
export function wechatPayFailText(errMsg: string): string {
  if (/cancel/i.test(errMsg)) return '您已取消支付，款项没有付出。需要时可再点“微信支付”。';
  return '微信支付没有完成，可以再点“微信支付”重试（同一笔订单不会重复扣款）。若微信已提示支付成功，请稍后下拉刷新查看，不要重复支付。';
}

// ---- the provider's request form ---------------------------------------------------------------------------

export interface RequestForm {
  creditCode: string;
  amount: string;
  description: string;
  applicationId: string;
  contractNo: string;
}

export type RequestField = keyof RequestForm;

export type Checked<T, F extends string> = { ok: true; body: T } | { ok: false; errors: Partial<Record<F, string>> };

/** The request as the server wants it (amount in fen), or each field's problem in the server's words. */
export function paymentRequestBody(form: RequestForm): Checked<PaymentRequestInput, RequestField> {
  const errors: Partial<Record<RequestField, string>> = {};
  const code = form.creditCode.trim().toUpperCase();
  if (!code) errors.creditCode = '请填写付款企业的统一社会信用代码';
  else {
    const problem = creditCode(code);
    if (problem) errors.creditCode = problem;
  }
  const amount = parseYuan(form.amount, '金额');
  if (!amount.ok) errors.amount = amount.message;
  else if (amount.fen <= 0) errors.amount = '金额须大于 0';
  const description = form.description.trim();
  const length = charCount(description);
  if (length < 2) errors.description = '请写明付款事项，如“XX 云服务首期款”';
  else if (length > 60) errors.description = `付款事项不超过 60 字，目前 ${length} 字`;
  const contractNo = form.contractNo.trim();
  if (contractNo.length > 64) errors.contractNo = '合同编号不超过 64 个字符';
  if (Object.keys(errors).length || !amount.ok) return { ok: false, errors };
  return {
    ok: true,
    body: {
      creditCode: code,
      amountFen: amount.fen,
      description,
      ...(form.applicationId ? { applicationId: form.applicationId } : {}),
      ...(contractNo ? { contractNo } : {}),
    },
  };
}

/** The server names body fields; the form's amount box is in 元. */
export function requestFieldOf(path: string): RequestField | null {
  const head = path.split('.')[0] ?? '';
  if (head === 'amountFen') return 'amount';
  return head === 'creditCode' || head === 'description' || head === 'applicationId' || head === 'contractNo' ? head : null;
}

/** A refund: at most what is left, with a reason the enterprise reads. */
export function refundBody(
  amountText: string,
  reason: string,
  refundableFen: number,
): { ok: true; amountFen: number; reason: string } | { ok: false; message: string } {
  const amount = parseYuan(amountText, '退款金额');
  if (!amount.ok) return { ok: false, message: amount.message };
  if (amount.fen <= 0) return { ok: false, message: '退款金额须大于 0' };
  if (amount.fen > refundableFen) return { ok: false, message: `退款金额不能超过可退金额 ${formatFen(refundableFen)}` };
  const r = reason.trim();
  const length = charCount(r);
  if (length < 2) return { ok: false, message: '请写明退款原因（至少 2 个字），企业会看到' };
  if (length > 80) return { ok: false, message: `退款原因不超过 80 字，目前 ${length} 字` };
  return { ok: true, amountFen: amount.fen, reason: r };
}

// ---- reconciliation ------------------------------------------------------------------------------------------

export const DISCREPANCY_LABELS: Readonly<Record<DiscrepancyKind, string>> = {
  missing_here: '账单有、平台无',
  missing_there: '平台有、账单无',
  amount_mismatch: '金额或单号不一致',
  refund_mismatch: '退款不一致',
  unsettled: '平台未入账',
};

/** The first message per field, from a 400's details (dotted paths) through the page's own mapping. */
export function fieldErrors<F extends string>(
  details: readonly { path: string; message: string }[],
  fieldOf: (path: string) => F | null,
): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const d of details) {
    const field = fieldOf(d.path);
    if (field && out[field] === undefined) out[field] = d.message;
  }
  return out;
}
