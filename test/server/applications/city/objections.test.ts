import { applicationEventsMatching, countListItems } from '../../../../server/src/db/testing';
import { DAY, bearer, startCity, type CityHarness } from './cityHarness';

/** Editing a draft list, the notice period's rules, and the two other ways an objection ends. */
describe('drafts, notice and objections', () => {
  let c: CityHarness;
  const ids: string[] = [];
  let listId: string;
  let version: number;

  beforeAll(async () => {
    c = await startCity();
    for (let i = 0; i < 3; i++) {
      const row = await c.seed('reported');
      const res = await c.t.http
        .post(`/api/v1/city/applications/${row.id}/opinion`)
        .set(bearer(c.miit.token))
        .send({ version: 1, decision: 'approve', verifiedFen: 6_000_000 });
      expect(res.status).toBe(200);
      ids.push(row.id);
    }
    await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(c.finance.token)).send({ budgetFen: 100_000_000 });
  });
  afterAll(() => c.close());

  const post = (path: string, body: unknown, token = c.miit.token) =>
    c.t.http
      .post(path)
      .set(bearer(token))
      .send(body as object);
  const status = async (id: string) =>
    (await c.t.http.get(`/api/v1/city/applications/${id}`).set(bearer(c.miit.token))).body.application.status as string;

  test('a draft grows and shrinks; what leaves it goes back to city review; the version guards every change', async () => {
    const draft = await post('/api/v1/city/lists', { year: c.year, applicationIds: [ids[0]] });
    listId = draft.body.list.id;
    version = draft.body.list.version;
    const added = await post(`/api/v1/city/lists/${listId}/items`, { version, applicationIds: [ids[1], ids[2]] });
    expect(added.status).toBe(200);
    expect(added.body.totals.count).toBe(3);
    version = added.body.list.version;
    expect((await post(`/api/v1/city/lists/${listId}/items`, { version: version - 1, applicationIds: [ids[2]] })).status).toBe(409);

    expect((await post(`/api/v1/city/lists/${listId}/items/${ids[2]}/remove`, { version })).status).toBe(400);
    const removed = await post(`/api/v1/city/lists/${listId}/items/${ids[2]}/remove`, { version, reason: '合同期限有疑问，下一批再议' });
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1]]);
    expect(await status(ids[2])).toBe('reported');
    version = removed.body.list.version;

    // Verified again and put back on the same draft: the item is reinstated, not duplicated.
    const again = await post(`/api/v1/city/applications/${ids[2]}/opinion`, { version: 4, decision: 'approve', verifiedFen: 6_000_000 });
    expect(again.status).toBe(200);
    const back = await post(`/api/v1/city/lists/${listId}/items`, { version, applicationIds: [ids[2]] });
    expect(back.status).toBe(200);
    expect(back.body.items).toHaveLength(3);
    expect(await c.t.db.read((tx) => countListItems(tx, listId))).toBe(3);
    version = back.body.list.version;
  });

  test('the notice starts after co-signing; while it runs only its end may move, and later', async () => {
    const signed = await post(`/api/v1/city/lists/${listId}/cosign`, { version }, c.finance.token);
    version = signed.body.list.version;
    expect((await post(`/api/v1/city/lists/${listId}/items`, { version, applicationIds: [ids[0]] })).status).toBe(409);
    expect(
      (await post(`/api/v1/city/lists/${listId}/objections`, { applicationId: ids[0], content: '公示前的来信', receivedOn: c.today() }))
        .status,
    ).toBe(409);
    expect((await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: c.dayFromToday(90) })).status).toBe(400);
    expect((await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: '2026-13-01' })).status).toBe(400);
    const notice = await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: c.dayFromToday(5) });
    expect(notice.status).toBe(200);
    version = notice.body.list.version;
    expect((await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.dayFromToday(1), end: c.dayFromToday(7) })).status).toBe(
      400,
    );
    expect((await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: c.dayFromToday(4) })).status).toBe(400);
    const extended = await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: c.dayFromToday(7) });
    expect(extended.status).toBe(200);
    expect(extended.body.list.noticeEnd).toBe(c.dayFromToday(7));
    version = extended.body.list.version;
  });

  test('a dismissed objection leaves the application on the list; an upheld one may reject it with the reason', async () => {
    const first = await post(
      `/api/v1/city/lists/${listId}/objections`,
      { applicationId: ids[0], content: '怀疑合同金额虚高', receivedOn: c.today() },
      c.finance.token,
    );
    expect(first.status).toBe(201);
    const second = await post(`/api/v1/city/lists/${listId}/objections`, {
      applicationId: ids[1],
      content: '该企业已获省级上云补助',
      objector: '某企业员工',
      receivedOn: c.today(),
    });
    expect(second.status).toBe(201);
    expect((await post(`/api/v1/city/objections/${first.body.objection.id}/decide`, { decision: 'maybe', reason: '核查' })).status).toBe(
      400,
    );

    const dismissed = await post(`/api/v1/city/objections/${first.body.objection.id}/decide`, {
      decision: 'dismissed',
      reason: '经核对合同与付款凭证，金额属实',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.outcome).toBeNull();
    expect(await status(ids[0])).toBe('listed');

    const upheld = await post(`/api/v1/city/objections/${second.body.objection.id}/decide`, {
      decision: 'upheld',
      reason: '已获省级补助，按就高不重复原则不再补助',
      outcome: 'reject',
    });
    expect(upheld.status).toBe(200);
    expect(upheld.body.outcome).toBe('reject');
    const detail = (await c.t.http.get(`/api/v1/city/applications/${ids[1]}`).set(bearer(c.miit.token))).body.application;
    expect(detail).toMatchObject({ status: 'rejected', listId: null, lastReason: expect.stringContaining('就高不重复') });
    expect(upheld.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[2]]);
    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: ids[1] }));
    expect(events.map((e) => e.event)).toEqual(['city_approve', 'put_on_list', 'city_reject']);
    version = upheld.body.list.version;
  });

  test('after the notice the list is approved without the rejected one; the overview shows what remains', async () => {
    c.clock.now += 8 * DAY;
    const approved = await post(`/api/v1/city/lists/${listId}/approve`, { version }, c.finance2.token);
    expect(approved.status).toBe(200);
    expect(approved.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [ids[0], 'approved'],
      [ids[2], 'approved'],
    ]);
    expect(approved.body.totals.verifiedFen).toBe(12_000_000);
    // The dismissed objection, decided again on the approved list: decided already, as before the approval.
    const [dismissed] = approved.body.objections as { id: string; decision: string }[];
    expect(dismissed.decision).toBe('dismissed');
    const again = await post(`/api/v1/city/objections/${dismissed.id}/decide`, { decision: 'upheld', reason: '再次核查' });
    expect([again.status, again.body.error.code, again.body.error.message]).toEqual([409, 'already_decided', '这件异议已经处理过了']);
    const lists = await c.t.http.get(`/api/v1/city/lists?status=approved`).set(bearer(c.finance.token));
    expect(lists.body.items).toEqual([
      expect.objectContaining({ id: listId, itemCount: 2, verifiedTotalFen: 12_000_000, statusLabel: '已审批' }),
    ]);
    expect((await c.t.http.get('/api/v1/city/lists?status=bogus').set(bearer(c.finance.token))).status).toBe(400);
    expect((await c.t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(c.county.token))).status).toBe(403);
  });
});
