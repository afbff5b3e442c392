/**
 * What the bureau's Excel lists share (DESIGN.md "Documents the bureau prints": Excel for lists): 宋体,
 * thin borders, money as numbers of 元 with two decimals beside the exact fen, landscape A4 printing fit to
 * the width, times in Asia/Shanghai.
 */

import ExcelJS from 'exceljs';
import { fenToYuanNumber } from './common';

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
  workbook.creator = '伊春市工业企业上云补助平台';
  workbook.title = title;
  return workbook;
}

export interface ColumnSpec {
  header: string;
  /** Width in characters. */
  width: number;
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
 * Landscape A4, fit to one page wide (as many pages high as it takes), header rows repeated on every page,
 * printing only the visible columns `1..printColumns`.
 */
export function printSetup(
  sheet: ExcelJS.Worksheet,
  options: { printColumns: number; lastRow: number; repeatRows?: [number, number] },
): void {
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9, // A4 (ExcelJS.PaperSize.A4: a const enum, which isolated modules cannot read)
    orientation: 'landscape',
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
