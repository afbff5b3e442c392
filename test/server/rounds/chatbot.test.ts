import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { addDays } from '../../../shared/src/workflow/rounds';
import { seedRoundId } from '../../../server/src/modules/rounds/rounds';
import { NOT_BOUND } from '../../../server/src/modules/officialAccount/texts';
import { say } from '../officialAccount/wechatPush';

/**
 * Issue 18 item 2 over the official account's real endpoint: when to apply, the deadline, which round
 * an application is in, and the open round in the 政策 answer; then the same after city MIIT closes
 * the year's round and announces the next.
 */
describe('the chatbot answers about rounds', () => {
  let t: TestApp;
  const today = todayInShanghai(new Date());
  const year = Number(today.slice(0, 4));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('政策 shows the open round and its deadline', async () => {
    const reply = await say(t, 'oa-r-anyone', '政策');
    expect(reply).toContain('50%');
    expect(reply).toContain(`当前受理：${year}年第1批，申报时间 ${year}-01-01 至 ${year}-12-31，请在 ${year}-12-31 前提交。`);
  });

  test.each([
    ['申报截止时间是什么时候', `${year}年第1批的申报截止日期是 ${year}-12-31`],
    ['什么时候可以申报', `申报时间 ${year}-01-01 至 ${year}-12-31`],
    ['请问申请的截止日期', `${year}-12-31`],
  ])('“%s”', async (question, expected) => {
    const reply = await say(t, 'oa-r-anyone', question);
    expect(reply).toContain(expected);
    expect(reply).not.toMatch(/[a-z_]{4,}|01SEED/);
  });

  test('我的申请是哪一批: only for a bound follower, each application with its round', async () => {
    expect(await say(t, 'oa-r-clerk', '我的申请是哪一批')).toBe(NOT_BOUND);
    const clerk = await t.login('r-oa-clerk');
    const code = (await t.http.post('/api/v1/me/oa-binding-code').set('authorization', `Bearer ${clerk.token}`)).body.code as string;
    expect(await say(t, 'oa-r-clerk', `绑定 ${code}`)).toContain('绑定');
    const owner = await t.login('r-oa-provider');
    const provider = await seedProvider(t.db, owner.userId);
    const submitted = await seedApplication(t.db, await seedEnterprise(t.db, [clerk.userId]), provider, 'county_review', {
      roundId: seedRoundId(year),
    });
    await seedApplication(t.db, await seedEnterprise(t.db, [clerk.userId]), provider, 'draft');
    const reply = await say(t, 'oa-r-clerk', '我的申请是哪一批');
    expect(reply).toContain(`申报编号 ${submitted.trackingNo}：${year}年第1批（申报时间 ${year}-01-01 至 ${year}-12-31）`);
    expect(reply).toContain(`草稿：尚未提交，提交时计入当时受理的批次（现为${year}年第1批，${year}-12-31 截止）`);
  });

  test('after the year’s round is closed: the next window, and the deadline question says so', async () => {
    const city = await t.login('r-oa-city');
    await t.grant(city.token, 'city_miit');
    const auth = { authorization: `Bearer ${city.token}` };
    const [first] = (await t.http.get('/api/v1/city/rounds').set(auth)).body.rounds;
    expect(first.id).toBe(seedRoundId(year));
    expect((await t.http.post(`/api/v1/city/rounds/${first.id}/close`).set(auth).send({ version: first.version })).status).toBe(200);
    const opened = await t.http
      .post('/api/v1/city/rounds')
      .set(auth)
      .send({
        year,
        number: 2,
        opensOn: addDays(today, 5),
        closesOn: addDays(today, 15),
        countyDeadline: addDays(today, 30),
        cityDeadline: addDays(today, 45),
        notice: '',
      });
    expect(opened.status).toBe(201);
    const next = `下一批（${year}年第2批）的申报时间是 ${addDays(today, 5)} 至 ${addDays(today, 15)}`;
    expect(await say(t, 'oa-r-anyone', '什么时候可以申报')).toContain(next);
    expect(await say(t, 'oa-r-anyone', '申报截止时间是什么时候')).toContain(next);
    expect(await say(t, 'oa-r-anyone', '政策')).toContain(`现在不在申报时间内。${next}`);
    const current = await t.http.get('/api/v1/rounds/current');
    expect([current.body.open, current.body.next?.name]).toEqual([null, `${year}年第2批`]);
  });
});
