/**
 * The eligibility rules of the installed pack's policy (its `title`) and the subsidy amount, as pure functions
 * (spec/eligibility.md). Rules are listed in the spec's table order, which is the order of failures.
 */

import type { EvaluationFacts, Failure, RuleId, Verdict, Warning, WarningId } from './facts';
import { INDUSTRY_SECTIONS, isIndustrySection } from './facts';
import { anniversary, compareDates } from './calendar';
import { formatYuan } from '../glossary/money';
import { isIndividualBusiness, regionOf } from './creditCode';
import {
  INDUSTRIAL_SECTIONS,
  MIN_YEARS_ESTABLISHED,
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  parameterOn,
  versionOn,
  type VersionOrDate,
} from './parameters';
import { policyPack } from '../pack/active';
import { cityName, contactText } from '../pack/accessors';
import type { PolicyVersion } from '../pack/types';

// ---- money ------------------------------------------------------------------------------------------

function requireFen(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer of fen, got ${value}`);
  }
  return BigInt(value);
}

// The one money formatter (glossary/money.ts): rules' texts read as every other text, '120,000.00 元'.
export { formatYuan } from '../glossary/money';

export interface SubsidyAmount {
  /** min(ceil(base × rate), cap): what the policy pays before 就高不重复. */
  computedFen: number;
  /** The cap cut the amount. */
  capped: boolean;
  /** max(0, computed − other subsidies): 四（二）就高不重复. */
  payableFen: number;
}

/**
 * 一：按照云服务合同额的50%给予补助，单户企业最高不超过10万元; 四（二）就高不重复.
 * Halves of a fen are rounded up. BigInt keeps base × numerator exact for any safe-integer base.
 */
export function computeSubsidyAmount(contractAmountFen: number, otherSubsidiesFen: number, on: VersionOrDate): SubsidyAmount {
  const base = requireFen('contractAmountFen', contractAmountFen);
  const other = requireFen('otherSubsidiesFen', otherSubsidiesFen);
  const rate = parameterOn(SUBSIDY_RATE, on);
  const cap = BigInt(parameterOn(SUBSIDY_CAP_FEN, on));
  const numerator = BigInt(rate.numerator);
  const denominator = BigInt(rate.denominator);
  const byRate = (base * numerator + denominator - 1n) / denominator;
  const capped = byRate > cap;
  const computed = capped ? cap : byRate;
  const payable = computed > other ? computed - other : 0n;
  return { computedFen: Number(computed), capped, payableFen: Number(payable) };
}

// ---- predicates shared with the question flow ------------------------------------------------------

/** 二（二）: on `asOf` the enterprise has existed for the years of the version `under` (29 Feb → 28 Feb). */
export function establishedLongEnough(establishedOn: string, asOf: string, under: VersionOrDate = asOf): boolean {
  return compareDates(asOf, qualifyingDate(establishedOn, under)) >= 0;
}

/** The first day on which an enterprise founded on `establishedOn` meets 二（二）. */
export function qualifyingDate(establishedOn: string, on: VersionOrDate): string {
  return anniversary(establishedOn, parameterOn(MIN_YEARS_ESTABLISHED, on));
}

/** 二（一）: an industryCode, when given, must be one of the industrial sections (B, C, D). */
export function industryCodeIsIndustrial(industryCode: string | undefined | null, on: VersionOrDate): boolean {
  if (industryCode === undefined || industryCode === null) return true;
  return parameterOn(INDUSTRIAL_SECTIONS, on).includes(industryCode);
}

export type FilingProblem = 'none' | 'after-contract' | 'revoked';

/**
 * 三（一）在与上云企业签订服务合同前先到市工信局进行备案: the filing must be approved on or before
 * the signing day, and a filing revoked on R covers only contracts signed before R.
 */
export function filingProblem(
  filedOn: string | null,
  revokedOn: string | null | undefined,
  contractSignedOn: string,
): FilingProblem | null {
  if (filedOn === null) return 'none';
  if (compareDates(filedOn, contractSignedOn) > 0) return 'after-contract';
  if (revokedOn !== undefined && revokedOn !== null && compareDates(contractSignedOn, revokedOn) >= 0) return 'revoked';
  return null;
}

/**
 * Whether an application may go on naming a provider whose filing was revoked on `revokedOn`
 * (DESIGN.md "Corrections after the fact"): contracts signed before R keep counting, also when the
 * enterprise corrects its application after a return; a revoked provider is never newly chosen.
 */
export function keepsRevokedProvider(revokedOn: string | null, contractSignedOn: string, namedAlready: boolean): boolean {
  return namedAlready && revokedOn !== null && compareDates(contractSignedOn, revokedOn) < 0;
}

/** 四（二）就高不重复: other subsidies already cover everything this policy would pay. */
export function coveredByOtherSubsidies(amount: SubsidyAmount, otherSubsidiesFen: number): boolean {
  return otherSubsidiesFen > 0 && amount.payableFen === 0;
}

// ---- rules ------------------------------------------------------------------------------------------

export interface RuleContext {
  facts: EvaluationFacts;
  amount: SubsidyAmount;
  /** The policy version the facts are judged under (parameters.ts: the day of application picks it). */
  version: PolicyVersion;
}

export interface EligibilityRule {
  id: RuleId;
  /** Clause of the policy the rule rests on, e.g. '二（二）'. */
  clause: string;
  /** Short Chinese name of the condition. */
  label: string;
  /** What the applicant should do, without reference to particular facts. */
  hint: string;
  fails(context: RuleContext): boolean;
  /** The hint, made specific to the facts where that helps. */
  message(context: RuleContext): string;
}

export interface EligibilityWarning {
  id: WarningId;
  clause: string;
  label: string;
  applies(context: RuleContext): boolean;
  message(context: RuleContext): string;
}

/** A text that names the installed pack's city or contact is a function, read each time the text is. */
type Text = string | (() => string);
const read = (text: Text): string => (typeof text === 'function' ? text() : text);

function rule(
  definition: Omit<EligibilityRule, 'message' | 'label' | 'hint'> & {
    label: Text;
    hint: Text;
    message?: (context: RuleContext) => string;
  },
): EligibilityRule {
  const { message, label, hint, ...rest } = definition;
  return {
    ...rest,
    get label() {
      return read(label);
    },
    get hint() {
      return read(hint);
    },
    message: message ?? (() => read(hint)),
  };
}

const INDUSTRIAL_HINT =
  '本补助面向工业企业，即国民经济行业分类门类 B 采矿业、C 制造业、D 电力、热力、燃气及水生产和供应业（细则二（一））。如行业填写有误，请对照营业执照的经营范围更正。';

export const RULES: readonly EligibilityRule[] = [
  // 二（一）在本市设立、登记、注册 (the city is the installed pack's)
  rule({
    id: 'registered-in-yichun',
    clause: '二（一）',
    label: () => `在${cityName()}设立、登记、注册`,
    hint: () => {
      const city = cityName();
      return `本补助面向在${city}设立、登记、注册的企业（细则二（一））。企业登记地已迁入${city}的，请按最新营业执照重新填写；未在${city}登记的企业不能申报。`;
    },
    fails: ({ facts }) => !facts.enterprise.registeredInYichun,
  }),
  // 二（一）具有独立法人资格
  rule({
    id: 'independent-legal-person',
    clause: '二（一）',
    label: '具有独立法人资格',
    hint: '申报企业须具有独立法人资格（细则二（一））。个体工商户（统一社会信用代码以92开头）和不具有法人资格的分支机构不能申报，请以具有独立法人资格的企业名义申报。',
    fails: ({ facts }) => !facts.enterprise.independentLegalPerson || isIndividualBusiness(facts.enterprise.creditCode),
    message: ({ facts }) =>
      isIndividualBusiness(facts.enterprise.creditCode)
        ? '您填写的统一社会信用代码以“92”开头，属于个体工商户，不具有独立法人资格（细则二（一））。请以具有独立法人资格的企业名义申报；如代码填错，请对照营业执照更正。'
        : '申报企业须具有独立法人资格（细则二（一））。不具有法人资格的分支机构不能申报，请以具有独立法人资格的企业（如总公司）名义申报。',
  }),
  // 二（一）工业企业
  rule({
    id: 'industrial-enterprise',
    clause: '二（一）',
    label: '属于工业企业',
    hint: INDUSTRIAL_HINT,
    fails: ({ facts, version }) => !facts.enterprise.industrial || !industryCodeIsIndustrial(facts.enterprise.industryCode, version),
    message: (context) => {
      const code = context.facts.enterprise.industryCode;
      if (code === undefined || industryCodeIsIndustrial(code, context.version)) return INDUSTRIAL_HINT;
      const name = isIndustrySection(code) ? INDUSTRY_SECTIONS[code] : code;
      return `您填写的行业门类为 ${code}（${name}），不属于工业（采矿业 B、制造业 C、电力、热力、燃气及水生产和供应业 D），本补助仅面向工业企业（细则二（一））。如行业填写有误，请对照营业执照的经营范围更正。`;
    },
  }),
  // 二（一）符合国家和我市产业发展方向
  rule({
    id: 'industrial-policy',
    clause: '二（一）',
    label: () => `符合国家和${cityName()}产业发展方向`,
    hint: () => `申报企业须符合国家和${cityName()}产业发展方向（细则二（一））。如不确定，请咨询${contactText()}。`,
    fails: ({ facts }) => !facts.enterprise.alignedWithIndustrialPolicy,
  }),
  // 二（二）企业成立时间不低于1年
  rule({
    id: 'established-one-year',
    clause: '二（二）',
    label: '成立满1年',
    hint: '企业成立时间须满1年（细则二（二）），请在成立满1年后再申报。',
    fails: ({ facts, version }) => !establishedLongEnough(facts.enterprise.establishedOn, facts.asOf, version),
    message: ({ facts, version }) =>
      `企业成立于 ${facts.enterprise.establishedOn}，成立时间须满1年（细则二（二）），请于 ${qualifyingDate(facts.enterprise.establishedOn, version)} 及以后再申报。如成立日期填错，请对照营业执照更正。`,
  }),
  // 二（二）企业需正常经营，管理规范
  rule({
    id: 'operating-normally',
    clause: '二（二）',
    label: '正常经营',
    hint: '申报企业须正常经营、管理规范（细则二（二））。企业处于停业、歇业、清算或被列入经营异常名录等状态的，请恢复正常经营后再申报。',
    fails: ({ facts }) => !facts.enterprise.operatingNormally,
  }),
  // 二（二）无不良信用记录
  rule({
    id: 'no-bad-credit',
    clause: '二（二）',
    label: '无不良信用记录',
    hint: '申报企业须无不良信用记录（细则二（二））。请通过“信用中国”等渠道核实，完成信用修复后再申报。',
    fails: ({ facts }) => facts.enterprise.badCreditRecord,
  }),
  // 二（三）企业近5年内未出现过财政资金方面的严重违法违规情况
  rule({
    id: 'no-fiscal-violation',
    clause: '二（三）',
    label: '近5年无财政资金严重违法违规',
    hint: () =>
      `企业近5年内出现过财政资金方面的严重违法违规情况的，不能申报本补助（细则二（三））。如该记录有误，请联系${contactText()}核实。`,
    fails: ({ facts }) => facts.enterprise.seriousFiscalViolationWithin5Years,
  }),
  // 二（四）首次购买、使用云计算服务或产品
  rule({
    id: 'first-purchase',
    clause: '二（四）',
    label: '首次购买、使用云服务',
    hint: '本补助仅支持首次购买、使用云计算服务或产品的企业（细则二（四））；续费、扩容或再次购买不在补助范围内。',
    fails: ({ facts }) => !facts.cloud.firstPurchase,
  }),
  // 二（四）发生实际支出
  rule({
    id: 'actual-expenditure',
    clause: '二（四）',
    label: '发生实际支出',
    hint: '申报时须已发生实际支出（细则二（四））。请按合同向云服务商付款、取得收付款凭证后再申报。',
    fails: ({ facts }) => facts.cloud.paidAmountFen === 0,
  }),
  // 二（五）企业无失信行为
  rule({
    id: 'no-dishonesty',
    clause: '二（五）',
    label: '无失信行为',
    hint: '申报企业须无失信行为，以信用中国、国家企业信用信息公示系统等查询结果为准（细则二（五））。请完成信用修复、查询无不良记录后再申报。',
    fails: ({ facts }) => facts.enterprise.dishonestyRecord,
  }),
  // 二（六）一户企业只能申领一次，不得重复申领
  rule({
    id: 'apply-once',
    clause: '二（六）',
    label: '未申领过本补助',
    hint: '一户企业只能申领一次，不得重复申领（细则二（六））。已领取过本补助或已有申请正在办理的，不能再次申报，请在“我的申请”中查看办理进度。',
    fails: ({ facts }) => facts.history.subsidyReceived || facts.history.applicationInProgress,
    message: ({ facts }) =>
      facts.history.subsidyReceived
        ? '贵企业已领取过本补助。一户企业只能申领一次，不得重复申领（细则二（六））。'
        : '贵企业已有一份本补助的申请正在办理，一户企业只能申领一次（细则二（六））。请在“我的申请”中查看进度，如需修改请在原申请中办理。',
  }),
  // 三（一）云服务商……在与上云企业签订服务合同前先到市工信局进行备案
  rule({
    id: 'provider-filed-before-contract',
    clause: '三（一）',
    label: '云服务商签约前已备案',
    hint: () =>
      `云服务商须在与企业签订服务合同前到${cityName()}工信局备案（细则三（一））。请选择已备案的云服务商，并在其备案通过后签订合同。`,
    fails: ({ facts }) => filingProblem(facts.cloud.providerFiledOn, facts.cloud.providerRevokedOn, facts.cloud.contractSignedOn) !== null,
    message: ({ facts }) => {
      const { providerFiledOn, providerRevokedOn, contractSignedOn } = facts.cloud;
      switch (filingProblem(providerFiledOn, providerRevokedOn, contractSignedOn)) {
        case 'after-contract':
          return `云服务商的备案于 ${providerFiledOn} 通过，晚于合同签订日期 ${contractSignedOn}。云服务商须在签订服务合同前完成备案（细则三（一）），此合同不在补助范围内。如日期填写有误，请更正；如有疑问请联系${contactText()}。`;
        case 'revoked':
          return `云服务商的备案已于 ${providerRevokedOn} 撤销，合同签订于 ${contractSignedOn}（撤销当日或之后），不符合细则三（一）的要求。请选择备案有效的云服务商签订合同。`;
        default:
          return `您选择的云服务商没有通过备案。云服务商须在签订服务合同前到${cityName()}工信局备案（细则三（一）），请选择已备案的云服务商签订合同。`;
      }
    },
  }),
  // 四（二）现行政策与本细则不一致的，按照“就高不重复”原则执行
  rule({
    id: 'no-double-subsidy',
    clause: '四（二）',
    label: '就高不重复',
    hint: '按“就高不重复”原则（细则四（二）），同一项目已获其他政策补助的只补差额；其他补助已不低于本补助应补金额的，不能再申报。',
    fails: ({ facts, amount }) => coveredByOtherSubsidies(amount, facts.otherSubsidiesFen),
    message: ({ facts, amount }) =>
      `同一项目已获其他政策补助 ${formatYuan(facts.otherSubsidiesFen)}，不低于本补助应补的 ${formatYuan(amount.computedFen)}。按“就高不重复”原则（细则四（二）），本补助无差额可补。如其他补助金额填写有误，请更正。`,
  }),
];

const RULES_BY_ID = Object.fromEntries(RULES.map((r) => [r.id, r])) as Record<RuleId, EligibilityRule>;

export function ruleById(id: RuleId): EligibilityRule {
  return RULES_BY_ID[id];
}

export const WARNINGS: readonly EligibilityWarning[] = [
  // 二（一）在本市设立、登记、注册 — a code keeps its first registration region for life, so this only warns.
  // The region is the installed pack's city's GB/T 2260 prefix.
  {
    id: 'credit-code-region',
    clause: '二（一）',
    get label() {
      return `信用代码登记地不在${cityName()}`;
    },
    applies: ({ facts }) => !regionOf(facts.enterprise.creditCode).startsWith(policyPack().city.regionPrefix),
    message: ({ facts }) => {
      const { name, regionPrefix } = policyPack().city;
      return `统一社会信用代码的登记管理机关行政区划码为 ${regionOf(facts.enterprise.creditCode)}，不在${name}（${regionPrefix}）。代码终身不变，企业可能由外地迁入；请核实企业现登记地在${name}（细则二（一））。`;
    },
  },
  // 一：经核定达到合同服务要求；二（四）发生实际支出 — partial payment is allowed but worth a reviewer's look.
  {
    id: 'paid-less-than-contract',
    clause: '一',
    label: '实付金额少于合同金额',
    applies: ({ facts }) => facts.cloud.paidAmountFen > 0 && facts.cloud.paidAmountFen < facts.cloud.contractAmountFen,
    message: ({ facts }) =>
      `实付金额 ${formatYuan(facts.cloud.paidAmountFen)} 少于合同金额 ${formatYuan(facts.cloud.contractAmountFen)}，补助按合同额计算（细则一）。请核实付款进度、收付款凭证及是否达到合同服务要求。`,
  },
];

/**
 * The verdict of spec/eligibility.md for facts whose `asOf` the caller has resolved, under the version in
 * force on `asOf` — or under `version` when the application recorded one (a correction keeps the version
 * of its first submission).
 */
export function evaluateEligibility(facts: EvaluationFacts, version: PolicyVersion = versionOn(facts.asOf)): Verdict {
  const amount = computeSubsidyAmount(facts.cloud.contractAmountFen, facts.otherSubsidiesFen, version);
  const context: RuleContext = { facts, amount, version };
  const failures: Failure[] = RULES.filter((r) => r.fails(context)).map((r) => ({
    rule: r.id,
    clause: r.clause,
    message: r.message(context),
  }));
  // The pack's own conditions come after the built-in ones, in the order the pack lists them.
  for (const extra of version.extraRules ?? []) {
    if (extra.fails(facts)) failures.push({ rule: extra.id, clause: extra.clause, message: extra.message(facts) });
  }
  const warnings: Warning[] = WARNINGS.filter((w) => w.applies(context)).map((w) => ({
    rule: w.id,
    clause: w.clause,
    message: w.message(context),
  }));
  const eligible = failures.length === 0;
  return {
    policy: policyPack().id,
    eligible,
    subsidyFen: eligible ? amount.payableFen : 0,
    computedFen: amount.computedFen,
    capped: amount.capped,
    failures,
    warnings,
  };
}
