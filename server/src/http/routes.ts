import Router from '@koa/router';
import { grantLabel, type Role } from '../../../shared/src/contracts/roles';
import type { AppContext, AppState } from './context';
import { AppError, ForbiddenError, UnauthenticatedError } from './errors';
import type { LimitName, RateLimits } from './rateLimits';

/**
 * Who may call a route is declared with the route, checked here before the handler runs, and read
 * by the role × route matrix test. Finer checks (own enterprise, own county, named provider) are
 * the use cases' business; this gate only keeps out roles that never belong on a route.
 */
/** `wechat`: open to anyone, but WeChat's signature on the request is the credential (checked by the handler). */
export type Access = 'public' | 'wechat' | 'authenticated' | readonly Role[];

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
}

/** A refusal that means "wrong code" (rather than "not allowed" or "changed meanwhile"): what a guesser gets. */
function isWrongTry(err: unknown): boolean {
  return err instanceof AppError && (err.status === 400 || err.status === 404 || err.status === 410);
}

export type Handler = (ctx: AppContext) => Promise<void>;

export class RouteTable {
  readonly router = new Router<AppState>();
  readonly specs: RouteSpec[] = [];

  constructor(private readonly limits: RateLimits | null = null) {}

  add(spec: RouteSpec, handler: Handler): this {
    this.specs.push(spec);
    const guard = async (ctx: AppContext) => {
      if (spec.access !== 'public' && spec.access !== 'wechat') {
        const auth = ctx.state.auth;
        if (!auth) throw new UnauthenticatedError();
        if (spec.access !== 'authenticated' && !auth.grants.some((g) => (spec.access as readonly Role[]).includes(g.role))) {
          throw new ForbiddenError();
        }
        const denied = spec.deny?.length ? auth.grants.filter((g) => spec.deny!.includes(g.role)) : [];
        if (denied.length) {
          throw new ForbiddenError(`您已担任${[...new Set(denied.map(grantLabel))].join('、')}，${spec.denyReason ?? '审核人员和管理员不能使用此功能'}；请用企业或服务商自己的微信登录`);
        }
      }
      const limits = spec.limit ? this.limits : null;
      if (!limits || !spec.limit) return handler(ctx);
      const who = { address: ctx.ip, userId: ctx.state.auth?.userId ?? null };
      await limits.admit(spec.limit, who);
      try {
        await handler(ctx);
      } catch (err) {
        if (limits.counts(spec.limit) === 'failures' && isWrongTry(err)) await limits.failed(spec.limit, who);
        throw err;
      }
    };
    const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    this.router[method](spec.path, guard);
    return this;
  }
}
