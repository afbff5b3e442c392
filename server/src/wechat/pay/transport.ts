/**
 * wechatpay-node-v3's transport replaced through its `createHttp` hook (notes/wechat.md): it reaches the
 * sandbox (or WeChat Pay) at `apiBase`, sends exactly the JSON the client signed, gives up after a
 * timeout, and refuses an answer whose WeChat Pay signature does not check out against the keys on the
 * provider's own record. It never throws: `status: 0` means "no clear answer", which callers follow with
 * a query, never with a new order.
 */
import type { KeyObject } from 'node:crypto';
import type { IPayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.interface';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { WECHATPAY_HOST, responseMessage, verifySha256Rsa } from './crypto';

export interface PayTransportOptions {
  /** e.g. `https://api.mch.weixin.qq.com/` or the sandbox's base URL. */
  apiBase: string;
  /** Wechatpay-Serial → key (public-key id `PUB_KEY_ID_…` or platform certificate serial). */
  platformKeys: ReadonlyMap<string, KeyObject>;
  timeoutMs: number;
}

/** How old a signed answer may be (APIv3 asks merchants to refuse stale ones). */
export const SIGNATURE_MAX_AGE_S = 300;

/** The `error` of an answer whose signature did not verify against the keys on record. */
export const UNVERIFIED_ANSWER = 'answer signature not verified';

export function createPayTransport(options: PayTransportOptions): IPayRequest {
  const base = options.apiBase.replace(/\/+$/, '');
  const target = (url: string): string => (url.startsWith(WECHATPAY_HOST) ? base + url.slice(WECHATPAY_HOST.length) : url);

  async function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<Output> {
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
    // WeChat Pay signs its error answers too: one that does not verify is no answer at all.
    if (text !== '' && !verified(res.headers, text)) return { status: 0, error: UNVERIFIED_ANSWER };
    let data: unknown = {};
    try {
      data = text === '' ? {} : JSON.parse(text);
    } catch {
      return { status: 0, error: 'malformed answer' };
    }
    return res.ok ? { status: res.status, data } : { status: res.status, data, error: text.slice(0, 500) };
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
