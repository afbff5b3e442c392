/**
 * Steering the sandbox: the in-process `control` object and the same operations over HTTP under
 * `/__sandbox/`, for a sandbox started as its own process.
 */
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { queueFault } from './faults';
import { readJsonBody, sendJson } from './http';
import { subscriptionKey } from './messages';
import { type DownMode, type SandboxContext, type SandboxFault, type SentMessage, resetState } from './state';
import { revokeAllTokens } from './token';

export interface SandboxControl {
  /** Allow `count` more subscribe messages of this template to this user (Infinity: long-term). */
  grantSubscription(openid: string, templateId: string, count?: number): void;
  subscriptionsLeft(openid: string, templateId: string): number;
  follow(openid: string): void;
  unfollow(openid: string): void;
  /** Change the strictness set by the options (reset() restores the options). */
  configure(settings: { strictSubscriptions?: boolean; strictFollowers?: boolean }): void;
  /** The next `times` requests to `path` (e.g. `/cgi-bin/message/subscribe/send`) meet `fault`. */
  failNext(path: string, fault: SandboxFault, times?: number): void;
  /** Every API request answers errcode -1 (`busy`, WeChat's "system error") or HTTP 503 until up(). */
  down(mode?: DownMode): void;
  up(): void;
  /** Every token issued so far is refused (40001) from now on; stable_token's normal mode still hands out the current one, so only force_refresh gets past it. */
  expireTokens(): void;
  /** Moves the sandbox clock forward (token expiry, daily limits). */
  advance(ms: number): void;
  now(): number;
  /** Messages accepted so far, optionally only those to one user. */
  sentTo(openid: string): SentMessage[];
  reset(): void;
}

export function createControl(sb: SandboxContext): SandboxControl {
  const { state } = sb;
  return {
    grantSubscription(openid, templateId, count = 1) {
      if (!(count >= 0)) throw new RangeError('count must be ≥ 0');
      const key = subscriptionKey(openid, templateId);
      state.subscriptions.set(key, (state.subscriptions.get(key) ?? 0) + count);
    },
    subscriptionsLeft(openid, templateId) {
      return state.subscriptions.get(subscriptionKey(openid, templateId)) ?? 0;
    },
    follow(openid) {
      state.followers.add(openid);
    },
    unfollow(openid) {
      state.followers.delete(openid);
    },
    configure(settings) {
      if (settings.strictSubscriptions !== undefined) state.settings.strictSubscriptions = settings.strictSubscriptions;
      if (settings.strictFollowers !== undefined) state.settings.strictFollowers = settings.strictFollowers;
    },
    failNext(path, fault, times = 1) {
      queueFault(sb, path, fault, times);
    },
    down(mode = 'busy') {
      state.down = mode;
    },
    up() {
      state.down = null;
    },
    expireTokens() {
      revokeAllTokens(sb);
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('ms must be a finite number ≥ 0');
      state.clockOffsetMs += ms;
    },
    now() {
      return state.now();
    },
    sentTo(openid) {
      return state.sent.filter((m) => m.touser === openid);
    },
    reset() {
      resetState(state, sb.options);
    },
  };
}

/** A JSON view of the state (Maps flattened; tokens themselves left out). */
export function snapshot(sb: SandboxContext): Record<string, unknown> {
  const { state } = sb;
  return {
    now: state.now(),
    down: state.down,
    settings: { ...state.settings },
    tokenRequests: { total: { ...state.tokenRequests.total }, byAppid: Object.fromEntries(state.tokenRequests.byAppid) },
    requestCounts: Object.fromEntries(state.requestCounts),
    sent: state.sent.length,
    rejected: state.rejected,
    pendingFaults: Object.fromEntries([...state.faults].map(([path, queue]) => [path, queue.map((q) => ({ ...q }))])),
  };
}

const faultSchema = z.union([
  z.literal('drop'),
  z.object({ errcode: z.number().int(), errmsg: z.string() }),
  z.object({ httpStatus: z.number().int().min(100).max(599) }),
  z.object({ delayMs: z.number().int().min(0).max(120_000) }),
]);

const schemas = {
  subscription: z.object({
    openid: z.string().min(1),
    templateId: z.string().min(1),
    count: z.union([z.number().int().min(0), z.literal('unlimited')]).default(1),
  }),
  follower: z.object({ openid: z.string().min(1), following: z.boolean().default(true) }),
  configure: z.object({ strictSubscriptions: z.boolean().optional(), strictFollowers: z.boolean().optional() }),
  failNext: z.object({ path: z.string().startsWith('/'), fault: faultSchema, times: z.number().int().min(1).default(1) }),
  down: z.object({ mode: z.enum(['busy', 'http503']).default('busy') }),
  advance: z.object({ ms: z.number().min(0) }),
};

async function parseBody<T extends z.ZodType>(ctx: Context, sb: SandboxContext, schema: T): Promise<z.infer<T> | null> {
  const body = await readJsonBody(ctx, sb.options.bodyLimitBytes);
  if (!body.ok) {
    sendJson(ctx, { ok: false, error: `body ${body.reason}` }, body.reason === 'too-large' ? 413 : 400);
    return null;
  }
  // No body counts as {} so that operations whose fields all have defaults need none.
  const parsed = schema.safeParse(body.value ?? {});
  if (!parsed.success) {
    sendJson(ctx, { ok: false, error: z.prettifyError(parsed.error) }, 400);
    return null;
  }
  return parsed.data;
}

export function registerControlRoutes(router: Router, sb: SandboxContext, control: SandboxControl): void {
  const ok = (ctx: Context, extra: Record<string, unknown> = {}): void => sendJson(ctx, { ok: true, ...extra });

  router.get('/__sandbox/state', (ctx) => sendJson(ctx, snapshot(sb)));
  router.get('/__sandbox/sent', (ctx) => {
    const { kind, touser, templateId } = ctx.query;
    const sent = sb.state.sent.filter(
      (m) =>
        (typeof kind !== 'string' || m.kind === kind) &&
        (typeof touser !== 'string' || m.touser === touser) &&
        (typeof templateId !== 'string' || m.templateId === templateId),
    );
    sendJson(ctx, { sent });
  });
  router.post('/__sandbox/reset', (ctx) => {
    control.reset();
    ok(ctx);
  });
  router.post('/__sandbox/configure', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.configure);
    if (!body) return;
    control.configure(body);
    ok(ctx, { settings: { ...sb.state.settings } });
  });
  router.post('/__sandbox/subscriptions', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.subscription);
    if (!body) return;
    control.grantSubscription(body.openid, body.templateId, body.count === 'unlimited' ? Infinity : body.count);
    const left = control.subscriptionsLeft(body.openid, body.templateId);
    ok(ctx, { left: Number.isFinite(left) ? left : 'unlimited' });
  });
  router.post('/__sandbox/followers', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.follower);
    if (!body) return;
    if (body.following) control.follow(body.openid);
    else control.unfollow(body.openid);
    ok(ctx);
  });
  router.post('/__sandbox/fail-next', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.failNext);
    if (!body) return;
    control.failNext(body.path, body.fault, body.times);
    ok(ctx);
  });
  router.post('/__sandbox/down', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.down);
    if (!body) return;
    control.down(body.mode);
    ok(ctx);
  });
  router.post('/__sandbox/up', (ctx) => {
    control.up();
    ok(ctx);
  });
  router.post('/__sandbox/expire-tokens', (ctx) => {
    control.expireTokens();
    ok(ctx);
  });
  router.post('/__sandbox/advance', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.advance);
    if (!body) return;
    control.advance(body.ms);
    ok(ctx, { now: control.now() });
  });
}
