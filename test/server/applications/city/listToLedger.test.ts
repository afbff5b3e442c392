import type { Response } from 'supertest';
import { openXlsx } from '../../documents/openDocument';
import {
  applicationEventsMatching,
  auditRecordsMatching,
  disbursementsMatching,
  forceApplicationColumns,
} from '../../../../server/src/db/testing';
import { findList } from '../../../../server/src/db/lists';
import { updateUser } from '../../../../server/src/db/users';
import { newId } from '../../../../server/src/ids';
import { DAY, bearer, startCity, type CityHarness } from './cityHarness';

/** Collects a binary response body (the .xlsx) into one Buffer. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (d: Buffer) => chunks.push(d));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/**
 * 三（五）end to end on the API: city MIIT drafts the proposed list, city finance co-signs, a public notice
 * runs, an objection is upheld (that application goes back to city review, the others stay), another
 * finance clerk approves, the money is paid, returned (退汇), paid again and corrected — and the ledger
 * shows every entry with the net.
 */
describe('the proposed list and the disbursement ledger', () => {
  let c: CityHarness;
  const apps: Record<'a' | 'b' | 'c', { id: string; version: number }> = {
    a: { id: '', version: 0 },
    b: { id: '', version: 0 },
    c: { id: '', version: 0 },
  };
  let listId: string;
  let listVersion: number;
  let firstPaymentId: string;

  beforeAll(async () => {
    c = await startCity();
    for (const key of ['a', 'b', 'c'] as const) {
      const row = await c.seed('reported');
      const res = await c.t.http
        .post(`/api/v1/city/applications/${row.id}/opinion`)
        .set(bearer(c.miit.token))
        .send({ version: 1, decision: 'approve', verifiedFen: 6_000_000 });
      expect(res.status).toBe(200);
      apps[key] = { id: row.id, version: res.body.application.version };
    }
    expect((await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(c.finance.token)).send({ budgetFen: 50_000_000 })).status).toBe(
      200,
    );
  });
  afterAll(() => c.close());

  const get = (path: string, token = c.miit.token) => c.t.http.get(path).set(bearer(token));
  const post = (path: string, body: unknown, token: string) =>
    c.t.http
      .post(path)
      .set(bearer(token))
      .send(body as object);
  const appStatus = async (id: string) =>
    (await get(`/api/v1/city/applications/${id}`, c.finance.token)).body.application as {
      status: string;
      version: number;
      listId: string | null;
    };

  test('only city MIIT drafts, and only from applications it has verified', async () => {
    expect((await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps.a.id] }, c.finance.token)).status).toBe(403);
    expect((await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps.a.id] }, c.county.token)).status).toBe(403);

    const unverified = await c.seed('reported');
    const refused = await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps.a.id, unverified.id] }, c.miit.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: 'applicationIds.1', message: expect.stringContaining('市工信局审核中') }]);
    // All or nothing: the good one was not put on a list either.
    expect((await appStatus(apps.a.id)).status).toBe('city_approved');
    expect((await get('/api/v1/city/lists')).body.items).toEqual([]);

    expect((await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps.a.id, apps.a.id] }, c.miit.token)).status).toBe(400);
    expect((await post('/api/v1/city/lists', { year: 1999, applicationIds: [apps.a.id] }, c.miit.token)).status).toBe(400);
    expect((await post('/api/v1/city/lists', { year: c.year + 5, applicationIds: [apps.a.id] }, c.miit.token)).status).toBe(400);
    expect((await post('/api/v1/city/lists', { year: c.year, applicationIds: [newId()] }, c.miit.token)).status).toBe(400);
    expect((await post('/api/v1/city/lists', { year: c.year, applicationIds: [] }, c.miit.token)).status).toBe(400);
  });

  test('the draft: every application listed through the engine, with totals and the budget it commits against', async () => {
    const res = await post('/api/v1/city/lists', { year: c.year, applicationIds: [apps.a.id, apps.b.id, apps.c.id] }, c.miit.token);
    expect(res.status).toBe(201);
    expect(res.body.list).toMatchObject({ status: 'draft', year: c.year, batchNo: 1, version: 1, draftedBy: c.miit.userId });
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([apps.a.id, apps.b.id, apps.c.id]);
    expect(res.body.totals).toEqual({ count: 3, verifiedFen: 18_000_000, payableFen: 18_000_000, contractAmountFen: 36_000_000 });
    expect(res.body.budget).toMatchObject({
      budgetFen: 50_000_000,
      committedBeforeFen: 0,
      listFen: 18_000_000,
      remainingFen: 32_000_000,
      exceedsByFen: 0,
    });
    expect(res.body.budgetWarning).toBeNull();
    expect(res.body.approvalBlockers).toEqual(['名单尚未经市财政局会签']);
    listId = res.body.list.id;
    listVersion = res.body.list.version;
    for (const key of ['a', 'b', 'c'] as const) expect(await appStatus(apps[key].id)).toMatchObject({ status: 'listed', listId });
    const budget = await get(`/api/v1/city/budgets/${c.year}`);
    expect(budget.body.budget).toMatchObject({
      budgetFen: 50_000_000,
      committedFen: 18_000_000,
      reservedFen: 18_000_000,
      disbursedNetFen: 0,
      remainingFen: 32_000_000,
    });

    const doc = await get(`/api/v1/city/lists/${listId}/document.xlsx`, c.finance.token).buffer(true).parse(binary);
    expect(doc.status).toBe(200);
    expect(doc.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = await openXlsx(doc.body as Buffer);
    const sheet = wb.getWorksheet('拟补贴名单')!;
    expect(sheet.getCell(1, 1).text).toContain(`${c.year}年伊春市工业企业上云补助拟补贴名单（第1批）`);
    expect(sheet.getCell(4, 16).value).toBe(6_000_000);
    // Drafted by 市工信局 (its clerk has no name on file: the role's name, never an id); nobody else signed yet.
    const [signatureRow] = [...Array(sheet.rowCount).keys()].map((i) => i + 1).filter((r) => sheet.getCell(r, 1).text.startsWith('拟稿'));
    expect([1, 5, 9].map((col) => sheet.getCell(signatureRow, col).text.split('\n').slice(0, 2).join('／'))).toEqual([
      '拟稿：市工信局（盖章）／经办人：市工信局经办人',
      '会签：市财政局（盖章）／经办人：　　　　　　',
      '审定：市财政局（盖章）／经办人：　　　　　　',
    ]);
  });

  test('city MIIT neither co-signs nor approves; city finance co-signs', async () => {
    expect((await post(`/api/v1/city/lists/${listId}/cosign`, { version: listVersion }, c.miit.token)).status).toBe(403);
    expect((await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.miit.token)).status).toBe(403);
    // Not before co-signing.
    const early = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.finance2.token);
    expect([early.status, early.body.error.code]).toEqual([409, 'not_cosigned']);
    expect(
      (await post(`/api/v1/city/lists/${listId}/notice`, { version: listVersion, start: c.today(), end: c.dayFromToday(3) }, c.miit.token))
        .status,
    ).toBe(409);

    const signed = await post(`/api/v1/city/lists/${listId}/cosign`, { version: listVersion }, c.finance.token);
    expect(signed.status).toBe(200);
    expect(signed.body.list).toMatchObject({ status: 'cosigned', cosignedBy: c.finance.userId });
    listVersion = signed.body.list.version;
    expect((await post(`/api/v1/city/lists/${listId}/cosign`, { version: listVersion }, c.finance2.token)).status).toBe(409);
  });

  test('the notice (公示) runs; an objection is recorded; approval waits for both', async () => {
    const backwards = await post(
      `/api/v1/city/lists/${listId}/notice`,
      { version: listVersion, start: c.dayFromToday(3), end: c.today() },
      c.miit.token,
    );
    expect(backwards.status).toBe(400);
    const beforeCosign = await post(
      `/api/v1/city/lists/${listId}/notice`,
      { version: listVersion, start: c.dayFromToday(-10), end: c.dayFromToday(2) },
      c.miit.token,
    );
    expect(beforeCosign.status).toBe(400);
    const notice = await post(
      `/api/v1/city/lists/${listId}/notice`,
      { version: listVersion, start: c.today(), end: c.dayFromToday(3) },
      c.miit.token,
    );
    expect(notice.status).toBe(200);
    expect(notice.body.list).toMatchObject({ status: 'notice', noticeStart: c.today(), noticeEnd: c.dayFromToday(3) });
    listVersion = notice.body.list.version;

    expect(
      (
        await post(
          `/api/v1/city/lists/${listId}/objections`,
          { applicationId: apps.b.id, content: '该企业实际未使用云服务', receivedOn: c.dayFromToday(1) },
          c.miit.token,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await post(
          `/api/v1/city/lists/${listId}/objections`,
          { applicationId: newId(), content: '不在名单上的企业', receivedOn: c.today() },
          c.miit.token,
        )
      ).status,
    ).toBe(400);
    const objection = await post(
      `/api/v1/city/lists/${listId}/objections`,
      { applicationId: apps.b.id, content: '该企业上云系统上线后即停用，实际未使用云服务', objector: '匿名来信', receivedOn: c.today() },
      c.miit.token,
    );
    expect(objection.status).toBe(201);
    expect(objection.body.objection).toMatchObject({ decision: 'pending', applicationId: apps.b.id });

    const detail = await get(`/api/v1/city/lists/${listId}`, c.finance2.token);
    listVersion = detail.body.list.version;
    expect(detail.body.approvalBlockers).toEqual([`公示期至${c.dayFromToday(3)}结束，期满后才能审批`, '有1件公示异议尚未处理']);
    const running = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.finance2.token);
    expect([running.status, running.body.error.code]).toEqual([409, 'notice_running']);

    c.clock.now += 4 * DAY; // the notice has run out
    const pending = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.finance2.token);
    expect([pending.status, pending.body.error.code]).toEqual([409, 'objection_pending']);
    expect((await get(`/api/v1/city/lists/${listId}`)).body.list.status).toBe('notice');
  });

  test('an upheld objection takes that application back to city review; the rest of the list goes on', async () => {
    const [objection] = (await get(`/api/v1/city/lists/${listId}`)).body.objections as { id: string }[];
    expect(
      (
        await post(
          `/api/v1/city/objections/${objection.id}/decide`,
          { decision: 'upheld', reason: '经核查，该企业云服务已停用' },
          c.finance.token,
        )
      ).status,
    ).toBe(403);
    expect((await post(`/api/v1/city/objections/${objection.id}/decide`, { decision: 'upheld' }, c.miit.token)).status).toBe(400);
    const decided = await post(
      `/api/v1/city/objections/${objection.id}/decide`,
      { decision: 'upheld', reason: '经核查，该企业云服务已停用', outcome: 'back_to_review' },
      c.miit.token,
    );
    expect(decided.status).toBe(200);
    expect(decided.body.objection).toMatchObject({ decision: 'upheld', decidedBy: c.miit.userId });
    expect(decided.body.items.map((i: { id: string }) => i.id)).toEqual([apps.a.id, apps.c.id]);
    expect(decided.body.removedItems).toEqual([
      expect.objectContaining({ id: apps.b.id, status: 'reported', removedReason: expect.stringContaining('该企业云服务已停用') }),
    ]);
    expect(decided.body.totals.verifiedFen).toBe(12_000_000);
    expect(await appStatus(apps.b.id)).toMatchObject({ status: 'reported', listId: null });
    expect(
      (await post(`/api/v1/city/objections/${objection.id}/decide`, { decision: 'dismissed', reason: '重复处理' }, c.miit.token)).status,
    ).toBe(409);
    listVersion = decided.body.list.version;
    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: apps.b.id }));
    expect(events.map((e) => e.event)).toEqual(['city_approve', 'put_on_list', 'take_off_list']);
  });

  test('the co-signer may not approve; another finance clerk approves every remaining item in one go', async () => {
    const stale = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion - 1 }, c.finance2.token);
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version']);
    const cosigner = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.finance.token);
    expect(cosigner.status).toBe(403);
    expect(cosigner.body.error.message).toMatch(/会签/);

    const approved = await post(`/api/v1/city/lists/${listId}/approve`, { version: listVersion }, c.finance2.token);
    expect(approved.status).toBe(200);
    expect(approved.body.list).toMatchObject({ status: 'approved', approvedBy: c.finance2.userId, cosignedBy: c.finance.userId });
    expect(approved.body.approvalBlockers).toEqual([]);
    for (const key of ['a', 'c'] as const) expect((await appStatus(apps[key].id)).status).toBe('approved');
    expect((await appStatus(apps.b.id)).status).toBe('reported');
    const audit = await c.t.db.read((tx) => auditRecordsMatching(tx, { chain: `subsidy_list:${listId}` }));
    expect(audit.map((a) => a.action)).toEqual([
      'list.create',
      'list.cosign',
      'list.notice',
      'list.objection',
      'list.objection_decide',
      'list.approve',
    ]);
    expect((await post(`/api/v1/city/lists/${listId}/approve`, { version: approved.body.list.version }, c.finance2.token)).status).toBe(
      409,
    );
  });

  test('disbursement: finance only, the verified amount, to the enterprise account, exactly once', async () => {
    const a = await appStatus(apps.a.id);
    const url = `/api/v1/city/applications/${apps.a.id}/disbursements`;
    const pay = { version: a.version, amountFen: 6_000_000, voucherNo: 'GK2026-000123', paidOn: c.today() };
    expect((await post(url, pay, c.miit.token)).status).toBe(403);
    expect((await post(url, pay, c.county.token)).status).toBe(403);
    const wrongAmount = await post(url, { ...pay, amountFen: 5_999_999 }, c.finance.token);
    expect([wrongAmount.status, wrongAmount.body.error.details[0].path]).toEqual([400, 'amountFen']);
    expect((await post(url, { ...pay, amountFen: 60000.5 }, c.finance.token)).status).toBe(400);
    expect((await post(url, { ...pay, paidOn: c.dayFromToday(1) }, c.finance.token)).status).toBe(400);
    expect((await post(url, { ...pay, paidOn: '2026-02-30' }, c.finance.token)).status).toBe(400);
    expect((await post(url, { ...pay, voucherNo: '凭证' }, c.finance.token)).status).toBe(400);

    // Four eyes (DESIGN.md): finance2 approved the list, so it may not record the payment; the refusal names who may.
    // The clerk names themself in their profile (issue 14 item 9): refusals and the ledger name them.
    expect((await c.t.http.put('/api/v1/me/display-name').set(bearer(c.finance.token)).send({ displayName: '张会签' })).status).toBe(200);
    const approverPays = await post(url, pay, c.finance2.token);
    expect([approverPays.status, approverPays.body.error.message]).toEqual([
      403,
      '审批这份名单的人不能再登记它的拨付，请由市财政局的其他经办人员（张会签）办理',
    ]);
    expect((await appStatus(apps.a.id)).status).toBe('approved');

    const paid = await post(url, pay, c.finance.token);
    expect(paid.status).toBe(201);
    expect(paid.body.entry).toMatchObject({
      kind: 'payment',
      amountFen: 6_000_000,
      voucherNo: 'GK2026-000123',
      seq: 1,
      accountNo: '0901001234567890123',
    });
    expect(paid.body.application.status).toBe('disbursed');
    expect(paid.body.replayed).toBe(false);
    firstPaymentId = paid.body.entry.id;

    // The same payment sent again (a retry): the recorded entry, nothing new.
    const retry = await post(url, { ...pay, voucherNo: ' gk2026-000123 ' }, c.finance.token);
    expect([retry.status, retry.body.replayed, retry.body.entry.id]).toEqual([200, true, firstPaymentId]);
    // A second payment of a paid application is refused, whatever its voucher.
    const second = await post(url, { ...pay, version: paid.body.application.version, voucherNo: 'GK2026-000999' }, c.finance.token);
    expect([second.status, second.body.error.code]).toEqual([409, 'already_disbursed']);
    // The voucher belongs to this payment: it cannot pay another application.
    const cApp = await appStatus(apps.c.id);
    const reused = await post(`/api/v1/city/applications/${apps.c.id}/disbursements`, { ...pay, version: cApp.version }, c.finance.token);
    expect([reused.status, reused.body.error.code]).toEqual([409, 'voucher_used']);
    const rows = await c.t.db.read((tx) => disbursementsMatching(tx, { applicationId: apps.a.id }));
    expect(rows).toHaveLength(1);
  });

  test('an account in another name is refused', async () => {
    const cApp = await appStatus(apps.c.id);
    await c.t.db.transaction((tx) => forceApplicationColumns(tx, [apps.c.id], { bankAccountName: '张三（个人）' }));
    const res = await post(
      `/api/v1/city/applications/${apps.c.id}/disbursements`,
      { version: cApp.version, amountFen: 6_000_000, voucherNo: 'GK2026-000200', paidOn: c.today() },
      c.finance.token,
    );
    expect([res.status, res.body.error.code]).toEqual([409, 'account_name_mismatch']);
    expect((await appStatus(apps.c.id)).status).toBe('approved');
  });

  test('a returned payment (退汇) is reversed by a new entry; the application is paid again with a new voucher', async () => {
    const a = await appStatus(apps.a.id);
    const reverseUrl = `/api/v1/city/applications/${apps.a.id}/disbursements/${firstPaymentId}/reverse`;
    expect((await post(reverseUrl, { version: a.version, reason: '退', returnedOn: c.today() }, c.finance.token)).status).toBe(400);
    const reversed = await post(
      reverseUrl,
      { version: a.version, reason: '收款账户已销户，款项退回国库', returnedOn: c.today() },
      c.finance.token,
    );
    expect(reversed.status).toBe(201);
    expect(reversed.body.entry).toMatchObject({ kind: 'reversal', amountFen: -6_000_000, correctsId: firstPaymentId, seq: 2 });
    expect(reversed.body.application.status).toBe('approved');
    expect(reversed.body.ledger.netFen).toBe(0);
    const again = await post(
      reverseUrl,
      { version: reversed.body.application.version, reason: '重复登记', returnedOn: c.today() },
      c.finance.token,
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'already_reversed']);

    const url = `/api/v1/city/applications/${apps.a.id}/disbursements`;
    // Four eyes: the 退汇 is confirmed by another finance person before the money goes out again.
    const early = await post(
      url,
      { version: reversed.body.application.version, amountFen: 6_000_000, voucherNo: 'GK2026-000456', paidOn: c.today() },
      c.finance.token,
    );
    expect([early.status, early.body.error.code]).toEqual([409, 'awaiting_confirmation']);
    expect(reversed.body.ledger.awaitingConfirmation).toEqual([reversed.body.entry.id]);
    const confirmUrl = `${url}/${reversed.body.entry.id}/confirm`;
    const self = await post(confirmUrl, {}, c.finance.token);
    expect([self.status, self.body.error.message]).toEqual([403, '登记这笔退汇冲回的人不能再确认它，请由市财政局的其他经办人员办理']);
    const confirmed = await post(confirmUrl, {}, c.finance2.token);
    expect([confirmed.status, confirmed.body.ledger.awaitingConfirmation]).toEqual([200, []]);
    expect((await post(confirmUrl, {}, c.finance2.token)).body.error.code).toBe('already_confirmed');
    expect((await post(`${url}/${firstPaymentId}/confirm`, {}, c.finance2.token)).body.error.code).toBe('not_a_correction');

    const oldVoucher = await post(
      url,
      { version: reversed.body.application.version, amountFen: 6_000_000, voucherNo: 'GK2026-000123', paidOn: c.today() },
      c.finance.token,
    );
    expect([oldVoucher.status, oldVoucher.body.error.code]).toEqual([409, 'voucher_reversed']);
    const repaid = await post(
      url,
      { version: reversed.body.application.version, amountFen: 6_000_000, voucherNo: 'GK2026-000456', paidOn: c.today() },
      c.finance.token,
    );
    expect(repaid.status).toBe(201);
    expect(repaid.body.application.status).toBe('disbursed');
    expect(repaid.body.ledger.entries.map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['payment', 6_000_000],
      ['reversal', -6_000_000],
      ['payment', 6_000_000],
    ]);
    expect(repaid.body.ledger.netFen).toBe(6_000_000);
  });

  test('a correction is a new entry with a reason; the original entry never changes', async () => {
    const ledger = await get(`/api/v1/city/disbursements?applicationId=${apps.a.id}`, c.finance.token);
    const secondPayment = ledger.body.items[2] as { id: string; amountFen: number; voucherNo: string; accountNo: string };
    expect(secondPayment.accountNo).toBe('***************0123');
    const base = `/api/v1/city/applications/${apps.a.id}/disbursements`;
    expect((await post(`${base}/${secondPayment.id}/correct`, { amountFen: -100, reason: '更' }, c.finance.token)).status).toBe(400);
    expect((await post(`${base}/${secondPayment.id}/correct`, { amountFen: 0, reason: '金额录入错误' }, c.finance.token)).status).toBe(400);
    expect((await post(`${base}/${secondPayment.id}/correct`, { amountFen: 100, reason: '金额录入错误' }, c.finance.token)).status).toBe(
      400,
    ); // above the verified amount
    expect(
      (await post(`${base}/${secondPayment.id}/correct`, { amountFen: -6_000_000, reason: '金额录入错误' }, c.finance.token)).status,
    ).toBe(400); // to zero: that is a 退汇
    expect((await post(`${base}/${firstPaymentId}/correct`, { amountFen: -100, reason: '金额录入错误' }, c.finance.token)).status).toBe(
      409,
    ); // reversed already
    const reversal = ledger.body.items[1] as { id: string };
    expect((await post(`${base}/${reversal.id}/correct`, { amountFen: 100, reason: '金额录入错误' }, c.finance.token)).status).toBe(409);
    expect((await post(`${base}/${secondPayment.id}/correct`, { amountFen: -100, reason: '金额录入错误' }, c.miit.token)).status).toBe(403);

    const corrected = await post(
      `${base}/${secondPayment.id}/correct`,
      { amountFen: -100, reason: '国库实际支付 59999.00 元，登记金额有误' },
      c.finance.token,
    );
    expect(corrected.status).toBe(201);
    expect(corrected.body.entry).toMatchObject({
      kind: 'correction',
      amountFen: -100,
      correctsId: secondPayment.id,
      voucherNo: `${secondPayment.voucherNo}/C1`,
      seq: 4,
    });
    expect(corrected.body.ledger.netFen).toBe(5_999_900);
    const [original] = await c.t.db.read((tx) => disbursementsMatching(tx, { id: secondPayment.id }));
    expect(original.amountFen).toBe(6_000_000);
    const second = await post(`${base}/${secondPayment.id}/correct`, { amountFen: 50, reason: '再次核对后补记' }, c.finance.token);
    expect(second.body.entry.voucherNo).toBe(`${secondPayment.voucherNo}/C2`);
  });

  test('the ledger: every entry in order, totals over the filter, and the spreadsheet', async () => {
    const all = await get('/api/v1/city/disbursements', c.miit.token);
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: { kind: string }) => e.kind)).toEqual(['payment', 'reversal', 'payment', 'correction', 'correction']);
    expect(all.body.totals).toEqual({ paymentFen: 12_000_000, correctionFen: -50, reversalFen: -6_000_000, netFen: 5_999_950, count: 5 });
    const page = await get('/api/v1/city/disbursements?limit=2', c.finance.token);
    expect(page.body.items).toHaveLength(2);
    const rest = await get(`/api/v1/city/disbursements?limit=10&after=${page.body.next}`, c.finance.token);
    expect(rest.body.items).toHaveLength(3);
    expect((await get('/api/v1/city/disbursements?kind=reversal', c.finance.token)).body.items).toHaveLength(1);
    expect((await get(`/api/v1/city/disbursements?from=${c.dayFromToday(1)}`, c.finance.token)).body.items).toHaveLength(0);
    expect((await get('/api/v1/city/disbursements?voucherNo=000456', c.finance.token)).body.totals.count).toBe(3);
    expect((await get('/api/v1/city/disbursements?kind=refund', c.finance.token)).status).toBe(400);
    expect((await get('/api/v1/city/disbursements', c.county.token)).status).toBe(403);

    const detail = await get(`/api/v1/city/applications/${apps.a.id}`, c.finance.token);
    expect(detail.body.ledger.netFen).toBe(5_999_950);
    const events = await c.t.db.read((tx) => applicationEventsMatching(tx, { applicationId: apps.a.id }));
    expect(events.map((e) => e.event)).toEqual([
      'city_approve',
      'put_on_list',
      'approve_list',
      'disburse',
      'reverse_payment',
      'ledger_confirm',
      'disburse',
    ]);

    const doc = await get('/api/v1/city/disbursements/document.xlsx', c.finance.token).buffer(true).parse(binary);
    expect(doc.status).toBe(200);
    const wb = await openXlsx(doc.body as Buffer);
    const sheet = wb.getWorksheet('拨付台账')!;
    expect([4, 5, 6, 7, 8].map((r) => sheet.getCell(r, 8).value)).toEqual(['拨付', '退汇冲回', '拨付', '更正', '更正']);
    expect([4, 5, 6, 7, 8].map((r) => sheet.getCell(r, 14).value)).toEqual([6_000_000, -6_000_000, 6_000_000, -100, 50]);
    // 登记人 by name on the sheet and the screen (issue 14 item 9) …
    expect(sheet.getCell(3, 13).value).toBe('登记人');
    expect([4, 5, 6, 7, 8].map((r) => sheet.getCell(r, 13).value)).toEqual(Array(5).fill('张会签'));
    expect(new Set(all.body.items.map((e: { recordedByName: string }) => e.recordedByName))).toEqual(new Set(['张会签']));
    // … and with no name on file, the role's Chinese name: never an id.
    await c.t.db.transaction((tx) => updateUser(tx, c.finance.userId, { displayName: null }));
    const unnamed = await get('/api/v1/city/disbursements/document.xlsx', c.finance.token).buffer(true).parse(binary);
    const unnamedSheet = (await openXlsx(unnamed.body as Buffer)).getWorksheet('拨付台账')!;
    expect([4, 5, 6, 7, 8].map((r) => unnamedSheet.getCell(r, 13).value)).toEqual(Array(5).fill('市财政局经办人'));
    const cells: unknown[] = [];
    unnamedSheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    expect(JSON.stringify(cells)).not.toContain(c.finance.userId);
    expect((await get('/api/v1/city/disbursements', c.finance.token)).body.items[0].recordedByName).toBe('市财政局经办人');
    await c.t.db.transaction((tx) => updateUser(tx, c.finance.userId, { displayName: '张会签' }));

    // The approved list names who did what: 市工信局 drafted, 张会签 co-signed, the other finance clerk approved.
    const listDoc = await get(`/api/v1/city/lists/${listId}/document.xlsx`, c.finance.token).buffer(true).parse(binary);
    const listSheet = (await openXlsx(listDoc.body as Buffer)).getWorksheet('拟补贴名单')!;
    const signed = [...Array(listSheet.rowCount).keys()].map((i) => i + 1).find((r) => listSheet.getCell(r, 1).text.startsWith('拟稿'));
    expect([1, 5, 9].map((col) => listSheet.getCell(signed!, col).text.split('\n')[1])).toEqual([
      '经办人：市工信局经办人',
      '经办人：张会签',
      '经办人：市财政局经办人',
    ]);

    // The budget now counts the money paid (net) for A and the reserved amount for C.
    const budget = await get(`/api/v1/city/budgets/${c.year}`);
    expect(budget.body.budget).toMatchObject({ committedFen: 5_999_950 + 6_000_000, disbursedNetFen: 5_999_950, reservedFen: 6_000_000 });
  });

  test('nothing in the ledger can be updated or deleted through the API', async () => {
    for (const method of ['put', 'patch', 'delete'] as const) {
      const res = await c.t.http[method](`/api/v1/city/applications/${apps.a.id}/disbursements/${firstPaymentId}`)
        .set(bearer(c.finance2.token))
        .send({ amountFen: 1 });
      expect([404, 405]).toContain(res.status);
    }
    const list = (await c.t.db.read((tx) => findList(tx, listId)))!;
    expect(list.status).toBe('approved');
  });
});
