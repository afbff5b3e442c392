/** The WeChat sandbox's options and its in-memory state, shared by the route modules. */
import fs from 'node:fs';
import path from 'node:path';

/** The pages (and subpackage pages) the mini-program declares: what a released version has. */
function miniprogramPages(): string[] {
  try {
    const file = path.join(__dirname, '..', '..', 'miniprogram', 'app.json');
    const app = JSON.parse(fs.readFileSync(file, 'utf8')) as { pages?: string[]; subpackages?: { root: string; pages: string[] }[] };
    const sub = (app.subpackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root.replace(/\/+$/, '')}/${page}`));
    return [...(app.pages ?? []), ...sub];
  } catch {
    return [];
  }
}

export type DownMode = 'busy' | 'http503';

/** What `control.failNext` makes the sandbox answer instead of handling the request. */
export type SandboxFault =
  | { errcode: number; errmsg: string }
  | { httpStatus: number }
  /** Handled normally, after this many milliseconds (WeChat being slow). */
  | { delayMs: number }
  /** The socket is destroyed without an answer. */
  | 'drop';

export interface SandboxOptions {
  /** Base clock; the sandbox clock is this plus whatever `control.advance` added. Default `Date.now`. */
  now?: () => number;
  /** Lifetime of issued access tokens. WeChat: 7200 s. */
  tokenTtlSeconds?: number;
  /** How long a token stays valid after `/cgi-bin/token` issued a newer one. WeChat: about 5 minutes. */
  tokenGraceMs?: number;
  /** A subscribe send needs quota granted by `control.grantSubscription`, otherwise 43101. Default true, as WeChat. */
  strictSubscriptions?: boolean;
  /** A template send needs `control.follow(openid)`, otherwise 43004. Default true, as WeChat. */
  strictFollowers?: boolean;
  /**
   * The pages of the released mini-program: a subscribe send naming another page gets 41030. Default:
   * the pages of miniprogram/app.json; null: any page is accepted.
   */
  releasedPages?: readonly string[] | null;
  /** appid → secret. Absent: any appid with any secret is accepted (sandbox mode runs without secrets). */
  apps?: Readonly<Record<string, string>>;
  /** Largest request body accepted. */
  bodyLimitBytes?: number;
  /** Serve `/__sandbox/*`. Default: on unless NODE_ENV is production. */
  controlSurface?: boolean;
  /** Most messages kept in `state.sent` (oldest dropped), so a long-running sandbox does not grow without end. */
  maxRecorded?: number;
  pay?: SandboxPayOptions;
}

export interface SandboxPayOptions {
  /** Registered at start and again by reset(), e.g. the merchant a developer's configuration names. */
  merchants?: readonly PayMerchantConfig[];
  /** Refunds stay PROCESSING until `control.pay.completeRefund` (default: they succeed right after the answer). */
  manualRefunds?: boolean;
  /** A fixed platform key, so that a restarted sandbox keeps the key the server was configured with. Default: generated on first use. */
  platformKey?: { privateKeyPem: string; publicKeyId: string };
  /** How long a callback delivery waits for the merchant's answer. WeChat: 5 s. */
  notifyTimeoutMs?: number;
  /**
   * Sign error answers (4xx/5xx) too. Default false: WeChat Pay documents signatures on successful
   * answers only and its SDKs verify only 2xx, so the product must read an unsigned error (issue 15, 3).
   */
  signErrors?: boolean;
  /** Before the first callback to each merchant, send one `WECHATPAY/SIGNTEST/` probe of it. Default true. */
  signatureProbes?: boolean;
  /** Requests a merchant may make in one second before answers are 429 FREQUENCY_LIMITED. Default 600. */
  maxRequestsPerSecond?: number;
  /** How long a bill's download_url works (sandbox clock). Default 5 minutes. */
  billLinkTtlMs?: number;
}

export interface ResolvedSandboxOptions {
  now: () => number;
  tokenTtlSeconds: number;
  tokenGraceMs: number;
  strictSubscriptions: boolean;
  strictFollowers: boolean;
  releasedPages: ReadonlySet<string> | null;
  apps: ReadonlyMap<string, string> | null;
  bodyLimitBytes: number;
  controlSurface: boolean;
  maxRecorded: number;
  pay: {
    merchants: readonly PayMerchantConfig[];
    manualRefunds: boolean;
    platformKey: { privateKeyPem: string; publicKeyId: string } | null;
    notifyTimeoutMs: number;
    signErrors: boolean;
    signatureProbes: boolean;
    maxRequestsPerSecond: number;
    billLinkTtlMs: number;
  };
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  return {
    now: options.now ?? Date.now,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    tokenGraceMs: options.tokenGraceMs ?? 5 * 60_000,
    strictSubscriptions: options.strictSubscriptions ?? true,
    strictFollowers: options.strictFollowers ?? true,
    releasedPages: options.releasedPages === null ? null : new Set(options.releasedPages ?? miniprogramPages()),
    apps: options.apps ? new Map(Object.entries(options.apps)) : null,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    controlSurface: options.controlSurface ?? process.env.NODE_ENV !== 'production',
    maxRecorded: options.maxRecorded ?? 10_000,
    pay: {
      merchants: options.pay?.merchants ?? [],
      manualRefunds: options.pay?.manualRefunds ?? false,
      platformKey: options.pay?.platformKey ?? null,
      notifyTimeoutMs: options.pay?.notifyTimeoutMs ?? 5000,
      signErrors: options.pay?.signErrors ?? false,
      signatureProbes: options.pay?.signatureProbes ?? true,
      maxRequestsPerSecond: options.pay?.maxRequestsPerSecond ?? 600,
      billLinkTtlMs: options.pay?.billLinkTtlMs ?? 5 * 60_000,
    },
  };
}

export interface IssuedToken {
  token: string;
  appid: string;
  /** `token`: GET /cgi-bin/token; `stable`: POST /cgi-bin/stable_token (WeChat keeps the two apart). */
  kind: 'token' | 'stable';
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token replaced this one: valid until then (the grace). */
  validUntil: number | null;
  /** Refused from now on (force refresh or `control.expireTokens`). */
  revoked: boolean;
}

export interface TokenRequestCounts {
  /** GET /cgi-bin/token calls that issued a token. */
  token: number;
  /** POST /cgi-bin/stable_token in normal mode. */
  stable: number;
  /** Forced refreshes that issued a new token. */
  stableForced: number;
  /** Forced refreshes within 30 s of the previous one: WeChat then does not refresh and answers the current token. */
  stableForceSkipped: number;
  /** Forced refreshes refused for the daily limit (45009). */
  stableForceRefused: number;
}

export function emptyCounts(): TokenRequestCounts {
  return { token: 0, stable: 0, stableForced: 0, stableForceSkipped: 0, stableForceRefused: 0 };
}

export interface SentSubscribeMessage {
  kind: 'subscribe';
  msgid: string;
  /** The appid whose access token sent it. */
  appid: string;
  at: number;
  touser: string;
  templateId: string;
  page: string | null;
  miniprogramState: string | null;
  lang: string | null;
  data: Record<string, string>;
}

export interface SentTemplateMessage {
  kind: 'template';
  msgid: string;
  appid: string;
  at: number;
  touser: string;
  templateId: string;
  url: string | null;
  miniprogram: { appid: string; pagepath: string | null } | null;
  data: Record<string, string>;
  clientMsgId: string | null;
}

export type SentMessage = SentSubscribeMessage | SentTemplateMessage;

/** A send WeChat would refuse, kept to make a failing test readable. */
export interface RejectedSend {
  path: string;
  at: number;
  errcode: number;
  errmsg: string;
}

export interface QueuedFault {
  fault: SandboxFault;
  remaining: number;
}

export interface ForceRefreshRation {
  /** Day number in Asia/Shanghai (WeChat's daily limits reset at Beijing midnight). */
  day: number;
  count: number;
  lastAt: number | null;
}

export interface SandboxState {
  /** Accepted subscribe and template messages, oldest first. */
  readonly sent: SentMessage[];
  readonly rejected: RejectedSend[];
  readonly tokenRequests: { readonly total: TokenRequestCounts; readonly byAppid: Map<string, TokenRequestCounts> };
  /** Requests per path (control surface excluded). */
  readonly requestCounts: Map<string, number>;
  readonly tokens: Map<string, IssuedToken>;
  /** appid → the token stable_token currently hands out. */
  readonly stableCurrent: Map<string, IssuedToken>;
  /** appid → the newest token of /cgi-bin/token. */
  readonly latestToken: Map<string, IssuedToken>;
  readonly forceRations: Map<string, ForceRefreshRation>;
  /** `openid\u0000templateId` → sends left (Infinity: long-term subscription). */
  readonly subscriptions: Map<string, number>;
  readonly followers: Set<string>;
  /** templateId → enum field key → the values chosen for it when the template was added. */
  readonly templateEnums: Map<string, Map<string, ReadonlySet<string>>>;
  /** `appid\u0000touser\u0000client_msg_id` → the message it sent, for 10 minutes. */
  readonly clientMsgIds: Map<string, { msgid: bigint; at: number }>;
  /** One-time wx.login codes (`control.loginCode`). */
  readonly loginCodes: Map<string, { name: string; issuedAt: number; used: boolean }>;
  readonly faults: Map<string, QueuedFault[]>;
  readonly settings: { strictSubscriptions: boolean; strictFollowers: boolean; strictPages: boolean };
  down: DownMode | null;
  clockOffsetMs: number;
  msgSeq: bigint;
  readonly pay: PayState;
  /** The sandbox clock (epoch ms). */
  now(): number;
}

export function createState(options: ResolvedSandboxOptions): SandboxState {
  const state: SandboxState = {
    sent: [],
    rejected: [],
    tokenRequests: { total: emptyCounts(), byAppid: new Map() },
    requestCounts: new Map(),
    tokens: new Map(),
    stableCurrent: new Map(),
    latestToken: new Map(),
    forceRations: new Map(),
    subscriptions: new Map(),
    followers: new Set(),
    templateEnums: new Map(),
    clientMsgIds: new Map(),
    loginCodes: new Map(),
    faults: new Map(),
    settings: {
      strictSubscriptions: options.strictSubscriptions,
      strictFollowers: options.strictFollowers,
      strictPages: options.releasedPages !== null,
    },
    down: null,
    clockOffsetMs: 0,
    msgSeq: 0n,
    pay: createPayState(options),
    now: () => options.now() + state.clockOffsetMs,
  };
  return state;
}

/** Back to a fresh sandbox, in place: holders of `state` keep a live reference. */
export function resetState(state: SandboxState, options: ResolvedSandboxOptions): void {
  state.sent.length = 0;
  state.rejected.length = 0;
  Object.assign(state.tokenRequests.total, emptyCounts());
  state.tokenRequests.byAppid.clear();
  state.requestCounts.clear();
  state.tokens.clear();
  state.stableCurrent.clear();
  state.latestToken.clear();
  state.forceRations.clear();
  state.subscriptions.clear();
  state.followers.clear();
  state.templateEnums.clear();
  state.clientMsgIds.clear();
  state.loginCodes.clear();
  state.faults.clear();
  state.settings.strictSubscriptions = options.strictSubscriptions;
  state.settings.strictFollowers = options.strictFollowers;
  state.settings.strictPages = options.releasedPages !== null;
  state.down = null;
  state.clockOffsetMs = 0;
  state.msgSeq = 0n;
  Object.assign(state.pay, createPayState(options));
}

export function countTokenRequest(state: SandboxState, appid: string, field: keyof TokenRequestCounts): void {
  state.tokenRequests.total[field] += 1;
  let counts = state.tokenRequests.byAppid.get(appid);
  if (!counts) {
    counts = emptyCounts();
    state.tokenRequests.byAppid.set(appid, counts);
  }
  counts[field] += 1;
}

/** WeChat message ids are 64-bit integers; starting above 2^53 makes clients prove they keep them exact. */
export function nextMsgid(state: SandboxState): bigint {
  state.msgSeq += 1n;
  return 3_000_000_000_000_000_000n + state.msgSeq;
}

export function record<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

// ---- WeChat Pay (pay.ts) ----

/** What a merchant account is to WeChat Pay: its number, the appid bound to it, its APIv3 key and the public half of its API key. */
export interface PayMerchantConfig {
  mchid: string;
  appid: string;
  /** 32 ASCII characters: the AEAD_AES_256_GCM key of callbacks. */
  apiV3Key: string;
  /** The merchant API certificate's serial, named by `serial_no` in every request's Authorization. */
  serialNo: string;
  publicKeyPem: string;
}

export type PayTradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR' | 'REFUND';
export type PayRefundStatus = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

export interface PayOrder {
  mchid: string;
  appid: string;
  outTradeNo: string;
  description: string;
  attach: string | null;
  notifyUrl: string;
  /** As sent (RFC3339), and as epoch ms. */
  timeExpire: string | null;
  expiresAt: number | null;
  total: number;
  openid: string;
  /** The first request's parameters: a repeat with other ones is refused. */
  fingerprint: string;
  prepayId: string;
  prepayIssuedAt: number;
  createdAt: number;
  tradeState: PayTradeState;
  /** Set by `control.pay.expireOrder` or when time_expire passed: no longer payable; WeChat keeps it NOTPAY until closed. */
  expired: boolean;
  transactionId: string | null;
  successTime: number | null;
  closedAt: number | null;
  /** Refunds that hold money (PROCESSING, SUCCESS, ABNORMAL), in fen. */
  refunded: number;
}

export interface PayRefund {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  reason: string | null;
  notifyUrl: string | null;
  refund: number;
  total: number;
  status: PayRefundStatus;
  createdAt: number;
  successTime: number | null;
  /** Made in the merchant console, not through the API. */
  console: boolean;
}

export interface PayNotification {
  /** The `id` in the body; the same on every delivery of it. */
  id: string;
  mchid: string;
  url: string;
  eventType: string;
  /** The exact JSON sent. */
  body: string;
  createdAt: number;
  attempts: number;
  delivered: boolean;
}

/** One POST of a callback to the merchant. */
export interface PayDelivery {
  seq: number;
  notificationId: string;
  eventType: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Sandbox clock. */
  at: number;
  /** null: no answer (refused, timed out). */
  status: number | null;
  ok: boolean;
  error: string | null;
}

export type PayApi = 'jsapi' | 'query' | 'close' | 'refund' | 'refundQuery' | 'tradebill' | 'billdownload';
/** `rate-limited`: 429 FREQUENCY_LIMITED; `forbidden`: 403 TRADE_ERROR — the gateway's refusals that come at times. */
export type PayFaultMode = 'error500' | 'accept-then-drop' | 'delay' | 'rate-limited' | 'forbidden';

export interface QueuedPayFault {
  mode: PayFaultMode;
  delayMs: number;
  remaining: number;
}

/** A bill file as `tradebill` described it, so that the download matches its hash. */
export interface PayBillFile {
  mchid: string;
  billDate: string;
  content: string;
  /** Sandbox clock: the link works until then. */
  expiresAt: number;
}

export interface PayState {
  merchants: Map<string, PayMerchantConfig>;
  /** `mchid\u0000out_trade_no` → order. */
  orders: Map<string, PayOrder>;
  /** transaction_id → order key. */
  transactions: Map<string, string>;
  /** `mchid\u0000out_refund_no` → refund. */
  refunds: Map<string, PayRefund>;
  ordersCreated: number;
  manualRefunds: boolean;
  notifications: PayNotification[];
  deliveries: PayDelivery[];
  deliverySeq: number;
  faults: Map<PayApi, QueuedPayFault[]>;
  /** download token → file. */
  bills: Map<string, PayBillFile>;
  signErrors: boolean;
  signatureProbes: boolean;
  /** Merchants that have had their first callback (and so their probe). */
  probed: Set<string>;
  /** Every `WECHATPAY/SIGNTEST/` probe sent and what the merchant answered. */
  probes: PayDelivery[];
  /** mchid → requests in the current wall-clock second. */
  requestRate: Map<string, { second: number; count: number }>;
}

function createPayState(options: ResolvedSandboxOptions): PayState {
  return {
    merchants: new Map(options.pay.merchants.map((m) => [m.mchid, { ...m }])),
    orders: new Map(),
    transactions: new Map(),
    refunds: new Map(),
    ordersCreated: 0,
    manualRefunds: options.pay.manualRefunds,
    notifications: [],
    deliveries: [],
    deliverySeq: 0,
    faults: new Map(),
    bills: new Map(),
    signErrors: options.pay.signErrors,
    signatureProbes: options.pay.signatureProbes,
    probed: new Set(),
    probes: [],
    requestRate: new Map(),
  };
}

/** What every route module gets. */
export interface SandboxContext {
  readonly state: SandboxState;
  readonly options: ResolvedSandboxOptions;
}
