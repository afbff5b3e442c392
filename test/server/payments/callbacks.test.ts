import { findPaymentRequest } from '../../../server/src/db/payments/orders';
import { countAuditRecords, countNotifications, countPaymentNotifications } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';

/**
 * Issue 7, 4: a callback is believed only when signed by this provider's WeChat Pay key over the raw
 * body, fresh, not a probe, and its resource decrypts with the GCM tag checked. A refused one changes
 * nothing; a repeated one changes nothing.
 */
describe('WeChat Pay callbacks', () => {
  let t: TestApp;
  let p: PayParties;
  let other: PayParties;
  let id: string;
  let no: string;
  /** A genuine TRANSACTION.SUCCESS callback, captured and not yet delivered. */
  let genuine: { headers: Record<string, string>; body: string; url: string };

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'cb');
    other = await payParties(t, 'cb-other');
    id = await requestPayment(t, p, 45_600);
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    no = await outTradeNoOf(t, id);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, no, { deliver: false });
    const n = t.sandbox.control.pay.notifications().find((x) => x.eventType === 'TRANSACTION.SUCCESS' && x.mchid === p.merchant.mchid)!;
    genuine = { headers: t.sandbox.control.pay.signNotification(n.body), body: n.body, url: new URL(n.url).pathname };
  });
  afterAll(() => t.close());

  const post = (path: string, headers: Record<string, string>, body: string) =>
    t.http
      .post(path)
      .set({ ...headers, 'content-type': 'application/json' })
      .send(body);
  const status = async () => (await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status as string;
  const nothingChanged = async () => {
    expect(await status()).toBe('created');
    expect(await t.db.read((tx) => countPaymentNotifications(tx, {}))).toBe(0);
    expect(await t.db.read((tx) => countAuditRecords(tx, { action: 'payment.paid' }))).toBe(0);
  };
  function reEncrypted(mutate: (resource: Record<string, string>) => void): string {
    const body = JSON.parse(genuine.body) as { resource: Record<string, string> };
    mutate(body.resource);
    return JSON.stringify(body);
  }

  test.each<[string, () => { headers: Record<string, string>; body: string }, number]>([
    [
      'a bad signature',
      () => ({
        headers: {
          ...genuine.headers,
          'Wechatpay-Signature': genuine.headers['Wechatpay-Signature'].replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        },
        body: genuine.body,
      }),
      401,
    ],
    [
      'a body changed after signing',
      () => ({ headers: genuine.headers, body: genuine.body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS ') }),
      401,
    ],
    [
      'a probe signature',
      () => ({
        headers: { ...genuine.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${genuine.headers['Wechatpay-Signature']}` },
        body: genuine.body,
      }),
      401,
    ],
    [
      'a stale timestamp',
      () => ({
        headers: t.sandbox.control.pay.signNotification(genuine.body, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
        body: genuine.body,
      }),
      401,
    ],
    [
      'a timestamp from the future',
      () => ({
        headers: t.sandbox.control.pay.signNotification(genuine.body, { timestamp: Math.floor(Date.now() / 1000) + 600 }),
        body: genuine.body,
      }),
      401,
    ],
    [
      'a serial that is not this provider’s key',
      () => ({
        headers: t.sandbox.control.pay.signNotification(genuine.body, { serial: 'PUB_KEY_ID_0000000000000000000000000001' }),
        body: genuine.body,
      }),
      401,
    ],
    ['missing signature headers', () => ({ headers: {}, body: genuine.body }), 401],
    [
      'a bad GCM tag (signed anew, as only a key thief could)',
      () => {
        const body = reEncrypted((r) => {
          const raw = Buffer.from(r.ciphertext, 'base64');
          raw[raw.length - 1] ^= 1;
          r.ciphertext = raw.toString('base64');
        });
        return { headers: t.sandbox.control.pay.signNotification(body), body };
      },
      400,
    ],
    [
      'tampered ciphertext with the tag kept',
      () => {
        const body = reEncrypted((r) => {
          const raw = Buffer.from(r.ciphertext, 'base64');
          raw[3] ^= 1;
          r.ciphertext = raw.toString('base64');
        });
        return { headers: t.sandbox.control.pay.signNotification(body), body };
      },
      400,
    ],
    [
      'wrong associated data',
      () => {
        const plain = JSON.stringify({
          ...JSON.parse('{}'),
          mchid: p.merchant.mchid,
          out_trade_no: no,
          transaction_id: '4200000000000000000000000001',
          trade_state: 'SUCCESS',
          amount: { total: 45_600 },
        });
        const resource = t.sandbox.control.pay.encryptResource(p.merchant.mchid, plain, 'refund');
        const body = reEncrypted((r) => Object.assign(r, resource, { associated_data: 'transaction' }));
        return { headers: t.sandbox.control.pay.signNotification(body), body };
      },
      400,
    ],
    ['not JSON', () => ({ headers: t.sandbox.control.pay.signNotification('not json'), body: 'not json' }), 400],
  ])('refused: %s — and nothing changes', async (_label, make, expected) => {
    const { headers, body } = make();
    const res = await post(genuine.url, headers, body);
    expect(res.status).toBe(expected);
    expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    await nothingChanged();
  });

  test('another provider’s account cannot be used to report this payment', async () => {
    const url = genuine.url.replace(p.accountId, other.accountId);
    const res = await post(url, t.sandbox.control.pay.signNotification(genuine.body), genuine.body);
    // Other account: its APIv3 key does not open this resource.
    expect(res.status).toBe(400);
    await nothingChanged();
  });

  test('the genuine callback is applied once; its repeats change nothing', async () => {
    const first = await post(genuine.url, genuine.headers, genuine.body);
    expect(first.status).toBe(204);
    expect(await status()).toBe('paid');
    const snapshot = () =>
      t.db.read(async (tx) => {
        const row = (await findPaymentRequest(tx, id))!;
        return {
          audit: await countAuditRecords(tx, { entityId: id }),
          notes: await countNotifications(tx, { template: 'payment.paid' }),
          row: { status: row.status, version: row.version, transactionId: row.transactionId, paidAt: row.paidAt },
        };
      });
    const before = await snapshot();
    for (let i = 0; i < 3; i++)
      expect((await post(genuine.url, t.sandbox.control.pay.signNotification(genuine.body), genuine.body)).status).toBe(204);
    await t.sandbox.control.pay.deliverPending();
    expect(await snapshot()).toEqual(before);
  });
});
