/** Typed failures of calls to WeChat, translated from what co-wechat-api and httpx throw. */

/**
 * errcodes worth trying again later: -1 system busy, 45009/45011 rate limits (daily, per
 * minute), 40001/42001 a token that was still refused after a refresh. Everything else (43101
 * subscription refused or spent, 47003 a field breaking its rule, 40003 bad openid, 43004 not a
 * follower, 40029 bad code …) will fail the same way again.
 */
const RETRYABLE_ERRCODES = new Set([-1, 40001, 42001, 45009, 45011]);

/** WeChat answered with a non-zero errcode. */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError';

  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
  }

  get retryable(): boolean {
    return RETRYABLE_ERRCODES.has(this.errcode);
  }
}

export type WechatTransportFailure = 'http-status' | 'timeout' | 'network' | 'bad-response';

/** No usable answer from WeChat: worth retrying. The message never carries the URL (it holds the secret or token). */
export class WechatTransportError extends Error {
  override readonly name = 'WechatTransportError';
  readonly retryable = true;

  constructor(
    readonly failure: WechatTransportFailure,
    message: string,
    /**
     * The request may have reached WeChat and been carried out (a read timeout, a connection cut
     * after sending, a gateway timeout). WeChat's sends take no idempotency key, so sending again
     * may deliver a message twice.
     */
    readonly outcomeUnknown: boolean,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

/** Failures that happen before anything is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function field(err: object, key: string): unknown {
  return (err as Record<string, unknown>)[key];
}

/**
 * json-bigint turns long integers into BigNumber objects; errcodes are small numbers, but compare
 * on a plain number whatever came back.
 */
export function toErrcode(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  if (typeof value === 'object' && value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    const n = Number((value as { toFixed(): string }).toFixed());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Translates a rejection of co-wechat-api's request() (or of httpx under it). `api` names the
 * call for messages, e.g. `code2Session`.
 */
export function toWechatError(err: unknown, api: string): WechatApiError | WechatTransportError {
  if (err instanceof WechatApiError || err instanceof WechatTransportError) return err;
  if (typeof err !== 'object' || err === null) return new WechatTransportError('network', `${api}: failed`, true);
  const name = field(err, 'name');
  const message = typeof field(err, 'message') === 'string' ? (field(err, 'message') as string) : '';
  if (name === 'WeChatAPIError') {
    const errcode = toErrcode(field(err, 'code'));
    if (errcode !== null) return new WechatApiError(errcode, message);
    const status = /status code: (\d{3})/.exec(message);
    if (status?.[1] !== undefined) {
      const httpStatus = Number(status[1]);
      return new WechatTransportError('http-status', `${api}: HTTP ${httpStatus}`, httpStatus === 504, httpStatus);
    }
    return new WechatTransportError('bad-response', `${api}: answer is not WeChat JSON`, true);
  }
  if (name === 'RequestTimeoutError') {
    // httpx: "ConnectTimeout" before the request went out, "ReadTimeout" after.
    return new WechatTransportError('timeout', `${api}: timed out`, !message.includes('ConnectTimeout'));
  }
  const code = field(err, 'code');
  const label = typeof code === 'string' ? code : 'connection failed';
  return new WechatTransportError('network', `${api}: ${label}`, !(typeof code === 'string' && NOT_SENT_CODES.has(code)));
}
