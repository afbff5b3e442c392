/** The WeChat sandbox's options and its in-memory state, shared by the route modules. */

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
  /** true: a subscribe send needs quota granted by `control.grantSubscription`, otherwise 43101. */
  strictSubscriptions?: boolean;
  /** true: a template send needs `control.follow(openid)`, otherwise 43004. */
  strictFollowers?: boolean;
  /** appid → secret. Absent: any appid with any secret is accepted (sandbox mode runs without secrets). */
  apps?: Readonly<Record<string, string>>;
  /** Largest request body accepted. */
  bodyLimitBytes?: number;
  /** Serve `/__sandbox/*`. Default: on unless NODE_ENV is production. */
  controlSurface?: boolean;
  /** Most messages kept in `state.sent` (oldest dropped), so a long-running sandbox does not grow without end. */
  maxRecorded?: number;
}

export interface ResolvedSandboxOptions {
  now: () => number;
  tokenTtlSeconds: number;
  tokenGraceMs: number;
  strictSubscriptions: boolean;
  strictFollowers: boolean;
  apps: ReadonlyMap<string, string> | null;
  bodyLimitBytes: number;
  controlSurface: boolean;
  maxRecorded: number;
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  return {
    now: options.now ?? Date.now,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    tokenGraceMs: options.tokenGraceMs ?? 5 * 60_000,
    strictSubscriptions: options.strictSubscriptions ?? false,
    strictFollowers: options.strictFollowers ?? false,
    apps: options.apps ? new Map(Object.entries(options.apps)) : null,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    controlSurface: options.controlSurface ?? process.env.NODE_ENV !== 'production',
    maxRecorded: options.maxRecorded ?? 10_000,
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
  readonly faults: Map<string, QueuedFault[]>;
  readonly settings: { strictSubscriptions: boolean; strictFollowers: boolean };
  down: DownMode | null;
  clockOffsetMs: number;
  msgSeq: bigint;
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
    faults: new Map(),
    settings: { strictSubscriptions: options.strictSubscriptions, strictFollowers: options.strictFollowers },
    down: null,
    clockOffsetMs: 0,
    msgSeq: 0n,
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
  state.faults.clear();
  state.settings.strictSubscriptions = options.strictSubscriptions;
  state.settings.strictFollowers = options.strictFollowers;
  state.down = null;
  state.clockOffsetMs = 0;
  state.msgSeq = 0n;
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

/** What every route module gets. */
export interface SandboxContext {
  readonly state: SandboxState;
  readonly options: ResolvedSandboxOptions;
}
