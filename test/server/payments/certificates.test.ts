import { startTestApp, type TestApp } from '../../helpers/testApp';
import { makeEnterprise, makeProvider } from '../applications/county/setup';
import {
  MERCHANT_CERT_PEM,
  MERCHANT_CERT_SERIAL,
  MERCHANT_KEY_PEM,
  PLATFORM_CERT_PEM,
  PLATFORM_CERT_SERIAL,
  PLATFORM_KEY_PEM,
} from '../../fixtures/wechatPayCerts';
import { bearer, outTradeNoOf } from './harness';

/**
 * The certificate variants of issue 7, 1: a merchant that gives its API certificate instead of the
 * serial, and a WeChat Pay that signs with a platform certificate (older merchants) instead of a
 * PUB_KEY_ID_ public key.
 */
describe('merchant and platform certificates', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ sandbox: { pay: { platformKey: { privateKeyPem: PLATFORM_KEY_PEM, publicKeyId: PLATFORM_CERT_SERIAL } } } });
  });
  afterAll(() => t.close());

  test('linked with certificates only; answers and callbacks checked against the platform certificate', async () => {
    const { user } = await makeProvider(t, 'prov-cert', { companyName: '伊春证书云有限公司' });
    const mchid = '1900012345';
    t.sandbox.control.pay.registerMerchant({
      mchid,
      appid: t.config.wechat.mp.appid,
      apiV3Key: 'c'.repeat(32),
      serialNo: MERCHANT_CERT_SERIAL,
      publicKeyPem: MERCHANT_CERT_PEM,
    });
    const body = {
      mchid,
      apiV3Key: 'c'.repeat(32),
      privateKeyPem: MERCHANT_KEY_PEM,
      certificatePem: MERCHANT_CERT_PEM,
      platformKeys: [{ pem: PLATFORM_CERT_PEM }],
    };

    // A certificate that is not the private key's, a serial that is not the certificate's.
    const mismatched = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(user.token))
      .send({ ...body, certificatePem: PLATFORM_CERT_PEM });
    expect([mismatched.status, mismatched.body.error.details[0].path]).toEqual([400, 'certificatePem']);
    const wrongSerial = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(user.token))
      .send({ ...body, serialNo: 'ABCDEF0123456789' });
    expect([wrongSerial.status, wrongSerial.body.error.details[0].path]).toEqual([400, 'serialNo']);
    const wrongId = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(user.token))
      .send({ ...body, platformKeys: [{ id: 'PUB_KEY_ID_0000000000000000000000000001', pem: PLATFORM_CERT_PEM }] });
    expect([wrongId.status, wrongId.body.error.details[0].path]).toEqual([400, 'platformKeys.0.id']);

    const linked = await t.http.put('/api/v1/providers/me/merchant-account').set(bearer(user.token)).send(body);
    expect(linked.status).toBe(200);
    expect(linked.body.account).toMatchObject({ serialNo: MERCHANT_CERT_SERIAL, platformKeyIds: [PLATFORM_CERT_SERIAL] });

    const { user: ent, enterprise } = await makeEnterprise(t, 'ent-cert');
    const asked = await t.http
      .post('/api/v1/providers/me/payment-requests')
      .set(bearer(user.token))
      .send({ creditCode: enterprise.creditCode, amountFen: 9_900, description: '证书商户的服务费' });
    expect(asked.status).toBe(201);
    const id = asked.body.payment.id as string;
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(ent.token)).expect(200);
    const delivery = await t.sandbox.control.pay.payOrder(mchid, await outTradeNoOf(t, id));
    expect(delivery?.headers['Wechatpay-Serial'] ?? delivery?.headers['wechatpay-serial']).toBe(PLATFORM_CERT_SERIAL);
    expect(delivery?.status).toBe(204);
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(ent.token))).body.payment.status).toBe('paid');
  });
});
