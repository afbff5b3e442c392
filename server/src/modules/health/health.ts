import type { Database } from '../../db/database';
import { databaseAnswers } from '../../db/health';
import { UnavailableError } from '../errors';

/** Whether the server can serve: the database answers (migrations run before the server listens). */
export class HealthCheck {
  constructor(private readonly db: Database) {}

  async ready(): Promise<{ status: 'ok' }> {
    try {
      await databaseAnswers(this.db);
    } catch {
      throw new UnavailableError('数据库暂时不可用');
    }
    return { status: 'ok' };
  }
}
