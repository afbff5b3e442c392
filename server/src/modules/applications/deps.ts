import type { Database } from '../../db/database';
import type { AuditTrail } from '../audit/audit';
import type { FileService } from '../files';
import type { ApplicationEngine } from './engine';

/** What every application module is built from. */
export interface ApplicationDeps {
  db: Database;
  audit: AuditTrail;
  engine: ApplicationEngine;
  files: FileService;
  now: () => number;
}
