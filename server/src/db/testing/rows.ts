import type { Tx } from '../tx';
import {
  ApplicationEntity,
  ApplicationEventEntity,
  AuditEntity,
  AuditHeadEntity,
  DisbursementEntity,
  InvitationEntity,
  JointReportEntity,
  NotificationEntity,
  PaymentNotificationEntity,
  PaymentRefundEntity,
  ProviderEventEntity,
  ReviewOpinionEntity,
  SettlementFormEntity,
  StoredFileEntity,
  SubsidyListItemEntity,
  type ApplicationEventRow,
  type ApplicationRow,
  type AuditRow,
  type DisbursementRow,
  type InvitationRow,
  type JointReportRow,
  type NotificationRow,
  type PaymentNotificationRow,
  type PaymentRefundRow,
  type ProviderEventRow,
  type ReviewOpinionRow,
  type SettlementFormRow,
  type StoredFileRow,
} from '../entities';
import { OaMessageEntity, type OaMessageRow } from '../entities/officialAccount';
import { countMatching, rowsMatching, type RowMatch } from './match';

/** What a test checks was written: rows matching plain column values, per table. */

export type { RowMatch } from './match';

/** Audit records with these values, each chain in order. */
export function auditRecordsMatching(tx: Tx, match: RowMatch<AuditRow>): Promise<AuditRow[]> {
  return rowsMatching(tx, AuditEntity, match, true);
}

export function countAuditRecords(tx: Tx, match: RowMatch<AuditRow>): Promise<number> {
  return countMatching(tx, AuditEntity, match);
}

/** How many audit chains have a head. */
export function countAuditHeads(tx: Tx): Promise<number> {
  return countMatching(tx, AuditHeadEntity, {});
}

/** Outbox rows (every channel, the inbox too) with these values. */
export function notificationsMatching(tx: Tx, match: RowMatch<NotificationRow>): Promise<NotificationRow[]> {
  return rowsMatching(tx, NotificationEntity, match, false);
}

export function countNotifications(tx: Tx, match: RowMatch<NotificationRow>): Promise<number> {
  return countMatching(tx, NotificationEntity, match);
}

export function invitationsMatching(tx: Tx, match: RowMatch<InvitationRow>): Promise<InvitationRow[]> {
  return rowsMatching(tx, InvitationEntity, match, false);
}

export function countInvitations(tx: Tx, match: RowMatch<InvitationRow>): Promise<number> {
  return countMatching(tx, InvitationEntity, match);
}

/** File rows with these values, every version. */
export function storedFilesMatching(tx: Tx, match: RowMatch<StoredFileRow>): Promise<StoredFileRow[]> {
  return rowsMatching(tx, StoredFileEntity, match, false);
}

/** Application history rows with these values, in order. */
export function applicationEventsMatching(tx: Tx, match: RowMatch<ApplicationEventRow>): Promise<ApplicationEventRow[]> {
  return rowsMatching(tx, ApplicationEventEntity, match, true);
}

export function countApplicationEvents(tx: Tx, match: RowMatch<ApplicationEventRow>): Promise<number> {
  return countMatching(tx, ApplicationEventEntity, match);
}

/** Ledger entries with these values, in order. */
export function disbursementsMatching(tx: Tx, match: RowMatch<DisbursementRow>): Promise<DisbursementRow[]> {
  return rowsMatching(tx, DisbursementEntity, match, true);
}

export function countDisbursements(tx: Tx, match: RowMatch<DisbursementRow>): Promise<number> {
  return countMatching(tx, DisbursementEntity, match);
}

/** A list's items, removed ones too. */
export function countListItems(tx: Tx, listId: string): Promise<number> {
  return countMatching(tx, SubsidyListItemEntity, { listId });
}

/** Review opinions with these values, internal notes included. */
export function reviewOpinionsMatching(tx: Tx, match: RowMatch<ReviewOpinionRow>): Promise<ReviewOpinionRow[]> {
  return rowsMatching(tx, ReviewOpinionEntity, match, false);
}

/** A provider filing's history rows, in order. */
export function providerEventsMatching(tx: Tx, match: RowMatch<ProviderEventRow>): Promise<ProviderEventRow[]> {
  return rowsMatching(tx, ProviderEventEntity, match, true);
}

/** Applications with these values, every stage (drafts too), in no particular order. */
export function applicationsMatching(tx: Tx, match: RowMatch<ApplicationRow>): Promise<ApplicationRow[]> {
  return rowsMatching(tx, ApplicationEntity, match, false);
}

export function countApplications(tx: Tx, match: RowMatch<ApplicationRow>): Promise<number> {
  return countMatching(tx, ApplicationEntity, match);
}

/** File rows with these values, every version. */
export function countStoredFiles(tx: Tx, match: RowMatch<StoredFileRow>): Promise<number> {
  return countMatching(tx, StoredFileEntity, match);
}

/** Review opinions with these values, every level and round. */
export function countReviewOpinions(tx: Tx, match: RowMatch<ReviewOpinionRow>): Promise<number> {
  return countMatching(tx, ReviewOpinionEntity, match);
}

/** Settlement forms (结算单) with these values, every version. */
export function countSettlementForms(tx: Tx, match: RowMatch<SettlementFormRow>): Promise<number> {
  return countMatching(tx, SettlementFormEntity, match);
}

/** Joint reports (联合上报) with these values. */
export function countJointReports(tx: Tx, match: RowMatch<JointReportRow>): Promise<number> {
  return countMatching(tx, JointReportEntity, match);
}

/** WeChat Pay's notifications recorded (each one once, however often delivered). */
export function countPaymentNotifications(tx: Tx, match: RowMatch<PaymentNotificationRow>): Promise<number> {
  return countMatching(tx, PaymentNotificationEntity, match);
}

export function countPaymentRefunds(tx: Tx, match: RowMatch<PaymentRefundRow>): Promise<number> {
  return countMatching(tx, PaymentRefundEntity, match);
}

/** Official-account messages and events handled (one row each, however often WeChat sent it). */
export function countOaMessages(tx: Tx, match: RowMatch<OaMessageRow>): Promise<number> {
  return countMatching(tx, OaMessageEntity, match);
}
