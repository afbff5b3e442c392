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
import { type OaPushInput, type OaPushResult, pushMessage, textMessageXml } from './officialAccount';
import { MAX_NOTIFY_ATTEMPTS, PaySandboxError, type SandboxPayControl, createPayControl } from './pay';
import { type DownMode, type SandboxContext, type SandboxFault, type SentMessage, resetState } from './state';
import { issueLoginCode } from './login';
import { revokeAllTokens } from './token';

export interface SandboxControl {
  /** Allow `count` more subscribe messages of this template to this user (Infinity: long-term). */
  grantSubscription(openid: string, templateId: string, count?: number): void;
  subscriptionsLeft(openid: string, templateId: string): number;
  follow(openid: string): void;
  unfollow(openid: string): void;
  /** Change the strictness set by the options (reset() restores the options). */
  configure(settings: { strictSubscriptions?: boolean; strictFollowers?: boolean; strictPages?: boolean }): void;
  /** The values chosen for an `enum` field of a template (WeChat fixes them when the template is added). */
  defineEnum(templateId: string, key: string, values: readonly string[]): void;
  /** A one-time wx.login code for user `name` (openid `mp-<name>`): once, for 5 minutes (40163 when used again). */
  loginCode(name: string): string;
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
  /** WeChat Pay: merchants, orders, refunds, callbacks and faults of the `/v3/` APIs. */
  pay: SandboxPayControl;
  /** The official account's push: a message delivered to a server's endpoint as WeChat sends it (signed; encrypted in safe mode). */
  oa: { push(input: OaPushInput): Promise<OaPushResult> };
  /** Everything back to the options, WeChat Pay included (its platform key stays). */
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
      if (settings.strictPages !== undefined) state.settings.strictPages = settings.strictPages;
    },
    defineEnum(templateId, key, values) {
      const fields = state.templateEnums.get(templateId) ?? new Map<string, ReadonlySet<string>>();
      fields.set(key, new Set(values));
      state.templateEnums.set(templateId, fields);
    },
    loginCode(name) {
      return issueLoginCode(sb, name);
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
    pay: createPayControl(sb),
    oa: { push: (input) => pushMessage(input) },
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
    pay: {
      merchants: [...state.pay.merchants.keys()],
      orders: state.pay.orders.size,
      ordersCreated: state.pay.ordersCreated,
      refunds: state.pay.refunds.size,
      manualRefunds: state.pay.manualRefunds,
      signErrors: state.pay.signErrors,
      signatureProbes: state.pay.signatureProbes,
      deliveries: state.pay.deliveries.length,
      probes: state.pay.probes.length,
      pendingNotifications: state.pay.notifications.filter((n) => !n.delivered && n.attempts < MAX_NOTIFY_ATTEMPTS).length,
      pendingFaults: Object.fromEntries([...state.pay.faults].map(([api, queue]) => [api, queue.map((q) => ({ ...q }))])),
    },
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
  configure: z.object({
    strictSubscriptions: z.boolean().optional(),
    strictFollowers: z.boolean().optional(),
    strictPages: z.boolean().optional(),
  }),
  defineEnum: z.object({ templateId: z.string().min(1), key: z.string().min(1), values: z.array(z.string()).max(100) }),
  loginCode: z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }),
  failNext: z.object({ path: z.string().startsWith('/'), fault: faultSchema, times: z.number().int().min(1).default(1) }),
  down: z.object({ mode: z.enum(['busy', 'http503']).default('busy') }),
  advance: z.object({ ms: z.number().min(0) }),
  oaPush: z
    .object({
      url: z.url({ protocol: /^https?$/ }),
      token: z.string().min(1).max(64),
      xml: z
        .string()
        .min(1)
        .max(64 * 1024)
        .optional(),
      from: z.string().min(1).max(64).default('oa-sandbox-user'),
      content: z.string().max(2048).optional(),
      encodingAesKey: z
        .string()
        .regex(/^[A-Za-z0-9+/]{43}$/)
        .optional(),
      appid: z.string().min(1).max(64).optional(),
    })
    .refine((b) => b.xml !== undefined || b.content !== undefined, 'xml or content')
    .refine((b) => b.encodingAesKey === undefined || b.appid !== undefined, 'safe mode (encodingAesKey) needs the appid'),
};

const payOrderRef = { mchid: z.string().min(1), outTradeNo: z.string().min(1) };

const paySchemas = {
  createMerchant: z.object({ appid: z.string().min(1).max(32), mchid: z.string().min(1).max(32).optional() }),
  registerMerchant: z.object({
    mchid: z.string().min(1),
    appid: z.string().min(1),
    apiV3Key: z.string().length(32),
    serialNo: z.string().min(1),
    publicKeyPem: z.string().min(1),
  }),
  payOrder: z.object({ ...payOrderRef, successTime: z.number().int().min(0).optional(), deliver: z.boolean().default(true) }),
  order: z.object(payOrderRef),
  merchantRefund: z.object({ ...payOrderRef, refund: z.number().int().min(1), deliver: z.boolean().default(true) }),
  completeRefund: z.object({
    outRefundNo: z.string().min(1),
    status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
    mchid: z.string().min(1).optional(),
  }),
  manualRefunds: z.object({ on: z.boolean() }),
  redeliver: z.object({ id: z.string().min(1) }),
  fault: z.object({
    api: z.enum(['jsapi', 'query', 'close', 'refund', 'refundQuery', 'tradebill', 'billdownload']),
    mode: z.enum(['error500', 'accept-then-drop', 'delay', 'rate-limited', 'forbidden']),
    times: z.number().int().min(1).default(1),
    delayMs: z.number().int().min(0).max(120_000).default(0),
  }),
  signNotification: z.object({
    body: z.string(),
    timestamp: z.number().int().min(0).optional(),
    nonce: z.string().min(1).optional(),
    serial: z.string().min(1).optional(),
  }),
  encryptResource: z.object({ mchid: z.string().min(1), plaintext: z.string(), associatedData: z.string() }),
  configure: z.object({ signErrors: z.boolean().optional(), signatureProbes: z.boolean().optional() }),
  probe: z.object({ id: z.string().min(1) }),
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
  router.post('/__sandbox/templates/enum', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.defineEnum);
    if (!body) return;
    control.defineEnum(body.templateId, body.key, body.values);
    ok(ctx);
  });
  router.post('/__sandbox/login-code', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.loginCode);
    if (body) ok(ctx, { code: control.loginCode(body.name) });
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
  router.post('/__sandbox/oa/push', async (ctx) => {
    const body = await parseBody(ctx, sb, schemas.oaPush);
    if (!body) return;
    const xml = body.xml ?? textMessageXml(body.from, body.content ?? '');
    try {
      const result = await control.oa.push({
        url: body.url,
        token: body.token,
        xml,
        ...(body.encodingAesKey ? { encodingAesKey: body.encodingAesKey, appid: body.appid! } : {}),
      });
      ok(ctx, { result });
    } catch (err) {
      sendJson(ctx, { ok: false, error: `push failed: ${err instanceof Error ? err.message : String(err)}` }, 502);
    }
  });
  registerPayControlRoutes(router, sb, control.pay);
}

/** `/__sandbox/pay/…`: `control.pay` over HTTP; a refused operation answers `{ok: false, error}` with 400 or 404. */
function registerPayControlRoutes(router: Router, sb: SandboxContext, pay: SandboxPayControl): void {
  const ok = (ctx: Context, extra: Record<string, unknown> = {}): void => sendJson(ctx, { ok: true, ...extra });
  const guarded =
    (handler: (ctx: Context) => Promise<void> | void) =>
    async (ctx: Context): Promise<void> => {
      try {
        await handler(ctx);
      } catch (err) {
        if (!(err instanceof PaySandboxError)) throw err;
        sendJson(ctx, { ok: false, error: err.message }, err.status);
      }
    };

  router.post(
    '/__sandbox/pay/merchants',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.createMerchant);
      if (body) ok(ctx, { merchant: pay.createMerchant(body) });
    }),
  );
  router.post(
    '/__sandbox/pay/merchants/register',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.registerMerchant);
      if (!body) return;
      pay.registerMerchant(body);
      ok(ctx);
    }),
  );
  router.get('/__sandbox/pay/platform-key', (ctx) => ok(ctx, pay.platformKey()));
  router.get('/__sandbox/pay/orders', (ctx) => {
    const mchid = typeof ctx.query.mchid === 'string' ? ctx.query.mchid : undefined;
    ok(ctx, { created: pay.ordersCreated(), orders: pay.orders(mchid) });
  });
  router.get('/__sandbox/pay/orders/:mchid/:outTradeNo', (ctx) => {
    const order = pay.order(String(ctx.params.mchid), String(ctx.params.outTradeNo));
    if (order) ok(ctx, { order });
    else sendJson(ctx, { ok: false, error: 'no such order' }, 404);
  });
  router.post(
    '/__sandbox/pay/orders/pay',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.payOrder);
      if (!body) return;
      const opts = body.successTime === undefined ? { deliver: body.deliver } : { deliver: body.deliver, successTime: body.successTime };
      ok(ctx, { delivery: await pay.payOrder(body.mchid, body.outTradeNo, opts), order: pay.order(body.mchid, body.outTradeNo) });
    }),
  );
  router.post(
    '/__sandbox/pay/orders/fail',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.order);
      if (!body) return;
      pay.failOrder(body.mchid, body.outTradeNo);
      ok(ctx, { order: pay.order(body.mchid, body.outTradeNo) });
    }),
  );
  router.post(
    '/__sandbox/pay/orders/expire',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.order);
      if (!body) return;
      pay.expireOrder(body.mchid, body.outTradeNo);
      ok(ctx, { order: pay.order(body.mchid, body.outTradeNo) });
    }),
  );
  router.get('/__sandbox/pay/refunds', (ctx) => {
    const mchid = typeof ctx.query.mchid === 'string' ? ctx.query.mchid : undefined;
    ok(ctx, { refunds: pay.refunds(mchid) });
  });
  router.post(
    '/__sandbox/pay/refunds/merchant',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.merchantRefund);
      if (body) ok(ctx, { delivery: await pay.merchantRefund(body.mchid, body.outTradeNo, body.refund, { deliver: body.deliver }) });
    }),
  );
  router.post(
    '/__sandbox/pay/refunds/complete',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.completeRefund);
      if (body) ok(ctx, { delivery: await pay.completeRefund(body.outRefundNo, body.status, body.mchid) });
    }),
  );
  router.post(
    '/__sandbox/pay/manual-refunds',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.manualRefunds);
      if (!body) return;
      pay.setManualRefunds(body.on);
      ok(ctx);
    }),
  );
  router.get('/__sandbox/pay/deliveries', (ctx) => ok(ctx, { deliveries: pay.deliveries() }));
  router.get('/__sandbox/pay/notifications', (ctx) => ok(ctx, { notifications: pay.notifications() }));
  router.post(
    '/__sandbox/pay/redeliver',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.redeliver);
      if (body) ok(ctx, { delivery: await pay.redeliver(body.id) });
    }),
  );
  router.post('/__sandbox/pay/deliver-pending', async (ctx) => ok(ctx, { deliveries: await pay.deliverPending() }));
  router.post('/__sandbox/pay/configure', async (ctx) => {
    const body = await parseBody(ctx, sb, paySchemas.configure);
    if (!body) return;
    pay.configure(body);
    ok(ctx);
  });
  router.get('/__sandbox/pay/probes', (ctx) => ok(ctx, { probes: pay.probes() }));
  router.post(
    '/__sandbox/pay/probe',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.probe);
      if (body) ok(ctx, { probe: await pay.probe(body.id) });
    }),
  );
  router.post('/__sandbox/pay/fault', async (ctx) => {
    const body = await parseBody(ctx, sb, paySchemas.fault);
    if (!body) return;
    pay.payFault(body.api, body.mode, body.times, body.delayMs);
    ok(ctx);
  });
  router.post('/__sandbox/pay/sign-notification', async (ctx) => {
    const body = await parseBody(ctx, sb, paySchemas.signNotification);
    if (!body) return;
    const { body: text, ...opts } = body;
    ok(ctx, { headers: pay.signNotification(text, opts) });
  });
  router.post(
    '/__sandbox/pay/encrypt-resource',
    guarded(async (ctx) => {
      const body = await parseBody(ctx, sb, paySchemas.encryptResource);
      if (body) ok(ctx, { resource: pay.encryptResource(body.mchid, body.plaintext, body.associatedData) });
    }),
  );
}
