import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What an operator watches (README, "What to watch"): requests by route and status with their latency,
 * the outbox's depth and the age of its oldest due notification, sends by result, WeChat's errors by
 * code, overdue cases per stage, the database pool, rate-limit refusals. One registry per app, so that
 * two apps in one process (the tests) never share counters. No Koa and no SQL here: the HTTP side
 * counts requests (http/metrics.ts), the database answers the gauges' questions when scraped.
 */
export interface MetricsSource {
  /** Notifications not yet final, and when the oldest one that is due became due (ms), if any. */
  outbox(now: number): Promise<{ depth: number; oldestDueAt: number | null }>;
  /** Cases that waited at their stage longer than OVERDUE_DAYS allows, by stage. */
  overdueByStage(now: number): Promise<Record<string, number>>;
  /** The connection pool (MySQL/MariaDB); null on SQLite's single connection. */
  pool(): { size: number; open: number; idle: number; waiting: number } | null;
}

const PREFIX = 'shangyun_';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route'>;
  readonly sends: Counter<'channel' | 'result'>;
  readonly wechatErrors: Counter<'api' | 'code'>;
  readonly rateLimitRefusals: Counter<'limit'>;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.requests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route (the template, never the raw path) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.sends = new Counter({
      name: `${PREFIX}notification_sends_total`,
      help: 'Notification deliveries by channel and result (sent, retry, skipped, dead, release)',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.wechatErrors = new Counter({
      name: `${PREFIX}wechat_errors_total`,
      help: "WeChat API errors by API and WeChat's errcode (or the transport failure)",
      labelNames: ['api', 'code'],
      registers,
    });
    this.rateLimitRefusals = new Counter({
      name: `${PREFIX}rate_limit_refusals_total`,
      help: 'Requests refused with 429 by a rate limit, by limit',
      labelNames: ['limit'],
      registers,
    });
  }

  /** The gauges read from the database at each scrape; a database that does not answer shows as down. */
  watch(source: MetricsSource, now: () => number = Date.now): void {
    // One scrape asks the database once for all the gauges below, whichever is collected first.
    let pending: Promise<void> | null = null;
    const refresh = (): Promise<void> =>
      (pending ??= (async () => {
        const at = now();
        try {
          const [o, stages] = await Promise.all([source.outbox(at), source.overdueByStage(at)]);
          depth.set(o.depth);
          oldest.set(o.oldestDueAt === null ? 0 : Math.max(0, (at - o.oldestDueAt) / 1000));
          overdue.reset();
          for (const [stage, n] of Object.entries(stages)) overdue.set({ stage }, n);
          up.set(1);
        } catch {
          up.set(0);
        }
        const p = source.pool();
        pool.reset();
        if (p) for (const [state, n] of Object.entries(p)) pool.set({ state }, n);
      })().finally(() => setImmediate(() => (pending = null))));
    const registers = [this.registry];
    const up = new Gauge({
      name: `${PREFIX}database_up`,
      help: '1 when the database answered the last scrape',
      registers,
      collect: refresh,
    });
    const depth = new Gauge({
      name: `${PREFIX}outbox_depth`,
      help: 'Notifications not yet sent, skipped or dead',
      registers,
      collect: refresh,
    });
    const oldest = new Gauge({
      name: `${PREFIX}outbox_oldest_due_age_seconds`,
      help: 'How long the oldest due notification has waited (0 when none is due)',
      registers,
      collect: refresh,
    });
    const overdue = new Gauge({
      name: `${PREFIX}overdue_cases`,
      help: 'Applications waiting at their stage longer than OVERDUE_DAYS allows, by stage',
      labelNames: ['stage'],
      registers,
      collect: refresh,
    });
    const pool = new Gauge({
      name: `${PREFIX}database_pool_connections`,
      help: 'Database pool connections by state: size (the limit), open, idle, waiting (requests queued for one)',
      labelNames: ['state'],
      registers,
      collect: refresh,
    });
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
