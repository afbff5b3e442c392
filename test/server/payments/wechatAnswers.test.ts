import type { PaymentRefund } from '../../../server/src/db/payments/refunds';
import { countPaymentNotifications, countPaymentRefunds } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { decryptAeadAes256Gcm } from '../../../server/src/wechat/pay/crypto';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';

/**
 * Issue 15, 3, 4 and 7: WeChat Pay as it really answers, through wechatpay-node-v3 and the app. Error
 * answers come unsigned (the sandbox's default) and are read by status and body; 429 and 403 from the
 * gateway are tried again, never taken as a final refusal; a callback's associated_data may be "" or
 * the resource type; `WECHATPAY/SIGNTEST/` probes are refused and change nothing.
 */
describe('WeChat Pay as it really answers', () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'truth');
  });
  afterAll(() => t.close());

  const payment = async (id: string) => (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment;
  const jsapi = (id: string) => t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
  const refund = (id: string, amountFen: number) =>
    t.http.post(`/api/v1/providers/me/payments/${id}/refunds`).set(bearer(p.prov.token)).send({ amountFen, reason: '部分服务未开通' });
  /** Refunds in one of these states, every payment. */
  const refundsIn = (...statuses: PaymentRefund['status'][]) =>
    t.db.read(async (tx) => {
      let n = 0;
      for (const status of statuses) n += await countPaymentRefunds(tx, { status });
      return n;
    });
  const paymentNotifications = () => t.db.read((tx) => countPaymentNotifications(tx, {}));

  async function paid(amountFen: number): Promise<{ id: string; no: string }> {
    const id = await requestPayment(t, p, amountFen);
    expect((await jsapi(id)).status).toBe(200);
    const no = await outTradeNoOf(t, id);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, no);
    expect((await payment(id)).status).toBe('paid');
    return { id, no };
  }

  test('an unsigned refusal is a refusal: the refund is refused with WeChat Pay’s reason, not left unclear', async () => {
    const { id, no } = await paid(10_000);
    // Refunded whole in the merchant console, the callback not yet here: WeChat Pay refuses any more.
    await t.sandbox.control.pay.merchantRefund(p.merchant.mchid, no, 10_000, { deliver: false });
    const res = await refund(id, 5_000);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('refund_refused');
    expect(res.body.error.message).toContain('订单已全额退款');
    expect(await refundsIn('requested', 'processing')).toBe(0);
  });

  test('429 once is tried again at once: the payer never notices', async () => {
    const id = await requestPayment(t, p, 2_000);
    t.sandbox.control.pay.payFault('jsapi', 'rate-limited', 1);
    const res = await jsapi(id);
    expect(res.status).toBe(200);
    expect(t.sandbox.control.pay.ordersCreated()).toBeGreaterThan(0);
  });

  test('429 that lasts is no answer yet: the payment stays payable and a later tap orders it, under the same number', async () => {
    const id = await requestPayment(t, p, 3_000);
    t.sandbox.control.pay.payFault('jsapi', 'rate-limited', 3);
    const first = await jsapi(id);
    expect(first.status).toBe(502);
    expect(first.body.error.message).toMatch(/暂时没有回应/);
    expect((await payment(id)).status).toBe('created');
    const no = await outTradeNoOf(t, id);
    expect(t.sandbox.control.pay.order(p.merchant.mchid, no)).toBeNull();
    const again = await jsapi(id);
    expect(again.status).toBe(200);
    expect(t.sandbox.control.pay.order(p.merchant.mchid, no)).toMatchObject({ tradeState: 'NOTPAY', total: 3_000 });
  });

  test('403 on a refund is not a refusal: the refund waits, and the sweeper carries it through', async () => {
    const { id } = await paid(8_000);
    t.sandbox.control.pay.payFault('refund', 'forbidden', 3);
    const res = await refund(id, 3_000);
    expect(res.status).toBe(200);
    // A refusal is recorded as failed (db/payments/refunds refuseRefund): the hand-written count asked for a
    // 'refused' state no refund ever has, and held nothing. This refund is not failed (an earlier test's is).
    expect(await t.db.read((tx) => countPaymentRefunds(tx, { paymentRequestId: id, status: 'failed' }))).toBe(0);
    await t.services.reconciler.sweep();
    await t.sandbox.control.pay.settle();
    await t.sandbox.control.pay.deliverPending();
    expect(await payment(id)).toMatchObject({ refundedFen: 3_000, verifiedPaidFen: 5_000 });
  });

  describe('callbacks', () => {
    async function unpaidOrder(amountFen: number): Promise<{ id: string; no: string }> {
      const id = await requestPayment(t, p, amountFen);
      expect((await jsapi(id)).status).toBe(200);
      return { id, no: await outTradeNoOf(t, id) };
    }
    /** The notification's body with its resource encrypted again under `associatedData`, signed afresh. */
    function withAssociatedData(notificationId: string, associatedData: string) {
      const n = t.sandbox.control.pay.notifications().find((x) => x.id === notificationId)!;
      const body = JSON.parse(n.body) as { resource: Record<string, string> };
      const r = body.resource;
      const plain = decryptAeadAes256Gcm(p.merchant.apiV3Key, r.ciphertext, r.associated_data, r.nonce);
      body.resource = { ...t.sandbox.control.pay.encryptResource(p.merchant.mchid, plain, associatedData) };
      const text = JSON.stringify(body);
      return { text, headers: t.sandbox.control.pay.signNotification(text), url: new URL(n.url).pathname };
    }
    /** The newest callback of this event not yet delivered. */
    const pending = (eventType: string) =>
      t.sandbox.control.pay
        .notifications()
        .filter((x) => x.eventType === eventType && x.mchid === p.merchant.mchid && !x.delivered)
        .at(-1)!;
    const post = (url: string, headers: Record<string, string>, body: string) =>
      t.http
        .post(url)
        .set({ ...headers, 'content-type': 'application/json' })
        .send(body);

    test.each(['', 'transaction'])('a payment reported with associated_data %j is applied', async (ad) => {
      const { id, no } = await unpaidOrder(4_000);
      await t.sandbox.control.pay.payOrder(p.merchant.mchid, no, { deliver: false });
      const cb = withAssociatedData(pending('TRANSACTION.SUCCESS').id, ad);
      const res = await post(cb.url, cb.headers, cb.text);
      expect(res.status).toBe(204);
      expect((await payment(id)).status).toBe('paid');
    });

    test.each(['', 'refund'])('a console refund reported with associated_data %j is applied', async (ad) => {
      const { id, no } = await paid(6_000);
      await t.sandbox.control.pay.merchantRefund(p.merchant.mchid, no, 1_000, { deliver: false });
      const cb = withAssociatedData(pending('REFUND.SUCCESS').id, ad);
      expect((await post(cb.url, cb.headers, cb.text)).status).toBe(204);
      expect(await payment(id)).toMatchObject({ refundedFen: 1_000, verifiedPaidFen: 5_000 });
    });

    test('the event decides, and its content must be that event’s: a refund event carrying a transaction is refused', async () => {
      const { id, no } = await unpaidOrder(7_000);
      await t.sandbox.control.pay.payOrder(p.merchant.mchid, no, { deliver: false });
      const cb = withAssociatedData(pending('TRANSACTION.SUCCESS').id, 'refund');
      const forged = cb.text.replace('"TRANSACTION.SUCCESS"', '"REFUND.SUCCESS"');
      const res = await post(cb.url, t.sandbox.control.pay.signNotification(forged), forged);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('回调内容与事件类型不符');
      expect((await payment(id)).status).toBe('created');
    });

    test('WeChat Pay’s signature probe before a merchant’s first callback is refused; the real one that follows is applied', async () => {
      const fresh = await payParties(t, 'probe');
      const id = await requestPayment(t, fresh, 1_500);
      expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(fresh.ent.token))).status).toBe(200);
      const no = await outTradeNoOf(t, id);
      const before = await paymentNotifications();
      const delivery = await t.sandbox.control.pay.payOrder(fresh.merchant.mchid, no);
      const probes = t.sandbox.control.pay.probes().filter((x) => x.url.includes(fresh.accountId));
      expect(probes).toHaveLength(1);
      expect(probes[0].headers['Wechatpay-Signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
      expect(probes[0].status).toBe(401);
      expect(delivery?.status).toBe(204);
      expect(await paymentNotifications()).toBe(before + 1);
      expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(fresh.ent.token))).body.payment.status).toBe('paid');
      // A probe of an applied notification, sent again later, changes nothing either.
      const again = await t.sandbox.control.pay.probe(delivery!.notificationId);
      expect(again.status).toBe(401);
      expect(await paymentNotifications()).toBe(before + 1);
    });
  });
});
