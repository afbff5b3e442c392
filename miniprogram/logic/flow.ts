/**
 * The guided self-check, one question per screen, driven by what GET /api/v1/eligibility/flow says: the
 * questions, which answer stops the check early and on which clause, and the rate and cap of the
 * estimate. The rules themselves stay on the server (spec/eligibility.md "Where the same rules run"):
 * this module only reads the flow's data — its stop conditions are data for exactly this purpose — and
 * the final verdict comes from POST /api/v1/eligibility/evaluate.
 */
import type { EligibilityFacts } from '../shared/contracts/eligibility';
import type { AnswerValue, FactPath, FlowDescription, FlowQuestion, StopCondition } from '../shared/rules/flow';
import { anniversary, compareDates, isCalendarDate } from '../shared/rules/calendar';
import { normalizeCreditCode } from '../shared/rules/creditCode';
import { parseYuan } from './money';

export type Answers = Record<string, AnswerValue>;

export interface FlowStopView {
  questionId: string;
  rule: string;
  clause: string;
  message: string;
}

function answerAt(flow: FlowDescription, answers: Answers, factPath: FactPath): AnswerValue | undefined {
  const q = flow.questions.find((x) => x.factPath === factPath);
  return q ? answers[q.id] : undefined;
}

export function isAsked(flow: FlowDescription, question: FlowQuestion, answers: Answers): boolean {
  if (!question.askWhen) return true;
  const a = answerAt(flow, answers, question.askWhen.factPath);
  return a !== undefined && question.askWhen.values.includes(a);
}

/** The questions still to be asked, given the answers so far, in the flow's order. */
export function askedQuestions(flow: FlowDescription, answers: Answers): FlowQuestion[] {
  return flow.questions.filter((q) => isAsked(flow, q, answers));
}

export function nextQuestion(flow: FlowDescription, answers: Answers): FlowQuestion | null {
  return askedQuestions(flow, answers).find((q) => answers[q.id] === undefined) ?? null;
}

/** "第 3 题，共 19 题" (the total follows the answers: some questions are asked only after others). */
export function progress(flow: FlowDescription, answers: Answers, question: FlowQuestion): { index: number; total: number } {
  const asked = askedQuestions(flow, answers);
  return { index: asked.findIndex((q) => q.id === question.id) + 1, total: asked.length };
}

/** min(⌈contract × rate⌉, cap) and the payable amount after other subsidies (一, 四（二）), in integer fen. */
export function estimate(
  flow: FlowDescription,
  contractFen: number,
  otherFen = 0,
): { computedFen: number; payableFen: number; capped: boolean } {
  const { numerator, denominator } = flow.estimate.rate;
  // Halves of a fen rounded up: ⌈a·n/d⌉ by integer division (amounts × n stay far below 2^53).
  const raw = Math.floor((contractFen * numerator + denominator - 1) / denominator);
  const computedFen = Math.min(raw, flow.estimate.capFen);
  return { computedFen, payableFen: Math.max(0, computedFen - otherFen), capped: raw > flow.estimate.capFen };
}

function applies(flow: FlowDescription, condition: StopCondition, answer: AnswerValue, answers: Answers, asOf: string): boolean {
  switch (condition.kind) {
    case 'equals':
      return condition.values.includes(answer as boolean | number | null);
    case 'prefix':
      return typeof answer === 'string' && answer.startsWith(condition.prefix);
    case 'notOneOf':
      return typeof answer === 'string' && !condition.values.includes(answer);
    case 'notEstablishedLongEnough':
      return typeof answer === 'string' && isCalendarDate(answer) && compareDates(anniversary(answer, 1), asOf) > 0;
    case 'beforeFact': {
      const other = answerAt(flow, answers, condition.factPath);
      // The same day counts as before (三（一）).
      return typeof answer === 'string' && typeof other === 'string' && compareDates(other, answer) > 0;
    }
    case 'coversComputed': {
      const contract = answerAt(flow, answers, 'cloud.contractAmountFen');
      if (typeof answer !== 'number' || typeof contract !== 'number') return false;
      return answer > 0 && estimate(flow, contract, answer).payableFen === 0;
    }
  }
}

/** The early stop this answer causes, with its clause and what to do; null when the check goes on. */
export function stopFor(
  flow: FlowDescription,
  question: FlowQuestion,
  answer: AnswerValue,
  answers: Answers,
  asOf: string,
): FlowStopView | null {
  const stop = question.stopWhen;
  if (!stop || !applies(flow, stop.condition, answer, { ...answers, [question.id]: answer }, asOf)) return null;
  let message = stop.message;
  if (stop.condition.kind === 'notEstablishedLongEnough' && typeof answer === 'string') {
    message = `企业成立时间须满1年，贵企业成立于 ${answer}，请于 ${anniversary(answer, 1)} 及以后再申报。`;
  }
  return { questionId: question.id, rule: stop.rule, clause: stop.clause, message };
}

export type ParsedAnswer = { ok: true; value: AnswerValue } | { ok: false; message: string };

/** The value a screen's input gives for a question (typed text, a picked date or choice), checked. */
export function parseInput(question: FlowQuestion, raw: string | boolean | null): ParsedAnswer {
  if (raw === null) {
    if (question.optional || question.answerType === 'date_or_none') return { ok: true, value: null };
    return { ok: false, message: '请先回答这一题' };
  }
  switch (question.answerType) {
    case 'boolean':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false, message: '请选择“是”或“否”' };
    case 'credit_code': {
      const r = normalizeCreditCode(String(raw).replace(/[\s-]/g, ''));
      return r.ok ? { ok: true, value: r.code } : { ok: false, message: r.message };
    }
    case 'choice':
      return (question.choices ?? []).some((c) => c.value === raw)
        ? { ok: true, value: String(raw) }
        : { ok: false, message: '请从列表中选择' };
    case 'date':
    case 'date_or_none':
      return typeof raw === 'string' && isCalendarDate(raw) ? { ok: true, value: raw } : { ok: false, message: '请选择日期' };
    case 'money_fen': {
      const r = parseYuan(String(raw));
      if (!r.ok) return r;
      if (r.fen < (question.minFen ?? 0)) return { ok: false, message: '金额须大于 0' };
      return { ok: true, value: r.fen };
    }
    case 'provider_id':
      return typeof raw === 'string' && raw ? { ok: true, value: raw } : { ok: false, message: '请从已备案服务商名录中选择' };
  }
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    node = typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : (node[key] = {});
  }
  node[keys[keys.length - 1]] = value;
}

/** The facts for POST /api/v1/eligibility/evaluate from the answers of a finished check. */
export function buildFacts(flow: FlowDescription, answers: Answers, asOf: string): EligibilityFacts {
  const body: Record<string, unknown> = { asOf };
  for (const q of askedQuestions(flow, answers)) {
    const a = answers[q.id];
    if (a === undefined) continue;
    // A skipped industry code or provider is simply not given.
    if (a === null && (q.factPath === 'enterprise.industryCode' || q.factPath === 'cloud.providerId')) continue;
    setAt(body, q.factPath, a);
  }
  return body as unknown as EligibilityFacts;
}

/** The answer as the summary shows it. */
export function answerText(question: FlowQuestion, value: AnswerValue, providerName?: (id: string) => string | undefined): string {
  if (value === null) return question.answerType === 'date_or_none' ? '未备案' : '跳过';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (question.answerType === 'money_fen' && typeof value === 'number') {
    const cents = value % 100;
    return `${(value - cents) / 100}${cents ? `.${String(cents).padStart(2, '0')}` : ''} 元`;
  }
  if (question.answerType === 'choice') return question.choices?.find((c) => c.value === value)?.label ?? String(value);
  if (question.answerType === 'provider_id' && typeof value === 'string') return providerName?.(value) ?? value;
  return String(value);
}
