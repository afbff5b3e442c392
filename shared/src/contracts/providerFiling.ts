/**
 * The provider filing (云服务商备案, seed 三（一）（二）): every field of the city's 备案申报书 (三（二）1),
 * the structured catalogue and the offers to the city's enterprises of 三（二）5–6 that feed the public registry, and the eight 备案材料:
 * the schemas that check a filing. The form's choices, fixed texts and limits are ./filingChoices.ts.
 *
 * Two levels of checking, because a provider fills the form on a phone over several sittings:
 * - `providerFilingDraftSchema`: every field optional, but whatever is present must be well-formed (types,
 *   lengths, dates, phones …). A draft that passes can be saved.
 * - `validateForSubmit`: what a complete filing needs (required fields, at least three cases, the pledges,
 *   the materials), each problem with a dotted path and a Chinese message saying what to fix — the submit
 *   rules of 三（二）, which live in rules/filingSubmit.ts.
 *
 * Money is integer fen everywhere (DESIGN.md "Rules that hold everywhere"); the form's 万元 are a display unit.
 * Pure: no I/O, no clock (pass `today` to the submit check).
 */

import { z } from 'zod';
import { summarizeIssues } from './issues';
import { isCalendarDate, MAX_YEAR } from '../rules/calendar';
import { filingSubmitProblems, type FilingIssue, type SubmitOptions } from '../rules/filingSubmit';
import {
  charCount,
  ENTERPRISE_NATURES,
  LANDLINE_PATTERN,
  LIMITS,
  MOBILE_PATTERN,
  PLATFORM_FUNCTIONS,
  PRICE_UNITS,
  type EnterpriseNature,
  type PlatformFunction,
  type PriceUnit,
} from './filingChoices';
import { cityName, policyContact } from '../pack/accessors';

// The form's choices, texts and limits live in ./filingChoices.ts; the server reads them from here too.
export * from './filingChoices';

const ENTERPRISE_NATURE_VALUES = ENTERPRISE_NATURES.map((n) => n.value) as [EnterpriseNature, ...EnterpriseNature[]];
const PLATFORM_FUNCTION_VALUES = PLATFORM_FUNCTIONS.map((f) => f.value) as [PlatformFunction, ...PlatformFunction[]];
const PRICE_UNIT_VALUES = PRICE_UNITS.map((u) => u.value) as [PriceUnit, ...PriceUnit[]];

// ---- the eight 备案材料 of 三（二）: a rule of the policy (rules/filingSubmit.ts) -------------------------

export {
  FILING_MATERIALS,
  FILING_MATERIAL_KINDS,
  REQUIRED_FILING_MATERIAL_KINDS,
  isFilingMaterialKind,
  type FilingMaterial,
  type FilingMaterialKind,
} from '../rules/filingSubmit';

// ---- field schemas --------------------------------------------------------------------------------

// The mini-program sends '' or null for a field left empty; in a draft that is "not filled".
function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

function optionalField<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

function textField(label: string, max: number) {
  return optionalField(
    z
      .string({ error: `“${label}”须为文字` })
      .trim()
      .superRefine((value, ctx) => {
        const n = charCount(value);
        if (n > max) ctx.addIssue({ code: 'custom', message: `“${label}”不能超过${max}字，目前${n}字，请精简` });
      }),
  );
}

// A label that names the city is a function, read when the message is made (the installed pack's city).
function nonNegativeInteger(label: string | (() => string), hint: string) {
  const message = () => `“${typeof label === 'function' ? label() : label}”须为不小于0的整数${hint}`;
  return optionalField(
    z
      .number({ error: message })
      .superRefine((value, ctx) => {
        if (!Number.isSafeInteger(value) || value < 0) ctx.addIssue({ code: 'custom', message: message() });
      })
      // JSON allows -0; it is 0.
      .transform((value) => value + 0),
  );
}

function countField(label: string) {
  return nonNegativeInteger(label, '');
}

const FEN_HINT = '（单位：分，如1万元填 1000000）';
function fenField(label: string | (() => string)) {
  return nonNegativeInteger(label, FEN_HINT);
}

function dateField(label: string) {
  const message = `“${label}”须为真实存在的日期，格式 YYYY-MM-DD（如 2021-06-01）`;
  return optionalField(z.string({ error: message }).trim().refine(isCalendarDate, { error: message }));
}

const MIN_REVENUE_YEAR = 2000;
function yearField(label: string) {
  const message = `“${label}”须为${MIN_REVENUE_YEAR}至${MAX_YEAR}之间的四位年份（如 2023）`;
  return optionalField(
    z.number({ error: message }).refine((y) => Number.isInteger(y) && y >= MIN_REVENUE_YEAR && y <= MAX_YEAR, {
      error: message,
    }),
  );
}

// Host names of letters (any script, for 中文域名), digits and hyphens, or an IPv4 address; port and path optional.
const URL_PATTERN =
  /^https?:\/\/(?:(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,}|(?:\d{1,3}\.){3}\d{1,3})(?::\d{1,5})?(?:[/?#][^\s]*)?$/iu;

function urlField(label: string) {
  const message = `“${label}”须为以 http:// 或 https:// 开头的网址（如 https://cloud.example.cn）`;
  return optionalField(
    z
      .string({ error: message })
      .trim()
      .max(500, { error: `“${label}”不能超过500个字符` })
      .refine((value) => URL_PATTERN.test(value), { error: message }),
  );
}

// Spaces and full-width or typographic dashes are how people type numbers on a phone; the stored form is plain.
function normalizePhone(value: string): string {
  return value.replace(/\s+/g, '').replace(/[－—–]/g, '-');
}

type PhoneKind = 'any' | 'landline' | 'mobile';
function phoneField(label: string, kind: PhoneKind) {
  // The landline example is the policy's own contact number (五), so it carries the city's area code.
  const message = (): string => {
    const landline = `带区号的固定电话（如 ${policyContact().phone}）`;
    const mobile = '11位手机号（如 13912345678）';
    return `“${label}”须为${kind === 'mobile' ? mobile : kind === 'landline' ? landline : `${landline}或${mobile}`}`;
  };
  const accepts = (value: string): boolean =>
    (kind !== 'mobile' && LANDLINE_PATTERN.test(value)) || (kind !== 'landline' && MOBILE_PATTERN.test(value));
  return optionalField(z.string({ error: message }).transform(normalizePhone).refine(accepts, { error: message }));
}

function emailField(label: string) {
  const message = `“${label}”须为有效的电子邮箱（如 name@example.cn）`;
  return optionalField(
    z
      .string({ error: message })
      .trim()
      .max(100, { error: `“${label}”不能超过100个字符` })
      .pipe(z.email({ error: message })),
  );
}

function enumField<T extends string>(label: string, values: [T, ...T[]], labels: readonly string[]) {
  return optionalField(z.enum(values, { error: `“${label}”须为以下之一：${labels.join('、')}` }));
}

function objectField<T extends z.ZodRawShape>(label: string, shape: T) {
  return optionalField(z.object(shape, { error: `“${label}”须为JSON对象` }));
}

function arrayField<T extends z.ZodType>(label: string, item: T, max: number) {
  return optionalField(z.array(item, { error: `“${label}”须为列表` }).max(max, { error: `“${label}”最多${max}项` }));
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
// Catalogue items and offers keep their id across edits, so that an enterprise's pick still points at them.
const itemIdField = optionalField(
  z
    .string({ error: '条目编号（id）须为字符串' })
    .regex(ID_PATTERN, { error: '条目编号（id）只能包含字母、数字、下划线和连字符，最长64位' }),
);

function uniqueIds(label: string) {
  return (items: readonly { id?: string | undefined }[] | undefined, ctx: z.RefinementCtx): void => {
    if (items === undefined) return;
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (item.id === undefined) return;
      if (seen.has(item.id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `${label}第${index + 1}项的编号（id）与前面的重复` });
      }
      seen.add(item.id);
    });
  };
}

// ---- the form ---------------------------------------------------------------------------------------

const personShape = (who: string) => ({
  name: textField(`${who}姓名`, 50),
  title: textField(`${who}职务`, 50),
  /** 联系电话: landline or mobile. */
  phone: phoneField(`${who}联系电话`, 'any'),
  mobile: phoneField(`${who}手机`, 'mobile'),
  email: emailField(`${who}电子邮箱`),
  fax: phoneField(`${who}传真`, 'landline'),
});

/** 一、基本情况. */
const basicSchema = objectField('基本情况', {
  companyName: textField('企业名称', LIMITS.shortText),
  platformName: textField('云平台名称', LIMITS.shortText),
  platformUrl: urlField('云平台网址'),
  /** 注册资本（万元）on the form; stored in fen. */
  registeredCapitalFen: fenField('注册资本'),
  registeredAddress: textField('注册地址', 200),
  establishedOn: dateField('成立时间'),
  /** The form asks for one year's 云业务收入 (the seed's copy says 2021年); the year is part of the answer. */
  cloudRevenue: objectField('云业务收入', {
    year: yearField('云业务收入所属年度'),
    amountFen: fenField('云业务收入'),
  }),
  employeeCount: countField('员工人数'),
  technicalStaffCount: countField('专业技术人员'),
  cloudBusinessStartedOn: dateField('云业务开始时间'),
  servedEnterpriseCount: countField('上云企业数量'),
  nature: enumField(
    '企业性质',
    ENTERPRISE_NATURE_VALUES,
    ENTERPRISE_NATURES.map((n) => n.label),
  ),
  /** Text of □其它, required when nature is 'other'. */
  natureOther: textField('企业性质（其它）', 50),
  platformFunctions: optionalField(
    z
      .array(z.enum(PLATFORM_FUNCTION_VALUES, { error: `平台功能须为以下之一：${PLATFORM_FUNCTIONS.map((f) => f.label).join('、')}` }), {
        error: '“平台功能”须为列表（可多选）',
      })
      .max(PLATFORM_FUNCTIONS.length, { error: `“平台功能”最多${PLATFORM_FUNCTIONS.length}项` })
      .refine((values) => new Set(values).size === values.length, { error: '“平台功能”有重复的选项' }),
  ),
  /** Text of □其他, required when platformFunctions includes 'other'. */
  platformFunctionOther: textField('平台功能（其他）', 50),
  introduction: textField('企业及平台简介', LIMITS.introductionChars),
  /** 云平台获得荣誉、专利、软件著作权. */
  honors: textField('云平台获得荣誉、专利、软件著作权', 2000),
  /** 企业负责人. */
  principal: objectField('企业负责人', personShape('企业负责人')),
  /** 联系人. */
  contact: objectField('联系人', personShape('联系人')),
});

/** 二、技术实力. */
const technicalSchema = objectField('技术实力', {
  /** （一）1.主要产品或服务介绍. */
  products: textField('主要产品或服务介绍', LIMITS.longText),
  /** （一）2.核心技术及其核心竞争优势. */
  coreTechnology: textField('核心技术及其核心竞争优势', LIMITS.longText),
  /** （一）3.产品或服务的主要技术指标. */
  indicators: textField('产品或服务的主要技术指标', LIMITS.longText),
  /** （二）相关研发能力，自主创新能力，自主知识产权情况（专利、软件著作权等）. */
  researchAndDevelopment: textField('相关研发能力及自主知识产权情况', LIMITS.longText),
  /** （二）取得的相关认证情况（可信云认证、信息安全服务资质认证等）; 三（一）4 安全保障能力. */
  certifications: textField('取得的相关认证情况', LIMITS.longText),
});

/** 三（三）典型案例: 实施日期、费用、过程、效果, and 佐证材料. */
const applicationCaseSchema = z.object(
  {
    title: textField('案例名称', LIMITS.shortText),
    customer: textField('客户单位', LIMITS.shortText),
    productOrService: textField('所用产品或服务', LIMITS.shortText),
    implementedOn: dateField('实施日期'),
    costFen: fenField('实施费用'),
    process: textField('实施过程', 2000),
    effect: textField('实施效果', 2000),
    /** What proves it (合同、验收报告 …); the files themselves are the case_evidence material. */
    evidence: textField('佐证材料', LIMITS.mediumText),
  },
  { error: '典型案例须为JSON对象' },
);

/** 三、主要产品或服务应用情况. */
const applicationSchema = objectField('主要产品或服务应用情况', {
  /** （一）主要产品或服务的应用场景. */
  scenarios: textField('主要产品或服务的应用场景', LIMITS.longText),
  /** （二）应用场景所属行业情况及市场分析. */
  marketAnalysis: textField('应用场景所属行业情况及市场分析', LIMITS.longText),
  /** （三）各项产品或服务的实施案例数量. */
  caseCountSummary: textField('各项产品或服务的实施案例数量', 1000),
  // 三（二）4 应用典型案例及佐证，3例以上
  cases: arrayField('典型案例', applicationCaseSchema, LIMITS.maxCases),
});

const coreMemberSchema = z.object(
  {
    name: textField('团队成员姓名', 50),
    role: textField('团队成员职务', 50),
    education: textField('团队成员学历', 50),
    resume: textField('团队成员主要履历', 1000),
  },
  { error: '核心团队成员须为JSON对象' },
);

/** 四、平台技术人员及服务团队（一）（二）; （三）is promotionPlan. */
const teamSchema = objectField('平台技术人员及服务团队', {
  /** （一）负责人及核心团队成员主要履历. */
  coreMembers: arrayField('负责人及核心团队成员', coreMemberSchema, LIMITS.maxCoreMembers),
  /** （二）团队人数. */
  teamSize: countField('团队人数'),
  /** （二）学历情况. */
  educationSummary: textField('团队学历情况', 1000),
  /** （二）企业技术或服务团队情况. */
  description: textField('企业技术或服务团队情况', LIMITS.longText),
});

/** 四（三）针对本市企业上云的推广和培训计划; its files are the promotion_training_plan material (三（二）7). */
const promotionPlanSchema = objectField('推广和培训计划', {
  promotion: textField('推广计划', LIMITS.longText),
  training: textField('培训计划', LIMITS.longText),
});

/** 三（二）6 针对本市企业的优惠政策, structured for the registry. */
const yichunOfferSchema = z.object(
  {
    id: itemIdField,
    title: textField('优惠名称', LIMITS.shortText),
    description: textField('优惠内容', 1000),
    validFrom: dateField('优惠开始日期'),
    /** Absent: 长期有效. */
    validTo: dateField('优惠截止日期'),
  },
  { error: '优惠政策须为JSON对象' },
);

/** 五、优惠政策. */
const offersSchema = objectField('优惠政策', {
  overview: textField('优惠政策总体说明', 2000),
  items: optionalField(
    z
      .array(yichunOfferSchema, { error: '“优惠政策”须为列表' })
      .max(LIMITS.maxOffers, { error: `“优惠政策”最多${LIMITS.maxOffers}项` })
      .superRefine(uniqueIds('优惠政策')),
  ),
  /** 并承诺能够兑现. */
  honourPledge: optionalField(z.boolean({ error: '“承诺兑现优惠政策”须为 true 或 false' })),
});

/** 三（二）5 产品或服务目录，包括功能简介和产品报价. */
const catalogueItemSchema = z.object(
  {
    id: itemIdField,
    name: textField('产品或服务名称', LIMITS.shortText),
    description: textField('功能简介', LIMITS.mediumText),
    priceFen: fenField('报价'),
    unit: enumField(
      '计价单位',
      PRICE_UNIT_VALUES,
      PRICE_UNITS.map((u) => u.label),
    ),
    /** Price for the city's enterprises, when lower than the list price (三（二）6); the wire name stays. */
    yichunPriceFen: fenField(() => `${cityName()}企业优惠价`),
  },
  { error: '产品或服务目录的条目须为JSON对象' },
);

/** 声明. */
const declarationSchema = objectField('声明', {
  accepted: optionalField(z.boolean({ error: '“声明”须为 true（同意）或 false' })),
});

/** The saved form (draft or submitted). Unknown fields are stripped (zod's default for objects). */
export const providerFilingDraftSchema = z.object(
  {
    basic: basicSchema,
    technical: technicalSchema,
    application: applicationSchema,
    team: teamSchema,
    promotionPlan: promotionPlanSchema,
    offers: offersSchema,
    catalogue: optionalField(
      z
        .array(catalogueItemSchema, { error: '“产品或服务目录”须为列表' })
        .max(LIMITS.maxCatalogueItems, { error: `“产品或服务目录”最多${LIMITS.maxCatalogueItems}项` })
        .superRefine(uniqueIds('产品或服务目录')),
    ),
    declaration: declarationSchema,
  },
  { error: '备案申报书须为JSON对象' },
);

/** A saved filing form: every field may be missing; complete when validateForSubmit returns no issue. */
export type ProviderFilingForm = z.output<typeof providerFilingDraftSchema>;
export type ProviderFilingDraft = ProviderFilingForm;
export type FilingBasic = NonNullable<ProviderFilingForm['basic']>;
export type FilingPerson = NonNullable<FilingBasic['principal']>;
export type FilingTechnical = NonNullable<ProviderFilingForm['technical']>;
export type FilingApplication = NonNullable<ProviderFilingForm['application']>;
export type ApplicationCase = z.output<typeof applicationCaseSchema>;
export type FilingTeam = NonNullable<ProviderFilingForm['team']>;
export type CoreMember = z.output<typeof coreMemberSchema>;
export type PromotionPlan = NonNullable<ProviderFilingForm['promotionPlan']>;
export type FilingOffers = NonNullable<ProviderFilingForm['offers']>;
export type YichunOffer = z.output<typeof yichunOfferSchema>;
export type CatalogueItem = z.output<typeof catalogueItemSchema>;
export type FilingDeclaration = NonNullable<ProviderFilingForm['declaration']>;

export type ParseFilingResult = { ok: true; form: ProviderFilingForm } | { ok: false; message: string; details: FilingIssue[] };

/** Parses a draft as the API receives it; on failure one Chinese message per bad field. */
export function parseProviderFilingDraft(input: unknown): ParseFilingResult {
  const result = providerFilingDraftSchema.safeParse(input);
  if (result.success) return { ok: true, form: result.data };
  return { ok: false, ...summarizeIssues(result.error.issues) };
}

/**
 * Gives every catalogue item and offer without an id one from `newId` (e.g. ulid), so that enterprises'
 * picks can point at them; ids already there are kept. Returns a new form.
 */
export function assignItemIds(form: ProviderFilingForm, newId: () => string): ProviderFilingForm {
  const withId = <T extends { id?: string | undefined }>(item: T): T => (item.id === undefined ? { ...item, id: newId() } : item);
  return {
    ...form,
    ...(form.catalogue === undefined ? {} : { catalogue: form.catalogue.map(withId) }),
    ...(form.offers?.items === undefined ? {} : { offers: { ...form.offers, items: form.offers.items.map(withId) } }),
  };
}

// ---- submit -----------------------------------------------------------------------------------------

export type { FilingIssue, SubmitOptions };

/**
 * Every problem that blocks submitting the filing: the submit rules of 三（二） (rules/filingSubmit.ts) applied
 * to a parsed draft (providerFilingDraftSchema); [] when the filing can be submitted.
 */
export function validateForSubmit(
  form: ProviderFilingForm,
  attachedMaterialKinds: readonly string[],
  options: SubmitOptions = {},
): FilingIssue[] {
  return filingSubmitProblems(form, attachedMaterialKinds, options);
}
