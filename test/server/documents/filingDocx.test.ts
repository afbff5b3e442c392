import JSZip from 'jszip';
import { renderFilingDocx } from '../../../server/src/documents/filingDocx';
import { declarationText, FILING_MATERIAL_KINDS } from '../../../shared/src/contracts/providerFiling';
import { completeProviderFiling } from '../../fixtures/providerFiling';

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescapeXml = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e] ?? e);

async function openDocx(buffer: Buffer): Promise<{ zip: JSZip; xml: string; paragraphs: string[] }> {
  const zip = await JSZip.loadAsync(buffer);
  const file = zip.file('word/document.xml');
  if (file === null) throw new Error('no word/document.xml');
  const xml = await file.async('string');
  // The visible text of each paragraph: its w:t runs joined (a checkbox and its label are separate runs).
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescapeXml(t[1] ?? '')).join(''),
  );
  return { zip, xml, paragraphs };
}

describe('renderFilingDocx', () => {
  let opened: Awaited<ReturnType<typeof openDocx>>;

  beforeAll(async () => {
    const buffer = await renderFilingDocx(completeProviderFiling(), {
      filingNo: 'YCBA-2024-0007',
      submittedOn: '2024-03-15',
      status: 'approved',
      attachedMaterialKinds: FILING_MATERIAL_KINDS.filter((k) => k !== 'catalogue'),
    });
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    opened = await openDocx(buffer);
  });

  const has = (text: string): boolean => opened.paragraphs.some((p) => p.includes(text));
  const exactly = (text: string): boolean => opened.paragraphs.includes(text);

  test('the cover, as the seed has it', () => {
    expect(exactly('伊春市“企业上云”云服务商')).toBe(true);
    expect(exactly('备案申报书')).toBe(true);
    expect(exactly('申报企业：黑龙江北疆云智科技有限公司（公章）')).toBe(true);
    expect(exactly('联 系 人：孙丽娜')).toBe(true);
    expect(exactly('联系方式：15804581234，0458-3612345')).toBe(true);
    expect(exactly('伊春市工业和信息化局制')).toBe(true);
    expect(exactly('2024年3月')).toBe(true);
    expect(has('备案编号：YCBA-2024-0007')).toBe(true);
  });

  test('一、基本情况 is filled: names, money in 万元, the year of the revenue, counts', () => {
    for (const text of [
      '企业名称',
      '北疆工业云平台',
      'https://www.beijiang-cloud.example.cn',
      '注册资本（万元）',
      '5,000.00',
      '2023年云业务收入（万元）',
      '1,263.45',
      '2015年3月18日',
      '186人',
      '124人',
      '356家',
      '0451-86201235',
      'zhaozhigang@beijiang-cloud.example.cn',
    ]) {
      expect({ text, found: has(text) }).toEqual({ text, found: true });
    }
  });

  test('企业性质 and 平台功能 are ticked boxes', () => {
    expect(has('☑民营企业')).toBe(true);
    expect(has('□国有企业')).toBe(true);
    expect(has('□其它')).toBe(true);
    expect(opened.paragraphs.filter((p) => p.includes('☑民营企业'))).toHaveLength(1);
    expect(has('☑企业云化迁移')).toBe(true);
    expect(has('☑企业设备上云')).toBe(true);
    expect(has('□企业产品上云')).toBe(true);
  });

  test('the 声明 word for word, with the signature and stamp lines', () => {
    expect(exactly(declarationText()[0])).toBe(true);
    expect(exactly(declarationText()[1])).toBe(true);
    expect(exactly('法人代表签字：')).toBe(true);
    expect(exactly('单位盖章：')).toBe(true);
    expect(exactly('2024年3月15日')).toBe(true);
  });

  test('sections 二 to 六 in order', () => {
    const order = [
      '一、基本情况',
      '二、技术实力',
      '三、主要产品或服务应用情况',
      '四、平台技术人员及服务团队',
      '五、优惠政策',
      '六、相关证明材料',
    ].map((h) => opened.paragraphs.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('the cases with date, cost in 元, process, effect and evidence', () => {
    expect(exactly('案例2：制药企业设备上云')).toBe(true);
    expect(exactly('铁力康源制药有限公司')).toBe(true);
    expect(exactly('2022年9月1日')).toBe(true);
    expect(exactly('125,000.00 元')).toBe(true);
    expect(exactly('部署工业网关16台，接入提取、干燥、包装产线设备132台，建设设备监控看板。')).toBe(true);
    expect(exactly('设备综合效率（OEE）提升9个百分点，非计划停机减少35%。')).toBe(true);
    expect(exactly('服务合同、验收报告、付款凭证、运行截图（见佐证材料第4–9页）')).toBe(true);
  });

  test('team, plan, offers and the catalogue with prices in 元', () => {
    expect(exactly('钱晓东')).toBe(true);
    expect(has('团队人数：124人。')).toBe(true);
    expect(has('每季度开展一次上云企业操作培训')).toBe(true);
    expect(exactly('ERP云首年七五折')).toBe(true);
    expect(exactly('2024年1月1日至2035年12月31日')).toBe(true);
    expect(exactly('2024年1月1日起长期有效')).toBe(true);
    expect(exactly('12,800.00 元/年')).toBe(true);
    expect(exactly('9,600.00 元/年')).toBe(true);
    expect(exactly('6,500.00 元/套')).toBe(true);
    expect(exactly('198.00 元/月')).toBe(true);
    expect(has('☑我公司承诺，上述针对伊春市企业制定的上云优惠政策能够兑现。')).toBe(true);
  });

  test('六、相关证明材料 lists the materials, ticked as on file', () => {
    expect(has('2022、2023年度财务审计报告（复印件）')).toBe(true);
    expect(exactly('☑4.应用典型案例佐证（3例以上）（三（二）4）')).toBe(true);
    expect(exactly('□5.产品或服务目录（功能简介和报价）（三（二）5）')).toBe(true);
  });

  test('A4 portrait, 宋体 body and 黑体 headings', async () => {
    expect(opened.xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(opened.xml).toContain('w:eastAsia="黑体"');
    const styles = await opened.zip.file('word/styles.xml')?.async('string');
    expect(styles).toContain('w:eastAsia="宋体"');
  });
});

describe('renderFilingDocx on a draft', () => {
  test('an empty form renders with blanks to fill by hand', async () => {
    const { paragraphs } = await openDocx(await renderFilingDocx({}, {}));
    expect(paragraphs).toContain('备案申报书');
    expect(paragraphs).toContain('□合资（合作）企业　　□外商独资企业　　□民营企业');
    expect(paragraphs).toContain('　　　　年　　月　　日');
    expect(paragraphs.some((p) => p.includes('年云业务收入（万元）'))).toBe(true);
  });

  test('其它 with its text is ticked and named; XML special characters are escaped', async () => {
    const form = completeProviderFiling();
    form.basic = { ...form.basic, nature: 'other', natureOther: '混合所有制企业', companyName: 'A&B <云> 科技有限公司' };
    const { paragraphs, xml } = await openDocx(await renderFilingDocx(form, { submittedOn: null }));
    expect(paragraphs.some((p) => p.includes('☑其它：混合所有制企业'))).toBe(true);
    expect(paragraphs.some((p) => p.includes('□民营企业'))).toBe(true);
    expect(paragraphs).toContain('A&B <云> 科技有限公司');
    expect(xml).toContain('A&amp;B &lt;云&gt;');
  });
});
