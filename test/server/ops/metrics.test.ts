import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMetricsServer } from '../../../server/src/http/metrics';
import { Metrics } from '../../../server/src/metrics';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication, seedEnterprise } from '../../helpers/applications';
import { insertNotification } from '../../../server/src/db/notifications/outbox';

/** Issue 16, item 5: what an operator scrapes, and the readiness a load balancer asks. */
const TOKEN = 'metrics-test-token-0123456789abcdef';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The value of one series in Prometheus' text format, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and readiness', () => {
  let t: TestApp;
  let owner: { token: string; userId: string };
  const DAY = 86_400_000;
  const now = Date.UTC(2026, 5, 1, 2);

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN, RATE_LIMITS: 'login.address=5/1m' }, now: () => now });
    // Logged in before the limit's test spends the logins.
    owner = await t.login('metrics-owner');
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.http.get('/metrics').set(bearer(TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  test('GET /metrics on the main port needs the token, and is not a login', async () => {
    const none = await t.http.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toContain('指标令牌');
    expect((await t.http.get('/metrics').set(bearer('x'.repeat(TOKEN.length)))).status).toBe(401);
    expect((await t.http.get('/metrics').set(bearer(TOKEN))).status).toBe(200);
  });

  test('requests are counted by route template and status, with their latency', async () => {
    const user = await t.login('metrics-alice');
    for (let i = 0; i < 3; i++) expect((await t.http.get('/api/v1/me').set(bearer(user.token))).status).toBe(200);
    const stranger = (await t.http.get('/api/v1/applications/01ZZZZZZZZZZZZZZZZZZZZZZZZ').set(bearer(user.token))).status;
    expect(stranger).toBeGreaterThanOrEqual(400);
    expect((await t.http.get('/no/such/path')).status).toBe(404);
    const text = await scrape();
    expect(sample(text, 'shangyun_http_requests_total{method="GET",route="/api/v1/me",status="200"}')).toBe(3);
    // The template, never the id: one series per route.
    expect(sample(text, `shangyun_http_requests_total{method="GET",route="/api/v1/applications/:id",status="${stranger}"}`)).toBe(1);
    expect(text).not.toContain('01ZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(sample(text, 'shangyun_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(sample(text, 'shangyun_http_request_duration_seconds_count{method="GET",route="/api/v1/me"}')).toBe(3);
  });

  test('rate-limit refusals and WeChat errors are counted by limit and by code', async () => {
    // A login code WeChat refuses (the sandbox answers 40029 as WeChat does).
    const refused = await t.http.post('/api/v1/auth/wx-login').send({ code: 'not-a-real-code' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    let limited = 0;
    for (let i = 0; i < 8; i++)
      if ((await t.http.post('/api/v1/auth/wx-login').send({ code: `sandbox:limit-${i}` })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    const text = await scrape();
    expect(sample(text, 'shangyun_rate_limit_refusals_total{limit="login.address"}')).toBe(limited);
    expect(sample(text, 'shangyun_wechat_errors_total{api="code2Session",code="40029"}')).toBe(1);
  });

  test('the outbox depth, its oldest due age and overdue cases per stage are read from the database', async () => {
    const enterprise = await seedEnterprise(t.db, [owner.userId], { countyCode: '230717' });
    // Submitted 20 days ago: county review allows 15 (OVERDUE_DAYS' default).
    await seedApplication(t.db, enterprise, null, 'county_review', { updatedAt: now - 20 * DAY });
    await seedApplication(t.db, enterprise, null, 'county_review', { updatedAt: now - 2 * DAY });
    const text = await scrape();
    expect(sample(text, 'shangyun_database_up')).toBe(1);
    expect(sample(text, 'shangyun_overdue_cases{stage="county_review"}')).toBe(1);
    expect(sample(text, 'shangyun_overdue_cases{stage="listed"}')).toBe(0);
    expect(sample(text, 'shangyun_outbox_depth')).toBeGreaterThanOrEqual(0);
    const depthBefore = sample(text, 'shangyun_outbox_depth')!;
    // A notification due an hour ago and not yet sent (no worker runs in this test).
    await t.db.transaction((tx) =>
      insertNotification(tx, {
        id: '01METRICSNOTIFICATION00001',
        idempotencyKey: 'metrics-test',
        recipientUserId: owner.userId,
        channel: 'mp_subscribe',
        template: 'status_changed',
        payload: null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now - 3600_000,
        leaseUntil: null,
        lastError: null,
        createdAt: now - 3600_000,
        sentAt: null,
        readAt: null,
      }),
    );
    const after = await scrape();
    expect(sample(after, 'shangyun_outbox_depth')).toBe(depthBefore + 1);
    expect(sample(after, 'shangyun_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(3600);
  });

  test('readiness: ready while serving, 503 once the instance stops', async () => {
    expect((await t.http.get('/readyz')).body).toEqual({ status: 'ok' });
    t.services.health.markStopping();
    const stopping = await t.http.get('/readyz');
    expect(stopping.status).toBe(503);
    expect(stopping.body.error.message).toContain('正在停止');
    // Liveness is another question: the process still answers.
    expect((await t.http.get('/healthz')).status).toBe(200);
  });
});

describe('the metrics on a loopback port of their own (METRICS_PORT)', () => {
  test('serves GET /metrics on 127.0.0.1 only, without a token, and nothing else', async () => {
    const metrics = new Metrics();
    metrics.requests.inc({ method: 'GET', route: '/x', status: '200' });
    const server = await startMetricsServer(metrics, 0);
    const { address, port } = server.address() as AddressInfo;
    expect(address).toBe('127.0.0.1');
    const get = (p: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: p }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    const ok = await get('/metrics');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('shangyun_http_requests_total{method="GET",route="/x",status="200"} 1');
    // The process's own figures come with it.
    expect(ok.body).toContain('shangyun_process_resident_memory_bytes');
    expect((await get('/other')).status).toBe(404);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
