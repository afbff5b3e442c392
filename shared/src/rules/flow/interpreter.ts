/**
 * The interpreter of the guided self-check: walks the questions of ./questions.ts one answer at a time,
 * stops early where an answer rules the applicant out (on the rule and clause the question names), and
 * at the end gives the facts for POST /api/v1/eligibility/evaluate with the estimate of 一 and 四（二）.
 * Answers are values — booleans, 'YYYY-MM-DD' dates, integer fen, codes, null for "none"/skipped — never
 * words: turning what a person typed or said into one is the asker's (the chatbot's answerText.ts, the
 * mini-program's screens). The state is plain JSON, so a chatbot can keep it between messages; every
 * function here is pure. The mini-program runs this very file (npm run mp:sync).
 */

import type { EvaluationFacts } from '../facts';
import { INDUSTRY_SECTIONS, RULE_IDS, isIndustrySection, type RuleId } from '../facts';
import { isCalendarDate } from '../calendar';
import { isIndividualBusiness, normalizeCreditCode } from '../creditCode';
import { coveredByOtherSubsidies, computeSubsidyAmount, establishedLongEnough, filingProblem, qualifyingDate } from '../eligibility';
import { formatYuan } from '../../glossary/money';
import { SUBSIDY_CAP_FEN, firstEffectiveFrom, SUBSIDY_RATE, parameterOn, ratePercent } from '../parameters';
import { contactText, policyId } from '../../pack/accessors';
import { QUESTIONS, questionById, type AnswerValue, type FactPath, type FlowQuestion, type StopWhen } from './questions';

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
export function estimateSubsidy(contractAmountFen: number, otherSubsidiesFen = 0, on: string = firstEffectiveFrom()): SubsidyEstimate {
  const amount = computeSubsidyAmount(contractAmountFen, otherSubsidiesFen, on);
  const rate = parameterOn(SUBSIDY_RATE, on);
  // The version's rate, not a written 50%: a revision may change it (issue 18 item 3).
  const rateText = ratePercent(rate) === null ? `${rate.numerator}/${rate.denominator}` : `${ratePercent(rate)}%`;
  const parts = [`合同金额 ${formatYuan(contractAmountFen)}，按${rateText}计算可补助 ${formatYuan(amount.computedFen)}`];
  if (amount.capped) parts.push(`（已按单户最高 ${formatYuan(parameterOn(SUBSIDY_CAP_FEN, on))} 封顶）`);
  if (otherSubsidiesFen > 0) {
    parts.push(`；扣除其他政策已补助的 ${formatYuan(otherSubsidiesFen)}（就高不重复），预计可补 ${formatYuan(amount.payableFen)}`);
  }
  parts.push('。最终金额以审核核定为准。');
  return { contractAmountFen, otherSubsidiesFen, ...amount, text: parts.join('') };
}

// ---- state ------------------------------------------------------------------------------------------

export interface FlowStop {
  questionId: string;
  rule: RuleId;
  clause: string;
  message: string;
}

/** The answers so far, by question id. */
export type Answers = Record<string, AnswerValue>;

/** Plain JSON; safe to store between messages. */
export interface FlowState {
  /** The installed pack's policy id: a state written under another pack is not restored. */
  policy: string;
  /** The day of the self-check (Asia/Shanghai), used as asOf. */
  asOf: string;
  answers: Answers;
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
  return { policy: policyId(), asOf, answers: {}, stop: null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function restoreStop(value: unknown): FlowStop | null | undefined {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const { questionId, rule, clause, message } = value;
  if (typeof questionId !== 'string' || typeof clause !== 'string' || typeof message !== 'string') return undefined;
  if (typeof rule !== 'string' || !(RULE_IDS as readonly string[]).includes(rule)) return undefined;
  return { questionId, rule: rule as RuleId, clause, message };
}

/** A state read back from storage, or null when it is not one this code wrote. */
export function restoreFlowState(value: unknown): FlowState | null {
  if (!isRecord(value) || value.policy !== policyId()) return null;
  const { asOf, answers, stop } = value;
  if (typeof asOf !== 'string' || !isCalendarDate(asOf) || !isRecord(answers)) return null;
  const restored: Answers = {};
  for (const [id, answer] of Object.entries(answers)) {
    const question = questionById(id);
    if (question === undefined || !checkAnswer(question, answer).ok) return null;
    restored[id] = answer as AnswerValue;
  }
  const restoredStop = restoreStop(stop);
  if (restoredStop === undefined) return null;
  return { policy: policyId(), asOf, answers: restored, stop: restoredStop };
}

function answerAt(answers: Answers, factPath: FactPath): AnswerValue | undefined {
  const question = QUESTIONS.find((q) => q.factPath === factPath);
  return question === undefined ? undefined : answers[question.id];
}

/** Whether `question` is asked at all, given the answers so far (`askWhen`). */
export function isAsked(question: FlowQuestion, answers: Answers): boolean {
  if (question.askWhen === undefined) return true;
  const answer = answerAt(answers, question.askWhen.factPath);
  return answer !== undefined && question.askWhen.values.includes(answer);
}

/** The questions asked, given the answers so far, in the flow's order (answered ones included). */
export function askedQuestions(answers: Answers): FlowQuestion[] {
  return QUESTIONS.filter((q) => isAsked(q, answers));
}

/** The first question asked and not yet answered, given the answers so far; null when there is none. */
export function pendingQuestion(answers: Answers): FlowQuestion | null {
  return QUESTIONS.find((q) => answers[q.id] === undefined && isAsked(q, answers)) ?? null;
}

/** The next question to ask, or null when the flow has stopped or every question is answered. */
export function nextQuestion(state: FlowState): FlowQuestion | null {
  return state.stop === null ? pendingQuestion(state.answers) : null;
}

// ---- answers ----------------------------------------------------------------------------------------

export type CheckedAnswer = { ok: true; value: AnswerValue } | { ok: false; message: string };

const MONEY_EXAMPLE = '例如 120000元、12万 或 120000.50';

/**
 * Whether `answer` is an answer to `question`: a boolean, a real 'YYYY-MM-DD' day, integer fen at least
 * `minFen`, a valid credit code (returned normalised), one of the choices, a provider's id; null where the
 * question may be skipped (or answered "not filed"). The message says, in Chinese, what is expected.
 */
export function checkAnswer(question: FlowQuestion, answer: unknown): CheckedAnswer {
  if (answer === null && (question.optional === true || question.answerType === 'date_or_none')) return { ok: true, value: null };
  switch (question.answerType) {
    case 'boolean':
      return typeof answer === 'boolean' ? { ok: true, value: answer } : { ok: false, message: '请回复 是 或 否' };
    case 'credit_code': {
      if (typeof answer !== 'string') return { ok: false, message: '请回复18位统一社会信用代码（见营业执照）' };
      const result = normalizeCreditCode(answer);
      return result.ok ? { ok: true, value: result.code } : { ok: false, message: result.message };
    }
    case 'choice': {
      const skip = question.optional === true ? '；不清楚可回复“跳过”。' : '';
      return typeof answer === 'string' && (question.choices ?? []).some((c) => c.value === answer)
        ? { ok: true, value: answer }
        : { ok: false, message: `请回复选项前的字母（如制造业回复 C）${skip}` };
    }
    case 'date':
      return typeof answer === 'string' && isCalendarDate(answer)
        ? { ok: true, value: answer }
        : { ok: false, message: '请回复一个真实存在的日期，例如 2023-05-01 或 2023年5月1日' };
    case 'date_or_none':
      return typeof answer === 'string' && isCalendarDate(answer)
        ? { ok: true, value: answer }
        : { ok: false, message: '请回复备案通过的日期（例如 2023-05-01），未备案请回复“未备案”' };
    case 'money_fen': {
      if (typeof answer !== 'number' || !Number.isSafeInteger(answer) || answer < 0) {
        return { ok: false, message: '金额须为整数（单位：分）' };
      }
      if (answer < (question.minFen ?? 0)) return { ok: false, message: `金额须大于0，请回复实际金额，${MONEY_EXAMPLE}` };
      // JSON allows -0; it is the amount 0.
      return { ok: true, value: answer + 0 };
    }
    case 'provider_id':
      return typeof answer === 'string' && answer.trim() !== '' && answer.length <= 128
        ? { ok: true, value: answer }
        : { ok: false, message: '请回复已备案云服务商的编号；不清楚可回复“跳过”。' };
  }
}

// ---- early stops ------------------------------------------------------------------------------------

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
      const other = answerAt(state.answers, condition.factPath);
      return typeof answer === 'string' && typeof other === 'string' && filingProblem(other, null, answer) === 'after-contract';
    }
    case 'coversComputed': {
      const contract = answerAt(state.answers, 'cloud.contractAmountFen');
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
      const filedOn = answerAt(state.answers, stop.condition.factPath);
      return `云服务商备案通过（${String(filedOn)}）晚于合同签订（${String(answer)}）。云服务商须在签订合同前完成备案（细则三（一）），此合同不在补助范围内。`;
    }
    case 'coversComputed': {
      const contract = answerAt(state.answers, 'cloud.contractAmountFen');
      if (typeof contract !== 'number' || typeof answer !== 'number') return stop.message;
      const computed = computeSubsidyAmount(contract, answer, state.asOf).computedFen;
      return `本补助按合同可补 ${formatYuan(computed)}，其他政策已补助 ${formatYuan(answer)}，按“就高不重复”原则（细则四（二））无差额可补。`;
    }
    case 'equals':
      return question.id === 'subsidyReceived' ? '贵企业已领取过本补助，一户企业只能申领一次（细则二（六））。' : stop.message;
  }
}

/**
 * The early stop that `answer` to `question` causes, given the answers before it, with its rule, clause
 * and a Chinese message saying why; null when the self-check goes on.
 */
export function stopFor(question: FlowQuestion, answer: AnswerValue, answers: Answers, asOf: string): FlowStop | null {
  const stop = question.stopWhen;
  const state: FlowState = { policy: policyId(), asOf, answers: { ...answers, [question.id]: answer }, stop: null };
  if (stop === undefined || !stopApplies(question, answer, state)) return null;
  return { questionId: question.id, rule: stop.rule, clause: stop.clause, message: stopMessage(question, stop, answer, state) };
}

// ---- the end ----------------------------------------------------------------------------------------

function bool(answers: Answers, factPath: FactPath): boolean | undefined {
  const answer = answerAt(answers, factPath);
  return typeof answer === 'boolean' ? answer : undefined;
}

function text(answers: Answers, factPath: FactPath): string | undefined {
  const answer = answerAt(answers, factPath);
  return typeof answer === 'string' ? answer : undefined;
}

function fen(answers: Answers, factPath: FactPath): number | undefined {
  const answer = answerAt(answers, factPath);
  return typeof answer === 'number' ? answer : undefined;
}

/**
 * The facts to send to POST /api/v1/eligibility/evaluate once every question is answered, in the shape its
 * contract gives them (a skipped industry code not given, no provider's id or filing date as null); null
 * while questions remain, after a stop, or for a damaged state.
 */
export function flowFacts(state: FlowState): EvaluationFacts | null {
  if (state.stop !== null || nextQuestion(state) !== null) return null;
  const a = state.answers;
  const creditCode = text(a, 'enterprise.creditCode');
  const registeredInYichun = bool(a, 'enterprise.registeredInYichun');
  const independentLegalPerson = bool(a, 'enterprise.independentLegalPerson');
  const industrial = bool(a, 'enterprise.industrial');
  const industryCode = text(a, 'enterprise.industryCode');
  const alignedWithIndustrialPolicy = bool(a, 'enterprise.alignedWithIndustrialPolicy');
  const establishedOn = text(a, 'enterprise.establishedOn');
  const operatingNormally = bool(a, 'enterprise.operatingNormally');
  const badCreditRecord = bool(a, 'enterprise.badCreditRecord');
  const seriousFiscalViolationWithin5Years = bool(a, 'enterprise.seriousFiscalViolationWithin5Years');
  const dishonestyRecord = bool(a, 'enterprise.dishonestyRecord');
  const firstPurchase = bool(a, 'cloud.firstPurchase');
  const providerId = text(a, 'cloud.providerId');
  // Asked only without a provider on record; with one, the server puts in its filing's approval date.
  const providerFiledOn = providerId === undefined ? text(a, 'cloud.providerFiledOn') : undefined;
  const contractSignedOn = text(a, 'cloud.contractSignedOn');
  const contractAmountFen = fen(a, 'cloud.contractAmountFen');
  const paidAmountFen = fen(a, 'cloud.paidAmountFen');
  const subsidyReceived = bool(a, 'history.subsidyReceived');
  const applicationInProgress = bool(a, 'history.applicationInProgress');
  const otherSubsidiesFen = fen(a, 'otherSubsidiesFen');
  if (
    creditCode === undefined ||
    registeredInYichun === undefined ||
    independentLegalPerson === undefined ||
    industrial === undefined ||
    (industryCode !== undefined && !isIndustrySection(industryCode)) ||
    alignedWithIndustrialPolicy === undefined ||
    establishedOn === undefined ||
    operatingNormally === undefined ||
    badCreditRecord === undefined ||
    seriousFiscalViolationWithin5Years === undefined ||
    dishonestyRecord === undefined ||
    firstPurchase === undefined ||
    contractSignedOn === undefined ||
    contractAmountFen === undefined ||
    paidAmountFen === undefined
  ) {
    return null;
  }
  return {
    enterprise: {
      creditCode,
      registeredInYichun,
      independentLegalPerson,
      industrial,
      ...(industryCode === undefined ? {} : { industryCode: industryCode }),
      alignedWithIndustrialPolicy,
      establishedOn,
      operatingNormally,
      badCreditRecord,
      seriousFiscalViolationWithin5Years,
      dishonestyRecord,
    },
    cloud: {
      firstPurchase,
      providerId: providerId ?? null,
      providerFiledOn: providerFiledOn ?? null,
      contractSignedOn,
      contractAmountFen,
      paidAmountFen,
    },
    history: { subsidyReceived: subsidyReceived ?? false, applicationInProgress: applicationInProgress ?? false },
    otherSubsidiesFen: otherSubsidiesFen ?? 0,
    asOf: state.asOf,
  };
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
 * Takes one answer (a value, see checkAnswer) to the current question. A bad answer leaves the state as it
 * was and says, in Chinese, how to answer; a good one returns the new state and the next step.
 */
export function applyAnswer(state: FlowState, answer: unknown): ApplyAnswerResult {
  if (state.stop !== null) {
    return { ok: false, state, question: null, message: `本次自测已结束：${state.stop.message} 如需重新自测，请重新开始。` };
  }
  const question = nextQuestion(state);
  if (question === null) {
    return { ok: false, state, question: null, message: '所有问题都已回答完毕，如需重新自测，请重新开始。' };
  }
  const checked = checkAnswer(question, answer);
  if (!checked.ok) return { ok: false, state, question, message: checked.message };

  const stop = stopFor(question, checked.value, state.answers, state.asOf);
  const answered: FlowState = { ...state, answers: { ...state.answers, [question.id]: checked.value } };
  if (stop !== null) {
    const stopped: FlowState = { ...answered, stop };
    return { ok: true, state: stopped, step: { kind: 'stopped', stop } };
  }
  const step = currentStep(answered);
  if (step === null) {
    return { ok: false, state, question, message: `无法完成自测，请重新开始；如仍有问题请联系${contactText()}。` };
  }
  return { ok: true, state: answered, step };
}
