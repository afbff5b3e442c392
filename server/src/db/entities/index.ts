/**
 * ORM mappings stay in the data layer: each schema maps a table to a plain row type, and the
 * repositories hand those plain objects (never ORM instances) to the modules.
 */

import type { EntitySchema } from 'typeorm';
import { OFFICIAL_ACCOUNT_ENTITIES } from './officialAccount';
import { NOTIFICATION_ENTITIES } from './notificationPrefs';
import { WECHAT_PAY_ENTITIES } from './wechatPay';
export * from './wechatPay';
export * from './users';
export * from './enterprises';
export * from './providers';
export * from './applications';
export * from './opinions';
export * from './files';
export * from './notifications';
export * from './audit';
export * from './system';
export * from './settlementForms';
export * from './jointReports';
export * from './lists';
export * from './ledger';
export * from './common';
export * from './rounds';

import { UserEntity, UserRoleEntity, SessionEntity, InvitationEntity } from './users';
import { EnterpriseEntity, EnterpriseMemberEntity, EnterpriseInvitationEntity, EnterpriseProfileChangeEntity } from './enterprises';
import { ProviderEntity, ProviderEventEntity } from './providers';
import { ApplicationEntity, ApplicationEventEntity, PaymentEntity, StageCountEntity } from './applications';
import { ReviewOpinionEntity } from './opinions';
import { StoredFileEntity } from './files';
import { NotificationEntity } from './notifications';
import { AuditEntity, AuditHeadEntity } from './audit';
import { WechatTokenEntity, SequenceEntity } from './system';
import { SettlementFormEntity, SettlementFormItemEntity } from './settlementForms';
import { DocumentVersionEntity, JointReportEntity, JointReportItemEntity } from './jointReports';
import { SubsidyListEntity, SubsidyListItemEntity, ListObjectionEntity, BudgetEntity } from './lists';
import { RoundEntity, RoundReminderEntity } from './rounds';
import { DisbursementEntity, AccountChangeEntity, LedgerConfirmationEntity } from './ledger';

export const ENTITIES: EntitySchema[] = [
  UserEntity,
  UserRoleEntity,
  SessionEntity,
  InvitationEntity,
  EnterpriseEntity,
  EnterpriseMemberEntity,
  ProviderEntity,
  ApplicationEntity,
  ApplicationEventEntity,
  ReviewOpinionEntity,
  StoredFileEntity,
  NotificationEntity,
  AuditEntity,
  AuditHeadEntity,
  WechatTokenEntity,
  ProviderEventEntity,
  SequenceEntity,
  PaymentEntity,
  SettlementFormEntity,
  SettlementFormItemEntity,
  JointReportEntity,
  JointReportItemEntity,
  DocumentVersionEntity,
  SubsidyListEntity,
  SubsidyListItemEntity,
  ListObjectionEntity,
  DisbursementEntity,
  AccountChangeEntity,
  LedgerConfirmationEntity,
  BudgetEntity,
  EnterpriseInvitationEntity,
  StageCountEntity,
  EnterpriseProfileChangeEntity,
  RoundEntity,
  RoundReminderEntity,
  ...OFFICIAL_ACCOUNT_ENTITIES,
  ...NOTIFICATION_ENTITIES,
  ...WECHAT_PAY_ENTITIES,
];
