import {
  formatRating,
  renderJointReportDocx,
  type JointReportInput,
  type JointReportRow,
  type Rating,
} from '../../../server/src/documents/jointReportDocx';
import { openDocx, type OpenedDocx } from './openDocument';

const rows: JointReportRow[] = [
  {
    trackingNo: 'YC2026-000101',
    enterpriseName: '伊春林都木业有限公司',
    creditCode: '91230702MA1B2C3D4E',
    providerName: '黑龙江北疆云智科技有限公司',
    contractAmountFen: 12_000_002,
    paidAmountFen: 12_000_002,
    appliedFen: 6_000_001,
    effectRating: 5,
    serviceRating: 4,
    miitOpinion: '同意。上云效果明显',
    financeOpinion: '同意，支付凭证齐全',
  },
  {
    trackingNo: 'YC2026-000117',
    enterpriseName: '伊春市伊美区森工机械制造有限公司',
    creditCode: '91230702MA1X9Y8Z7W',
    providerName: '哈尔滨冰城云计算有限公司',
    contractAmountFen: 26_000_000,
    paidAmountFen: 25_000_000,
    appliedFen: 10_000_000,
    effectRating: 3,
    serviceRating: 2,
    miitOpinion: '同意，按实际支付核算',
    financeOpinion: '同意',
  },
];

const base: JointReportInput = {
  countyName: '伊美区',
  docNo: '伊美工信联〔2026〕3号',
  reportDate: '2026-04-10',
  miitDepartmentName: '伊美区工业和信息化局',
  financeDepartmentName: '伊美区财政局',
  rows,
};

describe('renderJointReportDocx', () => {
  let doc: OpenedDocx;

  beforeAll(async () => {
    doc = await openDocx(await renderJointReportDocx(base));
  });

  const text = (): string => doc.paragraphs.join('\n');

  test('the letter: 文号, title, addressees, body with count and totals, both departments signing', () => {
    expect(doc.paragraphs).toContain('伊美工信联〔2026〕3号');
    // The installed pack's words (the city's default): its subsidy in the title, its two bureaus addressed.
    expect(doc.paragraphs).toContain('关于报送伊春市工业企业上云补助审核意见的报告');
    expect(doc.paragraphs).toContain('市工业和信息化局、市财政局：');
    const body = doc.paragraphs.find((p) => p.includes('符合补助条件')) ?? '';
    expect(body).toContain('共有2户企业符合补助条件');
    expect(body).toContain('合同金额合计380,000.02 元');
    expect(body).toContain('实际支付合计370,000.02 元');
    expect(body).toContain('申请补助合计160,000.01 元（16.000001 万元）');
    expect(text()).toContain('上云效果评价为优秀1户、一般1户');
    expect(text()).toContain('涉及云服务商2家，服务质量评价为良好1户、较差1户');
    expect(doc.paragraphs).toContain('附件：伊美区工业企业上云补助审核意见汇总表');
    expect(doc.rows).toContainEqual(['伊美区工业和信息化局', '伊美区财政局']);
    expect(doc.rows).toContainEqual(['（盖章）', '（盖章）']);
    expect(doc.paragraphs).toContain('2026年4月10日');
  });

  test('the attachment table on a landscape page, with ratings as number and word', () => {
    expect(doc.xml).toContain('w:orient="landscape"');
    expect(doc.rows).toContainEqual([
      '序号',
      '申报编号',
      '企业名称',
      '统一社会信用代码',
      '云服务商',
      '合同金额（元）',
      '实际支付（元）',
      '申请补助（元）',
      '上云效果评分',
      '服务质量评分',
      '工信意见',
      '财政意见',
    ]);
    expect(doc.rows).toContainEqual([
      '1',
      'YC2026-000101',
      '伊春林都木业有限公司',
      '91230702MA1B2C3D4E',
      '黑龙江北疆云智科技有限公司',
      '120,000.02',
      '120,000.02',
      '60,000.01',
      '5 优秀',
      '4 良好',
      '同意。上云效果明显',
      '同意，支付凭证齐全',
    ]);
    const second = doc.rows.find((r) => r[1] === 'YC2026-000117');
    expect(second?.slice(8, 10)).toEqual(['3 一般', '2 较差']);
    expect(doc.rows).toContainEqual(['合计（2户）', '380,000.02', '370,000.02', '160,000.01', '']);
    expect(doc.footers.some((f) => f.includes('伊美工信联〔2026〕3号'))).toBe(true);
  });

  test('all five rating words', () => {
    expect(([1, 2, 3, 4, 5] as Rating[]).map(formatRating)).toEqual(['1 差', '2 较差', '3 一般', '4 良好', '5 优秀']);
    expect(() => formatRating(6 as Rating)).toThrow(RangeError);
  });

  test('a title and summary of the departments own, totals exact over odd fen', async () => {
    const three = [0, 1, 2].map((i) => ({ ...rows[0], trackingNo: `YC2026-00020${i}`, appliedFen: 3_333_333 }));
    const opened = await openDocx(
      await renderJointReportDocx({
        ...base,
        rows: three,
        title: '关于报送伊美区2026年第一批工业企业上云补助审核意见的报告',
        summary: '三户企业上云后管理效率明显提升，云服务商响应及时。',
      }),
    );
    expect(opened.paragraphs).toContain('关于报送伊美区2026年第一批工业企业上云补助审核意见的报告');
    expect(opened.paragraphs).toContain('三户企业上云后管理效率明显提升，云服务商响应及时。');
    expect(opened.paragraphs.join('')).not.toContain('上云效果评价为');
    expect(opened.rows.find((r) => r[0] === '合计（3户）')?.[3]).toBe('99,999.99');
  });

  test('no rows: the report still renders, with zero totals', async () => {
    const opened = await openDocx(await renderJointReportDocx({ ...base, rows: [] }));
    expect(opened.paragraphs).toContain('伊美工信联〔2026〕3号');
    expect(opened.paragraphs.join('')).toContain('共有0户企业');
    expect(opened.rows).toContainEqual(['合计（0户）', '0.00', '0.00', '0.00', '']);
  });
});
