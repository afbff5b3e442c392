import { startTestApp, type TestApp } from '../../helpers/testApp';
import { DECLARATIONS, PDF, seedApplication, seedProvider } from '../../helpers/applications';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { makeEnterprise } from '../applications/county/setup';
import { bearer, linkBody, outTradeNoOf, payParties, paySignValid, requestPayment, type PayParties } from './harness';

/** Issue 7: the provider links its merchant account, asks to be paid, the enterprise pays in the mini-program. */
describe('paying the provider through the platform', () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'pay-basic');
  });
  afterAll(() => t.close());

  test('linking: keys are checked against WeChat Pay first; what comes back holds no secret', async () => {
    const mine = await t.http.get('/api/v1/providers/me/merchant-account').set(bearer(p.prov.token));
    expect(mine.status).toBe(200);
    expect(mine.body.account).toMatchObject({
      mchid: p.merchant.mchid,
      serialNo: p.merchant.serialNo.toUpperCase(),
      platformKeyIds: [p.merchant.platformPublicKeyId],
      status: 'active',
    });
    const text = JSON.stringify(mine.body);
    expect(text).not.toContain(p.merchant.apiV3Key);
    expect(text).not.toContain('PRIVATE KEY');

    const other = t.sandbox.control.pay.createMerchant({ appid: t.config.wechat.mp.appid });
    const { user: prov2 } = await (
      await import('../applications/county/setup')
    ).makeProvider(t, 'prov-wrongkeys', { companyName: '伊春错钥云有限公司' });
    // Someone else's private key: WeChat Pay refuses the signature.
    const wrongKey = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(prov2.token))
      .send({ ...linkBody(other), privateKeyPem: p.merchant.privateKeyPem });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.details[0].path).toBe('privateKeyPem');
    // A public key that did not sign WeChat Pay's answer — seen at once when WeChat Pay signs its error
    // answers (it may or may not: issue 15, 3; the unsigned case is the next test).
    t.sandbox.control.pay.configure({ signErrors: true });
    const wrongPlatform = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(prov2.token))
      .send({ ...linkBody(other), platformKeys: [{ id: other.platformPublicKeyId, pem: p.merchant.publicKeyPem }] });
    t.sandbox.control.pay.configure({ signErrors: false });
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.body.error.details[0].path).toBe('platformKeys');
    const garbage = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(prov2.token))
      .send({ ...linkBody(other), privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(200)}\n-----END PRIVATE KEY-----` });
    expect(garbage.status).toBe(400);
    // The same merchant number cannot serve two providers.
    const taken = await t.http.put('/api/v1/providers/me/merchant-account').set(bearer(prov2.token)).send(linkBody(p.merchant));
    expect(taken.status).toBe(409);
    expect((await t.http.get('/api/v1/providers/me/merchant-account').set(bearer(prov2.token))).body.account).toBeNull();
  });

  test('unsigned error answers (the default): linking reads the 404; a wrong WeChat Pay key shows on the first signed answer', async () => {
    const m = t.sandbox.control.pay.createMerchant({ appid: t.config.wechat.mp.appid });
    const { makeProvider } = await import('../applications/county/setup');
    const { user: prov3 } = await makeProvider(t, 'prov-unsigned', { companyName: '伊春无签云有限公司' });
    const linked = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(prov3.token))
      .send({ ...linkBody(m), platformKeys: [{ id: m.platformPublicKeyId, pem: p.merchant.publicKeyPem }] });
    // Before: the unsigned ORDER_NOT_EXIST was "not verified" and every linking failed.
    expect(linked.status).toBe(200);
    const id = await requestPayment(t, { ...p, prov: prov3 }, 1_000);
    // WeChat Pay's 200 is signed by its key, not the one on record: no clear answer, nothing ordered twice.
    const pay = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(pay.status).toBe(502);
    expect(pay.body.error.message).toMatch(/暂时没有回应/);
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status).toBe('created');
  });

  test('the registry and city MIIT show who takes WeChat Pay', async () => {
    const card = await t.http.get(`/api/v1/providers/${p.provider.id}`);
    expect(card.body.wechatPay ?? card.body.provider?.wechatPay).toBe(true);
    const city = await t.login('city-pay-overview');
    await t.grant(city.token, 'city_miit');
    const overview = await t.http.get('/api/v1/payments/merchants').set(bearer(city.token));
    expect(overview.status).toBe(200);
    expect(overview.body.providers.find((x: { providerId: string }) => x.providerId === p.provider.id)).toMatchObject({
      acceptsWechatPay: true,
      mchid: p.merchant.mchid,
    });
    expect((await t.http.get('/api/v1/payments/merchants').set(bearer(p.ent.token))).status).toBe(403);
  });

  test('a payment request is paid once: order, wx.requestPayment parameters, callback, verified', async () => {
    const id = await requestPayment(t, p, 1_234_500);
    const asked = await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token));
    expect(asked.body.payment).toMatchObject({
      status: 'created',
      amountFen: 1_234_500,
      providerName: '伊春pay-basic云计算有限公司',
      contractNo: 'HT-2026-001',
    });
    const params = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(params.status).toBe(200);
    expect(params.body).toMatchObject({ appId: t.config.wechat.mp.appid, signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) });
    expect(paySignValid(p.merchant, params.body)).toBe(true);
    // A second tap reuses the order.
    const again = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
    expect(again.body.package).toBe(params.body.package);
    const no = await outTradeNoOf(t, id);
    expect(t.sandbox.control.pay.orders(p.merchant.mchid).filter((o) => o.outTradeNo === no)).toHaveLength(1);
    expect(t.sandbox.control.pay.order(p.merchant.mchid, no)!.openid).toBe('mp-ent-pay-basic');

    const delivery = await t.sandbox.control.pay.payOrder(p.merchant.mchid, no);
    expect(delivery?.status).toBe(204);
    const paid = await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token));
    expect(paid.body.payment).toMatchObject({ status: 'paid', transactionId: expect.stringMatching(/^42/), verifiedPaidFen: 1_234_500 });
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).body.error.code).toBe('already_paid');
    // The provider sees it too; a stranger does not.
    expect(
      (await t.http.get('/api/v1/payments?scope=provider').set(bearer(p.prov.token))).body.payments.map((x: { id: string }) => x.id),
    ).toContain(id);
    const stranger = await t.login('pay-stranger');
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(stranger.token))).status).toBe(404);
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(stranger.token))).status).toBe(404);
  });

  test('a provider without a linked account is not offered; an unknown enterprise is named', async () => {
    const { user } = await (
      await import('../applications/county/setup')
    ).makeProvider(t, 'prov-nopay', { companyName: '伊春未开通云有限公司' });
    const res = await t.http
      .post('/api/v1/providers/me/payment-requests')
      .set(bearer(user.token))
      .send({ creditCode: p.enterprise.creditCode, amountFen: 100, description: '服务费' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('wechat_pay_not_offered');
    const unknown = await t.http
      .post('/api/v1/providers/me/payment-requests')
      .set(bearer(p.prov.token))
      .send({ creditCode: '91230717MA1C000000', amountFen: 100, description: '服务费' });
    expect(unknown.status).toBe(400);
  });

  test('an application whose payment was made here submits with the receipt filled and verified', async () => {
    const app = await seedApplication(t.db, p.enterprise, p.provider, 'draft', {
      paidAmountFen: 0,
      contractNo: 'HT-APP-7',
      contractAmountFen: 12_000_000,
    });
    const id = await requestPayment(t, p, 12_000_000, { applicationId: app.id, contractNo: undefined });
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.contractNo).toBe('HT-APP-7');
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, id));

    const view = await t.http.get(`/api/v1/applications/${app.id}`).set(bearer(p.ent.token));
    expect(view.status).toBe(200);
    const a = view.body.application;
    expect(a.paidAmountFen).toBe(12_000_000);
    expect(a.payments).toEqual([
      expect.objectContaining({
        amountFen: 12_000_000,
        source: 'wechat_pay',
        verified: true,
        method: 'wechat_pay',
        reference: expect.stringMatching(/^42/),
        paymentRequestId: id,
      }),
    ]);
    const missing = view.body.missing.map((m: { path: string }) => m.path);
    expect(missing).not.toContain('materials.payment_receipts');
    expect(missing).not.toContain('payments');

    // The rest of the application, then submit: no receipt uploaded, the platform's record stands for it.
    const declared = await t.http
      .put(`/api/v1/applications/${app.id}`)
      .set(bearer(p.ent.token))
      .send({ version: a.version, declarations: DECLARATIONS });
    expect(declared.status).toBe(200);
    for (const m of APPLICATION_MATERIALS.filter((x) => x.kind !== 'payment_receipts'))
      await t.http
        .post(`/api/v1/files/application/${app.id}/${m.kind}`)
        .set(bearer(p.ent.token))
        .attach('file', PDF, `${m.kind}.pdf`)
        .expect(201);
    const submitted = await t.http
      .post(`/api/v1/applications/${app.id}/submit`)
      .set(bearer(p.ent.token))
      .send({ version: declared.body.application.version });
    expect(submitted.status).toBe(200);
    expect(submitted.body.application.status).toBe('provider_check');
    const seen = await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(p.prov.token));
    expect(seen.body.payments ?? seen.body.application?.payments).toEqual([
      expect.objectContaining({ verified: true, amountFen: 12_000_000 }),
    ]);
    const flags: { code: string }[] = await t.db.read(async (tx) =>
      (await import('../../../server/src/modules/applications/flags')).applicationFlags(
        tx,
        (await (await import('../../../server/src/db/applications')).findApplication(tx, app.id))!,
      ),
    );
    expect(flags.map((f) => f.code)).not.toContain('unverified_payments');
  });

  test('unlinking stops new orders; what was paid stays; linking again resumes', async () => {
    const pending = await requestPayment(t, p, 7_700);
    const mine = (await t.http.get('/api/v1/providers/me/merchant-account').set(bearer(p.prov.token))).body.account;
    expect(
      (
        await t.http
          .post('/api/v1/providers/me/merchant-account/unlink')
          .set(bearer(p.prov.token))
          .send({ version: mine.version + 5 })
      ).status,
    ).toBe(409);
    const unlinked = await t.http
      .post('/api/v1/providers/me/merchant-account/unlink')
      .set(bearer(p.prov.token))
      .send({ version: mine.version });
    expect(unlinked.body.account.status).toBe('unlinked');
    expect((await t.http.post(`/api/v1/payments/${pending}/jsapi`).set(bearer(p.ent.token))).body.error.code).toBe(
      'wechat_pay_not_offered',
    );
    const card = (await t.http.get(`/api/v1/providers/${p.provider.id}`)).body;
    expect(card.wechatPay ?? card.provider?.wechatPay).toBe(false);
    expect(
      (await t.http.get('/api/v1/payments?scope=provider').set(bearer(p.prov.token))).body.payments.some(
        (x: { status: string }) => x.status === 'paid',
      ),
    ).toBe(true);
    const again = await t.http
      .put('/api/v1/providers/me/merchant-account')
      .set(bearer(p.prov.token))
      .send({ ...linkBody(p.merchant), version: unlinked.body.account.version });
    expect(again.body.account).toMatchObject({ status: 'active', id: mine.id });
    expect((await t.http.post(`/api/v1/payments/${pending}/jsapi`).set(bearer(p.ent.token))).status).toBe(200);
  });

  test('a verified payment on an earlier contract contradicts a declared first purchase (二（四）)', async () => {
    const { user, enterprise } = await makeEnterprise(t, 'ent-repeat-buyer');
    const q = { ...p, ent: user, enterprise };
    const earlier = await requestPayment(t, q, 50_000, { contractNo: 'OLD-2022' });
    await t.http.post(`/api/v1/payments/${earlier}/jsapi`).set(bearer(user.token)).expect(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, earlier), {
      successTime: Date.parse('2022-03-01T10:00:00+08:00'),
    });
    const app = await seedApplication(t.db, enterprise, p.provider, 'draft', {
      contractNo: 'NEW-2023',
      contractSignedOn: '2023-08-01',
      facts: { declarations: DECLARATIONS },
    });
    for (const m of APPLICATION_MATERIALS)
      await t.http
        .post(`/api/v1/files/application/${app.id}/${m.kind}`)
        .set(bearer(user.token))
        .attach('file', PDF, `${m.kind}.pdf`)
        .expect(201);
    const res = await t.http.post(`/api/v1/applications/${app.id}/submit`).set(bearer(user.token)).send({ version: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['eligibility.first-purchase']);
  });

  test('a provider that refiled acts for its approved record, not its newer rejected one', async () => {
    await seedProvider(t.db, p.prov.userId, {
      status: 'rejected',
      filingNo: null,
      approvedOn: null,
      companyName: '伊春重报云有限公司',
      updatedAt: Date.now() + 1000,
    });
    const mine = await t.http.get('/api/v1/providers/me/merchant-account').set(bearer(p.prov.token));
    expect(mine.body.account.providerId).toBe(p.provider.id);
    expect(
      (
        await t.http
          .post('/api/v1/providers/me/payment-requests')
          .set(bearer(p.prov.token))
          .send({ creditCode: p.enterprise.creditCode, amountFen: 100, description: '服务费' })
      ).status,
    ).toBe(201);
  });
});
