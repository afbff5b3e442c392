import type { Database } from './database';

/** Whether the database answers a trivial question (throws when it does not). */
export async function databaseAnswers(db: Database): Promise<void> {
  await db.query('SELECT 1 AS ok');
}
