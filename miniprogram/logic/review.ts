/**
 * The reviewers' forms, checked before anything is sent: a return or a reject must say why (the
 * enterprise reads those words: 三（四）审核意见), every county opinion rates 上云效果 and 服务商服务质量 1–5,
 * and city MIIT's 核定金额 is never above what the rules pay and says why when it is lower (the rules' own checks, synced).
 */
import type { Decision } from '../shared/contracts/responses';
import { unconfirmedConditionsProblem } from '../shared/rules/filingConditions';
import { verifiedAmountFailure, type VerifiedAmountFailureKind } from '../shared/rules/verifiedAmount';

export type { Decision };

export const DECISIONS: readonly { value: Decision; label: string }[] = [
  { value: 'approve', label: '同意' },
  { value: 'return', label: '退回修改' },
  { value: 'reject', label: '不予补助' },
];

export const RATING_LABELS = ['差', '较差', '一般', '良好', '优秀'] as const;

export function ratingLabel(n: number | null | undefined): string {
  return n && n >= 1 && n <= 5 ? RATING_LABELS[n - 1] : '未评分';
}

export interface ReasonDraft {
  /** What the reason points at: a material's name, a field's name, or '' for the application as a whole. */
  target: string;
  message: string;
}

/** Reasons that say something: at least two characters, as the server requires. */
export function meaningfulReasons(reasons: readonly ReasonDraft[]): ReasonDraft[] {
  return reasons.map((r) => ({ target: r.target.trim(), message: r.message.trim() })).filter((r) => [...r.message].length >= 2);
}

export function countyOpinionProblem(input: {
  decision: Decision | '';
  effect: number;
  service: number;
  reasons: readonly ReasonDraft[];
}): string | null {
  if (!input.decision) return '请选择审核结论：同意、退回修改或不予补助';
  // Ratings go with an approval only (issue 14 item 10): a return or a reject is not a verdict on the service.
  if (input.decision === 'approve' && (!(input.effect >= 1 && input.effect <= 5) || !(input.service >= 1 && input.service <= 5)))
    return '请对上云效果和服务商服务质量分别评分（1–5 分：差、较差、一般、良好、优秀）';
  if (input.decision !== 'approve' && meaningfulReasons(input.reasons).length === 0)
    return '退回或不予补助时，请逐条写明原因和需要修改的字段或材料，企业将看到这些文字';
  return null;
}

const VERIFIED_AMOUNT_TEXT: Record<VerifiedAmountFailureKind, string> = {
  'nothing-payable': '按现行政策计算的可补助金额为 0，不能核定通过，请退回或不予补助',
  missing: '请填写核定金额（元）',
  'not-positive': '请填写核定金额（元）',
  'above-payable': '核定金额不能高于按政策计算的可补助金额',
  'reason-missing': '核定金额低于可补助金额，请写明核减原因',
};

export function cityOpinionProblem(input: {
  decision: Decision | '';
  verifiedFen: number | null;
  payableFen: number;
  verifiedReason: string;
  reasons: readonly ReasonDraft[];
}): string | null {
  if (!input.decision) return '请选择审核结论：通过并核定金额、退回修改或不予补助';
  if (input.decision === 'approve') {
    // The rule the server applies (rules/verifiedAmount.ts), in the words of this screen (amounts in 元).
    const failure = verifiedAmountFailure(input.verifiedFen ?? undefined, input.verifiedReason, input.payableFen);
    return failure === null ? null : VERIFIED_AMOUNT_TEXT[failure.kind];
  }
  if (meaningfulReasons(input.reasons).length === 0) return '退回或不予补助时，请写明原因，企业将看到这些文字';
  return null;
}

/** A filing decision of city MIIT: approval confirms all five conditions of 三（一）; the rest need a reason. */
export function filingDecisionProblem(
  decision: 'approve' | 'return' | 'reject' | 'revoke' | '',
  conditions: readonly number[],
  reason: string,
): string | null {
  if (!decision) return '请选择审核结论';
  if (decision === 'approve') return unconfirmedConditionsProblem(conditions);
  return [...reason.trim()].length >= 2 ? null : '请写明原因，服务商将看到这段文字';
}
