/**
 * Every server route the mini-program calls, by method and path pattern, in one table: services/api.ts
 * builds its calls from here and nowhere else, and test/miniprogram/routes.test.ts checks each entry
 * against the server's own route table, so that a renamed or removed route fails a test rather than a
 * person's tap.
 */
export type Method = 'GET' | 'POST' | 'PUT';

/** A route keeps its method and path as literal types: services/http.ts looks its answer up by them. */
export interface Route<M extends Method = Method, P extends string = string> {
  method: M;
  path: P;
}

const route = <M extends Method, P extends string>(method: M, path: P): Route<M, P> => ({ method, path });

/** Keeps the table's names as a type (RouteName) without `satisfies`, which older DevTools compilers reject. */
function table<T extends Record<string, Route>>(routes: T): Readonly<T> {
  return routes;
}

export const ROUTES = table({
  // login and the person
  login: route('POST', '/api/v1/auth/wx-login'),
  logout: route('POST', '/api/v1/auth/logout'),
  me: route('GET', '/api/v1/me'),
  redeemInvitation: route('POST', '/api/v1/invitations/redeem'),
  oaBindingCode: route('POST', '/api/v1/me/oa-binding-code'),
  oaBinding: route('GET', '/api/v1/me/oa-binding'),
  displayName: route('GET', '/api/v1/me/display-name'),
  setDisplayName: route('PUT', '/api/v1/me/display-name'),
  inbox: route('GET', '/api/v1/inbox'),
  inboxReadAll: route('POST', '/api/v1/inbox/read-all'),
  inboxRead: route('POST', '/api/v1/inbox/:id/read'),
  notificationPreferences: route('GET', '/api/v1/notification-preferences'),
  saveNotificationPreferences: route('PUT', '/api/v1/notification-preferences'),
  recordSubscriptions: route('POST', '/api/v1/me/subscriptions'),

  // the policy
  policy: route('GET', '/api/v1/policy'),
  eligibilityFlow: route('GET', '/api/v1/eligibility/flow'),
  evaluate: route('POST', '/api/v1/eligibility/evaluate'),

  // materials
  uploadFiles: route('POST', '/api/v1/files/:ownerType/:ownerId/:kind'),
  replaceFile: route('POST', '/api/v1/files/:id/replace'),
  fileContent: route('GET', '/api/v1/files/:id/content'),
  ownerFiles: route('GET', '/api/v1/files/:ownerType/:ownerId'),

  // the enterprise
  registerEnterprise: route('POST', '/api/v1/enterprises'),
  myEnterprises: route('GET', '/api/v1/enterprises/mine'),
  updateEnterprise: route('PUT', '/api/v1/enterprises/:id'),
  withdrawProfileChange: route('POST', '/api/v1/enterprises/:id/profile-changes/:changeId/withdraw'),
  inviteColleague: route('POST', '/api/v1/enterprises/:id/invitations'),
  joinEnterprise: route('POST', '/api/v1/enterprises/join'),
  startApplication: route('POST', '/api/v1/applications'),
  myApplications: route('GET', '/api/v1/applications/mine'),
  application: route('GET', '/api/v1/applications/:id'),
  saveApplication: route('PUT', '/api/v1/applications/:id'),
  addPayment: route('POST', '/api/v1/applications/:id/payments'),
  removePayment: route('POST', '/api/v1/applications/:id/payments/:paymentId/remove'),
  submitApplication: route('POST', '/api/v1/applications/:id/submit'),
  withdrawApplication: route('POST', '/api/v1/applications/:id/withdraw'),
  // the receiving account changed after submission (issue 14): the enterprise asks, city finance decides
  accountChanges: route('GET', '/api/v1/applications/:id/account-changes'),
  requestAccountChange: route('POST', '/api/v1/applications/:id/account-changes'),
  withdrawAccountChange: route('POST', '/api/v1/applications/:id/account-changes/:changeId/withdraw'),
  waitingAccountChanges: route('GET', '/api/v1/city/account-changes'),
  confirmAccountChange: route('POST', '/api/v1/city/account-changes/:id/confirm'),
  refuseAccountChange: route('POST', '/api/v1/city/account-changes/:id/refuse'),
  applicationHistory: route('GET', '/api/v1/applications/:id/history'),

  // providers: the registry, the filing, the applications that name it, the 兑付申请表
  providers: route('GET', '/api/v1/providers'),
  provider: route('GET', '/api/v1/providers/:id'),
  createFiling: route('POST', '/api/v1/provider-filings'),
  myFiling: route('GET', '/api/v1/provider-filings/mine'),
  filing: route('GET', '/api/v1/provider-filings/:id'),
  saveFilingForm: route('PUT', '/api/v1/provider-filings/:id/form'),
  submitFiling: route('POST', '/api/v1/provider-filings/:id/submit'),
  filingHistory: route('GET', '/api/v1/provider-filings/:id/history'),
  filingDocument: route('GET', '/api/v1/provider-filings/:id/document.docx'),
  providerApplications: route('GET', '/api/v1/provider/applications'),
  providerApplication: route('GET', '/api/v1/provider/applications/:id'),
  confirmApplication: route('POST', '/api/v1/provider/applications/:id/confirm'),
  disputeApplication: route('POST', '/api/v1/provider/applications/:id/dispute'),
  createSettlementForm: route('POST', '/api/v1/provider/settlement-forms'),
  settlementForms: route('GET', '/api/v1/provider/settlement-forms'),
  settlementDocument: route('GET', '/api/v1/provider/settlement-forms/:id/document.docx'),
  signSettlementForm: route('POST', '/api/v1/provider/settlement-forms/:id/sign'),

  // city MIIT on filings
  filingQueue: route('GET', '/api/v1/provider-filings'),
  filingChecklist: route('GET', '/api/v1/provider-filings/:id/checklist'),
  approveFiling: route('POST', '/api/v1/provider-filings/:id/approve'),
  returnFiling: route('POST', '/api/v1/provider-filings/:id/return'),
  rejectFiling: route('POST', '/api/v1/provider-filings/:id/reject'),
  revokeFiling: route('POST', '/api/v1/provider-filings/:id/revoke'),

  // the county
  countyEnterprises: route('GET', '/api/v1/county/enterprises'),
  decideEnterprise: route('POST', '/api/v1/county/enterprises/:id/decide'),
  countyProfileChanges: route('GET', '/api/v1/county/profile-changes'),
  decideProfileChange: route('POST', '/api/v1/county/profile-changes/:id/decide'),
  countyQueue: route('GET', '/api/v1/county/applications'),
  countyApplication: route('GET', '/api/v1/county/applications/:id'),
  countyOpinion: route('POST', '/api/v1/county/applications/:id/opinion'),
  createJointReport: route('POST', '/api/v1/county/joint-reports'),
  jointReports: route('GET', '/api/v1/county/joint-reports'),
  jointReport: route('GET', '/api/v1/county/joint-reports/:id'),
  signJointReport: route('POST', '/api/v1/county/joint-reports/:id/sign'),
  correctJointReport: route('POST', '/api/v1/county/joint-reports/:id/correct'),
  cancelJointReport: route('POST', '/api/v1/county/joint-reports/:id/cancel'),
  jointReportDocument: route('GET', '/api/v1/county/joint-reports/:id/document.docx'),

  // the city
  cityQueue: route('GET', '/api/v1/city/applications'),
  cityApplication: route('GET', '/api/v1/city/applications/:id'),
  cityOpinion: route('POST', '/api/v1/city/applications/:id/opinion'),
  budget: route('GET', '/api/v1/city/budgets/:year'),
  setBudget: route('PUT', '/api/v1/city/budgets/:year'),
  currentRound: route('GET', '/api/v1/rounds/current'),
  rounds: route('GET', '/api/v1/city/rounds'),
  openRound: route('POST', '/api/v1/city/rounds'),
  editRound: route('PUT', '/api/v1/city/rounds/:id'),
  closeRound: route('POST', '/api/v1/city/rounds/:id/close'),
  createList: route('POST', '/api/v1/city/lists'),
  lists: route('GET', '/api/v1/city/lists'),
  list: route('GET', '/api/v1/city/lists/:id'),
  addListItems: route('POST', '/api/v1/city/lists/:id/items'),
  removeListItem: route('POST', '/api/v1/city/lists/:id/items/:applicationId/remove'),
  cancelList: route('POST', '/api/v1/city/lists/:id/cancel'),
  cosignList: route('POST', '/api/v1/city/lists/:id/cosign'),
  noticeList: route('POST', '/api/v1/city/lists/:id/notice'),
  recordObjection: route('POST', '/api/v1/city/lists/:id/objections'),
  decideObjection: route('POST', '/api/v1/city/objections/:id/decide'),
  approveList: route('POST', '/api/v1/city/lists/:id/approve'),
  listDocument: route('GET', '/api/v1/city/lists/:id/document.xlsx'),
  disburse: route('POST', '/api/v1/city/applications/:id/disbursements'),
  correctDisbursement: route('POST', '/api/v1/city/applications/:id/disbursements/:entryId/correct'),
  reverseDisbursement: route('POST', '/api/v1/city/applications/:id/disbursements/:entryId/reverse'),
  ledger: route('GET', '/api/v1/city/disbursements'),
  ledgerDocument: route('GET', '/api/v1/city/disbursements/document.xlsx'),

  // the administrator
  createInvitation: route('POST', '/api/v1/admin/invitations'),
  invitations: route('GET', '/api/v1/admin/invitations'),
  revokeInvitation: route('POST', '/api/v1/admin/invitations/:id/revoke'),
  roleConflicts: route('GET', '/api/v1/admin/role-conflicts'),
  verifyAudit: route('POST', '/api/v1/admin/audit/verify'),

  // paying the provider with WeChat Pay (DESIGN.md "Paying the provider through the platform"): the
  // provider's own merchant account, payment requests with one order each, refunds, reconciliation
  merchantAccount: route('GET', '/api/v1/providers/me/merchant-account'),
  linkMerchantAccount: route('PUT', '/api/v1/providers/me/merchant-account'),
  unlinkMerchantAccount: route('POST', '/api/v1/providers/me/merchant-account/unlink'),
  paymentMerchants: route('GET', '/api/v1/payments/merchants'),
  requestPayment: route('POST', '/api/v1/providers/me/payment-requests'),
  createPayment: route('POST', '/api/v1/payments'),
  payments: route('GET', '/api/v1/payments'),
  payment: route('GET', '/api/v1/payments/:id'),
  paymentParams: route('POST', '/api/v1/payments/:id/jsapi'),
  cancelPayment: route('POST', '/api/v1/providers/me/payments/:id/cancel'),
  refundPayment: route('POST', '/api/v1/providers/me/payments/:id/refunds'),
  attachPayment: route('POST', '/api/v1/applications/:id/payments/wechat'),
  paymentDiscrepancies: route('GET', '/api/v1/payments/discrepancies'),
  resolveDiscrepancy: route('POST', '/api/v1/payments/discrepancies/:id/resolve'),
});

export type RouteName = keyof typeof ROUTES;

/** `/a/:id/b` with {id: 'X'} → `/a/X/b`; every parameter is URL-encoded, and a missing one is a bug. */
export function fillPath(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`missing path parameter ${name} for ${pattern}`);
    return encodeURIComponent(value);
  });
}

/** A query string from the defined values, in a stable order. */
export function queryString(query: Record<string, string | number | boolean | null | undefined> = {}): string {
  const parts = Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
