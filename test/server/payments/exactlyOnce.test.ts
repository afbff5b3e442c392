import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication } from '../../helpers/applications';
import { startPaymentJobs } from '../../../server/src/modules/payments/jobs';
import { createLogger } from '../../../server/src/logger';
import { insertMember } from '../../../server/src/db/enterprises';
import {
  countAuditRecords,
  countLivePaymentsOfRequest,
  countNotifications,
  setPaymentRequestCheckedAt,
  setPaymentRequestExpiresAt,
} from '../../../server/src/db/testing';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';

/**
 * Issue 7, "exactly once": one out_trade_no per payment request, an order reused by every later tap,
 * a query (never a new order) after an unclear answer, and the sweeper for what no callback told us.
 */
describe('one order per payment request, paid once', () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'once');
  });
  afterAll(() => t.close());

  const pay = () => t.sandbox.control.pay;
  const paidAudits = (id: string) => t.db.read((tx) => countAuditRecords(tx, { entityId: id, action: 'payment.paid' }));

  test('100 concurrent pay attempts: one order at WeChat Pay, one charge, one verified payment', async () => {
    const app = await seedApplication(t.db, p.enterprise, p.provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-ONCE' });
    const id = await requestPayment(t, p, 3_000_000, { applicationId: app.id });
    const before = pay().ordersCreated();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(new Set(answers.map((a) => a.body.package)).size).toBe(1);
    expect(pay().ordersCreated() - before).toBe(1);

    const no = await outTradeNoOf(t, id);
    const first = await pay().payOrder(p.merchant.mchid, no);
    // WeChat Pay repeats its callbacks; all at once, too.
    await Promise.all([1, 2, 3, 4, 5].map(() => pay().redeliver(first!.notificationId)));
    expect(
      pay()
        .deliveries()
        .filter((d) => d.notificationId === first!.notificationId)
        .every((d) => d.status === 204),
    ).toBe(true);
    expect(await t.db.read((tx) => countLivePaymentsOfRequest(tx, id))).toBe(1);
    expect(await paidAudits(id)).toBe(1);
    expect(
      await t.db.read((tx) => countNotifications(tx, { template: 'payment.paid_payer', channel: 'inbox', recipientUserId: p.ent.userId })),
    ).toBeGreaterThanOrEqual(1);
    expect((await t.http.get(`/api/v1/applications/${app.id}`).set(bearer(p.ent.token))).body.application.paidAmountFen).toBe(3_000_000);
  });

  test('an order accepted but never answered: the next tap asks first and gets the same order', async () => {
    const id = await requestPayment(t, p, 88_800);
    const before = pay().ordersCreated();
    pay().payFault('jsapi', 'accept-then-drop');
    const lost = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(lost.status).toBe(502);
    expect(lost.body.error.message).toMatch(/不会重复下单/);
    const no = await outTradeNoOf(t, id);
    expect(pay().order(p.merchant.mchid, no)?.tradeState ?? pay().order(p.merchant.mchid, no)).toBeTruthy();
    const retry = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(retry.status).toBe(200);
    expect(retry.body.package).toBe(`prepay_id=${pay().order(p.merchant.mchid, no)!.prepayId}`);
    expect(pay().ordersCreated() - before).toBe(1);
  });

  test('a crash after WeChat Pay accepted and before our commit, the callback lost: the sweeper finds it paid; nothing is charged twice', async () => {
    const id = await requestPayment(t, p, 66_600);
    pay().payFault('jsapi', 'accept-then-drop');
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).status).toBe(502);
    const no = await outTradeNoOf(t, id);
    await pay().payOrder(p.merchant.mchid, no, { deliver: false });
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status).toBe('created');
    const report = await t.services.reconciler.sweep();
    expect(report.paid).toBeGreaterThanOrEqual(1);
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment).toMatchObject({
      status: 'paid',
      verifiedPaidFen: 66_600,
    });
    const again = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(again.body.error.code).toBe('already_paid');
    expect(
      pay()
        .orders(p.merchant.mchid)
        .filter((o) => o.outTradeNo === no),
    ).toHaveLength(1);
    // The late callback changes nothing.
    await pay().deliverPending();
    expect(await paidAudits(id)).toBe(1);
  });

  test('while WeChat Pay cannot say what happened, no second order is made', async () => {
    const id = await requestPayment(t, p, 12_300);
    pay().payFault('jsapi', 'error500');
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).status).toBe(502);
    pay().payFault('query', 'error500');
    const unclear = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(unclear.status).toBe(502);
    const no = await outTradeNoOf(t, id);
    expect(pay().order(p.merchant.mchid, no)).toBeNull();
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).status).toBe(200);
    expect(
      pay()
        .orders(p.merchant.mchid)
        .filter((o) => o.outTradeNo === no),
    ).toHaveLength(1);
  });

  test('orders left open are closed after their time; one paid meanwhile is recorded as paid', async () => {
    const idle = await requestPayment(t, p, 10_000);
    const raced = await requestPayment(t, p, 20_000);
    for (const id of [idle, raced]) await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    await pay().payOrder(p.merchant.mchid, await outTradeNoOf(t, raced), { deliver: false });
    pay().expireOrder(p.merchant.mchid, await outTradeNoOf(t, idle));
    const past = Date.now() - 1000;
    await t.db.transaction(async (tx) => {
      for (const id of [idle, raced]) await setPaymentRequestExpiresAt(tx, id, past);
    });
    await t.services.reconciler.sweep();
    expect((await t.http.get(`/api/v1/payments/${idle}`).set(bearer(p.ent.token))).body.payment.status).toBe('closed');
    expect(pay().order(p.merchant.mchid, await outTradeNoOf(t, idle))!.tradeState).toBe('CLOSED');
    expect((await t.http.get(`/api/v1/payments/${raced}`).set(bearer(p.ent.token))).body.payment.status).toBe('paid');
    expect((await t.http.post(`/api/v1/payments/${idle}/jsapi`).set(bearer(p.ent.token))).body.error.code).toBe('payment_closed');
  });

  test('another member of the enterprise cannot start a second order under the same number', async () => {
    const colleague = await t.login('once-colleague');
    await t.db.transaction((tx) =>
      insertMember(tx, {
        id: `01J${Date.now()}`.padEnd(26, 'A').slice(0, 26),
        enterpriseId: p.enterprise.id,
        userId: colleague.userId,
        memberRole: 'member',
        status: 'active',
        createdAt: Date.now(),
      }),
    );
    const id = await requestPayment(t, p, 5_000);
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    const other = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(colleague.token));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('other_payer');
  });

  test('the serving process runs the sweeper on its own', async () => {
    const id = await requestPayment(t, p, 4_400);
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    await pay().payOrder(p.merchant.mchid, await outTradeNoOf(t, id), { deliver: false });
    // An open order is asked about again after five minutes without news.
    await t.db.transaction((tx) => setPaymentRequestCheckedAt(tx, id, Date.now() - 6 * 60_000));
    const stop = startPaymentJobs(t.services.reconciler, createLogger({ logLevel: 'silent' }), 20);
    try {
      for (let i = 0; i < 100 && (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status !== 'paid'; i++)
        await new Promise((r) => setTimeout(r, 20));
    } finally {
      await stop();
    }
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status).toBe('paid');
  });
});
