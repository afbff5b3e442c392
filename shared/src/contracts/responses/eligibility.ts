import { z } from 'zod';
import { RULE_IDS, WARNING_IDS } from '../eligibility';
import { policyId as installedPolicyId } from '../../pack/accessors';
import { fen } from './common';
import { policyPack } from '../../pack/active';

/** The self-check's verdict, the one-question-at-a-time flow and the policy's terms (server/src/modules/eligibility). */

// The installed pack's id, checked when an answer is (a literal fixed at import would keep the first pack's).
const policyId = z
  .string()
  .refine((value) => value === installedPolicyId(), { error: () => `须为本服务所执行政策的标识 ${installedPolicyId()}` })
  .describe('政策标识：本服务所执行政策的固定标识（spec/eligibility.md 的 "policy"）');
const ruleId = z.enum(RULE_IDS);

const FACT_PATHS = [
  'enterprise.creditCode',
  'enterprise.registeredInYichun',
  'enterprise.independentLegalPerson',
  'enterprise.industrial',
  'enterprise.industryCode',
  'enterprise.alignedWithIndustrialPolicy',
  'enterprise.establishedOn',
  'enterprise.operatingNormally',
  'enterprise.badCreditRecord',
  'enterprise.seriousFiscalViolationWithin5Years',
  'enterprise.dishonestyRecord',
  'cloud.firstPurchase',
  'cloud.providerId',
  'cloud.providerFiledOn',
  'cloud.contractSignedOn',
  'cloud.contractAmountFen',
  'cloud.paidAmountFen',
  'history.subsidyReceived',
  'history.applicationInProgress',
  'otherSubsidiesFen',
] as const;
const factPath = z.enum(FACT_PATHS);

/** An extra condition of the installed pack's policy (PolicyVersion.extraRules), checked when the answer is. */
const packRuleId = z
  .string()
  .refine((id) => policyPack().versions.some((v) => v.extraRules?.some((r) => r.id === id)), {
    error: () => '不是本市政策规定的申报条件',
  })
  .meta({ description: '本市政策在内置条件之外增加的条件（政策包 extraRules），列在内置条件之后' });

export const failureSchema = z
  .strictObject({ rule: z.union([ruleId, packRuleId]), clause: z.string(), message: z.string() })
  .meta({ id: 'Failure' });
export const warningSchema = z.strictObject({ rule: z.enum(WARNING_IDS), clause: z.string(), message: z.string() }).meta({ id: 'Warning' });

/** Issue 18 item 3: the policy version a verdict or an amount is judged under (shared/src/rules/parameters.ts). */
export const policyVersionSchema = z
  .strictObject({
    id: z.string().describe('版本标识（供程序使用，不向人展示）'),
    source: z.string().describe('发布或修订该版本的文号'),
    effectiveFrom: z.string().describe('该版本施行的第一天，YYYY-MM-DD'),
    label: z.string().describe('政策版本：文号及施行日期'),
  })
  .meta({ id: 'PolicyVersion' });

export const verdictSchema = z
  .strictObject({
    policy: policyId,
    eligible: z.boolean(),
    subsidyFen: fen,
    computedFen: fen,
    capped: z.boolean(),
    failures: z.array(failureSchema),
    warnings: z.array(warningSchema),
  })
  .meta({ id: 'Verdict' });
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * The answer of POST /api/v1/eligibility/evaluate: the verdict of spec/eligibility.md, its "policy" unchanged,
 * and the version in force on the day of application (`asOf`) it was judged under.
 */
export const evaluationSchema = verdictSchema.extend({ policyVersion: policyVersionSchema }).meta({ id: 'Evaluation' });
export type Evaluation = z.infer<typeof evaluationSchema>;

const stopCondition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('equals'), values: z.array(z.union([z.boolean(), z.number(), z.null()])) }),
  z.strictObject({ kind: z.literal('prefix'), prefix: z.string() }),
  z.strictObject({ kind: z.literal('notOneOf'), values: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('notEstablishedLongEnough') }),
  z.strictObject({ kind: z.literal('beforeFact'), factPath }),
  z.strictObject({ kind: z.literal('coversComputed') }),
]);

export const flowQuestionSchema = z
  .strictObject({
    id: z.string(),
    factPath,
    text: z.string(),
    help: z.string(),
    answerType: z.enum(['boolean', 'credit_code', 'choice', 'date', 'date_or_none', 'money_fen', 'provider_id']),
    choices: z.array(z.strictObject({ value: z.string(), label: z.string() })).optional(),
    optional: z.boolean().optional(),
    minFen: fen.optional(),
    askWhen: z.strictObject({ factPath, values: z.array(z.union([z.boolean(), z.number(), z.string(), z.null()])) }).optional(),
    stopWhen: z.strictObject({ condition: stopCondition, rule: ruleId, clause: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'FlowQuestion' });

const contact = z.strictObject({ department: z.string(), phone: z.string() });

export const flowDescriptionSchema = z
  .strictObject({
    policy: policyId,
    title: z.string(),
    questions: z.array(flowQuestionSchema),
    estimate: z.strictObject({
      ratePercent: z.number().nullable(),
      rate: z.strictObject({ numerator: z.number().int(), denominator: z.number().int() }),
      capFen: fen,
      formula: z.string(),
    }),
    contact,
  })
  .meta({ id: 'FlowDescription' });
export type FlowDescription = z.infer<typeof flowDescriptionSchema>;

export const policyInfoSchema = z
  .strictObject({
    policy: policyId,
    title: z.string(),
    effectiveFrom: z.string(),
    asOf: z.string(),
    ratePercent: z.number().nullable(),
    capFen: fen,
    formula: z.string(),
    contact,
  })
  .meta({ id: 'PolicyInfo' });
export type PolicyInfo = z.infer<typeof policyInfoSchema>;
