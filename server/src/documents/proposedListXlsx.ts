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
  fitColumns,
  fitRowHeights,
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
import { proposedListTitle } from './packWords';
import { policyPack } from '../../../shared/src/pack';

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
  /**
   * The policy version every row was verified under, when they share one (issue 18 item 3): said once
   * below the totals rather than in each row's 备注, which stays the reviewers'. Rows of different
   * versions carry their own in 备注 instead.
   */
  policyVersion?: string | null;
  /** The year's budget and what earlier lists of the year already committed. */
  budget?: { budgetFen: number; committedBeforeFen: number };
  /** Who drafted, co-signed and approved it, so far: the lines of those still to sign stay blank. */
  signatures?: ProposedListSignatures;
}

/** A step done: the person's name (or their role's Chinese name where none is known) and the day. */
export interface ProposedListSigner {
  name: string;
  /** 'YYYY-MM-DD'. */
  on: string;
}

export interface ProposedListSignatures {
  drafted?: ProposedListSigner | null;
  cosigned?: ProposedListSigner | null;
  approved?: ProposedListSigner | null;
}

/**
 * The signature lines, as the seed and DESIGN.md divide the work (三（五）: 市工信局会同市财政局提出拟补贴名单，
 * 市财政局会同市工信局履行审批程序): 市工信局 drafts (拟稿), 市财政局 co-signs (会签) and approves (审定).
 */
export const PROPOSED_LIST_SIGNATURE_STEPS = [
  { key: 'drafted', label: '拟稿', bureau: 'miit' },
  { key: 'cosigned', label: '会签', bureau: 'finance' },
  { key: 'approved', label: '审定', bureau: 'finance' },
] as const;

/** The bureau of a step, by the short name the pack's city gives it ('市工信局'), read when the list is drawn. */
function bureauName(bureau: (typeof PROPOSED_LIST_SIGNATURE_STEPS)[number]['bureau']): string {
  const { city } = policyPack();
  return bureau === 'miit' ? city.miitBureauShort : city.financeBureauShort;
}

export const PROPOSED_LIST_SHEET = '拟补贴名单';

// Widths in units of a digit (a 汉字 is about two): names and reasons wrap past their maxWidth; numbers
// and codes never wrap, so their columns grow to their longest value.
const VISIBLE_COLUMNS: readonly ColumnSpec[] = [
  { header: '序号', width: 6, align: 'center' },
  { header: '县（市）区', width: 8, maxWidth: 11, align: 'center' },
  { header: '申报编号', width: 10, maxWidth: 18, align: 'center' },
  { header: '企业名称', width: 14, maxWidth: 20 },
  { header: '统一社会信用代码', width: 12, maxWidth: 23, align: 'center' },
  { header: '云服务商', width: 14, maxWidth: 20 },
  { header: '合同金额（元）', width: 12, maxWidth: 19, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '实际支付（元）', width: 12, maxWidth: 19, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '按政策计算补助（元）', width: 12, maxWidth: 19, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '核定金额（元）', width: 12, maxWidth: 19, align: 'right', numFmt: YUAN_NUMFMT },
  { header: '核减原因', width: 12, maxWidth: 20 },
  { header: '备注', width: 10, maxWidth: 16 },
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

const BLANK_NAME = '　'.repeat(6);
const BLANK_DATE = '　　　　年　　月　　日';

/** '拟稿：市工信局（盖章）' / '经办人：王晓梅' / '日期：2026年6月1日' — blanks to fill by hand where not yet signed. */
function signatureText(step: (typeof PROPOSED_LIST_SIGNATURE_STEPS)[number], signer: ProposedListSigner | null): string {
  return [
    `${step.label}：${bureauName(step.bureau)}（盖章）`,
    `经办人：${signer ? signer.name : BLANK_NAME}`,
    `日期：${signer ? formatDateZh(signer.on) : BLANK_DATE}`,
  ].join('\n');
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

  const bodyValues: CellValue[][] = input.rows.map((item, i) => [
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
  ]);
  // Totals in integer fen, turned into 元 only when written.
  const totals = [
    sumFen(input.rows.map((x) => x.contractAmountFen)),
    sumFen(input.rows.map((x) => x.paidAmountFen)),
    sumFen(input.rows.map((x) => x.payableFen)),
    sumFen(input.rows.map((x) => x.verifiedFen)),
  ];
  const totalValues: CellValue[] = ['', '', '', '', '', '', ...totals.map(yuan), null, null, ...totals];
  fitColumns(sheet, COLUMNS, [...bodyValues, totalValues]);

  let r = FIRST_BODY_ROW;
  for (const values of bodyValues) {
    dataRow(sheet, r, COLUMNS, values);
    r += 1;
  }

  const verifiedTotal = totals[3] ?? 0;
  const totalRow = r;
  dataRow(sheet, totalRow, COLUMNS, totalValues, { bold: true });
  sheet.mergeCells(totalRow, 1, totalRow, 6);
  sheet.getCell(totalRow, 1).value = `合计（${input.rows.length}户）`;
  sheet.getCell(totalRow, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  r += 1;
  if (input.policyVersion) {
    mergedText(sheet, r, 1, LAST_VISIBLE, `说明：本名单补助金额均按政策版本 ${input.policyVersion} 核定。`);
    r += 1;
  }
  r += 1;

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
      r += 1;
    }
    r += 1;
  }

  // Three blocks side by side, four columns each: who drafts, who co-signs, who approves.
  const blockColumns = Math.floor(LAST_VISIBLE / PROPOSED_LIST_SIGNATURE_STEPS.length);
  PROPOSED_LIST_SIGNATURE_STEPS.forEach((step, i) => {
    const signer = input.signatures?.[step.key] ?? null;
    const from = 1 + i * blockColumns;
    const to = i === PROPOSED_LIST_SIGNATURE_STEPS.length - 1 ? LAST_VISIBLE : from + blockColumns - 1;
    mergedText(sheet, r, from, to, signatureText(step, signer));
  });
  fitRowHeights(sheet, TITLE_ROW, r);
  sheet.getRow(r).height = Math.max(sheet.getRow(r).height ?? 0, 72); // room for the stamp and the hand

  freezeAbove(sheet, FIRST_BODY_ROW);
  printSetup(sheet, { printColumns: LAST_VISIBLE, lastRow: r, repeatRows: [HEADER_ROW, HEADER_ROW] });
  return workbookBuffer(workbook);
}
