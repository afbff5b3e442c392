import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { openDocx, openXlsx } from './openDocument';
import { generateEveryDocument, type GeneratedDocument } from './realisticDocuments';

/**
 * Issue 14 item 9: every generated file prints on its paper without cut columns. Each document, generated
 * by the product's own functions from realistic data at its widest, is converted to PDF by LibreOffice
 * (once, in its own user profile, under a timeout); pdfinfo gives the paper of every page and the count;
 * pdftotext -layout must show every cell's and paragraph's whole text (text cut off by a narrow column or a
 * low row is text lost), and every page of a sheet must carry every column's header (a column pushed to a
 * page of its own is a cut column). Without LibreOffice the test is skipped here, and fails in CI.
 */

function which(command: string): string | null {
  const res = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim() ? res.stdout.trim() : null;
}

const soffice = which('soffice');
const poppler = which('pdfinfo') !== null && which('pdftotext') !== null;
const inCi = Boolean(process.env.CI);
const run = (soffice !== null && poppler) || inCi ? describe : describe.skip;

const A4 = { short: 595.3, long: 841.9 };
const near = (a: number, b: number): boolean => Math.abs(a - b) < 2;

interface PrintedPage {
  width: number;
  height: number;
  text: string;
}
interface Printed {
  doc: GeneratedDocument;
  pages: PrintedPage[];
  /** pdftotext -layout of the whole document. */
  layout: string;
}

function pdfPages(pdf: string): PrintedPage[] {
  const count = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout)?.[1] ?? 0);
  const info = spawnSync('pdfinfo', ['-f', '1', '-l', String(count), pdf], { encoding: 'utf8' }).stdout;
  const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  expect(sizes).toHaveLength(count);
  return sizes.map(([width, height], i) => ({
    width,
    height,
    text: spawnSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).stdout,
  }));
}

const squeeze = (s: string): string => s.replace(/\s+/g, '');

/**
 * Whether `expected` shows whole in the -layout text: on one line, or — wrapped in its cell — in pieces on
 * lines that follow each other (a few apart at most: the neighbouring cells' lines come between). Each piece
 * but the last has at least two characters, so that scattered single characters never count as found.
 */
export function shownWhole(layout: string, expected: string): boolean {
  const target = squeeze(expected);
  if (target === '') return true;
  const lines = layout.split('\n').map(squeeze);
  if (lines.some((l) => l.includes(target))) return true;
  const follow = (from: number, rest: string): boolean => {
    if (rest === '') return true;
    for (let i = from; i < Math.min(lines.length, from + 4); i += 1) {
      const line = lines[i] ?? '';
      for (let k = rest.length; k >= Math.min(2, rest.length); k -= 1) {
        if (line.includes(rest.slice(0, k)) && follow(i + 1, rest.slice(k))) return true;
      }
    }
    return false;
  };
  return lines.some((line, i) => {
    for (let k = target.length - 1; k >= 2; k -= 1) if (line.includes(target.slice(0, k)) && follow(i + 1, target.slice(k))) return true;
    return false;
  });
}

/**
 * Short texts (labels such as 序号, up to four characters) never wrap in a table that fits them: each must
 * show on one line as many times as the document has it. The texts that do not.
 */
function brokenShortTexts(layout: string, texts: readonly string[]): string[] {
  const lines = layout.split('\n').map(squeeze);
  const wanted = new Map<string, number>();
  for (const t of texts.map(squeeze)) if (t.length >= 2 && t.length <= 4) wanted.set(t, (wanted.get(t) ?? 0) + 1);
  return [...wanted].filter(([t, n]) => lines.reduce((sum, line) => sum + line.split(t).length - 1, 0) < n).map(([t]) => t);
}

/** Every paragraph of a .docx (table cells included), as written. */
async function docxTexts(buffer: Buffer): Promise<string[]> {
  return (await openDocx(buffer)).paragraphs.map((p) => p.trim()).filter((p) => p !== '');
}

/** What a cell prints, worked out here on its own: numbers in their format, the rest as written. */
function printed(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!(cell.numFmt ?? '').includes('0.00')) return String(value);
    const [whole, fraction] = Math.abs(value).toFixed(2).split('.');
    return `${value < 0 ? '-' : ''}${(whole ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
  }
  return cell.text;
}

interface SheetTexts {
  headers: string[];
  cells: string[];
}

/** Every cell in the print area of every sheet (hidden columns and merged-over cells aside), with its headers. */
async function xlsxTexts(buffer: Buffer): Promise<SheetTexts[]> {
  const workbook = await openXlsx(buffer);
  return workbook.worksheets.map((sheet) => {
    const area = /^A1:([A-Z]+)(\d+)$/.exec(String(sheet.pageSetup.printArea ?? ''));
    expect(area).not.toBeNull();
    const lastColumn = (area?.[1] ?? 'A').charCodeAt(0) - 64;
    const lastRow = Number(area?.[2] ?? 0);
    const headerRow = Number(/^(\d+):/.exec(String(sheet.pageSetup.printTitlesRow ?? ''))?.[1] ?? 0);
    const cells: string[] = [];
    const headers: string[] = [];
    for (let r = 1; r <= lastRow; r += 1) {
      for (let c = 1; c <= lastColumn; c += 1) {
        if (sheet.getColumn(c).hidden) continue;
        const cell = sheet.getCell(r, c);
        if (cell.isMerged && cell.master.address !== cell.address) continue;
        const text = printed(cell);
        if (text === '') continue;
        cells.push(...text.split('\n').filter((line) => line.trim() !== ''));
        if (r === headerRow) headers.push(text);
      }
    }
    return { headers, cells };
  });
}

run('every generated document printed through LibreOffice (issue 14 item 9)', () => {
  let dir: string;
  const printed = new Map<string, Printed>();

  beforeAll(async () => {
    if (soffice === null || !poppler)
      throw new Error('LibreOffice (soffice) or poppler-utils (pdfinfo, pdftotext) is missing: .ci/run installs them');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-pdf-'));
    const docs = await generateEveryDocument();
    const files = docs.map((d) => {
      const file = path.join(dir, `${d.name}.${d.kind}`);
      fs.writeFileSync(file, d.buffer);
      return file;
    });
    // Its own profile: a LibreOffice already running for someone else (or a stale lock) cannot block it.
    const profile = `file://${path.join(dir, 'profile')}`;
    const res = spawnSync(
      soffice,
      ['--headless', '--norestore', '--convert-to', 'pdf', '--outdir', path.join(dir, 'pdf'), `-env:UserInstallation=${profile}`, ...files],
      { encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' },
    );
    if (res.error) throw new Error(`soffice failed: ${res.error.message}`);
    for (const d of docs) {
      const pdf = path.join(dir, 'pdf', `${d.name}.pdf`);
      if (!fs.existsSync(pdf)) throw new Error(`soffice made no PDF of ${d.name}: ${res.stdout}${res.stderr}`);
      const pages = pdfPages(pdf);
      printed.set(d.name, { doc: d, pages, layout: pages.map((p) => p.text).join('\n') });
    }
  }, 300_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (name: string): Printed => {
    const p = printed.get(name);
    if (!p) throw new Error(`${name} was not printed`);
    return p;
  };
  const portrait = (p: PrintedPage): boolean => near(p.width, A4.short) && near(p.height, A4.long);
  const landscape = (p: PrintedPage): boolean => near(p.width, A4.long) && near(p.height, A4.short);

  test.each([
    // name, pages (at least, at most), orientation of every page
    ['filing', 4, 9, 'portrait'],
    ['settlement', 3, 6, 'portrait'],
    ['jointReport', 3, 8, 'letter portrait, table landscape'],
    ['proposedList', 2, 4, 'landscape'],
    ['ledger', 4, 9, 'landscape'],
  ] as const)('%s prints on A4: pages and paper', (name, least, most, orientation) => {
    const { pages } = get(name);
    expect(pages.length).toBeGreaterThanOrEqual(least);
    expect(pages.length).toBeLessThanOrEqual(most);
    for (const page of pages) expect(portrait(page) || landscape(page)).toBe(true);
    if (orientation === 'portrait') expect(pages.every(portrait)).toBe(true);
    if (orientation === 'landscape') expect(pages.every(landscape)).toBe(true);
    if (orientation === 'letter portrait, table landscape') {
      expect(portrait(pages[0])).toBe(true);
      expect(pages.some(landscape)).toBe(true);
    }
  });

  test.each(['filing', 'settlement', 'jointReport'])('%s: every paragraph and cell shows whole', async (name) => {
    const { doc, layout } = get(name);
    const texts = await docxTexts(doc.buffer);
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.filter((t) => !shownWhole(layout, t))).toEqual([]);
    expect(brokenShortTexts(layout, texts)).toEqual([]);
  });

  test.each(['proposedList', 'ledger'])('%s: every cell shows whole, every page carries every column', async (name) => {
    const { doc, layout, pages } = get(name);
    const sheets = await xlsxTexts(doc.buffer);
    for (const sheet of sheets) {
      expect(sheet.cells.length).toBeGreaterThan(50);
      expect(sheet.cells.filter((t) => !shownWhole(layout, t))).toEqual([]);
      expect(brokenShortTexts(layout, sheet.cells)).toEqual([]);
    }
    // No column cut off or pushed to a page of its own: each page has every header of its sheet.
    for (const page of pages) {
      const sheet = sheets.find((s) => s.headers.every((h) => shownWhole(page.text, h)));
      expect({ page: pages.indexOf(page) + 1, sheet: sheet ? 'all headers' : page.text.slice(0, 400) }).toEqual({
        page: pages.indexOf(page) + 1,
        sheet: 'all headers',
      });
    }
  });

  test('the 拟补贴名单 is signed as the work is divided: 市工信局 drafts, 市财政局 co-signs and approves', () => {
    const { layout } = get('proposedList');
    for (const line of [
      '拟稿：市工信局（盖章）',
      '会签：市财政局（盖章）',
      '审定：市财政局（盖章）',
      '经办人：欧阳晓梅',
      '日期：2026年5月20日',
    ])
      expect(shownWhole(layout, line)).toBe(true);
  });

  test('the check itself: text cut short is not found', () => {
    const layout = '伊春市伊美区森工机械   91230702MA1B\n制造有限公司           00C3D4\n';
    expect(shownWhole(layout, '伊春市伊美区森工机械制造有限公司')).toBe(true);
    expect(shownWhole(layout, '91230702MA1B00C3D4')).toBe(true);
    expect(shownWhole(layout, '伊春市伊美区森工机械制造股份有限公司')).toBe(false);
    expect(shownWhole('伊春市伊美区森工机\n', '伊春市伊美区森工机械')).toBe(false);
    expect(brokenShortTexts('序号  企业名称\n1     伊春林都\n序    优惠名称\n号\n', ['序号', '序号', '企业名称', '优惠名称'])).toEqual([
      '序号',
    ]);
  });
});
