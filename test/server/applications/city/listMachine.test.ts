import { auditRecordsMatching } from '../../../../server/src/db/testing';
import { listMachine } from '../../../../shared/src/workflow/subsidyList';
import { bearer, startCity, type CityHarness } from './cityHarness';

/**
 * Every change of a proposed list goes through its machine (shared/src/workflow/subsidyList.ts): a
 * refused event is answered in the machine's words with the API's code for it, and changes nothing —
 * neither the list's version nor its audit chain; each change that goes through writes one audit row.
 */
describe('the proposed list, driven by its machine', () => {
  let c: CityHarness;
  let listId: string;
  let version: number;
  const apps: string[] = [];

  beforeAll(async () => {
    c = await startCity();
    for (let i = 0; i < 3; i++) apps.push((await c.seed('city_approved', { verifiedFen: 6_000_000 })).id);
  });
  afterAll(() => c.close());

  const post = (path: string, body: object, token = c.miit.token) => c.t.http.post(path).set(bearer(token)).send(body);
  const auditActions = async () =>
    (await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `subsidy_list:${listId}` }))).map((a) => a.action);
  /** The refusal, and that the list is as it was. */
  async function refused(
    res: { status: number; body: { error: { code: string; message: string } } },
    status: number,
    code: string,
    message: string,
  ) {
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([status, code, message]);
    const now = await c.t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(c.miit.token));
    expect(now.body.list.version).toBe(version);
  }

  test('a draft: what is not on it cannot be taken off, no objection before a notice, an empty draft is not co-signed', async () => {
    const created = await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps[0]] });
    expect(created.status).toBe(201);
    listId = created.body.list.id;
    version = created.body.list.version;

    await refused(
      await post(`/api/v1/city/lists/${listId}/items/${apps[1]}/remove`, { version, reason: '不在名单上' }),
      404,
      'not_found',
      listMachine.guards.itemOnList({ applicationOnList: false } as never)!,
    );
    await refused(
      await post(`/api/v1/city/lists/${listId}/objections`, { applicationId: apps[0], content: '来信反映', receivedOn: c.today() }),
      409,
      'not_in_notice',
      '名单不在公示期，不能登记公示异议',
    );

    const removed = await post(`/api/v1/city/lists/${listId}/items/${apps[0]}/remove`, { version, reason: '合同期限有疑问' });
    expect(removed.status).toBe(200);
    expect(removed.body.totals.count).toBe(0);
    version = removed.body.list.version;
    await refused(
      await post(`/api/v1/city/lists/${listId}/cosign`, { version }, c.finance.token),
      409,
      'empty_list',
      '名单上没有申请，不能会签',
    );
    await refused(
      await post(`/api/v1/city/lists/${listId}/approve`, { version }, c.finance2.token),
      409,
      'not_cosigned',
      '名单须先经市财政局会签，才能审批',
    );
  });

  test('co-signed once; approval needs a budget, and one exceeded only when acknowledged; then the list is final', async () => {
    const added = await post(`/api/v1/city/lists/${listId}/items`, { version, applicationIds: [apps[1], apps[2]] });
    expect(added.status).toBe(200);
    version = added.body.list.version;
    const signed = await post(`/api/v1/city/lists/${listId}/cosign`, { version }, c.finance.token);
    expect(signed.body.list.status).toBe('cosigned');
    version = signed.body.list.version;
    await refused(
      await post(`/api/v1/city/lists/${listId}/cosign`, { version }, c.finance2.token),
      409,
      'invalid_transition',
      '名单已是“已会签”，不能再会签',
    );
    await refused(
      await post(`/api/v1/city/lists/${listId}/items`, { version, applicationIds: [apps[0]] }),
      409,
      'invalid_transition',
      '名单已是“已会签”，不能再增减申请',
    );

    const noBudget = await post(`/api/v1/city/lists/${listId}/approve`, { version }, c.finance2.token);
    await refused(noBudget, 409, 'no_budget', `尚未设定${c.year}年度补助预算，请市财政局先设定预算再审批名单`);
    expect((await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(c.finance.token)).send({ budgetFen: 10_000_000 })).status).toBe(
      200,
    );
    const over = await post(`/api/v1/city/lists/${listId}/approve`, { version }, c.finance2.token);
    expect([over.status, over.body.error.code]).toEqual([409, 'over_budget']);
    expect(over.body.error.details).toEqual([{ path: 'acknowledgeOverBudget', message: '超出预算 20,000.00 元' }]);

    const approved = await post(`/api/v1/city/lists/${listId}/approve`, { version, acknowledgeOverBudget: true }, c.finance2.token);
    expect(approved.status).toBe(200);
    expect(approved.body.list).toMatchObject({ status: 'approved', version: version + 1 });
    expect(approved.body.items.map((i: { status: string }) => i.status)).toEqual(['approved', 'approved']);
    version = approved.body.list.version;
    await refused(
      await post(`/api/v1/city/lists/${listId}/approve`, { version }, c.finance2.token),
      409,
      'invalid_transition',
      '名单已经审批',
    );
    await refused(
      await post(`/api/v1/city/lists/${listId}/notice`, { version, start: c.today(), end: c.dayFromToday(5) }),
      409,
      'invalid_transition',
      '名单已审批，不能再公示',
    );
    expect(await auditActions()).toEqual(['list.create', 'list.remove_item', 'list.add_items', 'list.cosign', 'list.approve']);
  });
});
