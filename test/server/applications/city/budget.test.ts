import { auditRecordsMatching } from '../../../../server/src/db/testing';
import { bearer, startCity, type CityHarness } from './cityHarness';

/**
 * The year's budget and the warning before a list exceeds it: a list that would take the year past its
 * budget shows `budgetWarning` from the moment it is drafted; approving it needs the approver's explicit
 * acknowledgeOverBudget, which the audit records; a year without a budget cannot be approved.
 */
describe('budget (年度预算) and the over-budget warning', () => {
  let c: CityHarness;
  beforeAll(async () => {
    c = await startCity();
  });
  afterAll(() => c.close());

  const put = (year: number | string, body: unknown, token = c.finance.token) =>
    c.t.http
      .put(`/api/v1/city/budgets/${year}`)
      .set(bearer(token))
      .send(body as object);

  async function verified(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = await c.seed('reported');
      const res = await c.t.http
        .post(`/api/v1/city/applications/${row.id}/opinion`)
        .set(bearer(c.miit.token))
        .send({ version: 1, decision: 'approve', verifiedFen: 6_000_000 });
      expect(res.status).toBe(200);
      ids.push(row.id);
    }
    return ids;
  }

  async function cosignedList(year: number, ids: string[]) {
    const draft = await c.t.http.post('/api/v1/city/lists').set(bearer(c.miit.token)).send({ year, applicationIds: ids });
    expect(draft.status).toBe(201);
    const signed = await c.t.http
      .post(`/api/v1/city/lists/${draft.body.list.id}/cosign`)
      .set(bearer(c.finance.token))
      .send({ version: draft.body.list.version });
    expect(signed.status).toBe(200);
    return { draft: draft.body, id: draft.body.list.id as string, version: signed.body.list.version as number };
  }

  test('city finance sets the budget; changing it needs the version; city MIIT only reads it', async () => {
    const year = c.year;
    const unset = await c.t.http.get(`/api/v1/city/budgets/${year}`).set(bearer(c.miit.token));
    expect(unset.body.budget).toMatchObject({ year, budgetFen: null, committedFen: 0, remainingFen: null });
    expect((await put(year, { budgetFen: 10_000_000 }, c.miit.token)).status).toBe(403);
    expect((await put(year, { budgetFen: 10_000_000 }, c.county.token)).status).toBe(403);
    for (const bad of [{}, { budgetFen: -1 }, { budgetFen: 1.5 }, { budgetFen: '100' }, { budgetFen: null }])
      expect((await put(year, bad)).status).toBe(400);
    // A number past a double's range, as JSON text can carry it: JSON.parse makes it Infinity (JSON.stringify would send null).
    const huge = await c.t.http
      .put(`/api/v1/city/budgets/${year}`)
      .set(bearer(c.finance.token))
      .set('content-type', 'application/json')
      .send('{"budgetFen":1e400}');
    expect(huge.status).toBe(400);
    expect(huge.body.error.details).toMatchObject([{ path: 'budgetFen' }]);
    expect((await put('20x6', { budgetFen: 1 })).status).toBe(400);
    expect((await put(year, { budgetFen: 10_000_000, version: 1 })).status).toBe(409); // nothing to update yet

    const set = await put(year, { budgetFen: 10_000_000 });
    expect(set.status).toBe(200);
    expect(set.body.budget).toMatchObject({ budgetFen: 10_000_000, version: 1, remainingFen: 10_000_000, setBy: c.finance.userId });
    const noVersion = await put(year, { budgetFen: 20_000_000 });
    expect([noVersion.status, noVersion.body.error.code]).toEqual([409, 'version_required']);
    // Two clerks change it from the same version: one wins.
    const [x, y] = await Promise.all([
      put(year, { budgetFen: 11_000_000, version: 1 }),
      put(year, { budgetFen: 12_000_000, version: 1 }, c.finance2.token),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const now = await c.t.http.get(`/api/v1/city/budgets/${year}`).set(bearer(c.miit.token));
    expect(now.body.budget.version).toBe(2);
    const back = await put(year, { budgetFen: 10_000_000, version: 2 });
    expect(back.body.budget).toMatchObject({ budgetFen: 10_000_000, version: 3 });
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `budget:${year}` }));
    expect(audit.map((a) => a.action)).toEqual(['budget.set', 'budget.set', 'budget.set']);
  });

  test('a list that would exceed the budget warns from the draft on, and is approved only when the excess is acknowledged', async () => {
    const year = c.year;
    // 60,000元 + 60,000元 against 100,000元.
    const { draft, id, version } = await cosignedList(year, await verified(2));
    expect(draft.budget).toMatchObject({
      budgetFen: 10_000_000,
      committedBeforeFen: 0,
      listFen: 12_000_000,
      remainingFen: -2_000_000,
      exceedsByFen: 2_000_000,
    });
    expect(draft.budgetWarning).toMatch(/超出.*20,000.00 元/);
    const budget = await c.t.http.get(`/api/v1/city/budgets/${year}`).set(bearer(c.finance.token));
    expect(budget.body.budget).toMatchObject({ committedFen: 12_000_000, remainingFen: -2_000_000 });

    const refused = await c.t.http.post(`/api/v1/city/lists/${id}/approve`).set(bearer(c.finance2.token)).send({ version });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'over_budget']);
    // The person reads what to do, not the request's field (issue 14 item 8).
    expect(refused.body.error.message).toMatch(/如确需审批，请确认超出预算后再审批$/);
    expect(refused.body.error.message).not.toMatch(/[A-Za-z]/);
    expect((await c.t.http.get(`/api/v1/city/lists/${id}`).set(bearer(c.finance2.token))).body.list.status).toBe('cosigned');
    expect(
      (
        await c.t.http
          .post(`/api/v1/city/lists/${id}/approve`)
          .set(bearer(c.finance2.token))
          .send({ version, acknowledgeOverBudget: 'yes' })
      ).status,
    ).toBe(400);

    const approved = await c.t.http
      .post(`/api/v1/city/lists/${id}/approve`)
      .set(bearer(c.finance2.token))
      .send({ version, acknowledgeOverBudget: true });
    expect(approved.status).toBe(200);
    expect(approved.body.list.status).toBe('approved');
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `subsidy_list:${id}`, action: 'list.approve' }));
    expect(audit[0].data).toMatchObject({ acknowledgedOverBudget: true, exceedsByFen: 2_000_000, verifiedTotalFen: 12_000_000 });
  });

  test('a second list of the year sees what the first committed', async () => {
    const { draft } = await cosignedList(c.year, await verified(1));
    expect(draft.budget).toMatchObject({ committedBeforeFen: 12_000_000, listFen: 6_000_000, remainingFen: -8_000_000 });
    expect(draft.list.batchNo).toBe(2);
    expect(draft.budgetWarning).toEqual(expect.any(String));
  });

  test('a year without a budget cannot be approved', async () => {
    const { id, version, draft } = await cosignedList(c.year + 1, await verified(1));
    expect(draft.budget.budgetFen).toBeNull();
    expect(draft.budgetWarning).toMatch(/尚未设定/);
    const res = await c.t.http
      .post(`/api/v1/city/lists/${id}/approve`)
      .set(bearer(c.finance2.token))
      .send({ version, acknowledgeOverBudget: true });
    expect([res.status, res.body.error.code]).toEqual([409, 'no_budget']);
    const lists = await c.t.http.get(`/api/v1/city/lists?year=${c.year + 1}`).set(bearer(c.miit.token));
    expect(lists.body.items).toEqual([expect.objectContaining({ id, status: 'cosigned', itemCount: 1, verifiedTotalFen: 6_000_000 })]);
  });
});
