import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import { hasRole, type Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UpstreamError, RefusedError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import type { ApplicationEngine } from '../applications/engine';
import { findFiling, providerNames } from '../../db/providers';
import { nonceString } from '../../wechat/pay/crypto';
import { rfc3339Shanghai } from '../../wechat/pay/format';
import { type MerchantAccounts, type MerchantClient } from './merchantAccounts';
import { attachToApplication, notifyParties, settlePaid, settleRefund, type WechatRefund, type WechatTransaction } from './settle';
import { findApplication } from '../../db/applications';
import { enterpriseNames, findEnterpriseByCreditCode, isEnterpriseMember, memberEnterpriseIds } from '../../db/enterprises';
import { findUser } from '../../db/users';
import { ownedProvider } from '../../db/providers';
import {
  claimOrder,
  closePaymentRequest,
  findPaymentRequest,
  insertPaymentRequest,
  markChecked,
  markOrderFailed,
  markOrderOpen,
  markOrderUnclear,
  paymentRequestsPage,
  releaseOrderLease,
  setPaymentApplication,
  type PaymentRequest,
  type PaymentRequestStatus,
} from '../../db/payments/orders';
import {
  advanceRefund,
  insertRefund,
  pendingRefundCount,
  refundsOf,
  refuseRefund,
  releaseRefundLease,
  type PaymentRefund,
} from '../../db/payments/refunds';
import { findMerchantAccount, merchantAccountOf } from '../../db/payments/merchantAccounts';
import { paymentUsedElsewhere } from '../../db/applications/payments';

/**
 * Payment requests and their one WeChat Pay order each (issue 7). The out_trade_no is fixed when the
 * request is made; whoever wants an order first claims the request with a conditional UPDATE and a
 * lease, and every later attempt reuses that order. An unclear answer is followed by a query, never by
 * a new number — so however often a phone retries, WeChat Pay sees one order and charges once.
 */
export interface PaymentDeps {
  db: Database;
  audit: AuditTrail;
  engine: ApplicationEngine;
  merchants: MerchantAccounts;
  /** The callback address for one merchant account. */
  notifyUrl: (accountId: string) => string;
  orderTtlMs: number;
  now: () => number;
  logger?: Logger;
}

export const STATUS_LABELS: Record<PaymentRequestStatus, string> = {
  created: '待支付',
  ordering: '正在下单',
  open: '待支付',
  paid: '已支付',
  closed: '已关闭',
  failed: '支付失败',
};

const REFUND_LABELS: Record<PaymentRefund['status'], string> = {
  requested: '已申请',
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
};

/** How long one claimant may take over an order call before another may take over (after a query). */
const ORDER_LEASE_MS = 15_000;
/** How long a request waits for another attempt's order before telling the phone to try again. */
const WAIT_FOR_ORDER_MS = 8_000;
/** A request not yet paid stays payable this long. */
const REQUEST_VALID_MS = 30 * 24 * 3600_000;

const fen = z
  .number({ error: '金额须为整数（分）' })
  .int('金额须为整数（分）')
  .min(1, '金额须大于 0')
  .max(100_000_000_00, '单笔金额不超过 1 亿元');
const description = z
  .string({ error: '请写明付款事项' })
  .trim()
  .min(2, '请写明付款事项，如“XX 云服务首期款”')
  .max(60, '付款事项不超过 60 字');
const contractNo = z.string().trim().min(1).max(64, '合同编号不超过 64 个字符');
const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '编号格式不对');

export const providerRequestSchema = z.object({
  creditCode: z
    .string({ error: '请填写付款企业的统一社会信用代码' })
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, '统一社会信用代码为 18 位'),
  applicationId: ulid.optional(),
  amountFen: fen,
  description,
  contractNo: contractNo.optional(),
});
export const enterpriseRequestSchema = z.union(
  [
    z.object({ applicationId: ulid, amountFen: fen, description: description.optional() }),
    z.object({ providerId: ulid, catalogueItemId: z.string().trim().min(1).max(64), enterpriseId: ulid, applicationId: ulid.optional() }),
  ],
  { error: '请给出申请和金额，或选定服务商目录中的一项' },
);
export const refundSchema = z.object({
  amountFen: fen,
  reason: z.string({ error: '请写明退款原因' }).trim().min(2, '请写明退款原因').max(80, '退款原因不超过 80 字'),
});

/** 32 characters of [0-9A-Za-z]: WeChat Pay's limit, unguessable, never reused. */
function newOutTradeNo(): string {
  return `SY${newId()}${randomBytes(2).toString('hex')}`;
}

export class PaymentService {
  constructor(private readonly deps: PaymentDeps) {}

  // ---- requests -----------------------------------------------------------------------------------

  /** A provider asks an enterprise to pay against their contract. */
  async requestByProvider(auth: Actor, input: z.output<typeof providerRequestSchema>) {
    return this.deps.db.transaction(async (tx) => {
      const provider = await ownedProvider(tx, auth.userId);
      if (!provider) throw new NotFoundError('您还没有云服务商备案');
      const enterpriseId = (await findEnterpriseByCreditCode(tx, input.creditCode))?.id ?? null;
      if (!enterpriseId)
        throw new InvalidInputError(`统一社会信用代码为 ${input.creditCode} 的企业还没有在平台登记：请企业先在小程序中登记`, [
          { path: 'creditCode', message: '企业未登记' },
        ]);
      let contract = input.contractNo ?? null;
      if (input.applicationId) {
        const app = await findApplication(tx, input.applicationId);
        if (!app || app.enterpriseId !== enterpriseId || app.providerId !== provider.id)
          throw new InvalidInputError('这份申请不是该企业与您签订的合同', [{ path: 'applicationId', message: '申请与企业或服务商不符' }]);
        contract = contract ?? app.contractNo;
      }
      return this.insertRequest(tx, auth, 'provider', {
        providerId: provider.id,
        enterpriseId,
        applicationId: input.applicationId ?? null,
        amountFen: input.amountFen,
        description: input.description,
        contractNo: contract,
        catalogueItem: null,
      });
    });
  }

  /** An enterprise pays its contract's provider (from its application) or a catalogue item of the registry. */
  async requestByEnterprise(auth: Actor, input: z.output<typeof enterpriseRequestSchema>) {
    return this.deps.db.transaction(async (tx) => {
      if ('catalogueItemId' in input) {
        if (!(await isEnterpriseMember(tx, input.enterpriseId, auth.userId))) throw new NotFoundError('您不是该企业的成员');
        const filing = await findFiling(tx, input.providerId);
        const item = filing?.status === 'approved' ? (filing.form.catalogue ?? []).find((c) => c.id === input.catalogueItemId) : undefined;
        if (!filing || !item)
          throw new InvalidInputError('服务商目录中没有这一项', [{ path: 'catalogueItemId', message: '目录中没有这一项' }]);
        const price = item.yichunPriceFen ?? item.priceFen;
        if (!Number.isSafeInteger(price) || !price || price <= 0)
          throw new InvalidInputError('这一项没有标价，请与服务商签订合同后按合同付款', [{ path: 'catalogueItemId', message: '没有标价' }]);
        let applicationId: string | null = null;
        if (input.applicationId) {
          const app = await findApplication(tx, input.applicationId);
          if (!app || app.enterpriseId !== input.enterpriseId) throw new NotFoundError('没有这份申请，或您不是该企业的成员');
          applicationId = app.id;
        }
        return this.insertRequest(tx, auth, 'enterprise', {
          providerId: filing.id,
          enterpriseId: input.enterpriseId,
          applicationId,
          amountFen: price,
          description: `${item.name ?? '云服务'}`.slice(0, 60),
          contractNo: null,
          catalogueItem: item.id ?? null,
        });
      }
      const app = await findApplication(tx, input.applicationId);
      if (!app || !(await isEnterpriseMember(tx, app.enterpriseId, auth.userId)))
        throw new NotFoundError('没有这份申请，或您不是该企业的成员');
      if (!app.providerId || !app.contractNo)
        throw new InvalidInputError('请先在申请中填写合同信息（服务商和合同编号），再按合同付款', [
          { path: 'applicationId', message: '申请还没有合同信息' },
        ]);
      return this.insertRequest(tx, auth, 'enterprise', {
        providerId: app.providerId,
        enterpriseId: app.enterpriseId,
        applicationId: app.id,
        amountFen: input.amountFen,
        description: input.description ?? `合同 ${app.contractNo} 款项`.slice(0, 60),
        contractNo: app.contractNo,
        catalogueItem: null,
      });
    });
  }

  private async insertRequest(
    tx: Tx,
    auth: Actor,
    role: 'provider' | 'enterprise',
    r: Pick<PaymentRequest, 'providerId' | 'enterpriseId' | 'applicationId' | 'amountFen' | 'description' | 'contractNo' | 'catalogueItem'>,
  ) {
    const account = await merchantAccountOf(tx, r.providerId);
    const filing = await findFiling(tx, r.providerId);
    if (!filing || filing.status !== 'approved')
      throw new ConflictError('该服务商不是有效的已备案服务商，不能通过平台收款', 'provider_not_approved');
    if (!account || account.status !== 'active')
      throw new NotFoundError('该服务商暂未开通平台微信支付，请按合同约定的方式付款，并在付款记录中登记', 'wechat_pay_not_offered');
    const now = this.deps.now();
    const row: PaymentRequest = {
      id: newId(),
      ...r,
      merchantAccountId: account.id,
      createdBy: auth.userId,
      createdByRole: role,
      outTradeNo: newOutTradeNo(),
      status: 'created',
      payerOpenid: null,
      prepayId: null,
      prepayAt: null,
      leaseUntil: null,
      expiresAt: now + REQUEST_VALID_MS,
      transactionId: null,
      paidAt: null,
      paidOn: null,
      refundedFen: 0,
      checkedAt: null,
      checkCount: 0,
      problem: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await insertPaymentRequest(tx, row);
    await this.deps.audit.append(tx, {
      action: 'payment.requested',
      actorId: auth.userId,
      entityType: 'payment_request',
      entityId: row.id,
      data: {
        by: role,
        providerId: r.providerId,
        enterpriseId: r.enterpriseId,
        applicationId: r.applicationId,
        amountFen: r.amountFen,
        outTradeNo: row.outTradeNo,
      },
    });
    if (role === 'provider') await notifyParties(tx, row, 'payment.requested', {}, now);
    return { payment: await this.view(tx, row) };
  }

  // ---- reading ------------------------------------------------------------------------------------

  async get(auth: Actor, id: string) {
    return this.deps.db.read(async (m) => {
      const row = await this.visible(m, auth, id);
      return { payment: await this.view(m, row) };
    });
  }

  /** The enterprise's, the provider's, or (city) everyone's payment requests, newest first. */
  async list(
    auth: Actor,
    q: { scope: 'enterprise' | 'provider' | 'all'; enterpriseId?: string; status?: PaymentRequestStatus; limit: number },
  ) {
    return this.deps.db.read(async (m) => {
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
        payments: await this.views(m, await paymentRequestsPage(m, { providerId, enterpriseIds, status: q.status, limit: q.limit })),
      };
    });
  }

  private async visible(m: Tx, auth: Actor, id: string): Promise<PaymentRequest> {
    const row = await findPaymentRequest(m, id);
    if (row) {
      if (hasRole(auth, 'city_miit', 'city_finance', 'admin')) return row;
      if (await isEnterpriseMember(m, row.enterpriseId, auth.userId)) return row;
      if ((await ownedProvider(m, auth.userId))?.id === row.providerId) return row;
    }
    throw new NotFoundError('没有这笔付款，或您无权查看');
  }

  async view(m: Tx, r: PaymentRequest) {
    return (await this.views(m, [r]))[0];
  }

  /** A page of payments with their refunds and the parties' names: three queries for the whole page. */
  private async views(m: Tx, rows: PaymentRequest[]) {
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
      statusLabel: STATUS_LABELS[r.status],
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
          statusLabel: REFUND_LABELS[f.status],
          origin: f.origin,
          succeededOn: f.succeededOn,
          createdAt: f.createdAt,
        })),
    }));
  }

  // ---- paying -------------------------------------------------------------------------------------

  /** The signed parameters for wx.requestPayment: the request's one order, made now or reused. */
  async jsapi(auth: Actor, id: string) {
    const openid = await this.payerOpenid(auth);
    const deadline = this.deps.now() + WAIT_FOR_ORDER_MS;
    const first = await this.deps.db.read((m) => this.visible(m, auth, id));
    if (!(await this.deps.db.read((m) => isEnterpriseMember(m, first.enterpriseId, auth.userId))))
      throw new ForbiddenError('只有付款企业的成员可以支付这笔款项');
    for (let row = first; ; row = (await this.deps.db.read((m) => findPaymentRequest(m, id)))!) {
      const now = this.deps.now();
      switch (row.status) {
        case 'paid':
          throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
        case 'closed':
        case 'failed':
          throw new ConflictError(`这笔付款${STATUS_LABELS[row.status]}，请联系服务商重新发起付款请求`, 'payment_closed');
        case 'open':
          if (row.payerOpenid !== openid)
            throw new ConflictError('这笔付款已由本企业的另一位用户发起支付，请由他完成，或等订单过期后再试', 'other_payer');
          if (row.expiresAt <= now) throw new ConflictError('这笔付款的订单已过期，请联系服务商重新发起付款请求', 'payment_expired');
          return this.signParams(await this.clientOf(row), row.prepayId!);
        case 'created':
          if (row.expiresAt <= now) throw new ConflictError('这笔付款请求已过期，请联系服务商重新发起', 'payment_expired');
          if (!(await this.accepting(row)))
            throw new ConflictError('该服务商已停用平台微信支付，请按合同约定的方式付款', 'wechat_pay_not_offered');
          if (await this.claim(row, openid, now, 'created'))
            return this.order(
              { ...row, status: 'ordering', payerOpenid: openid, expiresAt: Math.min(row.expiresAt, now + this.deps.orderTtlMs) },
              false,
            );
          break;
        case 'ordering':
          if (row.payerOpenid !== openid) throw new ConflictError('这笔付款已由本企业的另一位用户发起支付，请由他完成', 'other_payer');
          if (row.expiresAt <= now) throw new ConflictError('这笔付款的订单已过期，请联系服务商重新发起付款请求', 'payment_expired');
          // Someone's call is in flight, or its answer was unclear: after the lease, take over — and query first.
          if ((row.leaseUntil ?? 0) <= now && (await this.claim(row, openid, now, 'lapsed_lease'))) return this.order(row, true);
          break;
      }
      if (this.deps.now() >= deadline) throw new ConflictError('正在向微信支付下单，请稍候再点“支付”；不会重复扣款', 'ordering');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async accepting(row: PaymentRequest): Promise<boolean> {
    const account = await this.deps.db.read((m) => findMerchantAccount(m, row.merchantAccountId));
    return account?.status === 'active';
  }

  private async claim(row: PaymentRequest, openid: string, now: number, from: 'created' | 'lapsed_lease'): Promise<boolean> {
    const expiresAt = row.status === 'created' ? Math.min(row.expiresAt, now + this.deps.orderTtlMs) : row.expiresAt;
    return this.deps.db.read((m) => claimOrder(m, row.id, from, { payerOpenid: openid, leaseUntil: now + ORDER_LEASE_MS, expiresAt }, now));
  }

  /** We hold the lease. After an unclear earlier answer the order may already exist: ask before ordering. */
  private async order(row: PaymentRequest, askFirst: boolean) {
    const client = await this.clientOf(row);
    if (askFirst) {
      const known = await this.queryAndSettle(client, row, 'jsapi-takeover');
      if (known === 'paid') throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
      if (known === 'closed') throw new ConflictError('这笔付款已关闭，请联系服务商重新发起付款请求', 'payment_closed');
      if (known === 'unclear') {
        await this.releaseLease(row.id);
        throw new UpstreamError('微信支付暂时没有回应；这笔付款不会重复下单，请稍后再点“支付”');
      }
    }
    const res = await client.pay.transactions_jsapi({
      description: row.description,
      out_trade_no: row.outTradeNo,
      time_expire: rfc3339Shanghai(row.expiresAt),
      attach: row.id,
      notify_url: this.deps.notifyUrl(row.merchantAccountId),
      amount: { total: row.amountFen, currency: 'CNY' },
      payer: { openid: row.payerOpenid! },
    });
    const now = this.deps.now();
    const data = res.data as { package?: unknown } | undefined;
    if (res.status === 200 && typeof data?.package === 'string' && data.package) {
      const prepayId = data.package.replace(/^prepay_id=/, '');
      await this.deps.db.read((m) => markOrderOpen(m, row.id, prepayId, now));
      return res.data as { appId: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string };
    }
    const code = (res.data as { code?: string } | undefined)?.code;
    this.deps.logger?.warn(
      { paymentId: row.id, status: res.status, code: code ?? null, error: typeof res.error === 'string' ? res.error.slice(0, 100) : null },
      'WeChat Pay did not accept the order call',
    );
    if (res.status === 0 || res.status >= 500) {
      // Unclear: the order may exist. Whoever comes next (or the sweeper) queries before anything else.
      await this.deps.db.read((m) => markOrderUnclear(m, row.id, now));
      throw new UpstreamError('微信支付暂时没有回应；这笔付款不会重复下单，请稍后再点“支付”');
    }
    if (code === 'ORDERPAID' || code === 'ORDER_CLOSED' || code === 'INVALID_REQUEST') {
      const known = await this.queryAndSettle(client, row, 'jsapi-refused');
      if (known === 'paid') throw new ConflictError('这笔款项已经支付，不必再付', 'already_paid');
    }
    const message = (res.data as { message?: string } | undefined)?.message ?? '';
    await this.deps.db.transaction(async (tx) => {
      await markOrderFailed(tx, row.id, `微信支付拒绝下单：${code ?? res.status} ${message}`.slice(0, 500), now);
      await this.deps.audit.append(tx, {
        action: 'payment.order_refused',
        actorId: 'system:wechat-pay',
        entityType: 'payment_request',
        entityId: row.id,
        data: { code: code ?? null, status: res.status },
      });
    });
    throw new UpstreamError(
      `微信支付没有接受这笔订单（${code ?? res.status}${message ? `：${message}` : ''}），请联系服务商核对其商户设置后重新发起`,
      'wechat_pay_refused',
    );
  }

  private async releaseLease(id: string): Promise<void> {
    const now = this.deps.now();
    await this.deps.db.read((m) => releaseOrderLease(m, id, now));
  }

  private signParams(client: MerchantClient, prepayId: string) {
    const data = {
      appId: client.appid,
      timeStamp: String(Math.floor(this.deps.now() / 1000)),
      nonceStr: nonceString(8),
      package: `prepay_id=${prepayId}`,
      signType: 'RSA',
      paySign: '',
    };
    data.paySign = client.sign([data.appId, data.timeStamp, data.nonceStr, data.package, ''].join('\n'));
    return data;
  }

  private async payerOpenid(auth: Actor): Promise<string> {
    const openid = await this.deps.db.read((m) => findUser(m, auth.userId).then((u) => u?.mpOpenid ?? null));
    if (!openid) throw new ConflictError('请在微信小程序中登录后再支付', 'no_openid');
    return openid;
  }

  async clientOf(row: Pick<PaymentRequest, 'merchantAccountId'>): Promise<MerchantClient> {
    return this.deps.db.read((m) => this.deps.merchants.client(m, row.merchantAccountId));
  }

  /**
   * Asks WeChat Pay what became of the order and records it: paid → settled (once), closed or failed →
   * so recorded, not there or unpaid → said so. Used after unclear answers, by the sweeper and by the bill check.
   */
  async queryAndSettle(
    client: MerchantClient,
    row: PaymentRequest,
    via: string,
  ): Promise<'paid' | 'closed' | 'notpay' | 'absent' | 'unclear'> {
    const res = await client.pay.query({ out_trade_no: row.outTradeNo });
    const now = this.deps.now();
    await this.deps.db.read((m) => markChecked(m, row.id, now));
    if (res.status === 404 && (res.data as { code?: string } | undefined)?.code === 'ORDER_NOT_EXIST') return 'absent';
    if (res.status !== 200) return 'unclear';
    const t = res.data as WechatTransaction;
    if (t.mchid !== undefined && t.mchid !== client.mchid) return 'unclear';
    switch (t.trade_state) {
      case 'SUCCESS':
      case 'REFUND': {
        const outcome = await this.deps.db.transaction((tx) => settlePaid(this.deps, tx, row, t, via, now));
        return outcome === 'mismatch' ? 'unclear' : 'paid';
      }
      case 'CLOSED':
      case 'REVOKED':
      case 'PAYERROR':
        await this.markClosed(row, t.trade_state === 'PAYERROR' ? 'failed' : 'closed', via);
        return 'closed';
      default:
        return 'notpay';
    }
  }

  async markClosed(row: PaymentRequest, status: 'closed' | 'failed', via: string): Promise<void> {
    const now = this.deps.now();
    await this.deps.db.transaction(async (tx) => {
      if (await closePaymentRequest(tx, row.id, status, now))
        await this.deps.audit.append(tx, {
          action: `payment.${status}`,
          actorId: 'system:wechat-pay',
          entityType: 'payment_request',
          entityId: row.id,
          data: { via },
        });
    });
  }

  // ---- provider actions ---------------------------------------------------------------------------

  /** The provider withdraws an unpaid request; an order at WeChat Pay is closed first. */
  async cancel(auth: Actor, id: string) {
    const row = await this.providerRow(auth, id);
    if (row.status === 'paid') throw new ConflictError('这笔款项已经支付，不能撤回；如需退还请办理退款', 'already_paid');
    if (row.status === 'closed' || row.status === 'failed') return this.get(auth, id);
    if (row.status === 'ordering' || row.status === 'open') {
      const outcome = await this.closeAtWechat(row, 'provider-cancel');
      if (outcome === 'paid') throw new ConflictError('企业刚刚完成了支付，不能撤回；如需退还请办理退款', 'already_paid');
      if (outcome === 'unclear') throw new UpstreamError('微信支付暂时没有回应，请稍后再撤回');
    } else {
      await this.markClosed(row, 'closed', 'provider-cancel');
    }
    return this.get(auth, id);
  }

  /** Closes the order at WeChat Pay (paid after all → settled as paid). */
  async closeAtWechat(row: PaymentRequest, via: string): Promise<'closed' | 'paid' | 'unclear'> {
    const client = await this.clientOf(row);
    const res = await client.pay.close(row.outTradeNo);
    const code = (res.data as { code?: string } | undefined)?.code;
    if (res.status === 204 || res.status === 200 || code === 'ORDER_NOT_EXIST' || code === 'ORDER_CLOSED') {
      // A close can cross a payment in flight: the query is the last word.
      const after = await this.queryAndSettle(client, row, via);
      if (after === 'paid') return 'paid';
      if (after === 'unclear') return 'unclear';
      await this.markClosed(row, 'closed', via);
      return 'closed';
    }
    if (code === 'ORDERPAID') return (await this.queryAndSettle(client, row, via)) === 'paid' ? 'paid' : 'unclear';
    return 'unclear';
  }

  /** A refund asked for by the provider: one out_refund_no per refund row, reused on every retry. */
  async refund(auth: Actor, id: string, input: z.output<typeof refundSchema>) {
    const row = await this.providerRow(auth, id);
    if (row.status !== 'paid') throw new ConflictError('只有已支付的款项可以退款', 'not_paid');
    const now = this.deps.now();
    const refund = await this.deps.db.transaction(async (tx) => {
      if ((await pendingRefundCount(tx, row.id)) > 0)
        throw new ConflictError('这笔款项还有一笔退款在处理中，请等它完成后再申请', 'refund_pending');
      const fresh = (await findPaymentRequest(tx, row.id))!;
      if (input.amountFen > fresh.amountFen - fresh.refundedFen)
        throw new InvalidInputError(`退款金额超过可退金额（${((fresh.amountFen - fresh.refundedFen) / 100).toFixed(2)} 元）`, [
          { path: 'amountFen', message: '超过可退金额' },
        ]);
      const r: PaymentRefund = {
        id: newId(),
        paymentRequestId: row.id,
        outRefundNo: `RF${newId()}`,
        refundId: null,
        amountFen: input.amountFen,
        reason: input.reason,
        status: 'requested',
        origin: 'platform',
        requestedBy: auth.userId,
        leaseUntil: now + ORDER_LEASE_MS,
        succeededAt: null,
        succeededOn: null,
        createdAt: now,
        updatedAt: now,
      };
      await insertRefund(tx, r);
      await this.deps.audit.append(tx, {
        action: 'payment.refund_requested',
        actorId: auth.userId,
        entityType: 'payment_request',
        entityId: row.id,
        data: { outRefundNo: r.outRefundNo, amountFen: r.amountFen, reason: r.reason },
      });
      return r;
    });
    await this.pushRefund(row, refund);
    return this.get(auth, id);
  }

  /** Sends (or re-sends, with the same number) a refund to WeChat Pay and records what it said. */
  async pushRefund(row: PaymentRequest, refund: PaymentRefund): Promise<void> {
    const client = await this.clientOf(row);
    const res = await client.pay.refunds({
      out_trade_no: row.outTradeNo,
      out_refund_no: refund.outRefundNo,
      reason: refund.reason ?? undefined,
      notify_url: this.deps.notifyUrl(row.merchantAccountId),
      amount: { refund: refund.amountFen, total: row.amountFen, currency: 'CNY' },
    });
    await this.recordRefundAnswer(row, refund, res.status, res.data, 'refund');
  }

  async recordRefundAnswer(
    row: PaymentRequest,
    refund: PaymentRefund,
    status: number,
    data: (WechatRefund & { code?: string; message?: string }) | undefined,
    via: string,
  ): Promise<void> {
    const now = this.deps.now();
    if (status === 200 && data) {
      const state = data.status ?? data.refund_status;
      if (state === 'SUCCESS') {
        await this.deps.db.transaction((tx) => settleRefund(this.deps, tx, row, { ...data, out_refund_no: refund.outRefundNo }, via, now));
        return;
      }
      if (state === 'CLOSED' || state === 'ABNORMAL') {
        await this.deps.db.read((m) => advanceRefund(m, refund.id, 'failed', data.refund_id ?? null, now));
        return;
      }
      await this.deps.db.read((m) => advanceRefund(m, refund.id, 'processing', data.refund_id ?? null, now));
      return;
    }
    if (status >= 400 && status < 500 && status !== 404) {
      await this.deps.db.read((m) => refuseRefund(m, refund.id, now));
      throw new RefusedError(
        `微信支付没有接受这笔退款（${data?.code ?? status}${data?.message ? `：${data.message}` : ''}）`,
        'refund_refused',
      );
    }
    // Unclear: the sweeper asks again under the same out_refund_no.
    await this.deps.db.read((m) => releaseRefundLease(m, refund.id, now));
  }

  private async providerRow(auth: Actor, id: string): Promise<PaymentRequest> {
    return this.deps.db.read(async (m) => {
      const provider = await ownedProvider(m, auth.userId);
      const row = await findPaymentRequest(m, id);
      if (!provider || !row || row.providerId !== provider.id) throw new NotFoundError('没有这笔付款，或它不是付给您的');
      return row;
    });
  }

  // ---- the application ----------------------------------------------------------------------------

  /** Puts a paid order of the enterprise's on one of its applications (one made before the application existed). */
  async attach(auth: Actor, applicationId: string, paymentId: string) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const app = await findApplication(tx, applicationId);
      if (!app || !(await isEnterpriseMember(tx, app.enterpriseId, auth.userId)))
        throw new NotFoundError('没有这份申请，或您不是该企业的成员');
      if (app.status !== 'draft' && app.status !== 'returned')
        throw new ConflictError('申请提交后不能再添加付款记录', 'invalid_transition');
      const row = await findPaymentRequest(tx, paymentId);
      if (!row || row.enterpriseId !== app.enterpriseId) throw new NotFoundError('没有这笔付款，或它不是本企业的');
      if (row.status !== 'paid') throw new ConflictError('这笔款项还没有支付完成', 'not_paid');
      if (app.providerId && row.providerId !== app.providerId)
        throw new InvalidInputError('这笔付款是付给另一家服务商的，与申请的合同不符', [{ path: 'paymentId', message: '服务商不符' }]);
      if (await paymentUsedElsewhere(tx, row.id, app.id)) throw new ConflictError('这笔付款已记入本企业的另一份申请', 'payment_used');
      await setPaymentApplication(tx, row.id, app.id, now);
      await attachToApplication(this.deps, tx, { ...row, applicationId: app.id }, now);
      return { applicationId: app.id, paymentId: row.id };
    });
  }
}
