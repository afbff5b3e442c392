import {
  SETTLEMENT_BLANK_MARK,
  SETTLEMENT_DECLARATION,
  renderSettlementDocx,
  type SettlementFormInput,
  type SettlementRow,
} from '../../../server/src/documents/settlementDocx';
import { openDocx, type OpenedDocx } from './openDocument';

const provider: SettlementFormInput['provider'] = {
  companyName: '黑龙江北疆云智科技有限公司',
  platformName: '北疆工业云平台',
  platformUrl: 'https://www.beijiang-cloud.example.cn',
  principal: {
    name: '王建国',
    title: '总经理',
    phone: '0458-3612300',
    mobile: '13904581234',
    email: 'wangjg@beijiang-cloud.example.cn',
    fax: '0458-3612301',
  },
  contact: { name: '孙丽娜', title: '市场部经理', phone: '0458-3612345', email: 'sunln@beijiang-cloud.example.cn' },
};

const rows: SettlementRow[] = [
  {
    trackingNo: 'YC2026-000101',
    enterpriseName: '伊春林都木业有限公司',
    services: '北疆ERP云（财务、进销存）\n云主机 4核8G',
    contractStart: '2025-03-01',
    contractEnd: '2026-02-28',
    contractAmountFen: 12_000_002,
    appliedFen: 6_000_001,
    effectEvaluation: '财务核算周期由7天缩短至2天',
  },
  {
    trackingNo: 'YC2026-000117',
    enterpriseName: '伊春市金山屯蓝莓食品有限公司',
    services: '生产设备上云（MES）',
    contractStart: '2025-05-10',
    contractEnd: '2027-05-09',
    contractAmountFen: 26_000_000,
    appliedFen: 10_000_000,
    effectEvaluation: '设备联网率达到90%',
  },
];

describe('renderSettlementDocx', () => {
  let doc: OpenedDocx;

  beforeAll(async () => {
    doc = await openDocx(await renderSettlementDocx({ provider, rows, version: 2, generatedOn: '2026-03-05' }));
  });

  const rowStarting = (first: string, second?: string): string[] | undefined =>
    doc.rows.find((r) => r[0] === first && (second === undefined || r[1] === second));

  test('the title, with the version under it and in the footer', () => {
    expect(doc.paragraphs).toContain('伊春市工业企业上云补助兑付申请表');
    expect(doc.paragraphs).toContain('第2版　2026年3月5日生成');
    expect(doc.footers.some((f) => f.includes('第2版'))).toBe(true);
  });

  test('the provider rows of the seed, with the count and the exact total in 元 and 万元', () => {
    expect(rowStarting('云服务商名称')).toEqual(['云服务商名称', '黑龙江北疆云智科技有限公司']);
    expect(rowStarting('云平台名称')).toEqual(['云平台名称', '北疆工业云平台', '云平台网址', 'https://www.beijiang-cloud.example.cn']);
    // 6,000,001 + 10,000,000 fen = 160,000.01 元 = 16.000001 万元
    expect(rowStarting('服务企业数量')).toEqual(['服务企业数量', '2家', '兑付总金额', '160,000.01 元\n（16.000001 万元）']);
  });

  test('the detail table: header as the seed, one row per enterprise with its 申报编号', () => {
    expect(rowStarting('服务伊春市上云企业明细')).toBeDefined();
    expect(rowStarting('序号')).toEqual(['序号', '企业名称\n申报编号', '上云产品及服务', '合同期限\n合同金额', '兑付金额', '上云效果评价']);
    expect(rowStarting('1')).toEqual([
      '1',
      '伊春林都木业有限公司\nYC2026-000101',
      '北疆ERP云（财务、进销存）\n云主机 4核8G',
      '2025年3月1日至2026年2月28日\n120,000.02 元',
      '60,000.01 元',
      '财务核算周期由7天缩短至2天',
    ]);
    expect(rowStarting('2')?.[1]).toBe('伊春市金山屯蓝莓食品有限公司\nYC2026-000117');
    expect(rowStarting('2')?.[4]).toBe('100,000.00 元');
  });

  test("blank rows fill up to the seed's 12, the first marked 以下空白", () => {
    expect(rowStarting('3')).toEqual(['3', SETTLEMENT_BLANK_MARK, '', '', '', '']);
    expect(rowStarting('12')).toEqual(['12', '', '', '', '', '']);
    expect(rowStarting('13')).toBeUndefined();
  });

  test('企业负责人, 联系人 and the 声明 with its signature lines', () => {
    expect(rowStarting('企业\n负责人')).toEqual(['企业\n负责人', '姓名', '王建国', '职务', '总经理']);
    // Rows under a vertically merged label start with the merge's continuation cell, empty.
    expect(doc.rows).toContainEqual(['', '联系电话', '0458-3612300', '手机', '13904581234']);
    expect(doc.rows).toContainEqual(['', '电子邮箱', 'wangjg@beijiang-cloud.example.cn', '传真', '0458-3612301']);
    expect(rowStarting('联系人')).toEqual(['联系人', '姓名', '孙丽娜', '职务', '市场部经理']);
    expect(doc.rows).toContainEqual(['', '联系电话', '0458-3612345', '电子邮箱', 'sunln@beijiang-cloud.example.cn']);
    const declaration = rowStarting('声明');
    expect(declaration?.[1]).toContain(SETTLEMENT_DECLARATION);
    expect(declaration?.[1]).toContain('法人代表签字：');
    expect(declaration?.[1]).toContain('单位盖章：');
    expect(declaration?.[1]).toContain('　　　　年　　月　　日');
  });

  test('three rows of 3,333,333 fen total 99,999.99 元 exactly', async () => {
    const three = [0, 1, 2].map((i) => ({ ...rows[0], trackingNo: `YC2026-00020${i}`, appliedFen: 3_333_333 }));
    const opened = await openDocx(await renderSettlementDocx({ provider, rows: three, version: 1, generatedOn: '2026-03-05' }));
    expect(opened.rows.find((r) => r[0] === '服务企业数量')).toEqual([
      '服务企业数量',
      '3家',
      '兑付总金额',
      '99,999.99 元\n（9.999999 万元）',
    ]);
  });

  test('more than 12 enterprises: as many rows as given', async () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ ...rows[1], trackingNo: `YC2026-0003${String(i).padStart(2, '0')}` }));
    const opened = await openDocx(await renderSettlementDocx({ provider, rows: many, version: 3, generatedOn: '2026-04-01' }));
    expect(opened.rows.find((r) => r[0] === '15')?.[1]).toBe('伊春市金山屯蓝莓食品有限公司\nYC2026-000314');
    expect(opened.rows.find((r) => r[0] === '16')).toBeUndefined();
    expect(opened.paragraphs.join('')).not.toContain(SETTLEMENT_BLANK_MARK);
    expect(opened.rows.find((r) => r[0] === '服务企业数量')?.[3]).toBe('1,500,000.00 元\n（150.00 万元）');
  });

  test('no rows: the form still renders, 12 blank numbered rows and a zero total', async () => {
    const opened = await openDocx(await renderSettlementDocx({ provider, rows: [], version: 1, generatedOn: '2026-03-05' }));
    expect(opened.rows.find((r) => r[0] === '服务企业数量')).toEqual(['服务企业数量', '0家', '兑付总金额', '0.00 元\n（0.00 万元）']);
    for (let i = 1; i <= 12; i += 1) expect(opened.rows.find((r) => r[0] === String(i))).toEqual([String(i), '', '', '', '', '']);
    expect(opened.paragraphs.join('')).not.toContain(SETTLEMENT_BLANK_MARK);
  });

  test('refuses amounts that are not whole fen, and a version that is not a positive integer', async () => {
    await expect(
      renderSettlementDocx({ provider, rows: [{ ...rows[0], appliedFen: 100.5 }], version: 1, generatedOn: '2026-03-05' }),
    ).rejects.toThrow(RangeError);
    await expect(renderSettlementDocx({ provider, rows, version: 0, generatedOn: '2026-03-05' })).rejects.toThrow(RangeError);
  });
});
