/**
 * The 备案申报书 (三（一）（二）) as the provider fills it on a phone: long, so in sections, saved as a
 * draft on the server between sittings, each field checked as it is typed. The fields, their labels and
 * limits follow the server's draft schema (shared/src/contracts/providerFiling.ts);
 * test/miniprogram/logic/filingForm.test.ts feeds the limits to that schema, so the two cannot drift apart.
 */
import { ENTERPRISE_NATURES, LIMITS, PLATFORM_FUNCTIONS, PRICE_UNITS } from '../shared/contracts/filingChoices';
import type { ProviderFilingForm } from '../shared/contracts/providerFiling';
import { FILING_MATERIALS } from '../shared/rules/filingSubmit';
import { isCalendarDate, MAX_YEAR } from '../shared/rules/calendar';
import { fenToWanText, fenToYuanText, parseWanYuan, parseYuan } from './money';
import * as v from './validators';
import { policyPack } from '../shared/pack/active';

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'url'
  | 'date'
  | 'count'
  | 'year'
  | 'wan'
  | 'yuan'
  | 'phone'
  | 'mobile'
  | 'landline'
  | 'email'
  | 'choice'
  | 'multi'
  | 'bool';

export interface FieldSpec {
  /** Dotted path in the form; inside a list, relative to the item. */
  key: string;
  label: string;
  kind: FieldKind;
  /** Characters, for text kinds (as the server counts them: one per 汉字). */
  max?: number;
  choices?: readonly { value: string; label: string }[];
  hint?: string;
}

export interface ListSpec {
  path: 'application.cases' | 'team.coreMembers' | 'offers.items' | 'catalogue';
  itemTitle: string;
  max: number;
  fields: readonly FieldSpec[];
}

export interface SectionSpec {
  key: string;
  title: string;
  fields: readonly FieldSpec[];
  lists: readonly ListSpec[];
}

const t = (key: string, label: string, max: number, hint?: string): FieldSpec => ({
  key,
  label,
  kind: max > 200 ? 'textarea' : 'text',
  max,
  ...(hint ? { hint } : {}),
});
const f = (key: string, label: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({ key, label, kind, ...extra });

/**
 * A field whose label names the city (三（二）6 针对本市企业的优惠): the label is read from the pack each time it is
 * shown, never fixed when this module loads, so an installed pack is the one the form speaks of (issue 18 item 4).
 */
const cityLabel = (spec: FieldSpec, label: (city: string) => string): FieldSpec =>
  Object.defineProperty(spec, 'label', { get: () => label(policyPack().city.name), enumerable: true, configurable: true });

const person = (at: string, who: string): FieldSpec[] => [
  t(`${at}.name`, `${who}姓名`, 50),
  t(`${at}.title`, `${who}职务`, 50),
  f(`${at}.phone`, `${who}联系电话`, 'phone'),
  f(`${at}.mobile`, `${who}手机`, 'mobile'),
  f(`${at}.email`, `${who}电子邮箱`, 'email'),
  f(`${at}.fax`, `${who}传真`, 'landline', { hint: '没有可不填' }),
];

export const FILING_SECTIONS: readonly SectionSpec[] = [
  {
    key: 'basic',
    title: '一、基本情况',
    fields: [
      t('basic.companyName', '企业名称', LIMITS.shortText),
      t('basic.platformName', '云平台名称', LIMITS.shortText),
      f('basic.platformUrl', '云平台网址', 'url'),
      f('basic.registeredCapitalFen', '注册资本（万元）', 'wan'),
      t('basic.registeredAddress', '注册地址', 200),
      f('basic.establishedOn', '成立时间', 'date'),
      f('basic.cloudRevenue.year', '云业务收入所属年度', 'year'),
      f('basic.cloudRevenue.amountFen', '云业务收入（万元）', 'wan'),
      f('basic.employeeCount', '员工人数', 'count'),
      f('basic.technicalStaffCount', '专业技术人员', 'count'),
      f('basic.cloudBusinessStartedOn', '云业务开始时间', 'date'),
      f('basic.servedEnterpriseCount', '上云企业数量', 'count'),
      f('basic.nature', '企业性质', 'choice', { choices: ENTERPRISE_NATURES }),
      t('basic.natureOther', '企业性质（其它）', 50, '企业性质选“其它”时填写'),
      f('basic.platformFunctions', '平台功能（可多选）', 'multi', { choices: PLATFORM_FUNCTIONS }),
      t('basic.platformFunctionOther', '平台功能（其他）', 50, '平台功能选“其他”时填写'),
      t('basic.introduction', '企业及平台简介', LIMITS.introductionChars, '300字以内'),
      t('basic.honors', '云平台获得荣誉、专利、软件著作权', 2000, '没有请填“无”'),
      ...person('basic.principal', '企业负责人'),
      ...person('basic.contact', '联系人'),
    ],
    lists: [],
  },
  {
    key: 'technical',
    title: '二、技术实力',
    fields: [
      t('technical.products', '主要产品或服务介绍', LIMITS.longText),
      t('technical.coreTechnology', '核心技术及其核心竞争优势', LIMITS.longText),
      t('technical.indicators', '产品或服务的主要技术指标', LIMITS.longText),
      t('technical.researchAndDevelopment', '相关研发能力及自主知识产权情况', LIMITS.longText),
      t('technical.certifications', '取得的相关认证情况', LIMITS.longText, '没有请填“无”'),
    ],
    lists: [],
  },
  {
    key: 'application',
    title: '三、产品或服务应用情况',
    fields: [
      t('application.scenarios', '主要产品或服务的应用场景', LIMITS.longText),
      t('application.marketAnalysis', '应用场景所属行业情况及市场分析', LIMITS.longText),
      t('application.caseCountSummary', '各项产品或服务的实施案例数量', 1000),
    ],
    lists: [
      {
        path: 'application.cases',
        itemTitle: '典型案例',
        max: LIMITS.maxCases,
        fields: [
          t('title', '案例名称', LIMITS.shortText),
          t('customer', '客户单位', LIMITS.shortText),
          t('productOrService', '所用产品或服务', LIMITS.shortText),
          f('implementedOn', '实施日期', 'date'),
          f('costFen', '实施费用（元）', 'yuan'),
          t('process', '实施过程', 2000),
          t('effect', '实施效果', 2000),
          t('evidence', '佐证材料', LIMITS.mediumText, '合同、验收报告等；文件在“材料”中上传'),
        ],
      },
    ],
  },
  {
    key: 'team',
    title: '四、技术人员及服务团队',
    fields: [
      f('team.teamSize', '团队人数', 'count'),
      t('team.educationSummary', '团队学历情况', 1000),
      t('team.description', '企业技术或服务团队情况', LIMITS.longText),
    ],
    lists: [
      {
        path: 'team.coreMembers',
        itemTitle: '负责人或核心团队成员',
        max: LIMITS.maxCoreMembers,
        fields: [t('name', '姓名', 50), t('role', '职务', 50), t('education', '学历', 50), t('resume', '主要履历', 1000)],
      },
    ],
  },
  {
    key: 'promotionPlan',
    title: '四（三）推广和培训计划',
    fields: [
      cityLabel(t('promotionPlan.promotion', '', LIMITS.longText), (city) => `针对${city}企业上云的推广计划`),
      cityLabel(t('promotionPlan.training', '', LIMITS.longText), (city) => `针对${city}企业上云的培训计划`),
    ],
    lists: [],
  },
  {
    key: 'offers',
    title: '五、优惠政策',
    fields: [
      t('offers.overview', '优惠政策总体说明', 2000),
      cityLabel(f('offers.honourPledge', '', 'bool'), (city) => `承诺上述针对${city}企业的优惠政策能够兑现`),
    ],
    lists: [
      {
        path: 'offers.items',
        itemTitle: '优惠政策',
        max: LIMITS.maxOffers,
        fields: [
          t('title', '优惠名称', LIMITS.shortText),
          t('description', '优惠内容', 1000),
          f('validFrom', '优惠开始日期', 'date'),
          f('validTo', '优惠截止日期', 'date', { hint: '长期有效可不填' }),
        ],
      },
    ],
  },
  {
    key: 'catalogue',
    title: '产品或服务目录',
    fields: [],
    lists: [
      {
        path: 'catalogue',
        itemTitle: '产品或服务',
        max: LIMITS.maxCatalogueItems,
        fields: [
          t('name', '产品或服务名称', LIMITS.shortText),
          t('description', '功能简介', LIMITS.mediumText),
          f('priceFen', '报价（元）', 'yuan'),
          f('unit', '计价单位', 'choice', { choices: PRICE_UNITS }),
          cityLabel(f('yichunPriceFen', '', 'yuan', { hint: '低于报价时填写' }), (city) => `${city}企业优惠价（元）`),
        ],
      },
    ],
  },
];

/** Where a problem the server or validateForSubmit names (a dotted path) is put right. */
export function sectionOf(path: string): string {
  const head = path.split('.')[0] ?? '';
  if (head === 'materials') return 'materials';
  if (head === 'declaration') return 'submit';
  return FILING_SECTIONS.some((s) => s.key === head) ? head : 'basic';
}

export const MATERIAL_SECTION = { key: 'materials', title: '备案材料', kinds: FILING_MATERIALS } as const;

// ---- reading and writing the form by path -------------------------------------------------------------------

type Node = Record<string, unknown> | unknown[];

export function getAt(form: ProviderFilingForm, path: string): unknown {
  let node: unknown = form;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of the form with `value` at `path` (undefined removes the field); lists are indexed by number. */
export function setAt(form: ProviderFilingForm, path: string, value: unknown): ProviderFilingForm {
  const copy = JSON.parse(JSON.stringify(form)) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Node = copy;
  keys.slice(0, -1).forEach((key, i) => {
    const next = keys[i + 1];
    const container = node as Record<string, unknown>;
    if (container[key] === null || typeof container[key] !== 'object') container[key] = /^\d+$/.test(next) ? [] : {};
    node = container[key] as Node;
  });
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

// ---- one field: text ↔ value, and the checks as it is typed ---------------------------------------------------

/** The value as its box shows it. */
export function textOf(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (spec.kind) {
    case 'wan':
      return typeof value === 'number' ? fenToWanText(value) : '';
    case 'yuan':
      return typeof value === 'number' ? fenToYuanText(value) : '';
    case 'count':
    case 'year':
      return typeof value === 'number' ? String(value) : '';
    case 'choice':
      return spec.choices?.find((c) => c.value === value)?.label ?? '';
    case 'multi':
      return Array.isArray(value) ? value.map((x) => spec.choices?.find((c) => c.value === x)?.label ?? String(x)).join('、') : '';
    case 'bool':
      return value === true ? '是' : '';
    default:
      return typeof value === 'string' ? value : '';
  }
}

export type FieldResult = { ok: true; value: unknown } | { ok: false; message: string };

/** What a typed text means for the form (undefined: left empty), or what to fix in it. */
export function parseField(spec: FieldSpec, text: string): FieldResult {
  const s = text.trim();
  if (s === '') return { ok: true, value: undefined };
  const check = (problem: string | null, value: unknown): FieldResult => (problem ? { ok: false, message: problem } : { ok: true, value });
  switch (spec.kind) {
    case 'text':
    case 'textarea':
      return check(v.maxChars(spec.label, spec.max ?? LIMITS.longText)(s), s);
    case 'url':
      return check(v.url(spec.label)(s), s);
    case 'email':
      return check(v.email(spec.label)(s), s);
    case 'phone':
      return check(v.phone(spec.label)(s), s.replace(/\s+/g, '').replace(/[－—–]/g, '-'));
    case 'mobile':
      return check(v.mobile(spec.label)(s), s.replace(/\s+/g, ''));
    case 'landline':
      return check(v.landline(spec.label)(s), s.replace(/\s+/g, '').replace(/[－—–]/g, '-'));
    case 'date':
      return check(isCalendarDate(s) ? null : `“${spec.label}”须为真实存在的日期，格式 YYYY-MM-DD`, s);
    case 'count':
      return check(v.wholeNumber(spec.label)(s), Number(s));
    case 'year':
      return check(
        /^\d{4}$/.test(s) && Number(s) >= 2000 && Number(s) <= MAX_YEAR ? null : `“${spec.label}”须为四位年份（如 2023）`,
        Number(s),
      );
    case 'wan': {
      const r = parseWanYuan(s, spec.label.replace(/（万元）$/, ''));
      return r.ok ? { ok: true, value: r.fen } : r;
    }
    case 'yuan': {
      const r = parseYuan(s, spec.label.replace(/（元）$/, ''));
      return r.ok ? { ok: true, value: r.fen } : r;
    }
    case 'choice':
      return check(spec.choices?.some((c) => c.value === s) ? null : `请从列表中选择“${spec.label}”`, s);
    case 'multi':
    case 'bool':
      return { ok: false, message: `“${spec.label}”请用选项填写` };
  }
}

/** A list item's fields with their absolute paths: `application.cases.2.title`. */
export function itemFields(list: ListSpec, index: number): FieldSpec[] {
  return list.fields.map((field) => ({ ...field, key: `${list.path}.${index}.${field.key}` }));
}

export function listItems(form: ProviderFilingForm, list: ListSpec): unknown[] {
  const items = getAt(form, list.path);
  return Array.isArray(items) ? items : [];
}
