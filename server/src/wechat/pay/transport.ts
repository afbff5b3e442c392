/**
 * wechatpay-node-v3's transport replaced through its `createHttp` hook (notes/wechat.md): it reaches the
 * sandbox (or WeChat Pay) at `apiBase`, sends exactly the JSON the client signed, gives up after a
 * timeout, and refuses an answer whose WeChat Pay signature does not check out against the keys on the
 * provider's own record. It never throws: `status: 0` means "no clear answer", which callers follow with
 * a query, never with a new order.
 *
 * Signatures (签名验证, https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay4_1.shtml): WeChat Pay
 * documents them for its successful answers, and its own SDKs verify only 2xx answers. So a 2xx must be
 * signed by a key on record; a 4xx/5xx is read by its status and `{code, message}` whether it is signed
 * or not — but one that does carry a signature must verify, since a signature that fails is either a
 * wrong key on record or not WeChat Pay at all (issue 15, 3).
 *
 * 429 (频率超限) and 403 (e.g. TRADE_ERROR, RULE_LIMIT) come from WeChat Pay's gateway at times and are
 * not final (APIv3 接口规则, HTTP 状态码: https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay2_0.shtml;
 * "超频率正常是不会处理成功的，先查询确认", https://developers.weixin.qq.com/community/pay/doc/00082c33108b60f232c2013986bc00).
 * Every call the product makes is idempotent on its merchant number (out_trade_no, out_refund_no), so
 * they are tried again after a short pause, and if WeChat Pay still refuses, answered as "no clear
 * answer" (`status: 0`, `error: GATEWAY_REFUSED`): the caller then queries and tries later, never
 * treating the request as refused for good.
 */
import type { KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IPayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.interface';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { WECHATPAY_HOST, responseMessage, verifySha256Rsa } from './crypto';

export interface PayTransportOptions {
  /** e.g. `https://api.mch.weixin.qq.com/` or the sandbox's base URL. */
  apiBase: string;
  /** Wechatpay-Serial → key (public-key id `PUB_KEY_ID_…` or platform certificate serial). */
  platformKeys: ReadonlyMap<string, KeyObject>;
  timeoutMs: number;
  /** Pauses before the second and third try of a 429/403 (ms). Default 200 and 800. */
  gatewayRetryDelaysMs?: readonly number[];
}

/** What the transport answers: wechatpay-node-v3's Output, with whether the answer was signed. */
export interface PayOutput extends Output {
  /** `verified`: signed by a key on record; `absent`: an error answer without a signature (read as is). */
  signature?: 'verified' | 'absent';
}

/** How old a signed answer may be (APIv3 asks merchants to refuse stale ones). */
export const SIGNATURE_MAX_AGE_S = 300;

/** The `error` of an answer whose signature did not verify against the keys on record. */
export const UNVERIFIED_ANSWER = 'answer signature not verified';

/** The `error` of a call WeChat Pay's gateway kept refusing with 429 or 403: try again later. */
export const GATEWAY_REFUSED = 'gateway refused (429/403): try later';

const GATEWAY_STATUSES = new Set([403, 429]);

export function createPayTransport(options: PayTransportOptions): IPayRequest {
  const base = options.apiBase.replace(/\/+$/, '');
  const target = (url: string): string => (url.startsWith(WECHATPAY_HOST) ? base + url.slice(WECHATPAY_HOST.length) : url);
  const retryDelays = options.gatewayRetryDelaysMs ?? [200, 800];

  async function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<PayOutput> {
    let answer = await sendOnce(method, url, headers, body);
    for (const delay of retryDelays) {
      if (!GATEWAY_STATUSES.has(answer.status)) return answer;
      await sleep(delay);
      answer = await sendOnce(method, url, headers, body);
    }
    if (GATEWAY_STATUSES.has(answer.status)) return { status: 0, error: GATEWAY_REFUSED, errRaw: answer.data as unknown };
    return answer;
  }

  async function sendOnce(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<PayOutput> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(target(url), {
        method,
        headers: { ...headers, 'Accept-Encoding': 'identity' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      return { status: 0, error: err instanceof Error ? err.name : 'network error' };
    }
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('json')) return res.ok ? { status: res.status, data: text } : { status: res.status, error: text.slice(0, 200) };
    const signed = res.headers.has('wechatpay-signature');
    // A 2xx must be WeChat Pay's; an error answer is believed unsigned, but not with a signature that fails.
    if ((res.ok && text !== '') || signed) {
      if (!verified(res.headers, text)) return { status: 0, error: UNVERIFIED_ANSWER };
    }
    let data: unknown = {};
    try {
      data = text === '' ? {} : JSON.parse(text);
    } catch {
      return { status: 0, error: 'malformed answer' };
    }
    const signature = signed ? 'verified' : 'absent';
    return res.ok ? { status: res.status, data, signature } : { status: res.status, data, error: text.slice(0, 500), signature };
  }

  function verified(headers: Headers, text: string): boolean {
    const serial = headers.get('wechatpay-serial') ?? '';
    const timestamp = headers.get('wechatpay-timestamp') ?? '';
    const nonce = headers.get('wechatpay-nonce') ?? '';
    const signature = headers.get('wechatpay-signature') ?? '';
    const key = options.platformKeys.get(serial);
    if (!key || !/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_S) return false;
    return verifySha256Rsa(key, responseMessage(timestamp, nonce, text), signature);
  }

  return {
    post: (url, params, headers) => send('POST', url, { ...headers, 'Content-Type': 'application/json' }, JSON.stringify(params)),
    get: (url, headers) => send('GET', url, headers),
    upload: () => Promise.resolve({ status: 0, error: 'upload is not used' }),
  };
}
