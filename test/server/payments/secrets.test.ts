import { Writable } from 'node:stream';
import type { Response } from 'superagent';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication } from '../../helpers/applications';
import { makeProvider } from '../applications/county/setup';
import { bearer, linkBody, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';
import { storedRowsOf } from '../../../server/src/db/testing';

/** Issue 7: no secret of a provider's appears in any response, log line or audit row. */
describe('a provider’s WeChat Pay secrets stay secret', () => {
  let t: TestApp;
  let p: PayParties;
  const logs: string[] = [];
  const answers: string[] = [];
  const keep = (res: Response): Response => {
    answers.push(`${res.status} ${res.text ?? ''} ${JSON.stringify(res.headers)}`);
    return res;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' }, logDestination: sink });
    p = await payParties(t, 'secret');
  });
  afterAll(() => t.close());

  test('a whole life — linking (also wrongly), paying, tampered and repeated callbacks, refunds, reconciliation — leaks nothing', async () => {
    const m = p.merchant;
    keep(await t.http.get('/api/v1/providers/me/merchant-account').set(bearer(p.prov.token)));
    keep(
      await t.http
        .put('/api/v1/providers/me/merchant-account')
        .set(bearer(p.prov.token))
        .send({ ...linkBody(m), version: 1 }),
    );
    const { user: prov2 } = await makeProvider(t, 'prov-secret-2', { companyName: '伊春密钥二号云有限公司' });
    const m2 = t.sandbox.control.pay.createMerchant({ appid: t.config.wechat.mp.appid });
    keep(
      await t.http
        .put('/api/v1/providers/me/merchant-account')
        .set(bearer(prov2.token))
        .send({ ...linkBody(m2), privateKeyPem: m.privateKeyPem }),
    );
    keep(
      await t.http
        .put('/api/v1/providers/me/merchant-account')
        .set(bearer(prov2.token))
        .send({ ...linkBody(m2), apiV3Key: `${m2.apiV3Key}x` }),
    );
    keep(
      await t.http
        .put('/api/v1/providers/me/merchant-account')
        .set(bearer(prov2.token))
        .send({ ...linkBody(m2), privateKeyPem: m2.privateKeyPem.replace(/[A-Z]/, 'z') }),
    );

    const app = await seedApplication(t.db, p.enterprise, p.provider, 'draft', { paidAmountFen: 0 });
    const id = await requestPayment(t, p, 50_000, { applicationId: app.id });
    keep(await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)));
    const delivery = await t.sandbox.control.pay.payOrder(m.mchid, await outTradeNoOf(t, id));
    const body = JSON.parse(delivery!.body) as { resource: { ciphertext: string } };
    body.resource.ciphertext = Buffer.from('tampered').toString('base64') + body.resource.ciphertext;
    const tampered = JSON.stringify(body);
    keep(
      await t.http
        .post(new URL(delivery!.url).pathname)
        .set({ ...t.sandbox.control.pay.signNotification(tampered), 'content-type': 'application/json' })
        .send(tampered),
    );
    await t.sandbox.control.pay.redeliver(delivery!.notificationId);
    keep(
      await t.http
        .post(`/api/v1/providers/me/payments/${id}/refunds`)
        .set(bearer(p.prov.token))
        .send({ amountFen: 10_000, reason: '部分退款' }),
    );
    await t.sandbox.control.pay.settle();
    keep(await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.prov.token)));
    keep(await t.http.get('/api/v1/payments?scope=provider').set(bearer(p.prov.token)));
    keep(await t.http.get(`/api/v1/applications/${app.id}`).set(bearer(p.ent.token)));
    await t.services.reconciler.sweep();
    await t.services.reconciler.checkBills(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    const city = await t.login('city-secret');
    await t.grant(city.token, 'city_miit');
    keep(await t.http.get('/api/v1/payments/merchants').set(bearer(city.token)));

    const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
    const needles = [m.apiV3Key, m2.apiV3Key, ...keyLines(m.privateKeyPem), ...keyLines(m2.privateKeyPem), 'PRIVATE KEY'];
    const tables: string[] = [];
    for (const table of [
      'audit_log',
      'notifications',
      'application_events',
      'payment_requests',
      'payment_refunds',
      'payment_notifications',
      'payment_discrepancies',
      'application_payments',
      'providers',
      'users',
    ])
      tables.push(JSON.stringify(await t.db.read((tx) => storedRowsOf(tx, table))));
    const accounts = (await t.db.read((tx) => storedRowsOf(tx, 'merchant_accounts'))) as { secrets: string }[];
    expect(accounts.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(3);
    const haystacks = { responses: answers.join('\n'), logs: logs.join(''), tables: tables.join('\n'), sealed: JSON.stringify(accounts) };
    for (const [where, text] of Object.entries(haystacks))
      for (const needle of needles) expect([where, text.includes(needle)]).toEqual([where, false]);
    // The sealed value opens only with the key, for its own row.
    expect(accounts[0].secrets).toMatch(/^v1\./);
  });
});
