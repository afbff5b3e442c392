/**
 * The shapes of the server's answers, as its routes build them (server/src/modules/**). shared/ carries the
 * request contracts (mp:sync brings them here); the answers are written down here, by hand, from the
 * server's views — the pages' tests run against the real server, so a drift shows there.
 */
import type { Role } from '../shared/contracts/roles';
import type { ApplicationState } from '../shared/workflow/application';
import type { FilingState } from '../shared/workflow/providerFiling';
import type { Declarations, EnterpriseProfile } from '../shared/contracts/application';
import type { ProviderFilingForm } from '../shared/contracts/providerFiling';
import type { FilingIssue } from '../shared/rules/filingSubmit';

export interface RoleScope {
  role: Role;
  countyCode: string | null;
}

export interface PublicUser {
  id: string;
  roles: Role[];
  scopes: RoleScope[];
}

export interface LoginResponse {
  token: string;
  expiresAt: number;
  user: PublicUser;
}

export interface PolicyInfo {
  policy: string;
  title: string;
  effectiveFrom: string;
  asOf: string;
  ratePercent: number | null;
  capFen: number;
  formula: string;
  contact: { department: string; phone: string };
}

// ---- notifications ---------------------------------------------------------------------------------------

export interface InboxItem {
  id: string;
  template: string;
  title: string;
  body: string;
  page: string;
  createdAt: number;
  readAt: number | null;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  unreadCount: number;
}

export type TemplateGroup = 'progress' | 'queue' | 'digest';
export type PreferenceChannel = 'inbox' | 'mp_subscribe' | 'oa_template';

export interface GroupPreference {
  label: string;
  inbox: boolean;
  mp_subscribe: boolean;
  oa_template: boolean;
  inboxLocked: boolean;
}

export interface NotificationPreferences {
  groups: Record<TemplateGroup, GroupPreference>;
  quietHours: { start: string; end: string } | null;
  subscribeTemplateIds: Record<TemplateGroup, string[]>;
}

export interface PreferencesInput {
  groups?: Partial<Record<TemplateGroup, Partial<Record<PreferenceChannel, boolean>>>>;
  quietHours?: { start: string; end: string } | null;
}

export interface BindingCode {
  code: string;
  expiresAt: number;
  ttlSeconds: number;
  howTo: string;
}

export interface BindingStatus {
  bound: boolean;
  followed: boolean | null;
}

// ---- materials -------------------------------------------------------------------------------------------

export interface StoredFile {
  id: string;
  ownerType: string;
  ownerId: string;
  kind: string;
  name: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  createdAt: number;
  uploadedBy: string;
  supersededBy: string | null;
}

// ---- the enterprise --------------------------------------------------------------------------------------

export type EnterpriseStatus = 'pending' | 'verified' | 'disputed' | 'rejected';

export interface EnterpriseView extends Omit<EnterpriseProfile, 'countyCode' | 'industryCode'> {
  id: string;
  countyCode: string;
  countyName: string | null;
  status: EnterpriseStatus;
  statusLabel: string;
  industryCode: string | null;
  establishedOn: string;
  version: number;
}

export interface MissingItem {
  path: string;
  message: string;
}

export interface ReasonItem {
  field?: string | null;
  material?: string | null;
  path?: string | null;
  message: string;
}

export interface PaymentView {
  id: string;
  amountFen: number;
  paidOn: string;
  method: string;
  reference: string | null;
  source: string;
  verified: boolean;
}

/** The enterprise's own view of a payment line: a platform payment names its payment request. */
export interface ApplicationPaymentView extends PaymentView {
  paymentRequestId: string | null;
}

export interface ApplicationSummary {
  id: string;
  trackingNo: string | null;
  status: ApplicationState;
  statusLabel: string;
  version: number;
  contractAmountFen: number | null;
  subsidyFen: number | null;
  verifiedFen: number | null;
  updatedAt: number;
}

export interface ApplicationView extends ApplicationSummary {
  enterpriseId: string;
  countyCode: string;
  contract: {
    providerId: string | null;
    contractNo: string | null;
    signedOn: string | null;
    start: string | null;
    end: string | null;
    amountFen: number | null;
    services: string | null;
  };
  declarations: Declarations | null;
  bank: { accountName: string | null; bankName: string | null; accountNo: string | null };
  paidAmountFen: number;
  payments: ApplicationPaymentView[];
  lastReason: string | null;
  returnedFrom: 'provider' | 'county' | 'city' | null;
  opinions: { level: string; department: string | null; decision: string; reasons: ReasonItem[] | null; round: number; at: number }[];
  submittedAt: number | null;
}

export interface ApplicationEnvelope {
  application: ApplicationView;
  missing: MissingItem[];
  editable: boolean;
}

export interface ApplicationEvent {
  seq: number;
  event: string;
  from: string | null;
  to: string;
  toLabel: string;
  reason: string | null;
  at: number;
}

// ---- providers -------------------------------------------------------------------------------------------

export interface ProviderCard {
  id: string;
  companyName: string;
  platformName: string | null;
  platformUrl: string | null;
  filingNo: string | null;
  approvedOn: string | null;
  status: FilingState;
  revokedOn: string | null;
  selectable: boolean;
  functions: { value: string; label: string }[];
  catalogue: {
    id?: string;
    name?: string;
    description?: string;
    priceFen?: number;
    yichunPriceFen: number | null;
    unit?: string;
    unitLabel: string | null;
  }[];
  offers: { id?: string; title?: string; description?: string; validFrom: string | null; validTo: string | null }[];
  contact: { name: string | null; phone: string | null; mobile: string | null } | null;
  /** The provider has linked a merchant account: the enterprise may pay it with WeChat Pay here. */
  wechatPay: boolean;
}

export interface FilingSummary {
  id: string;
  companyName: string;
  platformName: string | null;
  status: FilingState;
  statusLabel: string;
  filingNo: string | null;
  approvedOn: string | null;
  revokedOn: string | null;
  version: number;
  submittedAt: number | null;
  updatedAt: number;
}

export interface FilingView extends FilingSummary {
  applicantLabel: string;
  form: ProviderFilingForm;
  createdAt: number;
}

export interface FilingEnvelope {
  filing: FilingView | null;
  missing: FilingIssue[];
}

export interface FilingEvent {
  seq: number;
  event: string;
  from: string | null;
  to: string;
  reason: string | null;
  at: number;
  byReviewer: boolean;
}

export interface FilingChecklist {
  filing: FilingSummary;
  conditions: {
    no: number;
    clause: string;
    text: string;
    fields: { label: string; value: string }[];
    materials: { kind: string; label: string; files: { id: string; name: string }[] }[];
  }[];
  otherMaterials: { id: string; kind: string; label: string; name: string }[];
}

export interface Page<T> {
  items: T[];
  counts: Record<string, number>;
  next: string | null;
}

export interface ProviderApplicationItem {
  id: string;
  trackingNo: string | null;
  enterpriseName: string;
  countyName: string;
  contractNo: string | null;
  contractAmountFen: number | null;
  appliedFen: number | null;
  status: ApplicationState;
  statusLabel: string;
  version: number;
  settlementFormId: string | null;
  updatedAt: number;
}

export interface ProviderApplicationDetail {
  application: {
    id: string;
    trackingNo: string | null;
    status: ApplicationState;
    statusLabel: string;
    applicantLabel: string;
    version: number;
    enterpriseName: string;
    countyName: string;
    contract: {
      no: string | null;
      signedOn: string | null;
      start: string | null;
      end: string | null;
      amountFen: number | null;
      services: string | null;
    };
    paidAmountFen: number;
    appliedFen: number | null;
    payments: PaymentView[];
    effectEvaluation: string | null;
    lastReason: string | null;
    settlementFormId: string | null;
  };
}

export interface SettlementForm {
  id: string;
  providerId: string;
  version: number;
  status: 'generated' | 'signed' | 'superseded';
  statusLabel: string;
  createdAt: number;
  signedAt: number | null;
  totalAppliedFen: number;
  scans: { id: string; name: string; createdAt: number }[];
  items: {
    position: number;
    applicationId: string;
    trackingNo: string | null;
    enterpriseName: string;
    appliedFen: number;
    contractAmountFen: number;
    effectEvaluation: string | null;
    applicationStatus: string | null;
    current: boolean;
  }[];
}

// ---- reviewers -------------------------------------------------------------------------------------------

export interface Flag {
  code: string;
  message: string;
  refs?: string[];
}

export interface CountyQueueItem {
  id: string;
  trackingNo: string | null;
  enterpriseName: string;
  contractNo: string | null;
  contractAmountFen: number | null;
  subsidyFen: number | null;
  status: ApplicationState;
  statusLabel: string;
  version: number;
  round: number;
  myOpinion: string | null;
  otherOpinion: string | null;
  waitingDays: number;
  overdue: boolean;
  updatedAt: number;
}

export interface ReviewMaterial {
  id: string;
  kind: string;
  name: string;
  mime?: string;
  supersededBy?: string | null;
  /** Other owners holding the same bytes: shown to reviewers only (DESIGN.md "Materials"). */
  duplicateOf?: { ownerType: string; ownerId: string }[];
}

export interface CountyOpinionView {
  id: string;
  round: number;
  department: string;
  departmentLabel: string;
  decision: string;
  decisionLabel: string;
  reasons: ReasonItem[];
  ratings: { effect: number | null; effectLabel: string | null; service: number | null; serviceLabel: string | null };
  internalNote: string | null;
  reviewerName: string | null;
  createdAt: number;
}

export interface CountyDetail {
  flags: Flag[];
  application: {
    id: string;
    trackingNo: string | null;
    status: ApplicationState;
    statusLabel: string;
    version: number;
    round: number;
    countyName: string;
    contract: {
      no: string | null;
      signedOn: string | null;
      start: string | null;
      end: string | null;
      amountFen: number | null;
      services: string | null;
    };
    paidAmountFen: number;
    otherSubsidiesFen: number;
    subsidyFen: number | null;
    bankAccount: { name: string | null; bank: string | null; accountNo: string | null; nameMatchesEnterprise: boolean };
    providerEvaluation: string | null;
    lastReason: string | null;
  };
  enterprise: {
    id: string;
    name: string;
    creditCode: string;
    status: EnterpriseStatus;
    legalRepresentative: string | null;
    contactName: string | null;
    contactPhone: string | null;
  } | null;
  provider: { id: string; companyName: string; filingNo: string | null; approvedOn: string | null; status: string } | null;
  payments: (PaymentView & { removedAt: number | null })[];
  materials: ReviewMaterial[];
  settlementForm: {
    id: string;
    version: number;
    status: string;
    signed: boolean;
    files: { id: string; name: string; mime: string; supersededBy: string | null }[];
  } | null;
  opinions: CountyOpinionView[];
  history: {
    seq: number;
    event: string;
    to: string;
    actorRole: string | null;
    actorName: string | null;
    reason: string | null;
    at: number;
  }[];
  myDepartment: 'miit' | 'finance';
  myOpinionThisRound: string | null;
  otherOpinionThisRound: string | null;
}

export interface CityQueueItem {
  id: string;
  trackingNo: string | null;
  status: ApplicationState;
  statusLabel: string;
  version: number;
  countyName: string | null;
  enterprise: { id: string; name: string; creditCode: string };
  provider: { id: string; name: string } | null;
  contractAmountFen: number | null;
  subsidyFen: number | null;
  verifiedFen: number | null;
  listId: string | null;
  updatedAt: number;
}

export interface LedgerEntry {
  id: string;
  applicationId: string;
  seq: number;
  kind: 'payment' | 'correction' | 'reversal';
  kindLabel?: string;
  amountFen: number;
  voucherNo: string;
  paidOn: string;
  accountName: string;
  bankName: string;
  accountNo: string;
  reason: string | null;
  correctsId: string | null;
  createdAt: number;
}

export interface CityDetail {
  flags: Flag[];
  application: {
    id: string;
    trackingNo: string | null;
    status: ApplicationState;
    statusLabel: string;
    version: number;
    countyName: string | null;
    contractNo: string | null;
    contractSignedOn: string | null;
    services: string | null;
    contractAmountFen: number | null;
    paidAmountFen: number | null;
    otherSubsidiesFen: number;
    subsidyFen: number | null;
    verifiedFen: number | null;
    verifiedReason: string | null;
    providerEvaluation: string | null;
    lastReason: string | null;
    bankAccount: { accountName: string | null; bankName: string | null; accountNo: string | null; matchesEnterprise: boolean };
  };
  enterprise: { id: string; name: string; creditCode: string; status: EnterpriseStatus } | null;
  provider: { id: string; companyName: string; filingNo: string | null; status: string } | null;
  amount: { on: string; payableFen: number; computedFen: number; capped: boolean };
  opinions: {
    id: string;
    round: number;
    level: string;
    department: string | null;
    decision: string;
    reasons: ReasonItem[] | null;
    ratingEffect: number | null;
    ratingService: number | null;
    internalNote: string | null;
    createdAt: number;
  }[];
  history: { seq: number; event: string; to: string; actorRole: string | null; reason: string | null; at: number }[];
  payments: PaymentView[];
  paymentsTotalFen: number;
  materials: { id: string; kind: string; name: string }[];
  list: { id: string; year: number; batchNo: number; status: string } | null;
  ledger: { entries: LedgerEntry[]; netFen: number };
}

export interface EnterpriseClaim {
  memberId: string;
  userId: string;
  createdAt: number;
}

export type CountyEnterprise = EnterpriseView & { claims: EnterpriseClaim[] };

export interface JointReportSummary {
  id: string;
  countyName: string;
  docNo: string;
  reportDate: string;
  status: 'draft' | 'signing' | 'submitted';
  statusLabel: string;
  version: number;
  miitSignedAt: number | null;
  financeSignedAt: number | null;
  applicationCount?: number;
  totalAppliedFen?: number;
}

export interface JointReport extends JointReportSummary {
  items: {
    applicationId: string;
    trackingNo: string | null;
    enterpriseName: string;
    providerName: string;
    contractAmountFen: number | null;
    appliedFen: number | null;
    statusLabel: string;
  }[];
}

export interface BudgetView {
  budget: {
    year: number;
    budgetFen: number | null;
    version: number | null;
    committedFen: number;
    reservedFen: number;
    disbursedNetFen: number;
    remainingFen: number | null;
  };
}

export interface ListSummary {
  id: string;
  year: number;
  batchNo: number;
  title: string;
  status: 'draft' | 'cosigned' | 'notice' | 'approved';
  statusLabel: string;
  noticeStart: string | null;
  noticeEnd: string | null;
  version: number;
  itemCount: number;
  verifiedTotalFen: number;
}

export interface ListObjection {
  id: string;
  applicationId: string;
  content: string;
  objector: string | null;
  receivedOn: string;
  decision: 'pending' | 'upheld' | 'dismissed';
  decisionLabel: string;
  decisionReason: string | null;
}

export interface ListDetail {
  list: {
    id: string;
    year: number;
    batchNo: number;
    title: string;
    status: ListSummary['status'];
    statusLabel: string;
    noticeStart: string | null;
    noticeEnd: string | null;
    version: number;
  };
  items: (CityQueueItem & { itemVerifiedFen: number; pendingObjections: number })[];
  removedItems: (CityQueueItem & { removedReason: string | null })[];
  totals: { count: number; verifiedFen: number; payableFen: number; contractAmountFen: number };
  budgetWarning: string | null;
  objections: ListObjection[];
  approvalBlockers: string[];
}

export interface LedgerPage {
  items: (LedgerEntry & { trackingNo: string | null; enterpriseName: string; recordedByName: string | null })[];
  totals: { paymentFen: number; correctionFen: number; reversalFen: number; netFen: number; count: number };
  next: string | null;
}

export interface InvitationSummary {
  id: string;
  role: Role;
  countyCode: string | null;
  note: string | null;
  createdAt: number;
  expiresAt: number;
  state: 'open' | 'used' | 'expired' | 'revoked';
  /** The last refusal of this code for a conflict of interest (四眼原则). */
  refusal: { at: number; userId: string; reason: string } | null;
}

/** Someone who holds a reviewer role over an enterprise or provider they belong to. */
export interface RoleConflict {
  userId: string;
  displayName: string | null;
  role: Role;
  countyCode: string | null;
  roleLabel: string;
  conflict: string;
}

// ---- WeChat Pay (server/src/modules/payments) ---------------------------------------------------------------

/** The provider's merchant account as the server shows it: what identifies it, never a key. */
export interface MerchantAccount {
  id: string;
  providerId: string;
  mchid: string;
  appid: string;
  serialNo: string;
  platformKeyIds: string[];
  status: 'active' | 'unlinked';
  statusLabel: string;
  version: number;
  linkedAt: number;
  updatedAt: number;
}

export interface MerchantLinkInput {
  /** The version seen, when an account exists (a relink): a change made meanwhile is refused. */
  version?: number;
  mchid: string;
  apiV3Key: string;
  privateKeyPem: string;
  /** apiclient_cert.pem, or its serial number below: one of the two. */
  certificatePem?: string;
  serialNo?: string;
  /** 微信支付公钥 with its PUB_KEY_ID_… id, or a 平台证书 (its serial is read from it). */
  platformKeys: { id?: string; pem: string }[];
}

/** City MIIT's overview: each filed provider and whether it takes payment on the platform. */
export interface PaymentMerchant {
  providerId: string;
  companyName: string;
  filingNo: string | null;
  filingStatus: string;
  acceptsWechatPay: boolean;
  mchid: string | null;
  accountStatus: 'active' | 'unlinked' | null;
  linkedAt: number | null;
}

export type PaymentStatus = 'created' | 'paid' | 'closed' | 'failed';

export interface PaymentRefund {
  id: string;
  outRefundNo: string;
  amountFen: number;
  reason: string | null;
  status: 'requested' | 'processing' | 'succeeded' | 'failed';
  statusLabel: string;
  /** 'merchant': made in the merchant console, learnt from WeChat Pay's callback or the bill. */
  origin: 'platform' | 'merchant';
  succeededOn: string | null;
  createdAt: number;
}

/** A payment request: one amount owed by an enterprise to a provider, and its one WeChat Pay order. */
export interface Payment {
  id: string;
  providerId: string;
  providerName: string | null;
  enterpriseId: string;
  enterpriseName: string | null;
  applicationId: string | null;
  amountFen: number;
  description: string;
  contractNo: string | null;
  catalogueItem: string | null;
  requestedBy: 'provider' | 'enterprise';
  /** What the payer sees: 'created' until paid (an order in flight is the server's business). */
  status: PaymentStatus;
  orderStatus: 'created' | 'ordering' | 'open' | 'paid' | 'closed' | 'failed';
  statusLabel: string;
  outTradeNo: string;
  transactionId: string | null;
  paidAt: number | null;
  paidOn: string | null;
  refundedFen: number;
  /** What the platform saw paid, less refunds: what an application may count. 0 until paid. */
  verifiedPaidFen: number;
  expiresAt: number;
  /** What reconciliation could not settle, for people to look at. */
  problem: string | null;
  createdAt: number;
  refunds: PaymentRefund[];
}

/** The provider asks an enterprise (by its credit code) to pay. */
export interface PaymentRequestInput {
  creditCode: string;
  applicationId?: string;
  amountFen: number;
  description: string;
  contractNo?: string;
}

/** wx.requestPayment's parameters, signed by the server with the provider's merchant key. */
export interface JsapiParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export type DiscrepancyKind = 'missing_here' | 'missing_there' | 'amount_mismatch' | 'refund_mismatch' | 'unsettled';

/** A disagreement between WeChat Pay's daily trade bill and the platform's records. */
export interface PaymentDiscrepancy {
  id: string;
  providerId: string;
  billDate: string;
  outTradeNo: string;
  kind: DiscrepancyKind;
  message: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  foundAt: number;
  resolvedAt: number | null;
}
