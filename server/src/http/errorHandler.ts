import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../../shared/src/contracts/errors';
import { isDomainError, TooManyRequestsError, type ErrorKind } from '../modules/errors';
import { DatabaseUnavailableError } from '../db/errors';
import { policyPack } from '../../../shared/src/pack';

/** How long a caller should wait before trying again while the database is away. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** The one place a use case's refusal becomes an HTTP status. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  refused: 422,
  too_many: 429,
  upstream: 502,
  unavailable: 503,
};

/** Errors thrown by Koa, the body parser and the router (http-errors) that a client caused. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

const CLIENT_MESSAGES: Record<number, { code: ErrorCode; message: string }> = {
  400: { code: 'invalid_input', message: '请求格式不正确：请提交合法的 JSON' },
  404: { code: 'not_found', message: '没有这个接口，请检查地址' },
  405: { code: 'method_not_allowed', message: '该接口不支持此请求方法' },
  413: { code: 'payload_too_large', message: '提交的内容过大，请精简后重试' },
  415: { code: 'unsupported_media_type', message: '不支持的内容类型或编码，请以 JSON 提交' },
};

/**
 * First in the chain: every error becomes `{"error": {code, message, details}}`. Only the use
 * cases' DomainErrors and client errors raised by the HTTP stack reach the caller; anything else is logged
 * and answered with a 500 that reveals nothing.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { ...CLIENT_MESSAGES[404], details: [] } };
      }
    } catch (err) {
      if (isDomainError(err)) {
        if (err instanceof TooManyRequestsError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        if (err.kind === 'unavailable') ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
        ctx.status = STATUS_OF[err.kind];
        ctx.body = { error: { code: err.code, message: err.message, details: err.details } };
        return;
      }
      if (err instanceof DatabaseUnavailableError) {
        // An outage is answered as one: 503 with when to try again, logged once by the database's listener.
        ctx.status = 503;
        ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
        ctx.body = { error: { code: 'unavailable' satisfies ErrorCode, message: '系统暂时无法访问数据库，请稍候几秒再试', details: [] } };
        return;
      }
      const e = (err ?? {}) as HttpishError;
      const status = e.status ?? e.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        const known: { code: ErrorCode; message: string } = CLIENT_MESSAGES[status] ?? {
          code: 'bad_request',
          message: '请求无法处理，请检查后重试',
        };
        ctx.status = status;
        ctx.body = { error: { ...known, details: [] } };
        return;
      }
      logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = {
        error: {
          code: 'internal' satisfies ErrorCode,
          message: `服务器出错了，请稍后重试；如一直出现，请联系 ${policyPack().contact.phone}`,
          details: [],
        },
      };
    }
  };
}
