/**
 * The guided self-check behind GET /api/v1/eligibility/flow: one question per message for the
 * mini-program and the official-account chatbot. The state is plain JSON, so a chatbot can keep it in
 * its database between messages; every function here is pure.
 */

import { z } from 'zod';
import type { EvaluationFacts, RuleId } from '../contracts/eligibility';
import { INDUSTRY_SECTIONS, RULE_IDS, isIndustrySection, parseEligibilityFacts } from '../contracts/eligibility';
import { isCalendarDate } from './calendar';
import { isIndividualBusiness, normalizeCreditCode } from './creditCode';
import {
  coveredByOtherSubsidies,
  computeSubsidyAmount,
  establishedLongEnough,
  filingProblem,
  formatYuan,
  qualifyingDate,
  ruleById,
} from './eligibility';
import {
  CONTACT_TEXT,
  DEFAULT_EFFECTIVE_FROM,
  INDUSTRIAL_SECTIONS,
  POLICY_CONTACT,
  POLICY_ID,
  POLICY_TITLE,
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  parameterOn,
  ratePercent,
  type PolicyId,
  type Rational,
} from './parameters';

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

function stopFor(rule: RuleId, condition: StopCondition): StopWhen {
  const r = ruleById(rule);
  return { condition, rule, clause: r.clause, message: r.hint };
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
    text: '贵企业是否在伊春市设立、登记、注册？',
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
      values: parameterOn(INDUSTRIAL_SECTIONS, DEFAULT_EFFECTIVE_FROM),
    }),
  },
  {
    id: 'alignedWithIndustrialPolicy',
    factPath: 'enterprise.alignedWithIndustrialPolicy',
    text: '贵企业是否符合国家和伊春市的产业发展方向？',
    help: `即不属于国家和本市限制、淘汰类产业（细则二（一））。不确定可咨询${CONTACT_TEXT}。${YES_NO}`,
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
    text: '您的云服务商在伊春市工信局备案通过的日期是哪天？',
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

// ---- estimate ---------------------------------------------------------------------------------------

export interface SubsidyEstimate {
  contractAmountFen: number;
  otherSubsidiesFen: number;
  computedFen: number;
  capped: boolean;
  payableFen: number;
  /** A sentence for the applicant. */
  text: string;
}

/** 一 and 四（二）: what the policy would pay for a contract, before the other conditions are checked. */
export function estimateSubsidy(contractAmountFen: number, otherSubsidiesFen = 0, on: string = DEFAULT_EFFECTIVE_FROM): SubsidyEstimate {
  const amount = computeSubsidyAmount(contractAmountFen, otherSubsidiesFen, on);
  const parts = [`合同金额 ${formatYuan(contractAmountFen)}，按50%计算可补助 ${formatYuan(amount.computedFen)}`];
  if (amount.capped) parts.push(`（已按单户最高 ${formatYuan(parameterOn(SUBSIDY_CAP_FEN, on))} 封顶）`);
  if (otherSubsidiesFen > 0) {
    parts.push(`；扣除其他政策已补助的 ${formatYuan(otherSubsidiesFen)}（就高不重复），预计可补 ${formatYuan(amount.payableFen)}`);
  }
  parts.push('。最终金额以审核核定为准。');
  return { contractAmountFen, otherSubsidiesFen, ...amount, text: parts.join('') };
}

export interface FlowDescription {
  policy: PolicyId;
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
export function describeFlow(on: string = DEFAULT_EFFECTIVE_FROM): FlowDescription {
  const rate = parameterOn(SUBSIDY_RATE, on);
  const capFen = parameterOn(SUBSIDY_CAP_FEN, on);
  const percent = ratePercent(rate);
  const rateText = percent === null ? `${rate.numerator}/${rate.denominator}` : `${percent}%`;
  return {
    policy: POLICY_ID,
    title: POLICY_TITLE,
    questions: QUESTIONS.map((q) => copyQuestion(q)),
    estimate: {
      ratePercent: percent,
      rate: { numerator: rate.numerator, denominator: rate.denominator },
      capFen,
      formula: `补助金额 = min(合同金额 × ${rateText}（不足1分按1分计）, ${formatYuan(capFen)}) − 其他政策已补助金额（就高不重复，不低于0）`,
    },
    contact: { department: POLICY_CONTACT.department, phone: POLICY_CONTACT.phone },
  };
}

// A deep copy through JSON: the description is JSON by contract and callers may mutate what they get.
function copyQuestion(question: FlowQuestion): FlowQuestion {
  return JSON.parse(JSON.stringify(question)) as FlowQuestion;
}

// ---- answers typed by people --------------------------------------------------------------------------

/** Full-width forms to ASCII (NFKC), trimmed, without trailing punctuation. */
export function normalizeChatText(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .replace(/[。.！!？?，,；;～~\s]+$/u, '')
    .trim();
}

const YES_WORDS = new Set(['是', '是的', '对', '对的', '有', '有的', '嗯', '符合', 'y', 'yes', 'true']);
const NO_WORDS = new Set(['否', '不是', '不', '不对', '没有', '没', '无', '不符合', 'n', 'no', 'false']);
const SKIP_WORDS = new Set(['跳过', '不清楚', '不知道', '不确定', 'skip']);
const NONE_WORDS = new Set(['未备案', '没有备案', '没备案', '没有', '没', '无', '否', '不是', 'none', 'null']);

/** 是/否 and the usual ways of saying them; null when the text says neither. */
export function parseYesNo(text: string): boolean | null {
  const word = normalizeChatText(text).toLowerCase();
  if (YES_WORDS.has(word)) return true;
  if (NO_WORDS.has(word)) return false;
  return null;
}

/** 2023-05-01, 2023-5-1, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501 → '2023-05-01'; null if no such day. */
export function parseHumanDate(text: string): string | null {
  const t = normalizeChatText(text).replace(/\s+/g, '');
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (match === null) return null;
  const iso = `${match[1]}-${(match[2] ?? '').padStart(2, '0')}-${(match[3] ?? '').padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : null;
}

export type YuanResult = { ok: true; fen: number } | { ok: false; message: string };

const MONEY_EXAMPLE = '例如 120000元、12万 或 120000.50';
const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An amount typed by a person, in 元 unless it says 万 or 分, to integer fen by exact decimal arithmetic
 * ("12万" → 12000000, "120000.5" → 12000050). Thousands separators and ¥ are tolerated.
 */
export function parseYuanText(text: string): YuanResult {
  const t = normalizeChatText(text)
    .replace(/[\s,，]/g, '')
    .replace(/^(¥|人民币|RMB)/i, '')
    .replace(/整$/, '');
  const match = /^(\d+)(?:\.(\d+))?(万元|万|元|块钱|块|分)?$/.exec(t);
  if (match === null) return { ok: false, message: `请回复金额，${MONEY_EXAMPLE}` };
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const unit = match[3] ?? '元';
  // Digits after the point that the unit can hold: 分 none, 元 two, 万 six.
  const places = unit === '分' ? 0 : unit.startsWith('万') ? 6 : 2;
  const fenPerUnit = unit === '分' ? 1n : unit.startsWith('万') ? 1_000_000n : 100n;
  if (fraction.length > places) {
    return {
      ok: false,
      message: unit === '分' ? '以“分”为单位时请填写整数' : '金额最多精确到分（元的小数点后两位），请重新输入',
    };
  }
  const fen = BigInt(whole) * fenPerUnit + (fraction === '' ? 0n : BigInt(fraction.padEnd(places, '0')));
  if (fen > MAX_FEN) return { ok: false, message: '金额过大，请核对后重新输入' };
  return { ok: true, fen: Number(fen) };
}

// ---- state ------------------------------------------------------------------------------------------

export interface FlowStop {
  questionId: string;
  rule: RuleId;
  clause: string;
  message: string;
}

/** Plain JSON; safe to store between messages. */
export interface FlowState {
  policy: PolicyId;
  /** The day of the self-check (Asia/Shanghai), used as asOf. */
  asOf: string;
  answers: Record<string, AnswerValue>;
  stop: FlowStop | null;
}

export type FlowStep =
  | { kind: 'question'; question: FlowQuestion }
  | { kind: 'stopped'; stop: FlowStop }
  | { kind: 'complete'; facts: EvaluationFacts; estimate: SubsidyEstimate };

export type ApplyAnswerResult =
  { ok: true; state: FlowState; step: FlowStep } | { ok: false; state: FlowState; question: FlowQuestion | null; message: string };

export function startFlow(asOf: string): FlowState {
  if (!isCalendarDate(asOf)) throw new RangeError(`asOf must be a calendar date YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  return { policy: POLICY_ID, asOf, answers: {}, stop: null };
}

const flowStateSchema = z.object({
  policy: z.literal(POLICY_ID),
  asOf: z.string().refine(isCalendarDate),
  answers: z.record(z.string(), z.union([z.boolean(), z.number(), z.string(), z.null()])),
  stop: z.object({ questionId: z.string(), rule: z.enum(RULE_IDS), clause: z.string(), message: z.string() }).nullable(),
});

/** A state read back from storage, or null when it is not one this code wrote. */
export function restoreFlowState(value: unknown): FlowState | null {
  const parsed = flowStateSchema.safeParse(value);
  if (!parsed.success) return null;
  for (const [id, answer] of Object.entries(parsed.data.answers)) {
    const question = questionById(id);
    if (question === undefined || !parseAnswer(question, answer).ok) return null;
  }
  return parsed.data;
}

function answerAt(state: FlowState, factPath: FactPath): AnswerValue | undefined {
  const question = QUESTIONS.find((q) => q.factPath === factPath);
  return question === undefined ? undefined : state.answers[question.id];
}

function isAsked(question: FlowQuestion, state: FlowState): boolean {
  if (question.askWhen === undefined) return true;
  const answer = answerAt(state, question.askWhen.factPath);
  return answer !== undefined && question.askWhen.values.includes(answer);
}

/** The next question to ask, or null when the flow has stopped or every question is answered. */
export function nextQuestion(state: FlowState): FlowQuestion | null {
  if (state.stop !== null) return null;
  return QUESTIONS.find((q) => state.answers[q.id] === undefined && isAsked(q, state)) ?? null;
}

type ParsedAnswer = { ok: true; value: AnswerValue } | { ok: false; message: string };

function parseMoney(question: FlowQuestion, answer: unknown): ParsedAnswer {
  const min = question.minFen ?? 0;
  let fen: number;
  if (typeof answer === 'number') {
    // A number comes from a form and is already integer fen.
    if (!Number.isSafeInteger(answer) || answer < 0) return { ok: false, message: '金额须为整数（单位：分）' };
    fen = answer + 0;
  } else if (typeof answer === 'string') {
    const result = parseYuanText(answer);
    if (!result.ok) return result;
    fen = result.fen;
  } else {
    return { ok: false, message: `请回复金额，${MONEY_EXAMPLE}` };
  }
  if (fen < min) return { ok: false, message: `金额须大于0，请回复实际金额，${MONEY_EXAMPLE}` };
  return { ok: true, value: fen };
}

function parseAnswer(question: FlowQuestion, answer: unknown): ParsedAnswer {
  const text = typeof answer === 'string' ? normalizeChatText(answer) : null;
  if (question.optional === true && (answer === null || (text !== null && SKIP_WORDS.has(text.toLowerCase())))) {
    return { ok: true, value: null };
  }
  switch (question.answerType) {
    case 'boolean': {
      const value = typeof answer === 'boolean' ? answer : typeof answer === 'string' ? parseYesNo(answer) : null;
      return value === null ? { ok: false, message: '请回复 是 或 否' } : { ok: true, value };
    }
    case 'credit_code': {
      if (text === null) return { ok: false, message: '请回复18位统一社会信用代码（见营业执照）' };
      const result = normalizeCreditCode(text.replace(/[\s-]/g, ''));
      return result.ok ? { ok: true, value: result.code } : { ok: false, message: result.message };
    }
    case 'choice': {
      const choices = question.choices ?? [];
      const wanted = text?.toUpperCase() ?? '';
      const hit =
        choices.find((c) => c.value.toUpperCase() === wanted || c.label.toUpperCase() === wanted) ??
        choices.find((c) => c.label.slice(c.value.length + 1) === text);
      if (hit !== undefined) return { ok: true, value: hit.value };
      const skip = question.optional === true ? `；${SKIP}` : '';
      return { ok: false, message: `请回复选项前的字母（如制造业回复 C）${skip}` };
    }
    case 'date': {
      const date = text === null ? null : parseHumanDate(text);
      return date === null
        ? { ok: false, message: '请回复一个真实存在的日期，例如 2023-05-01 或 2023年5月1日' }
        : { ok: true, value: date };
    }
    case 'date_or_none': {
      if (answer === null || (text !== null && NONE_WORDS.has(text.toLowerCase()))) return { ok: true, value: null };
      const date = text === null ? null : parseHumanDate(text);
      return date === null
        ? { ok: false, message: '请回复备案通过的日期（例如 2023-05-01），未备案请回复“未备案”' }
        : { ok: true, value: date };
    }
    case 'money_fen':
      return parseMoney(question, answer);
    case 'provider_id': {
      if (text === null || text === '' || text.length > 128) {
        return { ok: false, message: `请回复已备案云服务商的编号；${SKIP}` };
      }
      return { ok: true, value: text };
    }
  }
}

/** Whether `answer` to `question`, given the answers so far, rules the applicant out. */
export function stopApplies(question: FlowQuestion, answer: AnswerValue, state: FlowState): boolean {
  const stop = question.stopWhen;
  if (stop === undefined) return false;
  const condition = stop.condition;
  switch (condition.kind) {
    case 'equals':
      return condition.values.includes(answer as boolean | number | null);
    case 'prefix':
      return typeof answer === 'string' && answer.startsWith(condition.prefix);
    case 'notOneOf':
      return typeof answer === 'string' && !condition.values.includes(answer);
    case 'notEstablishedLongEnough':
      return typeof answer === 'string' && !establishedLongEnough(answer, state.asOf);
    case 'beforeFact': {
      const other = answerAt(state, condition.factPath);
      return typeof answer === 'string' && typeof other === 'string' && filingProblem(other, null, answer) === 'after-contract';
    }
    case 'coversComputed': {
      const contract = answerAt(state, 'cloud.contractAmountFen');
      if (typeof answer !== 'number' || typeof contract !== 'number') return false;
      return coveredByOtherSubsidies(computeSubsidyAmount(contract, answer, state.asOf), answer);
    }
  }
}

function stopMessage(question: FlowQuestion, stop: StopWhen, answer: AnswerValue, state: FlowState): string {
  switch (stop.condition.kind) {
    case 'prefix':
      if (typeof answer === 'string' && isIndividualBusiness(answer)) {
        return '统一社会信用代码以“92”开头的是个体工商户，不具有独立法人资格（细则二（一）），不能申报本补助。如代码输错，请重新开始自测。';
      }
      return stop.message;
    case 'notOneOf':
      return typeof answer === 'string' && isIndustrySection(answer)
        ? `${answer}（${INDUSTRY_SECTIONS[answer]}）不属于工业，本补助仅面向采矿业（B）、制造业（C）及电力、热力、燃气及水生产和供应业（D）企业（细则二（一））。`
        : stop.message;
    case 'notEstablishedLongEnough':
      return typeof answer === 'string'
        ? `企业成立时间须满1年（细则二（二）），贵企业成立于 ${answer}，请于 ${qualifyingDate(answer, state.asOf)} 及以后再申报。`
        : stop.message;
    case 'beforeFact': {
      const filedOn = answerAt(state, stop.condition.factPath);
      return `云服务商备案通过（${String(filedOn)}）晚于合同签订（${String(answer)}）。云服务商须在签订合同前完成备案（细则三（一）），此合同不在补助范围内。`;
    }
    case 'coversComputed': {
      const contract = answerAt(state, 'cloud.contractAmountFen');
      if (typeof contract !== 'number' || typeof answer !== 'number') return stop.message;
      const computed = computeSubsidyAmount(contract, answer, state.asOf).computedFen;
      return `本补助按合同可补 ${formatYuan(computed)}，其他政策已补助 ${formatYuan(answer)}，按“就高不重复”原则（细则四（二））无差额可补。`;
    }
    case 'equals':
      return question.id === 'subsidyReceived' ? '贵企业已领取过本补助，一户企业只能申领一次（细则二（六））。' : stop.message;
  }
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) {
      node = child as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1] ?? ''] = value;
}

/**
 * The facts to send to POST /api/v1/eligibility/evaluate once every question is answered, validated by
 * the same schema as the endpoint; null while questions remain, after a stop, or for a damaged state.
 */
export function flowFacts(state: FlowState): EvaluationFacts | null {
  if (state.stop !== null || nextQuestion(state) !== null) return null;
  const body: Record<string, unknown> = { asOf: state.asOf };
  for (const question of QUESTIONS) {
    const answer = state.answers[question.id];
    if (answer === undefined || !isAsked(question, state)) continue;
    // A skipped industry code is simply not given (it is optional in the request).
    if (question.factPath === 'enterprise.industryCode' && answer === null) continue;
    setAt(body, question.factPath, answer);
  }
  const parsed = parseEligibilityFacts(body);
  if (!parsed.ok) return null;
  return { ...parsed.facts, asOf: state.asOf };
}

/** Where a stored state stands: the next question, the stop, or the facts and estimate. */
export function currentStep(state: FlowState): FlowStep | null {
  if (state.stop !== null) return { kind: 'stopped', stop: state.stop };
  const question = nextQuestion(state);
  if (question !== null) return { kind: 'question', question };
  const facts = flowFacts(state);
  if (facts === null) return null;
  return {
    kind: 'complete',
    facts,
    estimate: estimateSubsidy(facts.cloud.contractAmountFen, facts.otherSubsidiesFen, state.asOf),
  };
}

/**
 * Validates one answer to the current question. A bad answer leaves the state as it was and says, in
 * Chinese, how to answer; a good one returns the new state and the next step.
 */
export function applyAnswer(state: FlowState, answer: unknown): ApplyAnswerResult {
  if (state.stop !== null) {
    return { ok: false, state, question: null, message: `本次自测已结束：${state.stop.message} 如需重新自测，请重新开始。` };
  }
  const question = nextQuestion(state);
  if (question === null) {
    return { ok: false, state, question: null, message: '所有问题都已回答完毕，如需重新自测，请重新开始。' };
  }
  const parsed = parseAnswer(question, answer);
  if (!parsed.ok) return { ok: false, state, question, message: parsed.message };

  const answered: FlowState = { ...state, answers: { ...state.answers, [question.id]: parsed.value } };
  if (question.stopWhen !== undefined && stopApplies(question, parsed.value, answered)) {
    const stop: FlowStop = {
      questionId: question.id,
      rule: question.stopWhen.rule,
      clause: question.stopWhen.clause,
      message: stopMessage(question, question.stopWhen, parsed.value, answered),
    };
    const stopped: FlowState = { ...answered, stop };
    return { ok: true, state: stopped, step: { kind: 'stopped', stop } };
  }
  const step = currentStep(answered);
  if (step === null) {
    return { ok: false, state, question, message: `无法完成自测，请重新开始；如仍有问题请联系${CONTACT_TEXT}。` };
  }
  return { ok: true, state: answered, step };
}
