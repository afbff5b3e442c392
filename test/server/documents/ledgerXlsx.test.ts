import type ExcelJS from 'exceljs';
import {
  LEDGER_SHEET,
  LEDGER_TOTALS_SHEET,
  ledgerTotalsByApplication,
  renderLedgerXlsx,
  type LedgerEntry,
  type LedgerInput,
} from '../../../server/src/documents/ledgerXlsx';
import { findRow, openXlsx, rowsContaining, sheet } from './openDocument';

const linDu = {
  trackingNo: 'YC2026-000101',
  enterpriseName: '伊春林都木业有限公司',
  accountName: '伊春林都木业有限公司',
  bankName: '中国工商银行伊春分行营业部',
  accountNo: '0902 0123 4567 8901 234',
  recordedBy: '李会计',
};
const senYuan = {
  trackingNo: 'YC2026-000117',
  enterpriseName: '铁力市森源蓝莓酒业有限公司',
  accountName: '铁力市森源蓝莓酒业有限公司',
  bankName: '中国农业银行铁力市支行',
  accountNo: '08123456789012345',
  recordedBy: '张出纳',
};

const entries: LedgerEntry[] = [
  {
    ...linDu,
    seq: 1,
    recordedAt: '2026-06-01T02:30:00Z',
    kind: 'payment',
    amountFen: 6_000_001,
    voucherNo: 'GK2026060100012',
    paidOn: '2026-06-01',
  },
  {
    ...senYuan,
    seq: 2,
    recordedAt: '2026-06-01T03:00:00Z',
    kind: 'payment',
    amountFen: 8_333_333,
    voucherNo: 'GK2026060100013',
    paidOn: '2026-06-01',
  },
  {
    ...senYuan,
    seq: 3,
    recordedAt: '2026-06-08T01:15:00Z',
    kind: 'reversal',
    amountFen: -8_333_333,
    voucherNo: 'GK2026060100013',
    paidOn: '2026-06-08',
    reason: '退汇：收款账号已销户',
  },
  {
    ...linDu,
    seq: 4,
    recordedAt: '2026-06-09T16:30:00Z', // 2026-06-10 00:30 in Yichun
    kind: 'correction',
    amountFen: -1,
    voucherNo: 'GK2026060100012',
    paidOn: '2026-06-01',
    reason: '更正：登记金额多记1分',
  },
  {
    ...senYuan,
    accountNo: '08123456789019999',
    seq: 5,
    recordedAt: '2026-06-15T02:00:00Z',
    kind: 'payment',
    amountFen: 8_333_333,
    voucherNo: 'GK2026061500007',
    paidOn: '2026-06-15',
    reason: '重新拨付至新账户',
  },
];

const input: LedgerInput = { generatedAt: '2026-06-30T08:00:00Z', entries };

describe('renderLedgerXlsx', () => {
  let entrySheet: ExcelJS.Worksheet;
  let totalSheet: ExcelJS.Worksheet;

  beforeAll(async () => {
    // Given out of order: the ledger lists by seq.
    const workbook = await openXlsx(await renderLedgerXlsx({ ...input, entries: [...entries].reverse() }));
    entrySheet = sheet(workbook, LEDGER_SHEET);
    totalSheet = sheet(workbook, LEDGER_TOTALS_SHEET);
  });

  test('title, time of generation in Yichun time, header', () => {
    expect(entrySheet.getCell('A1').value).toBe('伊春市工业企业上云补助资金拨付台账');
    expect(entrySheet.getCell('A2').value).toBe('生成时间：2026-06-30 16:00:00　共5笔');
    expect(entrySheet.getRow(3).values).toEqual([
      undefined,
      '序号',
      '登记时间',
      '申报编号',
      '企业名称',
      '收款账户名',
      '开户行',
      '账号',
      '类型',
      '金额（元）',
      '国库支付凭证号',
      '拨付日期',
      '原因',
      '登记人',
      '金额（分）',
    ]);
    expect(entrySheet.getColumn(14).hidden).toBe(true);
    expect(entrySheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(entrySheet.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1 });
  });

  test('entries in ledger order, account numbers masked but the last 4 digits', () => {
    const first = entrySheet.getRow(4);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(2).value).toBe('2026-06-01 10:30:00');
    expect(first.getCell(3).value).toBe('YC2026-000101');
    expect(first.getCell(4).value).toBe('伊春林都木业有限公司');
    expect(first.getCell(5).value).toBe('伊春林都木业有限公司');
    expect(first.getCell(6).value).toBe('中国工商银行伊春分行营业部');
    expect(first.getCell(7).value).toBe('***************1234');
    expect(first.getCell(8).value).toBe('拨付');
    expect(first.getCell(9).value).toBe(60000.01);
    expect(first.getCell(10).value).toBe('GK2026060100012');
    expect(first.getCell(11).value).toBe('2026-06-01');
    expect(first.getCell(13).value).toBe('李会计');
    expect(first.getCell(14).value).toBe(6_000_001);
    expect(entrySheet.getRow(8).getCell(7).value).toBe('*************9999');
    for (let r = 4; r <= 8; r += 1) {
      const shown = entrySheet.getRow(r).getCell(7).text;
      expect(shown).not.toMatch(/\d{5,}/);
    }
  });

  test('a reversal is negative, with its reason; a correction is an entry too', () => {
    const reversal = entrySheet.getRow(findRow(entrySheet, 1, 3));
    expect(reversal.getCell(8).value).toBe('退汇冲回');
    expect(reversal.getCell(9).value).toBe(-83333.33);
    expect(reversal.getCell(9).numFmt).toBe('#,##0.00;[Red]-#,##0.00');
    expect(reversal.getCell(12).value).toBe('退汇：收款账号已销户');
    expect(reversal.getCell(14).value).toBe(-8_333_333);
    const correction = entrySheet.getRow(findRow(entrySheet, 1, 4));
    expect(correction.getCell(2).value).toBe('2026-06-10 00:30:00');
    expect(correction.getCell(8).value).toBe('更正');
    expect(correction.getCell(9).value).toBe(-0.01);
    expect(correction.getCell(12).value).toBe('更正：登记金额多记1分');
  });

  test('totals by kind and the grand total, in fen', () => {
    const total = (label: string): [ExcelJS.CellValue, ExcelJS.CellValue] => {
      const row = entrySheet.getRow(findRow(entrySheet, 1, label));
      return [row.getCell(9).value, row.getCell(14).value];
    };
    expect(total('拨付合计')).toEqual([226666.67, 22_666_667]);
    expect(total('更正合计')).toEqual([-0.01, -1]);
    expect(total('退汇冲回合计')).toEqual([-83333.33, -8_333_333]);
    expect(total('净拨付总计')).toEqual([143333.33, 14_333_333]);
  });

  test('net per application on the second sheet, with the grand total', () => {
    expect(totalSheet.getRow(3).values).toEqual([
      undefined,
      '序号',
      '申报编号',
      '企业名称',
      '拨付（元）',
      '更正（元）',
      '退汇冲回（元）',
      '净拨付（元）',
      '笔数',
      '最后拨付日期',
      '净拨付（分）',
    ]);
    const linDuRow = totalSheet.getRow(findRow(totalSheet, 2, 'YC2026-000101'));
    expect(linDuRow.getCell(1).value).toBe(1);
    expect(linDuRow.getCell(3).value).toBe('伊春林都木业有限公司');
    expect([4, 5, 6, 7, 8, 9, 10].map((c) => linDuRow.getCell(c).value)).toEqual([60000.01, -0.01, 0, 60000, 2, '2026-06-01', 6_000_000]);
    const senYuanRow = totalSheet.getRow(findRow(totalSheet, 2, 'YC2026-000117'));
    expect([4, 5, 6, 7, 8, 9, 10].map((c) => senYuanRow.getCell(c).value)).toEqual([
      166666.66,
      0,
      -83333.33,
      83333.33,
      3,
      '2026-06-15',
      8_333_333,
    ]);
    const [grand] = rowsContaining(totalSheet, '总计');
    const grandRow = totalSheet.getRow(grand ?? -1);
    expect(grandRow.getCell(1).value).toBe('总计（净拨付 143,333.33 元）');
    expect(grandRow.getCell(7).value).toBe(143333.33);
    expect(grandRow.getCell(8).value).toBe(5);
    expect(grandRow.getCell(10).value).toBe(14_333_333);
  });

  test('ledgerTotalsByApplication nets in integer fen', () => {
    const odd = [0, 1, 2].map<LedgerEntry>((i) => ({ ...entries[0], seq: i + 1, amountFen: 3_333_333 }));
    expect(ledgerTotalsByApplication(odd)).toEqual([
      {
        trackingNo: 'YC2026-000101',
        enterpriseName: '伊春林都木业有限公司',
        paymentFen: 9_999_999,
        correctionFen: 0,
        reversalFen: 0,
        netFen: 9_999_999,
        entryCount: 3,
        lastPaidOn: '2026-06-01',
      },
    ]);
  });

  test('a custom title; no entries: the sheets render with zero totals', async () => {
    const workbook = await openXlsx(
      await renderLedgerXlsx({ title: '2026年上云补助拨付台账', generatedAt: '2026-01-01T00:00:00Z', entries: [] }),
    );
    const ws = sheet(workbook, LEDGER_SHEET);
    expect(ws.getCell('A1').value).toBe('2026年上云补助拨付台账');
    expect(ws.getRow(findRow(ws, 1, '净拨付总计')).getCell(9).value).toBe(0);
    const totals = sheet(workbook, LEDGER_TOTALS_SHEET);
    expect(totals.getRow(4).getCell(1).value).toBe('总计（净拨付 0.00 元）');
  });

  test('refuses a payment that is not positive and a reversal that is not negative', async () => {
    await expect(renderLedgerXlsx({ ...input, entries: [{ ...entries[2], amountFen: 8_333_333 }] })).rejects.toThrow(
      /reversal must be negative/,
    );
    await expect(renderLedgerXlsx({ ...input, entries: [{ ...entries[0], amountFen: -1 }] })).rejects.toThrow(/payment must be positive/);
  });
});
