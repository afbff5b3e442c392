/**
 * The city's 兑付申请表 (三（三）1) as .docx, in the seed's layout: the provider's form listing the enterprises
 * it served (三（三）1). The provider prints it, signs and stamps it and uploads the scan; each application
 * points to the signed version that lists it (DESIGN.md "An application's life"). The version and each row's
 * 申报编号 are printed small, so that a scan can be matched to the version it came from.
 *
 * Layout of the seed: the provider's rows (名称, 平台, 网址, 数量, 总金额); 服务（本市）上云企业明细 with 12
 * numbered rows; then 企业负责人, 联系人 and the 声明.
 */

import type { Paragraph, Table, TableRow } from 'docx';
import {
  CELL_TEXT,
  FONT_HEADING,
  FONT_SIZE,
  TEXT_WIDTH,
  a4SectionsDocument,
  cell,
  formatDateZh,
  formatWanYuanExact,
  formatYuan,
  gridTable,
  labelCell,
  paragraph,
  row,
  spanWidth,
  sumFen,
  textParagraphs,
  toBuffer,
  type ParagraphStyle,
} from './common';
import { settlementFormTitle } from './packWords';
import { policyPack } from '../../../shared/src/pack';

export interface SettlementPrincipal {
  name: string;
  title: string;
  phone: string;
  mobile: string;
  email: string;
  fax: string;
}

export interface SettlementContact {
  name: string;
  title: string;
  phone: string;
  email: string;
}

export interface SettlementRow {
  /** 申报编号 of the application. */
  trackingNo: string;
  enterpriseName: string;
  /** 上云产品及服务; one line per product when several. */
  services: string;
  /** 'YYYY-MM-DD'. */
  contractStart: string;
  /** 'YYYY-MM-DD'. */
  contractEnd: string;
  contractAmountFen: number;
  /** 兑付金额: the amount applied for. */
  appliedFen: number;
  /** 上云效果评价, the provider's. */
  effectEvaluation: string;
}

export interface SettlementFormInput {
  provider: {
    companyName: string;
    platformName: string;
    platformUrl: string;
    principal: SettlementPrincipal;
    contact: SettlementContact;
  };
  rows: readonly SettlementRow[];
  /** The form's version for this provider (第N版). */
  version: number;
  /** 'YYYY-MM-DD'. */
  generatedOn: string;
}

/** The seed's form has 12 rows; fewer enterprises leave the rest blank. */
export const SETTLEMENT_MIN_ROWS = 12;
export const SETTLEMENT_DECLARATION = '我公司保证所提供的信息及附件材料的真实性，若有违反，愿承担一切责任。';
/** Written in the first unused row, so that nothing is added by hand to a generated form. */
export const SETTLEMENT_BLANK_MARK = '以下空白';

/** '第2版　2026年3月5日生成': the small line under the title and in the footer. */
export function settlementVersionMark(version: number, generatedOn: string): string {
  return `第${version}版　${formatDateZh(generatedOn)}生成`;
}

const SMALL: ParagraphStyle = { ...CELL_TEXT, size: FONT_SIZE.xiaowu };

// ---- the provider and its enterprises -------------------------------------------------------------

// Six grid columns, those of the detail table; the provider's rows put their labels across 序号 and 企业名称.
// 序号 on one line at 五号 (two 汉字 and the cell's margins: 620 twips; printed, a little more).
const GRID = [700, 1950, 1800, 1900, 1450, TEXT_WIDTH - 7800] as const;
const W = (start: number, span = 1): number => spanWidth(GRID, start, span);
const ROW_HEIGHT = 567;

function contractCell(r: SettlementRow): Paragraph[] {
  return [
    paragraph(`${formatDateZh(r.contractStart)}至${formatDateZh(r.contractEnd)}`, { ...CELL_TEXT, align: 'center' }),
    paragraph(formatYuan(r.contractAmountFen), { ...CELL_TEXT, align: 'center' }),
  ];
}

function enterpriseCell(r: SettlementRow): Paragraph[] {
  // The number alone on its line, under the header's 申报编号: after a label it broke at its hyphen.
  return [paragraph(r.enterpriseName, CELL_TEXT), paragraph(r.trackingNo, SMALL)];
}

function detailRow(index: number, r: SettlementRow | undefined, blankMark: boolean): TableRow {
  const number = labelCell(String(index + 1), { width: W(0) });
  if (r === undefined) {
    return row(
      [
        number,
        cell(blankMark ? SETTLEMENT_BLANK_MARK : '', { width: W(1), align: 'center' }),
        ...[2, 3, 4, 5].map((c) => cell('', { width: W(c) })),
      ],
      { minHeight: ROW_HEIGHT },
    );
  }
  return row(
    [
      number,
      cell(enterpriseCell(r), { width: W(1) }),
      cell(r.services, { width: W(2) }),
      cell(contractCell(r), { width: W(3) }),
      cell(formatYuan(r.appliedFen), { width: W(4), align: 'right' }),
      cell(r.effectEvaluation, { width: W(5) }),
    ],
    { minHeight: ROW_HEIGHT },
  );
}

function detailTable(input: SettlementFormInput): Table {
  const { provider, rows } = input;
  const total = sumFen(rows.map((r) => r.appliedFen));
  const lineCount = Math.max(SETTLEMENT_MIN_ROWS, rows.length);
  const pair = (l1: string, v1: string, l2: string, v2: string): TableRow =>
    row(
      [
        labelCell(l1, { width: W(0, 2), columnSpan: 2 }),
        cell(v1, { width: W(2) }),
        labelCell(l2, { width: W(3) }),
        cell(v2, { width: W(4, 2), columnSpan: 2 }),
      ],
      { minHeight: ROW_HEIGHT },
    );
  return gridTable(GRID, [
    row([labelCell('云服务商名称', { width: W(0, 2), columnSpan: 2 }), cell(provider.companyName, { width: W(2, 4), columnSpan: 4 })], {
      minHeight: ROW_HEIGHT,
    }),
    pair('云平台名称', provider.platformName, '云平台网址', provider.platformUrl),
    pair('服务企业数量', `${rows.length}家`, '兑付总金额', `${formatYuan(total)}\n（${formatWanYuanExact(total)}）`),
    row([labelCell(`服务${policyPack().city.name}上云企业明细`, { width: W(0, 6), columnSpan: 6, bold: true })], { minHeight: ROW_HEIGHT }),
    row(
      [
        labelCell('序号', { width: W(0) }),
        labelCell('企业名称\n申报编号', { width: W(1) }),
        labelCell('上云产品及服务', { width: W(2) }),
        labelCell('合同期限\n合同金额', { width: W(3) }),
        labelCell('兑付金额', { width: W(4) }),
        labelCell('上云效果评价', { width: W(5) }),
      ],
      { header: true, minHeight: ROW_HEIGHT },
    ),
    ...Array.from({ length: lineCount }, (_, i) => detailRow(i, rows[i], i === rows.length && rows.length > 0)),
  ]);
}

// ---- 企业负责人, 联系人, 声明 --------------------------------------------------------------------------

// The grid of the seed's person rows (as in the 备案申报书): title | label | value | label | value.
const PERSON_GRID = [1100, 1160, 2500, 1700, TEXT_WIDTH - 6460] as const;
const P = (start: number, span = 1): number => spanWidth(PERSON_GRID, start, span);

function personRows(title: string, pairs: readonly (readonly [string, string, string, string])[]): TableRow[] {
  return pairs.map(([l1, v1, l2, v2], index) =>
    row(
      [
        ...(index === 0 ? [labelCell(title, { width: P(0), rowSpan: pairs.length })] : []),
        labelCell(l1, { width: P(1) }),
        cell(v1, { width: P(2) }),
        labelCell(l2, { width: P(3) }),
        cell(v2, { width: P(4) }),
      ],
      { minHeight: 510 },
    ),
  );
}

function declarationRow(): TableRow {
  const signature: ParagraphStyle = { ...CELL_TEXT, indentLeft: 2600, line: 480 };
  const content = [
    ...textParagraphs(SETTLEMENT_DECLARATION, { ...CELL_TEXT, indentChars: 2, align: 'both', line: 360 }),
    paragraph('', CELL_TEXT),
    paragraph('法人代表签字：', signature),
    paragraph('单位盖章：', signature),
    paragraph('', CELL_TEXT),
    // Dated by hand when signed, as in the seed.
    paragraph(formatDateZh(null), { ...CELL_TEXT, align: 'right', line: 480 }),
  ];
  return row([
    labelCell('声明', { width: P(0, 2), columnSpan: 2 }),
    cell(content, { width: P(2, 3), columnSpan: 3, verticalAlign: 'top' }),
  ]);
}

function personTable(input: SettlementFormInput): Table {
  const { principal, contact } = input.provider;
  return gridTable(PERSON_GRID, [
    ...personRows('企业\n负责人', [
      ['姓名', principal.name, '职务', principal.title],
      ['联系电话', principal.phone, '手机', principal.mobile],
      ['电子邮箱', principal.email, '传真', principal.fax],
    ]),
    ...personRows('联系人', [
      ['姓名', contact.name, '职务', contact.title],
      ['联系电话', contact.phone, '电子邮箱', contact.email],
    ]),
    declarationRow(),
  ]);
}

/** The 兑付申请表 of one provider, version `input.version`, as the bytes of a .docx. */
export async function renderSettlementDocx(input: SettlementFormInput): Promise<Buffer> {
  if (!Number.isSafeInteger(input.version) || input.version < 1)
    throw new RangeError(`version must be a positive integer: ${input.version}`);
  const mark = settlementVersionMark(input.version, input.generatedOn);
  const formTitle = settlementFormTitle();
  const children = [
    paragraph(formTitle, { align: 'center', font: FONT_HEADING, size: FONT_SIZE.xiaoer, line: 480 }),
    paragraph(mark, { align: 'right', size: FONT_SIZE.xiaowu, after: 60 }),
    detailTable(input),
    paragraph('', { line: 240 }),
    personTable(input),
  ];
  const document = a4SectionsDocument({
    title: `${formTitle}（${input.provider.companyName}，第${input.version}版）`,
    sections: [{ children, footerNote: `${formTitle}　${mark}` }],
  });
  return toBuffer(document);
}
