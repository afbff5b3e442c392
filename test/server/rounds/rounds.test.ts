import { insertGrant } from '../../../server/src/db/users';
import { findApplication } from '../../../server/src/db/applications';
import { remindersOfRound } from '../../../server/src/db/rounds';
import { notificationsMatching } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, DECLARATIONS, PDF, seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import type { ProviderRow } from '../../../server/src/db/testing';
import { digestFor, StageReader } from '../../../server/src/modules/notifications/digest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import { overdueCasesByStage } from '../../../server/src/db/metrics';
import { DEFAULT_OVERDUE_DAYS } from '../../../shared/src/workflow/overdue';

const DAY = 86_400_000;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

/**
 * Issue 18 item 1 over HTTP, on the real database: the round a new install starts with, city MIIT
 * opening and closing rounds, submission only inside a window, a correction after the window within
 * its deadline, overdue by the round's dates, and the reminders before a window closes, sent once.
 */
describe('application rounds (申报批次)', () => {
  let t: TestApp;
  const clock = { now: Date.now() };
  const start = clock.now;
  const dayFromStart = (days: number) => todayInShanghai(new Date(start + days * DAY));
  const year = Number(dayFromStart(0).slice(0, 4));
  let cityMiit: User, countyMiit: User, clerk: User, providerUser: User;
  let provider: ProviderRow;
  const county = '230717';
  let defaultRound: { id: string; version: number };
  let round2: { id: string; version: number; closesOn: string; countyDeadline: string };
  let appId: string;

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock.now, env: { SESSION_TTL_HOURS: '720' } });
    [cityMiit, countyMiit, clerk, providerUser] = await Promise.all(['r-city', 'r-county', 'r-clerk', 'r-provider'].map((n) => t.login(n)));
    await t.grant(cityMiit.token, 'city_miit');
    await t.grant(countyMiit.token, 'county_miit', county);
    provider = await seedProvider(t.db, providerUser.userId);
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: '01RNDPROVIDERROLE000000000',
        userId: providerUser.userId,
        role: 'provider',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
  });
  afterAll(() => t.close());

  const version = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!.version;

  async function readyApplication(user: User, name: string): Promise<string> {
    const reg = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(user.token))
      .send({
        creditCode: creditCode(county),
        name,
        countyCode: county,
        establishedOn: '2017-03-01',
        industryCode: 'C',
        legalRepresentative: '赵林',
        address: '伊春市伊美区新兴路1号',
        contactName: '钱会计',
        contactPhone: '13904580002',
      });
    expect(reg.status).toBe(201);
    const enterpriseId = reg.body.enterprise.id as string;
    await t.http
      .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
      .set(bearer(user.token))
      .attach('file', PDF, '营业执照.pdf');
    const verified = await t.http
      .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
      .set(bearer(countyMiit.token))
      .send({ version: reg.body.enterprise.version, decision: 'verify' });
    expect(verified.body.enterprise.status).toBe('verified');
    const app = await t.http.post('/api/v1/applications').set(bearer(user.token)).send({ enterpriseId });
    const id = app.body.application.id as string;
    await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(user.token))
      .send({
        version: await version(id),
        contract: {
          providerId: provider.id,
          contractNo: `RD-${Date.now()}`,
          signedOn: '2023-09-01',
          start: '2023-09-01',
          end: '2024-08-31',
          amountFen: 15_000_000,
          services: 'MES云',
        },
        declarations: DECLARATIONS,
        bank: { accountName: name, bankName: '中国农业银行伊春分行', accountNo: '08123456789012345' },
      });
    await t.http
      .post(`/api/v1/applications/${id}/payments`)
      .set(bearer(user.token))
      .send({ version: await version(id), amountFen: 15_000_000, paidOn: '2023-09-05', method: 'bank_transfer', reference: 'NH-1' });
    for (const m of APPLICATION_MATERIALS)
      expect(
        (
          await t.http
            .post(`/api/v1/files/application/${id}/${m.kind}`)
            .set(bearer(user.token))
            .attach('file', Buffer.concat([PDF, Buffer.from(`${id}${m.kind}`)]), `${m.label}.pdf`)
        ).status,
      ).toBe(201);
    return id;
  }

  const submit = async (id: string) =>
    t.http
      .post(`/api/v1/applications/${id}/submit`)
      .set(bearer(clerk.token))
      .send({ version: await version(id) });

  test('a new install has one open round: the whole year, deadlines from OVERDUE_DAYS; only city MIIT manages rounds', async () => {
    const current = await t.http.get('/api/v1/rounds/current');
    expect(current.status).toBe(200);
    expect(current.body.open).toMatchObject({
      year,
      number: 1,
      name: `${year}年第1批`,
      opensOn: `${year}-01-01`,
      closesOn: `${year}-12-31`,
      countyDeadline: `${year + 1}-02-01`,
      cityDeadline: `${year + 1}-02-16`,
      acceptingToday: true,
    });
    const list = await t.http.get('/api/v1/city/rounds').set(bearer(cityMiit.token));
    expect(list.status).toBe(200);
    expect(list.body.rounds).toHaveLength(1);
    defaultRound = list.body.rounds[0];
    expect((await t.http.get('/api/v1/city/rounds').set(bearer(clerk.token))).status).toBe(403);
    expect((await t.http.post('/api/v1/city/rounds').set(bearer(countyMiit.token)).send({})).status).toBe(403);
  });

  test('opening a round: Chinese refusals for wrong dates and an overlapping open window, nothing written', async () => {
    const base = {
      year,
      number: 2,
      opensOn: dayFromStart(10),
      closesOn: dayFromStart(20),
      countyDeadline: dayFromStart(40),
      cityDeadline: dayFromStart(60),
      notice: '第二批申报通知',
    };
    const backwards = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({ ...base, closesOn: dayFromStart(5) });
    expect([backwards.status, backwards.body.error.message]).toEqual([400, expect.stringContaining('申报截止日期不能早于申报开始日期')]);
    const early = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({ ...base, countyDeadline: dayFromStart(15) });
    expect(early.body.error.message).toContain('县级审核截止日期须在申报截止日期之后');
    const overlap = await t.http.post('/api/v1/city/rounds').set(bearer(cityMiit.token)).send(base);
    expect([overlap.status, overlap.body.error.message]).toEqual([400, expect.stringContaining(`与正在进行的${year}年第1批`)]);
    const badDate = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({ ...base, opensOn: '2026-13-01' });
    expect(badDate.status).toBe(400);
    expect(JSON.stringify(badDate.body.error)).toMatch(/申报开始日期须为 YYYY-MM-DD 格式的有效日期/);
    expect((await t.http.get('/api/v1/city/rounds').set(bearer(cityMiit.token))).body.rounds).toHaveLength(1);

    const closed = await t.http
      .post(`/api/v1/city/rounds/${defaultRound.id}/close`)
      .set(bearer(cityMiit.token))
      .send({ version: defaultRound.version });
    expect([closed.status, closed.body.status]).toEqual([200, 'closed']);
    const again = await t.http
      .post(`/api/v1/city/rounds/${defaultRound.id}/close`)
      .set(bearer(cityMiit.token))
      .send({ version: defaultRound.version });
    expect(again.status).toBe(409);
    const opened = await t.http.post('/api/v1/city/rounds').set(bearer(cityMiit.token)).send(base);
    expect([opened.status, opened.body.name, opened.body.acceptingToday]).toEqual([201, `${year}年第2批`, false]);
    // Edited: a shorter county review; the window stays.
    const edited = await t.http
      .put(`/api/v1/city/rounds/${opened.body.id}`)
      .set(bearer(cityMiit.token))
      .send({ ...base, year: undefined, number: undefined, version: opened.body.version, countyDeadline: dayFromStart(25) });
    expect([edited.status, edited.body.countyDeadline, edited.body.version]).toEqual([200, dayFromStart(25), 2]);
    round2 = edited.body;
  });

  test('submission outside a window is refused with the next window’s dates; inside it is accepted and records its round', async () => {
    appId = await readyApplication(clerk, '伊春批次木业有限公司');
    const outside = await submit(appId);
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toBe(
      `现在不在申报时间内。下一批（${year}年第2批）的申报时间是 ${dayFromStart(10)} 至 ${dayFromStart(20)}，草稿可以先保存`,
    );
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.status).toBe('draft');

    clock.now = start + 10 * DAY;
    const inside = await submit(appId);
    expect([inside.status, inside.body.error?.message]).toEqual([200, undefined]);
    const row = (await t.db.read((tx) => findApplication(tx, appId)))!;
    expect([row.status, row.roundId]).toEqual(['provider_check', round2.id]);
    const rounds = await t.http.get('/api/v1/city/rounds').set(bearer(cityMiit.token));
    expect(rounds.body.rounds.find((r: { id: string }) => r.id === round2.id).applications).toBe(1);
  });

  test('a correction after the window is accepted until its deadline (set on the return, by default from the round)', async () => {
    clock.now = start + 12 * DAY;
    const disputed = await t.http
      .post(`/api/v1/provider/applications/${appId}/dispute`)
      .set(bearer(providerUser.token))
      .send({ version: await version(appId), reason: '合同金额与实际不符，请核对' });
    expect(disputed.status).toBe(200);
    const returned = (await t.db.read((tx) => findApplication(tx, appId)))!;
    // The county's deadline of the round (day 25) is later than ten days from the return (day 22).
    expect([returned.status, returned.correctionDueOn]).toEqual(['returned', dayFromStart(25)]);

    clock.now = start + 24 * DAY; // the window closed on day 20
    const corrected = await submit(appId);
    expect([corrected.status, corrected.body.error?.message]).toEqual([200, undefined]);
    const after = (await t.db.read((tx) => findApplication(tx, appId)))!;
    expect([after.status, after.roundId, after.correctionDueOn]).toEqual(['provider_check', round2.id, null]);
  });

  test('a correction past its deadline is refused, saying the deadline', async () => {
    const enterprise = await seedEnterprise(t.db, [clerk.userId]);
    const late = await seedApplication(t.db, enterprise, provider, 'returned', {
      returnedFrom: 'county',
      roundId: round2.id,
      correctionDueOn: dayFromStart(23),
    });
    const res = await submit(late.id);
    expect([res.status, res.body.error.message]).toEqual([
      400,
      `补正材料的截止日期是 ${dayFromStart(23)}，已经过期，请联系县（市）区工信部门`,
    ]);
  });

  test('overdue by the round’s dates: past the city’s deadline a case is overdue whatever the days it waited', async () => {
    const past = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({
        year: year - 1,
        number: 1,
        opensOn: dayFromStart(-100),
        closesOn: dayFromStart(-90),
        countyDeadline: dayFromStart(-30),
        cityDeadline: dayFromStart(20),
        notice: '',
      });
    expect(past.status).toBe(201);
    const e1 = await seedEnterprise(t.db, [clerk.userId]);
    const e2 = await seedEnterprise(t.db, [clerk.userId]);
    const inRound = await seedApplication(t.db, e1, provider, 'reported', { roundId: past.body.id, updatedAt: clock.now });
    const noRound = await seedApplication(t.db, e2, provider, 'reported', { updatedAt: clock.now });
    const overdueOf = async () => {
      const q = await t.http.get('/api/v1/city/applications?status=reported').set(bearer(cityMiit.token));
      expect(q.status).toBe(200);
      const by = new Map((q.body.items as { id: string; overdue: boolean }[]).map((i) => [i.id, i.overdue]));
      return [by.get(inRound.id), by.get(noRound.id)];
    };
    // Day 24: the city's deadline (day 20) has passed; one day of waiting is far inside the 15 days.
    expect(await overdueOf()).toEqual([true, false]);

    // The county's queue and the digest: the county's deadline of the past round (day -30) has passed for a
    // case that waited a day; a case of round 2 (county deadline day 25) that waited 20 days — past the 15
    // days of OVERDUE_DAYS — is not overdue, its round decides; a case without a round follows the days.
    const e3 = await seedEnterprise(t.db, [clerk.userId]);
    const fresh = await seedApplication(t.db, e3, provider, 'county_review', { roundId: past.body.id, updatedAt: clock.now - DAY });
    const waited = await seedApplication(t.db, e3, provider, 'county_review', { roundId: round2.id, updatedAt: clock.now - 20 * DAY });
    const old = await seedApplication(t.db, e3, provider, 'county_review', { updatedAt: clock.now - 20 * DAY });
    const young = await seedApplication(t.db, e3, provider, 'county_review', { updatedAt: clock.now - DAY });
    const mine = [fresh.id, waited.id, old.id, young.id];
    const countyQueue = async (overdueOnly: boolean) => {
      const q = await t.http
        .get(`/api/v1/county/applications?status=county_review&limit=100${overdueOnly ? '&overdue=1' : ''}`)
        .set(bearer(countyMiit.token));
      expect(q.status).toBe(200);
      return (q.body.items as { id: string; overdue: boolean }[]).filter((i) => mine.includes(i.id));
    };
    const marks = new Map((await countyQueue(false)).map((i) => [i.id, i.overdue]));
    expect(mine.map((id) => marks.get(id))).toEqual([true, false, true, false]);
    expect((await countyQueue(true)).map((i) => i.id).sort()).toEqual([fresh.id, old.id].sort());
    const digest = await digestFor(
      new StageReader(t.db),
      [{ role: 'county_miit', countyCode: county }],
      DEFAULT_NOTIFICATION_SETTINGS,
      clock.now,
      countyMiit.userId,
    );
    const inDigest = new Map(digest.items.map((i) => [i.id, i.overdue]));
    expect(mine.map((id) => inDigest.get(id))).toEqual([true, false, true, false]);
    // The metric counts the same (shangyun_overdue_cases): these four are the only cases in county review.
    expect((await t.db.read((tx) => overdueCasesByStage(tx, DEFAULT_OVERDUE_DAYS, clock.now))).county_review).toBe(2);

    // On the deadline itself it is not overdue yet.
    clock.now = start + 20 * DAY;
    expect(await overdueOf()).toEqual([false, false]);
  });

  test('drafts are reminded 3 days and 1 day before the window closes, once each', async () => {
    // A third round, open now, for drafts to be reminded of.
    clock.now = start + 30 * DAY;
    // Sessions last 30 days at most: log in again.
    [cityMiit, clerk] = await Promise.all(['r-city', 'r-clerk'].map((n) => t.login(n)));
    const r3 = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({
        year,
        number: 3,
        opensOn: dayFromStart(30),
        closesOn: dayFromStart(40),
        countyDeadline: dayFromStart(50),
        cityDeadline: dayFromStart(60),
        notice: '',
      });
    expect(r3.status).toBe(201);
    const enterprise = await seedEnterprise(t.db, [clerk.userId]);
    const draft = await seedApplication(t.db, enterprise, provider, 'draft');
    // A draft whose owner never accepted the subscribe messages: reminded (in the inbox), not reachable on WeChat.
    const silent = await t.login('r-silent');
    await seedApplication(t.db, await seedEnterprise(t.db, [silent.userId]), provider, 'draft');
    // The clerk accepted the progress messages in the mini-program, which reports it; an id never offered is refused.
    const offered = (await t.http.get('/api/v1/notification-preferences').set(bearer(clerk.token))).body.subscribeTemplateIds.progress;
    const strange = await t.http
      .post('/api/v1/me/subscriptions')
      .set(bearer(clerk.token))
      .send({ templateIds: ['not-a-template'] });
    expect([strange.status, strange.body.error.message]).toEqual([400, '有订阅消息模板不是本平台提供的，请刷新后重试']);
    const consent = await t.http.post('/api/v1/me/subscriptions').set(bearer(clerk.token)).send({ templateIds: offered });
    expect([consent.status, consent.body]).toEqual([200, { groups: ['progress'] }]);
    const reminders = t.services.roundReminders;

    expect(await reminders.run()).toEqual({ round: null, kind: null, reminded: 0, reachable: 0 }); // day 30: ten days left
    clock.now = start + 37 * DAY;
    const first = await reminders.run();
    expect(first).toMatchObject({ round: `${year}年第3批`, kind: 'three_days' });
    // The clerk's drafts (this one and any earlier test's) are reachable; the silent owner's is not.
    expect(first.reminded).toBeGreaterThanOrEqual(2);
    expect(first.reachable).toBe(first.reminded - 1);
    expect((await reminders.run()).reminded).toBe(0);
    clock.now = start + 38 * DAY; // two days left: the three-day reminder was sent
    expect((await reminders.run()).reminded).toBe(0);
    clock.now = start + 39 * DAY;
    expect((await reminders.run()).kind).toBe('one_day');
    expect((await reminders.run()).reminded).toBe(0);

    const sent = await t.db.read((tx) => remindersOfRound(tx, r3.body.id));
    expect(sent.filter((s) => s.applicationId === draft.id).map((s) => s.kind)).toEqual(['three_days', 'one_day']);
    const inbox = await t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: clerk.userId, template: 'round.reminder', channel: 'inbox' }),
    );
    const mine = inbox.filter((n) => (n.payload as { params: { applicationId: string } }).params.applicationId === draft.id);
    expect(mine).toHaveLength(2);
    expect(mine[0].payload).toMatchObject({ title: `申报将于 ${dayFromStart(40)} 截止` });
    expect(JSON.stringify(mine.map((n) => n.payload))).not.toMatch(/round_id|three_days|one_day/);
  });
  test('a reviewer sets the correction deadline on a return: accepted after the window until that day, refused after it naming the day', async () => {
    clock.now = start + 40 * DAY;
    [clerk, countyMiit, providerUser, cityMiit] = await Promise.all(['r-clerk', 'r-county', 'r-provider', 'r-city'].map((n) => t.login(n)));
    // appId waits for its provider since its correction on day 24 (round 2, whose window closed on day 20).
    const toCounty = async () => {
      const confirmed = await t.http
        .post(`/api/v1/provider/applications/${appId}/confirm`)
        .set(bearer(providerUser.token))
        .send({ version: await version(appId), effectEvaluation: '上线后生产排程效率明显提高' });
      expect([confirmed.status, (await t.db.read((tx) => findApplication(tx, appId)))!.status]).toEqual([200, 'county_review']);
    };
    const countyReturn = async (extra: Record<string, unknown>) =>
      t.http
        .post(`/api/v1/county/applications/${appId}/opinion`)
        .set(bearer(countyMiit.token))
        .send({ version: await version(appId), decision: 'return', reasons: [{ message: '请补充上云前后的对比数据' }], ...extra });
    await toCounty();

    const today = await countyReturn({ correctionDueOn: dayFromStart(40) });
    expect([today.status, today.body.error.message]).toEqual([
      400,
      `补正截止日期须在今天（${dayFromStart(40)}）之后，给企业留出补正的时间`,
    ]);
    const notADate = await countyReturn({ correctionDueOn: '2026-02-30' });
    expect([notADate.status, JSON.stringify(notADate.body.error)]).toEqual([
      400,
      expect.stringContaining('补正截止日期须为 YYYY-MM-DD 格式的有效日期'),
    ]);
    const withApproval = await t.http
      .post(`/api/v1/county/applications/${appId}/opinion`)
      .set(bearer(countyMiit.token))
      .send({ version: await version(appId), decision: 'approve', ratings: { effect: 4, service: 4 }, correctionDueOn: dayFromStart(45) });
    expect([withApproval.status, JSON.stringify(withApproval.body.error)]).toEqual([
      400,
      expect.stringContaining('补正截止日期只在退回修改时填写'),
    ]);
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.status).toBe('county_review');

    // Five days, not the round's rule (its county deadline, day 25, is past: ten days from today, day 50).
    const returned = await countyReturn({ correctionDueOn: dayFromStart(45) });
    expect(returned.status).toBe(200);
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.correctionDueOn).toBe(dayFromStart(45));
    const told = await t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: clerk.userId, template: 'application.status', channel: 'inbox' }),
    );
    const last = told.filter((n) => (n.payload as { params: { applicationId: string } }).params.applicationId === appId).pop()!;
    expect((last.payload as { params: { nextStep: string } }).params.nextStep).toContain(`补正截止日期：${dayFromStart(45)}`);

    // The enterprise's view: its round, and by when to correct.
    const view = await t.http.get(`/api/v1/applications/${appId}`).set(bearer(clerk.token));
    expect(view.body.application).toMatchObject({ roundName: `${year}年第2批`, correctionDueOn: dayFromStart(45) });

    clock.now = start + 45 * DAY; // no window is open (round 3 closed on day 40); the last day of the correction
    const inTime = await submit(appId);
    expect([inTime.status, inTime.body.error?.message]).toEqual([200, undefined]);
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.roundId).toBe(round2.id);

    // A county return's correction goes back to the county straight away.
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.status).toBe('county_review');
    expect((await countyReturn({ correctionDueOn: dayFromStart(46) })).status).toBe(200);
    clock.now = start + 47 * DAY;
    const late = await submit(appId);
    expect([late.status, late.body.error.message]).toEqual([
      400,
      `补正材料的截止日期是 ${dayFromStart(46)}，已经过期，请联系县（市）区工信部门`,
    ]);
    expect((await t.db.read((tx) => findApplication(tx, appId)))!.status).toBe('returned');
  });
  test('city MIIT sets the correction deadline on its return too, checked the same way', async () => {
    const reported = await seedApplication(t.db, await seedEnterprise(t.db, [clerk.userId]), provider, 'reported', { roundId: round2.id });
    const opinion = (body: object) =>
      t.http
        .post(`/api/v1/city/applications/${reported.id}/opinion`)
        .set(bearer(cityMiit.token))
        .send({ version: 1, decision: 'return', reasons: [{ message: '请补充合同附件' }], ...body });
    const yesterday = await opinion({ correctionDueOn: dayFromStart(46) });
    expect([yesterday.status, yesterday.body.error.message]).toEqual([
      400,
      `补正截止日期须在今天（${dayFromStart(47)}）之后，给企业留出补正的时间`,
    ]);
    const approving = await opinion({ decision: 'approve', verifiedFen: 5_000_000, correctionDueOn: dayFromStart(50) });
    expect([approving.status, JSON.stringify(approving.body.error)]).toEqual([
      400,
      expect.stringContaining('补正截止日期只在退回修改时填写'),
    ]);
    expect((await opinion({ correctionDueOn: dayFromStart(60) })).status).toBe(200);
    const after = (await t.db.read((tx) => findApplication(tx, reported.id)))!;
    expect([after.status, after.returnedFrom, after.correctionDueOn]).toEqual(['returned', 'city', dayFromStart(60)]);
  });

  test('a proposed list holds one round: a mix is refused naming each round, the title and the lists name the round', async () => {
    const e = await seedEnterprise(t.db, [clerk.userId]);
    const approved = (roundId: string | null) => seedApplication(t.db, e, provider, 'city_approved', { roundId, verifiedFen: 5_000_000 });
    const [a, b, older, none] = [
      await approved(round2.id),
      await approved(round2.id),
      await approved(defaultRound.id),
      await approved(null),
    ];
    const lists = (body: object, path = '/api/v1/city/lists') => t.http.post(path).set(bearer(cityMiit.token)).send(body);
    // The city's queue names each candidate's round, so that a list is drafted from one.
    const queue = await t.http.get('/api/v1/city/applications?status=city_approved&limit=100').set(bearer(cityMiit.token));
    const roundNames = new Map((queue.body.items as { id: string; roundName: string | null }[]).map((i) => [i.id, i.roundName]));
    expect([a, older, none].map((x) => roundNames.get(x.id))).toEqual([`${year}年第2批`, `${year}年第1批`, null]);

    const mixed = await lists({ year, applicationIds: [a.id, older.id] });
    expect([mixed.status, mixed.body.error.message]).toEqual([
      400,
      `拟补贴名单按申报批次编制，所选申请分属${year}年第2批、${year}年第1批，请每个批次分别编制名单`,
    ]);
    const withNone = await lists({ year, applicationIds: [none.id, a.id] });
    expect(withNone.body.error.message).toBe(
      `拟补贴名单按申报批次编制，所选申请分属申报批次设立前的申请、${year}年第2批，请每个批次分别编制名单`,
    );
    expect((await t.db.read((tx) => findApplication(tx, a.id)))!.status).toBe('city_approved');

    const created = await lists({ year, applicationIds: [a.id] });
    expect(created.status).toBe(201);
    expect(created.body.list).toMatchObject({ round: { id: round2.id, name: `${year}年第2批` } });
    expect(created.body.list.title).toMatch(new RegExp(`拟补贴名单（第\\d+批，${year}年第2批申报）$`));
    const stray = await lists(
      { version: created.body.list.version, applicationIds: [older.id] },
      `/api/v1/city/lists/${created.body.list.id}/items`,
    );
    expect([stray.status, stray.body.error.message]).toEqual([
      400,
      `这份拟补贴名单是${year}年第2批的，申请 ${older.trackingNo} 属于${year}年第1批，请列入该批次的名单`,
    ]);
    const added = await lists(
      { version: created.body.list.version, applicationIds: [b.id] },
      `/api/v1/city/lists/${created.body.list.id}/items`,
    );
    expect([added.status, added.body.totals.count]).toEqual([200, 2]);
    // A closed round's applications still go onto a list of their own round.
    const first = await lists({ year, applicationIds: [older.id] });
    expect([first.status, first.body.list.round?.name]).toEqual([201, `${year}年第1批`]);
    const overview = await t.http.get('/api/v1/city/lists').set(bearer(cityMiit.token));
    const byId = new Map((overview.body.items as { id: string; round: { name: string } | null }[]).map((l) => [l.id, l.round?.name]));
    expect([byId.get(created.body.list.id), byId.get(first.body.list.id)]).toEqual([`${year}年第2批`, `${year}年第1批`]);
  });
  test('a round moved or closed early is announced: once to each person with a draft (window only), once to each county department', async () => {
    clock.now = start + 49 * DAY;
    const [owner2, finance] = await Promise.all(['r-owner2', 'r-finance'].map((n) => t.login(n)));
    // Granted directly: the invitation's own expiry runs on the real clock, not the test's.
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: '01RNDCOUNTYFINANCE00000000',
        userId: finance.userId,
        role: 'county_finance',
        countyCode: '230718',
        grantedBy: null,
        invitationId: null,
        createdAt: clock.now,
      }),
    );
    // owner2 has drafts in two enterprises: still one message per change.
    for (let i = 0; i < 2; i++) await seedApplication(t.db, await seedEnterprise(t.db, [owner2.userId]), provider, 'draft');
    await seedApplication(t.db, await seedEnterprise(t.db, [clerk.userId]), provider, 'draft');
    const dates = {
      opensOn: dayFromStart(48),
      closesOn: dayFromStart(60),
      countyDeadline: dayFromStart(70),
      cityDeadline: dayFromStart(80),
    };
    const r4 = await t.http
      .post('/api/v1/city/rounds')
      .set(bearer(cityMiit.token))
      .send({ year, number: 4, ...dates, notice: '' });
    expect(r4.status).toBe(201);
    const told = async (template: string) => {
      const rows = await t.db.read((tx) => notificationsMatching(tx, { template, channel: 'inbox' }));
      const per = new Map<string, string[]>();
      for (const r of rows) per.set(r.recipientUserId, [...(per.get(r.recipientUserId) ?? []), (r.payload as { body: string }).body]);
      return per;
    };
    const patch = async (change: object) => {
      const current = (await t.http.get('/api/v1/city/rounds').set(bearer(cityMiit.token))).body.rounds.find(
        (r: { id: string }) => r.id === r4.body.id,
      );
      const res = await t.http
        .put(`/api/v1/city/rounds/${r4.body.id}`)
        .set(bearer(cityMiit.token))
        .send({ ...dates, notice: '', version: current.version, ...change });
      expect(res.status).toBe(200);
      return res;
    };

    await patch({ closesOn: dayFromStart(62) });
    let drafts = await told('round.changed');
    expect([clerk.userId, owner2.userId, cityMiit.userId, countyMiit.userId].map((u) => drafts.get(u)?.length ?? 0)).toEqual([1, 1, 0, 0]);
    expect(drafts.get(owner2.userId)![0]).toBe(
      `${year}年第4批的申报时间由 ${dayFromStart(48)} 至 ${dayFromStart(60)} 改为 ${dayFromStart(48)} 至 ${dayFromStart(62)}。您还有尚未提交的草稿，请于 ${dayFromStart(62)} 前补全材料并提交。`,
    );
    let counties = await told('round.changed_review');
    // Round 1 closed early and round 2's county deadline moved on day 0 (test 2): two before this one.
    expect([countyMiit.userId, finance.userId, clerk.userId].map((u) => counties.get(u)?.length ?? 0)).toEqual([3, 1, 0]);

    // The county's deadline alone: the counties hear of it, the enterprises do not; the notice alone: nobody.
    await patch({ closesOn: dayFromStart(62), countyDeadline: dayFromStart(72) });
    await patch({ closesOn: dayFromStart(62), countyDeadline: dayFromStart(72), notice: '请按时申报' });
    drafts = await told('round.changed');
    counties = await told('round.changed_review');
    expect([drafts.get(clerk.userId)?.length, counties.get(finance.userId)?.length]).toEqual([1, 2]);
    expect(counties.get(finance.userId)![1]).toBe(
      `市工信局调整了${year}年第4批：县级审核截止日期由 ${dayFromStart(70)} 改为 ${dayFromStart(72)}。请按新的日期安排审核。`,
    );

    const version = (await t.http.get('/api/v1/city/rounds').set(bearer(cityMiit.token))).body.rounds.find(
      (r: { id: string }) => r.id === r4.body.id,
    ).version;
    expect((await t.http.post(`/api/v1/city/rounds/${r4.body.id}/close`).set(bearer(cityMiit.token)).send({ version })).status).toBe(200);
    drafts = await told('round.changed');
    expect(drafts.get(owner2.userId)).toHaveLength(2);
    expect(drafts.get(owner2.userId)![1]).toBe(
      `申报提前截止：${year}年第4批已于 ${dayFromStart(49)} 关闭（原定 ${dayFromStart(62)} 截止），不再受理新的申请。您的草稿仍然保存着，下一批开始申报时可以提交。`,
    );
    expect((await told('round.changed_review')).get(finance.userId)).toHaveLength(3);
  });
});
