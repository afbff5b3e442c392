import { z } from 'zod';
import { calendarDate, count, fen, idField, timestamp, versionField } from './common';

/** WeChat Pay through the platform: merchant accounts, payments, refunds, reconciliation (server/src/modules/payments). */

export const merchantAccountSchema = z
  .strictObject({
    id: idField,
    providerId: idField,
    mchid: z.string(),
    appid: z.string(),
    serialNo: z.string(),
    platformKeyIds: z.array(z.string()),
    status: z.enum(['active', 'unlinked']),
    statusLabel: z.string(),
    version: versionField,
    linkedAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'MerchantAccount' });
export type MerchantAccount = z.infer<typeof merchantAccountSchema>;

export const merchantAccountEnvelopeSchema = z.strictObject({ account: merchantAccountSchema }).meta({ id: 'MerchantAccountEnvelope' });
export const myMerchantAccountSchema = z.strictObject({ account: merchantAccountSchema.nullable() }).meta({ id: 'MyMerchantAccount' });

export const paymentMerchantSchema = z
  .strictObject({
    providerId: idField,
    companyName: z.string(),
    filingNo: z.string().nullable(),
    filingStatus: z.string(),
    acceptsWechatPay: z.boolean(),
    mchid: z.string().nullable(),
    accountStatus: z.enum(['active', 'unlinked']).nullable(),
    linkedAt: timestamp.nullable(),
  })
  .meta({ id: 'PaymentMerchant' });
export const paymentMerchantListSchema = z.strictObject({ providers: z.array(paymentMerchantSchema) }).meta({ id: 'PaymentMerchantList' });

export const paymentRefundSchema = z
  .strictObject({
    id: idField,
    outRefundNo: z.string(),
    amountFen: fen,
    reason: z.string().nullable(),
    status: z.enum(['requested', 'processing', 'succeeded', 'failed']),
    statusLabel: z.string(),
    origin: z.enum(['platform', 'merchant']).describe('merchant：在商户平台直接办理，由回调或账单得知'),
    succeededOn: calendarDate.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'PaymentRefund' });

export const paymentSchema = z
  .strictObject({
    id: idField,
    providerId: idField,
    providerName: z.string().nullable(),
    enterpriseId: idField,
    enterpriseName: z.string().nullable(),
    applicationId: idField.nullable(),
    amountFen: fen,
    description: z.string(),
    contractNo: z.string().nullable(),
    catalogueItem: z.string().nullable(),
    requestedBy: z.enum(['provider', 'enterprise']),
    status: z.enum(['created', 'paid', 'closed', 'failed']).describe('付款人看到的状态：支付完成之前都是 created'),
    orderStatus: z.enum(['created', 'ordering', 'open', 'paid', 'closed', 'failed']),
    statusLabel: z.string(),
    outTradeNo: z.string(),
    transactionId: z.string().nullable(),
    paidAt: timestamp.nullable(),
    paidOn: calendarDate.nullable(),
    refundedFen: fen,
    verifiedPaidFen: fen.describe('平台见到的实付金额减去退款：申请可计入的金额'),
    expiresAt: timestamp,
    problem: z.string().nullable(),
    createdAt: timestamp,
    refunds: z.array(paymentRefundSchema),
  })
  .meta({ id: 'Payment' });
export type Payment = z.infer<typeof paymentSchema>;

export const paymentEnvelopeSchema = z.strictObject({ payment: paymentSchema }).meta({ id: 'PaymentEnvelope' });
export const paymentListSchema = z.strictObject({ payments: z.array(paymentSchema) }).meta({ id: 'PaymentList' });

export const jsapiParamsSchema = z
  .strictObject({
    appId: z.string(),
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string(),
    signType: z.literal('RSA'),
    paySign: z.string(),
  })
  .meta({ id: 'JsapiParams', description: 'wx.requestPayment 的参数，已用服务商的商户私钥签名' });
export type JsapiParams = z.infer<typeof jsapiParamsSchema>;

export const paymentAttachmentSchema = z.strictObject({ applicationId: idField, paymentId: idField }).meta({ id: 'PaymentAttachment' });

export const paymentDiscrepancySchema = z
  .strictObject({
    id: idField,
    providerId: idField,
    billDate: calendarDate,
    outTradeNo: z.string(),
    kind: z.enum(['missing_here', 'missing_there', 'amount_mismatch', 'refund_mismatch', 'unsettled']),
    message: z.string(),
    ours: z.record(z.string(), z.unknown()).nullable(),
    theirs: z.record(z.string(), z.unknown()).nullable(),
    foundAt: timestamp,
    resolvedAt: timestamp.nullable(),
  })
  .meta({ id: 'PaymentDiscrepancy' });
export type PaymentDiscrepancy = z.infer<typeof paymentDiscrepancySchema>;
export const discrepancyListSchema = z.strictObject({ discrepancies: z.array(paymentDiscrepancySchema) }).meta({ id: 'DiscrepancyList' });
export const discrepancyResolutionSchema = z
  .strictObject({ discrepancy: z.strictObject({ id: idField, resolvedAt: timestamp }) })
  .meta({ id: 'DiscrepancyResolution' });

export const sweepResultSchema = z
  .strictObject({ checked: count, paid: count, closed: count, refundsChecked: count })
  .meta({ id: 'SweepResult' });
export const billCheckResultSchema = z
  .strictObject({ results: z.array(z.strictObject({ accountId: idField, outcome: z.string(), disagreements: count })) })
  .meta({ id: 'BillCheckResult' });
