import type { EntityManager } from 'typeorm';
import type { Database } from './database';
import { em } from './orm';
import type { Tx } from './tx';

/**
 * Parameterised SQL and the ORM's manager outside a transaction, through the database's own queue (the
 * one in-process queue on SQLite): for the questions of server/src/db/ only. Database itself keeps no
 * such door, and dependency-cruiser (only-db-reaches-the-orm) and test/house/dataLayer.test.ts keep
 * everything outside db/ from importing this file.
 */
export function rawQuery<T = Record<string, unknown>>(db: Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return db.read((tx: Tx) => em(tx).query<T[]>(sql, params));
}

/** The ORM's manager outside a transaction, for one question of server/src/db/. */
export function withManager<T>(db: Database, fn: (m: EntityManager) => Promise<T>): Promise<T> {
  return db.read((tx: Tx) => fn(em(tx)));
}
