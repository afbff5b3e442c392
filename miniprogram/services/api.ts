/**
 * One typed function per server route (services/routes.ts): what the pages call. No page calls
 * wx.request; this module builds every call from the route table and leaves the wire to services/http.ts.
 * What each call answers is not written here: services/http.ts types it by its route from the contract
 * (shared/src/contracts/responses, generated into miniprogram/shared/ by `npm run mp:sync`).
 */
import type { BankAccount, ContractInput, Declarations, EnterpriseProfile, PaymentInput } from '../shared/contracts/application';
import type { EligibilityFacts } from '../shared/rules/facts';
import type { ProviderFilingForm } from '../shared/contracts/providerFiling';
import type { InvitedRole } from '../shared/contracts/roles';
import { call, download, upload, type CallOptions } from './http';
import { ROUTES } from './routes';
import type * as T from './inputs';

type Quiet = Pick<CallOptions, 'quiet'>;
type Query = CallOptions['query'];

// ---- login and the person ---------------------------------------------------------------------------------

export const me = () => call(ROUTES.me);
export const logout = () => call(ROUTES.logout, { quiet: true });
export const redeemInvitation = (code: string, o: Quiet = {}) => call(ROUTES.redeemInvitation, { body: { code }, ...o });
export const oaBindingCode = () => call(ROUTES.oaBindingCode);
export const oaBinding = () => call(ROUTES.oaBinding);
export const displayName = () => call(ROUTES.displayName);
export const setDisplayName = (displayName: string, o: Quiet = {}) => call(ROUTES.setDisplayName, { body: { displayName }, ...o });
export const inbox = (query: { cursor?: string; unread?: '1' } = {}) => call(ROUTES.inbox, { query });
export const markRead = (id: string) => call(ROUTES.inboxRead, { params: { id } });
export const markAllRead = () => call(ROUTES.inboxReadAll);
export const notificationPreferences = (o: Quiet = {}) => call(ROUTES.notificationPreferences, o);
export const saveNotificationPreferences = (body: T.PreferencesInput) => call(ROUTES.saveNotificationPreferences, { body });
export const recordSubscriptions = (templateIds: string[]) => call(ROUTES.recordSubscriptions, { body: { templateIds }, quiet: true });

// ---- the policy (public) ---------------------------------------------------------------------------------

export const policy = () => call(ROUTES.policy, { anonymous: true });
export const eligibilityFlow = () => call(ROUTES.eligibilityFlow, { anonymous: true });
export const evaluate = (facts: EligibilityFacts) => call(ROUTES.evaluate, { body: facts, anonymous: true });

// ---- materials ---------------------------------------------------------------------------------------------

export const uploadFile = (ownerType: string, ownerId: string, kind: string, filePath: string, onProgress?: (percent: number) => void) =>
  upload(ROUTES.uploadFiles, { params: { ownerType, ownerId, kind }, filePath, onProgress });
export const replaceFile = (id: string, filePath: string, onProgress?: (percent: number) => void) =>
  upload(ROUTES.replaceFile, { params: { id }, filePath, onProgress });
export const ownerFiles = (ownerType: string, ownerId: string, query: Query = {}) =>
  call(ROUTES.ownerFiles, { params: { ownerType, ownerId }, query });
/** A material to a temporary file: `inline=1` says it is for looking at (the download is audited either way). */
export const downloadFile = (id: string) => download(ROUTES.fileContent, { params: { id }, query: { inline: 1 } });

// ---- the enterprise --------------------------------------------------------------------------------------

export const registerEnterprise = (profile: EnterpriseProfile, o: Quiet = {}) => call(ROUTES.registerEnterprise, { body: profile, ...o });
export const myEnterprises = () => call(ROUTES.myEnterprises);
export const updateEnterprise = (id: string, version: number, profile: Omit<EnterpriseProfile, 'creditCode'>, o: Quiet = {}) =>
  call(ROUTES.updateEnterprise, { params: { id }, body: { ...profile, version }, ...o });
export const withdrawProfileChange = (id: string, changeId: string) => call(ROUTES.withdrawProfileChange, { params: { id, changeId } });
export const inviteColleague = (id: string) => call(ROUTES.inviteColleague, { params: { id } });
export const joinEnterprise = (creditCode: string, code: string) => call(ROUTES.joinEnterprise, { body: { creditCode, code } });
export const startApplication = (enterpriseId: string, facts: EligibilityFacts | null) =>
  call(ROUTES.startApplication, { body: { enterpriseId, facts } });
export const myApplications = () => call(ROUTES.myApplications);
export const application = (id: string) => call(ROUTES.application, { params: { id } });
export const saveApplication = (
  id: string,
  version: number,
  part: { contract?: ContractInput; declarations?: Declarations; bank?: BankAccount },
  o: Quiet = {},
) => call(ROUTES.saveApplication, { params: { id }, body: { version, ...part }, ...o });
export const addPayment = (id: string, version: number, payment: PaymentInput, o: Quiet = {}) =>
  call(ROUTES.addPayment, { params: { id }, body: { version, ...payment }, ...o });
export const removePayment = (id: string, version: number, paymentId: string) =>
  call(ROUTES.removePayment, { params: { id, paymentId }, body: { version } });
export const submitApplication = (id: string, version: number) => call(ROUTES.submitApplication, { params: { id }, body: { version } });
export const withdrawApplication = (id: string, version: number, reason: string | null) =>
  call(ROUTES.withdrawApplication, { params: { id }, body: { version, reason } });
export const applicationHistory = (id: string) => call(ROUTES.applicationHistory, { params: { id } });

// ---- providers -------------------------------------------------------------------------------------------

export const providers = (query: { q?: string; function?: string } = {}) => call(ROUTES.providers, { query, anonymous: true });
export const provider = (id: string) =>
  call(ROUTES.provider, {
    params: { id },
    anonymous: true,
  });
export const createFiling = (form: ProviderFilingForm = {}) => call(ROUTES.createFiling, { body: { form } });
export const myFiling = () => call(ROUTES.myFiling);
export const filing = (id: string) => call(ROUTES.filing, { params: { id } });
export const saveFilingForm = (id: string, version: number, form: ProviderFilingForm, o: Quiet = {}) =>
  call(ROUTES.saveFilingForm, { params: { id }, body: { version, form }, ...o });
export const submitFiling = (id: string, version: number) => call(ROUTES.submitFiling, { params: { id }, body: { version } });
export const filingHistory = (id: string) => call(ROUTES.filingHistory, { params: { id } });
export const filingDocument = (id: string) => download(ROUTES.filingDocument, { params: { id } });
export const providerApplications = (query: { status?: string; after?: string } = {}) => call(ROUTES.providerApplications, { query });
export const providerApplication = (id: string) => call(ROUTES.providerApplication, { params: { id } });
export const confirmApplication = (id: string, version: number, effectEvaluation: string) =>
  call(ROUTES.confirmApplication, { params: { id }, body: { version, effectEvaluation } });
export const disputeApplication = (id: string, version: number, reason: string) =>
  call(ROUTES.disputeApplication, { params: { id }, body: { version, reason } });
export const createSettlementForm = (applicationIds: string[]) => call(ROUTES.createSettlementForm, { body: { applicationIds } });
export const settlementForms = () => call(ROUTES.settlementForms);
export const settlementDocument = (id: string) => download(ROUTES.settlementDocument, { params: { id } });
export const signSettlementForm = (id: string) => call(ROUTES.signSettlementForm, { params: { id } });

// ---- city MIIT on filings ----------------------------------------------------------------------------------

export interface FilingDecision {
  version: number;
  reason?: string;
  reasons?: { path?: string | null; message: string }[];
  conditions?: number[];
}
export const filingQueue = (query: { status?: string; after?: string } = {}) => call(ROUTES.filingQueue, { query });
export const filingChecklist = (id: string, o: Quiet = {}) => call(ROUTES.filingChecklist, { params: { id }, ...o });
const FILING_DECISIONS = {
  approve: ROUTES.approveFiling,
  return: ROUTES.returnFiling,
  reject: ROUTES.rejectFiling,
  revoke: ROUTES.revokeFiling,
} as const;
export const decideFiling = (id: string, decision: keyof typeof FILING_DECISIONS, body: FilingDecision) =>
  call(FILING_DECISIONS[decision], { params: { id }, body });

// ---- the county ------------------------------------------------------------------------------------------

export interface CountyOpinionInput {
  version: number;
  decision: 'approve' | 'return' | 'reject';
  /** With an approval only. */
  ratings?: { effect: number; service: number };
  reasons?: { field?: string; material?: string; message: string }[];
  internalNote?: string;
  /** With a return only: the last day a correction is accepted (issue 18); absent, the round's rule. */
  correctionDueOn?: string;
}
export const countyEnterprises = (status?: string) => call(ROUTES.countyEnterprises, { query: { status } });
export const decideEnterprise = (
  id: string,
  body: { version: number; decision: 'verify' | 'reject'; reason?: string | null; acceptClaims?: string[]; refuseClaims?: string[] },
) => call(ROUTES.decideEnterprise, { params: { id }, body });
export const countyProfileChanges = () => call(ROUTES.countyProfileChanges);
export const decideProfileChange = (id: string, body: { decision: 'verify' | 'refuse'; reason?: string | null }) =>
  call(ROUTES.decideProfileChange, { params: { id }, body });
export const countyQueue = (query: { status?: string; q?: string; overdue?: '1'; after?: string; limit?: number } = {}) =>
  call(ROUTES.countyQueue, { query });
export const countyApplication = (id: string) => call(ROUTES.countyApplication, { params: { id } });
export const countyOpinion = (id: string, body: CountyOpinionInput) => call(ROUTES.countyOpinion, { params: { id }, body });
export const createJointReport = (body: { docNo: string; reportDate: string; applicationIds: string[] }) =>
  call(ROUTES.createJointReport, { body });
export const jointReports = () => call(ROUTES.jointReports);
export const jointReport = (id: string) => call(ROUTES.jointReport, { params: { id } });
export const signJointReport = (id: string, version: number) => call(ROUTES.signJointReport, { params: { id }, body: { version } });
export const correctJointReport = (
  id: string,
  body: { version: number; reason: string; docNo?: string; reportDate?: string; applicationIds?: string[] },
) => call(ROUTES.correctJointReport, { params: { id }, body });
export const cancelJointReport = (id: string, version: number, reason: string) =>
  call(ROUTES.cancelJointReport, { params: { id }, body: { version, reason } });
export const jointReportDocument = (id: string) => download(ROUTES.jointReportDocument, { params: { id } });

// ---- the city --------------------------------------------------------------------------------------------

export interface CityOpinionInput {
  version: number;
  decision: 'approve' | 'return' | 'reject';
  verifiedFen?: number;
  verifiedReason?: string | null;
  reasons?: { path?: string | null; message: string }[];
  internalNote?: string | null;
  /** With a return only: the last day a correction is accepted (issue 18); absent, the round's rule. */
  correctionDueOn?: string;
}
export const cityQueue = (query: { status?: string; county?: string; q?: string; after?: string; limit?: number } = {}) =>
  call(ROUTES.cityQueue, { query });
export const cityApplication = (id: string) => call(ROUTES.cityApplication, { params: { id } });
export const cityOpinion = (id: string, body: CityOpinionInput) => call(ROUTES.cityOpinion, { params: { id }, body });
export const budget = (year: number) => call(ROUTES.budget, { params: { year: String(year) } });
export const setBudget = (year: number, budgetFen: number, version: number | null) =>
  call(ROUTES.setBudget, { params: { year: String(year) }, body: version === null ? { budgetFen } : { budgetFen, version } });
export const currentRound = () => call(ROUTES.currentRound, { quiet: true });
export const rounds = () => call(ROUTES.rounds);
interface RoundDatesInput {
  opensOn: string;
  closesOn: string;
  countyDeadline: string;
  cityDeadline: string;
  notice: string;
}
export const openRound = (body: RoundDatesInput & { year: number; number: number }, o: Quiet = {}) =>
  call(ROUTES.openRound, { body, ...o });
export const editRound = (id: string, body: RoundDatesInput & { version: number }, o: Quiet = {}) =>
  call(ROUTES.editRound, { params: { id }, body, ...o });
export const closeRound = (id: string, version: number) => call(ROUTES.closeRound, { params: { id }, body: { version } });
export const createList = (year: number, applicationIds: string[]) => call(ROUTES.createList, { body: { year, applicationIds } });
export const lists = (query: { year?: number; status?: string } = {}) => call(ROUTES.lists, { query });
export const list = (id: string) => call(ROUTES.list, { params: { id } });
export const addListItems = (id: string, version: number, applicationIds: string[]) =>
  call(ROUTES.addListItems, { params: { id }, body: { version, applicationIds } });
export const removeListItem = (id: string, applicationId: string, version: number, reason: string) =>
  call(ROUTES.removeListItem, { params: { id, applicationId }, body: { version, reason } });
export const cancelList = (id: string, version: number, reason: string) =>
  call(ROUTES.cancelList, { params: { id }, body: { version, reason } });
export const cosignList = (id: string, version: number) => call(ROUTES.cosignList, { params: { id }, body: { version } });
export const noticeList = (id: string, version: number, start: string, end: string) =>
  call(ROUTES.noticeList, { params: { id }, body: { version, start, end } });
export const recordObjection = (
  id: string,
  body: { applicationId: string; content: string; objector?: string | null; receivedOn: string },
) => call(ROUTES.recordObjection, { params: { id }, body });
export const decideObjection = (
  id: string,
  body: { decision: 'upheld' | 'dismissed'; reason: string; outcome?: 'back_to_review' | 'reject' },
) => call(ROUTES.decideObjection, { params: { id }, body });
export const approveList = (id: string, version: number, acknowledgeOverBudget: boolean) =>
  call(ROUTES.approveList, { params: { id }, body: { version, acknowledgeOverBudget } });
export const listDocument = (id: string) => download(ROUTES.listDocument, { params: { id } });
export const disburse = (id: string, body: { version: number; amountFen: number; voucherNo: string; paidOn: string }) =>
  call(ROUTES.disburse, { params: { id }, body });
export const correctDisbursement = (id: string, entryId: string, body: { amountFen: number; reason: string; paidOn?: string }) =>
  call(ROUTES.correctDisbursement, { params: { id, entryId }, body });
export const reverseDisbursement = (id: string, entryId: string, body: { version: number; reason: string; returnedOn: string }) =>
  call(ROUTES.reverseDisbursement, { params: { id, entryId }, body });
export const ledger = (query: { county?: string; from?: string; to?: string; q?: string; after?: string } = {}) =>
  call(ROUTES.ledger, { query });
// The receiving account changed after submission. Quiet: the pages put the server's words beside the field or
// the item they concern (the account name's rule; four eyes naming who may confirm instead).
export const accountChanges = (id: string) => call(ROUTES.accountChanges, { params: { id } });
export const requestAccountChange = (id: string, body: BankAccount & { version: number; reason: string }) =>
  call(ROUTES.requestAccountChange, { params: { id }, body, quiet: true });
export const withdrawAccountChange = (id: string, changeId: string, version: number) =>
  call(ROUTES.withdrawAccountChange, { params: { id, changeId }, body: { version } });
export const waitingAccountChanges = () => call(ROUTES.waitingAccountChanges);
export const confirmAccountChange = (id: string, version: number) =>
  call(ROUTES.confirmAccountChange, { params: { id }, body: { version }, quiet: true });
export const refuseAccountChange = (id: string, version: number, reason: string) =>
  call(ROUTES.refuseAccountChange, { params: { id }, body: { version, reason }, quiet: true });
export const ledgerDocument = (query: { county?: string; from?: string; to?: string } = {}) => download(ROUTES.ledgerDocument, { query });

// ---- the administrator -----------------------------------------------------------------------------------

export const createInvitation = (body: { role: InvitedRole; countyCode?: string | null; expiresInHours?: number; note?: string | null }) =>
  call(ROUTES.createInvitation, { body });
export const invitations = () => call(ROUTES.invitations);
export const roleConflicts = () => call(ROUTES.roleConflicts);
export const revokeInvitation = (id: string) => call(ROUTES.revokeInvitation, { params: { id } });
export const verifyAudit = () => call(ROUTES.verifyAudit);

// ---- paying the provider with WeChat Pay ---------------------------------------------------------------

// The provider's merchant account. Linking is quiet: the page puts the server's words beside the field they name.
export const merchantAccount = () => call(ROUTES.merchantAccount);
export const linkMerchantAccount = (body: T.MerchantLinkInput) => call(ROUTES.linkMerchantAccount, { body, quiet: true });
export const unlinkMerchantAccount = (version: number) => call(ROUTES.unlinkMerchantAccount, { body: { version } });
export const paymentMerchants = () => call(ROUTES.paymentMerchants);

// Payment requests. The pay page and the provider's form explain these errors in their own words (quiet).
export const requestPayment = (body: T.PaymentRequestInput) => call(ROUTES.requestPayment, { body, quiet: true });
/** The enterprise pays the provider of its application's contract. */
export const createPayment = (applicationId: string, amountFen: number) =>
  call(ROUTES.createPayment, { body: { applicationId, amountFen }, quiet: true });
/** A catalogue item of the registry at its listed price (Yichun price where there is one). */
export const buyCatalogueItem = (providerId: string, catalogueItemId: string, enterpriseId: string) =>
  call(ROUTES.createPayment, { body: { providerId, catalogueItemId, enterpriseId }, quiet: true });
export const payments = (query: { scope?: 'enterprise' | 'provider' | 'all'; status?: string; limit?: number } = {}, o: Quiet = {}) =>
  call(ROUTES.payments, { query, ...o });
export const payment = (id: string, o: Quiet = {}) => call(ROUTES.payment, { params: { id }, ...o });
export const paymentParams = (id: string) => call(ROUTES.paymentParams, { params: { id }, quiet: true });
export const cancelPayment = (id: string) => call(ROUTES.cancelPayment, { params: { id }, quiet: true });
export const refundPayment = (id: string, amountFen: number, reason: string) =>
  call(ROUTES.refundPayment, { params: { id }, body: { amountFen, reason }, quiet: true });
/** Puts a paid platform payment on a draft or returned application, as its verified payment. */
export const attachPayment = (applicationId: string, paymentId: string) =>
  call(ROUTES.attachPayment, { params: { id: applicationId }, body: { paymentId } });
export const paymentDiscrepancies = (o: Quiet = {}) => call(ROUTES.paymentDiscrepancies, o);
export const resolveDiscrepancy = (id: string, note: string) =>
  call(ROUTES.resolveDiscrepancy, { params: { id }, body: { note }, quiet: true });
