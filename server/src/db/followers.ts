import { rawQuery } from './raw';
import type { Database } from './database';
import { em } from './orm';
import type { Tx } from './tx';
import {
  MEMBER_APPLICATION_COLUMNS,
  memberApplication,
  type ApplicationProgress,
  type MemberApplicationColumns,
} from './applications/readers';

/**
 * The official account's followers, their links to mini-program users, binding codes and handled
 * messages. Parameterised SQL throughout: this is the hot path of every message, and TypeORM's query
 * builder inlines numbers on SQLite (../../../shared/notes/performance.md). Reads go through
 * `rawQuery` (db/raw.ts) before the handling transaction; writes run inside it.
 */

/** Rows read by several statements: numbers come back as strings from mysql2 for bigint. */
type Num = number | string;
const num = (v: Num | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** UPDATE/DELETE inside the handling transaction, answering how many rows it touched (both databases). */
async function execute(tx: Tx, sql: string, params: unknown[]): Promise<number> {
  const runner = em(tx).queryRunner;
  if (runner === undefined) throw new Error('execute() needs the transaction manager');
  const result = await runner.query(sql, params, true);
  return result.affected ?? 0;
}

// ---- dedupe -----------------------------------------------------------------------------------------

export async function recordMessage(
  tx: Tx,
  row: { key: string; openid: string; msgType: string; reply: string | null; at: number },
): Promise<void> {
  // The primary key makes a second handling of the same message fail here, on every instance.
  await em(tx).query('INSERT INTO oa_messages (dedupe_key, openid, msg_type, reply, created_at) VALUES (?, ?, ?, ?, ?)', [
    row.key,
    row.openid,
    row.msgType,
    row.reply,
    row.at,
  ]);
}

/** The answer stored for a message already handled; undefined when it was not handled. */
export async function storedAnswer(db: Database, key: string): Promise<{ openid: string; reply: string | null } | undefined> {
  const rows = await rawQuery<{ openid: string; reply: string | null }>(db, 'SELECT openid, reply FROM oa_messages WHERE dedupe_key = ?', [
    key,
  ]);
  return rows[0];
}

// ---- followers --------------------------------------------------------------------------------------

export interface Follower {
  openid: string;
  unionid: string | null;
  followed: boolean;
  flow: string | null;
  flowUpdatedAt: number | null;
  bindFailures: number;
  bindWindowAt: number | null;
  version: number;
}

export async function readFollower(db: Database, openid: string): Promise<Follower | null> {
  const rows = await rawQuery<{
    openid: string;
    unionid: string | null;
    followed: Num;
    flow: string | null;
    flow_updated_at: Num | null;
    bind_failures: Num;
    bind_window_at: Num | null;
    version: Num;
  }>(
    db,
    'SELECT openid, unionid, followed, flow, flow_updated_at, bind_failures, bind_window_at, version FROM oa_followers WHERE openid = ?',
    [openid],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    openid: r.openid,
    unionid: r.unionid,
    followed: Number(r.followed) === 1,
    flow: r.flow,
    flowUpdatedAt: num(r.flow_updated_at),
    bindFailures: Number(r.bind_failures),
    bindWindowAt: num(r.bind_window_at),
    version: Number(r.version),
  };
}

type FollowerColumns = {
  openid: string | null;
  unionid: string | null;
  followed: Num | null;
  flow: string | null;
  flow_updated_at: Num | null;
  bind_failures: Num | null;
  bind_window_at: Num | null;
  version: Num | null;
};

function followerOf(r: FollowerColumns): Follower | null {
  if (r.openid === null) return null;
  return {
    openid: r.openid,
    unionid: r.unionid,
    followed: Number(r.followed) === 1,
    flow: r.flow,
    flowUpdatedAt: num(r.flow_updated_at),
    bindFailures: Number(r.bind_failures),
    bindWindowAt: num(r.bind_window_at),
    version: Number(r.version),
  };
}

/** What 进度 needs of a follower: its row, the user linked to its openid and that user's applications. */
export interface FollowerProgress {
  follower: Follower | null;
  linked: LinkedUser | null;
  /** The applications of every enterprise the linked user is an active member of, newest change first; withdrawn ones are history. */
  applications: ApplicationProgress[];
}

/**
 * 进度 in one statement, whatever the number of applications: the follower (to go on with a
 * self-check), the user linked to the openid, their memberships' applications with the refusals'
 * reasons. Outer joins from the openid itself, so an unknown follower or an unlinked one still gives
 * one row. With the once-only record that follows, a 进度 is two statements
 * (test/server/db/queryCounts.test.ts).
 */
export async function followerProgress(db: Database, openid: string): Promise<FollowerProgress> {
  const rows = await rawQuery<FollowerColumns & MemberApplicationColumns & { user_id: string | null; user_status: string | null }>(
    db,
    `SELECT f.openid, f.unionid, f.followed, f.flow, f.flow_updated_at, f.bind_failures, f.bind_window_at, f.version,
            u.id AS user_id, u.status AS user_status, ${MEMBER_APPLICATION_COLUMNS}
       FROM (SELECT ? AS k) q
       LEFT JOIN oa_followers f ON f.openid = q.k
       LEFT JOIN users u ON u.oa_openid = q.k
       LEFT JOIN enterprise_members m ON m.user_id = u.id AND m.status = 'active'
       LEFT JOIN applications a ON a.enterprise_id = m.enterprise_id AND a.status <> 'withdrawn'
       LEFT JOIN enterprises e ON e.id = a.enterprise_id
      ORDER BY a.updated_at DESC, a.id DESC`,
    [openid],
  );
  const first = rows[0];
  return {
    follower: first ? followerOf(first) : null,
    linked: first && first.user_id !== null ? { id: first.user_id, status: first.user_status ?? '', oaOpenid: openid } : null,
    applications: rows.map(memberApplication).filter((a): a is ApplicationProgress => a !== null),
  };
}

export type FollowerChanges = Partial<Pick<Follower, 'unionid' | 'followed' | 'flow' | 'flowUpdatedAt' | 'bindFailures' | 'bindWindowAt'>>;

const FOLLOWER_COLUMNS: Readonly<Record<keyof FollowerChanges, string>> = {
  unionid: 'unionid',
  followed: 'followed',
  flow: 'flow',
  flowUpdatedAt: 'flow_updated_at',
  bindFailures: 'bind_failures',
  bindWindowAt: 'bind_window_at',
};

const dbValue = (v: string | number | boolean | null | undefined): string | number | null =>
  typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);

/**
 * Writes a follower as it was read (`before`, null: not there yet): the write holds only if nobody
 * changed the row in between (false otherwise — the caller plans again). A concurrent first insert
 * fails on the primary key, which the caller treats the same way.
 */
export async function writeFollower(
  tx: Tx,
  openid: string,
  before: Follower | null,
  changes: FollowerChanges,
  now: number,
): Promise<boolean> {
  const keys = (Object.keys(changes) as (keyof FollowerChanges)[]).filter((k) => changes[k] !== undefined);
  if (before === null) {
    const row = { unionid: null, followed: true, flow: null, flowUpdatedAt: null, bindFailures: 0, bindWindowAt: null, ...changes };
    await em(tx).query(
      'INSERT INTO oa_followers (openid, unionid, followed, flow, flow_updated_at, bind_failures, bind_window_at, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
      [openid, row.unionid, dbValue(row.followed), row.flow, row.flowUpdatedAt, row.bindFailures, row.bindWindowAt, now, now],
    );
    return true;
  }
  // Column names come from the fixed map above, never from input.
  const sets = keys.map((k) => `${FOLLOWER_COLUMNS[k]} = ?`);
  const params = keys.map((k) => dbValue(changes[k]));
  const affected = await execute(
    tx,
    `UPDATE oa_followers SET ${[...sets, 'version = version + 1', 'updated_at = ?'].join(', ')} WHERE openid = ? AND version = ?`,
    [...params, now, openid, before.version],
  );
  return affected === 1;
}

// ---- users ------------------------------------------------------------------------------------------

export interface LinkedUser {
  id: string;
  status: string;
  oaOpenid: string | null;
}

export async function userByOaOpenid(db: Database, openid: string): Promise<LinkedUser | null> {
  const rows = await rawQuery<{ id: string; status: string; oa_openid: string | null }>(
    db,
    'SELECT id, status, oa_openid FROM users WHERE oa_openid = ?',
    [openid],
  );
  const r = rows[0];
  return r ? { id: r.id, status: r.status, oaOpenid: r.oa_openid } : null;
}

export async function userByUnionid(db: Database, unionid: string): Promise<LinkedUser | null> {
  const rows = await rawQuery<{ id: string; status: string; oa_openid: string | null }>(
    db,
    'SELECT id, status, oa_openid FROM users WHERE unionid = ?',
    [unionid],
  );
  const r = rows[0];
  return r ? { id: r.id, status: r.status, oaOpenid: r.oa_openid } : null;
}

export async function userById(db: Database, id: string): Promise<LinkedUser | null> {
  const rows = await rawQuery<{ id: string; status: string; oa_openid: string | null }>(
    db,
    'SELECT id, status, oa_openid FROM users WHERE id = ?',
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, status: r.status, oaOpenid: r.oa_openid } : null;
}

// ---- binding codes ----------------------------------------------------------------------------------

export interface BindingCode {
  id: string;
  userId: string;
  expiresAt: number;
  usedAt: number | null;
}

export async function bindingCodeByHash(db: Database, codeHash: string): Promise<BindingCode | null> {
  const rows = await rawQuery<{ id: string; user_id: string; expires_at: Num; used_at: Num | null }>(
    db,
    'SELECT id, user_id, expires_at, used_at FROM oa_binding_codes WHERE code_hash = ?',
    [codeHash],
  );
  const r = rows[0];
  return r ? { id: r.id, userId: r.user_id, expiresAt: Number(r.expires_at), usedAt: num(r.used_at) } : null;
}

/** Whether the user is linked to a follower, and whether that follower still follows (null: not known). */
export async function followStatusOfUser(db: Database, userId: string): Promise<{ bound: boolean; followed: boolean | null }> {
  const rows = await rawQuery<{ oa_openid: string | null; followed: Num | null }>(
    db,
    'SELECT u.oa_openid, f.followed FROM users u LEFT JOIN oa_followers f ON f.openid = u.oa_openid WHERE u.id = ?',
    [userId],
  );
  const r = rows[0];
  if (!r || r.oa_openid === null) return { bound: false, followed: null };
  return { bound: true, followed: r.followed === null ? null : Number(r.followed) === 1 };
}

/** Takes the openid from the user who holds it: false if they no longer do. */
export async function unlinkOpenid(tx: Tx, userId: string, openid: string, now: number): Promise<boolean> {
  return (
    (await execute(tx, 'UPDATE users SET oa_openid = NULL, updated_at = ? WHERE id = ? AND oa_openid = ?', [now, userId, openid])) === 1
  );
}

/** Links the openid to the user (with `onlyIfUnlinked`, only if the user holds none): false if the row did not take it. */
export async function linkUserOpenid(tx: Tx, userId: string, openid: string, now: number, onlyIfUnlinked: boolean): Promise<boolean> {
  const sql = onlyIfUnlinked
    ? 'UPDATE users SET oa_openid = ?, updated_at = ? WHERE id = ? AND oa_openid IS NULL'
    : 'UPDATE users SET oa_openid = ?, updated_at = ? WHERE id = ?';
  return (await execute(tx, sql, [openid, now, userId])) === 1;
}

// ---- binding codes: issuing and using ---------------------------------------------------------------

/** How many codes the user was issued since `since`, and when the oldest of them was. */
export async function codesIssuedSince(tx: Tx, userId: string, since: number): Promise<{ n: number; oldest: number | null }> {
  const rows: { n: Num; oldest: Num | null }[] = await em(tx).query(
    'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM oa_binding_codes WHERE user_id = ? AND created_at > ?',
    [userId, since],
  );
  return { n: Number(rows[0]?.n ?? 0), oldest: num(rows[0]?.oldest) };
}

/** The user's unused codes stop working now. */
export async function expireOpenCodes(tx: Tx, userId: string, now: number): Promise<void> {
  await execute(tx, 'UPDATE oa_binding_codes SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?', [
    now,
    userId,
    now,
  ]);
}

/** A new code (its hash is unique for ever: a duplicate key means the same code was issued before). */
export async function insertBindingCode(
  tx: Tx,
  code: { id: string; codeHash: string; userId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await em(tx).query(
    'INSERT INTO oa_binding_codes (id, code_hash, user_id, created_at, expires_at, used_at, used_by_openid) VALUES (?, ?, ?, ?, ?, NULL, NULL)',
    [code.id, code.codeHash, code.userId, code.createdAt, code.expiresAt],
  );
}

/** Single use across instances: only one transaction can turn used_at from NULL. */
export async function claimBindingCode(tx: Tx, id: string, openid: string, now: number): Promise<boolean> {
  return (
    (await execute(tx, 'UPDATE oa_binding_codes SET used_at = ?, used_by_openid = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?', [
      now,
      openid,
      id,
      now,
    ])) === 1
  );
}

// ---- housekeeping -----------------------------------------------------------------------------------

/**
 * WeChat retries within seconds; a dedupe row older than `keepMs` can go, and with it the answer it
 * kept (which may name an application). Binding codes go a day after they expired.
 */
export async function prune(db: Database, now: number, keepMs: number): Promise<void> {
  await rawQuery(db, 'DELETE FROM oa_messages WHERE created_at < ?', [now - keepMs]);
  await rawQuery(db, 'DELETE FROM oa_binding_codes WHERE expires_at < ?', [now - 24 * 3600_000]);
}
