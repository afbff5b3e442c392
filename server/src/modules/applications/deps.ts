import type { Database } from '../../db/database';
import type { AuditTrail } from '../audit/audit';
import type { FileService } from '../files';
import type { ApplicationEngine } from './engine';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/** What every application module is built from. */
export interface ApplicationDeps {
  db: Database;
  audit: AuditTrail;
  engine: ApplicationEngine;
  files: FileService;
  now: () => number;
  /** Days a case may wait at each stage (config OVERDUE_DAYS). */
  overdueDays: Partial<Record<ApplicationState, number>>;
}
