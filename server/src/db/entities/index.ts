import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { OFFICIAL_ACCOUNT_ENTITIES } from './officialAccount';
import { NOTIFICATION_ENTITIES } from './notificationPrefs';
import { WECHAT_PAY_ENTITIES } from './wechatPay';
export * from './wechatPay';

/**
 * ORM mappings stay in the data layer: each schema maps a table to a plain row type, and the
 * repositories hand those plain objects (never ORM instances) to the modules.
 */

export const COUNTY_CODE_LENGTH = 6;

export type JsonObject = { [key: string]: unknown };

export interface UserRow {
  id: string;
  mpOpenid: string | null;
  unionid: string | null;
  oaOpenid: string | null;
  displayName: string | null;
  phone: string | null;
  status: 'active' | 'disabled';
  createdAt: number;
  updatedAt: number;
}
export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: col.id(),
    mpOpenid: { ...col.str(64, true), name: 'mp_openid' },
    unionid: { ...col.str(64, true) },
    oaOpenid: { ...col.str(64, true), name: 'oa_openid' },
    displayName: { ...col.str(64, true), name: 'display_name' },
    phone: col.str(32, true),
    status: col.str(16),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface UserRoleRow {
  id: string;
  userId: string;
  role: string;
  countyCode: string | null;
  grantedBy: string | null;
  invitationId: string | null;
  createdAt: number;
  revokedAt: number | null;
}
export const UserRoleEntity = new EntitySchema<UserRoleRow>({
  name: 'UserRole',
  tableName: 'user_roles',
  columns: {
    id: col.id(),
    userId: { ...col.ref(), name: 'user_id' },
    role: col.str(32),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH, true), name: 'county_code' },
    grantedBy: { ...col.ref(true), name: 'granted_by' },
    invitationId: { ...col.ref(true), name: 'invitation_id' },
    createdAt: { ...col.ms(), name: 'created_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
  },
});

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}
export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    // sha256 of the bearer token: a stolen database does not yield usable tokens.
    id: { type: 'varchar', length: 64, primary: true },
    userId: { ...col.ref(), name: 'user_id' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
  },
});

export interface InvitationRow {
  id: string;
  codeHash: string;
  role: string;
  countyCode: string | null;
  note: string | null;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedBy: string | null;
  usedAt: number | null;
  revokedAt: number | null;
  /** The last refusal of this code for a conflict of interest (DESIGN.md, "Four eyes"). */
  refusedAt: number | null;
  refusedBy: string | null;
  refusedReason: string | null;
}
export const InvitationEntity = new EntitySchema<InvitationRow>({
  name: 'Invitation',
  tableName: 'invitations',
  columns: {
    id: col.id(),
    codeHash: { type: 'varchar', length: 64, name: 'code_hash' },
    role: col.str(32),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH, true), name: 'county_code' },
    note: col.str(200, true),
    createdBy: { ...col.ref(true), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    usedBy: { ...col.ref(true), name: 'used_by' },
    usedAt: { ...col.ms(true), name: 'used_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
    refusedAt: { ...col.ms(true), name: 'refused_at' },
    refusedBy: { ...col.ref(true), name: 'refused_by' },
    refusedReason: { ...col.str(300, true), name: 'refused_reason' },
  },
});

export interface EnterpriseRow {
  id: string;
  creditCode: string;
  name: string;
  countyCode: string;
  establishedOn: string | null;
  industryCode: string | null;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  /** pending: the county has not yet checked the licence and letter of authorisation. */
  status: 'pending' | 'verified' | 'disputed' | 'rejected';
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}
export const EnterpriseEntity = new EntitySchema<EnterpriseRow>({
  name: 'Enterprise',
  tableName: 'enterprises',
  columns: {
    id: col.id(),
    creditCode: { ...col.str(18), name: 'credit_code' },
    name: col.str(100),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    establishedOn: { ...col.date(), name: 'established_on' },
    industryCode: { ...col.str(4, true), name: 'industry_code' },
    legalRepresentative: { ...col.str(50, true), name: 'legal_representative' },
    address: col.str(200, true),
    contactName: { ...col.str(50, true), name: 'contact_name' },
    contactPhone: { ...col.str(32, true), name: 'contact_phone' },
    status: col.str(16),
    version: col.version(),
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface EnterpriseMemberRow {
  id: string;
  enterpriseId: string;
  userId: string;
  memberRole: 'owner' | 'member';
  status: 'pending' | 'active' | 'removed';
  createdAt: number;
}
export const EnterpriseMemberEntity = new EntitySchema<EnterpriseMemberRow>({
  name: 'EnterpriseMember',
  tableName: 'enterprise_members',
  columns: {
    id: col.id(),
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    userId: { ...col.ref(), name: 'user_id' },
    memberRole: { ...col.str(16), name: 'member_role' },
    status: col.str(16),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface ProviderRow {
  id: string;
  ownerUserId: string;
  companyName: string;
  platformName: string | null;
  /** The filing (备案): draft → submitted → approved | returned | rejected, later revoked. */
  status: 'draft' | 'submitted' | 'approved' | 'returned' | 'rejected' | 'revoked';
  filingNo: string | null;
  /** 三（一）: the server's date at approval, never typed in; the date contracts are compared with. */
  approvedOn: string | null;
  revokedOn: string | null;
  form: JsonObject | null;
  version: number;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
export const ProviderEntity = new EntitySchema<ProviderRow>({
  name: 'Provider',
  tableName: 'providers',
  columns: {
    id: col.id(),
    ownerUserId: { ...col.ref(), name: 'owner_user_id' },
    companyName: { ...col.str(100), name: 'company_name' },
    platformName: { ...col.str(100, true), name: 'platform_name' },
    status: col.str(16),
    filingNo: { ...col.str(32, true), name: 'filing_no' },
    approvedOn: { ...col.date(), name: 'approved_on' },
    revokedOn: { ...col.date(), name: 'revoked_on' },
    form: col.json(),
    version: col.version(),
    submittedAt: { ...col.ms(true), name: 'submitted_at' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface ApplicationRow {
  id: string;
  trackingNo: string | null;
  enterpriseId: string;
  providerId: string | null;
  countyCode: string;
  status: string;
  version: number;
  /** The applicant's facts as last saved (spec/eligibility.md shape). */
  facts: JsonObject | null;
  contractNo: string | null;
  contractSignedOn: string | null;
  contractAmountFen: number | null;
  paidAmountFen: number | null;
  otherSubsidiesFen: number;
  /** Payable amount computed by the rules at submit. */
  subsidyFen: number | null;
  /** 核定金额, set by city MIIT, never above the payable amount. */
  verifiedFen: number | null;
  round: number;
  createdBy: string;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
  contractStart: string | null;
  contractEnd: string | null;
  /** 上云产品及服务 bought under the contract. */
  services: string | null;
  /** The subsidy goes to the enterprise's own account: the account name must be the enterprise's name. */
  bankAccountName: string | null;
  bankName: string | null;
  bankAccountNo: string | null;
  returnedFrom: 'provider' | 'county' | 'city' | null;
  /** Contract or payments changed since the provider last confirmed: it must confirm again. */
  contractChanged: boolean;
  settlementFormId: string | null;
  /** The provider's 上云效果评价 given when it confirms. */
  providerEvaluation: string | null;
  verifiedReason: string | null;
  /** The reasons of the last return, dispute or rejection, as the enterprise sees them. */
  lastReason: string | null;
  reportId: string | null;
  listId: string | null;
}
export const ApplicationEntity = new EntitySchema<ApplicationRow>({
  name: 'Application',
  tableName: 'applications',
  columns: {
    id: col.id(),
    trackingNo: { ...col.str(32, true), name: 'tracking_no' },
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    providerId: { ...col.ref(true), name: 'provider_id' },
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    status: col.str(32),
    version: col.version(),
    facts: col.json(),
    contractNo: { ...col.str(64, true), name: 'contract_no' },
    contractSignedOn: { ...col.date(), name: 'contract_signed_on' },
    contractAmountFen: { ...col.fen(true), name: 'contract_amount_fen' },
    paidAmountFen: { ...col.fen(true), name: 'paid_amount_fen' },
    otherSubsidiesFen: { ...col.fen(), name: 'other_subsidies_fen' },
    subsidyFen: { ...col.fen(true), name: 'subsidy_fen' },
    verifiedFen: { ...col.fen(true), name: 'verified_fen' },
    round: col.int(),
    createdBy: { ...col.ref(), name: 'created_by' },
    submittedAt: { ...col.ms(true), name: 'submitted_at' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
    contractStart: { ...col.date(), name: 'contract_start' },
    contractEnd: { ...col.date(), name: 'contract_end' },
    services: col.str(500, true),
    bankAccountName: { ...col.str(100, true), name: 'bank_account_name' },
    bankName: { ...col.str(100, true), name: 'bank_name' },
    bankAccountNo: { ...col.str(40, true), name: 'bank_account_no' },
    returnedFrom: { ...col.str(16, true), name: 'returned_from' },
    contractChanged: { ...col.bool(), name: 'contract_changed' },
    settlementFormId: { ...col.ref(true), name: 'settlement_form_id' },
    providerEvaluation: { ...col.text(), name: 'provider_evaluation' },
    verifiedReason: { ...col.text(), name: 'verified_reason' },
    lastReason: { ...col.text(), name: 'last_reason' },
    reportId: { ...col.ref(true), name: 'report_id' },
    listId: { ...col.ref(true), name: 'list_id' },
  },
});

export interface ApplicationEventRow {
  id: string;
  applicationId: string;
  seq: number;
  event: string;
  fromStatus: string | null;
  toStatus: string;
  actorId: string | null;
  actorRole: string | null;
  /** Shown to the enterprise (reasons to fix). */
  reason: string | null;
  /** Reviewers' internal note: never reaches the enterprise. */
  internalNote: string | null;
  data: JsonObject | null;
  createdAt: number;
}
export const ApplicationEventEntity = new EntitySchema<ApplicationEventRow>({
  name: 'ApplicationEvent',
  tableName: 'application_events',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    seq: col.int(),
    event: col.str(32),
    fromStatus: { ...col.str(32, true), name: 'from_status' },
    toStatus: { ...col.str(32), name: 'to_status' },
    actorId: { ...col.ref(true), name: 'actor_id' },
    actorRole: { ...col.str(32, true), name: 'actor_role' },
    reason: col.text(),
    internalNote: { ...col.text(), name: 'internal_note' },
    data: col.json(),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface ReviewOpinionRow {
  id: string;
  applicationId: string;
  round: number;
  level: 'county' | 'city';
  department: 'miit' | 'finance';
  reviewerId: string;
  decision: 'approve' | 'return' | 'reject';
  /** Fields and materials to fix, shown to the enterprise. */
  reasons: JsonObject[] | null;
  /** 上云效果 and 服务商服务质量, 1 (差) to 5 (优秀). */
  ratingEffect: number | null;
  ratingService: number | null;
  internalNote: string | null;
  createdAt: number;
}
export const ReviewOpinionEntity = new EntitySchema<ReviewOpinionRow>({
  name: 'ReviewOpinion',
  tableName: 'review_opinions',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    round: col.int(),
    level: col.str(8),
    department: col.str(8),
    reviewerId: { ...col.ref(), name: 'reviewer_id' },
    decision: col.str(8),
    reasons: col.json(),
    ratingEffect: { ...col.int(true), name: 'rating_effect' },
    ratingService: { ...col.int(true), name: 'rating_service' },
    internalNote: { ...col.text(), name: 'internal_note' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface StoredFileRow {
  id: string;
  ownerType: string;
  ownerId: string;
  kind: string;
  originalName: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  uploadedBy: string;
  /** A replaced file stays, pointing to its successor: the history keeps every version. */
  supersededBy: string | null;
  createdAt: number;
}
export const StoredFileEntity = new EntitySchema<StoredFileRow>({
  name: 'StoredFile',
  tableName: 'files',
  columns: {
    id: col.id(),
    ownerType: { ...col.str(32), name: 'owner_type' },
    ownerId: { ...col.ref(), name: 'owner_id' },
    kind: col.str(48),
    originalName: { ...col.str(255), name: 'original_name' },
    mime: col.str(64),
    sizeBytes: { ...col.ms(), name: 'size_bytes' },
    sha256: col.str(64),
    storageKey: { ...col.str(128), name: 'storage_key' },
    uploadedBy: { ...col.ref(), name: 'uploaded_by' },
    supersededBy: { ...col.ref(true), name: 'superseded_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface NotificationRow {
  id: string;
  /** One event, one recipient, one channel: a retry or a race can never enqueue or send it twice. */
  idempotencyKey: string;
  recipientUserId: string;
  channel: 'inbox' | 'mp_subscribe' | 'oa_template';
  template: string;
  payload: JsonObject | null;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead' | 'skipped';
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  readAt: number | null;
}
export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: 'Notification',
  tableName: 'notifications',
  columns: {
    id: col.id(),
    idempotencyKey: { ...col.str(191), name: 'idempotency_key' },
    recipientUserId: { ...col.ref(), name: 'recipient_user_id' },
    channel: col.str(16),
    template: col.str(64),
    payload: col.json(),
    status: col.str(16),
    attempts: col.int(),
    nextAttemptAt: { ...col.ms(), name: 'next_attempt_at' },
    leaseUntil: { ...col.ms(true), name: 'lease_until' },
    lastError: { ...col.str(500, true), name: 'last_error' },
    createdAt: { ...col.ms(), name: 'created_at' },
    sentAt: { ...col.ms(true), name: 'sent_at' },
    readAt: { ...col.ms(true), name: 'read_at' },
  },
});

export interface AuditRow {
  id: string;
  /** One hash chain per audited entity, so that writes to different entities never wait on one row. */
  chain: string;
  seq: number;
  action: string;
  actorId: string | null;
  entityType: string;
  entityId: string;
  data: JsonObject | null;
  prevHash: string;
  hash: string;
  createdAt: number;
}
export const AuditEntity = new EntitySchema<AuditRow>({
  name: 'Audit',
  tableName: 'audit_log',
  columns: {
    id: col.id(),
    chain: col.str(80),
    seq: col.int(),
    action: col.str(64),
    actorId: { ...col.ref(true), name: 'actor_id' },
    entityType: { ...col.str(32), name: 'entity_type' },
    entityId: { ...col.str(64), name: 'entity_id' },
    data: col.json(),
    prevHash: { ...col.str(64), name: 'prev_hash' },
    hash: col.str(64),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface AuditHeadRow {
  chain: string;
  seq: number;
  hash: string;
  updatedAt: number;
}
export const AuditHeadEntity = new EntitySchema<AuditHeadRow>({
  name: 'AuditHead',
  tableName: 'audit_heads',
  columns: {
    chain: { type: 'varchar', length: 80, primary: true },
    seq: col.int(),
    hash: col.str(64),
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface WechatTokenRow {
  appid: string;
  accessToken: string;
  expireTime: number;
  updatedAt: number;
}
export const WechatTokenEntity = new EntitySchema<WechatTokenRow>({
  name: 'WechatToken',
  tableName: 'wechat_tokens',
  columns: {
    appid: { type: 'varchar', length: 64, primary: true },
    accessToken: { type: 'varchar', length: 512, name: 'access_token' },
    expireTime: { ...col.ms(), name: 'expire_time' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface ProviderEventRow {
  id: string;
  providerId: string;
  seq: number;
  event: string;
  fromStatus: string | null;
  toStatus: string;
  actorId: string | null;
  /** Shown to the provider. */
  reason: string | null;
  data: JsonObject | null;
  createdAt: number;
}
export const ProviderEventEntity = new EntitySchema<ProviderEventRow>({
  name: 'ProviderEvent',
  tableName: 'provider_events',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    seq: col.int(),
    event: col.str(32),
    fromStatus: { ...col.str(32, true), name: 'from_status' },
    toStatus: { ...col.str(32), name: 'to_status' },
    actorId: { ...col.ref(true), name: 'actor_id' },
    reason: col.text(),
    data: col.json(),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface SequenceRow {
  name: string;
  value: number;
}
export const SequenceEntity = new EntitySchema<SequenceRow>({
  name: 'Sequence',
  tableName: 'sequences',
  columns: {
    name: { type: 'varchar', length: 64, primary: true },
    value: col.int(),
  },
});

export interface PaymentRow {
  id: string;
  applicationId: string;
  amountFen: number;
  paidOn: string;
  method: 'bank_transfer' | 'wechat_pay' | 'cash' | 'other';
  reference: string | null;
  /** manual: typed by the enterprise with a receipt; wechat_pay: seen by the platform itself. */
  source: 'manual' | 'wechat_pay';
  verified: boolean;
  recordedBy: string;
  createdAt: number;
  /** Removed payments stay for the history. */
  removedAt: number | null;
  /** A WeChat Pay order paid on the platform: this row is its receipt. */
  paymentRequestId: string | null;
}
export const PaymentEntity = new EntitySchema<PaymentRow>({
  name: 'Payment',
  tableName: 'application_payments',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    amountFen: { ...col.fen(), name: 'amount_fen' },
    paidOn: { ...col.date(false), name: 'paid_on' },
    method: col.str(16),
    reference: col.str(64, true),
    source: col.str(16),
    verified: col.bool(),
    recordedBy: { ...col.ref(), name: 'recorded_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    removedAt: { ...col.ms(true), name: 'removed_at' },
    paymentRequestId: { ...col.ref(true), name: 'payment_request_id' },
  },
});

export interface SettlementFormRow {
  id: string;
  providerId: string;
  version: number;
  status: 'generated' | 'signed' | 'superseded';
  signedFileId: string | null;
  createdBy: string;
  createdAt: number;
  signedAt: number | null;
}
export const SettlementFormEntity = new EntitySchema<SettlementFormRow>({
  name: 'SettlementForm',
  tableName: 'settlement_forms',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    version: col.int(),
    status: col.str(16),
    signedFileId: { ...col.ref(true), name: 'signed_file_id' },
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    signedAt: { ...col.ms(true), name: 'signed_at' },
  },
});

export interface SettlementFormItemRow {
  id: string;
  formId: string;
  applicationId: string;
  position: number;
  appliedFen: number;
  contractAmountFen: number;
  effectEvaluation: string | null;
}
export const SettlementFormItemEntity = new EntitySchema<SettlementFormItemRow>({
  name: 'SettlementFormItem',
  tableName: 'settlement_form_items',
  columns: {
    id: col.id(),
    formId: { ...col.ref(), name: 'form_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    position: col.int(),
    appliedFen: { ...col.fen(), name: 'applied_fen' },
    contractAmountFen: { ...col.fen(), name: 'contract_amount_fen' },
    effectEvaluation: { ...col.text(), name: 'effect_evaluation' },
  },
});

export interface JointReportRow {
  id: string;
  countyCode: string;
  docNo: string;
  reportDate: string;
  status: 'draft' | 'signing' | 'submitted';
  miitSignedBy: string | null;
  miitSignedAt: number | null;
  financeSignedBy: string | null;
  financeSignedAt: number | null;
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}
export const JointReportEntity = new EntitySchema<JointReportRow>({
  name: 'JointReport',
  tableName: 'joint_reports',
  columns: {
    id: col.id(),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    docNo: { ...col.str(64), name: 'doc_no' },
    reportDate: { ...col.date(false), name: 'report_date' },
    status: col.str(16),
    miitSignedBy: { ...col.ref(true), name: 'miit_signed_by' },
    miitSignedAt: { ...col.ms(true), name: 'miit_signed_at' },
    financeSignedBy: { ...col.ref(true), name: 'finance_signed_by' },
    financeSignedAt: { ...col.ms(true), name: 'finance_signed_at' },
    version: col.version(),
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface JointReportItemRow {
  id: string;
  reportId: string;
  applicationId: string;
  position: number;
}
export const JointReportItemEntity = new EntitySchema<JointReportItemRow>({
  name: 'JointReportItem',
  tableName: 'joint_report_items',
  columns: {
    id: col.id(),
    reportId: { ...col.ref(), name: 'report_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    position: col.int(),
  },
});

export interface SubsidyListRow {
  id: string;
  year: number;
  batchNo: number;
  status: 'draft' | 'cosigned' | 'notice' | 'approved';
  noticeStart: string | null;
  noticeEnd: string | null;
  draftedBy: string;
  cosignedBy: string | null;
  cosignedAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}
export const SubsidyListEntity = new EntitySchema<SubsidyListRow>({
  name: 'SubsidyList',
  tableName: 'subsidy_lists',
  columns: {
    id: col.id(),
    year: col.int(),
    batchNo: { ...col.int(), name: 'batch_no' },
    status: col.str(16),
    noticeStart: { ...col.date(), name: 'notice_start' },
    noticeEnd: { ...col.date(), name: 'notice_end' },
    draftedBy: { ...col.ref(), name: 'drafted_by' },
    cosignedBy: { ...col.ref(true), name: 'cosigned_by' },
    cosignedAt: { ...col.ms(true), name: 'cosigned_at' },
    approvedBy: { ...col.ref(true), name: 'approved_by' },
    approvedAt: { ...col.ms(true), name: 'approved_at' },
    version: col.version(),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface SubsidyListItemRow {
  id: string;
  listId: string;
  applicationId: string;
  verifiedFen: number;
  removedAt: number | null;
  removedReason: string | null;
}
export const SubsidyListItemEntity = new EntitySchema<SubsidyListItemRow>({
  name: 'SubsidyListItem',
  tableName: 'subsidy_list_items',
  columns: {
    id: col.id(),
    listId: { ...col.ref(), name: 'list_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    verifiedFen: { ...col.fen(), name: 'verified_fen' },
    removedAt: { ...col.ms(true), name: 'removed_at' },
    removedReason: { ...col.text(), name: 'removed_reason' },
  },
});

export interface ListObjectionRow {
  id: string;
  listId: string;
  applicationId: string;
  content: string | null;
  objector: string | null;
  receivedOn: string;
  decision: 'pending' | 'upheld' | 'dismissed';
  recordedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  createdAt: number;
}
export const ListObjectionEntity = new EntitySchema<ListObjectionRow>({
  name: 'ListObjection',
  tableName: 'list_objections',
  columns: {
    id: col.id(),
    listId: { ...col.ref(), name: 'list_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    content: col.text(),
    objector: col.str(100, true),
    receivedOn: { ...col.date(false), name: 'received_on' },
    decision: col.str(16),
    recordedBy: { ...col.ref(), name: 'recorded_by' },
    decidedBy: { ...col.ref(true), name: 'decided_by' },
    decidedAt: { ...col.ms(true), name: 'decided_at' },
    decisionReason: { ...col.text(), name: 'decision_reason' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface DisbursementRow {
  id: string;
  applicationId: string;
  seq: number;
  kind: 'payment' | 'correction' | 'reversal';
  /** Signed: a reversal or a downward correction is negative. */
  amountFen: number;
  voucherNo: string;
  paidOn: string;
  accountName: string;
  bankName: string;
  accountNo: string;
  reason: string | null;
  correctsId: string | null;
  recordedBy: string;
  createdAt: number;
}
export const DisbursementEntity = new EntitySchema<DisbursementRow>({
  name: 'Disbursement',
  tableName: 'disbursements',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    seq: col.int(),
    kind: col.str(16),
    amountFen: { ...col.fen(), name: 'amount_fen' },
    voucherNo: { ...col.str(64), name: 'voucher_no' },
    paidOn: { ...col.date(false), name: 'paid_on' },
    accountName: { ...col.str(100), name: 'account_name' },
    bankName: { ...col.str(100), name: 'bank_name' },
    accountNo: { ...col.str(40), name: 'account_no' },
    reason: col.text(),
    correctsId: { ...col.ref(true), name: 'corrects_id' },
    recordedBy: { ...col.ref(), name: 'recorded_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface EnterpriseInvitationRow {
  id: string;
  enterpriseId: string;
  codeHash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedBy: string | null;
  usedAt: number | null;
  /** Wrong tries on this code's enterprise while it was open; at JOIN_CODE_MAX_FAILURES it locks. */
  failedAttempts: number;
  lockedAt: number | null;
}
export const EnterpriseInvitationEntity = new EntitySchema<EnterpriseInvitationRow>({
  name: 'EnterpriseInvitation',
  tableName: 'enterprise_invitations',
  columns: {
    id: col.id(),
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    codeHash: { ...col.str(64), name: 'code_hash' },
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    usedBy: { ...col.ref(true), name: 'used_by' },
    usedAt: { ...col.ms(true), name: 'used_at' },
    failedAttempts: { ...col.int(), name: 'failed_attempts', default: 0 },
    lockedAt: { ...col.ms(true), name: 'locked_at' },
  },
});

export interface StageCountRow {
  countyCode: string;
  status: string;
  n: number;
}
export const StageCountEntity = new EntitySchema<StageCountRow>({
  name: 'StageCount',
  tableName: 'stage_counts',
  columns: {
    countyCode: { type: 'varchar', length: 6, primary: true, name: 'county_code' },
    status: { type: 'varchar', length: 32, primary: true },
    n: col.int(),
  },
});

export interface BudgetRow {
  year: number;
  budgetFen: number;
  setBy: string;
  version: number;
  updatedAt: number;
}
export const BudgetEntity = new EntitySchema<BudgetRow>({
  name: 'Budget',
  tableName: 'budgets',
  columns: {
    year: { type: 'int', primary: true },
    budgetFen: { ...col.fen(), name: 'budget_fen' },
    setBy: { ...col.ref(), name: 'set_by' },
    version: col.version(),
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

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
  SubsidyListEntity,
  SubsidyListItemEntity,
  ListObjectionEntity,
  DisbursementEntity,
  BudgetEntity,
  EnterpriseInvitationEntity,
  StageCountEntity,
  ...OFFICIAL_ACCOUNT_ENTITIES,
  ...NOTIFICATION_ENTITIES,
  ...WECHAT_PAY_ENTITIES,
];
