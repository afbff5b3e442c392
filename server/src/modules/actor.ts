import type { Role, RoleGrant } from '../../../shared/src/contracts/roles';

/**
 * Who is acting: the logged-in user, the session they act in, and the roles they hold (county roles
 * with their county). The transport establishes it (a bearer token, WeChat's signature); the use
 * cases decide with it — own enterprise, own county, named provider — whatever route brought them.
 */
export interface Actor {
  userId: string;
  sessionId: string;
  grants: RoleGrant[];
}

export function hasRole(actor: Actor | undefined, ...roles: Role[]): boolean {
  return !!actor && actor.grants.some((g) => roles.includes(g.role));
}

/** The counties in which the actor holds `role`. */
export function countiesFor(actor: Actor, role: Role): string[] {
  return actor.grants.filter((g) => g.role === role && g.countyCode !== null).map((g) => g.countyCode as string);
}

/** Whether the actor reviews cases of this county: its county departments, or anyone at the city. */
export function reviewsCounty(actor: Actor, countyCode: string): boolean {
  return (
    [...countiesFor(actor, 'county_miit'), ...countiesFor(actor, 'county_finance')].includes(countyCode) ||
    hasRole(actor, 'city_miit', 'city_finance', 'admin')
  );
}
