/**
 * The questions of the guided self-check behind GET /api/v1/eligibility/flow — data: one question per fact of
 * the eligibility rules (spec/eligibility.md), in the order they are asked, each with the clause of the
 * policy it checks and, as data too, the answer that rules the applicant out early (`stopWhen`). The
 * interpreter that walks them is ./interpreter.ts; how a person's words become an answer is the asker's
 * business (the mini-program's screens, the official account's chatbot).
 */

import type { RuleId } from '../facts';
import { INDUSTRY_SECTIONS } from '../facts';
import { ruleById } from '../eligibility';
import { formatYuan } from '../../glossary/money';
import { cityName, contactText, policyContact, policyId, policyTitle } from '../../pack/accessors';
import {
  firstEffectiveFrom,
  INDUSTRIAL_SECTIONS,
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  parameterOn,
  ratePercent,
  type Rational,
} from '../parameters';

// ---- question model ---------------------------------------------------------------------------------

export type AnswerType = 'boolean' | 'credit_code' | 'choice' | 'date' | 'date_or_none' | 'money_fen' | 'provider_id';

/** An answer as stored in the state: booleans, 'YYYY-MM-DD' dates, integer fen, codes; null for "none"/skipped. */
export type AnswerValue = boolean | number | string | null;

export type FactPath =
  | 'enterprise.creditCode'
  | 'enterprise.registeredInYichun'
  | 'enterprise.independentLegalPerson'
  | 'enterprise.industrial'
  | 'enterprise.industryCode'
  | 'enterprise.alignedWithIndustrialPolicy'
  | 'enterprise.establishedOn'
  | 'enterprise.operatingNormally'
  | 'enterprise.badCreditRecord'
  | 'enterprise.seriousFiscalViolationWithin5Years'
  | 'enterprise.dishonestyRecord'
  | 'cloud.firstPurchase'
  | 'cloud.providerId'
  | 'cloud.providerFiledOn'
  | 'cloud.contractSignedOn'
  | 'cloud.contractAmountFen'
  | 'cloud.paidAmountFen'
  | 'history.subsidyReceived'
  | 'history.applicationInProgress'
  | 'otherSubsidiesFen';

/** When an answer rules the applicant out. Data, so that clients can read it; interpreted by `stopApplies`. */
export type StopCondition =
  /** The answer is one of `values`. */
  | { kind: 'equals'; values: readonly (boolean | number | null)[] }
  /** The (credit code) answer begins with `prefix`. */
  | { kind: 'prefix'; prefix: string }
  /** A given (non-skipped) answer outside `values`. */
  | { kind: 'notOneOf'; values: readonly string[] }
  /** A founding date whose qualifying anniversary (二（二）) falls after the day of the self-check. */
  | { kind: 'notEstablishedLongEnough' }
  /** A date before the date answered for `factPath` (when that was answered with a date). */
  | { kind: 'beforeFact'; factPath: FactPath }
  /** An amount of other subsidies that covers all this policy would pay for the contract answered. */
  | { kind: 'coversComputed' };

export interface StopWhen {
  condition: StopCondition;
  rule: RuleId;
  clause: string;
  message: string;
}

export interface Choice {
  value: string;
  label: string;
}

export interface FlowQuestion {
  id: string;
  factPath: FactPath;
  text: string;
  help: string;
  answerType: AnswerType;
  choices?: Choice[];
  /** May be skipped (answer "跳过"); a skipped answer is null. */
  optional?: boolean;
  /** money_fen: the smallest acceptable amount. */
  minFen?: number;
  /** Asked only when the answer at `factPath` is one of `values`. */
  askWhen?: { factPath: FactPath; values: readonly AnswerValue[] };
  stopWhen?: StopWhen;
}

// The message is the rule's hint as it reads when asked for: hints name the installed pack's city and contact.
function stopFor(rule: RuleId, condition: StopCondition): StopWhen {
  return {
    condition,
    rule,
    clause: ruleById(rule).clause,
    get message(): string {
      return ruleById(rule).hint;
    },
  };
}

const YES_NO = '请回复“是”或“否”。';
const SKIP = '不清楚可回复“跳过”。';

const INDUSTRY_CHOICES: Choice[] = Object.entries(INDUSTRY_SECTIONS).map(([value, name]) => ({
  value,
  label: `${value} ${name}`,
}));

export const QUESTIONS: readonly FlowQuestion[] = [
  {
    id: 'registeredInYichun',
    factPath: 'enterprise.registeredInYichun',
    // Texts that name the city or its contact are read at each use (the installed pack's).
    get text(): string {
      return `贵企业是否在${cityName()}设立、登记、注册？`;
    },
    help: `以营业执照登记机关为准（细则二（一））。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('registered-in-yichun', { kind: 'equals', values: [false] }),
  },
  {
    id: 'creditCode',
    factPath: 'enterprise.creditCode',
    text: '请输入贵企业的统一社会信用代码。',
    help: '18位，印在营业执照上，由数字和大写字母组成（不含 I、O、Z、S、V）。',
    answerType: 'credit_code',
    stopWhen: stopFor('independent-legal-person', { kind: 'prefix', prefix: '92' }),
  },
  {
    id: 'independentLegalPerson',
    factPath: 'enterprise.independentLegalPerson',
    text: '贵企业是否具有独立法人资格？',
    help: `分公司等分支机构、个体工商户不具有独立法人资格（细则二（一））。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('independent-legal-person', { kind: 'equals', values: [false] }),
  },
  {
    id: 'industrial',
    factPath: 'enterprise.industrial',
    text: '贵企业是否为工业企业？',
    help: `工业指采矿业，制造业，电力、热力、燃气及水生产和供应业（细则二（一））。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('industrial-enterprise', { kind: 'equals', values: [false] }),
  },
  {
    id: 'industryCode',
    factPath: 'enterprise.industryCode',
    text: '贵企业所属的国民经济行业门类是？',
    help: `请回复门类字母，如制造业回复 C（国民经济行业分类 GB/T 4754）。${SKIP}`,
    answerType: 'choice',
    choices: INDUSTRY_CHOICES,
    optional: true,
    stopWhen: stopFor('industrial-enterprise', {
      kind: 'notOneOf',
      // Read when asked, like the texts: the installed pack's first version, not the one at import.
      get values() {
        return parameterOn(INDUSTRIAL_SECTIONS, firstEffectiveFrom());
      },
    }),
  },
  {
    id: 'alignedWithIndustrialPolicy',
    factPath: 'enterprise.alignedWithIndustrialPolicy',
    get text(): string {
      return `贵企业是否符合国家和${cityName()}的产业发展方向？`;
    },
    get help(): string {
      return `即不属于国家和本市限制、淘汰类产业（细则二（一））。不确定可咨询${contactText()}。${YES_NO}`;
    },
    answerType: 'boolean',
    stopWhen: stopFor('industrial-policy', { kind: 'equals', values: [false] }),
  },
  {
    id: 'establishedOn',
    factPath: 'enterprise.establishedOn',
    text: '贵企业的成立日期是哪天？',
    help: '以营业执照上的成立日期为准，例如 2020-03-01 或 2020年3月1日（细则二（二）：成立时间须满1年）。',
    answerType: 'date',
    stopWhen: stopFor('established-one-year', { kind: 'notEstablishedLongEnough' }),
  },
  {
    id: 'operatingNormally',
    factPath: 'enterprise.operatingNormally',
    text: '贵企业目前是否正常经营？',
    help: `未停业、歇业、清算，未被列入经营异常名录（细则二（二））。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('operating-normally', { kind: 'equals', values: [false] }),
  },
  {
    id: 'badCreditRecord',
    factPath: 'enterprise.badCreditRecord',
    text: '贵企业是否有不良信用记录？',
    help: `可在“信用中国”网站查询（细则二（二））。有请回复“有”，没有请回复“没有”。`,
    answerType: 'boolean',
    stopWhen: stopFor('no-bad-credit', { kind: 'equals', values: [true] }),
  },
  {
    id: 'seriousFiscalViolationWithin5Years',
    factPath: 'enterprise.seriousFiscalViolationWithin5Years',
    text: '近5年内，贵企业是否出现过财政资金方面的严重违法违规情况？',
    help: `如骗取、挪用财政补助资金等（细则二（三））。有请回复“有”，没有请回复“没有”。`,
    answerType: 'boolean',
    stopWhen: stopFor('no-fiscal-violation', { kind: 'equals', values: [true] }),
  },
  {
    id: 'dishonestyRecord',
    factPath: 'enterprise.dishonestyRecord',
    text: '贵企业是否有失信行为记录？',
    help: `以“信用中国”、国家企业信用信息公示系统查询结果为准（细则二（五））。有请回复“有”，没有请回复“没有”。`,
    answerType: 'boolean',
    stopWhen: stopFor('no-dishonesty', { kind: 'equals', values: [true] }),
  },
  {
    id: 'subsidyReceived',
    factPath: 'history.subsidyReceived',
    text: '贵企业以前是否领取过本项上云补助？',
    help: `一户企业只能申领一次（细则二（六））。登录后以平台记录为准。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('apply-once', { kind: 'equals', values: [true] }),
  },
  {
    id: 'applicationInProgress',
    factPath: 'history.applicationInProgress',
    text: '贵企业目前是否有正在办理中的本项补助申请？',
    help: `被驳回或已撤回的申请不算（细则二（六））。登录后以平台记录为准。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('apply-once', { kind: 'equals', values: [true] }),
  },
  {
    id: 'firstPurchase',
    factPath: 'cloud.firstPurchase',
    text: '这是贵企业首次购买、使用云计算服务或产品吗？',
    help: `续费、扩容或再次购买不算首次（细则二（四））。${YES_NO}`,
    answerType: 'boolean',
    stopWhen: stopFor('first-purchase', { kind: 'equals', values: [false] }),
  },
  {
    id: 'providerId',
    factPath: 'cloud.providerId',
    text: '您的云服务商在本平台已备案服务商名录中的编号是？',
    help: `在“已备案云服务商”名录中可查到编号；平台会按备案记录核对备案日期（细则三（一））。${SKIP}`,
    answerType: 'provider_id',
    optional: true,
  },
  {
    id: 'providerFiledOn',
    factPath: 'cloud.providerFiledOn',
    get text(): string {
      return `您的云服务商在${cityName()}工信局备案通过的日期是哪天？`;
    },
    help: '云服务商须在签订合同前备案（细则三（一））。请回复日期，如 2023-05-01；未备案请回复“未备案”。',
    answerType: 'date_or_none',
    askWhen: { factPath: 'cloud.providerId', values: [null] },
    stopWhen: stopFor('provider-filed-before-contract', { kind: 'equals', values: [null] }),
  },
  {
    id: 'contractSignedOn',
    factPath: 'cloud.contractSignedOn',
    text: '云服务合同是哪天签订的？',
    help: '以合同落款日期为准，例如 2023-06-01 或 2023年6月1日。',
    answerType: 'date',
    stopWhen: stopFor('provider-filed-before-contract', { kind: 'beforeFact', factPath: 'cloud.providerFiledOn' }),
  },
  {
    id: 'contractAmountFen',
    factPath: 'cloud.contractAmountFen',
    text: '云服务合同金额是多少元？',
    help: '补助按合同额的50%计算，最高10万元（细则一）。例如回复 120000元、12万 或 120000.50。',
    answerType: 'money_fen',
    minFen: 1,
  },
  {
    id: 'paidAmountFen',
    factPath: 'cloud.paidAmountFen',
    text: '目前已实际支付给云服务商多少元？',
    help: '以收付款凭证为准，须已发生实际支出（细则二（四））。尚未付款请回复 0。',
    answerType: 'money_fen',
    minFen: 0,
    stopWhen: stopFor('actual-expenditure', { kind: 'equals', values: [0] }),
  },
  {
    id: 'otherSubsidiesFen',
    factPath: 'otherSubsidiesFen',
    text: '同一上云项目已获得其他政策补助多少元？',
    help: '按“就高不重复”原则只补差额（细则四（二））。没有请回复 0。',
    answerType: 'money_fen',
    minFen: 0,
    stopWhen: stopFor('no-double-subsidy', { kind: 'coversComputed' }),
  },
];

export function questionById(id: string): FlowQuestion | undefined {
  return QUESTIONS.find((q) => q.id === id);
}

// ---- the description ----------------------------------------------------------------------------------

export interface FlowDescription {
  /** The installed pack's policy id (spec/eligibility.md "policy"). */
  policy: string;
  title: string;
  questions: FlowQuestion[];
  estimate: {
    ratePercent: number | null;
    rate: Rational;
    capFen: number;
    formula: string;
  };
  contact: { department: string; phone: string };
}

/** The JSON body of GET /api/v1/eligibility/flow. */
export function describeFlow(on: string = firstEffectiveFrom()): FlowDescription {
  const rate = parameterOn(SUBSIDY_RATE, on);
  const capFen = parameterOn(SUBSIDY_CAP_FEN, on);
  const percent = ratePercent(rate);
  const rateText = percent === null ? `${rate.numerator}/${rate.denominator}` : `${percent}%`;
  return {
    policy: policyId(),
    title: policyTitle(),
    questions: QUESTIONS.map((q) => copyQuestion(q)),
    estimate: {
      ratePercent: percent,
      rate: { numerator: rate.numerator, denominator: rate.denominator },
      capFen,
      formula: `补助金额 = min(合同金额 × ${rateText}（不足1分按1分计）, ${formatYuan(capFen)}) − 其他政策已补助金额（就高不重复，不低于0）`,
    },
    contact: { department: policyContact().department, phone: policyContact().phone },
  };
}

// A deep copy through JSON: the description is JSON by contract and callers may mutate what they get.
function copyQuestion(question: FlowQuestion): FlowQuestion {
  return JSON.parse(JSON.stringify(question)) as FlowQuestion;
}
