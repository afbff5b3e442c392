/** Failure injection: outages (`control.down`) and one-off faults per path (`control.failNext`). */
import type { Context, Next } from 'koa';
import { ERR_SYSTEM_BUSY, sendJson, sendWechatError } from './http';
import type { SandboxContext, SandboxFault } from './state';

/** Pending delays, so that closing the sandbox does not leave timers behind. */
export class DelayTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export function queueFault(sb: SandboxContext, path: string, fault: SandboxFault, times: number): void {
  if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
  const queue = sb.state.faults.get(path) ?? [];
  queue.push({ fault, remaining: times });
  sb.state.faults.set(path, queue);
}

function takeFault(sb: SandboxContext, path: string): SandboxFault | null {
  const queue = sb.state.faults.get(path);
  const head = queue?.[0];
  if (!queue || !head) return null;
  head.remaining -= 1;
  if (head.remaining <= 0) queue.shift();
  if (queue.length === 0) sb.state.faults.delete(path);
  return head.fault;
}

/** Runs before the API routes (never before the control surface, which must stay reachable). */
export function faultMiddleware(sb: SandboxContext, timers: DelayTimers) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (sb.state.down === 'http503') {
      sendJson(ctx, { errcode: -1, errmsg: 'service unavailable' }, 503);
      return;
    }
    if (sb.state.down === 'busy') {
      // WeChat's "系统繁忙，此时请开发者稍候再试", with HTTP 200 like every WeChat error.
      sendWechatError(ctx, ERR_SYSTEM_BUSY);
      return;
    }
    const fault = takeFault(sb, ctx.path);
    if (fault === null) {
      await next();
      return;
    }
    if (fault === 'drop') {
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    }
    if ('delayMs' in fault) {
      await timers.wait(fault.delayMs);
      await next();
      return;
    }
    if ('httpStatus' in fault) {
      sendJson(ctx, { errcode: -1, errmsg: `http ${fault.httpStatus}` }, fault.httpStatus);
      return;
    }
    sendWechatError(ctx, fault);
  };
}
