import { computeSubsidyAmount } from './eligibility';
import { formatYuan } from '../glossary/money';
import type { VersionOrDate } from './parameters';

/**
 * 核定金额: what city MIIT may fix as the amount to pay an application (三（五）市工信局审核 — DESIGN.md,
 * "An application's life"). Never above what the rules give on the day, and when lower, with a reason.
 */

/** An application's money as the rules read it (integer fen). */
export interface AmountFacts {
  contractAmountFen: number | null;
  paidAmountFen: number | null;
  otherSubsidiesFen: number | null;
}

/**
 * The payable amount by the rules (一 and 四（二）; spec/eligibility.md "Amount") of the version `under` —
 * the application's recorded one, else the one in force on a day: the version's share of the contract
 * amount, capped, less other subsidies for the same project — and nothing at all when
 * nothing was actually paid (二（四）发生实际支出).
 */
export function payableNow(app: AmountFacts, under: VersionOrDate): { payableFen: number; computedFen: number; capped: boolean } {
  if (app.contractAmountFen === null || app.contractAmountFen <= 0 || !app.paidAmountFen)
    return { payableFen: 0, computedFen: 0, capped: false };
  const amount = computeSubsidyAmount(app.contractAmountFen, Math.max(0, app.otherSubsidiesFen ?? 0), under);
  return { payableFen: amount.payableFen, computedFen: amount.computedFen, capped: amount.capped };
}

/** Why a verified amount is refused: nothing to pay, none given, not above 0, above the payable amount, a reduction without reason. */
export type VerifiedAmountFailureKind = 'nothing-payable' | 'missing' | 'not-positive' | 'above-payable' | 'reason-missing';

export interface VerifiedAmountFailure {
  kind: VerifiedAmountFailureKind;
  /** In Chinese, for the API's caller. */
  message: string;
}

/**
 * 核定金额 (三（五）; DESIGN.md): 0 < verified ≤ payable, and a reason of two characters or more when lower.
 * The failure, or null when the amount may be fixed.
 */
export function verifiedAmountFailure(
  verifiedFen: number | undefined,
  reason: string | null,
  payableFen: number,
): VerifiedAmountFailure | null {
  if (payableFen <= 0)
    return {
      kind: 'nothing-payable',
      message: '按现行政策计算的可补助金额为 0（合同金额、实际支付或其他补助不满足条件），不能核定通过，请退回或不予补助',
    };
  if (verifiedFen === undefined) return { kind: 'missing', message: `请填写核定金额，不超过可补助金额 ${formatYuan(payableFen)}` };
  if (verifiedFen <= 0) return { kind: 'not-positive', message: '核定金额须大于 0' };
  if (verifiedFen > payableFen)
    return {
      kind: 'above-payable',
      message: `核定金额 ${formatYuan(verifiedFen)} 高于按政策计算的可补助金额 ${formatYuan(payableFen)}，请核减`,
    };
  if (verifiedFen < payableFen && (!reason || reason.trim().length < 2))
    return { kind: 'reason-missing', message: `核定金额低于可补助金额 ${formatYuan(payableFen)}，请写明核减原因` };
  return null;
}

/** The Chinese reason the machine's verifiedAmountValid guard refuses with, or null (verifiedAmountFailure's message). */
export function verifiedAmountProblem(verifiedFen: number | undefined, reason: string | null, payableFen: number): string | null {
  return verifiedAmountFailure(verifiedFen, reason, payableFen)?.message ?? null;
}

/** City MIIT's 核定金额 read by the rule: the problem, if any, and the reduction's reason to keep. */
export interface VerifiedAmountVerdict {
  /** The Chinese reason the approval is refused with (the machine's verifiedAmountValid guard), or null. */
  problem: string | null;
  /** The verified amount is below the payable one (核减). */
  lower: boolean;
  /** The reason of a reduction, trimmed — kept and shown to the enterprise only when the amount is lower. */
  reason: string | null;
}

/**
 * 三（五）市工信局…根据审核结果提出拟补贴名单 (DESIGN.md, 核定金额): the verified amount city MIIT gives with its
 * approval, checked against the payable amount by the rules on the day — never above it, never 0, and a
 * reason of at least two characters when lower; the reason is kept only for a reduction.
 */
export function verifyAmount(
  verifiedFen: number | undefined,
  reason: string | null | undefined,
  payableFen: number,
): VerifiedAmountVerdict {
  const trimmed = reason?.trim() || null;
  const lower = verifiedFen !== undefined && verifiedFen < payableFen;
  return { problem: verifiedAmountProblem(verifiedFen, trimmed, payableFen), lower, reason: lower ? trimmed : null };
}
