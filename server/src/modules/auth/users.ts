import type { EntityManager } from 'typeorm';
import type { Database } from '../../db/database';
import { UserRoleEntity, type UserRoleRow } from '../../db/entities';
import type { Role, RoleGrant } from '../../../../shared/src/contracts/roles';

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
