/** Opening generated documents in tests: the text of a .docx, the workbook of an .xlsx. */

import ExcelJS from 'exceljs';
import JSZip from 'jszip';

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescapeXml = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e] ?? e);

const runsText = (xml: string): string => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescapeXml(t[1] ?? '')).join('');

export interface OpenedDocx {
  xml: string;
  /** The visible text of each paragraph, in order. */
  paragraphs: string[];
  /** Each table row as the text of its cells. */
  rows: string[][];
  /** The text of each footer part. */
  footers: string[];
}

export async function openDocx(buffer: Buffer): Promise<OpenedDocx> {
  expect(buffer.subarray(0, 2).toString()).toBe('PK');
  const zip = await JSZip.loadAsync(buffer);
  const file = zip.file('word/document.xml');
  if (file === null) throw new Error('no word/document.xml');
  const xml = await file.async('string');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => runsText(p[0]));
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) =>
    [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) =>
      [...tc[0].matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => runsText(p[0])).join('\n'),
    ),
  );
  const footers = await Promise.all(
    Object.keys(zip.files)
      .filter((name) => /^word\/footer\d+\.xml$/.test(name))
      .map(async (name) => runsText((await zip.file(name)?.async('string')) ?? '')),
  );
  return { xml, paragraphs, rows, footers };
}

export async function openXlsx(buffer: Buffer): Promise<ExcelJS.Workbook> {
  expect(buffer.subarray(0, 2).toString()).toBe('PK');
  const workbook = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer; it hands it to JSZip, which takes a Node Buffer as well.
  await workbook.xlsx.load(buffer as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

export function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (found === undefined) throw new Error(`no sheet ${name}`);
  return found;
}

/** Every row of a sheet as its cells' values (1-based columns at index 0 = column A). */
export function sheetRows(ws: ExcelJS.Worksheet): ExcelJS.CellValue[][] {
  const rows: ExcelJS.CellValue[][] = [];
  for (let r = 1; r <= ws.rowCount; r += 1) {
    const row = ws.getRow(r);
    const values: ExcelJS.CellValue[] = [];
    for (let c = 1; c <= ws.columnCount; c += 1) values.push(row.getCell(c).value);
    rows.push(values);
  }
  return rows;
}

/** The first row whose cell in column `column` (1-based) has `value`, as a 1-based row number. */
export function findRow(ws: ExcelJS.Worksheet, column: number, value: ExcelJS.CellValue): number {
  for (let r = 1; r <= ws.rowCount; r += 1) if (ws.getRow(r).getCell(column).value === value) return r;
  return -1;
}

/** Row numbers whose cell text (any column) contains `text`. */
export function rowsContaining(ws: ExcelJS.Worksheet, text: string): number[] {
  const found: number[] = [];
  for (let r = 1; r <= ws.rowCount; r += 1) {
    const row = ws.getRow(r);
    for (let c = 1; c <= ws.columnCount; c += 1) {
      const v = row.getCell(c).value;
      if (typeof v === 'string' && v.includes(text)) {
        found.push(r);
        break;
      }
    }
  }
  return found;
}
