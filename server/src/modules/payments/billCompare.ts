import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { paidOnDay, paymentRequestByTradeNo, paymentRequestsByTradeNos, type PaymentRequest } from '../../db/payments/orders';
import { refundByNo, refundsOfDay } from '../../db/payments/refunds';
import type { PaymentDiscrepancy, TradeBillCheck } from '../../db/payments/tradeBills';
import { clientOf, type PaymentDeps } from './deps';
import { recordRefundAnswer } from './refunds';
import { settleRefund } from './settle';
import type { BillRow } from './tradeBill';
import { queryAndSettle } from './wechatOrders';
import { formatYuan } from '../../../../shared/src/glossary/money';

/**
 * One merchant's trade bill of one day against our records, both ways (issue 7, 5; issue 15, 1): payments
 * by the day they succeeded, refunds by the day WeChat Pay ACCEPTED them, as its bill lists them. What it
 * cannot settle yet (a refund still unfinished) is counted, and the day is checked again.
 */

export const DAY_MS = 24 * 3_600_000;

export type CheckOutcome = TradeBillCheck['outcome'];

/** 00:00 Beijing time of a day, epoch ms. */
export function startOfShanghaiDay(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

export type Disagreement = Pick<PaymentDiscrepancy, 'outTradeNo' | 'kind' | 'message' | 'ours' | 'theirs'>;
/** What a comparison found, and how many refunds it could not yet settle (the day is then checked again). */
export interface Compared {
  disagreements: Disagreement[];
  unfinished: number;
}

export function outcomeOf(found: Compared): CheckOutcome {
  if (found.unfinished > 0) return 'pending';
  return found.disagreements.length ? 'disagreed' : 'agreed';
}

export async function compareBill(deps: PaymentDeps, accountId: string, billDate: string, bill: BillRow[]): Promise<Compared> {
  const out: Disagreement[] = [];
  let unfinished = 0;
  // Our side of every order the bill names, in one read; only what the bill says we lack is asked about again.
  const numbers = [...new Set(bill.map((b) => b.outTradeNo))];
  const known = new Map((await deps.db.read((tx) => paymentRequestsByTradeNos(tx, accountId, numbers))).map((r) => [r.outTradeNo, r]));
  const find = (outTradeNo: string) => known.get(outTradeNo) ?? null;
  const reread = (outTradeNo: string) => deps.db.read((tx) => paymentRequestByTradeNo(tx, accountId, outTradeNo));
  const paidInBill = new Map<string, BillRow>();
  for (const b of bill.filter((r) => r.tradeState === 'SUCCESS')) {
    paidInBill.set(b.outTradeNo, b);
    let ours = find(b.outTradeNo);
    if (!ours) {
      out.push({
        outTradeNo: b.outTradeNo,
        kind: 'missing_here',
        message: `微信支付账单有一笔 ${formatYuan(b.settlementFen)}的付款，平台没有对应的付款请求`,
        ours: null,
        theirs: { ...b },
      });
      continue;
    }
    if (ours.status !== 'paid') {
      // A callback we never got: the query settles it, once.
      await queryAndSettle(deps, await clientOf(deps, ours), ours, 'tradebill');
      ours = (await reread(b.outTradeNo))!;
    }
    if (ours.status !== 'paid')
      out.push({
        outTradeNo: b.outTradeNo,
        kind: 'unsettled',
        message: `账单显示已支付，平台记录为“${ours.status}”`,
        ours: { status: ours.status },
        theirs: { ...b },
      });
    else if (ours.amountFen !== b.settlementFen || ours.transactionId !== b.transactionId)
      out.push({
        outTradeNo: b.outTradeNo,
        kind: 'amount_mismatch',
        message: `金额或微信支付单号不一致：平台 ${formatYuan(ours.amountFen)} ${ours.transactionId}，账单 ${formatYuan(b.settlementFen)} ${b.transactionId}`,
        ours: { amountFen: ours.amountFen, transactionId: ours.transactionId },
        theirs: { ...b },
      });
  }
  const oursPaid = await deps.db.read((tx) => paidOnDay(tx, accountId, billDate));
  for (const p of oursPaid) {
    if (!paidInBill.has(p.outTradeNo))
      out.push({
        outTradeNo: p.outTradeNo,
        kind: 'missing_there',
        message: `平台记录 ${p.paidOn} 收到 ${formatYuan(p.amountFen)}（${p.transactionId}），微信支付账单中没有`,
        ours: { amountFen: p.amountFen, transactionId: p.transactionId },
        theirs: null,
      });
  }
  // 交易账单详细说明 (https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html): a refund
  // is on the bill of the day it was ACCEPTED, with the status it had when the bill was made, never updated.
  const refundsInBill = bill.filter((r) => r.tradeState === 'REFUND');
  for (const b of refundsInBill) {
    // settleRefund reads the request's amounts afresh; the row only names it.
    const row = find(b.outTradeNo);
    if (!row) continue; // the order's own absence is reported above or on its day
    let ours = await deps.db.read((tx) => refundByNo(tx, b.outRefundNo));
    if (b.refundStatus === 'SUCCESS') {
      if (!ours || ours.status !== 'succeeded')
        await deps.db.transaction((tx) =>
          settleRefund(
            deps,
            tx,
            row,
            { out_refund_no: b.outRefundNo, refund_id: b.refundId, amount: { refund: b.refundFen } },
            'tradebill',
            deps.now(),
          ),
        );
    } else if (!ours || ours.status !== 'succeeded') {
      // Accepted but unfinished when the bill was made (a refund to a bank card takes days): what it is now
      // comes from WeChat Pay; until it ends, the day is carried forward and checked again.
      await refreshRefund(deps, row, b.outRefundNo, ours);
    }
    ours = await deps.db.read((tx) => refundByNo(tx, b.outRefundNo));
    if (!ours || ours.status === 'requested' || ours.status === 'processing') {
      unfinished += 1;
      continue;
    }
    if (ours.status === 'failed')
      out.push({
        outTradeNo: b.outTradeNo,
        kind: 'refund_mismatch',
        message: `退款 ${b.outRefundNo} 账单显示微信支付已受理（${formatYuan(b.refundFen)}），平台记录为退款失败，请服务商在商户平台核对`,
        ours: { outRefundNo: ours.outRefundNo, status: ours.status },
        theirs: { ...b },
      });
    else if (ours.amountFen !== b.refundFen)
      out.push({
        outTradeNo: b.outTradeNo,
        kind: 'refund_mismatch',
        message: `退款 ${b.outRefundNo} 金额不一致：平台 ${formatYuan(ours.amountFen)}，账单 ${formatYuan(b.refundFen)}`,
        ours: { amountFen: ours.amountFen },
        theirs: { ...b },
      });
  }
  // Ours the bill should list: succeeded this day, or asked for this day. One the bill lacks may have
  // been accepted on another day (asked at 23:59, accepted after midnight; accepted on D, succeeded on
  // D+1) and belongs to that day's bill: WeChat Pay's acceptance time (create_time) says which.
  const from = startOfShanghaiDay(billDate);
  const oursOfDay = await deps.db.read((tx) => refundsOfDay(tx, accountId, billDate, from, from + DAY_MS));
  for (const r of oursOfDay) {
    if (refundsInBill.some((b) => b.outRefundNo === r.outRefundNo)) continue;
    const acceptedOn = await acceptanceDay(deps, accountId, r.outRefundNo, billDate);
    if (acceptedOn === null) {
      unfinished += 1;
      continue;
    }
    if (acceptedOn !== billDate) continue;
    out.push({
      outTradeNo: r.outTradeNo,
      kind: 'refund_mismatch',
      message: `平台记录的退款 ${r.outRefundNo}（${formatYuan(r.amountFen)}）不在微信支付账单中`,
      ours: { outRefundNo: r.outRefundNo, amountFen: r.amountFen },
      theirs: null,
    });
  }
  return { disagreements: out, unfinished };
}

/** Asks WeChat Pay about a refund the bill showed unfinished, and records what it says. */
async function refreshRefund(
  deps: PaymentDeps,
  row: PaymentRequest,
  outRefundNo: string,
  ours: Awaited<ReturnType<typeof refundByNo>>,
): Promise<void> {
  const client = await clientOf(deps, row);
  const res = await client.pay.find_refunds(outRefundNo);
  if (ours) {
    await recordRefundAnswer(deps, row, ours, res.status, res.data, 'tradebill').catch((err: unknown) => {
      deps.logger?.warn({ err, outRefundNo }, 'trade bill: a refund could not be brought up to date');
    });
    return;
  }
  // Made in the merchant console and not yet heard of: learnt here once it has succeeded.
  const data = res.data as { status?: string } | undefined;
  if (res.status === 200 && data?.status === 'SUCCESS')
    await deps.db.transaction((tx) =>
      settleRefund(deps, tx, row, { ...(res.data as object), out_refund_no: outRefundNo }, 'tradebill', deps.now()),
    );
}

/**
 * The Beijing day WeChat Pay accepted a refund (its create_time); `billDate` itself when WeChat Pay has
 * no such refund (then the bill rightly lacks it, and ours is wrong on this day); null without a clear answer.
 */
async function acceptanceDay(deps: PaymentDeps, accountId: string, outRefundNo: string, billDate: string): Promise<string | null> {
  const client = await clientOf(deps, { merchantAccountId: accountId });
  const res = await client.pay.find_refunds(outRefundNo);
  if (res.status === 404) return billDate;
  const created = Date.parse((res.data as { create_time?: string } | undefined)?.create_time ?? '');
  if (res.status !== 200 || !Number.isFinite(created)) return null;
  return todayInShanghai(new Date(created));
}
