import type { Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { createLogger } from '../../../server/src/logger';
import { DbTokenStore } from '../../../server/src/db/tokenStore';
import { createWechatClients } from '../../../server/src/wechat/clients';
import { enqueueNotifications } from '../../../server/src/modules/notifications/outbox';
import { openBench, progressParams, type Bench } from './harness';

/**
 * The inbox and preference routes over HTTP, on the real app.
 */
let b: Bench;
let server: Server;
let http: ReturnType<typeof request.agent>;
const tokens: Record<string, { token: string; userId: string }> = {};

async function login(name: string) {
  const res = await http.post('/api/v1/auth/wx-login').send({ code: `sandbox:${name}` });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  tokens[name] = { token: res.body.token as string, userId: res.body.user.id as string };
  return tokens[name];
}

const auth = (name: string) => ({ authorization: `Bearer ${tokens[name].token}` });

beforeAll(async () => {
  b = await openBench();
  const wechat = createWechatClients({
    apiBase: b.sandbox.baseUrl,
    mp: b.config.wechat.mp,
    oa: b.config.wechat.oa,
    tokenStore: new DbTokenStore(b.db),
  });
  const { app, routes } = createApp({
    config: b.config,
    db: b.db,
    logger: createLogger(b.config),
    wechat: { miniProgram: wechat.mp },
    now: b.now,
  });
  expect(routes.specs.some((s) => s.path === '/api/v1/inbox')).toBe(true);
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  http = request.agent(server);
  await login('alice');
  await login('bob');
  // 20 events for Alice, one a minute, then 5 more at one instant (ties broken by id), and one for Bob.
  for (let i = 0; i < 25; i++) {
    const at = b.clock.t + Math.min(i, 20) * 60_000;
    await b.db.transaction((tx) =>
      enqueueNotifications(
        tx,
        {
          eventKey: `inbox:${i}`,
          recipientUserIds: [tokens.alice.userId],
          template: 'application.status',
          params: progressParams(`YC2026I${i}`, { statusLabel: `状态${i}` }),
          channels: ['mp_subscribe', 'oa_template'],
        },
        at,
      ),
    );
  }
  await b.db.transaction((tx) =>
    enqueueNotifications(
      tx,
      {
        eventKey: 'inbox:bob',
        recipientUserIds: [tokens.bob.userId],
        template: 'application.status',
        params: progressParams('YC2026BOB'),
        channels: ['mp_subscribe'],
      },
      b.clock.t,
    ),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await b.close();
});

test('the inbox needs a login', async () => {
  expect((await http.get('/api/v1/inbox')).status).toBe(401);
  expect((await http.get('/api/v1/notification-preferences')).status).toBe(401);
  expect((await http.post('/api/v1/inbox/read-all')).status).toBe(401);
});

test('own inbox only, newest first, page by page without gaps or repeats', async () => {
  const seen: { id: string; createdAt: number; title: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await http
      .get('/api/v1/inbox')
      .query({ limit: '10', ...(cursor ? { cursor } : {}) })
      .set(auth('alice'));
    expect(res.status).toBe(200);
    expect(res.body.unreadCount).toBe(25);
    seen.push(...(res.body.items as { id: string; createdAt: number; title: string }[]));
    cursor = res.body.nextCursor as string | null;
    pages++;
  } while (cursor !== null && pages < 10);
  expect(pages).toBe(3);
  expect(seen).toHaveLength(25);
  expect(new Set(seen.map((s) => s.id)).size).toBe(25);
  for (let i = 1; i < seen.length; i++) {
    const [prev, cur] = [seen[i - 1], seen[i]];
    expect(prev.createdAt > cur.createdAt || (prev.createdAt === cur.createdAt && prev.id > cur.id)).toBe(true);
  }
  expect(seen[seen.length - 1].title).toBe('申报进度：状态0');

  const bob = await http.get('/api/v1/inbox').set(auth('bob'));
  expect(bob.body.items).toHaveLength(1);
  expect(bob.body.items[0]).toMatchObject({
    template: 'application.status',
    page: 'pages/enterprise/application/application?id=01J0000000000000000000000A',
    readAt: null,
  });
});

test('read and unread', async () => {
  const first = await http.get('/api/v1/inbox').query({ limit: '1' }).set(auth('alice'));
  const id = first.body.items[0].id as string;
  const read = await http.post(`/api/v1/inbox/${id}/read`).set(auth('alice'));
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id, readAt: b.now(), unreadCount: 24 });
  // Reading again keeps the first time.
  b.advance(5_000);
  const again = await http.post(`/api/v1/inbox/${id}/read`).set(auth('alice'));
  expect(again.body.readAt).toBe(read.body.readAt);

  const unread = await http.get('/api/v1/inbox').query({ unread: '1', limit: '50' }).set(auth('alice'));
  expect(unread.body.items).toHaveLength(24);
  expect(unread.body.items.some((i: { id: string }) => i.id === id)).toBe(false);

  // Somebody else's message is answered as if it did not exist, and stays unread.
  const bobs = await http.get('/api/v1/inbox').set(auth('bob'));
  const bobId = bobs.body.items[0].id as string;
  const foreign = await http.post(`/api/v1/inbox/${bobId}/read`).set(auth('alice'));
  expect(foreign.status).toBe(404);
  expect(foreign.body.error.message).toMatch(/消息/);
  expect((await http.get('/api/v1/inbox').set(auth('bob'))).body.unreadCount).toBe(1);

  const all = await http.post('/api/v1/inbox/read-all').set(auth('alice'));
  expect(all.body).toEqual({ updated: 24, unreadCount: 0 });
  expect((await http.get('/api/v1/inbox').set(auth('bob'))).body.unreadCount).toBe(1);
});

test.each([
  ['limit=0', { limit: '0' }],
  ['limit=51', { limit: '51' }],
  ['limit=abc', { limit: 'abc' }],
  ['a forged cursor', { cursor: "1' OR 1=1 --" }],
  ['an unknown parameter', { page: '2' }],
  ['a repeated parameter', 'limit=5&limit=6'],
])('inbox query with %s → 400 in Chinese', async (_label, query) => {
  const res = await http.get('/api/v1/inbox').query(query).set(auth('alice'));
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
});

test.each(['not-an-id', '01J0000000000000000000000A', '%E4%BD%A0%E5%A5%BD', 'x'.repeat(300)])('read of %s → 4xx', async (id) => {
  const res = await http.post(`/api/v1/inbox/${id}/read`).set(auth('alice'));
  expect([400, 404]).toContain(res.status);
});

test('preferences: defaults, a change, and what the mini-program needs to ask for consent', async () => {
  const def = await http.get('/api/v1/notification-preferences').set(auth('alice'));
  expect(def.status).toBe(200);
  expect(def.body.groups.progress).toMatchObject({ inbox: true, mp_subscribe: true, oa_template: true, inboxLocked: true });
  expect(def.body.quietHours).toBeNull();
  expect(def.body.subscribeTemplateIds.progress.length).toBeGreaterThan(0);
  expect(def.body.subscribeTemplateIds.progress.length).toBeLessThanOrEqual(3);

  const put = await http
    .put('/api/v1/notification-preferences')
    .set(auth('alice'))
    .send({ groups: { progress: { mp_subscribe: false }, digest: { inbox: false } }, quietHours: { start: '22:00', end: '07:30' } });
  expect(put.status).toBe(200);
  expect(put.body.groups.progress).toMatchObject({ mp_subscribe: false, oa_template: true, inbox: true });
  expect(put.body.groups.digest).toMatchObject({ inbox: false, inboxLocked: false });
  expect(put.body.quietHours).toEqual({ start: '22:00', end: '07:30' });

  // A second change keeps the first; Bob's settings are his own.
  const again = await http
    .put('/api/v1/notification-preferences')
    .set(auth('alice'))
    .send({ groups: { progress: { mp_subscribe: true } } });
  expect(again.body.groups.progress.mp_subscribe).toBe(true);
  expect(again.body.groups.digest.inbox).toBe(false);
  expect(again.body.quietHours).toEqual({ start: '22:00', end: '07:30' });
  expect((await http.get('/api/v1/notification-preferences').set(auth('bob'))).body.quietHours).toBeNull();

  const cleared = await http.put('/api/v1/notification-preferences').set(auth('alice')).send({ quietHours: null });
  expect(cleared.body.quietHours).toBeNull();
});

test.each([
  ['the inbox of progress switched off', { groups: { progress: { inbox: false } } }, '始终保留'],
  ['an hour of 25', { quietHours: { start: '25:00', end: '07:00' } }, 'HH:MM'],
  ['equal start and end', { quietHours: { start: '22:00', end: '22:00' } }, '不能相同'],
  ['a string for a switch', { groups: { progress: { mp_subscribe: 'yes' } } }, 'true 或 false'],
  ['an unknown group', { groups: { marketing: { mp_subscribe: true } } }, '类别'],
  ['an unknown channel', { groups: { progress: { sms: true } } }, '渠道'],
  ['an unknown field', { theme: 'dark' }, 'groups'],
  ['an array', [1, 2, 3], ''],
  ['quiet hours without an end', { quietHours: { start: '22:00' } }, ''],
  ['a prototype key', JSON.parse('{"__proto__": {"admin": true}}') as object, ''],
])('preferences with %s → 400, nothing changed', async (_label, body, hint) => {
  const before = await http.get('/api/v1/notification-preferences').set(auth('bob'));
  const res = await http.put('/api/v1/notification-preferences').set(auth('bob')).send(body);
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  if (hint) expect(JSON.stringify(res.body.error)).toContain(hint);
  expect((await http.get('/api/v1/notification-preferences').set(auth('bob'))).body).toEqual(before.body);
});

test('no body, a non-JSON body or random JSON never produces a 500', async () => {
  const bodies: unknown[] = [
    null,
    0,
    'x',
    true,
    {},
    { groups: null },
    { groups: [] },
    { quietHours: 5 },
    { groups: { digest: { inbox: null } } },
    { groups: { progress: {} } },
  ];
  for (let i = 0; i < 40; i++) bodies.push(randomJson(3));
  for (const body of bodies) {
    const res = await http
      .put('/api/v1/notification-preferences')
      .set(auth('bob'))
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));
    expect(res.status).toBeLessThan(500);
  }
  const text = await http.put('/api/v1/notification-preferences').set(auth('bob')).set('content-type', 'text/plain').send('hello');
  expect(text.status).toBeLessThan(500);
  const broken = await http
    .put('/api/v1/notification-preferences')
    .set(auth('bob'))
    .set('content-type', 'application/json')
    .send('{"groups":');
  expect(broken.status).toBe(400);
});

function randomJson(depth: number): unknown {
  const r = Math.random();
  if (depth === 0 || r < 0.3) return [null, 1, -1, 'a', '22:00', true, false, '', 1e308][Math.floor(Math.random() * 9)];
  if (r < 0.5) return Array.from({ length: Math.floor(Math.random() * 3) }, () => randomJson(depth - 1));
  const keys = ['groups', 'quietHours', 'progress', 'queue', 'digest', 'inbox', 'mp_subscribe', 'oa_template', 'start', 'end', 'x'];
  return Object.fromEntries(
    Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => [keys[Math.floor(Math.random() * keys.length)], randomJson(depth - 1)]),
  );
}
