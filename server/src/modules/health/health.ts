import type { Database } from '../../db/database';
import { UnavailableError } from '../errors';

/** Whether the server can serve: the database answers (migrations run before the server listens). */
export class HealthCheck {
  constructor(private readonly db: Database) {}

  async ready(): Promise<{ status: 'ok' }> {
    try {
      await this.db.query('SELECT 1 AS ok');
    } catch {
      throw new UnavailableError('数据库暂时不可用');
    }
    return { status: 'ok' };
  }
}
