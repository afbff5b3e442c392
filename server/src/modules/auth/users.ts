import type { EntityManager } from 'typeorm';
import type { Database } from '../../db/database';
import { UserRoleEntity, type UserRoleRow } from '../../db/entities';
import type { Membership, Role, RoleGrant } from '../../../../shared/src/contracts/roles';

export async function activeGrants(m: EntityManager, userId: string): Promise<RoleGrant[]> {
  const rows: Pick<UserRoleRow, 'role' | 'countyCode'>[] = await m
    .getRepository(UserRoleEntity)
    .createQueryBuilder('r')
    .select(['r.role', 'r.countyCode'])
    .where('r.userId = :userId AND r.revokedAt IS NULL', { userId })
    .orderBy('r.createdAt', 'ASC')
    .getMany();
  return rows.map((r) => ({ role: r.role as Role, countyCode: r.countyCode }));
}

export function publicUser(userId: string, grants: RoleGrant[]) {
  return {
    id: userId,
    roles: [...new Set(grants.map((g) => g.role))],
    scopes: grants.map((g) => ({ role: g.role, countyCode: g.countyCode })),
  };
}

export type PublicUser = ReturnType<typeof publicUser>;

export async function grantsOf(db: Database, userId: string): Promise<RoleGrant[]> {
  return db.run((m) => activeGrants(m, userId));
}

/**
 * What the user belongs to outside the bureaus: enterprises they are a member of or claim (a pending
 * claim counts: it is an interest in the case) and the provider filings they own, whatever their state
 * (an earlier case of a revoked provider is still theirs).
 */
export async function membershipsOf(m: EntityManager, userId: string): Promise<Membership[]> {
  const enterprises: { name: string; county_code: string }[] = await m.query(
    "SELECT e.name, e.county_code FROM enterprise_members em JOIN enterprises e ON e.id = em.enterprise_id WHERE em.user_id = ? AND em.status IN ('active', 'pending')",
    [userId],
  );
  const providers: { company_name: string }[] = await m.query('SELECT company_name FROM providers WHERE owner_user_id = ?', [userId]);
  const out: Membership[] = [
    ...enterprises.map((e) => ({ kind: 'enterprise' as const, name: e.name, countyCode: e.county_code })),
    ...providers.map((p) => ({ kind: 'provider' as const, name: p.company_name })),
  ];
  // The provider role comes with a filing; held without one (granted by hand) it still marks a provider's account.
  if (!providers.length && (await activeGrants(m, userId)).some((g) => g.role === 'provider')) out.push({ kind: 'provider', name: '' });
  return out;
}
