import { In } from 'typeorm';
import { em } from '../orm';
import { insertRow } from '../rows';
import type { Tx } from '../tx';
import { ProviderEntity, SessionEntity, UserEntity, type ProviderRow, type UserRow } from '../entities';

/** Rows put straight in for suites that start a life in the middle, and the users' own table. */

/** A provider record as a test needs it (filed and approved, say), without going through the filing. */
export async function insertProviderRow(tx: Tx, row: ProviderRow): Promise<void> {
  await insertRow(em(tx), ProviderEntity, row);
}

/** Every user's id: what a test of the transactions themselves checks survived. */
export async function allUserIds(tx: Tx): Promise<string[]> {
  const rows = await em(tx)
    .getRepository(UserEntity)
    .find({ select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * The optimistic lock on its own (../shared/notes/typeorm.md): changes the user only if `updatedAt`
 * is still what the caller read; the number of rows changed (1 for the winner, 0 for the rest).
 */
export async function updateUserIfUnchanged(
  tx: Tx,
  id: string,
  readUpdatedAt: number,
  change: Pick<UserRow, 'displayName' | 'updatedAt'>,
): Promise<number> {
  const res = await em(tx)
    .getRepository(UserEntity)
    .createQueryBuilder()
    .update()
    .set(change)
    .where('id = :id AND updated_at = :v', { id, v: readUpdatedAt })
    .execute();
  return res.affected ?? 0;
}

/** Users in one batch: suites that need hundreds of recipients at once. */
export async function insertUsers(tx: Tx, rows: readonly UserRow[]): Promise<void> {
  if (rows.length > 0)
    await em(tx)
      .getRepository(UserEntity)
      .insert([...rows]);
}

/**
 * A user, with a live session and a role when given,, by plain parameterised inserts: the benchmark
 * seeds tens of thousands of them, so this is seeding speed, not the product's write path.
 */
export async function insertBulkUser(
  tx: Tx,
  u: {
    id: string;
    mpOpenid: string;
    oaOpenid?: string | null;
    session?: { hash: string; expiresAt: number };
    grant?: { id: string; role: string; countyCode: string | null };
    now: number;
  },
): Promise<void> {
  const m = em(tx);
  await m.query('INSERT INTO users (id, mp_openid, oa_openid, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
    u.id,
    u.mpOpenid,
    u.oaOpenid ?? null,
    'active',
    u.now,
    u.now,
  ]);
  if (u.session)
    await m.query('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      u.session.hash,
      u.id,
      u.now,
      u.session.expiresAt,
    ]);
  if (u.grant)
    await m.query('INSERT INTO user_roles (id, user_id, role, county_code, created_at) VALUES (?, ?, ?, ?, ?)', [
      u.grant.id,
      u.id,
      u.grant.role,
      u.grant.countyCode,
      u.now,
    ]);
}

/** A verified enterprise with only the columns a queue shows: the benchmark's bulk seeding. */
export async function insertBulkEnterprise(
  tx: Tx,
  e: { id: string; creditCode: string; name: string; countyCode: string; createdBy: string; now: number },
): Promise<void> {
  await em(tx).query(
    'INSERT INTO enterprises (id, credit_code, name, county_code, status, version, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)',
    [e.id, e.creditCode, e.name, e.countyCode, 'verified', e.createdBy, e.now, e.now],
  );
}

/**
 * A submitted application at a given stage with only the columns a queue shows (contract amount =
 * paid amount): the benchmark's bulk seeding. Stage counts are not moved: recountStages() after.
 */
export async function insertBulkApplication(
  tx: Tx,
  a: {
    id: string;
    trackingNo: string;
    enterpriseId: string;
    countyCode: string;
    status: string;
    contractNo: string;
    amountFen: number;
    subsidyFen: number;
    createdBy: string;
    submittedAt: number;
    createdAt: number;
    updatedAt: number;
  },
): Promise<void> {
  await em(tx).query(
    'INSERT INTO applications (id, tracking_no, enterprise_id, county_code, status, version, contract_no, contract_amount_fen, paid_amount_fen, other_subsidies_fen, subsidy_fen, round, created_by, submitted_at, created_at, updated_at, contract_changed) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 0, ?, 1, ?, ?, ?, ?, 0)',
    [
      a.id,
      a.trackingNo,
      a.enterpriseId,
      a.countyCode,
      a.status,
      a.contractNo,
      a.amountFen,
      a.amountFen,
      a.subsidyFen,
      a.createdBy,
      a.submittedAt,
      a.createdAt,
      a.updatedAt,
    ],
  );
}

/** How many sessions (logins) a user has on record, ended ones too. */
export function countSessionsOf(tx: Tx, userId: string): Promise<number> {
  return em(tx).getRepository(SessionEntity).count({ where: { userId } });
}

/** Takes users out again, by id (a benchmark run's recipients, once their notifications are gone). */
export async function deleteUsers(tx: Tx, ids: readonly string[]): Promise<void> {
  if (ids.length > 0)
    await em(tx)
      .getRepository(UserEntity)
      .delete({ id: In([...ids]) });
}
