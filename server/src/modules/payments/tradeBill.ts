/**
 * WeChat Pay's trade bill (交易账单, bill_type ALL) as rows: a CSV whose fields each begin with a
 * backtick, followed by a summary block that starts at `总交易单数`. Amounts are yuan with two decimals.
 */
export interface BillRow {
  tradeTime: string;
  transactionId: string;
  outTradeNo: string;
  tradeState: string;
  /** 应结订单金额 (SUCCESS rows) in fen. */
  settlementFen: number;
  refundId: string;
  outRefundNo: string;
  refundFen: number;
  refundStatus: string;
}

export function yuanToFen(text: string): number | null {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}

const COLUMNS = {
  tradeTime: '交易时间',
  transactionId: '微信订单号',
  outTradeNo: '商户订单号',
  tradeState: '交易状态',
  settlement: '应结订单金额',
  refundId: '微信退款单号',
  outRefundNo: '商户退款单号',
  refund: '退款金额',
  refundStatus: '退款状态',
} as const;

export type ParsedBill = { ok: true; rows: BillRow[] } | { ok: false; error: string };

export function parseTradeBill(text: string): ParsedBill {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header) return { ok: false, error: 'empty bill' };
  const at = Object.fromEntries(Object.entries(COLUMNS).map(([k, name]) => [k, header.indexOf(name)])) as Record<
    keyof typeof COLUMNS,
    number
  >;
  const absent = Object.entries(at)
    .filter(([, i]) => i < 0)
    .map(([k]) => COLUMNS[k as keyof typeof COLUMNS]);
  if (absent.length) return { ok: false, error: `bill header lacks ${absent.join(', ')}` };
  const rows: BillRow[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('总交易单数')) break;
    const f = line.split(',').map((v) => v.trim().replace(/^`/, ''));
    const settlement = yuanToFen(f[at.settlement] ?? '');
    const refund = yuanToFen(f[at.refund] || '0');
    if (settlement === null || refund === null) return { ok: false, error: `bad amount in line ${rows.length + 2}` };
    rows.push({
      tradeTime: f[at.tradeTime] ?? '',
      transactionId: f[at.transactionId] ?? '',
      outTradeNo: f[at.outTradeNo] ?? '',
      tradeState: f[at.tradeState] ?? '',
      settlementFen: settlement,
      refundId: f[at.refundId] ?? '',
      outRefundNo: f[at.outRefundNo] ?? '',
      refundFen: refund,
      refundStatus: f[at.refundStatus] ?? '',
    });
  }
  return { ok: true, rows };
}
