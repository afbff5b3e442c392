/**
 * 拟补贴名单 as .xlsx (三（五）: 市工信局会同市财政局根据审核结果提出拟补贴名单。市财政局会同市工信局履行相关
 * 审批程序后，市财政局拨付资金): drafted by city MIIT, co-signed and approved by city finance, with an optional
 * public notice (公示) between (DESIGN.md "An application's life"). Money shows in 元 with two decimals; the
 * exact fen of every amount stays in hidden columns beside it, outside the print area.
 */

import { formatDateZh, formatYuan, sumFen } from './common';
import {
  RED,
  SIGNED_YUAN_NUMFMT,
  YUAN_NUMFMT,
  FEN_NUMFMT,
  dataRow,
  font,
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

/** The list's states (subsidy_lists.status). */
export type ProposedListStatus = 'draft' | 'cosigned' | 'notice' | 'approved' | 'cancelled';

export const PROPOSED_LIST_STATUS_LABELS: Readonly<Record<ProposedListStatus, string>> = {
  draft: '草稿',
  cosigned: '已会签',
  notice: '公示中',
  approved: '已审批',
  cancelled: '已撤销',
};

export interface ProposedListRow {
  /** 县（市）区. */
  countyName: string;
  trackingNo: string;
  enterpriseName: string;
  creditCode: string;
  providerName: string;
  contractAmountFen: number;
  paidAmountFen: number;
  /** 按政策计算补助: the payable amount by the rules. */
  payableFen: number;
  /** 核定金额, never above payableFen. */
  verifiedFen: number;
  /** 核减原因, when verifiedFen is below payableFen. */
  reductionReason?: string | null;
  note?: string | null;
}

export interface ProposedListInput {
  year: number;
  batchNo: number;
  title?: string;
  status: ProposedListStatus;
  /** 'YYYY-MM-DD'. */
  noticeStart?: string | null;
  noticeEnd?: string | null;
  rows: readonly ProposedListRow[];
  /** The year's budget and what earlier lists of the year already committed. */
  budget?: { budgetFen: number; committedBeforeFen: number };
}

export const PROPOSED_LIST_SHEET = '拟补贴名单';

export function proposedListTitle(year: number, batchNo: number): string {
  return `${year}年伊春市工业企业上云补助拟补贴名单（第${batchNo}批）`;
}

const VISIBLE_COLUMNS: readonly ColumnSpec[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '县（市）区', width: 10, align: 'center' },
  { header: '申报编号', width: 16, align: 'center' },
  { header: '企业名称', width: 28 },
  { header: '统一社会信用代码', width: 22, align: 'center' },
  { header: '云服务商', width: 24 },
  { header: '合同金额（元）', width: 15, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '实际支付（元）', width: 15, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '按政策计算补助（元）', width: 15, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '核定金额（元）', width: 15, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '核减原因', width: 22 },
  { header: '备注', width: 16 },
];
// The exact amounts, in the order of the 元 columns G..J.
const FEN_COLUMNS: readonly ColumnSpec[] = [
  { header: '合同金额（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
  { header: '实际支付（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
  { header: '按政策计算补助（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
  { header: '核定金额（分）', width: 14, align: 'right', numFmt: FEN_NUMFMT, hidden: true },
];
const COLUMNS = [...VISIBLE_COLUMNS, ...FEN_COLUMNS];
const LAST_VISIBLE = VISIBLE_COLUMNS.length; // L
const VERIFIED_YUAN = 10; // J
const VERIFIED_FEN = LAST_VISIBLE + 4; // P

const TITLE_ROW = 1;
const META_ROW = 2;
const HEADER_ROW = 3;
const FIRST_BODY_ROW = 4;

function noticePeriod(input: ProposedListInput): string {
  if (!input.noticeStart && !input.noticeEnd) return '';
  return `公示期：${formatDateZh(input.noticeStart)}至${formatDateZh(input.noticeEnd)}`;
}

/** The 拟补贴名单 as the bytes of an .xlsx. */
export async function renderProposedListXlsx(input: ProposedListInput): Promise<Buffer> {
  const title = input.title ?? proposedListTitle(input.year, input.batchNo);
  const workbook = newWorkbook(title);
  const sheet = workbook.addWorksheet(PROPOSED_LIST_SHEET);
  setColumns(sheet, COLUMNS);

  titleRow(sheet, TITLE_ROW, LAST_VISIBLE, title);
  mergedText(sheet, META_ROW, 1, 4, `名单编号：${input.year}年第${input.batchNo}批`);
  mergedText(sheet, META_ROW, 5, 8, `状态：${PROPOSED_LIST_STATUS_LABELS[input.status]}`);
  const notice = noticePeriod(input);
  if (notice !== '') mergedText(sheet, META_ROW, 9, LAST_VISIBLE, notice, { align: 'right' });
  headerRow(sheet, HEADER_ROW, COLUMNS);

  let r = FIRST_BODY_ROW;
  input.rows.forEach((item, i) => {
    const values: CellValue[] = [
      i + 1,
      item.countyName,
      item.trackingNo,
      item.enterpriseName,
      item.creditCode,
      item.providerName,
      yuan(item.contractAmountFen),
      yuan(item.paidAmountFen),
      yuan(item.payableFen),
      yuan(item.verifiedFen),
      item.reductionReason ?? null,
      item.note ?? null,
      item.contractAmountFen,
      item.paidAmountFen,
      item.payableFen,
      item.verifiedFen,
    ];
    dataRow(sheet, r, COLUMNS, values);
    r += 1;
  });

  // Totals in integer fen, turned into 元 only when written.
  const totals = [
    sumFen(input.rows.map((x) => x.contractAmountFen)),
    sumFen(input.rows.map((x) => x.paidAmountFen)),
    sumFen(input.rows.map((x) => x.payableFen)),
    sumFen(input.rows.map((x) => x.verifiedFen)),
  ];
  const verifiedTotal = totals[3] ?? 0;
  const totalRow = r;
  dataRow(sheet, totalRow, COLUMNS, ['', '', '', '', '', '', ...totals.map(yuan), null, null, ...totals], { bold: true });
  sheet.mergeCells(totalRow, 1, totalRow, 6);
  sheet.getCell(totalRow, 1).value = `合计（${input.rows.length}户）`;
  sheet.getCell(totalRow, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  r += 2;

  if (input.budget !== undefined) {
    const { budgetFen, committedBeforeFen } = input.budget;
    const committed = sumFen([committedBeforeFen, verifiedTotal]);
    const remaining = sumFen([budgetFen, -committed]);
    const budgetLine = (label: string, fen: number, numFmt: string): void => {
      mergedText(sheet, r, 1, VERIFIED_YUAN - 1, label, { align: 'right', bold: true });
      const value = sheet.getCell(r, VERIFIED_YUAN);
      value.value = yuan(fen);
      value.numFmt = numFmt;
      value.font = font({ bold: true });
      const exact = sheet.getCell(r, VERIFIED_FEN);
      exact.value = fen;
      exact.numFmt = FEN_NUMFMT;
      r += 1;
    };
    budgetLine(`${input.year}年度预算（元）`, budgetFen, YUAN_NUMFMT);
    budgetLine('已承诺（含本名单）（元）', committed, YUAN_NUMFMT);
    budgetLine('剩余（元）', remaining, SIGNED_YUAN_NUMFMT);
    if (remaining < 0) {
      mergedText(
        sheet,
        r,
        1,
        LAST_VISIBLE,
        `警告：本名单核定金额合计${formatYuan(verifiedTotal)}，连同此前已承诺${formatYuan(committedBeforeFen)}，` +
          `超出${input.year}年度预算${formatYuan(-remaining)}，请核减或调整名单后再报审批。`,
        { bold: true, color: RED },
      );
      sheet.getRow(r).height = 30;
      r += 1;
    }
    r += 1;
  }

  const blank = '　'.repeat(8);
  mergedText(sheet, r, 1, 6, `市工信局（会签）：${blank}　　　　年　　月　　日`);
  mergedText(sheet, r, 7, LAST_VISIBLE, `市财政局（审批）：${blank}　　　　年　　月　　日`);
  sheet.getRow(r).height = 40;

  freezeAbove(sheet, FIRST_BODY_ROW);
  printSetup(sheet, { printColumns: LAST_VISIBLE, lastRow: r, repeatRows: [HEADER_ROW, HEADER_ROW] });
  return workbookBuffer(workbook);
}
