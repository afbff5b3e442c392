import { findPaymentRequest } from '../../../server/src/db/payments/orders';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { bearer, outTradeNoOf, payParties, paySignValid, requestPayment, type PayParties } from './harness';

const HOUR = 3_600_000;

/**
 * Issue 15, 2: a prepay_id lives two hours while an order may wait far longer (PAY_ORDER_TTL_MINUTES up
 * to 7 days). The payer's tap after that gets a renewed prepay_id for the same order — JSAPI asked again
 * with the same out_trade_no and parameters — and the sandbox, like WeChat, refuses the stale one.
 */
describe('a prepay_id older than its two hours', () => {
  let t: TestApp;
  let p: PayParties;
  // One clock for the app and the sandbox, moved forward by the test; signatures stay on wall-clock time.
  let shift = 0;

  beforeAll(async () => {
    t = await startTestApp({
      now: () => Date.now() + shift,
      env: { PAY_ORDER_TTL_MINUTES: '720' },
      sandbox: { now: () => Date.now() + shift },
    });
    p = await payParties(t, 'prepay');
  });
  afterAll(() => t.close());

  const prepayOf = (params: { package: string }) => params.package.replace(/^prepay_id=/, '');

  test('within two hours the same prepay_id is signed again; after them it is renewed and the old one refused', async () => {
    const id = await requestPayment(t, p, 12_300);
    const outTradeNo = await outTradeNoOf(t, id);
    const first = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(first.status).toBe(200);
    const created = t.sandbox.control.pay.ordersCreated();

    shift = 1 * HOUR;
    const again = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(again.status).toBe(200);
    expect(prepayOf(again.body)).toBe(prepayOf(first.body));

    shift = 2 * HOUR + 60_000;
    // What the phone still holds from the first tap no longer pays.
    await expect(
      t.sandbox.control.pay.payOrder(p.merchant.mchid, outTradeNo, { prepayId: prepayOf(first.body), deliver: false }),
    ).rejects.toThrow(/expired/);
    const renewed = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(renewed.status).toBe(200);
    expect(prepayOf(renewed.body)).not.toBe(prepayOf(first.body));
    expect(paySignValid(p.merchant, renewed.body)).toBe(true);
    // The same order, not a second one.
    expect(t.sandbox.control.pay.ordersCreated()).toBe(created);
    expect(t.sandbox.control.pay.order(p.merchant.mchid, outTradeNo)?.prepayId).toBe(prepayOf(renewed.body));
    const stored = (await t.db.read((tx) => findPaymentRequest(tx, id)))!;
    expect({ prepayId: stored.prepayId, status: stored.status }).toEqual({ prepayId: prepayOf(renewed.body), status: 'open' });

    // A tap right after signs the renewed one without asking WeChat Pay again.
    const next = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(prepayOf(next.body)).toBe(prepayOf(renewed.body));

    await t.sandbox.control.pay.payOrder(p.merchant.mchid, outTradeNo, { prepayId: prepayOf(renewed.body), deliver: false });
    expect(t.sandbox.control.pay.order(p.merchant.mchid, outTradeNo)?.tradeState).toBe('SUCCESS');
  });

  test('an order paid meanwhile (its callback not yet here) is not renewed: the payer is told it is paid', async () => {
    shift = 0;
    const id = await requestPayment(t, p, 4_500);
    const outTradeNo = await outTradeNoOf(t, id);
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).status).toBe(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, outTradeNo, { deliver: false });
    shift = 3 * HOUR;
    const tap = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(tap.status).toBe(409);
    expect(tap.body.error.code).toBe('already_paid');
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status).toBe('paid');
  });
});
