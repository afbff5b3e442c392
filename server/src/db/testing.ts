/**
 * What the tests, the benchmark and the screen scripts need of the database beyond the use cases'
 * questions: an empty schema between test files on MariaDB, rows put straight in for suites that start
 * a life in the middle, and the questions a test asks to check what was written. Split by aggregate
 * under testing/; never imported by server/src.
 */

export type {
  ApplicationEventRow,
  AuditRow,
  DisbursementRow,
  InvitationRow,
  NotificationRow,
  ProviderEventRow,
  ProviderRow,
  ReviewOpinionRow,
  StoredFileRow,
} from './entities';

export * from './testing/schema';
export * from './testing/seeding';
export * from './testing/rows';
export * from './testing/applications';
export * from './testing/audit';
export * from './testing/notifications';
export * from './testing/followers';
export * from './testing/payments';
