import type { Database } from '../../db/database';
import { outboxBacklog, overdueCasesByStage, poolUse } from '../../db/metrics';
import type { MetricsSource } from '../../metrics';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/** The metrics' questions to the database (server/src/metrics), asked outside any transaction at each scrape. */
export function databaseMetrics(db: Database, overdueDays: Partial<Record<ApplicationState, number>>): MetricsSource {
  return {
    outbox: (now) => db.read((tx) => outboxBacklog(tx, now)),
    overdueByStage: (now) => db.read((tx) => overdueCasesByStage(tx, overdueDays, now)),
    pool: () => poolUse(db),
  };
}
