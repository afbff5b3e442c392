import { insertGrant } from '../../../../server/src/db/users';
import {
  applicationEventsMatching,
  auditRecordsMatching,
  notificationsMatching,
  reviewOpinionsMatching,
} from '../../../../server/src/db/testing';
import { newId } from '../../../../server/src/ids';
import { bearer, startCity, type CityHarness } from './cityHarness';

/** City MIIT's review of reported applications: the queue, the case, and the verified amount (核定金额). */
describe('city review (市工信局审核、核定金额)', () => {
  let c: CityHarness;
  beforeAll(async () => {
    c = await startCity();
  });
  afterAll(() => c.close());

  const opinion = (id: string, body: Record<string, unknown>, token = c.miit.token) =>
    c.t.http.post(`/api/v1/city/applications/${id}/opinion`).set(bearer(token)).send(body);

  test('the verified amount is checked against the payable amount recomputed now, not the stored one', async () => {
    // 120,000元 contract → 60,000元 payable; the stored subsidyFen (90,000元) is stale and must not count.
    const app = await c.seed('reported', { subsidyFen: 9_000_000 });
    const above = await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 6_000_001 });
    expect(above.status).toBe(400);
    expect(above.body.error.details[0]).toMatchObject({ path: 'verifiedFen', message: expect.stringContaining('60,000.00 元') });
    const stale = await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 9_000_000, verifiedReason: '按申报金额' });
    expect(stale.status).toBe(400);

    const lowerNoReason = await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 5_000_000 });
    expect(lowerNoReason.status).toBe(400);
    expect(lowerNoReason.body.error.message).toMatch(/核减原因/);
    const blankReason = await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 5_000_000, verifiedReason: '   ' });
    expect(blankReason.status).toBe(400);

    // Nothing changed by the refusals.
    const before = await c.t.http.get(`/api/v1/city/applications/${app.id}`).set(bearer(c.miit.token));
    expect(before.body.application).toMatchObject({ status: 'reported', version: 1, verifiedFen: null });
    expect(before.body.amount).toMatchObject({ payableFen: 6_000_000, computedFen: 6_000_000, capped: false });

    const lower = await opinion(app.id, {
      version: 1,
      decision: 'approve',
      verifiedFen: 5_000_000,
      verifiedReason: '合同中一项培训服务未实施，核减相应金额',
      internalNote: '现场核查记录见附件',
    });
    expect(lower.status).toBe(200);
    expect(lower.body.application).toMatchObject({
      status: 'city_approved',
      verifiedFen: 5_000_000,
      verifiedReason: '合同中一项培训服务未实施，核减相应金额',
      subsidyFen: 6_000_000,
      version: 2,
    });

    const opinions = await c.t.db.read((tx) => reviewOpinionsMatching(tx, { applicationId: app.id }));
    expect(opinions).toHaveLength(1);
    expect(opinions[0]).toMatchObject({
      level: 'city',
      department: 'miit',
      decision: 'approve',
      reviewerId: c.miit.userId,
      internalNote: '现场核查记录见附件',
    });
    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: app.id }));
    expect(events).toEqual([
      expect.objectContaining({
        event: 'city_approve',
        fromStatus: 'reported',
        toStatus: 'city_approved',
        actorRole: 'city_miit',
        data: expect.objectContaining({ payableFen: 6_000_000, verifiedFen: 5_000_000 }),
      }),
    ]);
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `application:${app.id}` }));
    expect(audit.map((a) => a.action)).toEqual(['application.city_approve']);
    // The enterprise hears of it, with the reason for the reduction; never the internal note.
    const inbox = await c.t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: c.enterpriseUser.userId, template: 'application.status', channel: 'inbox' }),
    );
    const mine = inbox.filter((n) => JSON.stringify(n.payload).includes(app.id));
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(mine[0].payload)).toContain('培训服务未实施');
    expect(JSON.stringify(mine[0].payload)).not.toContain('现场核查');

    // Decided once: a second opinion is refused.
    expect((await opinion(app.id, { version: 2, decision: 'approve', verifiedFen: 6_000_000 })).status).toBe(409);
  });

  test('the full payable amount needs no reason; the cap and other subsidies (就高不重复) bound it', async () => {
    const full = await c.seed('reported');
    const ok = await opinion(full.id, { version: 1, decision: 'approve', verifiedFen: 6_000_000 });
    expect(ok.status).toBe(200);
    expect(ok.body.application.verifiedReason).toBeNull();

    const capped = await c.seed('reported', { contractAmountFen: 30_000_000, paidAmountFen: 30_000_000 });
    expect((await opinion(capped.id, { version: 1, decision: 'approve', verifiedFen: 15_000_000 })).status).toBe(400);
    expect((await opinion(capped.id, { version: 1, decision: 'approve', verifiedFen: 10_000_000 })).status).toBe(200);

    const other = await c.seed('reported', { otherSubsidiesFen: 2_000_000 });
    expect((await opinion(other.id, { version: 1, decision: 'approve', verifiedFen: 6_000_000 })).status).toBe(400);
    expect((await opinion(other.id, { version: 1, decision: 'approve', verifiedFen: 4_000_000 })).status).toBe(200);

    // Nothing actually paid (二（四）): nothing payable, no approval.
    const unpaid = await c.seed('reported', { paidAmountFen: 0 });
    const refused = await opinion(unpaid.id, { version: 1, decision: 'approve', verifiedFen: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/可补助金额为 0/);
  });

  test('bad input is a 400 with a Chinese message, a stale version a 409', async () => {
    const app = await c.seed('reported');
    for (const body of [
      {},
      { version: 1 },
      { version: 1, decision: 'maybe' },
      { version: 1, decision: 'approve', verifiedFen: 100.5 },
      { version: 1, decision: 'approve', verifiedFen: -5 },
      { version: 'x', decision: 'approve' },
      [1, 2],
    ]) {
      const res = await opinion(app.id, body as Record<string, unknown>);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await opinion('not-an-id', { version: 1, decision: 'reject', reason: '材料不实' })).status).toBe(400);
    expect((await opinion(newId(), { version: 1, decision: 'reject', reason: '材料不实' })).status).toBe(404);
    const stale = await opinion(app.id, { version: 7, decision: 'approve', verifiedFen: 6_000_000 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
  });

  test('return names what to fix and remembers the city returned it; reject needs a reason', async () => {
    const app = await c.seed('reported');
    const noReason = await opinion(app.id, { version: 1, decision: 'return' });
    expect(noReason.status).toBe(400);
    const returned = await opinion(app.id, {
      version: 1,
      decision: 'return',
      reasons: [{ path: 'materials.payment_receipt', message: '付款凭证金额与合同不符，请补充银行回单' }],
    });
    expect(returned.status).toBe(200);
    expect(returned.body.application).toMatchObject({ status: 'returned', lastReason: '付款凭证金额与合同不符，请补充银行回单' });
    const detail = await c.t.http.get(`/api/v1/city/applications/${app.id}`).set(bearer(c.finance.token));
    expect(detail.status).toBe(200);
    expect(detail.body.application).toMatchObject({ returnedFrom: 'city', status: 'returned' });
    expect(detail.body.opinions[0]).toMatchObject({
      level: 'city',
      department: 'miit',
      decision: 'return',
      reasons: [{ path: 'materials.payment_receipt', message: '付款凭证金额与合同不符，请补充银行回单' }],
    });

    const other = await c.seed('reported');
    expect((await opinion(other.id, { version: 1, decision: 'reject' })).status).toBe(400);
    const rejected = await opinion(other.id, { version: 1, decision: 'reject', reason: '企业成立不满一年' });
    expect(rejected.body.application).toMatchObject({ status: 'rejected', lastReason: '企业成立不满一年' });
  });

  test('the queue: by status, county, provider and text, in keyset pages, with counts; earlier stages stay hidden', async () => {
    const inYoutai = await c.seed('reported', { countyCode: '230719' });
    const atCounty = await c.seed('county_review');
    const page1 = await c.t.http.get('/api/v1/city/applications?status=reported&limit=1').set(bearer(c.miit.token));
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.next).toEqual(expect.any(String));
    const page2 = await c.t.http
      .get(`/api/v1/city/applications?status=reported&limit=1&after=${page1.body.next}`)
      .set(bearer(c.miit.token));
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect(page1.body.counts).toMatchObject({ reported: expect.any(Number), city_approved: expect.any(Number), returned: 1, rejected: 1 });
    expect(page1.body.counts.county_review).toBeUndefined();

    const byCounty = await c.t.http
      .get('/api/v1/city/applications?status=reported,city_approved&county=230719')
      .set(bearer(c.finance.token));
    expect(byCounty.body.items.map((i: { id: string }) => i.id)).toEqual([inYoutai.id]);
    expect(byCounty.body.items[0]).toMatchObject({ countyName: '友好区', provider: { id: c.provider.id } });

    const name = byCounty.body.items[0].enterprise.name as string;
    const byText = await c.t.http.get(`/api/v1/city/applications?status=reported&q=${encodeURIComponent(name)}`).set(bearer(c.miit.token));
    expect(byText.body.items.map((i: { id: string }) => i.id)).toEqual([inYoutai.id]);
    const wildcard = await c.t.http.get('/api/v1/city/applications?status=reported&q=%25').set(bearer(c.miit.token));
    expect(wildcard.body.items).toEqual([]);
    const byProvider = await c.t.http.get(`/api/v1/city/applications?status=reported&provider=${c.provider.id}`).set(bearer(c.miit.token));
    expect(byProvider.body.items.length).toBeGreaterThanOrEqual(2);

    // An application still with the county is not the city's to see.
    expect((await c.t.http.get(`/api/v1/city/applications/${atCounty.id}`).set(bearer(c.miit.token))).status).toBe(404);
    expect((await c.t.http.get('/api/v1/city/applications?status=county_review').set(bearer(c.miit.token))).status).toBe(400);
    expect((await c.t.http.get('/api/v1/city/applications?county=999999').set(bearer(c.miit.token))).status).toBe(400);
    expect((await c.t.http.get('/api/v1/city/applications?limit=1000').set(bearer(c.miit.token))).status).toBe(400);
    expect((await c.t.http.get('/api/v1/city/applications?after=garbage').set(bearer(c.miit.token))).status).toBe(400);
  });

  test('roles: finance reads but gives no opinion; county and enterprise users are kept out', async () => {
    const app = await c.seed('reported');
    expect((await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 6_000_000 }, c.finance.token)).status).toBe(403);
    expect((await opinion(app.id, { version: 1, decision: 'approve', verifiedFen: 6_000_000 }, c.county.token)).status).toBe(403);
    expect((await c.t.http.get('/api/v1/city/applications').set(bearer(c.county.token))).status).toBe(403);
    expect((await c.t.http.get(`/api/v1/city/applications/${app.id}`).set(bearer(c.county.token))).status).toBe(403);
    await c.t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: c.enterpriseUser.userId,
        role: 'enterprise',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
    expect((await c.t.http.get(`/api/v1/city/applications/${app.id}`).set(bearer(c.enterpriseUser.token))).status).toBe(403);
    expect((await c.t.http.get('/api/v1/city/applications')).status).toBe(401);
  });
});
