import { revokeGrants } from '../../../../server/src/db/users';
import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import type { ApplicationRow } from '../../../../server/src/db/applications';
import type { EnterpriseRow } from '../../../../server/src/db/enterprises';
import { forceApplicationColumns, type ProviderRow } from '../../../../server/src/db/testing';
import { providerRatingSummary } from '../../../../server/src/modules/countyReview/countyReview';
import { bearer, countRows, makeEnterprise, makeProvider, opinion, RATINGS, reviewer, signedSettlement, type User } from './setup';
import { recountStages } from '../../../../server/src/db/applications/stageCounts';

/** 三（四）: both county departments review; the application moves on only when both approved. */
describe('county review (三（四）)', () => {
  let t: TestApp;
  let prov: User;
  let provider: ProviderRow;
  let enterprise: EnterpriseRow;
  let ent: User;
  let miit: User;
  let miit2: User;
  let finance: User;
  let wuCui: User;
  let wuCuiFinance: User;

  beforeAll(async () => {
    t = await startTestApp();
    ({ user: prov, provider } = await makeProvider(t, 'rv-prov'));
    ({ user: ent, enterprise } = await makeEnterprise(t, 'rv-ent', { name: '伊春红星木业有限公司' }));
    miit = await reviewer(t, 'rv-miit', 'county_miit');
    miit2 = await reviewer(t, 'rv-miit-2', 'county_miit');
    finance = await reviewer(t, 'rv-finance', 'county_finance');
    wuCui = await reviewer(t, 'rv-wucui', 'county_miit', '230718');
    wuCuiFinance = await reviewer(t, 'rv-wucui-fin', 'county_finance', '230718');
  });
  afterAll(() => t.close());

  async function ready(overrides: Partial<ApplicationRow> = {}, ent_ = enterprise): Promise<ApplicationRow> {
    const app = await seedApplication(t.db, ent_, provider, 'county_review', overrides);
    await signedSettlement(t, prov, [app.id]);
    return app;
  }
  const status = async (id: string) =>
    (
      await t.db.query<{ status: string; version: number | string; round: number | string }>(
        'SELECT status, version, round FROM applications WHERE id = ?',
        [id],
      )
    )[0];

  test('both departments approve → county_approved, each opinion stored with its ratings', async () => {
    const app = await ready();
    const first = await opinion(t, miit, app.id, { version: 1, decision: 'approve', ratings: RATINGS, internalNote: '现场核查属实' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      application: { status: 'county_review', version: 2 },
      opinion: { department: 'miit', decision: 'approve', ratings: { effect: 4, effectLabel: '良好', service: 5, serviceLabel: '优秀' } },
      waitingFor: 'finance',
    });
    const second = await opinion(t, finance, app.id, { version: 2, decision: 'approve', ratings: { effect: 3, service: 2 } });
    expect(second.status).toBe(200);
    expect(second.body.application).toMatchObject({ status: 'county_approved', version: 3 });
    expect(second.body.waitingFor).toBeNull();

    const detail = await t.http.get(`/api/v1/county/applications/${app.id}`).set(bearer(finance.token));
    expect(detail.status).toBe(200);
    expect(
      detail.body.opinions.map((o: { department: string; round: number; ratings: { effect: number } }) => [
        o.department,
        o.round,
        o.ratings.effect,
      ]),
    ).toEqual([
      ['miit', 1, 4],
      ['finance', 1, 3],
    ]);
    expect(detail.body.history.map((h: { event: string }) => h.event)).toEqual(['county_approve', 'county_approve']);
    expect(detail.body.enterprise).toMatchObject({ name: '伊春红星木业有限公司', creditCode: enterprise.creditCode });
    expect(detail.body.application.bankAccount.accountNo).toMatch(/^\*+0123$/);
    expect(detail.body).toMatchObject({ myDepartment: 'finance', myOpinionThisRound: 'approve', otherOpinionThisRound: 'approve' });
  });

  test('a return by one department takes effect at once; after the correction both review again', async () => {
    const app = await ready();
    expect((await opinion(t, miit, app.id, { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(200);
    const noReason = await opinion(t, finance, app.id, { version: 2, decision: 'return', ratings: RATINGS });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('reasons');
    const ret = await opinion(t, finance, app.id, {
      version: 2,
      decision: 'return',
      ratings: { effect: 2, service: 3 },
      reasons: [{ field: 'contract.amountFen', message: '合同金额与发票金额不一致，请核对' }],
    });
    expect(ret.status).toBe(200);
    expect(ret.body.application.status).toBe('returned');
    expect(await status(app.id)).toMatchObject({ status: 'returned' });

    // The enterprise corrects and resubmits (its side, simulated here): round 2 starts, both review again.
    await t.db.transaction((tx) => forceApplicationColumns(tx, [app.id], { status: 'county_review', round: 2 }, { bumpVersion: true }));
    await recountStages(t.db); // the shortcut above goes around the transitions that keep the counts
    const again = await opinion(t, miit, app.id, { version: 4, decision: 'approve', ratings: RATINGS });
    expect(again.status).toBe(200);
    // The miit approval of round 1 does not count for round 2.
    expect(again.body.application.status).toBe('county_review');
    expect((await opinion(t, finance, app.id, { version: 5, decision: 'approve', ratings: RATINGS })).body.application.status).toBe(
      'county_approved',
    );
  });

  test('reject is final, with the reason, and tells the provider too', async () => {
    const app = await ready();
    const res = await opinion(t, miit, app.id, {
      version: 1,
      decision: 'reject',
      ratings: { effect: 1, service: 1 },
      reasons: [{ material: '收付款凭证', message: '付款凭证系伪造，经银行核实无此笔交易' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.application.status).toBe('rejected');
    expect(
      await countRows(t, 'SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ? AND idempotency_key LIKE ?', [
        prov.userId,
        `application:${app.id}:%county_reject%`,
      ]),
    ).toBeGreaterThan(0);
    expect((await opinion(t, finance, app.id, { version: 2, decision: 'approve', ratings: RATINGS })).status).toBe(409);
  });

  test('one opinion per department per round (409), and one person never gives both', async () => {
    const app = await ready();
    expect((await opinion(t, miit, app.id, { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(200);
    const twice = await opinion(t, miit2, app.id, {
      version: 2,
      decision: 'return',
      ratings: RATINGS,
      reasons: [{ message: '营业执照复印件不清晰' }],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('opinion_given');
    expect((await opinion(t, miit, app.id, { version: 2, decision: 'approve', ratings: RATINGS })).status).toBe(409);

    // The miit reviewer moves to finance (the role is revoked first: nobody holds both at once) and tries the other opinion.
    await t.db.transaction((tx) => revokeGrants(tx, miit.userId, 'county_miit', null, Date.now()));
    await t.grant(miit.token, 'county_finance', '230717');
    const same = await opinion(t, miit, app.id, { version: 2, decision: 'approve', ratings: RATINGS });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toMatch(/同一人/);
    const sameReturn = await opinion(t, miit, app.id, {
      version: 2,
      decision: 'return',
      ratings: RATINGS,
      reasons: [{ message: '营业执照复印件不清晰' }],
    });
    expect(sameReturn.status).toBe(400);
    expect(await status(app.id)).toMatchObject({ status: 'county_review', version: 2 });
    expect(await countRows(t, 'SELECT COUNT(*) AS n FROM review_opinions WHERE application_id = ?', [app.id])).toBe(1);
    // Restore for the other tests.
    await t.db.transaction((tx) => revokeGrants(tx, miit.userId, 'county_finance', null, Date.now()));
    await t.grant(miit.token, 'county_miit', '230717');
  });

  test('opinions are validated at the edge and refused without the enterprise verified', async () => {
    const app = await ready();
    for (const body of [
      {},
      { version: 1, decision: 'approve' },
      { version: 1, decision: 'approve', ratings: { effect: 0, service: 5 } },
      { version: 1, decision: 'approve', ratings: { effect: 6, service: 5 } },
      { version: 1, decision: 'approve', ratings: { effect: 4.5, service: 5 } },
      { version: 1, decision: 'maybe', ratings: RATINGS },
      { version: 1, decision: 'return', ratings: RATINGS, reasons: [] },
      { version: 1, decision: 'return', ratings: RATINGS, reasons: [{ message: '' }] },
      { version: '1', decision: 'approve', ratings: RATINGS },
    ]) {
      const res = await opinion(t, miit, app.id, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await opinion(t, miit, 'nope', { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(400);
    expect((await opinion(t, miit, '01ARZ3NDEKTSV4RRFFQ69G5FAV', { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(404);
    expect((await opinion(t, prov, app.id, { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(403);
    expect((await opinion(t, ent, app.id, { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(403);

    const { enterprise: pending } = await makeEnterprise(t, 'rv-ent-pending', { status: 'pending' });
    const unverified = await ready({}, pending);
    const refused = await opinion(t, miit, unverified.id, { version: 1, decision: 'approve', ratings: RATINGS });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('enterprise');
    expect(await countRows(t, 'SELECT COUNT(*) AS n FROM review_opinions WHERE application_id = ?', [unverified.id])).toBe(0);
  });

  test('another county’s reviewer sees 404 and its queue leaves the application out', async () => {
    const app = await ready();
    expect((await t.http.get(`/api/v1/county/applications/${app.id}`).set(bearer(wuCui.token))).status).toBe(404);
    expect((await opinion(t, wuCui, app.id, { version: 1, decision: 'approve', ratings: RATINGS })).status).toBe(404);
    expect(
      (await opinion(t, wuCuiFinance, app.id, { version: 1, decision: 'reject', ratings: RATINGS, reasons: [{ message: '不属于本区' }] }))
        .status,
    ).toBe(404);
    const queue = await t.http.get('/api/v1/county/applications?status=all').set(bearer(wuCui.token));
    expect(queue.status).toBe(200);
    expect(queue.body.items).toEqual([]);
    expect(queue.body.counts).toEqual({});
    expect(await status(app.id)).toMatchObject({ status: 'county_review', version: 1 });
  });

  test('the queue: by status, searched, paged by keyset, with counts per status', async () => {
    const { enterprise: special } = await makeEnterprise(t, 'rv-ent-special', { name: '伊春100%_纯天然蓝莓有限公司' });
    const apps: ApplicationRow[] = [];
    for (let i = 0; i < 5; i++)
      apps.push(await seedApplication(t.db, special, provider, 'county_review', { updatedAt: 1_000 + i, contractNo: `QUEUE-HT-${i}` }));
    const page1 = await t.http.get('/api/v1/county/applications?limit=2').set(bearer(miit.token));
    expect(page1.status).toBe(200);
    // Oldest first.
    expect(page1.body.items.map((i: { id: string }) => i.id)).toEqual([apps[0].id, apps[1].id]);
    expect(page1.body.items[0]).toMatchObject({
      enterpriseName: '伊春100%_纯天然蓝莓有限公司',
      status: 'county_review',
      statusLabel: '县级审核中',
      myOpinion: null,
      otherOpinion: null,
    });
    const page2 = await t.http
      .get(`/api/v1/county/applications?limit=2&after=${encodeURIComponent(page1.body.next)}`)
      .set(bearer(miit.token));
    expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([apps[2].id, apps[3].id]);

    const counts = (await t.http.get('/api/v1/county/applications').set(bearer(miit.token))).body.counts;
    const expected = await countRows(
      t,
      "SELECT COUNT(*) AS n FROM applications WHERE county_code = '230717' AND status = 'county_review'",
      [],
    );
    expect(counts.county_review).toBe(expected);
    expect(counts.county_approved).toBeGreaterThanOrEqual(1);

    const byName = await t.http
      .get(`/api/v1/county/applications?q=${encodeURIComponent('100%_纯天然')}&status=all`)
      .set(bearer(miit.token));
    expect(byName.body.items).toHaveLength(5);
    expect(byName.body.counts).toEqual({ county_review: 5 });
    // % and _ are literal: '100%' does not match everything.
    expect(
      (await t.http.get(`/api/v1/county/applications?q=${encodeURIComponent('红星%')}&status=all`).set(bearer(miit.token))).body.items,
    ).toEqual([]);
    const byContract = await t.http.get('/api/v1/county/applications?q=QUEUE-HT-3').set(bearer(miit.token));
    expect(byContract.body.items.map((i: { id: string }) => i.id)).toEqual([apps[3].id]);
    const byTracking = await t.http.get(`/api/v1/county/applications?q=${apps[4].trackingNo}`).set(bearer(miit.token));
    expect(byTracking.body.items.map((i: { id: string }) => i.id)).toEqual([apps[4].id]);

    for (const q of ['status=bogus', 'limit=0', 'limit=1000', 'after=xyz', `q=${'字'.repeat(51)}`])
      expect([q, (await t.http.get(`/api/v1/county/applications?${q}`).set(bearer(miit.token))).status]).toEqual([q, 400]);
    expect((await t.http.get('/api/v1/county/applications').set(bearer(prov.token))).status).toBe(403);
  });

  test('a provider’s ratings add up to its record', async () => {
    const summary = await providerRatingSummary(t.db, provider.id);
    const rows = await t.db.query<{ rating_effect: number; rating_service: number }>(
      "SELECT rating_effect, rating_service FROM review_opinions o JOIN applications a ON a.id = o.application_id WHERE a.provider_id = ? AND o.level = 'county' AND o.decision = 'approve'",
      [provider.id],
    );
    expect(rows.length).toBeGreaterThan(3);
    expect(summary.effect.count).toBe(rows.length);
    const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 100) / 100;
    expect(summary.effect.average).toBe(mean(rows.map((r) => Number(r.rating_effect))));
    expect(summary.service.average).toBe(mean(rows.map((r) => Number(r.rating_service))));
    expect(Object.values(summary.service.distribution).reduce((s, n) => s + n, 0)).toBe(rows.length);
    expect(await providerRatingSummary(t.db, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).toMatchObject({ effect: { count: 0, average: null } });
  });
});
