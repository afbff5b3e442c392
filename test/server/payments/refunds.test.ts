import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication } from '../../helpers/applications';
import { reviewer } from '../applications/county/setup';
import { findApplication } from '../../../server/src/db/applications';
import { refundsOf } from '../../../server/src/db/payments/refunds';
import { applicationEventsMatching, forceApplicationColumns, notificationsMatching } from '../../../server/src/db/testing';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';

/** Issue 7, 3 and 6: refunds reduce the verified paid amount, are shown to reviewers, and undo a set 核定金额. */
describe('refunds of platform payments', () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'refund');
  });
  afterAll(() => t.close());

  async function paidFor(applicationId: string | undefined, amountFen: number): Promise<string> {
    const id = await requestPayment(t, p, amountFen, applicationId ? { applicationId } : {});
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, id));
    return id;
  }
  const refund = (id: string, amountFen: number, reason = '服务未开通部分退款') =>
    t.http.post(`/api/v1/providers/me/payments/${id}/refunds`).set(bearer(p.prov.token)).send({ amountFen, reason });

  test('a partial then a full refund by the provider; no more than was paid; nobody else may refund', async () => {
    const id = await paidFor(undefined, 100_000);
    const first = await refund(id, 30_000);
    expect(first.status).toBe(200);
    await t.sandbox.control.pay.settle();
    const after = (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment;
    expect(after).toMatchObject({ status: 'paid', refundedFen: 30_000, verifiedPaidFen: 70_000 });
    expect(after.refunds).toEqual([expect.objectContaining({ amountFen: 30_000, status: 'succeeded', origin: 'platform' })]);
    expect((await refund(id, 70_001)).status).toBe(400);
    expect(
      (
        await t.http
          .post(`/api/v1/providers/me/payments/${id}/refunds`)
          .set(bearer(p.ent.token))
          .send({ amountFen: 1, reason: '企业自己退款' })
      ).status,
    ).toBe(403);
    expect((await refund(id, 70_000)).status).toBe(200);
    await t.sandbox.control.pay.settle();
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment).toMatchObject({
      refundedFen: 100_000,
      verifiedPaidFen: 0,
    });
    // The sandbox saw each refund once, though its callback also came.
    const outTradeNo = await outTradeNoOf(t, id);
    expect(t.sandbox.control.pay.refunds(p.merchant.mchid).filter((r) => r.outTradeNo === outTradeNo)).toHaveLength(2);
  });

  test('a refund made in the merchant console arrives by callback and counts too', async () => {
    const id = await paidFor(undefined, 50_000);
    await t.sandbox.control.pay.merchantRefund(p.merchant.mchid, await outTradeNoOf(t, id), 20_000);
    const pay = (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment;
    expect(pay).toMatchObject({ refundedFen: 20_000, verifiedPaidFen: 30_000 });
    expect(pay.refunds).toEqual([expect.objectContaining({ origin: 'merchant', status: 'succeeded', amountFen: 20_000 })]);
  });

  test('a refund after submission is shown to the county reviewers, with the paid amount reduced', async () => {
    const app = await seedApplication(t.db, p.enterprise, p.provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-RF-1' });
    const id = await paidFor(app.id, 120_000);
    await t.db.transaction((tx) => forceApplicationColumns(tx, [app.id], { status: 'county_review', trackingNo: 'YC202699901' }));
    const miit = await reviewer(t, 'miit-refund', 'county_miit', p.enterprise.countyCode);
    await refund(id, 20_000);
    await t.sandbox.control.pay.settle();
    const view = await t.http.get(`/api/v1/county/applications/${app.id}`).set(bearer(miit.token));
    expect(view.status).toBe(200);
    const body = JSON.stringify(view.body);
    expect(view.body.application?.paidAmountFen ?? view.body.paidAmountFen).toBe(100_000);
    expect(body).toContain('payment_refunded');
    const history: { event: string; data: { paidAmountFen?: number[] } | null }[] = (
      await t.http.get(`/api/v1/applications/${app.id}/history`).set(bearer(p.ent.token))
    ).body.items;
    expect(history.filter((h) => h.event === 'payments').map((h) => h.data?.paidAmountFen)).toEqual([
      [0, 120_000],
      [120_000, 100_000],
    ]);
    const alerted = await t.db.read((tx) => notificationsMatching(tx, { recipientUserId: miit.userId, template: 'queue.new_item' }));
    expect(alerted.length).toBeGreaterThan(0);
  });

  test('with the 核定金额 already set, a refund sends the application back to city review', async () => {
    const app = await seedApplication(t.db, p.enterprise, p.provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-RF-2' });
    const id = await paidFor(app.id, 120_000);
    await t.db.transaction((tx) =>
      forceApplicationColumns(tx, [app.id], { status: 'city_approved', verifiedFen: 60000, trackingNo: 'YC202699902' }),
    );
    await refund(id, 40_000);
    await t.sandbox.control.pay.settle();
    const row = await t.db.read((tx) => findApplication(tx, app.id));
    const rows = row ? [{ status: row.status, verified_fen: row.verifiedFen, paid_amount_fen: row.paidAmountFen }] : [];
    expect(rows[0]).toMatchObject({ status: 'reported', verified_fen: null });
    expect(Number(rows[0].paid_amount_fen)).toBe(80_000);
    const events = (await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: app.id, event: 'payments_reduced' }))).map(
      (e) => ({
        event: e.event,
        actor_role: e.actorRole,
      }),
    );
    expect(events).toEqual([{ event: 'payments_reduced', actor_role: 'wechat_pay' }]);
  });

  test('a refund WeChat Pay has not finished is settled by the sweeper', async () => {
    t.sandbox.control.pay.setManualRefunds(true);
    try {
      const id = await paidFor(undefined, 10_000);
      await refund(id, 10_000);
      expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.refunds[0].status).toBe('processing');
      const outRefundNo: string = (await t.db.read((tx) => refundsOf(tx, [id])))[0].outRefundNo;
      expect(t.sandbox.control.pay.refund(outRefundNo, p.merchant.mchid)?.status).toBe('PROCESSING');
      // It finishes at WeChat Pay, and its callback is lost.
      await t.sandbox.control.pay.completeRefund(outRefundNo, 'SUCCESS', p.merchant.mchid, { deliver: false });
      expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.refundedFen).toBe(0);
      await t.services.reconciler.sweep();
      expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment).toMatchObject({ refundedFen: 10_000 });
    } finally {
      t.sandbox.control.pay.setManualRefunds(false);
    }
  });
});
