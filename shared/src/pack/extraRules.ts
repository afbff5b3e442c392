/**
 * The extra conditions a pack's policy adds to the built-in rules (PolicyVersion.extraRules), as the
 * rules ask for them: those of the version in force on the day of application.
 */
import { compareDates } from '../rules/calendar';
import { policyPack } from './active';
import type { PackExtraRule } from './types';

/**
 * The extra conditions of the installed pack's version in force on `date`: the version with the latest
 * `effectiveFrom` not after it, the first one before that (as parameterOn does).
 */
export function extraRulesOn(date: string): readonly PackExtraRule[] {
  const [first, ...rest] = policyPack().versions;
  let current = first;
  for (const version of rest) if (compareDates(version.effectiveFrom, date) <= 0) current = version;
  return current?.extraRules ?? [];
}
