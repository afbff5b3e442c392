import {
  FILING_MATERIALS,
  REQUIRED_FILING_MATERIAL_KINDS,
  assignItemIds,
  charCount,
  parseProviderFilingDraft,
  providerFilingDraftSchema,
  validateForSubmit,
  wanYuanTextToFen,
  type FilingIssue,
  type ProviderFilingForm,
} from '../../../shared/src/contracts/providerFiling';
import { ALL_FILING_MATERIAL_KINDS, completeProviderFiling } from '../../fixtures/providerFiling';

type Json = Record<string, unknown>;

const CHINESE = /[\u4e00-\u9fff]/;

/** Sets (or with undefined, deletes) the value at a dotted path of a JSON copy of the complete form. */
function withValue(path: string, value: unknown, base: unknown = completeProviderFiling()): Json {
  const copy = JSON.parse(JSON.stringify(base)) as Json;
  const keys = path.split('.');
  let node: Json = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

function parsed(input: unknown): ProviderFilingForm {
  const result = parseProviderFilingDraft(input);
  if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result.details)}`);
  return result.form;
}

describe('providerFilingDraftSchema: what a draft may hold', () => {
  test('the complete example form parses to itself', () => {
    expect(parseProviderFilingDraft(completeProviderFiling())).toEqual({ ok: true, form: completeProviderFiling() });
  });

  test('an empty draft and a half-filled one can be saved', () => {
    expect(parseProviderFilingDraft({}).ok).toBe(true);
    const half = { basic: { companyName: '某云公司', principal: { name: '张三' } }, application: { cases: [{ title: '案例一' }] } };
    expect(parseProviderFilingDraft(half)).toEqual({ ok: true, form: half });
  });

  test("'' and null are a field left empty; text is trimmed; unknown fields are stripped", () => {
    const input = {
      basic: {
        companyName: '  某云公司 ',
        platformUrl: '',
        registeredCapitalFen: null,
        nickname: 'x',
        contact: { phone: '0458 － 3878126' },
      },
      hacker: true,
      catalogue: [{ name: '云主机', priceFen: 100, unit: 'per_month', secret: 1 }],
    };
    const result = parseProviderFilingDraft(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.form.basic?.companyName).toBe('某云公司');
    expect(result.form.basic?.platformUrl).toBeUndefined();
    expect(result.form.basic?.registeredCapitalFen).toBeUndefined();
    expect(result.form.basic?.contact?.phone).toBe('0458-3878126');
    expect(result.form).not.toHaveProperty('hacker');
    expect(result.form.basic).not.toHaveProperty('nickname');
    expect(result.form.catalogue?.[0]).not.toHaveProperty('secret');
  });

  test('the 简介 counts characters as a reader does: 300 汉字 pass, 301 do not', () => {
    const ok = withValue('basic.introduction', '云'.repeat(300));
    expect(parseProviderFilingDraft(ok).ok).toBe(true);
    // An emoji outside the BMP is two UTF-16 units but one character.
    expect(charCount('云😀')).toBe(2);
    expect(parseProviderFilingDraft(withValue('basic.introduction', '😀'.repeat(300))).ok).toBe(true);
  });

  test.each([
    ['landline with area code', '0458-3878126'],
    ['landline without hyphen', '04583878126'],
    ['landline with extension', '010-12345678-801'],
    ['400 number', '400-123-4567'],
    ['mobile', '13904581234'],
  ])('联系电话 accepts a %s', (_name, phone) => {
    expect(parseProviderFilingDraft(withValue('basic.contact.phone', phone)).ok).toBe(true);
  });

  // [what, path set, value, path reported, message]
  const invalid: [string, string, unknown, string, RegExp][] = [
    ['简介 over 300 characters', 'basic.introduction', '云'.repeat(301), 'basic.introduction', /“企业及平台简介”不能超过300字，目前301字/],
    [
      'bad phone',
      'basic.contact.phone',
      '3878126',
      'basic.contact.phone',
      /“联系人联系电话”须为带区号的固定电话（如 0458-3878126）或11位手机号/,
    ],
    ['bad mobile', 'basic.principal.mobile', '12904512345', 'basic.principal.mobile', /“企业负责人手机”须为11位手机号/],
    ['landline as mobile', 'basic.principal.mobile', '0458-3878126', 'basic.principal.mobile', /手机/],
    ['mobile as fax', 'basic.principal.fax', '13904512345', 'basic.principal.fax', /“企业负责人传真”须为带区号的固定电话/],
    ['bad email', 'basic.contact.email', 'sunlina@', 'basic.contact.email', /“联系人电子邮箱”须为有效的电子邮箱/],
    [
      'URL without scheme',
      'basic.platformUrl',
      'www.beijiang-cloud.example.cn',
      'basic.platformUrl',
      /“云平台网址”须为以 http:\/\/ 或 https:\/\/ 开头的网址/,
    ],
    ['ftp URL', 'basic.platformUrl', 'ftp://beijiang-cloud.example.cn', 'basic.platformUrl', /http/],
    ['URL with spaces', 'basic.platformUrl', 'https://beijiang cloud.cn', 'basic.platformUrl', /http/],
    ['negative capital', 'basic.registeredCapitalFen', -1, 'basic.registeredCapitalFen', /“注册资本”须为不小于0的整数（单位：分/],
    ['capital in yuan with decimals', 'basic.registeredCapitalFen', 50000.5, 'basic.registeredCapitalFen', /整数/],
    ['capital as a string', 'basic.registeredCapitalFen', '5000', 'basic.registeredCapitalFen', /整数/],
    ['negative employees', 'basic.employeeCount', -3, 'basic.employeeCount', /“员工人数”须为不小于0的整数/],
    ['impossible date', 'basic.establishedOn', '2023-02-30', 'basic.establishedOn', /“成立时间”须为真实存在的日期，格式 YYYY-MM-DD/],
    ['date in another format', 'basic.cloudBusinessStartedOn', '2016/07/01', 'basic.cloudBusinessStartedOn', /YYYY-MM-DD/],
    ['revenue year too early', 'basic.cloudRevenue.year', 1999, 'basic.cloudRevenue.year', /四位年份/],
    ['unknown nature', 'basic.nature', '私营', 'basic.nature', /“企业性质”须为以下之一：国有企业、集体企业/],
    ['duplicate platform function', 'basic.platformFunctions', ['management', 'management'], 'basic.platformFunctions', /重复/],
    ['unknown platform function', 'basic.platformFunctions', ['blockchain'], 'basic.platformFunctions.0', /平台功能须为以下之一/],
    ['cases not a list', 'application.cases', { title: 'x' }, 'application.cases', /“典型案例”须为列表/],
    ['case cost as text', 'application.cases.0.costFen', '86000元', 'application.cases.0.costFen', /“实施费用”须为不小于0的整数/],
    ['unknown price unit', 'catalogue.0.unit', 'per_decade', 'catalogue.0.unit', /“计价单位”须为以下之一：元\/年、元\/月、元\/套/],
    ['duplicate catalogue id', 'catalogue.1.id', 'erp-standard', 'catalogue.1.id', /产品或服务目录第2项的编号（id）与前面的重复/],
    ['bad catalogue id', 'catalogue.0.id', 'a b', 'catalogue.0.id', /字母、数字/],
    ['pledge as text', 'declaration.accepted', '同意', 'declaration.accepted', /“声明”须为 true/],
    ['too many cases', 'application.cases', Array.from({ length: 21 }, () => ({})), 'application.cases', /最多20项/],
  ];

  test.each(invalid)('%s → %s', (_what, setPath, value, path, message) => {
    const result = parseProviderFilingDraft(withValue(setPath, value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.details).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(result.message).toMatch(CHINESE);
  });

  test('every bad field is reported at once', () => {
    let input = withValue('basic.contact.phone', 'x');
    input = withValue('basic.platformUrl', 'x', input);
    input = withValue('catalogue.0.priceFen', -5, input);
    const result = parseProviderFilingDraft(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.details.map((d) => d.path).sort()).toEqual(['basic.contact.phone', 'basic.platformUrl', 'catalogue.0.priceFen']);
    expect(result.message).toBe('有3处填写有误，请按提示逐项修改');
  });

  test('a body that is not an object is refused in Chinese', () => {
    for (const body of [null, 'x', 3, []]) {
      const result = parseProviderFilingDraft(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.details[0]?.message).toBe('备案申报书须为JSON对象');
    }
  });
});

describe('validateForSubmit', () => {
  test('the complete form with all eight materials can be submitted', () => {
    expect(validateForSubmit(completeProviderFiling(), ALL_FILING_MATERIAL_KINDS)).toEqual([]);
    expect(validateForSubmit(completeProviderFiling(), ALL_FILING_MATERIAL_KINDS, { today: '2024-06-01' })).toEqual([]);
  });

  test('the catalogue and the Yichun offers are entered in the form, so their files are optional', () => {
    expect(REQUIRED_FILING_MATERIAL_KINDS).toEqual([
      'application_form',
      'business_license_financials',
      'qualifications',
      'case_evidence',
      'promotion_training_plan',
      'truthfulness_pledge',
    ]);
    expect(validateForSubmit(completeProviderFiling(), REQUIRED_FILING_MATERIAL_KINDS)).toEqual([]);
  });

  test('the eight materials of 三（二）, in order', () => {
    expect(FILING_MATERIALS.map((m) => [m.kind, m.clause])).toEqual([
      ['application_form', '三（二）1'],
      ['business_license_financials', '三（二）2'],
      ['qualifications', '三（二）3'],
      ['case_evidence', '三（二）4'],
      ['catalogue', '三（二）5'],
      ['yichun_offers', '三（二）6'],
      ['promotion_training_plan', '三（二）7'],
      ['truthfulness_pledge', '三（二）8'],
    ]);
  });

  const twoCases = (f: Json): void => {
    ((f.application as Json).cases as unknown[]).pop();
  };
  const without = (kind: string): readonly string[] => ALL_FILING_MATERIAL_KINDS.filter((k) => k !== kind);

  // [what, change to the complete form, attached kinds, the one issue expected]
  const blocking: [string, (f: Json) => Json | void, readonly string[], FilingIssue][] = [
    [
      'fewer than three cases',
      twoCases,
      ALL_FILING_MATERIAL_KINDS,
      { path: 'application.cases', message: '典型案例至少需要3例（细则三（二）4），目前只有2例' },
    ],
    [
      'no case at all',
      (f) => withValue('application.cases', [], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'application.cases', message: '典型案例至少需要3例（细则三（二）4），目前还没有填写' },
    ],
    [
      'case evidence not uploaded',
      () => undefined,
      without('case_evidence'),
      { path: 'materials.case_evidence', message: '请上传典型案例佐证材料（细则三（二）4）' },
    ],
    [
      'stamped form not uploaded',
      () => undefined,
      without('application_form'),
      { path: 'materials.application_form', message: '请上传签字盖章后的备案申报书扫描件（细则三（二）1）' },
    ],
    [
      'licence and financials not uploaded',
      () => undefined,
      without('business_license_financials'),
      { path: 'materials.business_license_financials', message: '请上传营业执照复印件及财务报表（细则三（二）2）' },
    ],
    [
      'qualifications not uploaded',
      () => undefined,
      without('qualifications'),
      { path: 'materials.qualifications', message: expect.stringMatching(/^请上传相关资质证明.*（细则三（二）3）$/) },
    ],
    [
      'promotion plan not uploaded',
      () => undefined,
      without('promotion_training_plan'),
      { path: 'materials.promotion_training_plan', message: '请上传推广及培训方案、计划（细则三（二）7）' },
    ],
    [
      'truthfulness pledge not uploaded',
      () => undefined,
      without('truthfulness_pledge'),
      { path: 'materials.truthfulness_pledge', message: '请上传签字盖章的材料真实性承诺书（细则三（二）8）' },
    ],
    [
      '其它 nature without its text',
      (f) => withValue('basic.nature', 'other', f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.natureOther', message: '企业性质选择了“其它”，请填写具体的企业性质' },
    ],
    [
      '其他 platform function without its text',
      (f) => withValue('basic.platformFunctions', ['management', 'other'], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.platformFunctionOther', message: '平台功能选择了“其他”，请填写具体的平台功能' },
    ],
    [
      'no platform function',
      (f) => withValue('basic.platformFunctions', [], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.platformFunctions', message: '请至少选择一项“平台功能”（一、基本情况，可多选）' },
    ],
    [
      '声明 not accepted',
      (f) => withValue('declaration.accepted', false, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'declaration.accepted', message: expect.stringMatching(/^请阅读并同意“声明”/) },
    ],
    [
      '声明 missing',
      (f) => withValue('declaration', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'declaration.accepted', message: expect.stringMatching(/声明/) },
    ],
    [
      '优惠政策 pledge not accepted',
      (f) => withValue('offers.honourPledge', false, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'offers.honourPledge', message: '请承诺针对伊春市企业的优惠政策能够兑现（五、优惠政策）' },
    ],
    [
      'no Yichun offer',
      (f) => withValue('offers.items', [], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'offers.items', message: '请至少填写1项针对伊春市企业的优惠政策（细则三（二）6）' },
    ],
    [
      '云业务收入 without its year',
      (f) => withValue('basic.cloudRevenue.year', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.cloudRevenue.year', message: expect.stringMatching(/^请填写云业务收入所属的年度/) },
    ],
    [
      '云业务收入 missing',
      (f) => withValue('basic.cloudRevenue.amountFen', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.cloudRevenue.amountFen', message: '请填写“云业务收入（万元）”（一、基本情况）' },
    ],
    [
      'company name missing',
      (f) => withValue('basic.companyName', '', f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.companyName', message: '请填写“企业名称”（一、基本情况）' },
    ],
    [
      'contact email missing',
      (f) => withValue('basic.contact.email', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.contact.email', message: '请填写“联系人电子邮箱”（一、基本情况）' },
    ],
    [
      'more technical staff than employees',
      (f) => withValue('basic.technicalStaffCount', 200, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'basic.technicalStaffCount', message: '专业技术人员（200人）不能多于员工人数（186人），请核对' },
    ],
    [
      'a case without its process',
      (f) => withValue('application.cases.1.process', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'application.cases.1.process', message: '第2个典型案例：请填写“实施过程”' },
    ],
    [
      'a case without its evidence',
      (f) => withValue('application.cases.2.evidence', '  ', f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'application.cases.2.evidence', message: '第3个典型案例：请填写“佐证材料”' },
    ],
    [
      'a case without its cost',
      (f) => withValue('application.cases.0.costFen', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'application.cases.0.costFen', message: '第1个典型案例：请填写“实施费用”' },
    ],
    [
      'empty catalogue',
      (f) => withValue('catalogue', [], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'catalogue', message: '产品或服务目录至少需要1项，包括功能简介和产品报价（细则三（二）5）' },
    ],
    [
      'catalogue item without price',
      (f) => withValue('catalogue.1.priceFen', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'catalogue.1.priceFen', message: '产品或服务目录第2项：请填写“报价”' },
    ],
    [
      'Yichun price above the list price',
      (f) => withValue('catalogue.0.yichunPriceFen', 1_280_001, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'catalogue.0.yichunPriceFen', message: '产品或服务目录第1项：伊春市企业优惠价不能高于报价' },
    ],
    [
      'offer ending before it starts',
      (f) => withValue('offers.items.0.validTo', '2023-12-31', f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'offers.items.0.validTo', message: '第1项优惠政策：截止日期（2023-12-31）不能早于开始日期（2024-01-01）' },
    ],
    [
      'no core team member',
      (f) => withValue('team.coreMembers', [], f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'team.coreMembers', message: expect.stringMatching(/^请至少填写1名负责人或核心团队成员的主要履历/) },
    ],
    [
      'training plan missing',
      (f) => withValue('promotionPlan.training', undefined, f),
      ALL_FILING_MATERIAL_KINDS,
      { path: 'promotionPlan.training', message: '请填写“针对伊春市企业上云的培训计划”（四（三）推广和培训计划）' },
    ],
  ];

  test.each(blocking)('%s', (_what, change, kinds, expected) => {
    const json = JSON.parse(JSON.stringify(completeProviderFiling())) as Json;
    const form = parsed(change(json) ?? json);
    expect(validateForSubmit(form, kinds)).toEqual([expected]);
  });

  test('其它/其他 with their text pass', () => {
    let input = withValue('basic.nature', 'other');
    input = withValue('basic.natureOther', '事业单位改制企业', input);
    input = withValue('basic.platformFunctions', ['other'], input);
    input = withValue('basic.platformFunctionOther', '企业数据上云', input);
    expect(validateForSubmit(parsed(input), ALL_FILING_MATERIAL_KINDS)).toEqual([]);
  });

  test('with today given: no date in the future, no expired offer, no revenue of a coming year', () => {
    let input = withValue('basic.establishedOn', '2024-06-02');
    input = withValue('application.cases.0.implementedOn', '2030-01-01', input);
    input = withValue('offers.items.0.validTo', '2024-05-31', input);
    input = withValue('basic.cloudRevenue.year', 2025, input);
    expect(validateForSubmit(parsed(input), ALL_FILING_MATERIAL_KINDS, { today: '2024-06-01' })).toEqual([
      { path: 'basic.establishedOn', message: '“成立时间”不能晚于今天（2024-06-01），请核对' },
      { path: 'basic.cloudRevenue.year', message: expect.stringMatching(/2025年.*不能晚于今年/) },
      { path: 'application.cases.0.implementedOn', message: expect.stringMatching(/第1个典型案例的实施日期/) },
      { path: 'offers.items.0.validTo', message: '第1项优惠政策：已于2024-05-31过期，请更新有效期或删除该项' },
    ]);
  });

  test('an empty draft names every missing thing, each once, in Chinese', () => {
    const issues = validateForSubmit({}, []);
    const paths = issues.map((i) => i.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of [
      'basic.companyName',
      'basic.platformUrl',
      'basic.cloudRevenue.year',
      'basic.nature',
      'basic.principal.mobile',
      'basic.contact.phone',
      'declaration.accepted',
      'technical.indicators',
      'application.cases',
      'team.coreMembers',
      'promotionPlan.promotion',
      'offers.items',
      'offers.honourPledge',
      'catalogue',
      ...REQUIRED_FILING_MATERIAL_KINDS.map((k) => `materials.${k}`),
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths).not.toContain('materials.catalogue');
    expect(paths).not.toContain('basic.principal.fax');
    for (const issue of issues) expect(issue.message).toMatch(CHINESE);
  });

  test('material kinds nobody knows do not count', () => {
    const issues = validateForSubmit(completeProviderFiling(), [...without('case_evidence'), 'case_evidences']);
    expect(issues.map((i) => i.path)).toEqual(['materials.case_evidence']);
  });
});

describe('assignItemIds', () => {
  test('gives catalogue items and offers without an id a new one and keeps the others', () => {
    let input = withValue('catalogue.1.id', undefined);
    input = withValue('offers.items.1.id', undefined, input);
    let n = 0;
    const form = assignItemIds(parsed(input), () => `new-${++n}`);
    expect(form.catalogue?.map((c) => c.id)).toEqual(['erp-standard', 'new-1', 'vm-2c4g']);
    expect(form.offers?.items?.map((o) => o.id)).toEqual(['offer-erp-discount', 'new-2']);
    expect(providerFilingDraftSchema.safeParse(form).success).toBe(true);
  });
});

describe('wanYuanTextToFen', () => {
  test.each<[string, number | null]>([
    ['5000', 5_000_000_000],
    ['1263.45', 1_263_450_000],
    ['1,263.45', 1_263_450_000],
    ['0.000001', 1],
    ['0', 0],
    ['999999999.999999', 999_999_999_999_999],
    ['0.0000001', null],
    ['-5', null],
    ['1e3', null],
    ['', null],
    ['五千', null],
  ])('%s 万元 → %p fen', (text, fen) => {
    expect(wanYuanTextToFen(text)).toBe(fen);
  });
});
