/**
 * The guided self-check, one question per screen. The questions and their interpreter are the server's
 * own (shared/src/rules/flow/, synced by npm run mp:sync): which question comes next, which answer stops
 * the check early and on which clause, the facts for POST /api/v1/eligibility/evaluate and the estimate of
 * 一 and 四（二）. What stays here is the screens' part: reading a screen's input into an answer, and
 * showing an answer in the summary. The final verdict comes from the server.
 */
import type { EvaluationFacts } from '../shared/rules/facts';
import type { AnswerValue, FlowQuestion } from '../shared/rules/flow/questions';
import {
  askedQuestions,
  flowFacts,
  pendingQuestion,
  stopFor as stopOf,
  type Answers,
  type FlowStop,
} from '../shared/rules/flow/interpreter';
import { computeSubsidyAmount } from '../shared/rules/eligibility';
import { policyId } from '../shared/pack/accessors';
import { isCalendarDate } from '../shared/rules/calendar';
import { normalizeCreditCode } from '../shared/rules/creditCode';
import { parseYuan } from './money';

export type { Answers };
export type FlowStopView = FlowStop;

export function nextQuestion(answers: Answers): FlowQuestion | null {
  return pendingQuestion(answers);
}

/** "第 3 题，共 19 题" (the total follows the answers: some questions are asked only after others). */
export function progress(answers: Answers, question: FlowQuestion): { index: number; total: number } {
  const asked = askedQuestions(answers);
  return { index: asked.findIndex((q) => q.id === question.id) + 1, total: asked.length };
}

/** What the policy pays for a contract on `on` (一, 四（二）), in integer fen: the rules' own amount. */
export function estimate(contractFen: number, otherFen: number, on: string): { computedFen: number; payableFen: number; capped: boolean } {
  const amount = computeSubsidyAmount(contractFen, otherFen, on);
  return { computedFen: amount.computedFen, payableFen: amount.payableFen, capped: amount.capped };
}

/** The early stop this answer causes, with its clause and why; null when the check goes on. */
export function stopFor(question: FlowQuestion, answer: AnswerValue, answers: Answers, asOf: string): FlowStopView | null {
  return stopOf(question, answer, answers, asOf);
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

/** The facts for POST /api/v1/eligibility/evaluate from the answers of a finished check; null before the end. */
export function buildFacts(answers: Answers, asOf: string): EvaluationFacts | null {
  return flowFacts({ policy: policyId(), asOf, answers, stop: null });
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
