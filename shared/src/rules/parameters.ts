/**
 * The parameters of 伊春市支持工业企业上云补助实施细则 as dated data, each with the clause it rests on.
 * A change of the policy adds an entry with its start date; entries are never edited in place.
 */

import { compareDates, isCalendarDate } from './calendar';

export const POLICY_ID = 'yichun-2023-cloud';
export type PolicyId = typeof POLICY_ID;

export const POLICY_TITLE = '伊春市支持工业企业上云补助实施细则';

/**
 * 四（二）本细则自发布之日起施行 — the text carries no date. Placeholder only: the server overrides it
 * with its POLICY_EFFECTIVE_FROM setting (see resolveEffectiveFrom).
 */
export const DEFAULT_EFFECTIVE_FROM = '2023-01-01';

/** A fraction of integers, so that money never passes through a float. */
export interface Rational {
  readonly numerator: number;
  readonly denominator: number;
}

export interface DatedValue<T> {
  /** First day ('YYYY-MM-DD') on which `value` applies. */
  readonly from: string;
  readonly value: T;
}

export interface Parameter<T> {
  readonly id: string;
  readonly clause: string;
  /** The words of the policy the value comes from. */
  readonly source: string;
  readonly unit: 'rational' | 'fen' | 'years' | 'codes' | 'prefix';
  /** Ascending by `from`. */
  readonly values: readonly DatedValue<T>[];
}

// 一：按照云服务合同额的50%给予补助
export const SUBSIDY_RATE: Parameter<Rational> = {
  id: 'subsidy-rate',
  clause: '一',
  source: '按照云服务合同额的50%给予补助',
  unit: 'rational',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: { numerator: 1, denominator: 2 } }],
};

// 一：单户企业最高不超过10万元 (10,000,000 fen)
export const SUBSIDY_CAP_FEN: Parameter<number> = {
  id: 'subsidy-cap',
  clause: '一',
  source: '单户企业最高不超过10万元',
  unit: 'fen',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: 10_000_000 }],
};

// 二（二）企业成立时间不低于1年
export const MIN_YEARS_ESTABLISHED: Parameter<number> = {
  id: 'min-years-established',
  clause: '二（二）',
  source: '企业成立时间不低于1年',
  unit: 'years',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: 1 }],
};

// 二（三）企业近5年内未出现过财政资金方面的严重违法违规情况 — the applicant answers for the period; used in wording.
export const FISCAL_VIOLATION_LOOKBACK_YEARS: Parameter<number> = {
  id: 'fiscal-violation-lookback',
  clause: '二（三）',
  source: '企业近5年内未出现过财政资金方面的严重违法违规情况',
  unit: 'years',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: 5 }],
};

// 二（一）/（四）工业企业: GB/T 4754 门类 B 采矿业, C 制造业, D 电力、热力、燃气及水生产和供应业.
export const INDUSTRIAL_SECTIONS: Parameter<readonly string[]> = {
  id: 'industrial-sections',
  clause: '二（一）',
  source: '符合国家和我市产业发展方向的工业企业',
  unit: 'codes',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: ['B', 'C', 'D'] }],
};

// 二（一）在伊春市设立、登记、注册: 伊春市's division code (GB/T 2260) begins 2307.
export const YICHUN_REGION_PREFIX: Parameter<string> = {
  id: 'yichun-region-prefix',
  clause: '二（一）',
  source: '在伊春市设立、登记、注册',
  unit: 'prefix',
  values: [{ from: DEFAULT_EFFECTIVE_FROM, value: '2307' }],
};

export const PARAMETERS = {
  subsidyRate: SUBSIDY_RATE,
  subsidyCapFen: SUBSIDY_CAP_FEN,
  minYearsEstablished: MIN_YEARS_ESTABLISHED,
  fiscalViolationLookbackYears: FISCAL_VIOLATION_LOOKBACK_YEARS,
  industrialSections: INDUSTRIAL_SECTIONS,
  yichunRegionPrefix: YICHUN_REGION_PREFIX,
} as const;

// 五、联系方式
export const POLICY_CONTACT = {
  clause: '五',
  department: '市工信局信息化推进科',
  phone: '0458-3878126',
} as const;

export const CONTACT_TEXT = `${POLICY_CONTACT.department}（${POLICY_CONTACT.phone}）`;

/**
 * The value in force on `date`: the entry with the latest `from` not after it. A date before the first
 * entry gets the first value — when the policy starts to apply is a setting checked elsewhere, never a
 * reason for the rules to fail (spec: "not a rule here").
 */
export function parameterOn<T>(parameter: Parameter<T>, date: string): T {
  const [first, ...rest] = parameter.values;
  if (first === undefined) throw new RangeError(`parameter ${parameter.id} has no values`);
  let current = first;
  for (const entry of rest) {
    if (compareDates(entry.from, date) <= 0) current = entry;
  }
  return current.value;
}

/** The policy's start date: the server's POLICY_EFFECTIVE_FROM setting when given, else the placeholder. */
export function resolveEffectiveFrom(setting?: string | null): string {
  if (setting === undefined || setting === null || setting.trim() === '') return DEFAULT_EFFECTIVE_FROM;
  const value = setting.trim();
  if (!isCalendarDate(value)) {
    throw new RangeError(`POLICY_EFFECTIVE_FROM must be a calendar date YYYY-MM-DD, got ${JSON.stringify(setting)}`);
  }
  return value;
}

/** Whole percent of a rate, for display (50 for 1/2); null when the rate is not a whole percent. */
export function ratePercent(rate: Rational): number | null {
  const hundredfold = rate.numerator * 100;
  return hundredfold % rate.denominator === 0 ? hundredfold / rate.denominator : null;
}
