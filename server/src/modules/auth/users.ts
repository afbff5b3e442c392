import type { RoleGrant } from '../../../../shared/src/contracts/roles';

/** A user as the API shows them: their id and the roles they hold now. */
export function publicUser(userId: string, grants: RoleGrant[]) {
  return {
    id: userId,
    roles: [...new Set(grants.map((g) => g.role))],
    scopes: grants.map((g) => ({ role: g.role, countyCode: g.countyCode })),
  };
}

export type PublicUser = ReturnType<typeof publicUser>;
