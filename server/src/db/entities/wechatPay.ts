import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface MerchantAccountRow {
  id: string;
  providerId: string;
  mchid: string;
  appid: string;
  /** The merchant certificate's serial: WeChat Pay looks up our request signatures by it. */
  serialNo: string;
  /** APIv3 key and merchant private key, sealed with PAY_SECRETS_KEY (payments/secretBox.ts). */
  secrets: string;
  /** WeChat Pay's keys that sign its answers and callbacks: [{id, pem}], id = PUB_KEY_ID_… or a platform certificate serial. */
  platformKeys: { id: string; pem: string }[];
  status: 'active' | 'unlinked';
  version: number;
  linkedBy: string;
  linkedAt: number;
  updatedAt: number;
}
export const MerchantAccountEntity = new EntitySchema<MerchantAccountRow>({
  name: 'MerchantAccount',
  tableName: 'merchant_accounts',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    mchid: col.str(32),
    appid: col.str(64),
    serialNo: { ...col.str(64), name: 'serial_no' },
    secrets: col.text(false),
    platformKeys: { ...col.json(false), name: 'platform_keys' },
    status: col.str(16),
    version: col.version(),
    linkedBy: { ...col.ref(), name: 'linked_by' },
    linkedAt: { ...col.ms(), name: 'linked_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export type PaymentRequestStatus = 'created' | 'ordering' | 'open' | 'paid' | 'closed' | 'failed';

export interface PaymentRequestRow {
  id: string;
  providerId: string;
  merchantAccountId: string;
  enterpriseId: string;
  applicationId: string | null;
  amountFen: number;
  description: string;
  contractNo: string | null;
  catalogueItem: string | null;
  createdBy: string;
  createdByRole: 'provider' | 'enterprise';
  /** Fixed when the request is made: every order call for it uses this number, so WeChat Pay never sees two orders. */
  outTradeNo: string;
  status: PaymentRequestStatus;
  payerOpenid: string | null;
  prepayId: string | null;
  prepayAt: number | null;
  /** While an order call is in flight (status ordering): nobody else calls until it passes. */
  leaseUntil: number | null;
  /** The order's time_expire. */
  expiresAt: number;
  transactionId: string | null;
  paidAt: number | null;
  paidOn: string | null;
  refundedFen: number;
  checkedAt: number | null;
  checkCount: number;
  /** What reconciliation could not settle, shown to city MIIT and the provider. */
  problem: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}
export const PaymentRequestEntity = new EntitySchema<PaymentRequestRow>({
  name: 'PaymentRequest',
  tableName: 'payment_requests',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    merchantAccountId: { ...col.ref(), name: 'merchant_account_id' },
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    applicationId: { ...col.ref(true), name: 'application_id' },
    amountFen: { ...col.fen(), name: 'amount_fen' },
    description: col.str(127),
    contractNo: { ...col.str(64, true), name: 'contract_no' },
    catalogueItem: { ...col.str(64, true), name: 'catalogue_item' },
    createdBy: { ...col.ref(), name: 'created_by' },
    createdByRole: { ...col.str(16), name: 'created_by_role' },
    outTradeNo: { ...col.str(32), name: 'out_trade_no' },
    status: col.str(16),
    payerOpenid: { ...col.str(128, true), name: 'payer_openid' },
    prepayId: { ...col.str(128, true), name: 'prepay_id' },
    prepayAt: { ...col.ms(true), name: 'prepay_at' },
    leaseUntil: { ...col.ms(true), name: 'lease_until' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    transactionId: { ...col.str(64, true), name: 'transaction_id' },
    paidAt: { ...col.ms(true), name: 'paid_at' },
    paidOn: { ...col.date(true), name: 'paid_on' },
    refundedFen: { ...col.fen(), name: 'refunded_fen' },
    checkedAt: { ...col.ms(true), name: 'checked_at' },
    checkCount: { ...col.int(), name: 'check_count' },
    problem: col.str(500, true),
    version: col.version(),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface PaymentRefundRow {
  id: string;
  paymentRequestId: string;
  outRefundNo: string;
  refundId: string | null;
  amountFen: number;
  reason: string | null;
  status: 'requested' | 'processing' | 'succeeded' | 'failed';
  /** platform: asked for here by the provider; merchant: made in WeChat Pay's merchant console and learnt by callback or bill. */
  origin: 'platform' | 'merchant';
  requestedBy: string | null;
  leaseUntil: number | null;
  succeededAt: number | null;
  succeededOn: string | null;
  createdAt: number;
  updatedAt: number;
}
export const PaymentRefundEntity = new EntitySchema<PaymentRefundRow>({
  name: 'PaymentRefund',
  tableName: 'payment_refunds',
  columns: {
    id: col.id(),
    paymentRequestId: { ...col.ref(), name: 'payment_request_id' },
    outRefundNo: { ...col.str(64), name: 'out_refund_no' },
    refundId: { ...col.str(64, true), name: 'refund_id' },
    amountFen: { ...col.fen(), name: 'amount_fen' },
    reason: col.str(80, true),
    status: col.str(16),
    origin: col.str(16),
    requestedBy: { ...col.ref(true), name: 'requested_by' },
    leaseUntil: { ...col.ms(true), name: 'lease_until' },
    succeededAt: { ...col.ms(true), name: 'succeeded_at' },
    succeededOn: { ...col.date(true), name: 'succeeded_on' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface PaymentNotificationRow {
  /** WeChat Pay's notification id: a second delivery of it is recognised. */
  id: string;
  merchantAccountId: string;
  eventType: string;
  outcome: string;
  receivedAt: number;
}
export const PaymentNotificationEntity = new EntitySchema<PaymentNotificationRow>({
  name: 'PaymentNotification',
  tableName: 'payment_notifications',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    merchantAccountId: { ...col.ref(), name: 'merchant_account_id' },
    eventType: { ...col.str(32), name: 'event_type' },
    outcome: col.str(32),
    receivedAt: { ...col.ms(), name: 'received_at' },
  },
});

export interface PaymentDiscrepancyRow {
  id: string;
  merchantAccountId: string;
  providerId: string;
  billDate: string;
  outTradeNo: string;
  kind: 'missing_here' | 'missing_there' | 'amount_mismatch' | 'refund_mismatch' | 'unsettled';
  message: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  foundAt: number;
  resolvedAt: number | null;
}
export const PaymentDiscrepancyEntity = new EntitySchema<PaymentDiscrepancyRow>({
  name: 'PaymentDiscrepancy',
  tableName: 'payment_discrepancies',
  columns: {
    id: col.id(),
    merchantAccountId: { ...col.ref(), name: 'merchant_account_id' },
    providerId: { ...col.ref(), name: 'provider_id' },
    billDate: { ...col.date(false), name: 'bill_date' },
    outTradeNo: { ...col.str(64), name: 'out_trade_no' },
    kind: col.str(32),
    message: col.str(300),
    ours: col.json(),
    theirs: col.json(),
    foundAt: { ...col.ms(), name: 'found_at' },
    resolvedAt: { ...col.ms(true), name: 'resolved_at' },
  },
});

export interface TradeBillCheckRow {
  merchantAccountId: string;
  billDate: string;
  /** not_ready: no bill yet (NO_STATEMENT_EXIST before it is due); pending: refunds on it not yet finished. */
  outcome: 'agreed' | 'disagreed' | 'failed' | 'pending' | 'not_ready';
  billRows: number;
  disagreements: number;
  error: string | null;
  checkedAt: number;
}
export const TradeBillCheckEntity = new EntitySchema<TradeBillCheckRow>({
  name: 'TradeBillCheck',
  tableName: 'trade_bill_checks',
  columns: {
    merchantAccountId: { ...col.ref(), primary: true, name: 'merchant_account_id' },
    billDate: { ...col.date(false), primary: true, name: 'bill_date' },
    outcome: col.str(16),
    billRows: { ...col.int(), name: 'bill_rows' },
    disagreements: col.int(),
    error: col.str(300, true),
    checkedAt: { ...col.ms(), name: 'checked_at' },
  },
});

export const WECHAT_PAY_ENTITIES = [
  MerchantAccountEntity,
  PaymentRequestEntity,
  PaymentRefundEntity,
  PaymentNotificationEntity,
  PaymentDiscrepancyEntity,
  TradeBillCheckEntity,
];
