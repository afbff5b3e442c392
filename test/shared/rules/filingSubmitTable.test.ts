/**
 * 三（二）: every problem that blocks a provider's filing, word for word, from a table written from the seed's
 * 备案申报书 (一、基本情况 … 五、优惠政策, the 声明) and its list of eight 备案材料 — the field names a provider
 * reads are the form's own. Complements filingSubmit.test.ts (one change → one problem, with boundaries).
 */
import {
  FILING_MATERIALS,
  FILING_MATERIAL_KINDS,
  REQUIRED_FILING_MATERIAL_KINDS,
  filingSubmitProblems,
  isFilingMaterialKind,
} from '../../../shared/src/rules/filingSubmit';
import { ALL_FILING_MATERIAL_KINDS, completeProviderFiling } from '../../fixtures/providerFiling';

const TODAY = '2024-06-01';
const BASIC = '（一、基本情况）';
const TECHNICAL = '（二、技术实力）';
const APPLICATION = '（三、主要产品或服务应用情况）';
const TEAM = '（四、平台技术人员及服务团队）';
const PLAN = '（四（三）推广和培训计划）';

/** An empty draft with nothing uploaded: each line of the form in turn, then each material that must be a file. */
const EMPTY_DRAFT: [string, string][] = [
  // 一、基本情况
  ['basic.companyName', `请填写“企业名称”${BASIC}`],
  ['basic.platformName', `请填写“云平台名称”${BASIC}`],
  ['basic.platformUrl', `请填写“云平台网址”${BASIC}`],
  ['basic.registeredCapitalFen', `请填写“注册资本（万元）”${BASIC}`],
  ['basic.registeredAddress', `请填写“注册地址”${BASIC}`],
  ['basic.establishedOn', `请填写“成立时间”${BASIC}`],
  ['basic.cloudRevenue.amountFen', `请填写“云业务收入（万元）”${BASIC}`],
  // The form asks for “2021年云业务收入”: the year is the provider's to give.
  ['basic.cloudRevenue.year', `请填写云业务收入所属的年度（如 2023年云业务收入）${BASIC}`],
  ['basic.employeeCount', `请填写“员工人数”${BASIC}`],
  ['basic.technicalStaffCount', `请填写“专业技术人员”${BASIC}`],
  ['basic.cloudBusinessStartedOn', `请填写“云业务开始时间”${BASIC}`],
  ['basic.servedEnterpriseCount', `请填写“上云企业数量”${BASIC}`],
  ['basic.nature', `请选择“企业性质”${BASIC}`],
  ['basic.platformFunctions', '请至少选择一项“平台功能”（一、基本情况，可多选）'],
  ['basic.introduction', `请填写“企业及平台简介（300字以内）”${BASIC}`],
  ['basic.honors', `请填写“云平台获得荣誉、专利、软件著作权（没有请填“无”）”${BASIC}`],
  // 企业负责人: 姓名, 职务, 联系电话, 手机, 电子邮箱 (传真 optional)
  ['basic.principal.name', `请填写“企业负责人姓名”${BASIC}`],
  ['basic.principal.title', `请填写“企业负责人职务”${BASIC}`],
  ['basic.principal.phone', `请填写“企业负责人联系电话”${BASIC}`],
  ['basic.principal.mobile', `请填写“企业负责人手机”${BASIC}`],
  ['basic.principal.email', `请填写“企业负责人电子邮箱”${BASIC}`],
  // 联系人: 姓名, 职务, 联系电话, 电子邮箱 (the form has no 手机 line for the contact)
  ['basic.contact.name', `请填写“联系人姓名”${BASIC}`],
  ['basic.contact.title', `请填写“联系人职务”${BASIC}`],
  ['basic.contact.phone', `请填写“联系人联系电话”${BASIC}`],
  ['basic.contact.email', `请填写“联系人电子邮箱”${BASIC}`],
  // 声明
  ['declaration.accepted', '请阅读并同意“声明”（保证所提供信息及附件材料真实，违者愿承担一切责任）后再提交'],
  // 二、技术实力 （一）1–3, （二）
  ['technical.products', `请填写“主要产品或服务介绍”${TECHNICAL}`],
  ['technical.coreTechnology', `请填写“核心技术及其核心竞争优势”${TECHNICAL}`],
  ['technical.indicators', `请填写“产品或服务的主要技术指标”${TECHNICAL}`],
  ['technical.researchAndDevelopment', `请填写“相关研发能力及自主知识产权情况”${TECHNICAL}`],
  ['technical.certifications', `请填写“取得的相关认证情况（没有请填“无”）”${TECHNICAL}`],
  // 三、主要产品或服务应用情况 （一）–（三）
  ['application.scenarios', `请填写“主要产品或服务的应用场景”${APPLICATION}`],
  ['application.marketAnalysis', `请填写“应用场景所属行业情况及市场分析”${APPLICATION}`],
  ['application.caseCountSummary', `请填写“各项产品或服务的实施案例数量”${APPLICATION}`],
  ['application.cases', '典型案例至少需要3例（细则三（二）4），目前还没有填写'],
  // 四、平台技术人员及服务团队 （一）–（三）
  ['team.coreMembers', '请至少填写1名负责人或核心团队成员的主要履历（四、平台技术人员及服务团队（一））'],
  ['team.teamSize', `请填写“团队人数”${TEAM}`],
  ['team.educationSummary', `请填写“团队学历情况”${TEAM}`],
  ['team.description', `请填写“企业技术或服务团队情况”${TEAM}`],
  ['promotionPlan.promotion', `请填写“针对伊春市企业上云的推广计划”${PLAN}`],
  ['promotionPlan.training', `请填写“针对伊春市企业上云的培训计划”${PLAN}`],
  // 五、优惠政策: offers, and the promise to honour them
  ['offers.items', '请至少填写1项针对伊春市企业的优惠政策（细则三（二）6）'],
  ['offers.honourPledge', '请承诺针对伊春市企业的优惠政策能够兑现（五、优惠政策）'],
  // 三（二）5
  ['catalogue', '产品或服务目录至少需要1项，包括功能简介和产品报价（细则三（二）5）'],
  // 三（二）1–4, 7, 8 as files (5 and 6 are on the form)
  ['materials.application_form', '请上传签字盖章后的备案申报书扫描件（细则三（二）1）'],
  ['materials.business_license_financials', '请上传营业执照复印件及财务报表（细则三（二）2）'],
  ['materials.qualifications', '请上传相关资质证明（软件产品登记证、知识产权证书、可信云认证、信息安全服务资质认证等）（细则三（二）3）'],
  ['materials.case_evidence', '请上传典型案例佐证材料（细则三（二）4）'],
  ['materials.promotion_training_plan', '请上传推广及培训方案、计划（细则三（二）7）'],
  ['materials.truthfulness_pledge', '请上传签字盖章的材料真实性承诺书（细则三（二）8）'],
];

const asPairs = (issues: { path: string; message: string }[]): [string, string][] => issues.map((i) => [i.path, i.message]);

describe('an empty draft', () => {
  test('every problem, in the order of the form, word for word', () => {
    expect(asPairs(filingSubmitProblems({}, []))).toEqual(EMPTY_DRAFT);
  });

  test('sections present but empty, blank strings and nulls count as not filled in', () => {
    const blank = {
      basic: {
        companyName: '',
        platformName: '   ',
        platformUrl: null,
        registeredCapitalFen: undefined,
        cloudRevenue: {},
        principal: {},
        contact: {},
        platformFunctions: [],
      },
      declaration: {},
      technical: {},
      application: { cases: [] },
      team: { coreMembers: [] },
      promotionPlan: {},
      offers: { items: [] },
      catalogue: [],
    };
    expect(asPairs(filingSubmitProblems(blank, []))).toEqual(EMPTY_DRAFT);
  });

  test('a number is filled in, also 0; a pledge must be exactly true', () => {
    const form = completeProviderFiling();
    form.basic!.servedEnterpriseCount = 0;
    expect(filingSubmitProblems(form, ALL_FILING_MATERIAL_KINDS, { today: TODAY })).toEqual([]);
    const truthy = { ...completeProviderFiling(), declaration: { accepted: 'true' } } as unknown as Parameters<
      typeof filingSubmitProblems
    >[0];
    expect(asPairs(filingSubmitProblems(truthy, ALL_FILING_MATERIAL_KINDS))).toEqual([
      ['declaration.accepted', '请阅读并同意“声明”（保证所提供信息及附件材料真实，违者愿承担一切责任）后再提交'],
    ]);
  });
});

describe('a line of a list left empty: its number and the name of each field', () => {
  test('a fourth case, a fourth member, a third offer and a fourth catalogue item, all blank', () => {
    const form = completeProviderFiling();
    form.application!.cases!.push({});
    form.team!.coreMembers!.push({});
    form.offers!.items!.push({});
    form.catalogue!.push({});
    expect(asPairs(filingSubmitProblems(form, ALL_FILING_MATERIAL_KINDS, { today: TODAY }))).toEqual([
      // 三（三）典型案例: 实施日期、费用、过程、效果, and 佐证材料
      ['application.cases.3.title', '第4个典型案例：请填写“案例名称”'],
      ['application.cases.3.customer', '第4个典型案例：请填写“客户单位”'],
      ['application.cases.3.implementedOn', '第4个典型案例：请填写“实施日期”'],
      ['application.cases.3.costFen', '第4个典型案例：请填写“实施费用”'],
      ['application.cases.3.process', '第4个典型案例：请填写“实施过程”'],
      ['application.cases.3.effect', '第4个典型案例：请填写“实施效果”'],
      ['application.cases.3.evidence', '第4个典型案例：请填写“佐证材料”'],
      // 四（一）负责人及核心团队成员主要履历
      ['team.coreMembers.3.name', '第4名核心团队成员：请填写“姓名”'],
      ['team.coreMembers.3.role', '第4名核心团队成员：请填写“职务”'],
      ['team.coreMembers.3.resume', '第4名核心团队成员：请填写“主要履历”'],
      ['offers.items.2.title', '第3项优惠政策：请填写“优惠名称”'],
      ['offers.items.2.description', '第3项优惠政策：请填写“优惠内容”'],
      ['offers.items.2.validFrom', '第3项优惠政策：请填写“优惠开始日期”'],
      // 三（二）5: 功能简介和产品报价
      ['catalogue.3.name', '产品或服务目录第4项：请填写“产品或服务名称”'],
      ['catalogue.3.description', '产品或服务目录第4项：请填写“功能简介”'],
      ['catalogue.3.priceFen', '产品或服务目录第4项：请填写“报价”'],
      ['catalogue.3.unit', '产品或服务目录第4项：请选择计价单位（如 元/年、元/月、元/套）'],
    ]);
  });
});

describe('choices that need a word more, and comparisons that need both sides', () => {
  type Change = (f: ReturnType<typeof completeProviderFiling>) => void;
  const cases: [string, Change, [string, string][]][] = [
    ['nature “other”, said which', (f) => ((f.basic!.nature = 'other'), (f.basic!.natureOther = '民办非企业单位')), []],
    [
      'nature “other”, blank',
      (f) => ((f.basic!.nature = 'other'), (f.basic!.natureOther = ' ')),
      [['basic.natureOther', '企业性质选择了“其它”，请填写具体的企业性质']],
    ],
    ['nature not “other”, no word needed', (f) => ((f.basic!.nature = 'state_owned'), delete f.basic!.natureOther), []],
    [
      'platform function “other”, blank',
      (f) => (f.basic!.platformFunctions = ['management', 'other']),
      [['basic.platformFunctionOther', '平台功能选择了“其他”，请填写具体的平台功能']],
    ],
    [
      'platform function “other”, said which',
      (f) => ((f.basic!.platformFunctions = ['other']), (f.basic!.platformFunctionOther = '工业APP开发')),
      [],
    ],
    // The staff comparison needs both counts: a missing employee count is only missing.
    ['no employee count', (f) => delete f.basic!.employeeCount, [['basic.employeeCount', `请填写“员工人数”${BASIC}`]]],
    [
      'no technical staff count',
      (f) => delete f.basic!.technicalStaffCount,
      [['basic.technicalStaffCount', `请填写“专业技术人员”${BASIC}`]],
    ],
    // The Yichun price is compared with a list price only when there is one.
    [
      'a Yichun price above, without a list price',
      (f) => ((f.catalogue![0].yichunPriceFen = 99_999_999), delete f.catalogue![0].priceFen),
      [['catalogue.0.priceFen', '产品或服务目录第1项：请填写“报价”']],
    ],
    // An offer without its start, ended before today: both are said.
    [
      'an offer with no start date that has ended',
      (f) => (delete f.offers!.items![1].validFrom, (f.offers!.items![1].validTo = '2024-05-31')),
      [
        ['offers.items.1.validFrom', '第2项优惠政策：请填写“优惠开始日期”'],
        ['offers.items.1.validTo', '第2项优惠政策：已于2024-05-31过期，请更新有效期或删除该项'],
      ],
    ],
    // An offer ending before it starts is said once, even when it has also ended.
    [
      'an offer ending before it starts, in the past',
      (f) => ((f.offers!.items![0].validFrom = '2024-05-02'), (f.offers!.items![0].validTo = '2024-05-01')),
      [['offers.items.0.validTo', '第1项优惠政策：截止日期（2024-05-01）不能早于开始日期（2024-05-02）']],
    ],
    ['the cloud business started today', (f) => (f.basic!.cloudBusinessStartedOn = TODAY), []],
    [
      'the cloud business starts tomorrow',
      (f) => (f.basic!.cloudBusinessStartedOn = '2024-06-02'),
      [['basic.cloudBusinessStartedOn', '“云业务开始时间”不能晚于今天（2024-06-01），请核对']],
    ],
    // A missing date is missing, not in the future.
    ['no founding date', (f) => delete f.basic!.establishedOn, [['basic.establishedOn', `请填写“成立时间”${BASIC}`]]],
    [
      'a case with no date',
      (f) => delete f.application!.cases![2].implementedOn,
      [['application.cases.2.implementedOn', '第3个典型案例：请填写“实施日期”']],
    ],
    ['cloud revenue of last year', (f) => (f.basic!.cloudRevenue!.year = 2023), []],
  ];
  test.each(cases)('%s', (_what, change, expected) => {
    const form = completeProviderFiling();
    change(form);
    expect(asPairs(filingSubmitProblems(form, ALL_FILING_MATERIAL_KINDS, { today: TODAY }))).toEqual(expected);
  });

  test('without today, nothing is compared with it', () => {
    const form = completeProviderFiling();
    form.basic!.cloudRevenue!.year = 2999;
    form.basic!.cloudBusinessStartedOn = '2999-01-01';
    form.application!.cases![0].implementedOn = '2999-01-01';
    form.offers!.items![0].validTo = '2000-01-01';
    form.offers!.items![0].validFrom = '1999-01-01';
    expect(filingSubmitProblems(form, ALL_FILING_MATERIAL_KINDS)).toEqual([]);
  });
});

describe('the eight 备案材料 of 三（二）', () => {
  test('as the list shows them and as the submit check asks for them', () => {
    expect(FILING_MATERIALS.map((m) => [m.clause, m.label, m.uploadName])).toEqual([
      ['三（二）1', '备案申报书（盖章扫描件）', '签字盖章后的备案申报书扫描件'],
      ['三（二）2', '营业执照复印件及财务报表', '营业执照复印件及财务报表'],
      [
        '三（二）3',
        '软件产品登记证、知识产权证书、可信云认证、信息安全服务资质认证等',
        '相关资质证明（软件产品登记证、知识产权证书、可信云认证、信息安全服务资质认证等）',
      ],
      ['三（二）4', '应用典型案例佐证（3例以上）', '典型案例佐证材料'],
      ['三（二）5', '产品或服务目录（功能简介和报价）', '产品或服务目录'],
      ['三（二）6', '针对伊春市企业的优惠政策', '针对伊春市企业的优惠政策'],
      ['三（二）7', '推广及培训方案、计划', '推广及培训方案、计划'],
      ['三（二）8', '材料真实性承诺', '签字盖章的材料真实性承诺书'],
    ]);
  });

  test('the catalogue and the offers are carried by the form', () => {
    expect(FILING_MATERIALS.map((m) => [m.kind, 'coveredByFormSection' in m ? m.coveredByFormSection : null])).toEqual([
      ['application_form', null],
      ['business_license_financials', null],
      ['qualifications', null],
      ['case_evidence', null],
      ['catalogue', 'catalogue'],
      ['yichun_offers', 'offers'],
      ['promotion_training_plan', null],
      ['truthfulness_pledge', null],
    ]);
  });

  test('kinds, required kinds, and what is a kind', () => {
    expect(FILING_MATERIAL_KINDS).toEqual([
      'application_form',
      'business_license_financials',
      'qualifications',
      'case_evidence',
      'catalogue',
      'yichun_offers',
      'promotion_training_plan',
      'truthfulness_pledge',
    ]);
    expect(REQUIRED_FILING_MATERIAL_KINDS).toEqual([
      'application_form',
      'business_license_financials',
      'qualifications',
      'case_evidence',
      'promotion_training_plan',
      'truthfulness_pledge',
    ]);
    expect(isFilingMaterialKind('case_evidence')).toBe(true);
    expect(isFilingMaterialKind('truthfulness_pledge')).toBe(true);
    expect(isFilingMaterialKind('contract')).toBe(false);
    expect(isFilingMaterialKind('')).toBe(false);
  });

  test('a file of an unknown kind satisfies nothing', () => {
    const kinds = [...REQUIRED_FILING_MATERIAL_KINDS.filter((k) => k !== 'case_evidence'), 'case', 'contract'];
    expect(asPairs(filingSubmitProblems(completeProviderFiling(), kinds))).toEqual([
      ['materials.case_evidence', '请上传典型案例佐证材料（细则三（二）4）'],
    ]);
  });
});
