import type { Database } from '../../db/database';
import { applicationProgressOfMember, type ApplicationProgress } from '../../db/applications/readers';
import type { EligibilityService } from '../eligibility/eligibilityService';
import type { Verdict } from '../../../../shared/src/contracts/eligibility';
import { computeSubsidyAmount } from '../../../../shared/src/rules/eligibility';
import { formatYuan, reasonWhere } from '../../../../shared/src/glossary';
import type { SubsidyEstimate } from '../../../../shared/src/rules/flow/interpreter';
import { APPLICATION_STATES, applicationMachine, type ApplicationState } from '../../../../shared/src/workflow/application';
import * as T from './texts';

/**
 * The official account's answers that are read, not planned: the topics, the self-check's verdict and
 * 进度 (what the user's enterprises' applications are doing). The chatbot (chatbot.ts) decides which
 * to give and records it.
 */

const MAX_APPLICATIONS_SHOWN = 5;

function isApplicationState(s: string): s is ApplicationState {
  return (APPLICATION_STATES as readonly string[]).includes(s);
}

/** 10000000 fen → "10万元"; anything not whole 万 in 元. */
function yuanText(fen: number): string {
  return fen % 1_000_000 === 0 ? T.wanYuan(fen / 1_000_000) : formatYuan(fen);
}

/** `{field, material, message}` (county) or `{path, message}` (city), as review_opinions.reasons holds them. */
function reasonsText(json: string | null): string | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const parts: string[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as Record<string, unknown>;
    if (typeof r.message !== 'string' || r.message.trim() === '') continue;
    const text = (k: string) => (typeof r[k] === 'string' ? r[k] : null);
    parts.push(T.reasonLine(reasonWhere({ material: text('material'), field: text('field'), path: text('path') }), r.message.trim()));
  }
  return parts.length ? parts.join(T.REASON_JOIN) : null;
}

export function topicText(eligibility: EligibilityService, topic: T.Topic): string {
  switch (topic) {
    case 'policy': {
      const p = eligibility.policy();
      const example = (contractFen: number) => {
        const amount = computeSubsidyAmount(contractFen, 0, p.asOf);
        return { contract: yuanText(contractFen), subsidy: yuanText(amount.computedFen), capped: amount.capped };
      };
      return T.policyText({
        title: p.title,
        effectiveFrom: p.effectiveFrom,
        ratePercent: p.ratePercent,
        capText: yuanText(p.capFen),
        examples: [example(12_000_000), example(p.capFen * 3)],
      });
    }
    case 'conditions':
      return T.conditions();
    case 'materials':
      return T.materials();
    case 'process':
      return T.processSteps();
    case 'contact':
      return T.contact();
    case 'filing':
      return T.filing();
  }
}

export function verdictText(verdict: Verdict, estimate: SubsidyEstimate): string {
  const lines = [verdict.eligible ? T.SELF_CHECK_ELIGIBLE : T.SELF_CHECK_NOT_ELIGIBLE];
  if (verdict.eligible) lines.push(T.selfCheckPayable(formatYuan(verdict.subsidyFen)));
  else for (const f of verdict.failures) lines.push(T.selfCheckFailure(f.clause, f.message));
  lines.push(estimate.text);
  for (const w of verdict.warnings) lines.push(T.selfCheckWarning(w.clause, w.message));
  lines.push(verdict.eligible ? T.SELF_CHECK_NEXT : T.SELF_CHECK_AGAIN);
  return lines.join('\n');
}

/** 进度: the applications of every enterprise the user is an active member of (withdrawn ones are history). */
export async function progressText(db: Database, userId: string): Promise<string> {
  return progressReply(await applicationProgressOfMember(db, userId));
}

/** 进度 from the applications already read (applicationProgressOfMember, or followerProgress with the follower). */
export function progressReply(apps: readonly ApplicationProgress[]): string {
  if (apps.length === 0) return T.NO_APPLICATIONS;
  const blocks: string[] = [];
  for (const [i, a] of apps.slice(0, MAX_APPLICATIONS_SHOWN).entries()) {
    if (!isApplicationState(a.status)) continue;
    let reasons = a.lastReason;
    if (reasons === null && (a.status === 'returned' || a.status === 'rejected')) reasons = reasonsText(a.refusalReasons);
    const amount =
      a.verifiedFen !== null
        ? T.verifiedAmount(formatYuan(a.verifiedFen))
        : a.subsidyFen !== null && a.status !== 'rejected'
          ? T.appliedAmount(formatYuan(a.subsidyFen))
          : null;
    blocks.push(
      T.progressBlock({
        index: i + 1,
        trackingNo: a.trackingNo,
        enterprise: a.enterpriseName,
        status: applicationMachine.states[a.status].labels.applicant,
        next: applicationMachine.states[a.status].labels.next ?? '',
        amount,
        reasons,
      }),
    );
  }
  const lines = [T.progressHeader(Math.min(apps.length, MAX_APPLICATIONS_SHOWN)), blocks.join('\n\n')];
  if (apps.length > MAX_APPLICATIONS_SHOWN) lines.push(T.progressMore(apps.length - MAX_APPLICATIONS_SHOWN));
  return lines.join('\n');
}
