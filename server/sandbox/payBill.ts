/**
 * The trade bill file WeChat Pay hands out through `/v3/bill/tradebill` (`bill_type` ALL, SUCCESS or
 * REFUND), and the Asia/Shanghai times WeChat Pay writes everywhere: bills, `success_time`,
 * `create_time`.
 */
import type { PayOrder, PayRefund, PayState } from './state';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD` and `HH:mm:ss` in Beijing time. */
function shanghaiParts(epochMs: number): { date: string; time: string } {
  const iso = new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

export function shanghaiDate(epochMs: number): string {
  return shanghaiParts(epochMs).date;
}

/** 00:00 Beijing time of the day after `billDate`: when the sandbox makes a day's bill unless told otherwise. */
export function endOfShanghaiDay(billDate: string): number {
  return Date.parse(`${billDate}T00:00:00+08:00`) + 24 * 3_600_000;
}

/** Fen as yuan with two decimals, in integer arithmetic: 10000 → `100.00`. */
export function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

export const TRADE_BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
export const TRADE_BILL_SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** WeChat's published rate for most categories; the sandbox charges no fee so that sums stay exact. */
const FEE_RATE = '0.60%';

export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';

interface BillRow {
  at: number;
  fields: string[];
  settled: number;
  refunded: number;
}

function paymentRow(order: PayOrder, at: number): BillRow {
  return {
    at,
    settled: order.total,
    refunded: 0,
    fields: [
      `${shanghaiDate(at)} ${shanghaiParts(at).time}`,
      order.appid,
      order.mchid,
      '0',
      '',
      order.transactionId ?? '',
      order.outTradeNo,
      order.openid,
      'JSAPI',
      'SUCCESS',
      'OTHERS',
      'CNY',
      yuan(order.total),
      '0.00',
      '0',
      '0',
      '0.00',
      '0.00',
      '',
      '',
      order.description,
      order.attach ?? '',
      '0.00',
      FEE_RATE,
      yuan(order.total),
      '0.00',
      '',
    ],
  };
}

function refundRow(order: PayOrder, refund: PayRefund, at: number, status: 'SUCCESS' | 'PROCESSING'): BillRow {
  return {
    at,
    settled: 0,
    refunded: refund.refund,
    fields: [
      `${shanghaiDate(at)} ${shanghaiParts(at).time}`,
      order.appid,
      order.mchid,
      '0',
      '',
      refund.transactionId,
      refund.outTradeNo,
      order.openid,
      'JSAPI',
      'REFUND',
      'OTHERS',
      'CNY',
      '0.00',
      '0.00',
      refund.refundId,
      refund.outRefundNo,
      yuan(refund.refund),
      '0.00',
      'ORIGINAL',
      status,
      order.description,
      order.attach ?? '',
      '0.00',
      FEE_RATE,
      '0.00',
      yuan(refund.refund),
      '',
    ],
  };
}

/** Every field is written with a leading backtick, as WeChat does, so that spreadsheets keep long numbers as text. */
function line(fields: readonly string[]): string {
  return fields.map((f) => `\`${f}`).join(',');
}

/**
 * The bill of one merchant for one Beijing day, as made at `madeAt`: payments that succeeded that day and
 * refunds ACCEPTED that day, then the totals. 交易账单详细说明
 * (https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html): 交易时间 is "支付成功时间或
 * 发起退款成功时间（注：不是退款成功时间）"; a refund "退款发起成功就会出账，出账后退款状态不会更新" — so a
 * refund row carries its acceptance time and the status it had when the bill was made: SUCCESS if it had
 * succeeded by then, else PROCESSING (the bill FAQ: PROCESSING 已经从账面扣款,
 * https://pay.weixin.qq.com/wiki/doc/api/wxpay/ch/faq/Reconciliation.shtml). A refund accepted late on D
 * that succeeds on D+1 is on D's bill only. null when the day has no rows: WeChat then has no bill file
 * (NO_STATEMENT_EXIST).
 */
export function tradeBillCsv(pay: PayState, mchid: string, billDate: string, billType: TradeBillType, madeAt: number): string | null {
  const rows: BillRow[] = [];
  for (const order of pay.orders.values()) {
    if (order.mchid !== mchid || order.successTime === null || billType === 'REFUND') continue;
    if (shanghaiDate(order.successTime) === billDate) rows.push(paymentRow(order, order.successTime));
  }
  if (billType !== 'SUCCESS') {
    for (const refund of pay.refunds.values()) {
      if (refund.mchid !== mchid || shanghaiDate(refund.createdAt) !== billDate) continue;
      const order = pay.orders.get(`${refund.mchid}\u0000${refund.outTradeNo}`);
      const status = refund.successTime !== null && refund.successTime <= madeAt ? 'SUCCESS' : 'PROCESSING';
      if (order) rows.push(refundRow(order, refund, refund.createdAt, status));
    }
  }
  if (rows.length === 0) return null;
  rows.sort((a, b) => a.at - b.at);
  const settled = rows.reduce((sum, r) => sum + r.settled, 0);
  const refunded = rows.reduce((sum, r) => sum + r.refunded, 0);
  const lines = [
    TRADE_BILL_HEADER,
    ...rows.map((r) => line(r.fields)),
    TRADE_BILL_SUMMARY_HEADER,
    line([String(rows.length), yuan(settled), yuan(refunded), '0.00', '0.00', yuan(settled), yuan(refunded)]),
  ];
  return `${lines.join('\n')}\n`;
}
