import { In, IsNull, MoreThan, MoreThanOrEqual } from 'typeorm';
import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import { num } from './values';
import {
  EnterpriseEntity,
  EnterpriseInvitationEntity,
  EnterpriseMemberEntity,
  UserRoleEntity,
  type EnterpriseInvitationRow,
  type EnterpriseMemberRow,
  type EnterpriseRow,
} from './entities';

export type { EnterpriseRow, EnterpriseMemberRow, EnterpriseInvitationRow } from './entities';

/** The enterprises aggregate: an enterprise, its members and their invitations. */

export async function findEnterprise(tx: Tx, id: string): Promise<EnterpriseRow | null> {
  return em(tx).getRepository(EnterpriseEntity).findOne({ where: { id } });
}

/** Users who act for an enterprise: the recipients of its notifications. */
export async function enterpriseMemberIds(tx: Tx, enterpriseId: string): Promise<string[]> {
  const rows: { user_id: string }[] = await em(tx).query(
    "SELECT user_id FROM enterprise_members WHERE enterprise_id = ? AND status = 'active'",
    [enterpriseId],
  );
  return rows.map((r) => r.user_id);
}

export async function isEnterpriseMember(tx: Tx, enterpriseId: string, userId: string): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    "SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status = 'active'",
    [enterpriseId, userId],
  );
  return rows.length > 0;
}

/** The enterprise with this credit code that the user is an active member of, if any. */
export async function memberEnterpriseByCreditCode(tx: Tx, creditCode: string, userId: string): Promise<string | null> {
  const rows: { id: string }[] = await em(tx).query(
    "SELECT e.id FROM enterprises e JOIN enterprise_members m ON m.enterprise_id = e.id WHERE e.credit_code = ? AND m.user_id = ? AND m.status = 'active'",
    [creditCode, userId],
  );
  return rows[0]?.id ?? null;
}

/** The names of these enterprises, by id. */
export async function enterpriseNames(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows: { id: string; name: string }[] = await em(tx).query(
    `SELECT id, name FROM enterprises WHERE id IN (${unique.map(() => '?').join(', ')})`,
    unique,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---- the enterprise --------------------------------------------------------------------------------

export async function findEnterpriseByCreditCode(tx: Tx, creditCode: string): Promise<EnterpriseRow | null> {
  return em(tx).getRepository(EnterpriseEntity).findOne({ where: { creditCode } });
}

export async function insertEnterprise(tx: Tx, row: EnterpriseRow): Promise<void> {
  await insertRow(em(tx), EnterpriseEntity, row);
}

/** The ids of the enterprises a user is an active member of. */
export async function memberEnterpriseIds(tx: Tx, userId: string): Promise<string[]> {
  const rows: { enterprise_id: string }[] = await em(tx).query(
    "SELECT enterprise_id FROM enterprise_members WHERE user_id = ? AND status = 'active'",
    [userId],
  );
  return rows.map((r) => r.enterprise_id);
}

/** The enterprises the user is an active member of. */
export async function enterprisesOfMember(tx: Tx, userId: string): Promise<EnterpriseRow[]> {
  const ids = await memberEnterpriseIds(tx, userId);
  if (!ids.length) return [];
  return em(tx)
    .getRepository(EnterpriseEntity)
    .findBy({ id: In(ids) });
}

/** The profile as the members edit it, under the optimistic lock: false when someone changed it since it was read. */
export async function updateEnterpriseIfVersion(
  tx: Tx,
  id: string,
  version: number,
  columns: Partial<Omit<EnterpriseRow, 'id' | 'version' | 'updatedAt'>>,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(EnterpriseEntity)
    .createQueryBuilder()
    .update()
    .set({ ...columns, version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version', { id, version })
    .execute();
  return res.affected === 1;
}

/** A second claim on a registered credit code: the enterprise waits for the county (whatever its version). */
export async function markEnterpriseDisputed(tx: Tx, id: string, now: number): Promise<void> {
  await em(tx)
    .getRepository(EnterpriseEntity)
    .createQueryBuilder()
    .update()
    .set({ status: 'disputed', version: () => 'version + 1', updatedAt: now })
    .where('id = :id', { id })
    .execute();
}

/** The county's list: its enterprises in these states, the longest waiting first (at most 200). */
export async function enterprisesOfCounties(
  tx: Tx,
  counties: readonly string[],
  statuses: readonly EnterpriseRow['status'][],
): Promise<EnterpriseRow[]> {
  return em(tx)
    .getRepository(EnterpriseEntity)
    .createQueryBuilder('e')
    .where('e.countyCode IN (:...counties) AND e.status IN (:...status)', { counties, status: statuses })
    .orderBy('e.updatedAt', 'ASC')
    .take(200)
    .getMany();
}

// ---- members and claims ----------------------------------------------------------------------------

/** The user's membership of the enterprise, whatever its status (a pending claim, a removed member). */
export async function membershipOf(tx: Tx, enterpriseId: string, userId: string): Promise<EnterpriseMemberRow | null> {
  return em(tx).getRepository(EnterpriseMemberEntity).findOne({ where: { enterpriseId, userId } });
}

export async function findMember(tx: Tx, memberId: string): Promise<EnterpriseMemberRow | null> {
  return em(tx)
    .getRepository(EnterpriseMemberEntity)
    .findOne({ where: { id: memberId } });
}

export async function insertMember(tx: Tx, row: EnterpriseMemberRow): Promise<void> {
  await insertRow(em(tx), EnterpriseMemberEntity, row);
}

/** The open claims (pending members) on these enterprises. */
export async function pendingClaimsOn(
  tx: Tx,
  enterpriseIds: readonly string[],
): Promise<{ id: string; enterpriseId: string; userId: string; createdAt: number }[]> {
  if (!enterpriseIds.length) return [];
  const rows: { id: string; enterprise_id: string; user_id: string; created_at: number | string }[] = await em(tx).query(
    `SELECT id, enterprise_id, user_id, created_at FROM enterprise_members WHERE status = 'pending' AND enterprise_id IN (${enterpriseIds.map(() => '?').join(',')})`,
    [...enterpriseIds],
  );
  return rows.map((r) => ({ id: r.id, enterpriseId: r.enterprise_id, userId: r.user_id, createdAt: num(r.created_at) }));
}

export async function pendingClaimCount(tx: Tx, enterpriseId: string): Promise<number> {
  return em(tx)
    .getRepository(EnterpriseMemberEntity)
    .count({ where: { enterpriseId, status: 'pending' } });
}

/** Settles a pending claim: accepted (an active member) or refused (removed). A claim no longer pending is left alone. */
export async function settleClaim(tx: Tx, enterpriseId: string, memberId: string, to: 'active' | 'removed'): Promise<void> {
  await em(tx).getRepository(EnterpriseMemberEntity).update({ id: memberId, enterpriseId, status: 'pending' }, { status: to });
}

/**
 * Whether the user holds the 'enterprise' role (the role every member acts in), and the grant of it.
 * Kept here, with the memberships that give it, until the users aggregate has its module in db/.
 */
export async function holdsEnterpriseRole(tx: Tx, userId: string): Promise<boolean> {
  const held = await em(tx)
    .getRepository(UserRoleEntity)
    .findOne({ where: { userId, role: 'enterprise' } });
  return !!held && held.revokedAt === null;
}

export async function grantEnterpriseRoleRow(tx: Tx, grantId: string, userId: string, now: number): Promise<void> {
  await em(tx).getRepository(UserRoleEntity).insert({
    id: grantId,
    userId,
    role: 'enterprise',
    countyCode: null,
    grantedBy: null,
    invitationId: null,
    createdAt: now,
    revokedAt: null,
  });
}

// ---- join codes ------------------------------------------------------------------------------------

export async function insertInvitation(tx: Tx, row: EnterpriseInvitationRow): Promise<void> {
  await insertRow(em(tx), EnterpriseInvitationEntity, row);
}

export async function findInvitation(tx: Tx, enterpriseId: string, codeHash: string): Promise<EnterpriseInvitationRow | null> {
  return em(tx).getRepository(EnterpriseInvitationEntity).findOne({ where: { codeHash, enterpriseId } });
}

/** Uses the code: false when another took it first or it locked meanwhile. */
export async function claimInvitation(tx: Tx, id: string, userId: string, now: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(EnterpriseInvitationEntity)
    .createQueryBuilder()
    .update()
    .set({ usedBy: userId, usedAt: now })
    .where('id = :id AND used_at IS NULL AND locked_at IS NULL', { id })
    .execute();
  return res.affected === 1;
}

/**
 * One wrong try counted against every open code of the enterprise; those that reach `maxFailures`
 * lock. Answers the codes locked by this try (as they were before locking).
 */
export async function countWrongJoinTry(
  tx: Tx,
  enterpriseId: string,
  now: number,
  maxFailures: number,
): Promise<EnterpriseInvitationRow[]> {
  const repo = em(tx).getRepository(EnterpriseInvitationEntity);
  const open = 'enterprise_id = :id AND used_at IS NULL AND locked_at IS NULL AND expires_at > :now';
  await repo
    .createQueryBuilder()
    .update()
    .set({ failedAttempts: () => 'failed_attempts + 1' })
    .where(open, { id: enterpriseId, now })
    .execute();
  const reached = await repo.find({
    where: {
      enterpriseId,
      usedAt: IsNull(),
      lockedAt: IsNull(),
      expiresAt: MoreThan(now),
      failedAttempts: MoreThanOrEqual(maxFailures),
    },
  });
  if (!reached.length) return [];
  await repo
    .createQueryBuilder()
    .update()
    .set({ lockedAt: now })
    .where({ id: In(reached.map((r) => r.id)) })
    .execute();
  return reached;
}

/** Name and credit code of these enterprises: for a report's or a list's rows. */
export async function enterpriseCards(tx: Tx, ids: readonly string[]): Promise<{ id: string; name: string; creditCode: string }[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  return em(tx)
    .getRepository(EnterpriseEntity)
    .find({ select: { id: true, name: true, creditCode: true }, where: { id: In(unique) } });
}
