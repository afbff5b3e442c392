import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../server/src/config';
import { openDatabase, type Database } from '../../server/src/db/database';
import { emptyAllTables } from '../../server/src/db/testing';

/**
 * The suite runs on SQLite by default (a fresh in-memory database per test file) and on
 * MySQL/MariaDB when DATABASE_URL names one: CI runs it both ways. On MariaDB the files run one at a
 * time against one schema, so each file starts from empty tables.
 */
export function testConfig(overrides: Record<string, string> = {}) {
  const env: Record<string, string> = { NODE_ENV: 'test', ...overrides };
  if (process.env.DATABASE_URL && !('DATABASE_URL' in overrides)) env.DATABASE_URL = process.env.DATABASE_URL;
  // CI runs the MariaDB suite with REDIS_URL: the limits' counters are then in Redis, under a prefix of
  // this config's own, so that test files running side by side never count each other's calls.
  if (process.env.REDIS_URL && !('REDIS_URL' in overrides)) {
    env.REDIS_URL = process.env.REDIS_URL;
    // Jest runs many files in one worker, each with a fresh module registry: a counter alone would repeat.
    env.REDIS_KEY_PREFIX ??= `test-${randomUUID()}`;
  }
  return loadConfig(env);
}

export const onMysql = (): boolean => !!process.env.DATABASE_URL;

/** `env` may name another DATABASE_URL (a proxy in front of MariaDB, say). */
export async function openTestDatabase(env: Record<string, string> = {}): Promise<Database> {
  const config = testConfig(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {});
  const db = await openDatabase(config, { sqliteFile: ':memory:' });
  if (db.kind === 'mysql') await emptyTables(db);
  return db;
}

export async function emptyTables(db: Database): Promise<void> {
  await emptyAllTables(db);
}
