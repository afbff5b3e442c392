import { rawQuery } from './raw';
import { In } from 'typeorm';
import type { Database } from './database';
import { inList } from './sql';
import { em } from './orm';
import type { Tx } from './tx';
import { InvitationEntity, SessionEntity, UserEntity, UserRoleEntity, type InvitationRow, type UserRow } from './entities';
import type { Membership, Role, RoleGrant } from '../../../shared/src/contracts/roles';

/**
 * The users aggregate: a user, the roles they hold, their sessions and the invitations that grant
 * roles. Named questions and commands; each takes the use case's transaction handle.
 */

export type User = UserRow;
export type Invitation = InvitationRow;

// ---- users ------------------------------------------------------------------------------------

export async function findUser(tx: Tx, id: string): Promise<User | null> {
  return em(tx).getRepository(UserEntity).findOne({ where: { id } });
}

export async function findUserByMpOpenid(tx: Tx, mpOpenid: string): Promise<User | null> {
  return em(tx).getRepository(UserEntity).findOne({ where: { mpOpenid } });
}

export async function findUserByUnionid(tx: Tx, unionid: string): Promise<User | null> {
  return em(tx).getRepository(UserEntity).findOne({ where: { unionid } });
}

export async function insertUser(tx: Tx, row: User): Promise<void> {
  await em(tx).getRepository(UserEntity).insert(row);
}

export async function updateUser(
  tx: Tx,
  id: string,
  change: Partial<Pick<User, 'mpOpenid' | 'unionid' | 'oaOpenid' | 'displayName' | 'updatedAt'>>,
): Promise<void> {
  await em(tx).getRepository(UserEntity).update({ id }, change);
}

export async function userDisplayName(tx: Tx, id: string): Promise<string | null> {
  const user = await em(tx)
    .getRepository(UserEntity)
    .findOne({ select: { id: true, displayName: true }, where: { id } });
  return user?.displayName ?? null;
}

/** The display names of the people who acted (reviewers, history actors), by id: those without one are left out. */
export async function actorNames(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await em(tx)
    .getRepository(UserEntity)
    .find({ select: { id: true, displayName: true }, where: { id: In(unique) } });
  return new Map(rows.filter((r) => r.displayName).map((r) => [r.id, r.displayName as string]));
}

// ---- roles ------------------------------------------------------------------------------------

/** The roles a user holds now, oldest grant first. */
export async function activeGrants(tx: Tx, userId: string): Promise<RoleGrant[]> {
  const rows = await em(tx)
    .getRepository(UserRoleEntity)
    .createQueryBuilder('r')
    .select(['r.role', 'r.countyCode'])
    .where('r.userId = :userId AND r.revokedAt IS NULL', { userId })
    .orderBy('r.createdAt', 'ASC')
    .getMany();
  return rows.map((r) => ({ role: r.role as Role, countyCode: r.countyCode }));
}

/** Every role held now among `roles`, oldest grant first, with its holder. */
export async function activeGrantsOfRoles(tx: Tx, roles: readonly Role[]): Promise<(RoleGrant & { userId: string })[]> {
  const rows = await em(tx)
    .getRepository(UserRoleEntity)
    .createQueryBuilder('r')
    .where('r.revokedAt IS NULL AND r.role IN (:...roles)', { roles })
    .orderBy('r.createdAt', 'ASC')
    .getMany();
  return rows.map((r) => ({ userId: r.userId, role: r.role as Role, countyCode: r.countyCode }));
}

/** Users who hold a role (in a county, for county roles). */
export async function roleHolders(tx: Tx, role: string, countyCode: string | null = null): Promise<string[]> {
  const rows: { user_id: string }[] = await em(tx).query(
    countyCode === null
      ? 'SELECT DISTINCT user_id FROM user_roles WHERE role = ? AND revoked_at IS NULL'
      : 'SELECT DISTINCT user_id FROM user_roles WHERE role = ? AND county_code = ? AND revoked_at IS NULL',
    countyCode === null ? [role] : [role, countyCode],
  );
  return rows.map((r) => r.user_id);
}

export async function insertGrant(
  tx: Tx,
  grant: {
    id: string;
    userId: string;
    role: Role;
    countyCode: string | null;
    grantedBy: string | null;
    invitationId: string | null;
    createdAt: number;
  },
): Promise<void> {
  await em(tx)
    .getRepository(UserRoleEntity)
    .insert({ ...grant, revokedAt: null });
}

/** Revokes a role the user holds (in one county, if given); the number of grants it ended. */
export async function revokeGrants(tx: Tx, userId: string, role: string, countyCode: string | null, at: number): Promise<number> {
  const qb = em(tx)
    .getRepository(UserRoleEntity)
    .createQueryBuilder()
    .update()
    .set({ revokedAt: at })
    .where('user_id = :userId AND role = :role AND revoked_at IS NULL', { userId, role });
  if (countyCode) qb.andWhere('county_code = :county', { county: countyCode });
  return (await qb.execute()).affected ?? 0;
}

/**
 * What the user belongs to outside the bureaus: enterprises they are a member of or claim (a pending
 * claim counts: it is an interest in the case) and the provider filings they own, whatever their state
 * (an earlier case of a revoked provider is still theirs).
 */
export async function membershipsOf(tx: Tx, userId: string): Promise<Membership[]> {
  const m = em(tx);
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
  if (!providers.length && (await activeGrants(tx, userId)).some((g) => g.role === 'provider')) out.push({ kind: 'provider', name: '' });
  return out;
}

// ---- sessions ---------------------------------------------------------------------------------

export async function insertSession(tx: Tx, row: { id: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await em(tx)
    .getRepository(SessionEntity)
    .insert({ ...row, revokedAt: null });
}

export async function revokeSession(tx: Tx, id: string, at: number): Promise<void> {
  await em(tx).getRepository(SessionEntity).update({ id }, { revokedAt: at });
}

/**
 * The hot path of every logged-in request: a session, its user's state and the roles they hold now,
 * in one statement (the roles joined, one row per role, oldest grant first — a user without roles
 * still gives one row); null for a session that is unknown, revoked, expired or whose user is
 * disabled. One statement per request is what test/server/db/queryCounts.test.ts holds it to.
 */
export async function liveSession(tx: Tx, sessionId: string, now: number): Promise<{ userId: string; grants: RoleGrant[] } | null> {
  const rows: {
    user_id: string;
    expires_at: number | string;
    revoked_at: number | string | null;
    status: string;
    role: string | null;
    county_code: string | null;
  }[] = await em(tx).query(
    `SELECT s.user_id, s.expires_at, s.revoked_at, u.status, r.role, r.county_code
       FROM sessions s JOIN users u ON u.id = s.user_id
       LEFT JOIN user_roles r ON r.user_id = s.user_id AND r.revoked_at IS NULL
      WHERE s.id = ? ORDER BY r.created_at ASC, r.id ASC`,
    [sessionId],
  );
  const s = rows[0];
  if (!s || s.revoked_at !== null || Number(s.expires_at) <= now || s.status !== 'active') return null;
  const grants = rows.filter((g) => g.role !== null).map((g) => ({ role: g.role as Role, countyCode: g.county_code }));
  return { userId: s.user_id, grants };
}

// ---- invitations ------------------------------------------------------------------------------

export async function insertInvitation(tx: Tx, row: Invitation): Promise<void> {
  await em(tx).getRepository(InvitationEntity).insert(row);
}

export async function findInvitation(tx: Tx, id: string): Promise<Invitation | null> {
  return em(tx).getRepository(InvitationEntity).findOne({ where: { id } });
}

export async function findInvitationByCodeHash(tx: Tx, codeHash: string): Promise<Invitation | null> {
  return em(tx).getRepository(InvitationEntity).findOne({ where: { codeHash } });
}

/** The newest invitations, at most `limit`. */
export async function recentInvitations(tx: Tx, limit: number): Promise<Invitation[]> {
  return em(tx)
    .getRepository(InvitationEntity)
    .find({ order: { createdAt: 'DESC' }, take: limit });
}

/** Closes an open invitation (neither used nor revoked): whether this call closed it. */
export async function revokeOpenInvitation(tx: Tx, id: string, at: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(InvitationEntity)
    .createQueryBuilder()
    .update()
    .set({ revokedAt: at })
    .where('id = :id AND used_at IS NULL AND revoked_at IS NULL', { id })
    .execute();
  return res.affected === 1;
}

/** Single use: the conditional UPDATE lets exactly one redeemer through, on any database. */
export async function claimInvitation(tx: Tx, id: string, userId: string, at: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(InvitationEntity)
    .createQueryBuilder()
    .update()
    .set({ usedBy: userId, usedAt: at })
    .where('id = :id AND used_at IS NULL AND revoked_at IS NULL', { id })
    .execute();
  return res.affected === 1;
}

export async function recordInvitationRefusal(tx: Tx, id: string, refusal: { at: number; userId: string; reason: string }): Promise<void> {
  await em(tx)
    .getRepository(InvitationEntity)
    .update({ id }, { refusedAt: refusal.at, refusedBy: refusal.userId, refusedReason: refusal.reason });
}

// ---- for the outbox and the digest --------------------------------------------------------------

/** The roles held now by each of the users given (absent: none). */
export async function activeGrantsOfUsers(db: Database, userIds: readonly string[]): Promise<Map<string, RoleGrant[]>> {
  const out = new Map<string, RoleGrant[]>();
  if (userIds.length === 0) return out;
  const ids = inList(userIds);
  const rows = await rawQuery<{ user_id: string; role: string; county_code: string | null }>(
    db,
    `SELECT user_id, role, county_code FROM user_roles WHERE revoked_at IS NULL AND user_id IN (${ids.sql})`,
    ids.params,
  );
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), { role: r.role as Role, countyCode: r.county_code }]);
  return out;
}

/** The roles among `roles` held now by active users, each with its holder. */
export async function activeUsersGrantsOfRoles(db: Database, roles: readonly Role[]): Promise<(RoleGrant & { userId: string })[]> {
  const rows = await rawQuery<{ user_id: string; role: string; county_code: string | null }>(
    db,
    `SELECT r.user_id, r.role, r.county_code FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.revoked_at IS NULL AND u.status = 'active' AND r.role IN (${roles.map(() => '?').join(',')})`,
    [...roles],
  );
  return rows.map((r) => ({ userId: r.user_id, role: r.role as Role, countyCode: r.county_code }));
}
