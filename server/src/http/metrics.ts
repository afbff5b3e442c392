import { timingSafeEqual } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { Middleware } from 'koa';
import type { Metrics } from '../metrics';
import type { AppState } from './context';

/**
 * Counts and times every answer by its route's template (`/api/v1/applications/:id`, never the raw
 * path: one series per route, not per id) and status; a path no route matched counts as `unmatched`.
 * First in the chain, so that refusals (401, 413, 429) and the error handler's answers count too.
 *
 * With METRICS_TOKEN set it also serves `GET /metrics` on the main port to a caller bearing that token,
 * before the login middleware reads the header as a session.
 */
export function requestMetrics(metrics: Metrics, token: string | null): Middleware<AppState> {
  const expected = token === null ? null : Buffer.from(`Bearer ${token}`);
  return async (ctx, next) => {
    if (expected !== null && ctx.path === '/metrics' && ctx.method === 'GET') {
      const given = Buffer.from(ctx.get('Authorization'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer');
        ctx.body = { error: { code: 'unauthenticated', message: '查看运行指标须出示指标令牌（METRICS_TOKEN）', details: [] } };
        return;
      }
      const { contentType, body } = await metrics.text();
      ctx.type = contentType;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
      return;
    }
    const end = metrics.requestSeconds.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as unknown as { _matchedRoute?: unknown })._matchedRoute;
      const labels = { method: ctx.method, route: typeof route === 'string' ? route : 'unmatched' };
      end(labels);
      metrics.requests.inc({ ...labels, status: String(ctx.status) });
    }
  };
}

/** The metrics on a port of their own, on loopback only (METRICS_PORT): for a scraper on the same host. */
export async function startMetricsServer(metrics: Metrics, port: number): Promise<Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('GET /metrics\n');
      return;
    }
    metrics.text().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}
