/**
 * The WeChat sandbox: a local stand-in for WeChat's HTTP APIs that the real clients are pointed
 * at in development and tests (DESIGN.md, "Running it"). It lives outside server/src and is never part
 * of the production build: the development entry (server/dev.ts) loads it by a dynamic import in
 * sandbox mode, `npm run sandbox` (./main.ts) serves it alone, tests and the benchmark import it.
 * It imports nothing of the product but shared/src: its signatures and encryption are its own
 * (payWire.ts, officialAccount.ts), as are WeChat's field rules (fieldRules.ts), so that product and
 * sandbox disagree when either is wrong. It answers as WeChat does: JSON with
 * `content-type: application/json`, errors as `{errcode, errmsg}` with HTTP 200 — except WeChat Pay
 * (`/v3/…`, pay.ts), which answers signed JSON and errors as HTTP 4xx/5xx with `{code, message}`.
 *
 * One module per API family registers its routes and is one line in `API_FAMILIES`.
 */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import Koa from 'koa';
import { Router } from '@koa/router';
import { type SandboxControl, createControl, registerControlRoutes } from './control';
import { DelayTimers, faultMiddleware } from './faults';
import { sendJson } from './http';
import { registerLoginRoutes } from './login';
import { registerMessageRoutes } from './messages';
import { disposePay, payOutageMiddleware, registerPayRoutes } from './pay';
import { type SandboxContext, type SandboxOptions, type SandboxState, createState, resolveOptions } from './state';
import { registerTokenRoutes } from './token';

export type { SandboxControl } from './control';
export type { CreatedPayMerchant, PayEncryptedResource, SandboxPayControl } from './pay';
export { MAX_NOTIFY_ATTEMPTS, PaySandboxError } from './pay';
export { TRADE_BILL_HEADER, TRADE_BILL_SUMMARY_HEADER } from './payBill';
export type {
  DownMode,
  PayApi,
  PayDelivery,
  PayFaultMode,
  PayMerchantConfig,
  PayNotification,
  PayOrder,
  PayRefund,
  PayRefundStatus,
  PayTradeState,
  SandboxFault,
  SandboxOptions,
  SandboxPayOptions,
  SandboxState,
  SentMessage,
  SentSubscribeMessage,
  SentTemplateMessage,
  TokenRequestCounts,
} from './state';
export { SUBSCRIBE_SEND_PATH, TEMPLATE_SEND_PATH } from './messages';
export { SANDBOX_OA_ID, openMessage, pushMessage, pushSignature, sealMessage, textMessageXml } from './officialAccount';
export type { OaPushInput, OaPushResult } from './officialAccount';
export { FORCE_REFRESH_DAILY_LIMIT, FORCE_REFRESH_INTERVAL_MS } from './token';

type RegisterRoutes = (router: Router, sb: SandboxContext) => void;

const API_FAMILIES: readonly RegisterRoutes[] = [registerTokenRoutes, registerLoginRoutes, registerMessageRoutes, registerPayRoutes];

export interface SandboxApp {
  app: Koa;
  state: SandboxState;
  control: SandboxControl;
  /** Cancels pending injected delays (called by `close()` of a started sandbox). */
  dispose(): void;
}

export function createSandboxApp(options: SandboxOptions = {}): SandboxApp {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const sb: SandboxContext = { state, options: resolved };
  const control = createControl(sb);
  const timers = new DelayTimers();
  const app = new Koa();

  // Whatever goes wrong inside answers like WeChat's own failure, never an HTML 500 or a crash.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch {
      if (!ctx.headerSent && ctx.respond !== false) sendJson(ctx, { errcode: -1, errmsg: 'system error' }, 500);
    }
  });

  if (resolved.controlSurface) {
    const controlRouter = new Router();
    registerControlRoutes(controlRouter, sb, control);
    app.use(controlRouter.routes());
  }

  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/__sandbox')) {
      sendJson(ctx, { ok: false, error: 'not found' }, 404);
      return;
    }
    state.requestCounts.set(ctx.path, (state.requestCounts.get(ctx.path) ?? 0) + 1);
    await next();
  });
  app.use(payOutageMiddleware(sb));
  app.use(faultMiddleware(sb, timers));

  const apiRouter = new Router();
  for (const register of API_FAMILIES) register(apiRouter, sb);
  app.use(apiRouter.routes());

  app.use((ctx) => {
    sendJson(ctx, { errcode: 404, errmsg: `no such api: ${ctx.method} ${ctx.path}` }, 404);
  });

  return {
    app,
    state,
    control,
    dispose: () => {
      timers.clear();
      disposePay(sb);
    },
  };
}

export interface StartSandboxOptions extends SandboxOptions {
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox has no authentication of its own. */
  host?: string;
}

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:54321/`: the clients' `apiBase`. */
  baseUrl: string;
  state: SandboxState;
  control: SandboxControl;
  close(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', ...sandboxOptions } = options;
  const sandbox = createSandboxApp(sandboxOptions);
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Koa's callback handles its own errors; node ignores the promise it returns.
  const server = createServer(sandbox.app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${hostForUrl}:${address.port}/`,
    state: sandbox.state,
    control: sandbox.control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sandbox.dispose();
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep connections alive (httpx's agent does): without this close() waits for them.
        server.closeAllConnections();
      }),
  };
}
