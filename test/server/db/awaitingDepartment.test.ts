import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { say } from '../officialAccount/wechatPush';
import { newId } from '../../../server/src/ids';
import { insertOpinion } from '../../../server/src/db/opinions';
import { awaitingDepartment, countAwaitingDepartment, type CountyDepartment } from '../../../server/src/db/applications/awaiting';
import { digestFor, StageReader } from '../../../server/src/modules/notifications/digest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import type { ApplicationState } from '../../../shared/src/workflow/application';

/**
 * "Which applications wait for this department" is asked in three places: the county queue, the
 * chatbot's 待办 and the reviewers' daily digest. Over one seeded county (applications in several
 * states, opinions of either department in this round and in an earlier one, a neighbouring county),
 * all three agree with db/applications/awaiting.ts, for each department.
 */
describe('awaiting this department: the county queue, the chatbot’s 待办 and the digest agree', () => {
  let t: TestApp;
  const county = '230717';
  const reviewers = {} as Record<CountyDepartment, { token: string; userId: string; openid: string }>;
  const expected = {} as Record<CountyDepartment, Set<string>>;

  beforeAll(async () => {
    t = await startTestApp();
    for (const [department, role] of [
      ['miit', 'county_miit'],
      ['finance', 'county_finance'],
    ] as const) {
      const r = await t.login(`awaiting-${department}`);
      await t.grant(r.token, role, county);
      const openid = `oa-awaiting-${department}`;
      const code = await t.http.post('/api/v1/me/oa-binding-code').set('authorization', `Bearer ${r.token}`);
      expect(await say(t, openid, `绑定 ${code.body.code as string}`)).toContain('绑定成功');
      reviewers[department] = { ...r, openid };
    }
    const owner = (await t.login('awaiting-enterprise')).userId;
    const here = await seedEnterprise(t.db, [owner], { countyCode: county });
    const there = await seedEnterprise(t.db, [owner], { countyCode: '230718' });
    const provider = await seedProvider(t.db, owner);
    const opinion = (applicationId: string, department: CountyDepartment, round: number, decision: 'approve' | 'return') =>
      t.db.transaction((tx) =>
        insertOpinion(tx, {
          id: newId(),
          applicationId,
          round,
          level: 'county',
          department,
          reviewerId: newId(),
          decision,
          reasons: null,
          ratingEffect: 4,
          ratingService: 4,
          internalNote: null,
          createdAt: Date.now(),
        }),
      );
    const seed = (status: ApplicationState, round = 1) => seedApplication(t.db, here, provider, status, { round });

    const none = await seed('county_review');
    const miitGave = await seed('county_review');
    await opinion(miitGave.id, 'miit', 1, 'approve');
    const financeGave = await seed('county_review');
    await opinion(financeGave.id, 'finance', 1, 'approve');
    // Both gave an opinion in round 1; after a correction round 2 waits for both again.
    const secondRound = await seed('county_review', 2);
    await opinion(secondRound.id, 'miit', 1, 'approve');
    await opinion(secondRound.id, 'finance', 1, 'return');
    const approvedA = await seed('county_approved');
    const approvedB = await seed('county_approved');
    for (const status of ['provider_check', 'returned', 'reported', 'rejected', 'draft'] as const) await seed(status);
    await seedApplication(t.db, there, provider, 'county_review');
    await seedApplication(t.db, there, provider, 'county_approved');

    expected.miit = new Set([none.id, financeGave.id, secondRound.id, approvedA.id, approvedB.id]);
    expected.finance = new Set([none.id, miitGave.id, secondRound.id, approvedA.id, approvedB.id]);
  });
  afterAll(() => t.close());

  test.each(['miit', 'finance'] as const)('%s', async (department) => {
    const r = reviewers[department];
    const want = expected[department];

    // The one definition.
    const rows = await t.db.read((tx) => awaitingDepartment(tx, county, department));
    expect(new Set(rows.map((a) => a.id))).toEqual(want);
    const counts = await t.db.read((tx) => countAwaitingDepartment(tx, county, department));
    expect(counts).toEqual({ county_review: 3, county_approved: 2 });

    // The county queue: in county review without this department's opinion of this round, or approved.
    const queue = await t.http
      .get('/api/v1/county/applications?status=county_review,county_approved&limit=100')
      .set('authorization', `Bearer ${r.token}`);
    expect(queue.status).toBe(200);
    const items = queue.body.items as { id: string; status: string; myOpinion: string | null }[];
    expect(new Set(items.filter((i) => i.status === 'county_approved' || i.myOpinion === null).map((i) => i.id))).toEqual(want);

    // The chatbot's 待办.
    const reply = await say(t, r.openid, '待办');
    expect(reply).toContain(`（其中待本部门出具意见 ${counts.county_review} 件）`);
    expect(reply).toContain(`县级审核通过，待联合行文上报：${counts.county_approved} 件`);

    // The digest: its actionable items are these, the watch items (with the provider) only once overdue.
    const digest = await digestFor(
      new StageReader(t.db),
      [{ role: department === 'miit' ? 'county_miit' : 'county_finance', countyCode: county }],
      DEFAULT_NOTIFICATION_SETTINGS,
      Date.now(),
    );
    expect(new Set(digest.items.filter((i) => i.actionable).map((i) => i.id))).toEqual(want);
    expect(digest.waiting).toBe(want.size);
  });
});
