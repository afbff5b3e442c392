import { rawQuery } from './raw';
import type { Database } from './database';

/** Whether the database answers a trivial question (throws when it does not). */
export async function databaseAnswers(db: Database): Promise<void> {
  await rawQuery(db, 'SELECT 1 AS ok');
}
