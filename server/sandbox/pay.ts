/**
 * WeChat Pay APIv3 for JSAPI payments: ordering, queries, closing, refunds, the trade bill, and the
 * signed, encrypted callbacks WeChat Pay sends to merchants. Clients reach it through
 * the product's `createPayTransport` (server/src/wechat/pay/transport.ts), which rewrites WeChat Pay's host to the sandbox.
 *
 * WeChat Pay is not the rest of WeChat: errors are HTTP 4xx/5xx with `{code, message}`, every request
 * is signed with the merchant's key (Authorization), and every JSON answer and callback is signed with
 * the platform key (Wechatpay-* headers). Signature timestamps are wall-clock time, since merchants
 * check them against their own clocks; what WeChat Pay records (success_time, bill days, expiry)
 * follows the sandbox clock, so that `control.advance` moves it.
 */
import {
  type KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  randomUUID,
} from 'node:crypto';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { DelayTimers } from './faults';
import { shanghaiDate, tradeBillCsv } from './payBill';
import {
  AUTH_SCHEME,
  WECHAT_PAY_ORIGIN,
  beijingTime,
  randomNonce,
  readAuthorization,
  rsaSha256Check,
  rsaSha256Sign,
  sealResource,
  signingString,
} from './payWire';
import { isCalendarDate } from '../../shared/src/rules/calendar';
import {
  type PayApi,
  type PayDelivery,
  type PayFaultMode,
  type PayMerchantConfig,
  type PayNotification,
  type PayOrder,
  type PayRefund,
  type PayRefundStatus,
  type PayTradeState,
  type SandboxContext,
  type SandboxState,
  record,
} from './state';

/** WeChat retries an unanswered callback 15 times over about 24 h (15s/15s/30s/3m/…/6h/6h). */
export const MAX_NOTIFY_ATTEMPTS = 15;
/** A prepay_id is good for 2 hours; the same order asked again after that gets a new one. */
const PREPAY_TTL_MS = 2 * 3_600_000;
/** How far a request's timestamp may be from the sandbox's wall clock. */
const REQUEST_MAX_SKEW_S = 300;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A WeChat Pay refusal: the HTTP status and the `{code, message}` body. */
class PayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PayApiError';
  }
}

/** Steering the sandbox in a way it cannot follow (unknown order, an order that cannot be paid). */
export class PaySandboxError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
    this.name = 'PaySandboxError';
  }
}

// ---- per-instance runtime: keys, timers and deliveries in flight (not state: nothing to read or reset) ----

interface PlatformKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  publicKeyId: string;
}

interface PayRuntime {
  platform: PlatformKey | null;
  timers: DelayTimers;
  inflight: Set<Promise<unknown>>;
  abort: AbortController;
}

const runtimes = new WeakMap<SandboxState, PayRuntime>();

/** A `:name` segment of the route (@koa/router types them loosely). */
function routeParam(ctx: Context, name: string): string {
  return String((ctx as unknown as { params: Record<string, string | undefined> }).params[name] ?? '');
}

function runtimeOf(sb: SandboxContext): PayRuntime {
  let rt = runtimes.get(sb.state);
  if (!rt) {
    rt = { platform: null, timers: new DelayTimers(), inflight: new Set(), abort: new AbortController() };
    runtimes.set(sb.state, rt);
  }
  return rt;
}

/** Cancels injected delays and callbacks still in flight (the sandbox is closing). */
export function disposePay(sb: SandboxContext): void {
  const rt = runtimeOf(sb);
  rt.timers.clear();
  rt.abort.abort();
  rt.abort = new AbortController();
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += String(randomInt(10));
  return out;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** Generated once per sandbox instance (reset() keeps it, as WeChat's key outlives any order). */
function platformOf(sb: SandboxContext): PlatformKey {
  const rt = runtimeOf(sb);
  if (rt.platform) return rt.platform;
  const fixed = sb.options.pay.platformKey;
  const privateKey = fixed ? createPrivateKey(fixed.privateKeyPem) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new PaySandboxError('platformKey: an RSA private key (PEM)');
  rt.platform = {
    privateKey,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyId: fixed?.publicKeyId ?? `PUB_KEY_ID_${digits(28)}`,
  };
  return rt.platform;
}

function signedHeaders(
  sb: SandboxContext,
  body: string,
  opts: { timestamp?: number; nonce?: string; serial?: string } = {},
): Record<string, string> {
  const platform = platformOf(sb);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomNonce();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': opts.serial ?? platform.publicKeyId,
    'Wechatpay-Signature': rsaSha256Sign(platform.privateKey, signingString([timestamp, nonce, body])),
    'Wechatpay-Signature-Type': AUTH_SCHEME,
  };
}

function sendSigned(ctx: Context, sb: SandboxContext, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  ctx.status = status;
  ctx.set('Request-ID', randomUUID());
  ctx.set(signedHeaders(sb, text));
  if (text !== '') {
    ctx.type = 'application/json';
    ctx.body = text;
  }
}

/**
 * WeChat Pay documents its signature for successful answers (签名验证,
 * https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay4_1.shtml) and its SDKs verify only 2xx:
 * errors go unsigned unless `signErrors` (the other behaviour the product must also accept).
 */
function sendPayError(ctx: Context, sb: SandboxContext, error: PayApiError): void {
  const body = { code: error.code, message: error.message };
  if (sb.state.pay.signErrors) {
    sendSigned(ctx, sb, error.status, body);
    return;
  }
  ctx.status = error.status;
  ctx.set('Request-ID', randomUUID());
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

/**
 * The gateway's refusals that come "at times": 429 FREQUENCY_LIMITED past a merchant's rate, and
 * 403 — APIv3 接口规则, HTTP 状态码 (https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay2_0.shtml);
 * a request refused so is not carried out ("超频率正常是不会处理成功的",
 * https://developers.weixin.qq.com/community/pay/doc/00082c33108b60f232c2013986bc00).
 */
const RATE_LIMITED = (): PayApiError => new PayApiError(429, 'FREQUENCY_LIMITED', '频率超限，请降低请求频率后重试');
const FORBIDDEN = (): PayApiError => new PayApiError(403, 'TRADE_ERROR', '交易错误，请稍后重试');

/** Counts a merchant's request in the current wall-clock second; false past `maxRequestsPerSecond`. */
function withinRate(sb: SandboxContext, mchid: string): boolean {
  const second = Math.floor(Date.now() / 1000);
  const rate = sb.state.pay.requestRate.get(mchid);
  if (!rate || rate.second !== second) {
    sb.state.pay.requestRate.set(mchid, { second, count: 1 });
    return true;
  }
  rate.count += 1;
  return rate.count <= sb.options.pay.maxRequestsPerSecond;
}

// ---- merchants ----

function checkMerchant(merchant: PayMerchantConfig): KeyObject {
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(merchant.mchid)) throw new PaySandboxError('mchid: 1–32 of [0-9A-Za-z_-]');
  if (!merchant.appid || merchant.appid.length > 32) throw new PaySandboxError('appid: 1–32 characters');
  if (!/^[\x21-\x7e]{32}$/.test(merchant.apiV3Key)) throw new PaySandboxError('apiV3Key: 32 printable ASCII characters');
  if (!/^[0-9A-Fa-f]{1,64}$/.test(merchant.serialNo)) throw new PaySandboxError('serialNo: a hexadecimal certificate serial');
  try {
    const key = createPublicKey(merchant.publicKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new PaySandboxError('publicKeyPem: an RSA public key (PEM)');
  }
}

function registerMerchant(sb: SandboxContext, merchant: PayMerchantConfig): void {
  checkMerchant(merchant);
  const { mchid, appid, apiV3Key, serialNo, publicKeyPem } = merchant;
  sb.state.pay.merchants.set(mchid, { mchid, appid, apiV3Key, serialNo: serialNo.toUpperCase(), publicKeyPem });
}

/** `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,serial_no=…,signature=…` checked against the merchant's key. */
function authenticate(ctx: Context, sb: SandboxContext, raw: string): PayMerchantConfig {
  const auth = readAuthorization(ctx.get('authorization') || undefined);
  if (!auth) throw new PayApiError(401, 'SIGN_ERROR', 'Authorization 缺失或格式错误');
  const merchant = sb.state.pay.merchants.get(auth.mchid);
  if (!merchant) throw new PayApiError(401, 'SIGN_ERROR', '商户号不存在或未开通 APIv3');
  if (auth.serial_no.toUpperCase() !== merchant.serialNo.toUpperCase()) throw new PayApiError(401, 'SIGN_ERROR', '商户证书序列号有误');
  const ts = Number(auth.timestamp);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(Date.now() / 1000 - ts) > REQUEST_MAX_SKEW_S) {
    throw new PayApiError(401, 'SIGN_ERROR', '请求时间戳与当前时间相差过大');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(merchant.publicKeyPem);
  } catch {
    throw new PayApiError(401, 'SIGN_ERROR', '商户公钥无效');
  }
  const message = signingString([ctx.method, ctx.originalUrl, auth.timestamp, auth.nonce_str, ctx.method === 'GET' ? '' : raw]);
  if (!rsaSha256Check(key, message, auth.signature)) throw new PayApiError(401, 'SIGN_ERROR', '错误的签名，验签失败');
  return merchant;
}

// ---- requests ----

/** The raw body (the request signature covers it byte for byte); null past the limit. */
function readRawBody(ctx: Context, limit: number): Promise<string | null> {
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function jsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new PayApiError(400, 'PARAM_ERROR', '请求体不是合法的 JSON');
  }
}

/** Validates like WeChat Pay, which names the offending field: `输入源“/body/amount/total”…`. */
function parseParams<T extends z.ZodType>(schema: T, value: unknown, source: 'body' | 'query'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('/') ?? '';
  throw new PayApiError(400, 'PARAM_ERROR', `输入源“/${source}${path ? `/${path}` : ''}”校验失败：${issue?.message ?? '参数错误'}`);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const notifyUrl = z.string().max(255).refine(isHttpUrl, '须为 http(s) 地址');
const fen = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const jsapiSchema = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_TRADE_NO, '6–32 位数字、大小写字母或 _-|*'),
  time_expire: z
    .string()
    .regex(RFC3339, '须为 RFC3339 时间')
    .refine((s) => !Number.isNaN(Date.parse(s)), '须为 RFC3339 时间')
    .optional(),
  attach: z.string().max(128).optional(),
  notify_url: notifyUrl,
  goods_tag: z.string().max(32).optional(),
  support_fapiao: z.boolean().optional(),
  amount: z.object({ total: fen, currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }),
});

const closeSchema = z.object({ mchid: z.string().min(1).max(32) });

const refundSchema = z
  .object({
    transaction_id: z.string().min(1).max(32).optional(),
    out_trade_no: z.string().regex(OUT_TRADE_NO, '6–32 位数字、大小写字母或 _-|*').optional(),
    out_refund_no: z.string().regex(OUT_REFUND_NO, '1–64 位数字、大小写字母或 _-|*@'),
    reason: z.string().max(80).optional(),
    notify_url: notifyUrl.optional(),
    funds_account: z.string().optional(),
    amount: z.object({
      refund: fen,
      total: fen,
      currency: z.literal('CNY'),
      from: z.array(z.unknown()).optional(),
    }),
    goods_detail: z.array(z.unknown()).optional(),
  })
  .refine((b) => b.transaction_id !== undefined || b.out_trade_no !== undefined, 'transaction_id 与 out_trade_no 须二选一');

const tradeBillSchema = z.object({
  bill_date: z.string().refine(isCalendarDate, '须为 YYYY-MM-DD 格式的日期'),
  bill_type: z.enum(['ALL', 'SUCCESS', 'REFUND']).default('ALL'),
  // GZIP files would not survive the text transport; the sandbox serves plain files only.
  tar_type: z
    .string()
    .optional()
    .refine((v) => v === undefined, 'the sandbox serves uncompressed bills only: leave tar_type out'),
});

function queryString(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

// ---- faults ----

function takePayFault(sb: SandboxContext, api: PayApi): { mode: PayFaultMode; delayMs: number } | null {
  const queue = sb.state.pay.faults.get(api);
  const head = queue?.[0];
  if (!queue || !head) return null;
  head.remaining -= 1;
  if (head.remaining <= 0) queue.shift();
  if (queue.length === 0) sb.state.pay.faults.delete(api);
  return { mode: head.mode, delayMs: head.delayMs };
}

// ---- orders and refunds ----

function orderKey(mchid: string, outTradeNo: string): string {
  return `${mchid}\u0000${outTradeNo}`;
}

function refundKey(mchid: string, outRefundNo: string): string {
  return `${mchid}\u0000${outRefundNo}`;
}

function isExpired(sb: SandboxContext, order: PayOrder): boolean {
  if (!order.expired && order.expiresAt !== null && sb.state.now() >= order.expiresAt) order.expired = true;
  return order.expired;
}

function isPaid(order: PayOrder): boolean {
  return order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND';
}

const TRADE_STATE_DESC: Record<PayTradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  PAYERROR: '支付失败，请重新下单支付',
  REFUND: '订单发生过退款，退款详情请查询退款单',
};

/** What a query answers and what a TRANSACTION.SUCCESS callback carries, encrypted. */
function transactionJson(order: PayOrder): Record<string, unknown> {
  const paid = order.transactionId !== null;
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId } : {}),
    trade_type: 'JSAPI',
    trade_state: order.tradeState,
    trade_state_desc: TRADE_STATE_DESC[order.tradeState],
    ...(paid ? { bank_type: 'OTHERS' } : {}),
    // "实际情况下只有支付完成状态才会返回该字段"
    ...(paid && order.attach !== null ? { attach: order.attach } : {}),
    ...(order.successTime !== null ? { success_time: beijingTime(order.successTime) } : {}),
    payer: { openid: order.openid },
    amount: { total: order.total, ...(paid ? { payer_total: order.total } : {}), currency: 'CNY', payer_currency: 'CNY' },
  };
}

function refundJson(refund: PayRefund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successTime !== null ? { success_time: beijingTime(refund.successTime) } : {}),
    create_time: beijingTime(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_total: refund.total,
      settlement_refund: refund.refund,
      discount_refund: 0,
      currency: 'CNY',
    },
    promotion_detail: [],
  };
}

function refundNotificationJson(refund: PayRefund): Record<string, unknown> {
  return {
    mchid: refund.mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successTime !== null ? { success_time: beijingTime(refund.successTime) } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
  };
}

function compact(ms: number): string {
  return beijingTime(ms).slice(0, 19).replace(/\D/g, '');
}

function newTransactionId(sb: SandboxContext): string {
  for (;;) {
    const id = `42000${compact(sb.state.now()).slice(0, 8)}${digits(15)}`;
    if (!sb.state.pay.transactions.has(id)) return id;
  }
}

function newRefundId(sb: SandboxContext): string {
  return `503${compact(sb.state.now()).slice(0, 8)}${digits(18)}`;
}

function newPrepayId(sb: SandboxContext): string {
  return `wx${compact(sb.state.now())}${randomBytes(10).toString('hex')}`;
}

function createRefund(
  sb: SandboxContext,
  order: PayOrder,
  input: { outRefundNo: string; refund: number; total: number; reason: string | null; notifyUrl: string | null; console: boolean },
): PayRefund {
  if (!isPaid(order) || order.transactionId === null) throw new PayApiError(404, 'RESOURCE_NOT_EXISTS', '订单不存在或未支付');
  if (input.total !== order.total) throw new PayApiError(400, 'INVALID_REQUEST', '订单金额与原订单金额不一致');
  const refundable = order.total - order.refunded;
  if (refundable <= 0) throw new PayApiError(400, 'INVALID_REQUEST', '订单已全额退款');
  if (input.refund > refundable) throw new PayApiError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
  const refund: PayRefund = {
    mchid: order.mchid,
    outRefundNo: input.outRefundNo,
    refundId: newRefundId(sb),
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    reason: input.reason,
    notifyUrl: input.notifyUrl,
    refund: input.refund,
    total: input.total,
    status: 'PROCESSING',
    createdAt: sb.state.now(),
    successTime: null,
    console: input.console,
  };
  sb.state.pay.refunds.set(refundKey(order.mchid, refund.outRefundNo), refund);
  order.refunded += refund.refund;
  order.tradeState = 'REFUND';
  return refund;
}

const REFUND_EVENTS: Record<Exclude<PayRefundStatus, 'PROCESSING'>, { eventType: string; summary: string }> = {
  SUCCESS: { eventType: 'REFUND.SUCCESS', summary: '退款成功' },
  ABNORMAL: { eventType: 'REFUND.ABNORMAL', summary: '退款异常' },
  CLOSED: { eventType: 'REFUND.CLOSED', summary: '退款关闭' },
};

/** The refund reaches its final status; the notification to send, when it has somewhere to go. */
function finishRefund(sb: SandboxContext, refund: PayRefund, status: Exclude<PayRefundStatus, 'PROCESSING'>): PayNotification | null {
  refund.status = status;
  if (status === 'SUCCESS') refund.successTime = sb.state.now();
  if (status === 'CLOSED') {
    // The money goes back to the merchant's account and can be refunded again.
    const order = sb.state.pay.orders.get(orderKey(refund.mchid, refund.outTradeNo));
    if (order) order.refunded -= refund.refund;
  }
  if (refund.notifyUrl === null) return null;
  const event = REFUND_EVENTS[status];
  return createNotification(sb, refund.mchid, refund.notifyUrl, event.eventType, event.summary, 'refund', refundNotificationJson(refund));
}

// ---- callbacks ----

export interface PayEncryptedResource {
  original_type: string;
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

function encryptResource(merchant: PayMerchantConfig, plaintext: string, associatedData: string): PayEncryptedResource {
  const nonce = alnum(12);
  return {
    original_type: associatedData,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: sealResource(merchant.apiV3Key, plaintext, associatedData, nonce),
    associated_data: associatedData,
    nonce,
  };
}

function createNotification(
  sb: SandboxContext,
  mchid: string,
  url: string,
  eventType: string,
  summary: string,
  resourceType: 'transaction' | 'refund',
  plaintext: Record<string, unknown>,
): PayNotification {
  const merchant = sb.state.pay.merchants.get(mchid);
  if (!merchant) throw new PaySandboxError(`no merchant ${mchid}`, 404);
  const id = randomUUID();
  const createdAt = sb.state.now();
  const body = JSON.stringify({
    id,
    create_time: beijingTime(createdAt),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary,
    resource: encryptResource(merchant, JSON.stringify(plaintext), resourceType),
  });
  const notification: PayNotification = { id, mchid, url, eventType, body, createdAt, attempts: 0, delivered: false };
  record(sb.state.pay.notifications, notification, sb.options.maxRecorded);
  return notification;
}

/**
 * A signature probe (签名探测): the callback as it is, with a `Wechatpay-Signature` beginning
 * `WECHATPAY/SIGNTEST/` that verifies with nothing — WeChat Pay sends such traffic to check that
 * merchants verify signatures, and a merchant must refuse it (签名验证,
 * https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay4_1.shtml). Recorded in `pay.probes`,
 * never counted as a delivery.
 */
async function probe(sb: SandboxContext, notification: PayNotification): Promise<PayDelivery> {
  const headers = {
    ...signedHeaders(sb, notification.body),
    'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${randomBytes(96).toString('base64')}`,
    'Content-Type': 'application/json',
    'User-Agent': 'Mozilla/4.0',
  };
  const delivery = await post(sb, notification, headers);
  record(sb.state.pay.probes, delivery, sb.options.maxRecorded);
  return delivery;
}

async function post(sb: SandboxContext, notification: PayNotification, headers: Record<string, string>): Promise<PayDelivery> {
  const at = sb.state.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(notification.url, {
      method: 'POST',
      headers,
      body: notification.body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(sb.options.pay.notifyTimeoutMs), runtimeOf(sb).abort.signal]),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    error = err instanceof Error ? (err.name === 'TimeoutError' ? 'timed out' : `${err.name}: ${err.message}`) : 'network error';
  }
  return {
    seq: 0,
    notificationId: notification.id,
    eventType: notification.eventType,
    url: notification.url,
    headers,
    body: notification.body,
    at,
    status,
    ok: status !== null && status >= 200 && status < 300,
    error,
  };
}

/** One POST of the callback; WeChat counts any 2xx as received. The first to a merchant comes after a probe. */
async function deliver(sb: SandboxContext, notification: PayNotification): Promise<PayDelivery> {
  const pay = sb.state.pay;
  if (pay.signatureProbes && !pay.probed.has(notification.mchid)) {
    pay.probed.add(notification.mchid);
    await probe(sb, notification);
  }
  const headers = {
    ...signedHeaders(sb, notification.body),
    'Content-Type': 'application/json',
    'User-Agent': 'Mozilla/4.0',
  };
  const answer = await post(sb, notification, headers);
  notification.attempts += 1;
  if (answer.ok) notification.delivered = true;
  pay.deliverySeq += 1;
  const delivery: PayDelivery = { ...answer, seq: pay.deliverySeq };
  record(pay.deliveries, delivery, sb.options.maxRecorded);
  return delivery;
}

/** Work that outlives the answer (a refund completing after it): `settle()` waits for it. */
function inBackground(sb: SandboxContext, work: () => Promise<unknown>): void {
  const rt = runtimeOf(sb);
  const promise: Promise<unknown> = work()
    .catch(() => undefined)
    .finally(() => rt.inflight.delete(promise));
  rt.inflight.add(promise);
}

// ---- the API ----

interface PayRequestContext {
  ctx: Context;
  merchant: PayMerchantConfig;
  raw: string;
}

interface PayAnswer {
  status: number;
  /** JSON body, signed; undefined: no body (204). */
  body?: unknown;
  /** A file: answered as is, unsigned, like WeChat's bill download. */
  file?: string;
  /** Runs once the answer is out (or dropped). */
  after?: () => void;
}

type PayHandler = (req: PayRequestContext) => PayAnswer | Promise<PayAnswer>;

/**
 * A `/v3/` route: reads the raw body, checks the merchant's signature, applies a queued
 * `payFault`, and answers WeChat Pay's way whatever goes wrong.
 */
function payRoute(router: Router, sb: SandboxContext, method: 'GET' | 'POST', path: string, api: PayApi, handle: PayHandler): void {
  const handler = async (ctx: Context): Promise<void> => {
    try {
      const raw = await readRawBody(ctx, sb.options.bodyLimitBytes);
      if (raw === null) {
        ctx.set('Connection', 'close');
        throw new PayApiError(400, 'PARAM_ERROR', '请求体过大');
      }
      const merchant = authenticate(ctx, sb, raw);
      if (!withinRate(sb, merchant.mchid)) throw RATE_LIMITED();
      const fault = takePayFault(sb, api);
      if (fault?.mode === 'error500') throw new PayApiError(500, 'SYSTEM_ERROR', '系统错误');
      if (fault?.mode === 'rate-limited') throw RATE_LIMITED();
      if (fault?.mode === 'forbidden') throw FORBIDDEN();
      if (fault?.mode === 'delay') await runtimeOf(sb).timers.wait(fault.delayMs);
      const answer = await handle({ ctx, merchant, raw });
      if (fault?.mode === 'accept-then-drop') {
        // Done, but the merchant never hears of it: the case a query (not a new order) must settle.
        ctx.respond = false;
        ctx.req.socket.destroy();
      } else if (answer.file !== undefined) {
        ctx.status = answer.status;
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = answer.file;
      } else {
        sendSigned(ctx, sb, answer.status, answer.body);
      }
      answer.after?.();
    } catch (err) {
      if (ctx.respond === false) return;
      sendPayError(ctx, sb, err instanceof PayApiError ? err : new PayApiError(500, 'SYSTEM_ERROR', '系统错误'));
    }
  };
  if (method === 'GET') router.get(path, handler);
  else router.post(path, handler);
}

function requireQueryMchid(ctx: Context, merchant: PayMerchantConfig): void {
  const mchid = queryString(ctx, 'mchid');
  if (!mchid) throw new PayApiError(400, 'PARAM_ERROR', '输入源“/query/mchid”校验失败：必填');
  if (mchid !== merchant.mchid) throw new PayApiError(400, 'PARAM_ERROR', 'mchid 与请求的商户号不一致');
}

export function registerPayRoutes(router: Router, sb: SandboxContext): void {
  const pay = sb.state.pay;

  payRoute(router, sb, 'POST', '/v3/pay/transactions/jsapi', 'jsapi', ({ merchant, raw }) => {
    const body = parseParams(jsapiSchema, jsonBody(raw), 'body');
    if (body.mchid !== merchant.mchid) throw new PayApiError(400, 'PARAM_ERROR', 'mchid 与请求的商户号不一致');
    if (body.appid !== merchant.appid) throw new PayApiError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    const now = sb.state.now();
    const fingerprint = JSON.stringify([
      body.appid,
      body.description,
      body.attach ?? null,
      body.notify_url,
      body.time_expire ?? null,
      body.amount.total,
      body.payer.openid,
    ]);
    const key = orderKey(merchant.mchid, body.out_trade_no);
    const existing = pay.orders.get(key);
    if (existing) {
      if (isPaid(existing)) throw new PayApiError(400, 'ORDERPAID', '该订单已支付');
      if (existing.tradeState === 'CLOSED') throw new PayApiError(400, 'ORDER_CLOSED', '订单已关闭');
      if (existing.fingerprint !== fingerprint) throw new PayApiError(400, 'INVALID_REQUEST', '商户订单号重复，且参数与首次下单不一致');
      if (isExpired(sb, existing)) throw new PayApiError(400, 'ORDER_CLOSED', '订单已过期');
      if (now - existing.prepayIssuedAt >= PREPAY_TTL_MS) {
        existing.prepayId = newPrepayId(sb);
        existing.prepayIssuedAt = now;
      }
      return { status: 200, body: { prepay_id: existing.prepayId } };
    }
    const expiresAt = body.time_expire === undefined ? null : Date.parse(body.time_expire);
    if (expiresAt !== null && expiresAt <= now) throw new PayApiError(400, 'PARAM_ERROR', 'time_expire 早于当前时间');
    const order: PayOrder = {
      mchid: merchant.mchid,
      appid: body.appid,
      outTradeNo: body.out_trade_no,
      description: body.description,
      attach: body.attach ?? null,
      notifyUrl: body.notify_url,
      timeExpire: body.time_expire ?? null,
      expiresAt,
      total: body.amount.total,
      openid: body.payer.openid,
      fingerprint,
      prepayId: newPrepayId(sb),
      prepayIssuedAt: now,
      createdAt: now,
      tradeState: 'NOTPAY',
      expired: false,
      transactionId: null,
      successTime: null,
      closedAt: null,
      refunded: 0,
    };
    pay.orders.set(key, order);
    pay.ordersCreated += 1;
    return { status: 200, body: { prepay_id: order.prepayId } };
  });

  payRoute(router, sb, 'GET', '/v3/pay/transactions/out-trade-no/:outTradeNo', 'query', ({ ctx, merchant }) => {
    requireQueryMchid(ctx, merchant);
    const order = pay.orders.get(orderKey(merchant.mchid, routeParam(ctx, 'outTradeNo')));
    if (!order) throw new PayApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    isExpired(sb, order);
    return { status: 200, body: transactionJson(order) };
  });

  payRoute(router, sb, 'GET', '/v3/pay/transactions/id/:transactionId', 'query', ({ ctx, merchant }) => {
    requireQueryMchid(ctx, merchant);
    const key = pay.transactions.get(routeParam(ctx, 'transactionId'));
    const order = key === undefined ? undefined : pay.orders.get(key);
    if (!order || order.mchid !== merchant.mchid) throw new PayApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    return { status: 200, body: transactionJson(order) };
  });

  payRoute(router, sb, 'POST', '/v3/pay/transactions/out-trade-no/:outTradeNo/close', 'close', ({ ctx, merchant, raw }) => {
    const body = parseParams(closeSchema, jsonBody(raw), 'body');
    if (body.mchid !== merchant.mchid) throw new PayApiError(400, 'PARAM_ERROR', 'mchid 与请求的商户号不一致');
    const order = pay.orders.get(orderKey(merchant.mchid, routeParam(ctx, 'outTradeNo')));
    if (!order) throw new PayApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (isPaid(order)) throw new PayApiError(400, 'ORDERPAID', '订单已支付');
    if (order.tradeState !== 'CLOSED') {
      order.tradeState = 'CLOSED';
      order.closedAt = sb.state.now();
    }
    return { status: 204 };
  });

  payRoute(router, sb, 'POST', '/v3/refund/domestic/refunds', 'refund', ({ merchant, raw }) => {
    const body = parseParams(refundSchema, jsonBody(raw), 'body');
    let order: PayOrder | undefined;
    if (body.transaction_id !== undefined) {
      const key = pay.transactions.get(body.transaction_id);
      order = key === undefined ? undefined : pay.orders.get(key);
      if (order && order.mchid !== merchant.mchid) order = undefined;
    } else if (body.out_trade_no !== undefined) {
      order = pay.orders.get(orderKey(merchant.mchid, body.out_trade_no));
    }
    if (!order) throw new PayApiError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const existing = pay.refunds.get(refundKey(merchant.mchid, body.out_refund_no));
    if (existing) {
      if (existing.outTradeNo !== order.outTradeNo || existing.refund !== body.amount.refund || existing.total !== body.amount.total) {
        throw new PayApiError(400, 'INVALID_REQUEST', '商户退款单号已被使用，且参数与首次请求不一致');
      }
      return { status: 200, body: refundJson(existing) };
    }
    const refund = createRefund(sb, order, {
      outRefundNo: body.out_refund_no,
      refund: body.amount.refund,
      total: body.amount.total,
      reason: body.reason ?? null,
      notifyUrl: body.notify_url ?? null,
      console: false,
    });
    const answer = refundJson(refund);
    if (pay.manualRefunds) return { status: 200, body: answer };
    return {
      status: 200,
      body: answer,
      after: () => {
        const notification = finishRefund(sb, refund, 'SUCCESS');
        if (notification) inBackground(sb, () => deliver(sb, notification));
      },
    };
  });

  payRoute(router, sb, 'GET', '/v3/refund/domestic/refunds/:outRefundNo', 'refundQuery', ({ ctx, merchant }) => {
    const refund = pay.refunds.get(refundKey(merchant.mchid, routeParam(ctx, 'outRefundNo')));
    if (!refund) throw new PayApiError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: refundJson(refund) };
  });

  payRoute(router, sb, 'GET', '/v3/bill/tradebill', 'tradebill', ({ ctx, merchant }) => {
    const query = parseParams(tradeBillSchema, { ...ctx.query }, 'query');
    // Bills of a day exist from the next day on.
    if (query.bill_date >= shanghaiDate(sb.state.now())) throw new PayApiError(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const content = tradeBillCsv(pay, merchant.mchid, query.bill_date, query.bill_type);
    if (content === null) throw new PayApiError(400, 'NO_STATEMENT_EXIST', '账单文件不存在：当日无交易');
    const token = randomBytes(24).toString('base64url');
    // The link is short-lived ("download_url 有效期" — notes/wechat.md: 5 minutes; the trade bill page,
    // https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html): download at once.
    pay.bills.set(token, {
      mchid: merchant.mchid,
      billDate: query.bill_date,
      content,
      expiresAt: sb.state.now() + sb.options.pay.billLinkTtlMs,
    });
    while (pay.bills.size > sb.options.maxRecorded) {
      const oldest = pay.bills.keys().next().value;
      if (oldest === undefined) break;
      pay.bills.delete(oldest);
    }
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(content, 'utf8').digest('hex'),
        download_url: `${WECHAT_PAY_ORIGIN}/v3/billdownload/file?token=${token}`,
      },
    };
  });

  payRoute(router, sb, 'GET', '/v3/billdownload/file', 'billdownload', ({ ctx, merchant }) => {
    const bill = pay.bills.get(queryString(ctx, 'token') ?? '');
    if (!bill || bill.mchid !== merchant.mchid) throw new PayApiError(400, 'PARAM_ERROR', '下载链接无效或已过期');
    if (sb.state.now() >= bill.expiresAt) throw new PayApiError(400, 'PARAM_ERROR', '下载链接已过期，请重新申请账单');
    return { status: 200, file: bill.content };
  });

  // Anything else under /v3/ is answered WeChat Pay's way, signed, rather than WeChat's.
  router.all('/v3/*rest', (ctx) => {
    sendPayError(ctx, sb, new PayApiError(404, 'NOT_FOUND', `no such api: ${ctx.method} ${ctx.path}`));
  });
}

/** `control.down('busy')` on a WeChat Pay path: its own signed SYSTEM_ERROR rather than WeChat's errcode -1. */
export function payOutageMiddleware(sb: SandboxContext) {
  return async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
    if (sb.state.down === 'busy' && ctx.path.startsWith('/v3/')) {
      sendPayError(ctx, sb, new PayApiError(500, 'SYSTEM_ERROR', '系统繁忙，请稍后重试'));
      return;
    }
    await next();
  };
}

// ---- steering ----

export interface CreatedPayMerchant {
  mchid: string;
  appid: string;
  apiV3Key: string;
  serialNo: string;
  /** The merchant's API key: what the merchant signs requests and paySign with. */
  privateKeyPem: string;
  publicKeyPem: string;
  platformPublicKeyId: string;
  platformPublicKeyPem: string;
}

export interface SandboxPayControl {
  /** A new test merchant: an RSA-2048 key pair, a 40-hex-digit serial and a random APIv3 key; a given mchid is replaced. */
  createMerchant(input: { appid: string; mchid?: string }): CreatedPayMerchant;
  /** A merchant whose keys the caller holds (replaces one with the same mchid). */
  registerMerchant(merchant: PayMerchantConfig): void;
  /** The key every answer and callback is signed with, and its public-key id (`Wechatpay-Serial`). */
  platformKey(): { publicKeyId: string; publicKeyPem: string };
  /** Wechatpay-* headers (and Content-Type) for a callback body; timestamp in seconds. */
  signNotification(body: string, opts?: { timestamp?: number; nonce?: string; serial?: string }): Record<string, string>;
  /** A callback's `resource`, encrypted with the merchant's APIv3 key. */
  encryptResource(mchid: string, plaintext: string, associatedData: string): PayEncryptedResource;
  order(mchid: string, outTradeNo: string): PayOrder | null;
  orders(mchid?: string): PayOrder[];
  /** Orders created by jsapi (a repeat of the same order does not count). */
  ordersCreated(): number;
  refund(outRefundNo: string, mchid?: string): PayRefund | null;
  refunds(mchid?: string): PayRefund[];
  /**
   * The user pays: NOTPAY (or PAYERROR) and not expired → SUCCESS, then the TRANSACTION.SUCCESS callback
   * is sent (deliver: false leaves it pending for deliverPending). successTime backdates it (epoch ms).
   */
  payOrder(mchid: string, outTradeNo: string, opts?: { successTime?: number; deliver?: boolean }): Promise<PayDelivery | null>;
  /** The payment fails (PAYERROR); the user may still pay it until it expires. */
  failOrder(mchid: string, outTradeNo: string): void;
  /** time_expire passes: no longer payable; stays NOTPAY until the merchant closes it. */
  expireOrder(mchid: string, outTradeNo: string): void;
  /** A refund made in the merchant console: SUCCESS at once, REFUND.SUCCESS sent to the order's notify_url. */
  merchantRefund(mchid: string, outTradeNo: string, refundFen: number, opts?: { deliver?: boolean }): Promise<PayDelivery | null>;
  /** A PROCESSING refund reaches its end; its callback goes to the refund's notify_url, if it had one. */
  completeRefund(
    outRefundNo: string,
    status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
    mchid?: string,
    opts?: { deliver?: boolean },
  ): Promise<PayDelivery | null>;
  /** On: refunds stay PROCESSING until completeRefund. Off (default): they succeed right after the answer. */
  setManualRefunds(on: boolean): void;
  /** Every callback POST so far, oldest first. */
  deliveries(): PayDelivery[];
  notifications(): PayNotification[];
  /** Sends a notification again, as WeChat's duplicate callbacks do (same body and id, fresh signature). */
  redeliver(notificationId: string): Promise<PayDelivery>;
  /** One more attempt for every callback not yet answered 2xx and under the attempt limit. */
  deliverPending(): Promise<PayDelivery[]>;
  /** Waits for callbacks sent in the background (refunds completing after their answer). */
  settle(): Promise<void>;
  /**
   * The next `times` requests to that API meet `mode`; `delay` waits delayMs before handling;
   * `rate-limited` and `forbidden` are the gateway's 429 and 403, the request not carried out.
   */
  payFault(api: PayApi, mode: PayFaultMode, times?: number, delayMs?: number): void;
  /** Error answers signed or not (default: not); signature probes before a merchant's first callback (default: on). */
  configure(settings: { signErrors?: boolean; signatureProbes?: boolean }): void;
  /** Sends a `WECHATPAY/SIGNTEST/` probe of a notification now. */
  probe(notificationId: string): Promise<PayDelivery>;
  /** Every probe sent so far and what the merchant answered. */
  probes(): PayDelivery[];
}

function requireOrder(sb: SandboxContext, mchid: string, outTradeNo: string): PayOrder {
  const order = sb.state.pay.orders.get(orderKey(mchid, outTradeNo));
  if (!order) throw new PaySandboxError(`no order ${outTradeNo} of merchant ${mchid}`, 404);
  return order;
}

function findRefund(sb: SandboxContext, outRefundNo: string, mchid?: string): PayRefund | undefined {
  if (mchid !== undefined) return sb.state.pay.refunds.get(refundKey(mchid, outRefundNo));
  return [...sb.state.pay.refunds.values()].find((r) => r.outRefundNo === outRefundNo);
}

export function createPayControl(sb: SandboxContext): SandboxPayControl {
  // Configuration mistakes surface when the sandbox is built, not as 401s or 500s later.
  for (const merchant of sb.options.pay.merchants) checkMerchant(merchant);
  if (sb.options.pay.platformKey) platformOf(sb);
  const pay = (): typeof sb.state.pay => sb.state.pay;
  const sendIf = async (notification: PayNotification | null, send: boolean): Promise<PayDelivery | null> =>
    notification && send ? deliver(sb, notification) : null;

  return {
    createMerchant({ appid, mchid }) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      let id = mchid;
      while (id === undefined || (mchid === undefined && pay().merchants.has(id))) id = `19${digits(8)}`;
      const merchant: PayMerchantConfig = {
        mchid: id,
        appid,
        apiV3Key: alnum(32),
        serialNo: randomBytes(20).toString('hex').toUpperCase(),
        publicKeyPem: publicKey,
      };
      registerMerchant(sb, merchant);
      const platform = platformOf(sb);
      return {
        mchid: merchant.mchid,
        appid,
        apiV3Key: merchant.apiV3Key,
        serialNo: merchant.serialNo,
        privateKeyPem: privateKey,
        publicKeyPem: publicKey,
        platformPublicKeyId: platform.publicKeyId,
        platformPublicKeyPem: platform.publicKeyPem,
      };
    },
    registerMerchant(merchant) {
      registerMerchant(sb, merchant);
    },
    platformKey() {
      const { publicKeyId, publicKeyPem } = platformOf(sb);
      return { publicKeyId, publicKeyPem };
    },
    signNotification(body, opts = {}) {
      return { ...signedHeaders(sb, body, opts), 'Content-Type': 'application/json' };
    },
    encryptResource(mchid, plaintext, associatedData) {
      const merchant = pay().merchants.get(mchid);
      if (!merchant) throw new PaySandboxError(`no merchant ${mchid}`, 404);
      return encryptResource(merchant, plaintext, associatedData);
    },
    order(mchid, outTradeNo) {
      const order = pay().orders.get(orderKey(mchid, outTradeNo));
      if (!order) return null;
      isExpired(sb, order);
      return structuredClone(order);
    },
    orders(mchid) {
      return [...pay().orders.values()].filter((o) => mchid === undefined || o.mchid === mchid).map((o) => structuredClone(o));
    },
    ordersCreated() {
      return pay().ordersCreated;
    },
    refund(outRefundNo, mchid) {
      const refund = findRefund(sb, outRefundNo, mchid);
      return refund ? structuredClone(refund) : null;
    },
    refunds(mchid) {
      return [...pay().refunds.values()].filter((r) => mchid === undefined || r.mchid === mchid).map((r) => structuredClone(r));
    },
    async payOrder(mchid, outTradeNo, opts = {}) {
      const order = requireOrder(sb, mchid, outTradeNo);
      if (order.tradeState !== 'NOTPAY' && order.tradeState !== 'PAYERROR') {
        throw new PaySandboxError(`order ${outTradeNo} is ${order.tradeState}: only NOTPAY or PAYERROR can be paid`);
      }
      if (isExpired(sb, order)) throw new PaySandboxError(`order ${outTradeNo} has expired`);
      const successTime = opts.successTime ?? sb.state.now();
      if (!Number.isFinite(successTime)) throw new PaySandboxError('successTime must be epoch milliseconds');
      order.tradeState = 'SUCCESS';
      order.transactionId = newTransactionId(sb);
      order.successTime = successTime;
      pay().transactions.set(order.transactionId, orderKey(mchid, outTradeNo));
      const notification = createNotification(
        sb,
        mchid,
        order.notifyUrl,
        'TRANSACTION.SUCCESS',
        '支付成功',
        'transaction',
        transactionJson(order),
      );
      return sendIf(notification, opts.deliver ?? true);
    },
    failOrder(mchid, outTradeNo) {
      const order = requireOrder(sb, mchid, outTradeNo);
      if (order.tradeState !== 'NOTPAY' && order.tradeState !== 'PAYERROR') {
        throw new PaySandboxError(`order ${outTradeNo} is ${order.tradeState}: only an unpaid order can fail`);
      }
      order.tradeState = 'PAYERROR';
    },
    expireOrder(mchid, outTradeNo) {
      const order = requireOrder(sb, mchid, outTradeNo);
      if (order.tradeState !== 'NOTPAY' && order.tradeState !== 'PAYERROR') {
        throw new PaySandboxError(`order ${outTradeNo} is ${order.tradeState}: only an unpaid order can expire`);
      }
      order.expired = true;
    },
    async merchantRefund(mchid, outTradeNo, refundFen, opts = {}) {
      const order = requireOrder(sb, mchid, outTradeNo);
      if (!Number.isSafeInteger(refundFen) || refundFen < 1) throw new PaySandboxError('refundFen must be a positive integer');
      let refund: PayRefund;
      try {
        const refundId = newRefundId(sb);
        refund = createRefund(sb, order, {
          outRefundNo: refundId,
          refund: refundFen,
          total: order.total,
          reason: null,
          notifyUrl: order.notifyUrl,
          console: true,
        });
      } catch (err) {
        if (err instanceof PayApiError) throw new PaySandboxError(`${err.code}: ${err.message}`);
        throw err;
      }
      return sendIf(finishRefund(sb, refund, 'SUCCESS'), opts.deliver ?? true);
    },
    async completeRefund(outRefundNo, status, mchid, opts) {
      const refund = findRefund(sb, outRefundNo, mchid);
      if (!refund) throw new PaySandboxError(`no refund ${outRefundNo}`, 404);
      if (refund.status !== 'PROCESSING') throw new PaySandboxError(`refund ${outRefundNo} is already ${refund.status}`);
      return sendIf(finishRefund(sb, refund, status), opts?.deliver ?? true);
    },
    setManualRefunds(on) {
      pay().manualRefunds = on;
    },
    deliveries() {
      return pay().deliveries.map((d) => structuredClone(d));
    },
    notifications() {
      return pay().notifications.map((n) => structuredClone(n));
    },
    async redeliver(notificationId) {
      const notification = pay().notifications.find((n) => n.id === notificationId);
      if (!notification) throw new PaySandboxError(`no notification ${notificationId}`, 404);
      return deliver(sb, notification);
    },
    async deliverPending() {
      const sent: PayDelivery[] = [];
      for (const notification of [...pay().notifications]) {
        if (!notification.delivered && notification.attempts < MAX_NOTIFY_ATTEMPTS) sent.push(await deliver(sb, notification));
      }
      return sent;
    },
    async settle() {
      const rt = runtimeOf(sb);
      while (rt.inflight.size > 0) await Promise.allSettled([...rt.inflight]);
    },
    configure(settings) {
      if (settings.signErrors !== undefined) pay().signErrors = settings.signErrors;
      if (settings.signatureProbes !== undefined) pay().signatureProbes = settings.signatureProbes;
    },
    async probe(notificationId) {
      const notification = pay().notifications.find((n) => n.id === notificationId);
      if (!notification) throw new PaySandboxError(`no notification ${notificationId}`, 404);
      return probe(sb, notification);
    },
    probes() {
      return pay().probes.map((d) => structuredClone(d));
    },
    payFault(api, mode, times = 1, delayMs = 0) {
      if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
      if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError('delayMs must be ≥ 0');
      const queue = pay().faults.get(api) ?? [];
      queue.push({ mode, delayMs, remaining: times });
      pay().faults.set(api, queue);
    },
  };
}
