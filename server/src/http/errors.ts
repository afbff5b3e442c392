/**
 * One error hierarchy for everything a caller can be told. Each carries an HTTP status, a stable
 * code for programs, and a Chinese message that tells a person how to fix it. Anything that is not
 * an AppError is a defect of ours: the handler logs it and answers a plain 500 without details.
 */
import type { ErrorCode, ErrorCodeFor, ErrorStatus } from '../../../shared/src/contracts/errors';

export type { ErrorCode } from '../../../shared/src/contracts/errors';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The code is one of shared/src/contracts/errors.ts, answered with the status declared for it there. */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly status: ErrorStatus<C>,
    readonly code: C,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, 'invalid_input', message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = '请先登录：登录已过期或无效，请重新进入小程序') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '您没有权限进行此操作；如需权限，请联系市工信局信息化推进科 0458-3878126') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = '要找的内容不存在或您无权查看') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCodeFor<409> = 'conflict', details: ErrorDetail[] = []) {
    super(409, code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = '提交的内容过大，请精简后重试') {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = '请以 JSON 格式提交（Content-Type: application/json）') {
    super(415, 'unsupported_media_type', message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message = '操作太频繁，请稍后再试',
    /** Seconds until the caller may try again: sent as Retry-After. */
    readonly retryAfterSeconds = 60,
  ) {
    super(429, 'too_many_requests', message);
  }
}

/** WeChat or another upstream did not answer as it should: the caller may retry later. */
export class UpstreamError extends AppError {
  constructor(message = '微信服务暂时不可用，请稍后重试') {
    super(502, 'upstream_unavailable', message);
  }
}
