import { createConnection } from 'mysql2/promise';
import type { Database } from './database';
import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import type { EntitySchema, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import {
  ApplicationEntity,
  ApplicationEventEntity,
  AuditEntity,
  AuditHeadEntity,
  DisbursementEntity,
  ENTITIES,
  InvitationEntity,
  NotificationEntity,
  ProviderEntity,
  ProviderEventEntity,
  ReviewOpinionEntity,
  StoredFileEntity,
  SubsidyListItemEntity,
  UserEntity,
  type ApplicationEventRow,
  type ApplicationRow,
  type AuditRow,
  type DisbursementRow,
  type InvitationRow,
  type NotificationRow,
  type ProviderEventRow,
  type ProviderRow,
  type ReviewOpinionRow,
  type StoredFileRow,
  type UserRow,
} from './entities';

/**
 * What the test helpers (test/helpers/) need of the database beyond the use cases' questions: an
 * empty schema between test files on MariaDB, and rows put straight in for suites that start a life
 * in the middle. Never imported by server/src.
 */

export type {
  ApplicationEventRow,
  AuditRow,
  DisbursementRow,
  InvitationRow,
  NotificationRow,
  ProviderEventRow,
  ProviderRow,
  ReviewOpinionRow,
  StoredFileRow,
} from './entities';

/** Empties every table (and the rate limits' counters, which have no entity): each file on MariaDB starts from nothing. */
export async function emptyAllTables(db: Database): Promise<void> {
  for (const entity of ENTITIES) {
    const table = db.dataSource.getMetadata(entity).tableName;
    await db.read((tx) => em(tx).query(`DELETE FROM ${table}`));
  }
  // rate-limiter-flexible reads and writes this table itself.
  await db.read((tx) => em(tx).query('DELETE FROM rate_limits'));
}

/** A provider record as a test needs it (filed and approved, say), without going through the filing. */
export async function insertProviderRow(tx: Tx, row: ProviderRow): Promise<void> {
  await insertRow(em(tx), ProviderEntity, row);
}

/** Makes an application look as if it had waited at its stage since `at` (overdue alerts, digests). */
export async function setApplicationUpdatedAt(tx: Tx, id: string, at: number): Promise<void> {
  await em(tx).getRepository(ApplicationEntity).update({ id }, { updatedAt: at });
}

/**
 * Sets columns of applications straight, around their transitions: for a suite that starts a case in
 * the middle of its life or breaks a rule on purpose. Stage counts are not moved (recountStages()
 * after, where a test reads them); the version goes up only when asked, as a real change would.
 */
export async function forceApplicationColumns(
  tx: Tx,
  ids: readonly string[],
  set: Partial<Pick<ApplicationRow, 'status' | 'round' | 'bankAccountName'>>,
  options: { bumpVersion?: boolean } = {},
): Promise<void> {
  await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, ...(options.bumpVersion ? { version: () => 'version + 1' } : {}) })
    .whereInIds([...ids])
    .execute();
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

// ---- what a test checks was written: rows matching plain column values ------------------------------

/** Column values a row must have, every one of them (no operators: a test asks for exact values). */
export type RowMatch<T> = { [K in keyof T]?: T[K] };

async function rowsMatching<T extends ObjectLiteral>(tx: Tx, entity: EntitySchema<T>, match: RowMatch<T>, bySeq: boolean): Promise<T[]> {
  return em(tx)
    .getRepository(entity)
    .find({ where: match as FindOptionsWhere<T>, ...(bySeq ? { order: { seq: 'ASC' } as never } : {}) });
}

async function countMatching<T extends ObjectLiteral>(tx: Tx, entity: EntitySchema<T>, match: RowMatch<T>): Promise<number> {
  return em(tx)
    .getRepository(entity)
    .count({ where: match as FindOptionsWhere<T> });
}

/** Audit records with these values, each chain in order. */
export function auditRecordsMatching(tx: Tx, match: RowMatch<AuditRow>): Promise<AuditRow[]> {
  return rowsMatching(tx, AuditEntity, match, true);
}

export function countAuditRecords(tx: Tx, match: RowMatch<AuditRow>): Promise<number> {
  return countMatching(tx, AuditEntity, match);
}

/** How many audit chains have a head. */
export function countAuditHeads(tx: Tx): Promise<number> {
  return countMatching(tx, AuditHeadEntity, {});
}

/** Outbox rows (every channel, the inbox too) with these values. */
export function notificationsMatching(tx: Tx, match: RowMatch<NotificationRow>): Promise<NotificationRow[]> {
  return rowsMatching(tx, NotificationEntity, match, false);
}

export function countNotifications(tx: Tx, match: RowMatch<NotificationRow>): Promise<number> {
  return countMatching(tx, NotificationEntity, match);
}

export function invitationsMatching(tx: Tx, match: RowMatch<InvitationRow>): Promise<InvitationRow[]> {
  return rowsMatching(tx, InvitationEntity, match, false);
}

export function countInvitations(tx: Tx, match: RowMatch<InvitationRow>): Promise<number> {
  return countMatching(tx, InvitationEntity, match);
}

/** File rows with these values, every version. */
export function storedFilesMatching(tx: Tx, match: RowMatch<StoredFileRow>): Promise<StoredFileRow[]> {
  return rowsMatching(tx, StoredFileEntity, match, false);
}

/** Application history rows with these values, in order. */
export function applicationEventsMatching(tx: Tx, match: RowMatch<ApplicationEventRow>): Promise<ApplicationEventRow[]> {
  return rowsMatching(tx, ApplicationEventEntity, match, true);
}

export function countApplicationEvents(tx: Tx, match: RowMatch<ApplicationEventRow>): Promise<number> {
  return countMatching(tx, ApplicationEventEntity, match);
}

/** Ledger entries with these values, in order. */
export function disbursementsMatching(tx: Tx, match: RowMatch<DisbursementRow>): Promise<DisbursementRow[]> {
  return rowsMatching(tx, DisbursementEntity, match, true);
}

export function countDisbursements(tx: Tx, match: RowMatch<DisbursementRow>): Promise<number> {
  return countMatching(tx, DisbursementEntity, match);
}

/** A list's items, removed ones too. */
export function countListItems(tx: Tx, listId: string): Promise<number> {
  return countMatching(tx, SubsidyListItemEntity, { listId });
}

/** Review opinions with these values, internal notes included. */
export function reviewOpinionsMatching(tx: Tx, match: RowMatch<ReviewOpinionRow>): Promise<ReviewOpinionRow[]> {
  return rowsMatching(tx, ReviewOpinionEntity, match, false);
}

/** A provider filing's history rows, in order. */
export function providerEventsMatching(tx: Tx, match: RowMatch<ProviderEventRow>): Promise<ProviderEventRow[]> {
  return rowsMatching(tx, ProviderEventEntity, match, true);
}

/** The URL of a scratch database beside the one `url` names (`<name>_<suffix>`), for a restore or an upgrade to land in. */
export function scratchDatabaseUrl(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${decodeURIComponent(parsed.pathname.replace(/^\//, ''))}_${suffix}`;
  return parsed.toString();
}

/** Drops the database `url` names, if there is one: a scratch database starts and ends empty. */
export async function dropDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  parsed.pathname = '/';
  const conn = await createConnection({ uri: parsed.toString() });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name.replace(/`/g, '``')}\``);
  } finally {
    await conn.end();
  }
}

/** Runs a mariadb-dump's SQL text against the (existing, empty) database `url`: an old release's database for the upgrade test. */
export async function loadSqlDump(url: string, sqlText: string): Promise<void> {
  const conn = await createConnection({ uri: url, multipleStatements: true, charset: 'utf8mb4_unicode_ci' });
  try {
    await conn.query(sqlText);
  } finally {
    await conn.end();
  }
}

/** Creates the database `url` names, empty (dropped first if it was there). */
export async function createEmptyDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  parsed.pathname = '/';
  const conn = await createConnection({ uri: parsed.toString() });
  try {
    await conn.query(`CREATE DATABASE \`${name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

// ---- tampering with the audit trail: for the tests that show verification catches it ---------------

/** Rewrites one record's data behind the trail's back, as someone with database access could. */
export async function tamperAuditData(tx: Tx, chain: string, seq: number, data: unknown): Promise<void> {
  await em(tx).query('UPDATE audit_log SET data = ? WHERE chain = ? AND seq = ?', [JSON.stringify(data), chain, seq]);
}

/** Renames an action in every record that has it, behind the trail's back. */
export async function tamperAuditAction(tx: Tx, action: string, forged: string): Promise<void> {
  await em(tx).query('UPDATE audit_log SET action = ? WHERE action = ?', [forged, action]);
}

/** Deletes one record of a chain behind the trail's back (its head stays). */
export async function deleteAuditRecord(tx: Tx, chain: string, seq: number): Promise<void> {
  await em(tx).query('DELETE FROM audit_log WHERE chain = ? AND seq = ?', [chain, seq]);
}

/** Deletes a whole chain, its head too: a test cleans up after tampering, or a forger starts over. */
export async function deleteAuditChain(tx: Tx, chain: string): Promise<void> {
  await em(tx).query('DELETE FROM audit_log WHERE chain = ?', [chain]);
  await em(tx).query('DELETE FROM audit_heads WHERE chain = ?', [chain]);
}

// ---- the delivery suites' fresh start ---------------------------------------------------------------

/** Empties the outbox, every channel: a delivery test starts each case with nothing to send. */
export async function clearOutbox(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM notifications');
}

/** Forgets the stored WeChat access tokens (the sandbox forgets its own on reset). */
export async function clearAccessTokens(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM wechat_tokens');
}

export async function clearNotificationPreferences(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM notification_preferences');
}

export async function clearRoleGrants(tx: Tx): Promise<void> {
  await em(tx).query('DELETE FROM user_roles');
}

/** How many daily digests have been recorded as sent, for anyone. */
export async function countDigestRuns(tx: Tx): Promise<number> {
  const rows: { n: number | string }[] = await em(tx).query('SELECT COUNT(*) AS n FROM notification_digest_runs');
  return Number(rows[0]?.n ?? 0);
}

/** Overwrites a follower's stored self-check state as it is (say, damaged): the chatbot must drop it, not trust it. */
export async function overwriteFollowerFlow(tx: Tx, openid: string, flow: unknown): Promise<void> {
  await em(tx).query('UPDATE oa_followers SET flow = ? WHERE openid = ?', [JSON.stringify(flow), openid]);
}
