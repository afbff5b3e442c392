import type ExcelJS from 'exceljs';
import {
  PROPOSED_LIST_SHEET,
  renderProposedListXlsx,
  type ProposedListInput,
  type ProposedListRow,
} from '../../../server/src/documents/proposedListXlsx';
import { findRow, openXlsx, rowsContaining, sheet } from './openDocument';

const rows: ProposedListRow[] = [
  {
    countyName: '伊美区',
    trackingNo: 'YC2026-000101',
    enterpriseName: '伊春林都木业有限公司',
    creditCode: '91230702MA1B2C3D4E',
    providerName: '黑龙江北疆云智科技有限公司',
    contractAmountFen: 12_000_002,
    paidAmountFen: 12_000_002,
    payableFen: 6_000_001,
    verifiedFen: 6_000_001,
  },
  {
    countyName: '铁力市',
    trackingNo: 'YC2026-000117',
    enterpriseName: '铁力市森源蓝莓酒业有限公司',
    creditCode: '91230781MA1X9Y8Z7W',
    providerName: '哈尔滨冰城云计算有限公司',
    contractAmountFen: 26_000_000,
    paidAmountFen: 25_000_000,
    payableFen: 10_000_000,
    verifiedFen: 8_333_333,
    reductionReason: '部分服务期超出申报年度，按实际服务期核减',
    note: '公示无异议',
  },
];

const base: ProposedListInput = {
  year: 2026,
  batchNo: 1,
  status: 'notice',
  noticeStart: '2026-05-06',
  noticeEnd: '2026-05-12',
  rows,
  budget: { budgetFen: 100_000_000, committedBeforeFen: 50_000_000 },
};

async function open(input: ProposedListInput): Promise<ExcelJS.Worksheet> {
  return sheet(await openXlsx(await renderProposedListXlsx(input)), PROPOSED_LIST_SHEET);
}

describe('renderProposedListXlsx', () => {
  let ws: ExcelJS.Worksheet;

  beforeAll(async () => {
    ws = await open(base);
  });

  test('title, list number, status and notice period', () => {
    expect(ws.getCell('A1').value).toBe('2026年伊春市工业企业上云补助拟补贴名单（第1批）');
    expect(ws.getCell('A2').value).toBe('名单编号：2026年第1批');
    expect(ws.getCell('E2').value).toBe('状态：公示中');
    expect(ws.getCell('I2').value).toBe('公示期：2026年5月6日至2026年5月12日');
  });

  test('the header, frozen, and the columns of exact fen hidden beside it', () => {
    expect(ws.getRow(3).values).toEqual([
      undefined,
      '序号',
      '县（市）区',
      '申报编号',
      '企业名称',
      '统一社会信用代码',
      '云服务商',
      '合同金额（元）',
      '实际支付（元）',
      '按政策计算补助（元）',
      '核定金额（元）',
      '核减原因',
      '备注',
      '合同金额（分）',
      '实际支付（分）',
      '按政策计算补助（分）',
      '核定金额（分）',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    for (const c of [13, 14, 15, 16]) expect(ws.getColumn(c).hidden).toBe(true);
    expect(ws.getColumn(12).hidden).toBe(false);
    // Sized for Chinese: the longest name (13 汉字, about 27 units) is past the column's cap, so it wraps at 20.
    expect(ws.getColumn(4).width).toBe(20);
    // The credit code never wraps: its column fits its 18 characters.
    expect(ws.getColumn(5).width).toBeGreaterThanOrEqual(18 * 1.1);
  });

  test('rows: names, amounts in 元 as numbers formatted with two decimals, fen exact', () => {
    const r = findRow(ws, 3, 'YC2026-000117');
    expect(r).toBe(5);
    const row = ws.getRow(r);
    expect(row.getCell(1).value).toBe(2);
    expect(row.getCell(2).value).toBe('铁力市');
    expect(row.getCell(4).value).toBe('铁力市森源蓝莓酒业有限公司');
    expect(row.getCell(5).value).toBe('91230781MA1X9Y8Z7W');
    expect(row.getCell(9).value).toBe(100000);
    expect(row.getCell(10).value).toBe(83333.33);
    expect(row.getCell(10).numFmt).toBe('#,##0.00');
    expect(row.getCell(11).value).toBe('部分服务期超出申报年度，按实际服务期核减');
    expect(row.getCell(12).value).toBe('公示无异议');
    expect(row.getCell(16).value).toBe(8_333_333);
    const first = ws.getRow(4);
    expect(first.getCell(7).value).toBe(120000.02);
    expect(first.getCell(10).value).toBe(60000.01);
    expect(first.getCell(13).value).toBe(12_000_002);
    expect(first.getCell(11).value).toBeNull();
  });

  test('the totals row, computed in fen', () => {
    const r = findRow(ws, 1, '合计（2户）');
    expect(r).toBe(6);
    const row = ws.getRow(r);
    expect(row.getCell(7).value).toBe(380000.02);
    expect(row.getCell(8).value).toBe(370000.02);
    expect(row.getCell(9).value).toBe(160000.01);
    expect(row.getCell(10).value).toBe(143333.34);
    expect(row.getCell(16).value).toBe(14_333_334);
  });

  test('budget lines, and no warning within the budget', () => {
    const value = (label: string): ExcelJS.CellValue => ws.getRow(rowsContaining(ws, label)[0] ?? -1).getCell(10).value;
    expect(value('2026年度预算（元）')).toBe(1_000_000);
    expect(value('已承诺（含本名单）（元）')).toBe(643333.34);
    expect(value('剩余（元）')).toBe(356666.66);
    expect(rowsContaining(ws, '警告')).toEqual([]);
  });

  test('signature lines as the work is divided (市工信局 drafts, 市财政局 co-signs and approves) and print setup', () => {
    const lines = rowsContaining(ws, '拟稿：市工信局（盖章）');
    expect(lines.length).toBe(1);
    expect(rowsContaining(ws, '会签：市财政局（盖章）')).toEqual(lines);
    expect(rowsContaining(ws, '审定：市财政局（盖章）')).toEqual(lines);
    expect(rowsContaining(ws, '市工信局（会签）')).toEqual([]);
    // Nobody has signed yet: blanks to fill by hand.
    expect(rowsContaining(ws, '经办人：　　　　　　').length).toBe(1);
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(ws.pageSetup.printArea).toMatch(/^A1:L\d+$/);
  });

  test('the steps done carry who did them and when; wrapped rows are as high as their lines', async () => {
    const signed = await open({
      ...base,
      signatures: { drafted: { name: '王晓梅', on: '2026-05-20' }, cosigned: { name: '市财政局经办人', on: '2026-05-22' }, approved: null },
    });
    const [lineRow] = rowsContaining(signed, '拟稿：市工信局（盖章）');
    const texts = [1, 5, 9].map((c) => signed.getCell(lineRow, c).text);
    expect(texts).toEqual([
      '拟稿：市工信局（盖章）\n经办人：王晓梅\n日期：2026年5月20日',
      '会签：市财政局（盖章）\n经办人：市财政局经办人\n日期：2026年5月22日',
      '审定：市财政局（盖章）\n经办人：　　　　　　\n日期：　　　　年　　月　　日',
    ]);
    expect(signed.getRow(lineRow).height).toBeGreaterThanOrEqual(3 * 11 * 1.4);
    // A row whose name wraps onto two lines is higher than the one-line total row.
    const named = findRow(signed, 4, '铁力市森源蓝莓酒业有限公司');
    const [total] = rowsContaining(signed, '合计（');
    expect(signed.getRow(named).height).toBeGreaterThan(signed.getRow(total).height ?? 0);
  });

  test('a version shared by every row is said once under the totals, leaving 备注 to the reviewers', async () => {
    expect(rowsContaining(ws, '说明：')).toEqual([]);
    const versioned = await open({ ...base, policyVersion: '某市支持工业企业上云补助实施细则，2023-01-01 起施行' });
    const [line] = rowsContaining(versioned, '说明：');
    expect(line).toBe(findRow(versioned, 1, '合计（2户）') + 1);
    expect(versioned.getRow(line ?? -1).getCell(1).value).toBe(
      '说明：本名单补助金额均按政策版本 某市支持工业企业上云补助实施细则，2023-01-01 起施行 核定。',
    );
    expect(versioned.getRow(4).getCell(12).value).toBeNull();
    expect(rowsContaining(versioned, '2026年度预算（元）')).toHaveLength(1);
  });

  test('a list past the budget gets a red warning', async () => {
    const over = await open({
      ...base,
      status: 'draft',
      noticeStart: null,
      noticeEnd: null,
      budget: { budgetFen: 50_000_000, committedBeforeFen: 40_000_000 },
    });
    expect(over.getCell('E2').value).toBe('状态：草稿');
    expect(over.getCell('I2').value).toBeNull();
    const remaining = over.getRow(rowsContaining(over, '剩余（元）')[0] ?? -1).getCell(10);
    expect(remaining.value).toBe(-43333.34);
    const [warningRow] = rowsContaining(over, '警告');
    expect(warningRow).toBeDefined();
    const warning = over.getRow(warningRow ?? -1).getCell(1);
    expect(warning.value).toContain('超出2026年度预算43,333.34 元');
    expect(warning.font?.color?.argb).toBe('FFC00000');
  });

  test('exactly at the budget: no warning; and without a budget: no budget lines', async () => {
    const exact = await open({ ...base, budget: { budgetFen: 64_333_334, committedBeforeFen: 50_000_000 } });
    expect(exact.getRow(rowsContaining(exact, '剩余（元）')[0] ?? -1).getCell(10).value).toBe(0);
    expect(rowsContaining(exact, '警告')).toEqual([]);
    const none = await open({ ...base, budget: undefined });
    expect(rowsContaining(none, '年度预算')).toEqual([]);
  });

  test('three rows of 3,333,333 fen total 99,999.99 元', async () => {
    const three = [0, 1, 2].map((i) => ({ ...rows[0], trackingNo: `YC2026-00020${i}`, payableFen: 3_333_333, verifiedFen: 3_333_333 }));
    const list = await open({
      ...base,
      rows: three,
      title: '2026年伊春市工业企业上云补助拟补贴名单（第2批）',
      batchNo: 2,
      status: 'approved',
    });
    expect(list.getCell('A1').value).toBe('2026年伊春市工业企业上云补助拟补贴名单（第2批）');
    expect(list.getCell('E2').value).toBe('状态：已审批');
    const total = list.getRow(findRow(list, 1, '合计（3户）'));
    expect(total.getCell(10).value).toBe(99999.99);
    expect(total.getCell(16).value).toBe(9_999_999);
  });

  test('no rows: a header and a zero total', async () => {
    const empty = await open({ ...base, rows: [], status: 'cosigned' });
    expect(empty.getCell('E2').value).toBe('状态：已会签');
    const total = empty.getRow(findRow(empty, 1, '合计（0户）'));
    expect(total.number).toBe(4);
    expect(total.getCell(10).value).toBe(0);
    expect(rowsContaining(empty, '警告')).toEqual([]);
  });
});
