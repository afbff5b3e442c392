/**
 * The WeChat clients the server uses: co-wechat-api instances (tokens through stable_token and
 * the shared TokenStore) behind a small typed facade. Pointed at the sandbox or at WeChat by
 * `apiBase` alone, so the code tested against the sandbox is the code that talks to WeChat.
 */
import type API from 'co-wechat-api';
import { WechatApiError, WechatTransportError, toWechatError } from './errors';
import { StableTokenApi, jsonPost } from './stableTokenApi';
import type { TokenStore } from './tokenStore';

export { WechatApiError, WechatTransportError } from './errors';
export { StableTokenApi } from './stableTokenApi';

export interface WechatAppCredentials {
  appid: string;
  secret: string;
}

export interface WechatClientsOptions {
  /** e.g. `https://api.weixin.qq.com/` or the sandbox's `http://127.0.0.1:PORT/`. */
  apiBase: string;
  /** The mini-program. */
  mp: WechatAppCredentials;
  /** The official account. */
  oa: WechatAppCredentials;
  tokenStore: TokenStore;
  /** Connect and read timeout per request, ms. Default 5000 (httpx's own default is 3000). */
  timeoutMs?: number;
  /** Told of every failed call: WeChat's errcode, or the transport failure (the metrics count them). */
  onError?: ErrorObserver;
}

/** `code`: WeChat's errcode as a string, or the kind of transport failure (`timeout`, `http-5xx` …). */
export type ErrorObserver = (api: string, code: string) => void;

/** `{key: {value}}`, as WeChat takes message data. */
export type MessageData = Record<string, { value: string }>;

export interface Code2SessionResult {
  openid: string;
  /** Only when the mini-program is bound to an Open Platform account. */
  unionid?: string;
}

export interface SubscribeMessageInput {
  touser: string;
  templateId: string;
  /** Mini-program page opened from the message, e.g. `pages/app/detail?id=1`. */
  page?: string;
  data: MessageData;
  /** Which version the message opens: `developer`, `trial` or `formal` (WeChat's default). */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

export interface TemplateMessageInput {
  touser: string;
  templateId: string;
  url?: string;
  /** When both this and `url` are set, WeChat opens the mini-program. */
  miniprogram?: { appid: string; pagepath?: string };
  data: MessageData;
  /**
   * 防重入id: WeChat sends one message per openid + client_msg_id within 10 minutes (at most 64 bytes),
   * so a send retried after an unknown outcome does not arrive twice.
   */
  clientMsgId?: string;
}

export interface SendResult {
  /** WeChat's message id as decimal digits (a 64-bit integer), null if none came back. */
  msgid: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** json-bigint answers integers of more than 15 digits as BigNumber objects: keep every digit. */
function digitsOf(value: unknown): string | null {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'object' && value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    const digits = (value as { toFixed(): string }).toFixed();
    return /^\d+$/.test(digits) ? digits : null;
  }
  return null;
}

async function call<T>(api: string, run: () => Promise<T>, observe?: ErrorObserver): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const e = toWechatError(err, api);
    observe?.(api, e instanceof WechatApiError ? String(e.errcode) : e.failure);
    throw e;
  }
}

export class MiniProgramClient {
  constructor(
    readonly api: StableTokenApi,
    private readonly observe?: ErrorObserver,
  ) {}

  /** Exchanges a wx.login code for the user's ids. Throws WechatApiError (40029 for a bad or used code). */
  async code2Session(code: string): Promise<Code2SessionResult> {
    const data = await call('code2Session', () => this.api.code2Session(code), this.observe);
    // session_key is dropped here: it decrypts the user's data and must not reach the client or logs.
    if (!isRecord(data) || typeof data.openid !== 'string' || data.openid === '') {
      throw new WechatTransportError('bad-response', 'code2Session: no openid in the answer', false);
    }
    const unionid = typeof data.unionid === 'string' && data.unionid !== '' ? data.unionid : undefined;
    return unionid === undefined ? { openid: data.openid } : { openid: data.openid, unionid };
  }

  /**
   * Sends a subscribe message. Posted here rather than through co-wechat-api's
   * sendSubscribeMessage, which leaves out miniprogram_state and lang.
   * Throws WechatApiError: 43101 no subscription (permanent), 47003 a field breaks its rule.
   */
  async sendSubscribeMessage(input: SubscribeMessageInput): Promise<SendResult> {
    const body = {
      touser: input.touser,
      template_id: input.templateId,
      page: input.page,
      data: input.data,
      miniprogram_state: input.miniprogramState,
      lang: input.lang,
    };
    const data = await call(
      'sendSubscribeMessage',
      async () => {
        const { accessToken } = await this.api.ensureAccessToken();
        const url = `${this.api.prefix}message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`;
        return this.api.request(url, jsonPost(body));
      },
      this.observe,
    );
    return { msgid: isRecord(data) ? digitsOf(data.msgid) : null };
  }
}

export class OfficialAccountClient {
  constructor(
    readonly api: StableTokenApi,
    private readonly observe?: ErrorObserver,
  ) {}

  /**
   * Sends a template message. Posted here, through co-wechat-api's token and request, rather than by
   * its sendTemplate, which cannot carry client_msg_id. No colour: WeChat has ignored template colours
   * since 2023-05-04. Throws WechatApiError: 43004 not a follower, 47003 a field breaks its rule.
   */
  async sendTemplateMessage(input: TemplateMessageInput): Promise<SendResult> {
    const body = {
      touser: input.touser,
      template_id: input.templateId,
      url: input.url,
      miniprogram: input.miniprogram,
      data: input.data,
      client_msg_id: input.clientMsgId,
    };
    const data = await call(
      'sendTemplateMessage',
      async () => {
        const { accessToken } = await this.api.ensureAccessToken();
        const url = `${this.api.prefix}message/template/send?access_token=${encodeURIComponent(accessToken)}`;
        return this.api.request(url, jsonPost(body));
      },
      this.observe,
    );
    return { msgid: isRecord(data) ? digitsOf(data.msgid) : null };
  }
}

export interface WechatClients {
  mp: MiniProgramClient;
  oa: OfficialAccountClient;
}

const OFFICIAL_MP_PREFIX = 'https://mp.weixin.qq.com/cgi-bin/';

function normalizeApiBase(apiBase: string): URL {
  let base: URL;
  try {
    base = new URL(apiBase);
  } catch {
    throw new Error(`WeChat apiBase is not a URL: ${apiBase}`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`WeChat apiBase must be http(s): ${apiBase}`);
  if (base.search || base.hash || base.username || base.password) throw new Error('WeChat apiBase must be a plain base URL');
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/**
 * Points every co-wechat-api prefix at `apiBase`, so that nothing reaches WeChat from a sandboxed
 * server. With WeChat's own hosts, mpPrefix stays on mp.weixin.qq.com (it only builds showqrcode
 * URLs for browsers), and fileServerPrefix leaves the legacy plain-http file.api.weixin.qq.com
 * for the same paths on the HTTPS API host.
 */
export function applyApiBase(api: API, apiBase: string): void {
  const base = normalizeApiBase(apiBase);
  const root = base.href;
  api.prefix = `${root}cgi-bin/`;
  api.snsPrefix = `${root}sns/`;
  api.wxaPrefix = `${root}wxa/`;
  api.payPrefix = `${root}pay/`;
  api.merchantPrefix = `${root}merchant/`;
  api.customservicePrefix = `${root}customservice/`;
  api.fileServerPrefix = `${root}cgi-bin/`;
  api.mpPrefix = base.hostname.endsWith('.weixin.qq.com') ? OFFICIAL_MP_PREFIX : `${root}cgi-bin/`;
}

export function createWechatClients(options: WechatClientsOptions): WechatClients {
  const make = (credentials: WechatAppCredentials): StableTokenApi => {
    const api = new StableTokenApi(credentials.appid, credentials.secret, options.tokenStore);
    applyApiBase(api, options.apiBase);
    api.setOpts({ timeout: options.timeoutMs ?? 5000 });
    return api;
  };
  return {
    mp: new MiniProgramClient(make(options.mp), options.onError),
    oa: new OfficialAccountClient(make(options.oa), options.onError),
  };
}
