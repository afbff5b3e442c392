import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication } from '../../helpers/applications';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';
import { setPaymentRequestExpiresAt } from '../../../server/src/db/testing';

/**
 * The payment machine's refusals (shared/src/workflow/payment.ts) as the routes answer them
 * (server/src/modules/payments/decide.ts): the code the mini-program branches on and the Chinese words,
 * and nothing changed.
 */
describe('payment refusals, as the machine decides them', () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'refusals');
  });
  afterAll(() => t.close());

  const jsapi = (id: string) => t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
  const cancel = (id: string) => t.http.post(`/api/v1/providers/me/payments/${id}/cancel`).set(bearer(p.prov.token)).send({});
  const refund = (id: string, amountFen: number) =>
    t.http.post(`/api/v1/providers/me/payments/${id}/refunds`).set(bearer(p.prov.token)).send({ amountFen, reason: '部分服务未开通' });
  const attach = (applicationId: string, paymentId: string) =>
    t.http.post(`/api/v1/applications/${applicationId}/payments/wechat`).set(bearer(p.ent.token)).send({ paymentId });
  const refusal = (res: { status: number; body: { error?: { code: string; message: string } } }) => [
    res.status,
    res.body.error?.code,
    res.body.error?.message,
  ];

  async function paid(amountFen: number): Promise<string> {
    const id = await requestPayment(t, p, amountFen);
    await jsapi(id).expect(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, id));
    return id;
  }

  test('a request past its time is not paid; a withdrawn one neither; withdrawing it again changes nothing', async () => {
    const stale = await requestPayment(t, p, 1_000);
    await t.db.transaction((tx) => setPaymentRequestExpiresAt(tx, stale, Date.now() - 1_000));
    expect(refusal(await jsapi(stale))).toEqual([409, 'payment_expired', '这笔付款请求已过期，请联系服务商重新发起']);

    const id = await requestPayment(t, p, 2_000);
    expect((await cancel(id)).body.payment).toMatchObject({ status: 'closed', orderStatus: 'closed', statusLabel: '已关闭' });
    expect(refusal(await jsapi(id))).toEqual([409, 'payment_closed', '这笔付款已关闭，请联系服务商重新发起付款请求']);
    const again = await cancel(id);
    expect([again.status, again.body.payment.status]).toEqual([200, 'closed']);
  });

  test('only a paid request is refunded, one refund at a time, never above what is left; a paid one is not withdrawn', async () => {
    const unpaid = await requestPayment(t, p, 3_000);
    expect(refusal(await refund(unpaid, 100))).toEqual([409, 'not_paid', '只有已支付的款项可以退款']);

    const id = await paid(10_000);
    expect(refusal(await cancel(id))).toEqual([409, 'already_paid', '这笔款项已经支付，不能撤回；如需退还请办理退款']);
    const over = await refund(id, 10_001);
    expect([over.status, over.body.error.code, over.body.error.message, over.body.error.details]).toEqual([
      400,
      'invalid_input',
      '退款金额超过可退金额（100.00 元）',
      [{ path: 'amountFen', message: '超过可退金额' }],
    ]);
    t.sandbox.control.pay.setManualRefunds(true);
    try {
      expect((await refund(id, 4_000)).status).toBe(200);
      // WeChat Pay has not finished the first one yet.
      expect(refusal(await refund(id, 1_000))).toEqual([409, 'refund_pending', '这笔款项还有一笔退款在处理中，请等它完成后再申请']);
      const first = (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.refunds;
      expect(first).toEqual([expect.objectContaining({ amountFen: 4_000, status: 'processing', statusLabel: '退款中' })]);
      // Closed by WeChat Pay (its callback): failed, and the way is free for another.
      await t.sandbox.control.pay.completeRefund(first[0].outRefundNo as string, 'CLOSED', p.merchant.mchid);
      const closed = (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment;
      expect(closed).toMatchObject({ refundedFen: 0, refunds: [{ status: 'failed', statusLabel: '退款失败' }] });
      expect((await refund(id, 10_000)).status).toBe(200);
      const second = (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.refunds[1];
      await t.sandbox.control.pay.completeRefund(second.outRefundNo as string, 'SUCCESS', p.merchant.mchid);
      expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment).toMatchObject({
        refundedFen: 10_000,
        verifiedPaidFen: 0,
      });
      expect(refusal(await refund(id, 1))).toEqual([400, 'invalid_input', '退款金额超过可退金额（0.00 元）']);
    } finally {
      t.sandbox.control.pay.setManualRefunds(false);
    }
  });

  test('a paid request goes on a draft application only', async () => {
    const unpaid = await requestPayment(t, p, 5_000);
    const draft = await seedApplication(t.db, p.enterprise, p.provider, 'draft');
    expect(refusal(await attach(draft.id, unpaid))).toEqual([409, 'not_paid', '这笔款项还没有支付完成']);

    const id = await paid(5_000);
    const submitted = await seedApplication(t.db, p.enterprise, p.provider, 'county_review');
    expect(refusal(await attach(submitted.id, id))).toEqual([409, 'invalid_transition', '申请提交后不能再添加付款记录']);
    const ok = await attach(draft.id, id);
    expect([ok.status, ok.body]).toEqual([200, { applicationId: draft.id, paymentId: id }]);
  });
});
