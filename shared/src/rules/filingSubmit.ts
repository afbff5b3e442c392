/**
 * 三（二）云服务商备案材料: what a provider's filing must hold before it is submitted to city MIIT — the
 * eight 备案材料 (三（二）1–8), the form of 三（二）1 filled in full (the city's 备案申报书: 一、基本情况 …
 * 五、优惠政策 and the 声明), at least three typical cases (三（二）4), a catalogue with prices (三（二）5) and the
 * offers for the city's enterprises (三（二）6). Pure: the caller gives today's date.
 *
 * The rule reads the form through `FilingSubmitFacts`, its own view of it; the contract
 * (contracts/providerFiling.ts) checks the form's shape and calls `filingSubmitProblems`.
 */

import { cite } from '../glossary/clauses';
import { cityName } from '../pack/accessors';

// ---- the eight 备案材料 of 三（二） -------------------------------------------------------------------

export interface FilingMaterial {
  kind: string;
  /** As the list of materials shows it. */
  label: string;
  /** What the submit check asks for when it is missing: 请上传{uploadName}. */
  uploadName: string;
  clause: string;
  /** A file of this kind must be attached before submit. */
  requiredAtSubmit: boolean;
  /**
   * The part of the form that carries the material as data, when there is one. The catalogue and the
   * city's offers are entered structured (the registry and enterprises' picks need them so); a file of
   * those kinds is then a welcome supplement (a price list, a signed offer), not a condition of submit.
   */
  coveredByFormSection?: 'catalogue' | 'offers';
}

export const FILING_MATERIALS = [
  // 三（二）1: the form itself, printed from renderFilingDocx, signed, stamped and scanned.
  {
    kind: 'application_form',
    label: '备案申报书（盖章扫描件）',
    uploadName: '签字盖章后的备案申报书扫描件',
    clause: '三（二）1',
    requiredAtSubmit: true,
  },
  {
    kind: 'business_license_financials',
    label: '营业执照复印件及财务报表',
    uploadName: '营业执照复印件及财务报表',
    clause: '三（二）2',
    requiredAtSubmit: true,
  },
  // 三（一）4 also asks for 安全资质材料: they go here.
  {
    kind: 'qualifications',
    label: '软件产品登记证、知识产权证书、可信云认证、信息安全服务资质认证等',
    uploadName: '相关资质证明（软件产品登记证、知识产权证书、可信云认证、信息安全服务资质认证等）',
    clause: '三（二）3',
    requiredAtSubmit: true,
  },
  {
    kind: 'case_evidence',
    label: '应用典型案例佐证（3例以上）',
    uploadName: '典型案例佐证材料',
    clause: '三（二）4',
    requiredAtSubmit: true,
  },
  {
    kind: 'catalogue',
    label: '产品或服务目录（功能简介和报价）',
    uploadName: '产品或服务目录',
    clause: '三（二）5',
    requiredAtSubmit: false,
    coveredByFormSection: 'catalogue',
  },
  {
    kind: 'yichun_offers',
    // 三（二）6 针对本市企业的优惠政策: the city's name is the installed pack's, read at each use.
    get label(): string {
      return `针对${cityName()}企业的优惠政策`;
    },
    get uploadName(): string {
      return `针对${cityName()}企业的优惠政策`;
    },
    clause: '三（二）6',
    requiredAtSubmit: false,
    coveredByFormSection: 'offers',
  },
  {
    kind: 'promotion_training_plan',
    label: '推广及培训方案、计划',
    uploadName: '推广及培训方案、计划',
    clause: '三（二）7',
    requiredAtSubmit: true,
  },
  {
    kind: 'truthfulness_pledge',
    label: '材料真实性承诺',
    uploadName: '签字盖章的材料真实性承诺书',
    clause: '三（二）8',
    requiredAtSubmit: true,
  },
] as const satisfies readonly FilingMaterial[];

export type FilingMaterialKind = (typeof FILING_MATERIALS)[number]['kind'];
export const FILING_MATERIAL_KINDS: readonly FilingMaterialKind[] = FILING_MATERIALS.map((m) => m.kind);
export const REQUIRED_FILING_MATERIAL_KINDS: readonly FilingMaterialKind[] = FILING_MATERIALS.filter((m) => m.requiredAtSubmit).map(
  (m) => m.kind,
);

export function isFilingMaterialKind(value: string): value is FilingMaterialKind {
  return (FILING_MATERIAL_KINDS as readonly string[]).includes(value);
}

// ---- the form as the rule reads it ------------------------------------------------------------------

/** A contact person of 一、基本情况 (企业负责人, 联系人). */
export interface FilingPersonFacts {
  name?: unknown;
  title?: unknown;
  phone?: unknown;
  mobile?: unknown;
  email?: unknown;
}

/** 三（三）典型案例: one case with its evidence. */
export interface FilingCaseFacts {
  title?: unknown;
  customer?: unknown;
  implementedOn?: string | undefined;
  costFen?: unknown;
  process?: unknown;
  effect?: unknown;
  evidence?: unknown;
}

/** 四（一）负责人及核心团队成员. */
export interface FilingMemberFacts {
  name?: unknown;
  role?: unknown;
  resume?: unknown;
}

/** What the submit rule reads of a filing form; every field may be missing (a draft). */
export interface FilingSubmitFacts {
  basic?:
    | {
        companyName?: unknown;
        platformName?: unknown;
        platformUrl?: unknown;
        registeredCapitalFen?: unknown;
        registeredAddress?: unknown;
        establishedOn?: string | undefined;
        cloudRevenue?: { amountFen?: unknown; year?: number | undefined } | undefined;
        employeeCount?: number | undefined;
        technicalStaffCount?: number | undefined;
        cloudBusinessStartedOn?: string | undefined;
        servedEnterpriseCount?: unknown;
        nature?: string | undefined;
        natureOther?: unknown;
        platformFunctions?: readonly string[] | undefined;
        platformFunctionOther?: unknown;
        introduction?: unknown;
        honors?: unknown;
        principal?: FilingPersonFacts | undefined;
        contact?: FilingPersonFacts | undefined;
      }
    | undefined;
  declaration?: { accepted?: unknown } | undefined;
  technical?:
    | { products?: unknown; coreTechnology?: unknown; indicators?: unknown; researchAndDevelopment?: unknown; certifications?: unknown }
    | undefined;
  application?:
    | { scenarios?: unknown; marketAnalysis?: unknown; caseCountSummary?: unknown; cases?: readonly FilingCaseFacts[] | undefined }
    | undefined;
  team?:
    | { coreMembers?: readonly FilingMemberFacts[] | undefined; teamSize?: unknown; educationSummary?: unknown; description?: unknown }
    | undefined;
  promotionPlan?: { promotion?: unknown; training?: unknown } | undefined;
  offers?:
    | {
        items?:
          readonly { title?: unknown; description?: unknown; validFrom?: string | undefined; validTo?: string | undefined }[] | undefined;
        honourPledge?: unknown;
      }
    | undefined;
  catalogue?:
    | readonly {
        name?: unknown;
        description?: unknown;
        priceFen?: number | undefined;
        unit?: unknown;
        yichunPriceFen?: number | undefined;
      }[]
    | undefined;
}

/** 三（二）4 应用典型案例及佐证，3例以上. */
export const MIN_CASES = 3;

/** One problem that blocks submitting: a dotted path of the form (or `materials.<kind>`) and what to fix. */
export interface FilingIssue {
  /** Dotted path, e.g. 'basic.contact.mobile', 'application.cases.1.process', 'materials.case_evidence'. */
  path: string;
  message: string;
}

// ---- submit -----------------------------------------------------------------------------------------

export interface SubmitOptions {
  /** Today in Asia/Shanghai ('YYYY-MM-DD'); when given, dates in the future and expired offers are refused. */
  today?: string;
}

const SECTION = {
  basic: '一、基本情况',
  technical: '二、技术实力',
  application: '三、主要产品或服务应用情况',
  team: '四、平台技术人员及服务团队',
  promotionPlan: '四（三）推广和培训计划',
  offers: '五、优惠政策',
  catalogue: '产品或服务目录',
} as const;

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * 三（二）: every problem that blocks submitting the filing, in the order of the form, each with its dotted path and a
 * Chinese message saying what to fix; [] when the filing can be submitted. `form` is a parsed draft
 * (contracts/providerFiling's providerFilingDraftSchema); `attachedMaterialKinds` the kinds of the files uploaded with it.
 */
export function filingSubmitProblems(
  form: FilingSubmitFacts,
  attachedMaterialKinds: readonly string[],
  options: SubmitOptions = {},
): FilingIssue[] {
  const issues: FilingIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const need = (path: string, value: unknown, label: string, section: string): void => {
    if (isBlank(value)) add(path, `请填写“${label}”（${section}）`);
  };
  const notInFuture = (path: string, date: string | undefined, label: string): void => {
    if (options.today !== undefined && date !== undefined && date > options.today) {
      add(path, `“${label}”不能晚于今天（${options.today}），请核对`);
    }
  };

  // 一、基本情况
  const b = form.basic ?? {};
  const s = SECTION.basic;
  need('basic.companyName', b.companyName, '企业名称', s);
  need('basic.platformName', b.platformName, '云平台名称', s);
  need('basic.platformUrl', b.platformUrl, '云平台网址', s);
  need('basic.registeredCapitalFen', b.registeredCapitalFen, '注册资本（万元）', s);
  need('basic.registeredAddress', b.registeredAddress, '注册地址', s);
  need('basic.establishedOn', b.establishedOn, '成立时间', s);
  notInFuture('basic.establishedOn', b.establishedOn, '成立时间');
  const revenue = b.cloudRevenue ?? {};
  need('basic.cloudRevenue.amountFen', revenue.amountFen, '云业务收入（万元）', s);
  if (revenue.year === undefined) {
    add('basic.cloudRevenue.year', `请填写云业务收入所属的年度（如 2023年云业务收入）（${s}）`);
  } else if (options.today !== undefined && revenue.year > Number(options.today.slice(0, 4))) {
    add('basic.cloudRevenue.year', `云业务收入所属年度（${revenue.year}年）不能晚于今年，请填写已结束或当前的年度`);
  }
  need('basic.employeeCount', b.employeeCount, '员工人数', s);
  need('basic.technicalStaffCount', b.technicalStaffCount, '专业技术人员', s);
  if (b.employeeCount !== undefined && b.technicalStaffCount !== undefined && b.technicalStaffCount > b.employeeCount) {
    add('basic.technicalStaffCount', `专业技术人员（${b.technicalStaffCount}人）不能多于员工人数（${b.employeeCount}人），请核对`);
  }
  need('basic.cloudBusinessStartedOn', b.cloudBusinessStartedOn, '云业务开始时间', s);
  notInFuture('basic.cloudBusinessStartedOn', b.cloudBusinessStartedOn, '云业务开始时间');
  need('basic.servedEnterpriseCount', b.servedEnterpriseCount, '上云企业数量', s);
  if (b.nature === undefined) {
    add('basic.nature', `请选择“企业性质”（${s}）`);
  } else if (b.nature === 'other' && isBlank(b.natureOther)) {
    add('basic.natureOther', '企业性质选择了“其它”，请填写具体的企业性质');
  }
  const functions = b.platformFunctions ?? [];
  if (functions.length === 0) {
    add('basic.platformFunctions', `请至少选择一项“平台功能”（${s}，可多选）`);
  } else if (functions.includes('other') && isBlank(b.platformFunctionOther)) {
    add('basic.platformFunctionOther', '平台功能选择了“其他”，请填写具体的平台功能');
  }
  need('basic.introduction', b.introduction, '企业及平台简介（300字以内）', s);
  need('basic.honors', b.honors, '云平台获得荣誉、专利、软件著作权（没有请填“无”）', s);

  const p = b.principal ?? {};
  need('basic.principal.name', p.name, '企业负责人姓名', s);
  need('basic.principal.title', p.title, '企业负责人职务', s);
  need('basic.principal.phone', p.phone, '企业负责人联系电话', s);
  need('basic.principal.mobile', p.mobile, '企业负责人手机', s);
  need('basic.principal.email', p.email, '企业负责人电子邮箱', s);
  // 传真 stays optional: many providers no longer have one.
  const c = b.contact ?? {};
  need('basic.contact.name', c.name, '联系人姓名', s);
  need('basic.contact.title', c.title, '联系人职务', s);
  need('basic.contact.phone', c.phone, '联系人联系电话', s);
  need('basic.contact.email', c.email, '联系人电子邮箱', s);

  // 声明 (the form's truthfulness pledge; 三（二）8)
  if (form.declaration?.accepted !== true) {
    add('declaration.accepted', '请阅读并同意“声明”（保证所提供信息及附件材料真实，违者愿承担一切责任）后再提交');
  }

  // 二、技术实力
  const t = form.technical ?? {};
  need('technical.products', t.products, '主要产品或服务介绍', SECTION.technical);
  need('technical.coreTechnology', t.coreTechnology, '核心技术及其核心竞争优势', SECTION.technical);
  need('technical.indicators', t.indicators, '产品或服务的主要技术指标', SECTION.technical);
  need('technical.researchAndDevelopment', t.researchAndDevelopment, '相关研发能力及自主知识产权情况', SECTION.technical);
  need('technical.certifications', t.certifications, '取得的相关认证情况（没有请填“无”）', SECTION.technical);

  // 三、主要产品或服务应用情况
  const a = form.application ?? {};
  need('application.scenarios', a.scenarios, '主要产品或服务的应用场景', SECTION.application);
  need('application.marketAnalysis', a.marketAnalysis, '应用场景所属行业情况及市场分析', SECTION.application);
  need('application.caseCountSummary', a.caseCountSummary, '各项产品或服务的实施案例数量', SECTION.application);
  const cases = a.cases ?? [];
  // 三（二）4 应用典型案例及佐证，3例以上
  if (cases.length < MIN_CASES) {
    add(
      'application.cases',
      `典型案例至少需要${MIN_CASES}例（细则三（二）4），${cases.length === 0 ? '目前还没有填写' : `目前只有${cases.length}例`}`,
    );
  }
  cases.forEach((item, index) => {
    const at = `application.cases.${index}`;
    const needCase = (field: keyof FilingCaseFacts, label: string): void => {
      if (isBlank(item[field])) add(`${at}.${field}`, `第${index + 1}个典型案例：请填写“${label}”`);
    };
    needCase('title', '案例名称');
    needCase('customer', '客户单位');
    needCase('implementedOn', '实施日期');
    notInFuture(`${at}.implementedOn`, item.implementedOn, `第${index + 1}个典型案例的实施日期`);
    needCase('costFen', '实施费用');
    needCase('process', '实施过程');
    needCase('effect', '实施效果');
    needCase('evidence', '佐证材料');
  });

  // 四、平台技术人员及服务团队
  const team = form.team ?? {};
  const members = team.coreMembers ?? [];
  if (members.length === 0) {
    add('team.coreMembers', `请至少填写1名负责人或核心团队成员的主要履历（${SECTION.team}（一））`);
  }
  members.forEach((member, index) => {
    const at = `team.coreMembers.${index}`;
    const needMember = (field: keyof FilingMemberFacts, label: string): void => {
      if (isBlank(member[field])) add(`${at}.${field}`, `第${index + 1}名核心团队成员：请填写“${label}”`);
    };
    needMember('name', '姓名');
    needMember('role', '职务');
    needMember('resume', '主要履历');
  });
  need('team.teamSize', team.teamSize, '团队人数', SECTION.team);
  need('team.educationSummary', team.educationSummary, '团队学历情况', SECTION.team);
  need('team.description', team.description, '企业技术或服务团队情况', SECTION.team);

  // 四（三）推广和培训计划 (三（二）7)
  const plan = form.promotionPlan ?? {};
  need('promotionPlan.promotion', plan.promotion, `针对${cityName()}企业上云的推广计划`, SECTION.promotionPlan);
  need('promotionPlan.training', plan.training, `针对${cityName()}企业上云的培训计划`, SECTION.promotionPlan);

  // 五、优惠政策 (三（二）6)
  const offers = form.offers ?? {};
  const offerItems = offers.items ?? [];
  if (offerItems.length === 0) {
    add('offers.items', `请至少填写1项针对${cityName()}企业的优惠政策（细则三（二）6）`);
  }
  offerItems.forEach((offer, index) => {
    const at = `offers.items.${index}`;
    const label = `第${index + 1}项优惠政策`;
    if (isBlank(offer.title)) add(`${at}.title`, `${label}：请填写“优惠名称”`);
    if (isBlank(offer.description)) add(`${at}.description`, `${label}：请填写“优惠内容”`);
    if (offer.validFrom === undefined) add(`${at}.validFrom`, `${label}：请填写“优惠开始日期”`);
    if (offer.validFrom !== undefined && offer.validTo !== undefined && offer.validTo < offer.validFrom) {
      add(`${at}.validTo`, `${label}：截止日期（${offer.validTo}）不能早于开始日期（${offer.validFrom}）`);
    } else if (options.today !== undefined && offer.validTo !== undefined && offer.validTo < options.today) {
      add(`${at}.validTo`, `${label}：已于${offer.validTo}过期，请更新有效期或删除该项`);
    }
  });
  if (offers.honourPledge !== true) {
    add('offers.honourPledge', `请承诺针对${cityName()}企业的优惠政策能够兑现（五、优惠政策）`);
  }

  // 三（二）5 产品或服务目录，包括功能简介和产品报价
  const catalogue = form.catalogue ?? [];
  if (catalogue.length === 0) {
    add('catalogue', '产品或服务目录至少需要1项，包括功能简介和产品报价（细则三（二）5）');
  }
  catalogue.forEach((item, index) => {
    const at = `catalogue.${index}`;
    const label = `产品或服务目录第${index + 1}项`;
    if (isBlank(item.name)) add(`${at}.name`, `${label}：请填写“产品或服务名称”`);
    if (isBlank(item.description)) add(`${at}.description`, `${label}：请填写“功能简介”`);
    if (item.priceFen === undefined) add(`${at}.priceFen`, `${label}：请填写“报价”`);
    if (item.unit === undefined) add(`${at}.unit`, `${label}：请选择计价单位（如 元/年、元/月、元/套）`);
    if (item.priceFen !== undefined && item.yichunPriceFen !== undefined && item.yichunPriceFen > item.priceFen) {
      add(`${at}.yichunPriceFen`, `${label}：${cityName()}企业优惠价不能高于报价`);
    }
  });

  // 三（二）备案材料
  const attached = new Set(attachedMaterialKinds);
  for (const material of FILING_MATERIALS) {
    if (material.requiredAtSubmit && !attached.has(material.kind)) {
      add(`materials.${material.kind}`, `请上传${material.uploadName}（${cite(material.clause)}）`);
    }
  }

  return issues;
}
