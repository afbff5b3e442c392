import type { ApplicationRow } from '../../../server/src/db/applications';
import { appendEvent } from '../../../server/src/db/applications/history';
import { insertOpinion } from '../../../server/src/db/opinions';
import {
  countDigestRuns,
  countNotificationsWithKeyLike,
  digestRunsOn,
  notificationsMatching,
  setApplicationUpdatedAt,
  type NotificationRow,
} from '../../../server/src/db/testing';
import { newId } from '../../../server/src/ids';
import { NotificationPreferences } from '../../../server/src/modules/notifications/preferences';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import { seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { MONDAY_9AM, openBench, type Bench } from './harness';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let b: Bench;
let ids: Record<'countyMiit' | 'countyFinance' | 'otherCounty' | 'cityMiit' | 'cityFinance' | 'quiet' | 'enterprise', string>;
let apps: Record<
  'review' | 'approved' | 'stuckWithProvider' | 'freshWithProvider' | 'reported' | 'listed' | 'otherCountyReview',
  ApplicationRow
>;

/** A user's digest rows, every channel, in the order of their channels' names. */
async function digestRows(userId: string): Promise<NotificationRow[]> {
  const rows = await b.db.read((tx) => notificationsMatching(tx, { recipientUserId: userId, template: 'reviewer.digest' }));
  return rows.sort((x, y) => (x.channel < y.channel ? -1 : x.channel > y.channel ? 1 : 0));
}

function inboxParams(rows: NotificationRow[]): Record<string, string> {
  const inbox = rows.find((r) => r.channel === 'inbox');
  if (!inbox) throw new Error('no inbox digest');
  return (inbox.payload as { params: Record<string, string> }).params;
}

beforeAll(async () => {
  b = await openBench();
  const u = async (name: string) => (await b.user(name)).id;
  ids = {
    countyMiit: await u('yimei-miit'),
    countyFinance: await u('yimei-finance'),
    otherCounty: await u('wucui-miit'),
    cityMiit: await u('city-miit'),
    cityFinance: await u('city-finance'),
    quiet: await u('yimei-miit-quiet'),
    enterprise: await u('digest-enterprise'),
  };
  await b.grantRole(ids.countyMiit, 'county_miit', '230717');
  await b.grantRole(ids.countyFinance, 'county_finance', '230717');
  await b.grantRole(ids.otherCounty, 'county_miit', '230718');
  await b.grantRole(ids.cityMiit, 'city_miit');
  await b.grantRole(ids.cityFinance, 'city_finance');
  await b.grantRole(ids.quiet, 'county_miit', '230717');

  const ent = await seedEnterprise(b.db, [ids.enterprise], { countyCode: '230717' });
  const t = MONDAY_9AM;
  const at = (daysAgo: number): Partial<ApplicationRow> => ({
    updatedAt: t - daysAgo * DAY,
    trackingNo: `YC2026D${daysAgo}${Math.floor(Math.random() * 1e4)}`,
  });
  apps = {
    review: await seedApplication(b.db, ent, null, 'county_review', at(20)),
    approved: await seedApplication(b.db, ent, null, 'county_approved', at(2)),
    stuckWithProvider: await seedApplication(b.db, ent, null, 'provider_check', at(9)),
    freshWithProvider: await seedApplication(b.db, ent, null, 'provider_check', at(1)),
    reported: await seedApplication(b.db, ent, null, 'reported', at(3)),
    listed: await seedApplication(b.db, ent, null, 'listed', at(31)),
    otherCountyReview: await seedApplication(
      b.db,
      await seedEnterprise(b.db, [ids.enterprise], { countyCode: '230719' }),
      null,
      'county_review',
      at(1),
    ),
  };
  // The review entered county_review 20 days ago by its history, although edited since.
  await b.db.transaction((tx) => setApplicationUpdatedAt(tx, apps.review.id, t - DAY));
  await b.db.transaction((tx) =>
    appendEvent(tx, {
      id: newId(),
      applicationId: apps.review.id,
      event: 'confirm',
      fromStatus: 'provider_check',
      toStatus: 'county_review',
      actorId: null,
      actorRole: null,
      reason: null,
      internalNote: null,
      data: null,
      createdAt: t - 20 * DAY,
    }),
  );
  // County finance has already given its opinion in this round: the review waits only for MIIT.
  await b.db.transaction((tx) =>
    insertOpinion(tx, {
      id: newId(),
      applicationId: apps.review.id,
      round: apps.review.round,
      level: 'county',
      department: 'finance',
      reviewerId: ids.countyFinance,
      decision: 'approve',
      reasons: null,
      ratingEffect: 4,
      ratingService: 4,
      internalNote: null,
      createdAt: t - 2 * DAY,
    }),
  );
  const owner = await u('digest-provider-owner');
  await seedProvider(b.db, owner, { status: 'submitted', filingNo: null, approvedOn: null, submittedAt: t - 16 * DAY });

  const prefs = new NotificationPreferences(b.db, DEFAULT_NOTIFICATION_SETTINGS, b.now);
  await prefs.update(ids.quiet, { quietHours: { start: '08:00', end: '10:00' } });
});
afterAll(() => b.close());

test('before the digest time nothing is written', async () => {
  b.clock.t = MONDAY_9AM - 2 * HOUR; // 07:00
  expect(await b.worker().runDigests()).toBe(0);
  expect(await b.db.read((tx) => countDigestRuns(tx))).toBe(0);
});

test('at 09:00 each reviewer gets their own digest, once; quiet hours wait', async () => {
  b.clock.t = MONDAY_9AM;
  const w = b.worker();
  // County MIIT, county finance, city MIIT, city finance; the other county has nothing; the quiet one waits.
  expect(await w.runDigests()).toBe(4);
  expect(await w.runDigests()).toBe(0);

  const miit = inboxParams(await digestRows(ids.countyMiit));
  // Waits for MIIT: the review (20 days, over 15) and the approved one; watched: stuck with the provider 9 days (over 7).
  expect(miit).toMatchObject({ date: '2026-03-02', waiting: '2', overdue: '2' });
  expect(miit.details).toContain('县级审核中 1 件（超期 1 件）');
  expect(miit.details).toContain('待服务商确认 1 件（超期 1 件）');
  expect(miit.oldest).toBe(`${apps.review.trackingNo} 已等20天`);

  // County finance already gave its opinion on the review: only the joint report and the watch item.
  const finance = inboxParams(await digestRows(ids.countyFinance));
  expect(finance).toMatchObject({ waiting: '1', overdue: '1' });
  expect(finance.details).not.toContain('县级审核中');

  const city = inboxParams(await digestRows(ids.cityMiit));
  expect(city).toMatchObject({ waiting: '2', overdue: '1' });
  expect(city.details).toContain('服务商备案待审核 1 件（超期 1 件）');

  const cityFinance = inboxParams(await digestRows(ids.cityFinance));
  expect(cityFinance).toMatchObject({ waiting: '1', overdue: '1' });

  // The reviewer of 230718 has nothing (the 230719 application is nobody's here): no message, the day decided.
  expect(await digestRows(ids.otherCounty)).toHaveLength(0);
  const runs = await b.db.read((tx) => digestRunsOn(tx, '2026-03-02'));
  expect(runs.find((r) => r.userId === ids.otherCounty)?.eventKey).toBeNull();
  expect(runs.find((r) => r.userId === ids.quiet)).toBeUndefined();
  expect(runs.find((r) => r.userId === ids.countyMiit)?.eventKey).toBe(`digest:${ids.countyMiit}:2026-03-02`);

  // The keys: digest:<user>:<date>, then the outbox's recipient and channel.
  const keys = (await digestRows(ids.countyMiit)).map((r) => r.idempotencyKey);
  expect(keys).toEqual([
    `digest:${ids.countyMiit}:2026-03-02:${ids.countyMiit}:inbox`,
    `digest:${ids.countyMiit}:2026-03-02:${ids.countyMiit}:mp_subscribe`,
    `digest:${ids.countyMiit}:2026-03-02:${ids.countyMiit}:oa_template`,
  ]);

  // The quiet reviewer's digest is written when their quiet hours end.
  b.clock.t = MONDAY_9AM + HOUR - 60_000; // 09:59
  expect(await w.runDigests()).toBe(0);
  b.clock.t = MONDAY_9AM + HOUR; // 10:00
  expect(await w.runDigests()).toBe(1);
  expect(inboxParams(await digestRows(ids.quiet))).toMatchObject({ waiting: '2' });
});

test('the digests go out once each through WeChat; a digest caught by quiet hours waits for their end', async () => {
  b.clock.t = MONDAY_9AM + HOUR;
  const prefs = new NotificationPreferences(b.db, DEFAULT_NOTIFICATION_SETTINGS, b.now);
  // City finance sets quiet hours after its digest was written and before it was sent.
  await prefs.update(ids.cityFinance, { quietHours: { start: '10:00', end: '12:00' } });
  const w = b.worker();
  await b.drain(w);
  for (const name of ['yimei-miit', 'yimei-finance', 'city-miit', 'yimei-miit-quiet'])
    expect(b.sandbox.control.sentTo(`mp-${name}`)).toHaveLength(1);
  expect(b.sandbox.control.sentTo('mp-city-finance')).toHaveLength(0);
  const sent = b.sandbox.control.sentTo('mp-yimei-miit')[0];
  expect(sent.data.thing1).toBe('待办2件，超期2件');

  b.clock.t = MONDAY_9AM + 3 * HOUR; // 12:00
  await b.drain(w);
  expect(b.sandbox.control.sentTo('mp-city-finance')).toHaveLength(1);
  // Nobody got a second one, and nobody else got any.
  expect(b.sandbox.state.sent).toHaveLength(5);
  expect(b.sandbox.state.sent.every((m) => m.kind === 'subscribe')).toBe(true);
});

test('the next day brings the next digest; a reviewer who switched digests off gets none', async () => {
  const prefs = new NotificationPreferences(b.db, DEFAULT_NOTIFICATION_SETTINGS, b.now);
  await prefs.update(ids.cityMiit, { groups: { digest: { inbox: false, mp_subscribe: false, oa_template: false } } });
  await prefs.update(ids.countyFinance, { groups: { digest: { inbox: false, mp_subscribe: false } } });
  b.clock.t = MONDAY_9AM + DAY + 3.5 * HOUR; // 12:30, outside everybody's quiet hours
  const w = b.worker();
  expect(await w.runDigests()).toBe(4);
  expect((await digestRows(ids.cityMiit)).filter((r) => r.idempotencyKey.includes('2026-03-03'))).toHaveLength(0);
  // Official account only, no inbox copy, as chosen.
  expect((await digestRows(ids.countyFinance)).filter((r) => r.idempotencyKey.includes('2026-03-03')).map((r) => r.channel)).toEqual([
    'oa_template',
  ]);
  expect(await w.runDigests()).toBe(0);
});

test('two instances deciding the same digest at once write it once', async () => {
  b.clock.t = MONDAY_9AM + 2 * DAY + 3.5 * HOUR;
  const results = await Promise.all([b.worker().runDigests(), b.worker().runDigests()]);
  expect(results[0] + results[1]).toBe(4);
  const inboxCopies = await b.db.read((tx) =>
    countNotificationsWithKeyLike(tx, '%:2026-03-04:%', { template: 'reviewer.digest', channel: 'inbox' }),
  );
  // County finance chose the official account only: three inbox copies for four digests.
  expect(inboxCopies).toBe(3);
});
