import Router from '@koa/router';
import { z } from 'zod';
import { grantLabel, type Role } from '../../../shared/src/contracts/roles';
import type { AppContext, AppState } from './context';
import type { ErrorCode } from '../../../shared/src/contracts/errors';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../modules/errors';
import type { LimitName, RateLimits } from './rateLimits';

/**
 * Who may call a route is declared with the route, checked here before the handler runs, and read
 * by the role × route matrix test. Finer checks (own enterprise, own county, named provider) are
 * the use cases' business; this gate only keeps out roles that never belong on a route.
 *
 * What a route takes and answers is declared with it too (zod schemas: the very ones the handler
 * parses its input with, and the shape of its 2xx answer): server/src/http/openapi.ts writes the
 * OpenAPI document from the table, and under NODE_ENV=test every 2xx answer is checked against its
 * declaration, so the document says what the server does.
 */
/** `wechat`: open to anyone, but WeChat's signature on the request is the credential (checked by the handler). */
export type Access = 'public' | 'wechat' | 'authenticated' | readonly Role[];

/** A 2xx answer that is not a JSON body: nothing (204), a file to download, or text for WeChat. */
export type AnswerMarker =
  | { readonly kind: 'empty'; readonly description: string }
  | { readonly kind: 'file'; readonly mediaTypes: readonly string[]; readonly description: string }
  | { readonly kind: 'text'; readonly mediaTypes: readonly string[]; readonly description: string };

/** A request body that is not JSON: a multipart upload, or WeChat's XML. */
export type BodyMarker =
  | { readonly kind: 'multipart'; readonly field: string; readonly description: string }
  | { readonly kind: 'xml'; readonly description: string };

export const answers = {
  empty: (description = '无内容'): AnswerMarker => ({ kind: 'empty', description }),
  file: (description: string, ...mediaTypes: string[]): AnswerMarker => ({ kind: 'file', mediaTypes, description }),
  text: (description: string, ...mediaTypes: string[]): AnswerMarker => ({ kind: 'text', mediaTypes, description }),
};

export const bodies = {
  multipart: (description: string, field = 'file'): BodyMarker => ({ kind: 'multipart', field, description }),
  xml: (description: string): BodyMarker => ({ kind: 'xml', description }),
};

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  access: Access;
  /** Roles refused even where `access` admits them (e.g. reviewers may not file as a provider). */
  deny?: readonly Role[];
  /** Why those roles are refused here, after "您已担任…，" (four eyes); a generic reason when absent. */
  denyReason?: string;
  /** A door that opens something: counted per client address and user (./rateLimits.ts). */
  limit?: LimitName;
  summary: string;
  /** Each `:name` of the path and the schema its value must meet. */
  params?: Readonly<Record<string, z.ZodType>>;
  /** The query string, as the handler parses it. */
  query?: z.ZodObject;
  /** The request body: the schema the handler parses it with, or what it is when not JSON. */
  body?: z.ZodType | BodyMarker;
  /** The 2xx answer: the schema of its JSON body, or what it is when not JSON. */
  response: z.ZodType | AnswerMarker;
  /** The success status(es); 200 when absent. */
  status?: number | readonly number[];
  /** Codes this route answers beyond those that follow from its access and input (400, 401, 403, 404, 413, 415). */
  errors?: readonly ErrorCode[];
}

/** A refusal that means "wrong code" (rather than "not allowed" or "changed meanwhile"): what a guesser gets. */
function isWrongTry(err: unknown): boolean {
  return err instanceof DomainError && (err.kind === 'invalid_input' || err.kind === 'not_found' || err.kind === 'gone');
}

export type Handler = (ctx: AppContext) => Promise<void> | void;

export function isAnswerMarker(r: RouteSpec['response']): r is AnswerMarker {
  return typeof (r as AnswerMarker).kind === 'string' && !(r instanceof z.ZodType);
}

export function isBodyMarker(b: RouteSpec['body']): b is BodyMarker {
  return b !== undefined && typeof (b as BodyMarker).kind === 'string' && !(b instanceof z.ZodType);
}

export function successStatuses(spec: RouteSpec): readonly number[] {
  return spec.status === undefined ? [200] : typeof spec.status === 'number' ? [spec.status] : spec.status;
}

/**
 * Tests only: where answers go to be recorded (test/helpers/answers.ts), and the answers that did not
 * match their declaration (a jest hook fails the test that caused one, besides the 500 it gets).
 */
export const answerChecks: { record: ((spec: RouteSpec, ctx: AppContext) => void) | null; mismatches: string[] } = ((
  globalThis as { __routeAnswerChecks?: typeof answerChecks }
).__routeAnswerChecks ??= {
  record: null,
  mismatches: [],
});

/** Whether `ctx`'s 2xx answer is what `spec` declares: null when it is, else what is wrong. */
export function answerMismatch(spec: RouteSpec, ctx: AppContext): string | null {
  const status = ctx.status;
  if (ctx.method === 'HEAD' || status < 200 || status >= 300) return null;
  if (!successStatuses(spec).includes(status)) return `status ${status} is not among the declared ${successStatuses(spec).join(', ')}`;
  const body: unknown = ctx.body;
  const response = spec.response;
  if (isAnswerMarker(response)) {
    if (response.kind === 'empty') return body === null || body === undefined ? null : 'a body where none is declared';
    const type = ctx.response.type;
    if (!response.mediaTypes.includes(type)) return `Content-Type ${type} is not among the declared ${response.mediaTypes.join(', ')}`;
    if (response.kind === 'text') return typeof body === 'string' ? null : 'a text answer that is not a string';
    return Buffer.isBuffer(body) || (typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function')
      ? null
      : 'a file answer that is neither a buffer nor a stream';
  }
  if (
    body === null ||
    body === undefined ||
    typeof body !== 'object' ||
    Buffer.isBuffer(body) ||
    typeof (body as { pipe?: unknown }).pipe === 'function'
  )
    return 'no JSON body where one is declared';
  // What the caller reads: undefined properties are dropped, dates become strings.
  const result = response.safeParse(JSON.parse(JSON.stringify(body)));
  if (result.success) return null;
  return result.error.issues
    .slice(0, 10)
    .map(
      (i) =>
        `${i.path.join('.') || '(body)'}: ${i.message}${i.code === 'unrecognized_keys' ? ` ${JSON.stringify((i as { keys?: string[] }).keys)}` : ''}`,
    )
    .join('; ');
}

export class RouteTable {
  readonly router = new Router<AppState>();
  readonly specs: RouteSpec[] = [];
  /** Every 2xx answer is checked against its declaration: under NODE_ENV=test only, never in production. */
  private readonly checkAnswers = process.env.NODE_ENV === 'test';

  constructor(private readonly limits: RateLimits | null = null) {}

  add(spec: RouteSpec, handler: Handler): this {
    this.specs.push(spec);
    const guard = async (ctx: AppContext) => {
      if (this.checkAnswers) answerChecks.record?.(spec, ctx);
      if (spec.access !== 'public' && spec.access !== 'wechat') {
        const auth = ctx.state.auth;
        if (!auth) throw new UnauthenticatedError();
        if (spec.access !== 'authenticated' && !auth.grants.some((g) => (spec.access as readonly Role[]).includes(g.role))) {
          throw new ForbiddenError();
        }
        const denied = spec.deny?.length ? auth.grants.filter((g) => spec.deny!.includes(g.role)) : [];
        if (denied.length) {
          throw new ForbiddenError(
            `您已担任${[...new Set(denied.map(grantLabel))].join('、')}，${spec.denyReason ?? '审核人员和管理员不能使用此功能'}；请用企业或服务商自己的微信登录`,
          );
        }
      }
      const limits = spec.limit ? this.limits : null;
      const who = { address: ctx.ip, userId: ctx.state.auth?.userId ?? null };
      if (limits && spec.limit) await limits.admit(spec.limit, who);
      try {
        await handler(ctx);
      } catch (err) {
        if (limits && spec.limit && limits.counts(spec.limit) === 'failures' && isWrongTry(err)) await limits.failed(spec.limit, who);
        throw err;
      }
      if (this.checkAnswers) {
        const wrong = answerMismatch(spec, ctx);
        if (wrong) {
          const message = `${spec.method} ${spec.path} answered what its declaration in the route table does not say: ${wrong}`;
          answerChecks.mismatches.push(message);
          throw new Error(message);
        }
      }
    };
    const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    this.router[method](spec.path, guard);
    return this;
  }
}
