import {
  clearAccessTokens,
  clearNotificationPreferences,
  clearOutbox,
  clearRoleGrants,
  notificationsMatching,
  notificationsWithKeyLike,
  recordedSends,
} from '../../../server/src/db/testing';
import { SUBSCRIBE_SEND_PATH, TEMPLATE_SEND_PATH } from '../../../server/sandbox';
import { TEMPLATES } from '../../../server/src/modules/notifications/templates';
import { CHANNEL_MAP } from '../../../server/src/modules/notifications/channels';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import { NotificationPreferences } from '../../../server/src/modules/notifications/preferences';
import { OutboxStore } from '../../../server/src/db/notifications/outbox';
import { newId } from '../../../server/src/ids';
import { seedApplication, seedEnterprise } from '../../helpers/applications';
import { onMysql } from '../../helpers/db';
import { openBench, progressParams, sentPerRecipient, type Bench } from './harness';

let b: Bench;
beforeAll(async () => {
  b = await openBench();
});
afterAll(() => b.close());
beforeEach(async () => {
  b.sandbox.control.reset();
  await b.db.transaction(async (tx) => {
    await clearOutbox(tx);
    await clearNotificationPreferences(tx);
    await clearRoleGrants(tx);
    // reset() forgets the sandbox's tokens: start each test without a stored one.
    await clearAccessTokens(tx);
  });
});

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

test('every template has a WeChat mapping on both channels', () => {
  for (const name of Object.keys(TEMPLATES)) expect(CHANNEL_MAP[name as keyof typeof TEMPLATES]).toBeDefined();
});

test('a notification goes out once by subscribe message, with its page and its fields cut to the rules', async () => {
  const u = await b.user('delivery-one');
  const longName = '伊春市伊美区林都大街第一百零八号森林食品深加工股份有限公司';
  await b.enqueue({
    eventKey: 'app:1:v2:return',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC202600001', { enterpriseName: longName }),
    channels: ['mp_subscribe', 'oa_template'],
  });
  const w = b.worker();
  const stats = await b.drain(w);
  expect(stats.sent).toBe(1);
  const sent = b.sandbox.control.sentTo('mp-delivery-one');
  expect(sent).toHaveLength(1);
  const m = sent[0];
  expect(m.kind).toBe('subscribe');
  expect(m.templateId).toBe(DEFAULT_NOTIFICATION_SETTINGS.subscribeTemplateIds.applicationProgress);
  expect(m.kind === 'subscribe' && m.page).toBe('pages/enterprise/application/application?id=01J0000000000000000000000A');
  expect([...m.data.thing2].length).toBeLessThanOrEqual(20);
  expect(m.data.thing2.endsWith('…')).toBe(true);
  expect(m.data.phrase3).toBe('已退回');
  expect(m.data.character_string1).toBe('YC202600001');
  expect(m.data.time5).toBe('2026-03-02 09:00');
  // The mini-program delivered it: the official-account fallback is not sent.
  expect((await b.status(`app:1:v2:return:${u.id}:mp_subscribe`))?.status).toBe('sent');
  expect((await b.status(`app:1:v2:return:${u.id}:oa_template`))?.status).toBe('skipped');
  expect(b.sandbox.control.sentTo('oa-delivery-one')).toHaveLength(0);
  const msgid = await b.db.read((tx) => recordedSends(tx, { idempotencyKey: `app:1:v2:return:${u.id}:mp_subscribe` }));
  expect(msgid[0]?.wechatMsgid).toBe(m.msgid);
  // A second round finds nothing to do.
  expect((await w.runOnce()).claimed).toBe(0);
});

test('WeChat down for a while: every notification is delivered after it returns, none twice', async () => {
  const users = await Promise.all(Array.from({ length: 40 }, (_, i) => b.user(`down-${i}`)));
  for (const [i, u] of users.entries()) {
    await b.enqueue({
      eventKey: `down:${i}`,
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams(`YC2026${String(i).padStart(5, '0')}`),
      channels: ['mp_subscribe', 'oa_template'],
    });
  }
  const w = b.worker();
  b.sandbox.control.down('busy');
  let retried = 0;
  let rounds = 0;
  // Ten minutes of outage: rows back off (1 s, 2 s, 4 s … up to 60 s, with jitter), none is sent, none dies.
  for (let t = 0; t < 10 * MINUTE; t += 15 * SECOND) {
    rounds++;
    const s = await w.runOnce();
    retried += s.retried;
    expect(s.sent).toBe(0);
    expect(s.dead).toBe(0);
    b.advance(15 * SECOND);
  }
  expect(retried).toBeGreaterThanOrEqual(40);
  const attempts = await b.db.read((tx) => notificationsMatching(tx, { channel: 'mp_subscribe' }));
  // Exponential backoff: fewer attempts than rounds of the outage (the early ones come fast, then
  // at most one a minute).
  for (const a of attempts) expect(Number(a.attempts)).toBeLessThan(rounds / 2);
  // The fallback rows waited for their mini-program siblings: not one was tried.
  expect(b.sandbox.state.requestCounts.get(TEMPLATE_SEND_PATH) ?? 0).toBe(0);

  b.sandbox.control.up();
  for (let i = 0; i < 20; i++) {
    await b.drain(w);
    b.advance(MINUTE);
  }
  const per = sentPerRecipient(b.sandbox);
  for (const u of users) expect(per.get(u.mpOpenid!)).toBe(1);
  expect(b.sandbox.state.sent).toHaveLength(40);
  const left = (await b.db.read((tx) => notificationsMatching(tx, {}))).filter((n) => n.status !== 'sent' && n.status !== 'skipped');
  expect(left).toHaveLength(0);
});

test('43101 (no subscription left) moves on to the official account at once, without a retry', async () => {
  b.sandbox.control.configure({ strictSubscriptions: true, strictFollowers: true });
  const u = await b.user('unsubscribed');
  b.sandbox.control.follow('oa-unsubscribed');
  await b.enqueue({
    eventKey: 'e43101',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC202600002'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  const stats = await b.drain(b.worker());
  expect(b.sandbox.state.requestCounts.get(SUBSCRIBE_SEND_PATH)).toBe(1);
  expect(b.sandbox.state.rejected.map((r) => r.errcode)).toEqual([43101]);
  const mp = await b.status(`e43101:${u.id}:mp_subscribe`);
  expect(mp).toMatchObject({ status: 'skipped', attempts: 1 });
  expect(mp?.last_error).toContain('43101');
  expect((await b.status(`e43101:${u.id}:oa_template`))?.status).toBe('sent');
  const oa = b.sandbox.control.sentTo('oa-unsubscribed');
  expect(oa).toHaveLength(1);
  expect(oa[0].kind === 'template' && oa[0].miniprogram).toEqual({
    appid: b.config.wechat.mp.appid,
    pagepath: 'pages/enterprise/application/application?id=01J0000000000000000000000A',
  });
  for (const v of Object.values(oa[0].data)) expect([...v].length).toBeLessThanOrEqual(20);
  expect(stats).toMatchObject({ sent: 1, skipped: 1, retried: 0 });
});

test('a spent subscription and no follower: both channels skipped, the inbox still has it', async () => {
  b.sandbox.control.configure({ strictSubscriptions: true, strictFollowers: true });
  const u = await b.user('nobody-listens');
  await b.enqueue({
    eventKey: 'e43004',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC202600003'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect((await b.status(`e43004:${u.id}:mp_subscribe`))?.status).toBe('skipped');
  const oa = await b.status(`e43004:${u.id}:oa_template`);
  expect(oa?.status).toBe('skipped');
  expect(oa?.last_error).toContain('43004');
  expect((await b.status(`e43004:${u.id}:inbox`))?.status).toBe('sent');
  expect(b.sandbox.state.sent).toHaveLength(0);
});

test('a user without a mini-program openid gets the official account; one without either is skipped', async () => {
  const oaOnly = await b.user('oa-only', { mp: false });
  const neither = await b.user('no-ids', { mp: false, oa: false });
  await b.enqueue({
    eventKey: 'noid',
    recipientUserIds: [oaOnly.id, neither.id],
    template: 'filing.approved',
    params: { filingId: 'f1', companyName: '伊春云', filingNo: '伊云备〔2026〕001号', approvedOn: '2026-03-02', reason: '', revokedOn: '' },
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect(b.sandbox.control.sentTo('oa-oa-only')).toHaveLength(1);
  expect(b.sandbox.control.sentTo('oa-oa-only')[0].data.thing2).toBe('已通过');
  expect((await b.status(`noid:${neither.id}:mp_subscribe`))?.last_error).toContain('openid');
  expect((await b.status(`noid:${neither.id}:oa_template`))?.status).toBe('skipped');
  expect(b.sandbox.state.sent).toHaveLength(1);
});

test('a crash after WeChat answered and before the record repeats exactly those messages', async () => {
  const users = await Promise.all(Array.from({ length: 30 }, (_, i) => b.user(`crash-${i}`)));
  for (const [i, u] of users.entries())
    await b.enqueue({
      eventKey: `crash:${i}`,
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams(`YC2026C${i}`),
      channels: ['mp_subscribe'],
    });
  const doomed = new Set([users[3].id, users[17].id, users[29].id]);
  let crashes = 0;
  const crashing = b.worker({
    hooks: {
      afterWechatAccepted(row) {
        if (doomed.has(row.recipientUserId)) {
          crashes++;
          throw new Error('process killed');
        }
      },
    },
  });
  const first = await crashing.runOnce();
  expect(first.crashed).toBe(3);
  expect(first.sent).toBe(27);
  // The "restarted" worker, once the dead one's leases have run out.
  const survivor = b.worker();
  expect((await survivor.runOnce()).claimed).toBe(0);
  b.advance(DEFAULT_NOTIFICATION_SETTINGS.leaseMs + SECOND);
  const after = await b.drain(survivor);
  expect(after.swept).toBe(3);
  expect(after.sent).toBe(3);

  const per = sentPerRecipient(b.sandbox);
  const repeats = [...per.values()].filter((n) => n > 1).length;
  expect(repeats).toBe(crashes);
  for (const u of users) expect(per.get(u.mpOpenid!)).toBe(doomed.has(u.id) ? 2 : 1);
});

test('a crash before the send (claimed, nothing sent) repeats nothing', async () => {
  const u = await b.user('crash-before');
  await b.enqueue({
    eventKey: 'crash-before',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026CB'),
    channels: ['mp_subscribe'],
  });
  // Claim as a worker would, then "die": no send happens.
  const w = b.worker({ settings: { batchSize: 1 } });
  const claimed = await new OutboxStore(b.db).claim(b.now(), b.now() + 60_000, 1, newId());
  expect(claimed).toHaveLength(1);
  b.advance(61_000);
  await b.drain(w);
  expect(b.sandbox.control.sentTo('mp-crash-before')).toHaveLength(1);
});

test('the record of a send fails (the UPDATE killed): only those messages repeat, after their lease', async () => {
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => b.user(`killed-update-${i}`)));
  for (const [i, u] of users.entries())
    await b.enqueue({
      eventKey: `killed:${i}`,
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams(`YC2026K${i}`),
      channels: ['mp_subscribe'],
    });
  const w = b.worker({ settings: { concurrency: 1 } });
  // The first group of records is lost as if the database connection died mid-write.
  const original = w.store.markSentMany.bind(w.store);
  let killed = 0;
  w.store.markSentMany = async (items, now) => {
    if (killed === 0) {
      killed = items.length;
      throw new Error('connection lost');
    }
    return original(items, now);
  };
  const first = await w.runOnce();
  expect(killed).toBeGreaterThan(0);
  expect(first.sent).toBe(10 - killed);
  b.advance(DEFAULT_NOTIFICATION_SETTINGS.leaseMs + SECOND);
  await b.drain(w);
  const per = sentPerRecipient(b.sandbox);
  expect([...per.values()].filter((n) => n === 2)).toHaveLength(killed);
  expect([...per.values()].reduce((a, n) => a + n, 0)).toBe(10 + killed);
  const left = (await b.db.read((tx) => notificationsWithKeyLike(tx, 'killed:%', { channel: 'mp_subscribe' }))).filter(
    (n) => n.status !== 'sent',
  );
  expect(left).toHaveLength(0);
});

(onMysql() ? test.skip : test)(
  'SQLite mode, one process: a claim left by the previous run is returned at start, not after its lease',
  async () => {
    const u = await b.user('left-claimed');
    await b.enqueue({
      eventKey: 'left',
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams('YC2026L'),
      channels: ['mp_subscribe'],
    });
    expect(await new OutboxStore(b.db).claim(b.now(), b.now() + 10 * MINUTE, 10, newId())).toHaveLength(1);
    const stop = b.worker().start();
    const deadline = Date.now() + 5_000;
    while (b.sandbox.control.sentTo('mp-left-claimed').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(b.sandbox.control.sentTo('mp-left-claimed')).toHaveLength(1);
  },
);

test('a worker that outlived its lease records nothing over the row’s new owner', async () => {
  const users = await Promise.all(Array.from({ length: 5 }, (_, i) => b.user(`slow-${i}`)));
  for (const [i, u] of users.entries())
    await b.enqueue({
      eventKey: `slow:${i}`,
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams(`YC2026S${i}`),
      channels: ['mp_subscribe'],
    });
  const other = b.worker();
  let otherRound: Awaited<ReturnType<typeof other.runOnce>> | null = null;
  const slow = b.worker({
    settings: { concurrency: 1 },
    hooks: {
      // The first send "takes" longer than the lease: meanwhile the sweeper hands every row of
      // the batch to another worker, which sends them.
      async afterWechatAccepted() {
        if (otherRound) return;
        b.advance(DEFAULT_NOTIFICATION_SETTINGS.leaseMs + SECOND);
        otherRound = await other.runOnce();
      },
    },
  });
  const stats = await slow.runOnce();
  expect(otherRound).toMatchObject({ swept: 5, sent: 5 });
  // The slow worker's record of its one send is refused, and it sends nothing more.
  expect(stats).toMatchObject({ sent: 0, lostClaims: 5 });
  const per = sentPerRecipient(b.sandbox);
  expect(users.map((u) => per.get(u.mpOpenid!))).toEqual([2, 1, 1, 1, 1]);
  const rows = await b.db.read((tx) => notificationsWithKeyLike(tx, 'slow:%', { channel: 'mp_subscribe' }));
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  expect([...byStatus]).toEqual([['sent', 5]]);
});

test('bounded retries: a row that never gets through dies, and its fallback channel takes over', async () => {
  const u = await b.user('doomed');
  await b.enqueue({
    eventKey: 'dies',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026D'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  b.sandbox.control.failNext(SUBSCRIBE_SEND_PATH, { errcode: -1, errmsg: 'system error' }, 1_000);
  const w = b.worker({ settings: { maxAttempts: 4 } });
  for (let i = 0; i < 20; i++) {
    await b.drain(w);
    b.advance(10 * MINUTE);
  }
  const mp = await b.status(`dies:${u.id}:mp_subscribe`);
  expect(mp).toMatchObject({ status: 'dead', attempts: 4 });
  expect(b.sandbox.state.requestCounts.get(SUBSCRIBE_SEND_PATH)).toBe(4);
  expect((await b.status(`dies:${u.id}:oa_template`))?.status).toBe('sent');
});

test('a message WeChat refuses for its content (47003) is dead at once, then the next channel', async () => {
  const u = await b.user('bad-field');
  await b.enqueue({
    eventKey: 'e47003',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026E'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  b.sandbox.control.failNext(SUBSCRIBE_SEND_PATH, { errcode: 47003, errmsg: 'argument invalid!' });
  await b.drain(b.worker());
  expect(await b.status(`e47003:${u.id}:mp_subscribe`)).toMatchObject({ status: 'dead', attempts: 1 });
  expect((await b.status(`e47003:${u.id}:oa_template`))?.status).toBe('sent');
});

test('no answer (connection dropped, timeout): retried later', async () => {
  const u = await b.user('dropped');
  await b.enqueue({
    eventKey: 'drop',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026F'),
    channels: ['mp_subscribe'],
  });
  b.sandbox.control.failNext(SUBSCRIBE_SEND_PATH, 'drop');
  const w = b.worker();
  const first = await b.drain(w);
  expect(first.retried).toBe(1);
  expect((await b.status(`drop:${u.id}:mp_subscribe`))?.status).toBe('failed');
  b.advance(MINUTE);
  await b.drain(w);
  expect((await b.status(`drop:${u.id}:mp_subscribe`))?.status).toBe('sent');
  expect(b.sandbox.control.sentTo('mp-dropped')).toHaveLength(1);
});

test('a stale access token (40001 for everybody) is refreshed once and the sends go through', async () => {
  const users = await Promise.all(Array.from({ length: 20 }, (_, i) => b.user(`token-${i}`)));
  for (const [i, u] of users.entries())
    await b.enqueue({
      eventKey: `tok:${i}`,
      recipientUserIds: [u.id],
      template: 'application.status',
      params: progressParams(`YC2026T${i}`),
      channels: ['mp_subscribe'],
    });
  const w = b.worker();
  // Warm the token, then revoke every token WeChat issued.
  await b.wechat.mp.api.ensureAccessToken();
  b.sandbox.control.expireTokens();
  await b.drain(w);
  expect(b.sandbox.state.sent).toHaveLength(20);
  expect(b.sandbox.state.tokenRequests.total.stableForced).toBe(1);
});

test('preferences: a switched-off channel is skipped and the next one used; inbox kept', async () => {
  const u = await b.user('prefers-oa');
  const prefs = new NotificationPreferences(b.db, DEFAULT_NOTIFICATION_SETTINGS, b.now);
  await prefs.update(u.id, { groups: { progress: { mp_subscribe: false } } });
  await b.enqueue({
    eventKey: 'pref',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026P'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect(b.sandbox.state.requestCounts.get(SUBSCRIBE_SEND_PATH) ?? 0).toBe(0);
  expect(b.sandbox.control.sentTo('oa-prefers-oa')).toHaveLength(1);
  expect((await b.status(`pref:${u.id}:mp_subscribe`))?.last_error).toContain('关闭');

  await prefs.update(u.id, { groups: { progress: { oa_template: false } } });
  await b.enqueue({
    eventKey: 'pref2',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026P2'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect(b.sandbox.state.sent).toHaveLength(1);
  expect((await b.status(`pref2:${u.id}:inbox`))?.status).toBe('sent');
});

test('queue alerts go only to people who still hold the role, in the application’s county', async () => {
  const stillThere = await b.user('county-reviewer');
  const otherCounty = await b.user('other-county-reviewer');
  const revoked = await b.user('former-reviewer');
  const cityReviewer = await b.user('city-reviewer');
  await b.grantRole(stillThere.id, 'county_miit', '230717');
  await b.grantRole(otherCounty.id, 'county_miit', '230718');
  await b.grantRole(cityReviewer.id, 'city_miit');
  const owner = await b.user('queue-enterprise-owner');
  const enterprise = await seedEnterprise(b.db, [owner.id], { countyCode: '230717' });
  const app = await seedApplication(b.db, enterprise, null, 'county_review');
  // Enqueued to all four (say the other county's reviewer was in the list by mistake, and one lost the role since).
  await b.enqueue({
    eventKey: 'q1',
    recipientUserIds: [stillThere.id, otherCounty.id, revoked.id, cityReviewer.id],
    template: 'queue.new_item',
    params: { applicationId: app.id, trackingNo: app.trackingNo ?? '', enterpriseName: enterprise.name, stageLabel: '县级审核中' },
    channels: ['oa_template'],
  });
  await b.drain(b.worker());
  expect(b.sandbox.control.sentTo('oa-county-reviewer')).toHaveLength(1);
  expect(b.sandbox.control.sentTo('oa-city-reviewer')).toHaveLength(1);
  expect(b.sandbox.control.sentTo('oa-other-county-reviewer')).toHaveLength(0);
  expect(b.sandbox.control.sentTo('oa-former-reviewer')).toHaveLength(0);
  expect((await b.status(`q1:${revoked.id}:oa_template`))?.status).toBe('skipped');
  expect((await b.status(`q1:${otherCounty.id}:oa_template`))?.status).toBe('skipped');
});

test('a disabled account gets no WeChat messages', async () => {
  const u = await b.user('disabled-user', { status: 'disabled' });
  await b.enqueue({
    eventKey: 'dis',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026X'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect(b.sandbox.state.sent).toHaveLength(0);
});

test('the running worker delivers on its own and stops cleanly', async () => {
  const u = await b.user('background');
  const w = b.worker();
  const stop = w.start();
  await b.enqueue({
    eventKey: 'bg',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026BG'),
    channels: ['mp_subscribe'],
  });
  const deadline = Date.now() + 5_000;
  while (b.sandbox.control.sentTo('mp-background').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await stop();
  expect(b.sandbox.control.sentTo('mp-background')).toHaveLength(1);
});
