/**
 * What the eligibility rules of the installed pack's policy read and say (spec/eligibility.md): the facts
 * of an applicant (二（一）–（六）, 三（一）, 一 and 四（二）), the rule ids with their clause, and the verdict with
 * its failures and warnings. The rules own these types; the contract of POST /api/v1/eligibility/evaluate
 * (contracts/eligibility.ts) validates a request into them.
 */
/** Rule ids, in the order of the spec's table (the order failures are reported in). */
export const RULE_IDS = [
  'registered-in-yichun',
  'independent-legal-person',
  'industrial-enterprise',
  'industrial-policy',
  'established-one-year',
  'operating-normally',
  'no-bad-credit',
  'no-fiscal-violation',
  'first-purchase',
  'actual-expenditure',
  'no-dishonesty',
  'apply-once',
  'provider-filed-before-contract',
  'no-double-subsidy',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * What a failure names: a built-in rule, or one of the extra conditions the installed pack's policy
 * version adds (PolicyVersion.extraRules, reported after the built-in ones).
 */
export type FailureRuleId = RuleId | (string & Record<never, never>);

export const WARNING_IDS = ['credit-code-region', 'paid-less-than-contract'] as const;
export type WarningId = (typeof WARNING_IDS)[number];

/** GB/T 4754-2017 国民经济行业分类, 门类 A–T. */
export const INDUSTRY_SECTIONS = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
} as const;
export type IndustrySection = keyof typeof INDUSTRY_SECTIONS;

export function isIndustrySection(value: string): value is IndustrySection {
  return Object.prototype.hasOwnProperty.call(INDUSTRY_SECTIONS, value);
}

export interface EnterpriseFacts {
  /** Upper-cased, check character verified. */
  creditCode: string;
  registeredInYichun: boolean;
  independentLegalPerson: boolean;
  industrial: boolean;
  industryCode?: IndustrySection;
  alignedWithIndustrialPolicy: boolean;
  establishedOn: string;
  operatingNormally: boolean;
  badCreditRecord: boolean;
  seriousFiscalViolationWithin5Years: boolean;
  dishonestyRecord: boolean;
}

export interface CloudFacts {
  firstPurchase: boolean;
  /** A provider whose filing is on record; the server then replaces providerFiledOn (and providerRevokedOn). */
  providerId?: string | null;
  /** Approval date of the provider's filing; null: no approved filing. */
  providerFiledOn: string | null;
  /**
   * Date the filing was revoked, if it was: it then counts only for contracts signed before it. Never read
   * from a request; the server fills it from the filing on record.
   */
  providerRevokedOn?: string | null;
  contractSignedOn: string;
  contractAmountFen: number;
  paidAmountFen: number;
}

export interface HistoryFacts {
  subsidyReceived: boolean;
  applicationInProgress: boolean;
}

export interface EligibilityFacts {
  /** Day of application; absent: today in Asia/Shanghai, resolved by the caller. */
  asOf?: string;
  enterprise: EnterpriseFacts;
  cloud: CloudFacts;
  history: HistoryFacts;
  otherSubsidiesFen: number;
}

/** What the rules evaluate: the facts with the day of application resolved. */
export type EvaluationFacts = EligibilityFacts & { asOf: string };

export interface Failure {
  rule: FailureRuleId;
  clause: string;
  message: string;
}

export interface Warning {
  rule: WarningId;
  clause: string;
  message: string;
}

export interface Verdict {
  /** The installed pack's policy id (spec/eligibility.md: "policy": "yichun-2023-cloud" for the city's pack). */
  policy: string;
  eligible: boolean;
  subsidyFen: number;
  computedFen: number;
  capped: boolean;
  failures: Failure[];
  warnings: Warning[];
}
