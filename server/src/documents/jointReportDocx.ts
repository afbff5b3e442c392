/**
 * The county's joint report (联合行文, 三（四）): 各县（市）、区工信、财政主管部门……对上云企业的上云效果和云服务商
 * 服务质量进行审核，出具审核意见，联合行文报送市工信局、市财政局. A report letter of both departments on a
 * portrait page, then its attachment, the table of the applications it reports with both opinions, on
 * landscape pages (twelve columns do not fit the width of a portrait page).
 */

import { Table, TableBorders, TableLayoutType, WidthType, type Paragraph } from 'docx';
import {
  CELL_TEXT,
  FONT_HEADING,
  FONT_SIZE,
  LANDSCAPE_TEXT_WIDTH,
  TEXT_WIDTH,
  a4SectionsDocument,
  cell,
  formatDateZh,
  formatWanYuanExact,
  formatYuan,
  gridTable,
  paragraph,
  row,
  spanWidth,
  sumFen,
  textParagraphs,
  toBuffer,
  type Align,
  type ParagraphStyle,
} from './common';
import { jointReportAddressees, jointReportAttachmentTitle, jointReportDefaultTitle } from './packWords';
import { policyPack } from '../../../shared/src/pack';

/** 1 (差) to 5 (优秀), as each county opinion rates 上云效果 and 服务商服务质量 (DESIGN.md). */
export type Rating = 1 | 2 | 3 | 4 | 5;

export const RATING_WORDS: Readonly<Record<Rating, string>> = { 5: '优秀', 4: '良好', 3: '一般', 2: '较差', 1: '差' };

/** 4 → '4 良好'. */
export function formatRating(rating: Rating): string {
  const word = RATING_WORDS[rating];
  if (word === undefined) throw new RangeError(`rating must be 1–5: ${String(rating)}`);
  return `${rating} ${word}`;
}

export interface JointReportRow {
  trackingNo: string;
  enterpriseName: string;
  /** 统一社会信用代码. */
  creditCode: string;
  providerName: string;
  contractAmountFen: number;
  paidAmountFen: number;
  appliedFen: number;
  effectRating: Rating;
  serviceRating: Rating;
  miitOpinion: string;
  financeOpinion: string;
}

export interface JointReportInput {
  /** The county's name, as the pack's counties write it. */
  countyName: string;
  /** 文号, as the county writes it (the pack's documents.docNoExample shows one). */
  docNo: string;
  /** 'YYYY-MM-DD'. */
  reportDate: string;
  title?: string;
  /** The county's 工信 department, '…区工业和信息化局'. */
  miitDepartmentName: string;
  /** The county's 财政 department, '…区财政局'. */
  financeDepartmentName: string;
  rows: readonly JointReportRow[];
  /** The departments' own words on the review; a summary of the ratings is written when absent. */
  summary?: string;
}

// GB/T 9704 sets 公文 in 三号; the title in 二号.
const BODY: ParagraphStyle = { size: FONT_SIZE.san, line: 360, align: 'both' };
const TABLE_TEXT: ParagraphStyle = { ...CELL_TEXT, size: FONT_SIZE.xiaowu };

// ---- the letter ---------------------------------------------------------------------------------------

/** '优秀3户、良好1户' in the order 优秀 → 差, leaving out the words nobody got. */
function ratingDistribution(ratings: readonly Rating[]): string {
  const ordered: Rating[] = [5, 4, 3, 2, 1];
  return ordered
    .map((r) => ({ word: RATING_WORDS[r], count: ratings.filter((x) => x === r).length }))
    .filter((x) => x.count > 0)
    .map((x) => `${x.word}${x.count}户`)
    .join('、');
}

function reviewSummary(input: JointReportInput): string {
  if (input.summary !== undefined && input.summary.trim() !== '') return input.summary;
  if (input.rows.length === 0) return '本次无通过审核的企业。';
  const providers = new Set(input.rows.map((r) => r.providerName)).size;
  return (
    `经审核，上云企业的上云效果评价为${ratingDistribution(input.rows.map((r) => r.effectRating))}；` +
    `涉及云服务商${providers}家，服务质量评价为${ratingDistribution(input.rows.map((r) => r.serviceRating))}。` +
    '各企业的审核意见详见附件。'
  );
}

function letterBody(input: JointReportInput, attachmentTitle: string): Paragraph[] {
  const applied = sumFen(input.rows.map((r) => r.appliedFen));
  const contract = sumFen(input.rows.map((r) => r.contractAmountFen));
  const paid = sumFen(input.rows.map((r) => r.paidAmountFen));
  const intro =
    `根据《${policyPack().title}》的规定，${input.miitDepartmentName}、${input.financeDepartmentName}` +
    `组织${input.countyName}区域内工业企业申报上云补助，并对上云企业的上云效果和云服务商服务质量进行了审核。` +
    `经审核，共有${input.rows.length}户企业符合补助条件，合同金额合计${formatYuan(contract)}，实际支付合计${formatYuan(paid)}，` +
    `申请补助合计${formatYuan(applied)}（${formatWanYuanExact(applied)}）。现将审核意见报告如下：`;
  return [
    ...textParagraphs(intro, { ...BODY, indentChars: 2 }),
    ...textParagraphs(reviewSummary(input), { ...BODY, indentChars: 2 }),
    paragraph('特此报告。', { ...BODY, indentChars: 2 }),
    paragraph('', BODY),
    paragraph(`附件：${attachmentTitle}`, { ...BODY, indentChars: 2 }),
  ];
}

/** Both departments side by side, each with its 盖章, the date under them (联合行文 is stamped by both). */
function signatureBlock(input: JointReportInput, width: number): (Paragraph | Table)[] {
  const half = Math.floor(width / 2);
  const widths = [half, width - half];
  const line = (text: string, w: number): ReturnType<typeof cell> =>
    cell([paragraph(text, { ...BODY, align: 'center' })], { width: w, align: 'center' });
  const signatures = new Table({
    rows: [
      row([line(input.miitDepartmentName, half), line(input.financeDepartmentName, width - half)]),
      row([line('（盖章）', half), line('（盖章）', width - half)]),
    ],
    columnWidths: widths,
    width: { size: width, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
  });
  return [
    paragraph('', BODY),
    paragraph('', BODY),
    signatures,
    paragraph(formatDateZh(input.reportDate), { ...BODY, align: 'right', before: 240 }),
  ];
}

// ---- the attachment table ----------------------------------------------------------------------------

// Twips at 小五 (9pt: a 汉字 180, a digit 90, a cell's margins 200): 序号 on one line, a 申报编号, a credit code
// and an amount up to 99,999,999.99 never broken; the names and opinions wrap in what is left.
const COLUMNS: readonly { title: string; width: number; align: Align }[] = [
  { title: '序号', width: 620, align: 'center' },
  { title: '申报编号', width: 1450, align: 'center' },
  { title: '企业名称', width: 1400, align: 'left' },
  { title: '统一社会信用代码', width: 2100, align: 'center' },
  { title: '云服务商', width: 1200, align: 'left' },
  { title: '合同金额（元）', width: 1300, align: 'right' },
  { title: '实际支付（元）', width: 1300, align: 'right' },
  { title: '申请补助（元）', width: 1300, align: 'right' },
  { title: '上云效果评分', width: 800, align: 'center' },
  { title: '服务质量评分', width: 800, align: 'center' },
  { title: '工信意见', width: 1150, align: 'left' },
  { title: '财政意见', width: 0, align: 'left' }, // the rest of the width, below
];
const GRID = COLUMNS.map((c, i) =>
  i === COLUMNS.length - 1 ? LANDSCAPE_TEXT_WIDTH - COLUMNS.reduce((sum, x) => sum + x.width, 0) : c.width,
);
const G = (start: number, span = 1): number => spanWidth(GRID, start, span);

function tableCell(text: string, column: number, options: { span?: number; bold?: boolean; align?: Align } = {}): ReturnType<typeof cell> {
  const span = options.span ?? 1;
  const align = options.align ?? COLUMNS[column]?.align ?? 'left';
  return cell(textParagraphs(text, { ...TABLE_TEXT, align, ...(options.bold ? { bold: true } : {}) }), {
    width: G(column, span),
    ...(span > 1 ? { columnSpan: span } : {}),
  });
}

function opinionTable(input: JointReportInput): Table {
  const money = (fen: number): string => formatYuan(fen, { unit: false });
  const header = row(
    COLUMNS.map((c, i) => tableCell(c.title, i, { bold: true, align: 'center' })),
    { header: true },
  );
  const body = input.rows.map((r, i) =>
    row([
      tableCell(String(i + 1), 0),
      tableCell(r.trackingNo, 1),
      tableCell(r.enterpriseName, 2),
      tableCell(r.creditCode, 3),
      tableCell(r.providerName, 4),
      tableCell(money(r.contractAmountFen), 5),
      tableCell(money(r.paidAmountFen), 6),
      tableCell(money(r.appliedFen), 7),
      tableCell(formatRating(r.effectRating), 8),
      tableCell(formatRating(r.serviceRating), 9),
      tableCell(r.miitOpinion, 10),
      tableCell(r.financeOpinion, 11),
    ]),
  );
  const totals = row([
    tableCell(`合计（${input.rows.length}户）`, 0, { span: 5, bold: true, align: 'center' }),
    tableCell(money(sumFen(input.rows.map((r) => r.contractAmountFen))), 5, { bold: true }),
    tableCell(money(sumFen(input.rows.map((r) => r.paidAmountFen))), 6, { bold: true }),
    tableCell(money(sumFen(input.rows.map((r) => r.appliedFen))), 7, { bold: true }),
    tableCell('', 8, { span: 4 }),
  ]);
  return gridTable(GRID, [header, ...body, totals]);
}

/** The joint report of one county, as the bytes of a .docx. */
export async function renderJointReportDocx(input: JointReportInput): Promise<Buffer> {
  const title = input.title ?? jointReportDefaultTitle();
  const attachmentTitle = jointReportAttachmentTitle(input.countyName);
  const letter = [
    paragraph(input.docNo, { ...BODY, align: 'right', before: 240 }),
    paragraph('', BODY),
    paragraph(title, { align: 'center', font: FONT_HEADING, size: FONT_SIZE.er, line: 480, after: 240 }),
    paragraph(jointReportAddressees(), { ...BODY, align: 'left' }),
    ...letterBody(input, attachmentTitle),
    ...signatureBlock(input, TEXT_WIDTH),
  ];
  const attachment = [
    paragraph('附件', { font: FONT_HEADING, size: FONT_SIZE.san }),
    paragraph(attachmentTitle, { align: 'center', font: FONT_HEADING, size: FONT_SIZE.xiaoer, line: 480 }),
    paragraph(`${input.docNo}　${formatDateZh(input.reportDate)}`, { align: 'right', size: FONT_SIZE.xiaowu, after: 60 }),
    opinionTable(input),
  ];
  const document = a4SectionsDocument({
    title: `${title}（${input.docNo}）`,
    sections: [{ children: letter }, { children: attachment, landscape: true, footerNote: input.docNo }],
  });
  return toBuffer(document);
}
