import { createConnection } from 'mysql2/promise';
import type { Database } from '../database';
import { ENTITIES } from '../entities';
import { em } from '../orm';
import type { Tx } from '../tx';

/** Whole databases and tables, for the suites that start from nothing, restore or upgrade. */

/** Empties every table (and the rate limits' counters, which have no entity): each file on MariaDB starts from nothing. */
export async function emptyAllTables(db: Database): Promise<void> {
  for (const entity of ENTITIES) {
    const table = db.dataSource.getMetadata(entity).tableName;
    await db.read((tx) => em(tx).query(`DELETE FROM ${table}`));
  }
  // rate-limiter-flexible reads and writes this table itself.
  await db.read((tx) => em(tx).query('DELETE FROM rate_limits'));
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

/**
 * Every row of one of our tables exactly as stored, no column decoded: what someone reading the
 * database (or a dump of it) would see, for a test that no secret lies there in clear.
 */
export async function storedRowsOf(tx: Tx, table: string): Promise<Record<string, unknown>[]> {
  const m = em(tx);
  // Only a table one of our entities names: the name goes into the statement, so it must be known.
  if (!ENTITIES.some((e) => m.connection.getMetadata(e).tableName === table)) throw new Error(`unknown table ${table}`);
  return m.query(`SELECT * FROM ${table}`);
}
