/**
 * The contract of POST /api/v1/eligibility/evaluate (spec/eligibility.md): the facts an applicant sends,
 * their validation, and the verdict. Validation messages are Chinese and say how to fix the input.
 */

import { z } from 'zod';
import { summarizeIssues, type InputIssue } from './issues';
import { isCalendarDate } from '../rules/calendar';
import { normalizeCreditCode } from '../rules/creditCode';
import { isIndustrySection, type EligibilityFacts, type EnterpriseFacts } from '../rules/facts';
import { cityName } from '../pack/accessors';

export {
  RULE_IDS,
  WARNING_IDS,
  INDUSTRY_SECTIONS,
  isIndustrySection,
  type RuleId,
  type WarningId,
  type IndustrySection,
  type EnterpriseFacts,
  type CloudFacts,
  type HistoryFacts,
  type EligibilityFacts,
  type EvaluationFacts,
  type Failure,
  type Warning,
  type Verdict,
} from '../rules/facts';

export type { InputIssue };

export type ParseFactsResult = { ok: true; facts: EligibilityFacts } | { ok: false; message: string; details: InputIssue[] };

// ---- field schemas ----------------------------------------------------------------------------------

const missing = (input: unknown): boolean => input === undefined;

/** A label that names the city is a function, read when the message is made (the installed pack's city). */
function booleanField(label: string | (() => string)) {
  const read = (): string => (typeof label === 'function' ? label() : label);
  return z.boolean({
    error: (issue) =>
      missing(issue.input) ? `缺少“${read()}”，请填写 true（是）或 false（否）` : `“${read()}”须为 true（是）或 false（否）`,
  });
}

function optionalBooleanField(label: string) {
  return z.boolean({ error: () => `“${label}”须为 true（是）或 false（否），不填视为否` }).nullish();
}

function dateString(typeMessage: string, missingMessage: string) {
  return z
    .string({ error: (issue) => (missing(issue.input) ? missingMessage : typeMessage) })
    .refine(isCalendarDate, { error: typeMessage });
}

function dateField(label: string) {
  return dateString(
    `“${label}”须为真实存在的日期，格式 YYYY-MM-DD（如 2023-06-01）`,
    `缺少“${label}”，请填写日期，格式 YYYY-MM-DD（如 2023-06-01）`,
  );
}

const MONEY_UNIT = '（单位：分，如1万元填 1000000）';

/** Integer fen, 0 ≤ amount ≤ MAX_SAFE_INTEGER (or ≥ 1 when `positive`). */
function fenField(label: string, positive: boolean) {
  const range = positive ? '大于0' : '不小于0';
  const rule = `“${label}”须为${range}的整数${MONEY_UNIT}`;
  return (
    z
      .number({ error: (issue) => (missing(issue.input) ? `缺少“${label}”，请填写${range}的整数${MONEY_UNIT}` : rule) })
      .superRefine((value, ctx) => {
        if (!Number.isInteger(value) || value < 0 || (positive && value === 0)) {
          ctx.addIssue({ code: 'custom', message: rule });
        } else if (!Number.isSafeInteger(value)) {
          ctx.addIssue({ code: 'custom', message: `“${label}”数额过大，请核对${MONEY_UNIT}` });
        }
      })
      // JSON allows -0; it is the amount 0.
      .transform((value) => value + 0)
  );
}

function objectField<T extends z.ZodRawShape>(label: string, key: string, shape: T) {
  return z.object(shape, {
    error: (issue) => (missing(issue.input) ? `缺少${label}（${key}）` : `${label}（${key}）须为JSON对象`),
  });
}

const creditCodeField = z
  .string({
    error: (issue) =>
      missing(issue.input) ? '缺少统一社会信用代码，请按营业执照填写18位代码' : '统一社会信用代码须为18位字符串，请按营业执照填写',
  })
  .transform((value, ctx) => {
    const result = normalizeCreditCode(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    }
    return result.code;
  });

const INDUSTRY_MESSAGE = '行业门类须为国民经济行业分类（GB/T 4754）的一个门类字母 A–T，如制造业填 C；不清楚可不填';

const industryCodeField = z
  .string({ error: INDUSTRY_MESSAGE })
  .transform((value, ctx) => {
    const code = value.trim().toUpperCase();
    if (!isIndustrySection(code)) {
      ctx.addIssue({ code: 'custom', message: INDUSTRY_MESSAGE });
      return z.NEVER;
    }
    return code;
  })
  .nullish();

const providerIdField = z
  .string({ error: '云服务商编号（providerId）须为字符串；未选择已备案的服务商时请不填或填 null' })
  .trim()
  .min(1, { error: '云服务商编号（providerId）不能为空；未选择已备案的服务商时请不填或填 null' })
  .max(128, { error: '云服务商编号（providerId）过长，请从已备案服务商名单中选择' })
  .nullish();

const PROVIDER_FILED_ON_MESSAGE = '“云服务商备案通过日期”须为真实存在的日期，格式 YYYY-MM-DD；服务商未备案请填 null';

const providerFiledOnField = z
  .string({ error: PROVIDER_FILED_ON_MESSAGE })
  .refine(isCalendarDate, { error: PROVIDER_FILED_ON_MESSAGE })
  .nullable()
  .optional();

const enterpriseSchema = objectField('企业信息', 'enterprise', {
  creditCode: creditCodeField,
  registeredInYichun: booleanField(() => `是否在${cityName()}设立、登记、注册`),
  independentLegalPerson: booleanField('是否具有独立法人资格'),
  industrial: booleanField('是否为工业企业'),
  industryCode: industryCodeField,
  alignedWithIndustrialPolicy: booleanField(() => `是否符合国家和${cityName()}产业发展方向`),
  establishedOn: dateField('企业成立日期'),
  operatingNormally: booleanField('是否正常经营'),
  badCreditRecord: booleanField('是否有不良信用记录'),
  seriousFiscalViolationWithin5Years: booleanField('近5年内是否有财政资金方面的严重违法违规情况'),
  dishonestyRecord: booleanField('是否有失信行为'),
});

const cloudSchema = objectField('上云信息', 'cloud', {
  firstPurchase: booleanField('是否首次购买、使用云计算服务或产品'),
  providerId: providerIdField,
  providerFiledOn: providerFiledOnField,
  contractSignedOn: dateField('云服务合同签订日期'),
  contractAmountFen: fenField('合同金额', true),
  paidAmountFen: fenField('实际支付金额', false),
}).superRefine(
  (cloud, ctx) => {
    // Without a provider on record the filing date is required; null is the answer "not filed".
    if ((cloud.providerId === undefined || cloud.providerId === null) && cloud.providerFiledOn === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['providerFiledOn'],
        message: '缺少“云服务商备案通过日期”，请填写 YYYY-MM-DD；服务商未备案请填 null，或改填已备案服务商的编号（providerId）',
      });
    }
  },
  {
    // Also when other cloud fields are wrong, so that every mistake is reported at once.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
  },
);

const historySchema = z
  .object(
    {
      subsidyReceived: optionalBooleanField('是否已领取过本补助'),
      applicationInProgress: optionalBooleanField('是否有正在办理的本补助申请'),
    },
    { error: '申领记录（history）须为JSON对象，不填视为从未申请' },
  )
  .nullish();

/** The request body. Unknown fields are stripped (zod's default for objects). */
export const eligibilityFactsSchema = z.object(
  {
    asOf: dateString('“申报日期”（asOf）须为真实存在的日期，格式 YYYY-MM-DD；不填则按今天（北京时间）', '').nullish(),
    enterprise: enterpriseSchema,
    cloud: cloudSchema,
    history: historySchema,
    otherSubsidiesFen: fenField('其他政策已获补助金额', false).nullish(),
  },
  { error: '请求内容须为JSON对象，包含企业信息（enterprise）和上云信息（cloud）' },
);

export type EligibilityFactsInput = z.input<typeof eligibilityFactsSchema>;

/** Parses and normalizes the JSON facts of a request; on failure, one Chinese message per bad field. */
export function parseEligibilityFacts(input: unknown): ParseFactsResult {
  const result = eligibilityFactsSchema.safeParse(input);
  if (!result.success) return { ok: false, ...summarizeIssues(result.error.issues) };

  const data = result.data;
  const industryCode = data.enterprise.industryCode;
  const enterprise: EnterpriseFacts = {
    creditCode: data.enterprise.creditCode,
    registeredInYichun: data.enterprise.registeredInYichun,
    independentLegalPerson: data.enterprise.independentLegalPerson,
    industrial: data.enterprise.industrial,
    ...(industryCode === undefined || industryCode === null ? {} : { industryCode }),
    alignedWithIndustrialPolicy: data.enterprise.alignedWithIndustrialPolicy,
    establishedOn: data.enterprise.establishedOn,
    operatingNormally: data.enterprise.operatingNormally,
    badCreditRecord: data.enterprise.badCreditRecord,
    seriousFiscalViolationWithin5Years: data.enterprise.seriousFiscalViolationWithin5Years,
    dishonestyRecord: data.enterprise.dishonestyRecord,
  };
  const facts: EligibilityFacts = {
    enterprise,
    cloud: {
      firstPurchase: data.cloud.firstPurchase,
      providerId: data.cloud.providerId ?? null,
      // With a providerId and no date, null until the server puts in the filing's approval date.
      providerFiledOn: data.cloud.providerFiledOn ?? null,
      contractSignedOn: data.cloud.contractSignedOn,
      contractAmountFen: data.cloud.contractAmountFen,
      paidAmountFen: data.cloud.paidAmountFen,
    },
    history: {
      subsidyReceived: data.history?.subsidyReceived ?? false,
      applicationInProgress: data.history?.applicationInProgress ?? false,
    },
    otherSubsidiesFen: data.otherSubsidiesFen ?? 0,
  };
  if (data.asOf !== undefined && data.asOf !== null) facts.asOf = data.asOf;
  return { ok: true, facts };
}
