import { z } from 'zod';
import type { AppContext } from '../context';
import { hasRole } from '../../modules/actor';
import { answers, type RouteTable } from '../routeTable';
import {
  billCheckResultSchema,
  discrepancyListSchema,
  discrepancyResolutionSchema,
  jsapiParamsSchema,
  merchantAccountEnvelopeSchema,
  myMerchantAccountSchema,
  paymentAttachmentSchema,
  paymentEnvelopeSchema,
  paymentListSchema,
  paymentMerchantListSchema,
  sweepResultSchema,
} from '../../../../shared/src/contracts/responses/payments';
import { parseInput } from '../validate';
import { InvalidInputError } from '../../modules/errors';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';
import { linkSchema, type MerchantAccounts } from '../../modules/payments/merchantAccounts';
import { enterpriseRequestSchema, providerRequestSchema, refundSchema, type PaymentService } from '../../modules/payments/service';
import type { PaymentCallbacks } from '../../modules/payments/callbacks';
import type { PaymentReconciler } from '../../modules/payments/reconcile';

const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '编号格式不对');
const listSchema = z.object({
  scope: z.enum(['enterprise', 'provider', 'all'], { error: 'scope 须为 enterprise、provider 或 all' }).optional(),
  enterpriseId: id.optional(),
  status: z.enum(['created', 'ordering', 'open', 'paid', 'closed', 'failed'], { error: '状态不在可选范围内' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const versionSchema = z.object({ version: z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int().min(1) });
const attachSchema = z.object({ paymentId: id });
const resolveSchema = z.object({
  note: z.string({ error: '请写明查明的情况和处理结果' }).trim().min(4, '请写明查明的情况和处理结果').max(300, '不超过 300 字'),
});
const billSchema = z.object({ date: z.string().refine(isCalendarDate, '日期须为 YYYY-MM-DD') });
/** Read as is by the handler (`all=1`: resolved ones too); declared for the document. */
const discrepancyQuery = z.object({ all: z.string().optional().describe('1：含已处理的') });
/** WeChat Pay's notification (APIv3): signed in its headers, the resource encrypted; read from the raw body by PaymentCallbacks. */
const notificationSchema = z.looseObject({
  id: z.string(),
  create_time: z.string(),
  event_type: z.string(),
  resource_type: z.string(),
  resource: z.looseObject({ algorithm: z.string(), ciphertext: z.string(), nonce: z.string(), associated_data: z.string().optional() }),
  summary: z.string().optional(),
});

export interface PaymentRouteDeps {
  merchants: MerchantAccounts;
  payments: PaymentService;
  callbacks: PaymentCallbacks;
  reconciler: PaymentReconciler;
}

export function paymentRoutes(routes: RouteTable, deps: PaymentRouteDeps): void {
  routes
    // ---- the provider's merchant account ----
    .add(
      {
        method: 'GET',
        path: '/api/v1/providers/me/merchant-account',
        access: ['provider'],
        summary: '我的微信支付商户账户（不含任何密钥）',
        response: myMerchantAccountSchema,
      },
      async (ctx) => {
        ctx.body = await deps.merchants.mine(ctx.state.auth!);
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/providers/me/merchant-account',
        access: ['provider'],
        summary: '开通或更换平台收款的微信支付商户号（先经微信支付核验）',
        body: linkSchema,
        response: merchantAccountEnvelopeSchema,
        errors: ['provider_not_approved', 'mchid_taken', 'merchant_refused', 'upstream_unavailable'],
      },
      async (ctx) => {
        ctx.body = await deps.merchants.link(ctx.state.auth!, parseInput(linkSchema, ctx.request.body ?? {}, '商户信息有误，请按提示修改'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/providers/me/merchant-account/unlink',
        access: ['provider'],
        summary: '停用平台收款',
        body: versionSchema,
        response: merchantAccountEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = await deps.merchants.unlink(ctx.state.auth!, parseInput(versionSchema, ctx.request.body ?? {}).version);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/payments/merchants',
        access: ['city_miit', 'city_finance', 'admin'],
        summary: '已备案服务商中哪些开通了平台微信支付',
        response: paymentMerchantListSchema,
      },
      async (ctx) => {
        ctx.body = await deps.merchants.overview();
      },
    )
    // ---- payment requests ----
    .add(
      {
        method: 'POST',
        path: '/api/v1/providers/me/payment-requests',
        access: ['provider'],
        summary: '向企业发起付款请求（按合同）',
        body: providerRequestSchema,
        response: paymentEnvelopeSchema,
        status: 201,
        errors: ['provider_not_approved', 'wechat_pay_not_offered'],
      },
      async (ctx) => {
        ctx.status = 201;
        ctx.body = await deps.payments.requestByProvider(ctx.state.auth!, parseInput(providerRequestSchema, ctx.request.body ?? {}));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/payments',
        access: 'authenticated',
        summary: '企业按申请的合同或服务商目录发起一笔微信支付付款',
        body: enterpriseRequestSchema,
        response: paymentEnvelopeSchema,
        status: 201,
        errors: ['provider_not_approved', 'wechat_pay_not_offered'],
      },
      async (ctx) => {
        ctx.status = 201;
        ctx.body = await deps.payments.requestByEnterprise(ctx.state.auth!, parseInput(enterpriseRequestSchema, ctx.request.body ?? {}));
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/payments',
        access: 'authenticated',
        summary: '付款请求列表：企业的、服务商的（scope=provider）或全部（市级）',
        query: listSchema,
        response: paymentListSchema,
      },
      async (ctx) => {
        const q = parseInput(listSchema, ctx.query);
        const auth = ctx.state.auth!;
        const scope = q.scope ?? (hasRole(auth, 'provider') ? 'provider' : 'enterprise');
        ctx.body = await deps.payments.list(auth, { scope, enterpriseId: q.enterpriseId, status: q.status, limit: q.limit });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/payments/discrepancies',
        access: ['city_miit', 'city_finance', 'admin', 'provider'],
        summary: '微信支付对账不一致（市级看全部，服务商看自己的）',
        query: discrepancyQuery,
        response: discrepancyListSchema,
      },
      async (ctx) => {
        ctx.body = await deps.reconciler.discrepanciesFor(ctx.state.auth!, ctx.query.all !== '1');
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/payments/discrepancies/:id/resolve',
        access: ['city_miit'],
        summary: '对账不一致已查明，写明处理情况后关闭',
        params: { id },
        body: resolveSchema,
        response: discrepancyResolutionSchema,
        errors: ['already_resolved'],
      },
      async (ctx) => {
        ctx.body = await deps.reconciler.resolve(
          ctx.state.auth!,
          parseInput(id, ctx.params.id, '记录编号不对'),
          parseInput(resolveSchema, ctx.request.body ?? {}).note,
        );
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/payments/:id',
        access: 'authenticated',
        summary: '一笔付款（企业、收款服务商或市级可见）',
        params: { id },
        response: paymentEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = await deps.payments.get(ctx.state.auth!, parseInput(id, ctx.params.id, '付款编号不对'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/payments/:id/jsapi',
        access: 'authenticated',
        summary: '取 wx.requestPayment 的签名参数（同一笔付款只下一张订单）',
        params: { id },
        response: jsapiParamsSchema,
        errors: [
          'already_paid',
          'payment_closed',
          'payment_expired',
          'other_payer',
          'ordering',
          'no_openid',
          'wechat_pay_not_offered',
          'wechat_pay_refused',
          'upstream_unavailable',
        ],
      },
      async (ctx) => {
        ctx.body = await deps.payments.jsapi(ctx.state.auth!, parseInput(id, ctx.params.id, '付款编号不对'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/providers/me/payments/:id/cancel',
        access: ['provider'],
        summary: '撤回尚未支付的付款请求',
        params: { id },
        response: paymentEnvelopeSchema,
        errors: ['already_paid', 'upstream_unavailable'],
      },
      async (ctx) => {
        ctx.body = await deps.payments.cancel(ctx.state.auth!, parseInput(id, ctx.params.id, '付款编号不对'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/providers/me/payments/:id/refunds',
        access: ['provider'],
        summary: '退还已收款项（全部或部分）',
        params: { id },
        body: refundSchema,
        response: paymentEnvelopeSchema,
        errors: ['not_paid', 'refund_pending', 'refund_refused', 'upstream_unavailable'],
      },
      async (ctx) => {
        ctx.body = await deps.payments.refund(
          ctx.state.auth!,
          parseInput(id, ctx.params.id, '付款编号不对'),
          parseInput(refundSchema, ctx.request.body ?? {}),
        );
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/payments/wechat',
        access: 'authenticated',
        summary: '把本企业已支付的平台付款记入申请（作为已核验的付款凭证）',
        params: { id },
        body: attachSchema,
        response: paymentAttachmentSchema,
        errors: ['invalid_transition', 'not_paid', 'payment_used'],
      },
      async (ctx) => {
        ctx.body = await deps.payments.attach(
          ctx.state.auth!,
          parseInput(id, ctx.params.id, '申请编号不对'),
          parseInput(attachSchema, ctx.request.body ?? {}).paymentId,
        );
      },
    )
    // ---- operations ----
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/payments/sweep',
        access: ['admin'],
        summary: '立即查询所有未决的微信支付订单与退款',
        response: sweepResultSchema,
      },
      async (ctx) => {
        ctx.body = await deps.reconciler.sweep();
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/admin/payments/trade-bills',
        access: ['admin'],
        summary: '核对某一天各商户的微信支付交易账单',
        body: billSchema,
        response: billCheckResultSchema,
      },
      async (ctx) => {
        ctx.body = { results: await deps.reconciler.checkBills(parseInput(billSchema, ctx.request.body ?? {}).date) };
      },
    )
    // ---- WeChat Pay's callbacks ----
    .add(
      {
        method: 'POST',
        path: '/api/v1/wechat/pay/notify/:accountId',
        access: 'public',
        summary: '微信支付结果回调（验签、解密后处理，重复回调无影响）',
        params: { accountId: id },
        body: notificationSchema,
        response: answers.empty('已收到'),
        status: 204,
        errors: ['callback_refused'],
      },
      async (ctx) => {
        await notify(ctx, deps);
      },
    );
}

/** WeChat Pay reads only the status: 204 = received; any 4xx/5xx (our usual error body) and it sends again later. */
async function notify(ctx: AppContext, deps: PaymentRouteDeps): Promise<void> {
  const accountId = parseInput(id, ctx.params.accountId, '商户账户编号不对');
  const raw = (ctx.request as unknown as { rawBody?: string }).rawBody;
  if (typeof raw !== 'string' || raw === '') throw new InvalidInputError('回调须为 JSON');
  await deps.callbacks.receive(
    accountId,
    {
      timestamp: ctx.get('wechatpay-timestamp') || undefined,
      nonce: ctx.get('wechatpay-nonce') || undefined,
      signature: ctx.get('wechatpay-signature') || undefined,
      serial: ctx.get('wechatpay-serial') || undefined,
    },
    raw,
  );
  ctx.status = 204;
}
