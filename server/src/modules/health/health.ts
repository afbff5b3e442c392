import type { Database } from '../../db/database';
import { databaseAnswers } from '../../db/health';
import { UnavailableError } from '../errors';

/** Whether the server can serve: the database answers (migrations run before the server listens). */
export class HealthCheck {
  private stopping = false;

  constructor(private readonly db: Database) {}

  /** From the stop's first moment on, readiness fails: a load balancer takes the instance out. */
  markStopping(): void {
    this.stopping = true;
  }

  /**
   * Whether this instance should be sent traffic: not while it stops, not while the database is
   * unreachable, not while this release's migrations are still to run (another instance running them).
   */
  async readiness(): Promise<{ status: 'ok' }> {
    if (this.stopping) throw new UnavailableError('服务正在停止，请稍后再试');
    await this.ready();
    let pending: boolean;
    try {
      pending = await this.db.hasPendingMigrations();
    } catch {
      throw new UnavailableError('数据库暂时不可用');
    }
    if (pending) throw new UnavailableError('数据库正在升级，请稍后再试');
    return { status: 'ok' };
  }

  async ready(): Promise<{ status: 'ok' }> {
    try {
      await databaseAnswers(this.db);
    } catch {
      throw new UnavailableError('数据库暂时不可用');
    }
    return { status: 'ok' };
  }
}
