/**
 * The policy's parameters, read from its versions (issue 18 item 3; DESIGN "Rounds, policy versions,
 * packs"). The values live once, in the installed pack's `versions` (shared/src/pack/<city>/versions.ts):
 * each version has an id, the day it takes effect, its 文号 and the parameters in force. A revision is a
 * new version with its date, never an edit of a value here or in place.
 *
 * Which day picks the version: the day of application (提交申报之日), never the contract's date. 一 grants
 * the subsidy to an enterprise that applies and is 经核定 (reviewed and fixed), and 四（二）本细则自发布之日起
 * 施行，期间如有变化，将按规定作出调整 makes a change apply from its own day forward to what is then applied
 * for; no clause ties the rate or the cap to when the contract was signed (the contract's day matters only
 * for 三（一）, the provider's filing before it). spec/eligibility.md reads `asOf` as "the day of application"
 * too. An application keeps the version of its first submission through corrections and re-submission:
 * a correction completes the same application, it does not apply again.
 *
 * Read everything here at the moment of use: a test (or the server at start-up) installs another pack.
 */

import { compareDates, isCalendarDate } from './calendar';
import { policyPack } from '../pack/active';
import type { PolicyPack, PolicyParameters, PolicyVersion, Rational as PackRational } from '../pack/types';

/** A fraction of integers, so that money never passes through a float (the pack's type, named here for the rules' callers). */
export type Rational = PackRational;

/** The day the installed pack's first version takes effect (its placeholder until the server sets it). */
export function firstEffectiveFrom(): string {
  return firstVersion(policyPack().versions).effectiveFrom;
}

// ---- versions ---------------------------------------------------------------------------------------

function firstVersion(versions: readonly PolicyVersion[]): PolicyVersion {
  const first = versions[0];
  if (first === undefined) throw new RangeError(`policy pack ${policyPack().id} has no versions`);
  return first;
}

/**
 * The version in force on `date` ('YYYY-MM-DD'): the one with the latest `effectiveFrom` not after it.
 * A date before the first version gets the first — when the policy starts to apply is a setting checked
 * elsewhere, never a reason for the rules to fail (spec: "not a rule here").
 */
export function versionOn(date: string, versions: readonly PolicyVersion[] = policyPack().versions): PolicyVersion {
  // The earliest version stands for days before any: the pack declares them ascending, but a day picks by date, not by place.
  let current = versions.reduce((a, b) => (compareDates(b.effectiveFrom, a.effectiveFrom) < 0 ? b : a), firstVersion(versions));
  for (const version of versions) {
    if (compareDates(version.effectiveFrom, date) <= 0 && compareDates(version.effectiveFrom, current.effectiveFrom) >= 0)
      current = version;
  }
  return current;
}

/** The installed pack's version of that id, or undefined (an id recorded on an application). */
export function versionById(id: string): PolicyVersion | undefined {
  return policyPack().versions.find((v) => v.id === id);
}

/**
 * The version an application recorded at its submission, or for a draft (null) the one in force on
 * `today`. An id the pack does not declare is a broken deployment (a version removed from code), not
 * a case to guess: it throws.
 */
export function versionOfApplication(recordedId: string | null, today: string): PolicyVersion {
  if (recordedId === null) return versionOn(today);
  const version = versionById(recordedId);
  if (!version) throw new RangeError(`policy version ${recordedId} is not in pack ${policyPack().id}`);
  return version;
}

/**
 * The pack with its first version starting on `effectiveFrom` (the server's POLICY_EFFECTIVE_FROM: 四（二）
 * 自发布之日起施行 — the bureau knows the day, the text does not). Refused when it would not come before
 * the second version: the versions' order is the code's, a setting cannot reorder them.
 */
export function withFirstEffectiveFrom(pack: PolicyPack, effectiveFrom: string): PolicyPack {
  const [first, second, ...rest] = pack.versions;
  if (first === undefined || first.effectiveFrom === effectiveFrom) return pack;
  if (second !== undefined && compareDates(effectiveFrom, second.effectiveFrom) >= 0) {
    throw new RangeError(`POLICY_EFFECTIVE_FROM ${effectiveFrom} must come before the next version's ${second.effectiveFrom}`);
  }
  const versions = [{ ...first, effectiveFrom }, ...(second ? [second] : []), ...rest];
  return { ...pack, versions };
}

// ---- parameters -------------------------------------------------------------------------------------

/** A parameter of the policy: which field of a version's parameters, and the clause it rests on. */
export interface Parameter<K extends keyof PolicyParameters = keyof PolicyParameters> {
  readonly id: string;
  readonly key: K;
  readonly clause: string;
  readonly unit: 'rational' | 'fen' | 'years' | 'codes';
}

/** A day (the version in force then is read) or the version itself (an application's recorded one). */
export type VersionOrDate = string | PolicyVersion;

// 一：按照云服务合同额的50%给予补助
export const SUBSIDY_RATE: Parameter<'subsidyRate'> = { id: 'subsidy-rate', key: 'subsidyRate', clause: '一', unit: 'rational' };

// 一：单户企业最高不超过10万元 (in fen)
export const SUBSIDY_CAP_FEN: Parameter<'subsidyCapFen'> = { id: 'subsidy-cap', key: 'subsidyCapFen', clause: '一', unit: 'fen' };

// 二（二）企业成立时间不低于1年
export const MIN_YEARS_ESTABLISHED: Parameter<'minYearsEstablished'> = {
  id: 'min-years-established',
  key: 'minYearsEstablished',
  clause: '二（二）',
  unit: 'years',
};

// 二（三）企业近5年内未出现过财政资金方面的严重违法违规情况 — the applicant answers for the period; used in wording.
export const FISCAL_VIOLATION_LOOKBACK_YEARS: Parameter<'fiscalViolationLookbackYears'> = {
  id: 'fiscal-violation-lookback',
  key: 'fiscalViolationLookbackYears',
  clause: '二（三）',
  unit: 'years',
};

// 二（一）/（四）工业企业: GB/T 4754 门类 (B 采矿业, C 制造业, D 电力、热力、燃气及水生产和供应业 for the city's first version).
export const INDUSTRIAL_SECTIONS: Parameter<'industrialSections'> = {
  id: 'industrial-sections',
  key: 'industrialSections',
  clause: '二（一）',
  unit: 'codes',
};

export const PARAMETERS = {
  subsidyRate: SUBSIDY_RATE,
  subsidyCapFen: SUBSIDY_CAP_FEN,
  minYearsEstablished: MIN_YEARS_ESTABLISHED,
  fiscalViolationLookbackYears: FISCAL_VIOLATION_LOOKBACK_YEARS,
  industrialSections: INDUSTRIAL_SECTIONS,
} as const;

function resolve(on: VersionOrDate): PolicyVersion {
  return typeof on === 'string' ? versionOn(on) : on;
}

/** The value of `parameter` in the version in force on `on` (or in that version). */
export function parameterOn<K extends keyof PolicyParameters>(parameter: Parameter<K>, on: VersionOrDate): PolicyParameters[K] {
  return resolve(on).parameters[parameter.key];
}

/** The words of the policy the parameter's value comes from, in the version in force on `on`. */
export function wordingOn(parameter: Parameter, on: VersionOrDate): string {
  return resolve(on).wording[parameter.key];
}

// ---- settings and display -----------------------------------------------------------------------------

/** The policy's start date: the server's POLICY_EFFECTIVE_FROM setting when given, else the first version's placeholder. */
export function resolveEffectiveFrom(setting?: string | null): string {
  if (setting === undefined || setting === null || setting.trim() === '') return firstEffectiveFrom();
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

/** A version as a person reads it: its 文号 and first day, never its id alone (政策版本). */
export function versionLabel(version: PolicyVersion): string {
  return `${version.source}，${version.effectiveFrom} 起施行`;
}

/** A version on the wire (PolicyVersionRef): its id for machines, its 文号, first day and label for people. */
export interface PolicyVersionRef {
  id: string;
  source: string;
  effectiveFrom: string;
  label: string;
}

export function versionRef(version: PolicyVersion): PolicyVersionRef {
  return { id: version.id, source: version.source, effectiveFrom: version.effectiveFrom, label: versionLabel(version) };
}
