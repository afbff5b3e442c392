import { applicationEventsMatching, auditRecordsMatching, notificationsMatching } from '../../../../server/src/db/testing';
import { insertGrant, updateUser } from '../../../../server/src/db/users';
import { newId } from '../../../../server/src/ids';
import { verifyAuditTrail } from '../../../../server/src/modules/audit/audit';
import { DAY, bearer, startCity, type CityHarness, type Person } from './cityHarness';

/**
 * Issue 14 items 3 and 6, the edges the money path test does not walk: the enterprise withdraws an account
 * change before city finance decides (history, audit, finance told it no longer waits); and the deadlock
 * of four eyes with exactly two city finance people — 甲 confirmed an application's account change before
 * the list was co-signed, so 甲 may not co-sign it (乙 would have to approve, and neither the approver nor
 * the confirmer may pay): 乙 co-signs, 甲 approves, 乙 pays. Two changes confirmed by different people on
 * one list cannot be split between two people at all: the refusal says what to do.
 */
describe('account changes: withdrawal, and four eyes without deadlock', () => {
  let c: CityHarness;
  const A = () => c.finance;
  const B = () => c.finance2;

  beforeAll(async () => {
    c = await startCity();
    await c.t.db.transaction((tx) => updateUser(tx, c.finance.userId, { displayName: '甲财政' }));
    await c.t.db.transaction((tx) => updateUser(tx, c.finance2.userId, { displayName: '乙财政' }));
    await c.t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: c.enterpriseUser.userId,
        role: 'enterprise',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: c.clock.now,
      }),
    );
    expect((await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(A().token)).send({ budgetFen: 90_000_000 })).status).toBe(200);
  });
  afterAll(() => c.close());

  const post = (path: string, body: object, who: Person) => c.t.http.post(path).set(bearer(who.token)).send(body);
  const version = async (id: string) =>
    ((await c.t.http.get(`/api/v1/city/applications/${id}`).set(bearer(A().token))).body.application as { version: number }).version;
  const inbox = (userId: string, template: string, appId: string) =>
    c.t.db.read(async (tx) =>
      (await notificationsMatching(tx, { recipientUserId: userId, template, channel: 'inbox' })).filter((n) =>
        JSON.stringify(n.payload).includes(appId),
      ),
    );
  const seeded = async () => {
    const row = await c.seed('city_approved', { verifiedFen: 6_000_000 });
    return { id: row.id, name: row.bankAccountName! };
  };
  const request = async (appId: string, name: string, accountNo: string) =>
    post(
      `/api/v1/applications/${appId}/account-changes`,
      { version: await version(appId), accountName: name, bankName: '伊春农村商业银行', accountNo, reason: '原账户冻结' },
      c.enterpriseUser,
    );

  test('the enterprise withdraws a waiting change: its account stays, finance is told once, the history and audit keep it', async () => {
    const { id: appId, name } = await seeded();
    const asked = await request(appId, name, '6230 5100 0000 1111');
    expect(asked.status).toBe(201);
    const changeId = asked.body.change.id as string;
    const url = `/api/v1/applications/${appId}/account-changes/${changeId}/withdraw`;

    // Not someone else's, not city finance's, not with an old version, not a made-up id.
    expect((await post(url, { version: 1 }, c.miit)).status).toBe(403);
    expect((await post(url, { version: 1 }, c.county)).status).toBe(403);
    expect((await post(url, { version: 9 }, c.enterpriseUser)).status).toBe(409);
    expect((await post(`/api/v1/applications/${appId}/account-changes/${newId()}/withdraw`, { version: 1 }, c.enterpriseUser)).status).toBe(
      404,
    );
    expect((await post(url, {}, c.enterpriseUser)).status).toBe(400);

    const withdrawn = await post(url, { version: 1 }, c.enterpriseUser);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.change).toMatchObject({ status: 'withdrawn', statusLabel: '收款账户变更已被企业撤回' });
    const again = await post(url, { version: 2 }, c.enterpriseUser);
    expect([again.status, again.body.error.message]).toEqual([409, '这项收款账户变更已经撤回了']);
    const late = await post(`/api/v1/city/account-changes/${changeId}/confirm`, { version: 2 }, A());
    expect([late.status, late.body.error.message]).toEqual([409, '企业已撤回这项收款账户变更']);

    const waiting = await c.t.http.get('/api/v1/city/account-changes').set(bearer(A().token));
    expect(waiting.body.items.map((i: { id: string }) => i.id)).not.toContain(changeId);
    const app = (await c.t.http.get(`/api/v1/applications/${appId}`).set(bearer(c.enterpriseUser.token))).body.application;
    expect(app).toMatchObject({ bank: { accountNo: '0901001234567890123' }, status: 'city_approved' });

    for (const p of [A(), B()]) {
      const told = await inbox(p.userId, 'account_change.withdrawn', appId);
      expect(told.map((n) => (n.payload as { body: string }).body)).toEqual([expect.stringContaining('撤回了上云补助申请')]);
      expect((told[0].payload as { body: string }).body).not.toMatch(/[0-9a-f]{8}-|withdrawn/);
    }
    // The enterprise's only member did it: nobody else in it to tell.
    expect((await inbox(c.enterpriseUser.userId, 'application.status', appId)).length).toBe(0);

    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: appId }));
    expect(events.map((e) => [e.event, e.actorRole])).toEqual([
      ['account_change_request', 'enterprise'],
      ['account_change_withdraw', 'enterprise'],
    ]);
    expect(events[1].data).toMatchObject({ status: 'withdrawn', newAccount: { accountNo: '6230510000001111' } });
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `application:${appId}` }));
    expect(audit.map((a) => a.action)).toEqual(['application.account_change_request', 'application.account_change_withdraw']);

    // A new request may follow.
    expect((await request(appId, name, '6230 5100 0000 2222')).status).toBe(201);
    const mine = await c.t.http.get(`/api/v1/applications/${appId}/account-changes`).set(bearer(c.enterpriseUser.token));
    expect(mine.body.items.map((i: { status: string }) => i.status)).toEqual(['withdrawn', 'requested']);
  });

  test('甲 confirmed the change before the list: 甲 may not co-sign (nobody could pay), 乙 co-signs, 甲 approves, 乙 pays the new account', async () => {
    const { id: appId, name } = await seeded();
    const asked = await request(appId, name, '6230 5100 0000 3333');
    const confirmed = await post(`/api/v1/city/account-changes/${asked.body.change.id}/confirm`, { version: 1 }, A());
    expect(confirmed.status).toBe(200);

    const list = await post('/api/v1/city/lists', { year: c.year, applicationIds: [appId] }, c.miit);
    expect(list.status).toBe(201);
    const listId = list.body.list.id as string;
    const refused = await post(`/api/v1/city/lists/${listId}/cosign`, { version: list.body.list.version }, A());
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      '您会签后，这份名单只能由另一位经办人员审批，而审批名单的人和确认收款账户变更的人都不能登记拨付，名单中将有申请没有人能登记拨付，请由市财政局的乙财政会签',
    ]);
    const cosigned = await post(`/api/v1/city/lists/${listId}/cosign`, { version: list.body.list.version }, B());
    expect(cosigned.status).toBe(200);
    c.clock.now += DAY;
    const approved = await post(`/api/v1/city/lists/${listId}/approve`, { version: cosigned.body.list.version }, A());
    expect([approved.status, approved.body.list?.approvedBy]).toEqual([200, A().userId]);

    const pay = (who: Person, voucherNo: string) =>
      version(appId).then((v) =>
        post(`/api/v1/city/applications/${appId}/disbursements`, { version: v, amountFen: 6_000_000, voucherNo, paidOn: c.today() }, who),
      );
    const self = await pay(A(), 'GK2026-300001');
    expect([self.status, self.body.error.message]).toEqual([
      403,
      '审批这份名单的人不能再登记它的拨付，请由市财政局的其他经办人员（乙财政）办理',
    ]);
    const paid = await pay(B(), 'GK2026-300001');
    expect(paid.status).toBe(201);
    expect(paid.body.entry).toMatchObject({ accountNo: '6230510000003333', bankName: '伊春农村商业银行', recordedBy: B().userId });
  });

  test('乙 co-signed, so the list goes to 甲: 乙 may not confirm a change on it, 甲 may', async () => {
    const { id: appId, name } = await seeded();
    const list = await post('/api/v1/city/lists', { year: c.year, applicationIds: [appId] }, c.miit);
    const cosigned = await post(`/api/v1/city/lists/${list.body.list.id}/cosign`, { version: list.body.list.version }, B());
    expect(cosigned.status).toBe(200);
    const asked = await request(appId, name, '6230 5100 0000 4444');
    expect(asked.status).toBe(201);
    const byB = await post(`/api/v1/city/account-changes/${asked.body.change.id}/confirm`, { version: 1 }, B());
    expect([byB.status, byB.body.error.message]).toEqual([
      403,
      '您确认后将没有人能登记下一笔拨付（审批名单的人和确认变更的人都不能登记），请由市财政局的甲财政确认',
    ]);
    expect((await post(`/api/v1/city/account-changes/${asked.body.change.id}/confirm`, { version: 1 }, A())).status).toBe(200);
  });

  test('two changes on one list confirmed by 甲 and by 乙: neither may co-sign, the refusal says how to go on; one moved to the next list, each finishes', async () => {
    const first = await seeded();
    const second = await seeded();
    const a1 = await request(first.id, first.name, '6230 5100 0000 5555');
    expect((await post(`/api/v1/city/account-changes/${a1.body.change.id}/confirm`, { version: 1 }, A())).status).toBe(200);
    const a2 = await request(second.id, second.name, '6230 5100 0000 6666');
    expect((await post(`/api/v1/city/account-changes/${a2.body.change.id}/confirm`, { version: 1 }, B())).status).toBe(200);

    const list = await post('/api/v1/city/lists', { year: c.year, applicationIds: [first.id, second.id] }, c.miit);
    expect(list.status).toBe(201);
    const listId = list.body.list.id as string;
    for (const who of [A(), B()]) {
      const refused = await post(`/api/v1/city/lists/${listId}/cosign`, { version: list.body.list.version }, who);
      expect([refused.status, refused.body.error.message]).toEqual([
        403,
        '您会签后，这份名单只能由另一位经办人员审批，而审批名单的人和确认收款账户变更的人都不能登记拨付，名单中将有申请没有人能登记拨付。名单中的收款账户变更由不同的人确认，市财政局现有人员无法分工：请市工信局把其中一份申请移出本名单列入下一批，或为另一位人员开通市财政局角色',
      ]);
    }
    const removed = await post(
      `/api/v1/city/lists/${listId}/items/${second.id}/remove`,
      { version: list.body.list.version, reason: '收款账户变更由另一位经办人员确认，列入下一批' },
      c.miit,
    );
    expect(removed.status).toBe(200);
    // Taken off a list, an application goes back to city review (take_off_list): city MIIT fixes its amount again.
    const reviewed = await post(
      `/api/v1/city/applications/${second.id}/opinion`,
      { version: await version(second.id), decision: 'approve', verifiedFen: 6_000_000 },
      c.miit,
    );
    expect(reviewed.status).toBe(200);
    const next = await post('/api/v1/city/lists', { year: c.year, applicationIds: [second.id] }, c.miit);
    expect([next.status, next.body.error?.message]).toEqual([201, undefined]);

    // First list: 甲 confirmed, so 乙 co-signs and 甲 approves; second list the other way round.
    for (const [id, cosigner, approver] of [
      [listId, B(), A()],
      [next.body.list.id as string, A(), B()],
    ] as const) {
      const v = (await c.t.http.get(`/api/v1/city/lists/${id}`).set(bearer(A().token))).body.list.version;
      const cosigned = await post(`/api/v1/city/lists/${id}/cosign`, { version: v }, cosigner);
      expect(cosigned.status).toBe(200);
      const approved = await post(`/api/v1/city/lists/${id}/approve`, { version: cosigned.body.list.version }, approver);
      expect(approved.status).toBe(200);
    }
    for (const [app, payer, voucherNo] of [
      [first.id, B(), 'GK2026-300011'],
      [second.id, A(), 'GK2026-300012'],
    ] as const) {
      const paid = await post(
        `/api/v1/city/applications/${app}/disbursements`,
        { version: await version(app), amountFen: 6_000_000, voucherNo, paidOn: c.today() },
        payer,
      );
      expect(paid.status).toBe(201);
    }
    expect((await verifyAuditTrail(c.t.db, c.t.config.auditKey)).problems).toEqual([]);
  });
});
