/**
 * Where the scenarios' people and firms are: the installed policy pack's city, counties and contact (issue 18
 * item 4), so that no scenario writes a city's particulars and the pictures of another pack show its own.
 * Read when a scenario runs, never at import: the pack is the one installed by then.
 */
import { policyPack, type County } from '../../../shared/src/pack';

/** The city's short name, as firms' names begin with it. */
export function cityShort(): string {
  return policyPack().city.shortName;
}

export function cityName(): string {
  return policyPack().city.name;
}

/** The pack's first county: the county reviewers' own. */
export function firstCounty(): County {
  return policyPack().counties[0];
}

/** The pack's last county: the one an enterprise picks at the end of the list (its index in the picker). */
export function lastCounty(): County & { index: number } {
  const counties = policyPack().counties;
  return { ...counties[counties.length - 1], index: counties.length - 1 };
}

/** Another county than the first and the last, for a second county's reviewer. */
export function otherCounty(): County {
  const counties = policyPack().counties;
  return counties[Math.min(3, counties.length - 2)];
}

/** The bureau's landline (细则五): what a person types by mistake where a mobile is asked. */
export function bureauPhone(): string {
  return policyPack().contact.phone;
}
