/**
 * What the bureau's Excel lists share (DESIGN.md "Documents the bureau prints": Excel for lists): 宋体,
 * thin borders, money as numbers of 元 with two decimals beside the exact fen, landscape A4 printing fit to
 * the width, times in Asia/Shanghai.
 */

import ExcelJS from 'exceljs';
import { fenToYuanNumber } from './common';
import { documentCreator } from './packWords';

export const XLSX_FONT = '宋体';
/** Two decimals, thousands grouped; negatives in red with a minus (退汇冲回 in the ledger). */
export const YUAN_NUMFMT = '#,##0.00';
export const SIGNED_YUAN_NUMFMT = '#,##0.00;[Red]-#,##0.00';
export const FEN_NUMFMT = '0';
export const RED = 'FFC00000';

const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF000000' } };
export const ALL_BORDERS: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

export function newWorkbook(title: string): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = documentCreator();
  workbook.title = title;
  return workbook;
}

export interface ColumnSpec {
  header: string;
  /** Width in character units (a 汉字 takes about two): the least the column gets. */
  width: number;
  /** The most it grows to fit its longest text; longer text wraps (names, reasons). Default: `width`. */
  maxWidth?: number;
  align?: 'left' | 'center' | 'right';
  numFmt?: string;
  /** Kept in the file (the exact fen), out of sight and out of the print area. */
  hidden?: boolean;
}

export function font(options: { size?: number; bold?: boolean; color?: string } = {}): Partial<ExcelJS.Font> {
  return {
    name: XLSX_FONT,
    size: options.size ?? 11,
    ...(options.bold ? { bold: true } : {}),
    ...(options.color ? { color: { argb: options.color } } : {}),
  };
}

/** Column widths; hidden columns hidden (alignment and number formats go on the cells: dataRow). */
export function setColumns(sheet: ExcelJS.Worksheet, columns: readonly ColumnSpec[]): void {
  columns.forEach((spec, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = spec.width;
    if (spec.hidden) column.hidden = true;
  });
}

// ---- sizing for Chinese text ----------------------------------------------------------------------------
//
// A column's width counts the digit '0' of the default font; a 汉字 (or a full-width sign such as （ ）、，)
// is about twice as wide. Excel never grows a row for wrapped text on opening a file and LibreOffice keeps a
// written height, so the heights are computed here: a row too low prints a cell's text cut off.

/** East Asian wide and full-width characters (Unicode EastAsianWidth W and F), the curly quotes of 宋体. */
const WIDE = /[ᄀ-ᅟ‘’“”…⺀-〾ぁ-㏿㐀-䶿一-鿿ꀀ-꓏가-힣豈-﫿︰-﹏＀-｠￠-￦]/u;
/** Measured against LibreOffice's and Excel's output with the CJK fonts (Noto CJK, 宋体): a little over 2 and 1. */
const WIDE_UNITS = 2.1;
const NARROW_UNITS = 1.1;

/** The width of one line of text in column-width units. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? WIDE_UNITS : NARROW_UNITS;
  return width;
}

/** What a cell prints: numbers in the column's format (#,##0.00), everything else as written. */
export function printedText(value: CellValue, numFmt?: string): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (numFmt && numFmt.includes('0.00')) {
      const [whole, fraction] = Math.abs(value).toFixed(2).split('.');
      return `${value < 0 ? '-' : ''}${(whole ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction ?? '00'}`;
    }
    return String(value);
  }
  return value;
}

/** A cell's padding and the rounding of the renderer, in width units. */
const CELL_PADDING = 1.5;

/** Lines a text takes in a cell `width` units wide: explicit line breaks, then wrapping. */
export function linesIn(text: string, width: number, bold = false): number {
  const room = Math.max(1, width - CELL_PADDING);
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil((textWidth(line) * (bold ? 1.08 : 1)) / room)), 0);
}

/** Points per line at a font size: the CJK fonts' line is about 1.45 em (Noto CJK; 宋体 a little less). */
const lineHeight = (size: number): number => size * 1.45;

/**
 * Widths that fit the texts: each column as wide as its longest line (header words and values), between
 * its `width` and its `maxWidth`. Hidden columns keep their width.
 */
export function fitColumns(sheet: ExcelJS.Worksheet, columns: readonly ColumnSpec[], rows: readonly (readonly CellValue[])[]): void {
  columns.forEach((spec, i) => {
    if (spec.hidden) return;
    const longest = Math.max(
      0,
      ...rows.map((values) =>
        Math.max(
          0,
          ...printedText(values[i] ?? null, spec.numFmt)
            .split('\n')
            .map(textWidth),
        ),
      ),
    );
    sheet.getColumn(i + 1).width =
      Math.round(Math.min(Math.max(spec.width, longest + CELL_PADDING + 0.5), spec.maxWidth ?? spec.width) * 10) / 10;
  });
}

/**
 * Sets the height of a row so that every cell's text shows whole, merged cells counted across their
 * columns: the row's lines at its font size, and never below `minHeight`.
 */
export function fitRowHeight(sheet: ExcelJS.Worksheet, rowNumber: number, options: { minHeight?: number } = {}): void {
  const row = sheet.getRow(rowNumber);
  let lines = 1;
  let size = 11;
  row.eachCell({ includeEmpty: false }, (c, col) => {
    if (c.isMerged && c.master !== c) return;
    const text = c.text ?? '';
    if (text === '') return;
    let width = sheet.getColumn(col).width ?? 9;
    if (c.isMerged) {
      // Every column the merge spans on this row.
      for (let next = col + 1; next <= sheet.columnCount; next += 1) {
        const other = row.getCell(next);
        if (!other.isMerged || other.master !== c) break;
        if (!sheet.getColumn(next).hidden) width += sheet.getColumn(next).width ?? 9;
      }
    }
    const fontSize = c.font?.size ?? 11;
    const shown = typeof c.value === 'number' ? printedText(c.value, c.numFmt) : text;
    const need = c.alignment?.wrapText ? linesIn(shown, width, c.font?.bold === true) : shown.split('\n').length;
    if (need * fontSize > lines * size) {
      lines = need;
      size = fontSize;
    }
  });
  row.height = Math.max(options.minHeight ?? 0, Math.ceil(lines * lineHeight(size) + 4));
}

/** fitRowHeight for rows `from`..`to`. */
export function fitRowHeights(sheet: ExcelJS.Worksheet, from: number, to: number, options: { minHeight?: number } = {}): void {
  for (let r = from; r <= to; r += 1) fitRowHeight(sheet, r, options);
}

/** The width of the printed columns `1..printColumns`, in width units. */
export function printedWidth(sheet: ExcelJS.Worksheet, printColumns: number): number {
  let total = 0;
  for (let col = 1; col <= printColumns; col += 1) if (!sheet.getColumn(col).hidden) total += sheet.getColumn(col).width ?? 9;
  return total;
}

/** A title across `columnCount` columns, centred, bold. */
export function titleRow(sheet: ExcelJS.Worksheet, rowNumber: number, columnCount: number, text: string, size = 16): void {
  sheet.mergeCells(rowNumber, 1, rowNumber, columnCount);
  const c = sheet.getCell(rowNumber, 1);
  c.value = text;
  c.font = font({ size, bold: true });
  c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  sheet.getRow(rowNumber).height = size * 2;
}

/** Text across columns `from`..`to` of a row. */
export function mergedText(
  sheet: ExcelJS.Worksheet,
  rowNumber: number,
  from: number,
  to: number,
  text: string,
  options: { align?: 'left' | 'center' | 'right'; bold?: boolean; color?: string; border?: boolean } = {},
): ExcelJS.Cell {
  if (to > from) sheet.mergeCells(rowNumber, from, rowNumber, to);
  const c = sheet.getCell(rowNumber, from);
  c.value = text;
  c.font = font({ ...(options.bold ? { bold: true } : {}), ...(options.color ? { color: options.color } : {}) });
  c.alignment = { horizontal: options.align ?? 'left', vertical: 'middle', wrapText: true };
  if (options.border) for (let col = from; col <= to; col += 1) sheet.getCell(rowNumber, col).border = ALL_BORDERS;
  return c;
}

/** The header row: bold, centred, bordered, shaded. */
export function headerRow(sheet: ExcelJS.Worksheet, rowNumber: number, columns: readonly ColumnSpec[]): void {
  const r = sheet.getRow(rowNumber);
  columns.forEach((spec, i) => {
    const c = r.getCell(i + 1);
    c.value = spec.header;
    c.font = font({ bold: true });
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = ALL_BORDERS;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  r.height = 30;
}

export type CellValue = string | number | null;

/** A bordered row of values, each formatted as its column says. */
export function dataRow(
  sheet: ExcelJS.Worksheet,
  rowNumber: number,
  columns: readonly ColumnSpec[],
  values: readonly CellValue[],
  options: { bold?: boolean } = {},
): void {
  const r = sheet.getRow(rowNumber);
  columns.forEach((spec, i) => {
    const c = r.getCell(i + 1);
    const value = values[i];
    c.value = value === undefined || value === null ? null : value;
    c.font = font(options.bold ? { bold: true } : {});
    c.alignment = { horizontal: spec.align ?? 'left', vertical: 'middle', wrapText: true };
    if (spec.numFmt) c.numFmt = spec.numFmt;
    c.border = ALL_BORDERS;
  });
}

/** 元 for a cell; null stays empty. */
export function yuan(fen: number | null | undefined): number | null {
  return fen === null || fen === undefined ? null : fenToYuanNumber(fen);
}

/** The column letter of a 1-based column number (≤ 26 columns here). */
export function columnLetter(column: number): string {
  return String.fromCharCode(64 + column);
}

/**
 * Portrait A4 prints about this many width units across at full size (the text block less the margins);
 * a wider sheet prints landscape.
 */
export const PORTRAIT_PRINT_WIDTH = 95;

/**
 * A4 — landscape when the columns are wider than a portrait page —, fit to one page wide (as many pages
 * high as it takes: no column is cut off or pushed to a page of its own), header rows repeated on every
 * page, printing only the visible columns `1..printColumns`.
 */
export function printSetup(
  sheet: ExcelJS.Worksheet,
  options: { printColumns: number; lastRow: number; repeatRows?: [number, number] },
): void {
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9, // A4 (ExcelJS.PaperSize.A4: a const enum, which isolated modules cannot read)
    orientation: printedWidth(sheet, options.printColumns) > PORTRAIT_PRINT_WIDTH ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    printArea: `A1:${columnLetter(options.printColumns)}${Math.max(1, options.lastRow)}`,
    ...(options.repeatRows ? { printTitlesRow: `${options.repeatRows[0]}:${options.repeatRows[1]}` } : {}),
  };
  sheet.headerFooter.oddFooter = '&C第 &P 页，共 &N 页';
}

/** Freezes the rows above `firstBodyRow` (title and header) when scrolling. */
export function freezeAbove(sheet: ExcelJS.Worksheet, firstBodyRow: number): void {
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: firstBodyRow - 1, topLeftCell: `A${firstBodyRow}`, activeCell: `A${firstBodyRow}` }];
}

/** '2026-05-01T02:03:04Z' → '2026-05-01 10:03:04': China keeps UTC+8 all year, so the offset is fixed. */
export function formatShanghaiTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + 8 * 3600 * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

export async function workbookBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  const data = await workbook.xlsx.writeBuffer();
  // exceljs types its result as an ArrayBuffer; on Node it is a Buffer already.
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
