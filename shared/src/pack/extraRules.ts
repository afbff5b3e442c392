/**
 * The extra conditions a pack's policy adds to the built-in rules (PolicyVersion.extraRules), as the
 * rules ask for them: those of the version in force on the day of application.
 */
import { versionOn } from '../rules/parameters';
import type { PackExtraRule } from './types';

/** The extra conditions of the installed pack's version in force on `date` (the version `versionOn` picks). */
export function extraRulesOn(date: string): readonly PackExtraRule[] {
  return versionOn(date).extraRules ?? [];
}
