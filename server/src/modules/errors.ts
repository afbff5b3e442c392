/**
 * What a use case says when it cannot do what was asked: one hierarchy, by kind (not found,
 * forbidden, conflict …), each with the stable `code` a program branches on (declared once in
 * shared/src/contracts/errors.ts) and a Chinese message that tells a person how to fix it. The use
 * cases know nothing of HTTP: the transport's one error handler (server/src/http/errorHandler.ts)
 * maps each kind to its status. Anything that is not a DomainError is a defect of ours.
 */
import type { ErrorCode, ErrorCodeFor } from '../../../shared/src/contracts/errors';

import { policyPack } from '../../../shared/src/pack';

export type { ErrorCode } from '../../../shared/src/contracts/errors';

export interface ErrorDetail {
  path: string;
  message: string;
}

export type ErrorKind =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'timeout'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported'
  | 'refused'
  | 'too_many'
  | 'upstream'
  | 'unavailable';

export abstract class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  abstract readonly kind: ErrorKind;

  constructor(
    readonly code: C,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A type guard that keeps the declared code type (instanceof on a generic class gives DomainError<any>). */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** The input is wrong: the details name each field and what to do about it. */
export class InvalidInputError extends DomainError<'invalid_input'> {
  readonly kind = 'invalid_input';
  constructor(message: string, details: ErrorDetail[] = []) {
    super('invalid_input', message, details);
  }
}

/** No login, or one that is no longer valid; or a caller whose signature (WeChat's) does not verify. */
export class UnauthenticatedError extends DomainError<ErrorCodeFor<401>> {
  readonly kind = 'unauthenticated';
  constructor(message = '请先登录：登录已过期或无效，请重新进入小程序', code: ErrorCodeFor<401> = 'unauthenticated') {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError<ErrorCodeFor<403>> {
  readonly kind = 'forbidden';
  // 五、联系方式: who grants roles, read from the installed pack when the error is made.
  constructor(message = `您没有权限进行此操作；如需权限，请联系${policyPack().contact.department} ${policyPack().contact.phone}`) {
    super('forbidden', message);
  }
}

/** Not there — or not the caller's to see, which is answered the same way. */
export class NotFoundError extends DomainError<ErrorCodeFor<404>> {
  readonly kind = 'not_found';
  constructor(message = '要找的内容不存在或您无权查看', code: ErrorCodeFor<404> = 'not_found') {
    super(code, message);
  }
}

/** What the caller was sending did not arrive in time. */
export class TimeoutError extends DomainError<ErrorCodeFor<408>> {
  readonly kind = 'timeout';
  constructor(message: string) {
    super('request_timeout', message);
  }
}

/** The current state does not allow it, or it changed meanwhile. */
export class ConflictError extends DomainError<ErrorCodeFor<409>> {
  readonly kind = 'conflict';
  constructor(message: string, code: ErrorCodeFor<409> = 'conflict', details: ErrorDetail[] = []) {
    super(code, message, details);
  }
}

/** It was there and is no more (a revoked or expired code). */
export class GoneError extends DomainError<ErrorCodeFor<410>> {
  readonly kind = 'gone';
  constructor(message: string, code: ErrorCodeFor<410>) {
    super(code, message);
  }
}

export class PayloadTooLargeError extends DomainError<ErrorCodeFor<413>> {
  readonly kind = 'too_large';
  constructor(message = '提交的内容过大，请精简后重试') {
    super('payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends DomainError<ErrorCodeFor<415>> {
  readonly kind = 'unsupported';
  constructor(message = '请以 JSON 格式提交（Content-Type: application/json）') {
    super('unsupported_media_type', message);
  }
}

/** Well formed, but a third party (WeChat Pay) said no: nothing here changed. */
export class RefusedError extends DomainError<ErrorCodeFor<422>> {
  readonly kind = 'refused';
  constructor(message: string, code: ErrorCodeFor<422>) {
    super(code, message);
  }
}

export class TooManyRequestsError extends DomainError<ErrorCodeFor<429>> {
  readonly kind = 'too_many';
  constructor(
    message = '操作太频繁，请稍后再试',
    /** Seconds until the caller may try again. */
    readonly retryAfterSeconds = 60,
  ) {
    super('too_many_requests', message);
  }
}

/** WeChat or another upstream did not answer as it should: the caller may retry later. */
export class UpstreamError extends DomainError<ErrorCodeFor<502>> {
  readonly kind = 'upstream';
  constructor(message = '微信服务暂时不可用，请稍后重试', code: ErrorCodeFor<502> = 'upstream_unavailable') {
    super(code, message);
  }
}

/** Something we depend on (the database) is not there just now. */
export class UnavailableError extends DomainError<ErrorCodeFor<503>> {
  readonly kind = 'unavailable';
  constructor(message: string) {
    super('unavailable', message);
  }
}
