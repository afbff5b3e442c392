import type { Tx } from '../../db/tx';
import { hasRole, type Actor } from '../actor';
import { ForbiddenError, NotFoundError } from '../errors';
import { enterpriseNames, isEnterpriseMember, memberEnterpriseIds } from '../../db/enterprises';
import { ownedProvider, providerNames } from '../../db/providers';
import { findPaymentRequest, paymentRequestsPage, type PaymentRequest, type PaymentRequestStatus } from '../../db/payments/orders';
import { refundsOf } from '../../db/payments/refunds';
import { paymentMachine, refundMachine } from '../../../../shared/src/workflow/payment';
import type { PaymentDeps } from './deps';

/**
 * Reading payment requests: who may see which (the paying enterprise's members, the payee, the city),
 * and what a request looks like on the wire — its state's words are its machine's
 * (shared/src/workflow/payment.ts), its refunds and the parties' names come with it.
 */

export async function getPayment(deps: PaymentDeps, auth: Actor, id: string) {
  return deps.db.read(async (m) => {
    const row = await visiblePayment(m, auth, id);
    return { payment: await paymentView(m, row) };
  });
}

/** The enterprise's, the provider's, or (city) everyone's payment requests, newest first. */
export async function listPayments(
  deps: PaymentDeps,
  auth: Actor,
  q: { scope: 'enterprise' | 'provider' | 'all'; enterpriseId?: string; status?: PaymentRequestStatus; limit: number },
) {
  return deps.db.read(async (m) => {
    let providerId: string | undefined;
    let enterpriseIds: string[] | undefined;
    if (q.scope === 'provider') {
      const provider = await ownedProvider(m, auth.userId);
      if (!provider) throw new NotFoundError('您还没有云服务商备案');
      providerId = provider.id;
    } else if (q.scope === 'enterprise') {
      const allowed = (await memberEnterpriseIds(m, auth.userId)).filter((e) => !q.enterpriseId || e === q.enterpriseId);
      if (!allowed.length) return { payments: [] };
      enterpriseIds = allowed;
    } else if (!hasRole(auth, 'city_miit', 'city_finance', 'admin')) throw new ForbiddenError();
    return {
      payments: await paymentViews(m, await paymentRequestsPage(m, { providerId, enterpriseIds, status: q.status, limit: q.limit })),
    };
  });
}

/** The request, when the actor may see it: the city, a member of the paying enterprise, the payee. */
export async function visiblePayment(m: Tx, auth: Actor, id: string): Promise<PaymentRequest> {
  const row = await findPaymentRequest(m, id);
  if (row) {
    if (hasRole(auth, 'city_miit', 'city_finance', 'admin')) return row;
    if (await isEnterpriseMember(m, row.enterpriseId, auth.userId)) return row;
    if ((await ownedProvider(m, auth.userId))?.id === row.providerId) return row;
  }
  throw new NotFoundError('没有这笔付款，或您无权查看');
}

/** The request, when it is paid to the actor's provider record. */
export async function providerPayment(deps: PaymentDeps, auth: Actor, id: string): Promise<PaymentRequest> {
  return deps.db.read(async (m) => {
    const provider = await ownedProvider(m, auth.userId);
    const row = await findPaymentRequest(m, id);
    if (!provider || !row || row.providerId !== provider.id) throw new NotFoundError('没有这笔付款，或它不是付给您的');
    return row;
  });
}

export async function paymentView(m: Tx, r: PaymentRequest) {
  return (await paymentViews(m, [r]))[0];
}

/** A page of payments with their refunds and the parties' names: three queries for the whole page. */
async function paymentViews(m: Tx, rows: PaymentRequest[]) {
  if (!rows.length) return [];
  const refunds = await refundsOf(
    m,
    rows.map((r) => r.id),
  );
  const enterprises = await enterpriseNames(
    m,
    rows.map((r) => r.enterpriseId),
  );
  const providers = await providerNames(
    m,
    rows.map((r) => r.providerId),
  );
  return rows.map((r) => ({
    id: r.id,
    providerId: r.providerId,
    providerName: providers.get(r.providerId) ?? null,
    enterpriseId: r.enterpriseId,
    enterpriseName: enterprises.get(r.enterpriseId) ?? null,
    applicationId: r.applicationId,
    amountFen: r.amountFen,
    description: r.description,
    contractNo: r.contractNo,
    catalogueItem: r.catalogueItem,
    requestedBy: r.createdByRole,
    // The phone shows 'created' until paid: an order at WeChat Pay is our business, not the payer's.
    status: r.status === 'ordering' || r.status === 'open' ? ('created' as const) : r.status,
    orderStatus: r.status,
    statusLabel: paymentMachine.states[r.status].labels.reviewer,
    outTradeNo: r.outTradeNo,
    transactionId: r.transactionId,
    paidAt: r.paidAt,
    paidOn: r.paidOn,
    refundedFen: r.refundedFen,
    verifiedPaidFen: r.status === 'paid' ? r.amountFen - r.refundedFen : 0,
    expiresAt: r.expiresAt,
    problem: r.problem,
    createdAt: r.createdAt,
    refunds: refunds
      .filter((f) => f.paymentRequestId === r.id)
      .map((f) => ({
        id: f.id,
        outRefundNo: f.outRefundNo,
        amountFen: f.amountFen,
        reason: f.reason,
        status: f.status,
        statusLabel: refundMachine.states[f.status].labels.reviewer,
        origin: f.origin,
        succeededOn: f.succeededOn,
        createdAt: f.createdAt,
      })),
  }));
}
