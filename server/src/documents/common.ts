/**
 * What every form the bureau prints shares (DESIGN.md "Documents the bureau prints"): money and date
 * formatting for Chinese forms, A4 pages, the fonts of Chinese official forms (宋体 body, 黑体 headings) and
 * table helpers for the seed's label/value grids. Used by the 备案申报书 and, later, the 兑付申请表 and the
 * county joint report.
 */

import {
  AlignmentType,
  Document,
  Footer,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type FileChild,
  type IFontAttributesProperties,
} from 'docx';
import { formatYuan } from '../../../shared/src/glossary/money';
import { documentCreator } from './packWords';

// ---- money (integer fen; integer arithmetic only) ------------------------------------------------------

// One formatter for every text a person reads, documents included (shared/src/glossary/money.ts).
export {
  formatWanYuan,
  formatWanYuanExact,
  formatYuan,
  groupThousands,
  type MoneyFormatOptions,
  type WanYuanFormatOptions,
} from '../../../shared/src/glossary/money';

const FEN_PER_YUAN = 100;

function requireFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount must be a safe integer number of fen: ${fen}`);
}

/** Price with its unit label: (1280000, '元/年') → '12,800.00 元/年'. */
export function formatPrice(fen: number, unitLabel: string): string {
  return `${formatYuan(fen, { unit: false })} ${unitLabel}`;
}

/** The sum of amounts in fen; refuses a non-integer amount or a total past the safe integers. */
export function sumFen(amounts: readonly number[]): number {
  let total = 0;
  for (const fen of amounts) {
    requireFen(fen);
    total += fen;
    requireFen(total);
  }
  return total;
}

/**
 * Fen as a number of 元 for a spreadsheet cell, the last step before writing it: the division is correctly
 * rounded, so the double is the one nearest the exact 元 amount (what typing it in Excel would give). Sheets
 * keep the exact fen beside it.
 */
export function fenToYuanNumber(fen: number): number {
  requireFen(fen);
  return fen / FEN_PER_YUAN;
}

// ---- dates ---------------------------------------------------------------------------------------------

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** '2023-06-01' → '2023年6月1日'; undefined/null → the blank to fill by hand. */
export function formatDateZh(date: string | null | undefined): string {
  const match = date ? DATE.exec(date) : null;
  if (!match) return '　　　　年　　月　　日';
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** '2023-06-01' → '2023年6月'; undefined/null → '　　　　年　　月'. */
export function formatYearMonthZh(date: string | null | undefined): string {
  const match = date ? DATE.exec(date) : null;
  if (!match) return '　　　　年　　月';
  return `${match[1]}年${Number(match[2])}月`;
}

// ---- personal data -------------------------------------------------------------------------------------

/**
 * A bank account number masked but for its last four digits (DESIGN.md: personal data is masked in lists):
 * '6222 0212 3456 7890' → '************7890'. The length is kept so that a clerk can compare it with the
 * account on file.
 */
export function maskAccountNo(accountNo: string | null | undefined): string {
  const compact = (accountNo ?? '').replace(/\s+/g, '');
  if (compact.length <= 4) return compact;
  return `${'*'.repeat(compact.length - 4)}${compact.slice(-4)}`;
}

// ---- page and fonts ------------------------------------------------------------------------------------

/** A4 in twips (1/20 pt). */
export const A4 = { width: 11906, height: 16838 } as const;
export const PAGE_MARGIN = { top: 1440, bottom: 1440, left: 1440, right: 1440, header: 851, footer: 992 } as const;
/** Width of the text block: A4 less the side margins. */
export const TEXT_WIDTH = A4.width - PAGE_MARGIN.left - PAGE_MARGIN.right;

export const FONT_BODY = '宋体';
export const FONT_HEADING = '黑体';
const FONT_LATIN = 'Times New Roman';
/** Checkbox glyphs: in 宋体 ☑ falls back unpredictably, Segoe UI Symbol has both. */
const FONT_SYMBOL = 'Segoe UI Symbol';

/** A Chinese font for East Asian text, Times New Roman for Latin letters and digits. */
export function chineseFont(eastAsia: string): IFontAttributesProperties {
  return { ascii: FONT_LATIN, hAnsi: FONT_LATIN, cs: FONT_LATIN, eastAsia };
}

/** Font sizes of Chinese typesetting (字号), in half-points as docx wants them. */
export const FONT_SIZE = {
  chu: 84, // 初号 42pt
  xiaochu: 72, // 小初 36pt
  yi: 52, // 一号 26pt
  xiaoyi: 48, // 小一 24pt
  er: 44, // 二号 22pt
  xiaoer: 36, // 小二 18pt
  san: 32, // 三号 16pt
  xiaosan: 30, // 小三 15pt
  si: 28, // 四号 14pt
  xiaosi: 24, // 小四 12pt
  wu: 21, // 五号 10.5pt
  xiaowu: 18, // 小五 9pt
} as const;

export interface RunStyle {
  bold?: boolean;
  size?: number;
  font?: string;
  underline?: boolean;
}

export function run(text: string, style: RunStyle = {}): TextRun {
  return new TextRun({
    text,
    font: chineseFont(style.font ?? FONT_BODY),
    ...(style.size === undefined ? {} : { size: style.size }),
    ...(style.bold ? { bold: true } : {}),
    ...(style.underline ? { underline: {} } : {}),
  });
}

export type Align = 'left' | 'center' | 'right' | 'both';
const ALIGN = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  both: AlignmentType.BOTH,
} as const;

export interface ParagraphStyle extends RunStyle {
  align?: Align;
  /** First-line indent in characters (正文 indents two). */
  indentChars?: number;
  /** Left indent of the whole paragraph, in twips (signature lines). */
  indentLeft?: number;
  /** Space before/after, in twips. */
  before?: number;
  after?: number;
  /** Line spacing in 240ths of a line (360 = 1.5). */
  line?: number;
  pageBreakBefore?: boolean;
  keepNext?: boolean;
}

export function paragraph(content: string | readonly TextRun[], style: ParagraphStyle = {}): Paragraph {
  const size = style.size ?? FONT_SIZE.xiaosi;
  const children = typeof content === 'string' ? [run(content, { ...style, size })] : [...content];
  return new Paragraph({
    children,
    alignment: ALIGN[style.align ?? 'left'],
    spacing: { before: style.before ?? 0, after: style.after ?? 0, line: style.line ?? 360 },
    // A character of the paragraph's size is size/2 pt = size*10 twips.
    ...(style.indentChars || style.indentLeft
      ? {
          indent: {
            ...(style.indentChars ? { firstLine: style.indentChars * size * 10 } : {}),
            ...(style.indentLeft ? { left: style.indentLeft } : {}),
          },
        }
      : {}),
    ...(style.pageBreakBefore ? { pageBreakBefore: true } : {}),
    ...(style.keepNext ? { keepNext: true } : {}),
  });
}

/** Multi-line text → one paragraph a line; a blank text is one empty paragraph (a cell needs one). */
export function textParagraphs(text: string | null | undefined, style: ParagraphStyle = {}): Paragraph[] {
  const lines = (text ?? '').split(/\r?\n/).map((line) => line.trim());
  const kept = lines.filter((line) => line !== '');
  return kept.length === 0 ? [paragraph('', style)] : kept.map((line) => paragraph(line, style));
}

/** 正文: 小四宋体, first line indented two characters, 1.5 lines. */
export function bodyParagraphs(text: string | null | undefined): Paragraph[] {
  return textParagraphs(text, { indentChars: 2, align: 'both' });
}

/** 一、… headings in 黑体 三号; （一）… subheadings in 黑体 小四 (level 2) or 宋体 bold (level 3). */
export function heading(text: string, level: 1 | 2 | 3, options: { pageBreakBefore?: boolean } = {}): Paragraph {
  const style: ParagraphStyle =
    level === 1
      ? { font: FONT_HEADING, size: FONT_SIZE.san, before: 240, after: 120 }
      : level === 2
        ? { font: FONT_HEADING, size: FONT_SIZE.xiaosi, before: 120, indentChars: 2 }
        : { bold: true, size: FONT_SIZE.xiaosi, indentChars: 2 };
  return paragraph(text, { ...style, keepNext: true, ...(options.pageBreakBefore ? { pageBreakBefore: true } : {}) });
}

// ---- checkboxes ----------------------------------------------------------------------------------------

export const CHECKED = '☑';
export const UNCHECKED = '□';

/** '☑民营企业' as runs: the box in a symbol font, the label in the body font. */
export function checkboxRuns(label: string, checked: boolean, style: RunStyle = {}): TextRun[] {
  return [run(checked ? CHECKED : UNCHECKED, { ...style, font: FONT_SYMBOL }), run(label, style)];
}

// ---- tables --------------------------------------------------------------------------------------------

/** Cells of forms are 五号 (10.5pt), single-spaced. */
export const CELL_TEXT: ParagraphStyle = { size: FONT_SIZE.wu, line: 276 };

export interface CellOptions {
  /** Width in twips (for a span, the sum of its columns: see spanWidth). */
  width: number;
  columnSpan?: number;
  rowSpan?: number;
  align?: Align;
  bold?: boolean;
  verticalAlign?: 'top' | 'center';
}

export function cell(content: string | null | undefined | readonly Paragraph[], options: CellOptions): TableCell {
  const style: ParagraphStyle = { ...CELL_TEXT, align: options.align ?? 'left', ...(options.bold ? { bold: true } : {}) };
  const children = typeof content === 'string' || content === null || content === undefined ? textParagraphs(content, style) : [...content];
  return new TableCell({
    children,
    width: { size: options.width, type: WidthType.DXA },
    verticalAlign: options.verticalAlign === 'top' ? VerticalAlignTable.TOP : VerticalAlignTable.CENTER,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    ...(options.columnSpan && options.columnSpan > 1 ? { columnSpan: options.columnSpan } : {}),
    ...(options.rowSpan && options.rowSpan > 1 ? { rowSpan: options.rowSpan } : {}),
  });
}

/** A label cell of the seed's forms: centred. */
export function labelCell(label: string, options: Omit<CellOptions, 'align'>): TableCell {
  return cell(label, { ...options, align: 'center' });
}

/** Sum of the widths of `span` grid columns from `start`. */
export function spanWidth(columnWidths: readonly number[], start: number, span = 1): number {
  return columnWidths.slice(start, start + span).reduce((sum, w) => sum + w, 0);
}

export function row(cells: readonly TableCell[], options: { minHeight?: number; header?: boolean } = {}): TableRow {
  return new TableRow({
    children: [...cells],
    cantSplit: true,
    ...(options.minHeight ? { height: { value: options.minHeight, rule: 'atLeast' as const } } : {}),
    ...(options.header ? { tableHeader: true } : {}),
  });
}

/** A fixed-layout table of the text block's width: the grid holds however long the text. */
export function gridTable(columnWidths: readonly number[], rows: readonly TableRow[]): Table {
  return new Table({
    rows: [...rows],
    columnWidths: [...columnWidths],
    width: { size: spanWidth(columnWidths, 0, columnWidths.length), type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
  });
}

/** A header row then one row per record: the list tables (cases, catalogue, 兑付明细 …). */
export function listTable(
  columns: readonly { title: string; width: number; align?: Align }[],
  records: readonly (readonly (string | null | undefined)[])[],
): Table {
  const widths = columns.map((c) => c.width);
  const header = row(
    columns.map((c) => cell(c.title, { width: c.width, align: 'center', bold: true })),
    { header: true },
  );
  const body = records.map((record) => row(columns.map((c, i) => cell(record[i], { width: c.width, align: c.align ?? 'left' }))));
  return gridTable(widths, [header, ...body]);
}

// ---- document ------------------------------------------------------------------------------------------

/**
 * '— 3 —' centred at the foot of the page, as official documents number them. A note (a form's version)
 * goes small at the right of the same line, so that every page of a stamped scan says where it came from.
 */
export function pageNumberFooter(note?: string): Footer {
  const pageNumber = [
    new TextRun({ text: '— ', font: chineseFont(FONT_BODY), size: FONT_SIZE.si }),
    new TextRun({ children: [PageNumber.CURRENT], font: chineseFont(FONT_BODY), size: FONT_SIZE.si }),
    new TextRun({ text: ' —', font: chineseFont(FONT_BODY), size: FONT_SIZE.si }),
  ];
  const noteRuns = note ? [new TextRun({ text: `　　${note}`, font: chineseFont(FONT_BODY), size: FONT_SIZE.xiaowu })] : [];
  return new Footer({
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [...pageNumber, ...noteRuns] })],
  });
}

export interface A4DocumentOptions {
  title: string;
  children: readonly FileChild[];
  /** The first page (a cover) carries no page number. */
  coverPage?: boolean;
}

/** One A4 portrait section, 宋体 小四 by default, page numbers at the foot. */
export function a4Document(options: A4DocumentOptions): Document {
  return new Document({
    title: options.title,
    creator: documentCreator(),
    styles: {
      default: {
        document: {
          run: { font: chineseFont(FONT_BODY), size: FONT_SIZE.xiaosi },
        },
      },
    },
    sections: [
      {
        properties: {
          page: { size: { width: A4.width, height: A4.height }, margin: { ...PAGE_MARGIN } },
          ...(options.coverPage ? { titlePage: true } : {}),
        },
        footers: {
          default: pageNumberFooter(),
          ...(options.coverPage ? { first: new Footer({ children: [new Paragraph({ children: [] })] }) } : {}),
        },
        children: [...options.children],
      },
    ],
  });
}

/** Margins of a landscape A4 section: narrower at the sides, for the wide tables that need it. */
export const LANDSCAPE_MARGIN = { top: 1304, bottom: 1304, left: 1134, right: 1134, header: 851, footer: 850 } as const;
/** Width of the text block of a landscape A4 section. */
export const LANDSCAPE_TEXT_WIDTH = A4.height - LANDSCAPE_MARGIN.left - LANDSCAPE_MARGIN.right;

export interface A4Section {
  children: readonly FileChild[];
  /** Landscape A4 with LANDSCAPE_MARGIN (a wide table); portrait with PAGE_MARGIN otherwise. */
  landscape?: boolean;
  /** Small text beside the page number in the footer (a version, a document number). */
  footerNote?: string;
}

/** A4 sections, portrait or landscape, each starting on a new page; 宋体 小四 by default, page numbers at the foot. */
export function a4SectionsDocument(options: { title: string; sections: readonly A4Section[] }): Document {
  return new Document({
    title: options.title,
    creator: documentCreator(),
    styles: {
      default: {
        document: {
          run: { font: chineseFont(FONT_BODY), size: FONT_SIZE.xiaosi },
        },
      },
    },
    sections: options.sections.map((section) => ({
      properties: {
        page: section.landscape
          ? // docx swaps width and height itself for a landscape page: it is given the portrait size.
            { size: { width: A4.width, height: A4.height, orientation: PageOrientation.LANDSCAPE }, margin: { ...LANDSCAPE_MARGIN } }
          : { size: { width: A4.width, height: A4.height }, margin: { ...PAGE_MARGIN } },
      },
      footers: { default: pageNumberFooter(section.footerNote) },
      children: [...section.children],
    })),
  });
}

export function toBuffer(document: Document): Promise<Buffer> {
  return Packer.toBuffer(document);
}
