import type { Context, Next } from 'koa';
import type { Router } from '@koa/router';

/** WeChat's error body. WeChat answers errors with HTTP 200 and this JSON. */
export interface WechatError {
  errcode: number;
  errmsg: string;
}

export const ERR_INVALID_TOKEN: WechatError = {
  errcode: 40001,
  errmsg: 'invalid credential, access_token is invalid or not latest',
};
export const ERR_DATA_FORMAT: WechatError = { errcode: 47001, errmsg: 'data format error' };
export const ERR_SYSTEM_BUSY: WechatError = { errcode: -1, errmsg: 'system error' };

/**
 * Serialises with bigint kept as a bare JSON number: WeChat's msgid values exceed 2^53, which is
 * what co-wechat-api's json-bigint parsing exists for.
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `__bigint:${v.toString()}` : v)).replace(
    /"__bigint:(-?\d+)"/g,
    '$1',
  );
}

/** co-wechat-api parses a body only when the content type says JSON (or text/plain). */
export function sendJson(ctx: Context, body: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = stringifyJson(body);
}

export function sendWechatError(ctx: Context, error: WechatError): void {
  sendJson(ctx, { errcode: error.errcode, errmsg: error.errmsg });
}

export function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; reason: 'too-large' | 'malformed' };

function readRaw(ctx: Context, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(ctx.request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * The request body parsed as JSON, whatever its content type (WeChat does not insist on one);
 * `value` is undefined for an empty body.
 */
export async function readJsonBody(ctx: Context, limit: number): Promise<BodyResult> {
  const raw = await readRaw(ctx, limit);
  if (raw === 'too-large') return { ok: false, reason: 'too-large' };
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/**
 * Reads a JSON object body, answering like WeChat when it cannot: 47001 for anything that is not a
 * JSON object, HTTP 413 past the size limit (the connection is closed: the rest is never read).
 */
export async function readJsonObject(ctx: Context, limit: number): Promise<Record<string, unknown> | null> {
  const body = await readJsonBody(ctx, limit);
  if (!body.ok) {
    if (body.reason === 'too-large') {
      ctx.set('Connection', 'close');
      sendJson(ctx, { errcode: 47001, errmsg: 'data format error: request body too large' }, 413);
    } else {
      sendWechatError(ctx, ERR_DATA_FORMAT);
    }
    return null;
  }
  if (!isRecord(body.value)) {
    sendWechatError(ctx, ERR_DATA_FORMAT);
    return null;
  }
  return body.value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ownString(obj: Record<string, unknown>, key: string): string | undefined {
  if (!Object.hasOwn(obj, key)) return undefined;
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Registers a WeChat API path for one method; the other method gets WeChat's 43001/43002
 * ("require GET/POST method") rather than a router 405.
 */
export function wechatRoute(
  router: Router,
  method: 'GET' | 'POST',
  path: string,
  handler: (ctx: Context, next: Next) => Promise<void> | void,
): void {
  router.all(path, async (ctx, next) => {
    if (ctx.method !== method) {
      sendWechatError(
        ctx,
        method === 'POST' ? { errcode: 43002, errmsg: 'require POST method' } : { errcode: 43001, errmsg: 'require GET method' },
      );
      return;
    }
    await handler(ctx, next);
  });
}
