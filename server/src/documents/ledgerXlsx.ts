/**
 * 拨付台账 as .xlsx: the disbursement ledger (三（五）市财政局拨付资金). The ledger only grows (DESIGN.md): a wrong
 * record is corrected, and a returned payment (退汇) reversed, by new entries with a reason, so the sheet lists
 * every entry in its order and the second sheet nets them per application. Account numbers are masked but
 * for their last four digits; the exact fen of every amount stays in a hidden column.
 */

import { formatYuan, maskAccountNo, sumFen } from './common';
import {
  FEN_NUMFMT,
  SIGNED_YUAN_NUMFMT,
  dataRow,
  fitColumns,
  fitRowHeights,
  formatShanghaiTime,
  freezeAbove,
  headerRow,
  mergedText,
  newWorkbook,
  printSetup,
  setColumns,
  titleRow,
  workbookBuffer,
  yuan,
  type CellValue,
  type ColumnSpec,
} from './xlsx';
import { ledgerDefaultTitle } from './packWords';

export type LedgerEntryKind = 'payment' | 'correction' | 'reversal';

export const LEDGER_KIND_LABELS: Readonly<Record<LedgerEntryKind, string>> = {
  payment: '拨付',
  correction: '更正',
  reversal: '退汇冲回',
};

export interface LedgerEntry {
  /** The entry's place in the ledger. */
  seq: number;
  /** ISO timestamp of the record. */
  recordedAt: string;
  trackingNo: string;
  enterpriseName: string;
  /** 收款账户名: the enterprise's own account. */
  accountName: string;
  bankName: string;
  accountNo: string;
  kind: LedgerEntryKind;
  /** Signed: a payment is positive, a reversal negative, a correction either. */
  amountFen: number;
  /** 国库支付凭证号. */
  voucherNo: string;
  /** 'YYYY-MM-DD'. */
  paidOn: string;
  reason?: string | null;
  recordedBy: string;
}

export interface LedgerInput {
  title?: string;
  /** ISO timestamp. */
  generatedAt: string;
  entries: readonly LedgerEntry[];
}

export const LEDGER_SHEET = '拨付台账';
export const LEDGER_TOTALS_SHEET = '按申请汇总';

// Widths in units of a digit (a 汉字 is about two): names, banks and reasons wrap past their maxWidth;
// numbers, codes and dates never wrap, so their columns grow to their longest value.
const ENTRY_COLUMNS: readonly ColumnSpec[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '登记时间', width: 12, align: 'center' }, // the date over the time
  { header: '申报编号', width: 10, maxWidth: 18, align: 'center' },
  { header: '企业名称', width: 14, maxWidth: 18 },
  { header: '收款账户名', width: 14, maxWidth: 18 },
  { header: '开户行', width: 14, maxWidth: 16 },
  { header: '账号', width: 10, maxWidth: 25, align: 'center' },
  { header: '类型', width: 8, maxWidth: 11, align: 'center' },
  { header: '金额（元）', width: 12, maxWidth: 19, align: 'right', numFmt: SIGNED_YUAN_NUMFMT },
  { header: '国库支付凭证号', width: 10, maxWidth: 22, align: 'center' },
  { header: '拨付日期', width: 10, maxWidth: 14, align: 'center' },
  { header: '原因', width: 12, maxWidth: 18 },
  { header: '登记人', width: 8, maxWidth: 12, align: 'center' },
  { header: '金额（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
];
const ENTRY_VISIBLE = ENTRY_COLUMNS.length - 1;
const ENTRY_AMOUNT = 9;

const TOTAL_COLUMNS: readonly ColumnSpec[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '申报编号', width: 10, maxWidth: 18, align: 'center' },
  { header: '企业名称', width: 16, maxWidth: 26 },
  { header: '拨付（元）', width: 12, maxWidth: 19, align: 'right', numFmt: SIGNED_YUAN_NUMFMT },
  { header: '更正（元）', width: 12, maxWidth: 19, align: 'right', numFmt: SIGNED_YUAN_NUMFMT },
  { header: '退汇冲回（元）', width: 12, maxWidth: 19, align: 'right', numFmt: SIGNED_YUAN_NUMFMT },
  { header: '净拨付（元）', width: 12, maxWidth: 19, align: 'right', numFmt: SIGNED_YUAN_NUMFMT },
  { header: '笔数', width: 6, maxWidth: 8, align: 'center' },
  { header: '最后拨付日期', width: 10, maxWidth: 14, align: 'center' },
  { header: '净拨付（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
];
const TOTAL_VISIBLE = TOTAL_COLUMNS.length - 1;

const TITLE_ROW = 1;
const META_ROW = 2;
const HEADER_ROW = 3;
const FIRST_BODY_ROW = 4;

/** A payment adds, a reversal takes back: an entry of the wrong sign would misstate the ledger. */
function checkSign(entry: LedgerEntry): void {
  if (entry.kind === 'payment' && entry.amountFen <= 0) {
    throw new RangeError(`ledger entry ${entry.seq}: a payment must be positive (${entry.amountFen} fen)`);
  }
  if (entry.kind === 'reversal' && entry.amountFen >= 0) {
    throw new RangeError(`ledger entry ${entry.seq}: a reversal must be negative (${entry.amountFen} fen)`);
  }
}

export interface LedgerApplicationTotal {
  trackingNo: string;
  enterpriseName: string;
  paymentFen: number;
  correctionFen: number;
  reversalFen: number;
  netFen: number;
  entryCount: number;
  /** The latest 拨付日期 among its entries. */
  lastPaidOn: string;
}

/** Net totals per application, in the order of each application's first entry. */
export function ledgerTotalsByApplication(entries: readonly LedgerEntry[]): LedgerApplicationTotal[] {
  const byApplication = new Map<string, LedgerEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const list = byApplication.get(entry.trackingNo) ?? [];
    list.push(entry);
    byApplication.set(entry.trackingNo, list);
  }
  return [...byApplication.entries()].map(([trackingNo, list]) => {
    const of = (kind: LedgerEntryKind): number => sumFen(list.filter((e) => e.kind === kind).map((e) => e.amountFen));
    const last = list[list.length - 1];
    return {
      trackingNo,
      enterpriseName: last?.enterpriseName ?? '',
      paymentFen: of('payment'),
      correctionFen: of('correction'),
      reversalFen: of('reversal'),
      netFen: sumFen(list.map((e) => e.amountFen)),
      entryCount: list.length,
      lastPaidOn: list.map((e) => e.paidOn).reduce((a, b) => (b > a ? b : a), ''),
    };
  });
}

/** The ledger as the bytes of an .xlsx: the entries, then the net per application. */
export async function renderLedgerXlsx(input: LedgerInput): Promise<Buffer> {
  input.entries.forEach(checkSign);
  const entries = [...input.entries].sort((a, b) => a.seq - b.seq);
  const title = input.title ?? ledgerDefaultTitle();
  const generated = `生成时间：${formatShanghaiTime(input.generatedAt)}`;
  const workbook = newWorkbook(title);

  // ---- the entries, in ledger order
  const sheet = workbook.addWorksheet(LEDGER_SHEET);
  setColumns(sheet, ENTRY_COLUMNS);
  titleRow(sheet, TITLE_ROW, ENTRY_VISIBLE, title);
  mergedText(sheet, META_ROW, 1, ENTRY_VISIBLE, `${generated}　共${entries.length}笔`, { align: 'right' });
  headerRow(sheet, HEADER_ROW, ENTRY_COLUMNS);
  const entryValues: CellValue[][] = entries.map((e) => [
    e.seq,
    formatShanghaiTime(e.recordedAt),
    e.trackingNo,
    e.enterpriseName,
    e.accountName,
    e.bankName,
    maskAccountNo(e.accountNo),
    LEDGER_KIND_LABELS[e.kind],
    yuan(e.amountFen),
    e.voucherNo,
    e.paidOn,
    e.reason ?? null,
    e.recordedBy,
    e.amountFen,
  ]);
  fitColumns(sheet, ENTRY_COLUMNS, entryValues);
  let r = FIRST_BODY_ROW;
  for (const values of entryValues) {
    dataRow(sheet, r, ENTRY_COLUMNS, values);
    r += 1;
  }
  const ofKind = (kind: LedgerEntryKind): number => sumFen(entries.filter((e) => e.kind === kind).map((e) => e.amountFen));
  const net = sumFen(entries.map((e) => e.amountFen));
  const summary: [string, number][] = [
    ['拨付合计', ofKind('payment')],
    ['更正合计', ofKind('correction')],
    ['退汇冲回合计', ofKind('reversal')],
    ['净拨付总计', net],
  ];
  for (const [label, fen] of summary) {
    const values: CellValue[] = ENTRY_COLUMNS.map(() => null);
    values[ENTRY_AMOUNT - 1] = yuan(fen);
    values[ENTRY_COLUMNS.length - 1] = fen;
    dataRow(sheet, r, ENTRY_COLUMNS, values, { bold: true });
    sheet.mergeCells(r, 1, r, ENTRY_AMOUNT - 1);
    const labelCell = sheet.getCell(r, 1);
    labelCell.value = label;
    labelCell.alignment = { horizontal: 'right', vertical: 'middle' };
    r += 1;
  }
  fitRowHeights(sheet, TITLE_ROW, r - 1);
  freezeAbove(sheet, FIRST_BODY_ROW);
  printSetup(sheet, { printColumns: ENTRY_VISIBLE, lastRow: r - 1, repeatRows: [HEADER_ROW, HEADER_ROW] });

  // ---- the net per application
  const totals = ledgerTotalsByApplication(entries);
  const perApp = workbook.addWorksheet(LEDGER_TOTALS_SHEET);
  setColumns(perApp, TOTAL_COLUMNS);
  titleRow(perApp, TITLE_ROW, TOTAL_VISIBLE, `${title}（按申请汇总）`);
  mergedText(perApp, META_ROW, 1, TOTAL_VISIBLE, `${generated}　共${totals.length}个申请`, { align: 'right' });
  headerRow(perApp, HEADER_ROW, TOTAL_COLUMNS);
  const totalValues: CellValue[][] = totals.map((t, i) => [
    i + 1,
    t.trackingNo,
    t.enterpriseName,
    yuan(t.paymentFen),
    yuan(t.correctionFen),
    yuan(t.reversalFen),
    yuan(t.netFen),
    t.entryCount,
    t.lastPaidOn,
    t.netFen,
  ]);
  const grandTotal: CellValue[] = [
    '',
    '',
    '',
    yuan(ofKind('payment')),
    yuan(ofKind('correction')),
    yuan(ofKind('reversal')),
    yuan(net),
    entries.length,
    '',
    net,
  ];
  fitColumns(perApp, TOTAL_COLUMNS, [...totalValues, grandTotal]);
  r = FIRST_BODY_ROW;
  for (const values of totalValues) {
    dataRow(perApp, r, TOTAL_COLUMNS, values);
    r += 1;
  }
  dataRow(perApp, r, TOTAL_COLUMNS, grandTotal, { bold: true });
  perApp.mergeCells(r, 1, r, 3);
  perApp.getCell(r, 1).value = `总计（净拨付 ${formatYuan(net)}）`;
  perApp.getCell(r, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  fitRowHeights(perApp, TITLE_ROW, r);
  freezeAbove(perApp, FIRST_BODY_ROW);
  printSetup(perApp, { printColumns: TOTAL_VISIBLE, lastRow: r, repeatRows: [HEADER_ROW, HEADER_ROW] });

  return workbookBuffer(workbook);
}
