import Router from '@koa/router';
import type { Role } from '../../../shared/src/contracts/roles';
import type { AppContext, AppState } from './context';
import { ForbiddenError, UnauthenticatedError } from './errors';

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
  summary: string;
}

export type Handler = (ctx: AppContext) => Promise<void>;

export class RouteTable {
  readonly router = new Router<AppState>();
  readonly specs: RouteSpec[] = [];

  add(spec: RouteSpec, handler: Handler): this {
    this.specs.push(spec);
    const guard = async (ctx: AppContext) => {
      if (spec.access !== 'public' && spec.access !== 'wechat') {
        const auth = ctx.state.auth;
        if (!auth) throw new UnauthenticatedError();
        if (spec.access !== 'authenticated' && !auth.grants.some((g) => (spec.access as readonly Role[]).includes(g.role))) {
          throw new ForbiddenError();
        }
        if (spec.deny?.length && auth.grants.some((g) => spec.deny!.includes(g.role))) {
          throw new ForbiddenError('审核人员和管理员不能使用此功能，请用企业或服务商自己的微信登录');
        }
      }
      await handler(ctx);
    };
    const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    this.router[method](spec.path, guard);
    return this;
  }
}
