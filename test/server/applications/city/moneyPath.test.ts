import {
  applicationEventsMatching,
  auditRecordsMatching,
  countDisbursements,
  notificationsMatching,
} from '../../../../server/src/db/testing';
import { insertGrant, updateUser } from '../../../../server/src/db/users';
import { newId } from '../../../../server/src/ids';
import { verifyAuditTrail } from '../../../../server/src/modules/audit/audit';
import { DAY, bearer, startCity, type CityHarness } from './cityHarness';

/**
 * Issue 14 items 3 and 6: the whole money path with exactly two city finance people — co-sign, approve,
 * pay, 退汇, an account change (refused once, then confirmed), pay again, a correction — and four eyes
 * without deadlock: the approver does not pay, the confirmer of an account change does not record the next
 * payment, and every refusal names who may act instead (DESIGN.md "Four eyes", "Corrections after the fact").
 */
describe('the money path with two city finance people', () => {
  let c: CityHarness;
  let appId: string;
  let enterpriseName: string;
  let listId: string;
  let firstPaymentId: string;
  // 甲 co-signs the list, 乙 approves it: the only two city finance people.
  const A = () => c.finance;
  const B = () => c.finance2;

  beforeAll(async () => {
    c = await startCity();
    await c.t.db.transaction((tx) => updateUser(tx, c.finance.userId, { displayName: '甲会签' }));
    await c.t.db.transaction((tx) => updateUser(tx, c.finance2.userId, { displayName: '乙审批' }));
    // The role every member of an enterprise acts in (what joining an enterprise grants).
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
    const row = await c.seed('reported');
    appId = row.id;
    enterpriseName = row.bankAccountName!;
    const opinion = await post(
      `/api/v1/city/applications/${appId}/opinion`,
      { version: 1, decision: 'approve', verifiedFen: 6_000_000 },
      c.miit.token,
    );
    expect(opinion.status).toBe(200);
    expect((await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(A().token)).send({ budgetFen: 50_000_000 })).status).toBe(200);
  });
  afterAll(() => c.close());

  const post = (path: string, body: object, token: string) => c.t.http.post(path).set(bearer(token)).send(body);
  const app = async () =>
    (await c.t.http.get(`/api/v1/city/applications/${appId}`).set(bearer(A().token))).body.application as {
      status: string;
      version: number;
    };
  const inbox = (userId: string, template: string) =>
    c.t.db.read(async (tx) =>
      (await notificationsMatching(tx, { recipientUserId: userId, template, channel: 'inbox' })).filter((n) =>
        JSON.stringify(n.payload).includes(appId),
      ),
    );
  const pay = async (token: string, voucherNo: string) =>
    post(
      `/api/v1/city/applications/${appId}/disbursements`,
      { version: (await app()).version, amountFen: 6_000_000, voucherNo, paidOn: c.today() },
      token,
    );
  const newAccount = () => ({
    accountName: enterpriseName,
    bankName: '中国建设银行伊春分行',
    accountNo: '6217 0000 1111 2222 333',
    reason: '原账户已销户',
  });

  test('co-sign by 甲, notice, approval by 乙', async () => {
    const list = await post('/api/v1/city/lists', { year: c.year, applicationIds: [appId] }, c.miit.token);
    expect(list.status).toBe(201);
    listId = list.body.list.id;
    const cosigned = await post(`/api/v1/city/lists/${listId}/cosign`, { version: list.body.list.version }, A().token);
    expect(cosigned.status).toBe(200);
    const notice = await post(
      `/api/v1/city/lists/${listId}/notice`,
      { version: cosigned.body.list.version, start: c.today(), end: c.dayFromToday(3) },
      c.miit.token,
    );
    expect(notice.status).toBe(200);
    c.clock.now += 4 * DAY;
    const approved = await post(`/api/v1/city/lists/${listId}/approve`, { version: notice.body.list.version }, B().token);
    expect([approved.status, approved.body.list?.approvedBy]).toEqual([200, B().userId]);
  });

  test('乙 approved the list, so 甲 pays; 乙 is told who may', async () => {
    const refused = await pay(B().token, 'GK2026-100001');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      '审批这份名单的人不能再登记它的拨付，请由市财政局的其他经办人员（甲会签）办理',
    ]);
    expect((await app()).status).toBe('approved');
    const paid = await pay(A().token, 'GK2026-100001');
    expect(paid.status).toBe(201);
    expect(paid.body.entry).toMatchObject({ kind: 'payment', accountNo: '0901001234567890123', recordedBy: A().userId });
    firstPaymentId = paid.body.entry.id;
    // Paid: the account can no longer change (until a 退汇).
    const closed = await post(
      `/api/v1/applications/${appId}/account-changes`,
      { version: paid.body.application.version, ...newAccount() },
      c.enterpriseUser.token,
    );
    expect([closed.status, closed.body.error.code]).toEqual([409, 'account_change_closed']);
  });

  test('退汇: back to approved, where the enterprise may ask to change its account', async () => {
    const reversed = await post(
      `/api/v1/city/applications/${appId}/disbursements/${firstPaymentId}/reverse`,
      { version: (await app()).version, reason: '收款账户已销户，款项退回国库', returnedOn: c.today() },
      A().token,
    );
    expect(reversed.status).toBe(201);
    expect(reversed.body.application.status).toBe('approved');
    // Recorded by 甲, confirmed by 乙 (DESIGN.md "Four eyes"); 甲 is told who may.
    const confirmUrl = `/api/v1/city/applications/${appId}/disbursements/${reversed.body.entry.id}/confirm`;
    const self = await post(confirmUrl, {}, A().token);
    expect([self.status, self.body.error.message]).toEqual([
      403,
      '登记这笔退汇冲回的人不能再确认它，请由市财政局的其他经办人员（乙审批）办理',
    ]);
    const confirmed = await post(confirmUrl, {}, B().token);
    expect([confirmed.status, confirmed.body.ledger.awaitingConfirmation]).toEqual([200, []]);
  });

  test('the enterprise asks; wrong name and a second open request are refused; city finance is alerted', async () => {
    const url = `/api/v1/applications/${appId}/account-changes`;
    const version = (await app()).version;
    const otherName = await post(url, { version, ...newAccount(), accountName: '张三' }, c.enterpriseUser.token);
    expect([otherName.status, otherName.body.error.details]).toEqual([400, [{ path: 'accountName', message: '开户名称须与企业名称一致' }]]);
    expect((await post(url, { version, ...newAccount(), accountNo: '12ab' }, c.enterpriseUser.token)).status).toBe(400);
    expect((await post(url, { version, ...newAccount() }, c.miit.token)).status).toBe(403);
    expect((await post(url, { version, ...newAccount() }, A().token)).status).toBe(403);

    const first = await post(url, { version, ...newAccount(), accountNo: '6217000011112222444' }, c.enterpriseUser.token);
    expect(first.status).toBe(201);
    expect(first.body.change).toMatchObject({
      status: 'requested',
      statusLabel: '收款账户变更待确认',
      oldAccount: { accountName: enterpriseName, bankName: '中国工商银行伊春分行', accountNo: '0901001234567890123' },
      newAccount: { accountName: enterpriseName, bankName: '中国建设银行伊春分行', accountNo: '6217000011112222444' },
    });
    const twice = await post(url, { version, ...newAccount() }, c.enterpriseUser.token);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'account_change_pending']);
    for (const p of [A(), B()]) {
      const alerts = await inbox(p.userId, 'queue.new_item');
      expect(alerts.map((n) => (n.payload as { title: string }).title)).toContain('待办：收款账户变更待确认');
    }
    expect(await inbox(c.enterpriseUser.userId, 'queue.new_item')).toEqual([]);

    const waiting = await c.t.http.get('/api/v1/city/account-changes').set(bearer(A().token));
    expect(waiting.body.items.map((i: { id: string }) => i.id)).toContain(first.body.change.id);
    expect((await c.t.http.get('/api/v1/city/account-changes').set(bearer(c.enterpriseUser.token))).status).toBe(403);

    // Refused (a reason is required): the account stays; the enterprise hears why.
    expect((await post(`/api/v1/city/account-changes/${first.body.change.id}/refuse`, { version: 1 }, A().token)).status).toBe(400);
    const refused = await post(
      `/api/v1/city/account-changes/${first.body.change.id}/refuse`,
      { version: 1, reason: '账号位数有误，请核对' },
      A().token,
    );
    expect(refused.status).toBe(200);
    expect(refused.body.change).toMatchObject({ status: 'refused', decidedByName: '甲会签', decisionReason: '账号位数有误，请核对' });
    const again = await post(`/api/v1/city/account-changes/${first.body.change.id}/confirm`, { version: 2 }, B().token);
    expect([again.status, again.body.error.message]).toEqual([409, '这项收款账户变更已经不同意，如需变更请企业重新申请']);
    const told = await inbox(c.enterpriseUser.userId, 'application.status');
    expect(told.map((n) => (n.payload as { body: string }).body).join('\n')).toContain(
      '收款账户变更未获同意，补助仍拨付到原账户。意见：账号位数有误，请核对。',
    );
  });

  test('甲 may not confirm (乙 approved the list: nobody would be left to pay); 乙 confirms; 乙 may not pay, 甲 pays to the new account', async () => {
    const url = `/api/v1/applications/${appId}/account-changes`;
    const second = await post(url, { version: (await app()).version, ...newAccount() }, c.enterpriseUser.token);
    expect(second.status).toBe(201);
    const id = second.body.change.id as string;

    const deadlock = await post(`/api/v1/city/account-changes/${id}/confirm`, { version: 1 }, A().token);
    expect([deadlock.status, deadlock.body.error.message]).toEqual([
      403,
      '您确认后将没有人能登记下一笔拨付（审批名单的人和确认变更的人都不能登记），请由市财政局的乙审批确认',
    ]);
    const confirmed = await post(`/api/v1/city/account-changes/${id}/confirm`, { version: 1 }, B().token);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.change).toMatchObject({ status: 'confirmed', decidedByName: '乙审批' });
    const told = await inbox(c.enterpriseUser.userId, 'application.status');
    expect(told.map((n) => (n.payload as { body: string }).body).join('\n')).toContain('收款账户变更已确认，补助将拨付到新账户');
    // Nobody in city finance is alerted of what they just decided.
    expect((await inbox(B().userId, 'application.status')).length).toBe(0);

    const confirmerPays = await pay(B().token, 'GK2026-100002');
    expect([confirmerPays.status, confirmerPays.body.error.message]).toEqual([
      403,
      '审批这份名单的人不能再登记它的拨付，请由市财政局的其他经办人员（甲会签）办理',
    ]);
    const paid = await pay(A().token, 'GK2026-100002');
    expect(paid.status).toBe(201);
    expect(paid.body.entry).toMatchObject({
      kind: 'payment',
      accountName: enterpriseName,
      bankName: '中国建设银行伊春分行',
      accountNo: '6217000011112222333',
    });
    expect(paid.body.ledger.entries.map((e: { kind: string; accountNo: string }) => [e.kind, e.accountNo])).toEqual([
      ['payment', '0901001234567890123'],
      ['reversal', '0901001234567890123'],
      ['payment', '6217000011112222333'],
    ]);

    const correction = await post(
      `/api/v1/city/applications/${appId}/disbursements/${paid.body.entry.id}/correct`,
      { amountFen: -100, reason: '国库实际支付 59,999.00 元，登记金额有误' },
      A().token,
    );
    expect(correction.status).toBe(201);
    expect(correction.body.entry).toMatchObject({ kind: 'correction', accountNo: '6217000011112222333' });
    expect(correction.body.ledger.awaitingConfirmation).toEqual([correction.body.entry.id]);
    const confirmUrl = `/api/v1/city/applications/${appId}/disbursements/${correction.body.entry.id}/confirm`;
    const self = await post(confirmUrl, {}, A().token);
    expect([self.status, self.body.error.message]).toEqual([403, '登记这笔更正的人不能再确认它，请由市财政局的其他经办人员（乙审批）办理']);
    const settled = await post(confirmUrl, {}, B().token);
    expect([settled.status, settled.body.ledger.awaitingConfirmation, settled.body.ledger.netFen]).toEqual([200, [], 5_999_900]);
  });

  test('the history keeps both accounts; the audit chain holds; the enterprise sees its requests', async () => {
    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: appId }));
    expect(events.map((e) => e.event)).toEqual([
      'city_approve',
      'put_on_list',
      'approve_list',
      'disburse',
      'reverse_payment',
      'ledger_confirm',
      'account_change_request',
      'account_change_refuse',
      'account_change_request',
      'account_change_confirm',
      'disburse',
      'ledger_confirm',
    ]);
    const confirm = events.find((e) => e.event === 'account_change_confirm')!;
    expect(confirm).toMatchObject({ actorId: B().userId, fromStatus: 'approved', toStatus: 'approved' });
    expect(confirm.data).toMatchObject({
      oldAccount: { accountNo: '0901001234567890123', bankName: '中国工商银行伊春分行' },
      newAccount: { accountNo: '6217000011112222333', bankName: '中国建设银行伊春分行' },
    });
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `application:${appId}` }));
    expect(audit.map((a) => a.action).filter((a) => a.includes('account_change'))).toEqual([
      'application.account_change_request',
      'application.account_change_refuse',
      'application.account_change_request',
      'application.account_change_confirm',
    ]);
    expect(audit.map((a) => a.action).filter((a) => a.startsWith('disbursement.'))).toEqual([
      'disbursement.confirm',
      'disbursement.correct',
      'disbursement.confirm',
    ]);
    expect((await verifyAuditTrail(c.t.db, c.t.config.auditKey)).problems).toEqual([]);

    const mine = await c.t.http.get(`/api/v1/applications/${appId}/account-changes`).set(bearer(c.enterpriseUser.token));
    expect(mine.body.items.map((i: { status: string }) => i.status)).toEqual(['refused', 'confirmed']);
    expect(await c.t.db.read((tx) => countDisbursements(tx, { applicationId: appId }))).toBe(4);
  });
});
