import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { COUNTY_CODE_LENGTH, JsonObject } from './common';

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
  /** The round (申报批次) it was submitted in; null while a draft, and for applications from before rounds. */
  roundId?: string | null;
  /** After a return: the last day a correction is accepted, also after the round's window. */
  correctionDueOn?: string | null;
  /** The policy version (PolicyVersion.id) it was judged under: set at its first submission, kept through corrections. */
  policyVersionId?: string | null;
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
    roundId: { ...col.ref(true), name: 'round_id' },
    correctionDueOn: { ...col.date(), name: 'correction_due_on' },
    policyVersionId: { ...col.str(64, true), name: 'policy_version_id' },
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
