import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { findFiling, ownedProvider } from '../../db/providers';
import { findApplication } from '../../db/applications';
import { paymentUsedElsewhere } from '../../db/applications/payments';
import { findEnterpriseByCreditCode, isEnterpriseMember } from '../../db/enterprises';
import { findPaymentRequest, insertPaymentRequest, setPaymentApplication, type PaymentRequest } from '../../db/payments/orders';
import { merchantAccountOf } from '../../db/payments/merchantAccounts';
import { paymentMachine } from '../../../../shared/src/workflow/payment';
import type { PaymentDeps } from './deps';
import { decidePayment, paymentContext, PAYER_ROLES } from './decide';
import { paymentView } from './reading';
import { attachToApplication, notifyParties } from './settle';

/**
 * Making payment requests (issue 7): a provider asks an enterprise to pay against their contract, or
 * an enterprise pays its contract's provider or a catalogue item; each request gets its one
 * out_trade_no here, in the payment machine's initial state. And putting a paid request on one of the
 * enterprise's applications (the machine's `attach`).
 */

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

/** A provider asks an enterprise to pay against their contract. */
export async function requestByProvider(deps: PaymentDeps, auth: Actor, input: z.output<typeof providerRequestSchema>) {
  return deps.db.transaction(async (tx) => {
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
    return insertRequest(deps, tx, auth, 'provider', {
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
export async function requestByEnterprise(deps: PaymentDeps, auth: Actor, input: z.output<typeof enterpriseRequestSchema>) {
  return deps.db.transaction(async (tx) => {
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
      return insertRequest(deps, tx, auth, 'enterprise', {
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
    return insertRequest(deps, tx, auth, 'enterprise', {
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

async function insertRequest(
  deps: PaymentDeps,
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
  const now = deps.now();
  const row: PaymentRequest = {
    id: newId(),
    ...r,
    merchantAccountId: account.id,
    createdBy: auth.userId,
    createdByRole: role,
    outTradeNo: newOutTradeNo(),
    status: paymentMachine.initial,
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
  await deps.audit.append(tx, {
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
  return { payment: await paymentView(tx, row) };
}

/**
 * Puts a paid order of the enterprise's on one of its applications (one made before the application
 * existed): the machine's `attach`, refused unless the request is paid and the application still open
 * for payments (draft or returned).
 */
export async function attachPayment(deps: PaymentDeps, auth: Actor, applicationId: string, paymentId: string) {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const app = await findApplication(tx, applicationId);
    if (!app || !(await isEnterpriseMember(tx, app.enterpriseId, auth.userId)))
      throw new NotFoundError('没有这份申请，或您不是该企业的成员');
    const row = await findPaymentRequest(tx, paymentId);
    if (!row || row.enterpriseId !== app.enterpriseId) throw new NotFoundError('没有这笔付款，或它不是本企业的');
    const decided = decidePayment(row.status, 'attach', PAYER_ROLES, paymentContext(row, now, { applicationState: app.status }));
    if (app.providerId && row.providerId !== app.providerId)
      throw new InvalidInputError('这笔付款是付给另一家服务商的，与申请的合同不符', [{ path: 'paymentId', message: '服务商不符' }]);
    if (await paymentUsedElsewhere(tx, row.id, app.id)) throw new ConflictError('这笔付款已记入本企业的另一份申请', 'payment_used');
    if (decided.effects.includes('attachToApplication')) {
      await setPaymentApplication(tx, row.id, app.id, now);
      await attachToApplication(deps, tx, { ...row, applicationId: app.id }, now);
    }
    return { applicationId: app.id, paymentId: row.id };
  });
}
