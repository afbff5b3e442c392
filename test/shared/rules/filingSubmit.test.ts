/**
 * 三（二）: what a provider's filing must hold before it is submitted — the eight 备案材料 (三（二）1–8, of which
 * the catalogue and the offers are entered on the form), the form of 三（二）1 in full, three typical cases or
 * more (三（二）4), a priced catalogue (三（二）5), the offers for Yichun enterprises (三（二）6) and the pledges.
 * Each case: one change to a complete filing → the one problem it makes (or none), boundaries on both sides.
 */
import {
  FILING_MATERIALS,
  MIN_CASES,
  REQUIRED_FILING_MATERIAL_KINDS,
  filingSubmitProblems,
  type FilingIssue,
  type FilingSubmitFacts,
} from '../../../shared/src/rules/filingSubmit';
import { ALL_FILING_MATERIAL_KINDS, completeProviderFiling } from '../../fixtures/providerFiling';

const TODAY = '2024-06-01';

type Form = ReturnType<typeof completeProviderFiling>;

test('the eight materials of 三（二）, in order; six are files needed at submit', () => {
  expect(FILING_MATERIALS.map((m) => [m.clause, m.kind, m.requiredAtSubmit])).toEqual([
    ['三（二）1', 'application_form', true],
    ['三（二）2', 'business_license_financials', true],
    ['三（二）3', 'qualifications', true],
    ['三（二）4', 'case_evidence', true],
    ['三（二）5', 'catalogue', false],
    ['三（二）6', 'yichun_offers', false],
    ['三（二）7', 'promotion_training_plan', true],
    ['三（二）8', 'truthfulness_pledge', true],
  ]);
  expect(MIN_CASES).toBe(3);
});

const all = ALL_FILING_MATERIAL_KINDS;
const without = (kind: string): readonly string[] => all.filter((k) => k !== kind);

// [what, change to the complete form, attached kinds, the problems expected ([] : it may be submitted)]
const cases: [string, (f: Form) => void, readonly string[], FilingIssue[]][] = [
  ['complete, every material', () => undefined, all, []],
  ['complete, the six required materials only', () => undefined, REQUIRED_FILING_MATERIAL_KINDS, []],
  // 三（二）4: 3例以上
  ['exactly three cases', () => undefined, all, []],
  [
    'two cases',
    (f) => f.application!.cases!.pop(),
    all,
    [{ path: 'application.cases', message: '典型案例至少需要3例（细则三（二）4），目前只有2例' }],
  ],
  [
    'no case',
    (f) => (f.application!.cases = []),
    all,
    [{ path: 'application.cases', message: '典型案例至少需要3例（细则三（二）4），目前还没有填写' }],
  ],
  [
    'a case without its evidence',
    (f) => (f.application!.cases![1].evidence = '  '),
    all,
    [{ path: 'application.cases.1.evidence', message: '第2个典型案例：请填写“佐证材料”' }],
  ],
  ['a case implemented today', (f) => (f.application!.cases![0].implementedOn = TODAY), all, []],
  [
    'a case implemented tomorrow',
    (f) => (f.application!.cases![0].implementedOn = '2024-06-02'),
    all,
    [{ path: 'application.cases.0.implementedOn', message: '“第1个典型案例的实施日期”不能晚于今天（2024-06-01），请核对' }],
  ],
  // 三（二）1–8: the files
  ...REQUIRED_FILING_MATERIAL_KINDS.map((kind): [string, (f: Form) => void, readonly string[], FilingIssue[]] => {
    const m = FILING_MATERIALS.find((x) => x.kind === kind)!;
    return [
      `${m.clause} not uploaded`,
      () => undefined,
      without(kind),
      [{ path: `materials.${kind}`, message: `请上传${m.uploadName}（细则${m.clause}）` }],
    ];
  }),
  ['三（二）5 catalogue entered on the form, no file', () => undefined, without('catalogue'), []],
  ['三（二）6 offers entered on the form, no file', () => undefined, without('yichun_offers'), []],
  // 三（二）5 产品或服务目录，包括功能简介和产品报价
  [
    'an empty catalogue',
    (f) => (f.catalogue = []),
    all,
    [{ path: 'catalogue', message: '产品或服务目录至少需要1项，包括功能简介和产品报价（细则三（二）5）' }],
  ],
  [
    'a catalogue item without its price',
    (f) => delete f.catalogue![0].priceFen,
    all,
    [{ path: 'catalogue.0.priceFen', message: '产品或服务目录第1项：请填写“报价”' }],
  ],
  ['a Yichun price equal to the list price', (f) => (f.catalogue![0].yichunPriceFen = f.catalogue![0].priceFen), all, []],
  [
    'a Yichun price one fen above the list price',
    (f) => (f.catalogue![0].yichunPriceFen = f.catalogue![0].priceFen! + 1),
    all,
    [{ path: 'catalogue.0.yichunPriceFen', message: '产品或服务目录第1项：伊春市企业优惠价不能高于报价' }],
  ],
  // 三（二）6 针对伊春市企业的优惠政策, and the pledge that they will be honoured (五、优惠政策)
  [
    'no offer',
    (f) => (f.offers!.items = []),
    all,
    [{ path: 'offers.items', message: '请至少填写1项针对伊春市企业的优惠政策（细则三（二）6）' }],
  ],
  [
    'offers not pledged',
    (f) => (f.offers!.honourPledge = false),
    all,
    [{ path: 'offers.honourPledge', message: '请承诺针对伊春市企业的优惠政策能够兑现（五、优惠政策）' }],
  ],
  ['an offer valid until today', (f) => (f.offers!.items![0].validTo = TODAY), all, []],
  [
    'an offer that ended yesterday',
    (f) => (f.offers!.items![0].validTo = '2024-05-31'),
    all,
    [{ path: 'offers.items.0.validTo', message: '第1项优惠政策：已于2024-05-31过期，请更新有效期或删除该项' }],
  ],
  [
    'an offer valid for one day',
    (f) => {
      f.offers!.items![0].validFrom = '2024-07-01';
      f.offers!.items![0].validTo = '2024-07-01';
    },
    all,
    [],
  ],
  [
    'an offer ending before it starts',
    (f) => {
      f.offers!.items![0].validFrom = '2024-07-02';
      f.offers!.items![0].validTo = '2024-07-01';
    },
    all,
    [{ path: 'offers.items.0.validTo', message: '第1项优惠政策：截止日期（2024-07-01）不能早于开始日期（2024-07-02）' }],
  ],
  // 三（二）8 材料真实性承诺: the form's 声明
  [
    'the declaration not accepted',
    (f) => (f.declaration = { accepted: false }),
    all,
    [{ path: 'declaration.accepted', message: '请阅读并同意“声明”（保证所提供信息及附件材料真实，违者愿承担一切责任）后再提交' }],
  ],
  // 三（二）1 the form, 一、基本情况
  [
    'no company name',
    (f) => (f.basic!.companyName = ' '),
    all,
    [{ path: 'basic.companyName', message: '请填写“企业名称”（一、基本情况）' }],
  ],
  ['as many technical staff as employees', (f) => (f.basic!.technicalStaffCount = f.basic!.employeeCount), all, []],
  [
    'one technical staff more than employees',
    (f) => (f.basic!.technicalStaffCount = f.basic!.employeeCount! + 1),
    all,
    [{ path: 'basic.technicalStaffCount', message: '专业技术人员（187人）不能多于员工人数（186人），请核对' }],
  ],
  ['founded today', (f) => (f.basic!.establishedOn = TODAY), all, []],
  [
    'founded tomorrow',
    (f) => (f.basic!.establishedOn = '2024-06-02'),
    all,
    [{ path: 'basic.establishedOn', message: '“成立时间”不能晚于今天（2024-06-01），请核对' }],
  ],
  ['cloud revenue of this year', (f) => (f.basic!.cloudRevenue!.year = 2024), all, []],
  [
    'cloud revenue of next year',
    (f) => (f.basic!.cloudRevenue!.year = 2025),
    all,
    [{ path: 'basic.cloudRevenue.year', message: '云业务收入所属年度（2025年）不能晚于今年，请填写已结束或当前的年度' }],
  ],
  [
    'nature “other” without saying which',
    (f) => {
      f.basic!.nature = 'other';
      delete f.basic!.natureOther;
    },
    all,
    [{ path: 'basic.natureOther', message: '企业性质选择了“其它”，请填写具体的企业性质' }],
  ],
  [
    'no platform function',
    (f) => (f.basic!.platformFunctions = []),
    all,
    [{ path: 'basic.platformFunctions', message: '请至少选择一项“平台功能”（一、基本情况，可多选）' }],
  ],
  // 四、平台技术人员及服务团队
  [
    'no core member',
    (f) => (f.team!.coreMembers = []),
    all,
    [{ path: 'team.coreMembers', message: '请至少填写1名负责人或核心团队成员的主要履历（四、平台技术人员及服务团队（一））' }],
  ],
  [
    'no training plan',
    (f) => delete f.promotionPlan!.training,
    all,
    [{ path: 'promotionPlan.training', message: '请填写“针对伊春市企业上云的培训计划”（四（三）推广和培训计划）' }],
  ],
];

test.each(cases)('%s', (_what, change, kinds, expected) => {
  const form = completeProviderFiling();
  change(form);
  expect(filingSubmitProblems(form, kinds, { today: TODAY })).toEqual(expected);
});

test('an empty draft: every section and every required material, in the order of the form', () => {
  const empty: FilingSubmitFacts = {};
  const paths = filingSubmitProblems(empty, []).map((i) => i.path);
  expect(paths[0]).toBe('basic.companyName');
  expect(paths).toEqual(expect.arrayContaining(['declaration.accepted', 'application.cases', 'offers.honourPledge', 'catalogue']));
  expect(paths.slice(-REQUIRED_FILING_MATERIAL_KINDS.length)).toEqual(REQUIRED_FILING_MATERIAL_KINDS.map((k) => `materials.${k}`));
});

test('without today, dates in the future are not checked', () => {
  const form = completeProviderFiling();
  form.basic!.establishedOn = '2999-01-01';
  expect(filingSubmitProblems(form, all)).toEqual([]);
});
