/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * Paying the provider with WeChat Pay, on the phone against the real server and its WeChat Pay sandbox:
 * the provider links its merchant account and asks an enterprise to pay; the clerk pays in WeChat; the
 * provider refunds part; the city sees who takes payment and what the bills disagree on. WeChat's side of
 * a payment (the person entering the password) is the sandbox's payOrder, which sends the signed callback.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, sandboxMerchant, type Person } from '../support/seed';
import { creditCode } from '../../helpers/applications';
import { merchantAccountOf } from '../../../server/src/db/payments/merchantAccounts';
import { insertDiscrepancy } from '../../../server/src/db/payments/tradeBills';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import type { ProviderRow } from '../../../server/src/db/testing';
import { newId } from '../../../server/src/ids';
import type { CreatedPayMerchant } from '../../../server/sandbox/pay';

let mp: MiniProgram;
let owner: Person;
let provider: ProviderRow;
let clerk: Person;
let enterprise: EnterpriseRow;
let merchant: CreatedPayMerchant;
/** The request the provider's page sends, paid by the clerk's page. */
let requestId = '';

const bearer = (p: Person) => ({ authorization: `Bearer ${p.token}` });
const outTradeNo = async (id: string): Promise<string> =>
  (await mp.t.http.get(`/api/v1/payments/${id}`).set(bearer(owner))).body.payment.outTradeNo as string;
const sent = (method: string, path: RegExp) => mp.wx.requests.filter((r) => r.method === method && path.test(r.path));

beforeAll(async () => {
  mp = await startMiniProgram();
  owner = await person(mp.t, 'pay-provider');
  provider = await providerOf(mp.t, owner);
  clerk = await person(mp.t, 'pay-clerk');
  enterprise = await enterpriseOf(mp.t, clerk);
});
afterAll(async () => {
  await mp.close();
});

test('the merchant account: help on each box, a refused key shown under its box, linked, stopped, linked again', async () => {
  mp.as('pay-provider');
  merchant = sandboxMerchant(mp.t);
  const stranger = sandboxMerchant(mp.t);
  const page = await mp.open('pages/provider/merchant/merchant');
  expect(page.data.editing).toBe(true);
  expect(page.text).toContain('账户中心 → 商户信息');
  expect(page.text).toContain('PUB_KEY_ID_');
  // A PEM text is ~1,700 characters: the textareas take far more than WeChat's default 140.
  expect(page.data.pemMax).toBeGreaterThanOrEqual(4000);

  await page.input('.field-mchid', '1234');
  await page.input('.field-apiV3Key', merchant.apiV3Key);
  await page.input('.field-privateKeyPem', stranger.privateKeyPem);
  await page.input('.field-serialNo', merchant.serialNo);
  await page.input('.field-platformKeyId', merchant.platformPublicKeyId);
  await page.input('.field-platformKeyPem', merchant.platformPublicKeyPem);
  // Caught here, nothing sent.
  await page.tap('.save');
  expect(page.find('.error-mchid').dom!.textContent).toBe('商户号为 8–12 位数字');
  expect(sent('PUT', /merchant-account$/)).toHaveLength(0);

  // Someone else's private key: WeChat Pay refuses the signature; the server names the box.
  await page.input('.field-mchid', merchant.mchid);
  expect(page.all('.error-mchid')).toHaveLength(0);
  await page.tap('.save');
  expect(sent('PUT', /merchant-account$/).map((r) => r.status)).toEqual([400]);
  expect(page.find('.error-privateKeyPem').dom!.textContent).toBe('签名未通过微信支付验证');
  expect(page.text).toContain('微信支付不认可这组商户号、证书序列号和私钥');
  expect(page.data.account).toBeNull();

  await page.input('.field-privateKeyPem', merchant.privateKeyPem);
  await page.tap('.save');
  expect(sent('PUT', /merchant-account$/).at(-1)).toMatchObject({
    status: 200,
    body: {
      mchid: merchant.mchid,
      serialNo: merchant.serialNo.toUpperCase(),
      platformKeys: [{ id: merchant.platformPublicKeyId, pem: merchant.platformPublicKeyPem.trim() }],
    },
  });
  expect((sent('PUT', /merchant-account$/).at(-1)!.body as { version?: number }).version).toBeUndefined();
  expect(page.data.editing).toBe(false);
  expect(page.text).toContain('已开通平台收款');
  expect(page.text).toContain(merchant.mchid);
  // The keys are gone from the page once kept.
  expect(page.data.form).toMatchObject({ apiV3Key: '', privateKeyPem: '' });

  await page.tap('.unlink');
  expect(mp.wx.modals.at(-1)!.title).toBe('停用平台收款');
  expect(page.text).toContain('已停用');

  // Linked again: the secrets are typed again, the version seen goes along.
  await page.tap('.relink');
  expect(page.data.form).toMatchObject({ mchid: merchant.mchid, serialNo: merchant.serialNo.toUpperCase(), apiV3Key: '' });
  await page.input('.field-apiV3Key', merchant.apiV3Key);
  await page.input('.field-privateKeyPem', merchant.privateKeyPem);
  await page.input('.field-platformKeyId', merchant.platformPublicKeyId);
  await page.input('.field-platformKeyPem', merchant.platformPublicKeyPem);
  await page.tap('.save');
  expect(sent('PUT', /merchant-account$/).at(-1)).toMatchObject({ status: 200, body: { version: 2 } });
  expect(page.text).toContain('已开通平台收款');
});

test('the provider asks the enterprise to pay: typed in 元, sent in fen; a field the server refuses; an unpaid one withdrawn', async () => {
  mp.as('pay-provider');
  const page = await mp.open('pages/provider/payments/payments');
  expect(page.data.accountActive).toBe(true);

  await page.input('.field-creditCode', enterprise.creditCode);
  await page.input('.field-amount', '12,345.6元');
  await page.input('.field-description', '云ERP首年服务费');
  await page.input('.field-contractNo', 'HT-2026-001');
  await page.tap('.issue');
  const issued = sent('POST', /\/providers\/me\/payment-requests$/);
  expect(issued).toHaveLength(1);
  expect(issued[0]).toMatchObject({
    status: 201,
    body: { creditCode: enterprise.creditCode, amountFen: 1_234_560, description: '云ERP首年服务费', contractNo: 'HT-2026-001' },
  });
  expect(mp.wx.toasts.at(-1)).toBe('已发给企业');
  expect(page.all('.payment')).toHaveLength(1);
  expect(page.text).toContain('12,345.60 元');
  expect(page.text).toContain('待支付');
  requestId = (page.data.rows as { id: string }[])[0].id;

  // A slip caught here; an enterprise the platform does not know, refused by the server beside the box.
  await page.input('.field-amount', '12.345');
  await page.tap('.issue');
  expect(page.find('.error-amount').dom!.textContent).toBe('金额最多精确到分（小数点后两位）');
  expect(sent('POST', /\/providers\/me\/payment-requests$/)).toHaveLength(1);
  await page.input('.field-amount', '100');
  await page.input('.field-creditCode', creditCode('230781'));
  await page.input('.field-description', '试用费');
  await page.tap('.issue');
  expect(sent('POST', /\/providers\/me\/payment-requests$/).at(-1)!.status).toBe(400);
  expect(page.find('.error-creditCode').dom!.textContent).toBe('企业未登记');
  expect(page.text).toContain('还没有在平台登记');

  // A second request, withdrawn before it is paid.
  await page.input('.field-creditCode', enterprise.creditCode);
  await page.tap('.issue');
  expect(page.all('.payment')).toHaveLength(2);
  await page.tap('.cancel');
  const rows = page.data.rows as { id: string; status: string; statusLabel: string }[];
  expect(rows.find((r) => r.id !== requestId)).toMatchObject({ status: 'closed', statusLabel: '已关闭' });
  expect(rows.find((r) => r.id === requestId)!.status).toBe('created');
});

test('the clerk pays the request by id: WeChat Pay, the callback, 平台已核验; then the provider refunds part', async () => {
  mp.as('pay-clerk');
  const index = await mp.open('pages/enterprise/index/index');
  expect(index.data.paymentsDue).toBe(1);
  await index.tap('.payments-link');
  expect(mp.wx.navigations.at(-1)!.url).toBe('/pages/enterprise/payments/payments');

  const list = await mp.open('pages/enterprise/payments/payments');
  expect(list.all('.payment-open')).toHaveLength(1);
  expect(list.text).toContain('已关闭');
  await list.tap('.payment-open');
  expect(mp.wx.navigations.at(-1)!.url).toBe(`/pages/enterprise/pay/pay?id=${requestId}`);

  const pay = await mp.open('pages/enterprise/pay/pay', { id: requestId });
  expect(pay.text).toContain(provider.companyName);
  expect(pay.find('.amount-text').dom!.textContent).toBe('12,345.60 元');
  expect(pay.find('.description').dom!.textContent).toBe('云ERP首年服务费');
  expect(pay.find('.contract-no').dom!.textContent).toBe('HT-2026-001');
  expect(pay.find('.status').dom!.textContent).toBe('待支付');

  await pay.tap('.pay');
  expect(mp.wx.payments).toHaveLength(1);
  expect(mp.wx.payments[0]).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) });
  expect(pay.data.state).toBe('confirming');
  // The person confirmed in WeChat: WeChat Pay tells the server, the page sees it on its next look.
  await mp.t.sandbox.control.pay.payOrder(merchant.mchid, await outTradeNo(requestId));
  await pay.waitFor('the payment to be confirmed', () => pay.data.state === 'paid');
  expect(pay.find('.status').dom!.textContent).toBe('已支付');
  expect(pay.text).toContain('平台已核验实付 12,345.60 元');
  expect(pay.text).toContain('支付成功');
  expect(pay.all('.pay')).toHaveLength(0);
  expect(pay.find('.transaction-id').dom!.textContent).toMatch(/^42/);

  mp.as('pay-provider');
  const desk = await mp.open('pages/provider/payments/payments');
  await desk.tap('.refund-open');
  expect(desk.find('.refund-amount')).toBeDefined();
  expect((desk.data.refund as { amount: string }).amount).toBe('12345.60');
  await desk.input('.refund-amount', '345.6');
  await desk.tap('.refund-submit');
  expect(desk.find('.refund-error').dom!.textContent).toContain('请写明退款原因');
  await desk.input('.refund-reason', '少开通一个账号');
  await desk.tap('.refund-submit');
  expect(sent('POST', /\/refunds$/).at(-1)).toMatchObject({ status: 200, body: { amountFen: 34_560, reason: '少开通一个账号' } });
  await mp.t.sandbox.control.pay.settle();
  // The provider opens the request from its 已收到付款 notice: it sees it, it does not pay it.
  const notice = await mp.open('pages/enterprise/pay/pay', { id: requestId });
  expect(notice.all('.pay')).toHaveLength(0);
  expect(notice.all('.provider-payments')).toHaveLength(1);
  expect(notice.text).toContain('平台已核验');

  mp.as('pay-clerk');
  const after = await mp.open('pages/enterprise/pay/pay', { id: requestId });
  await after.waitFor('the refund', () => (after.data.p as { refundedText: string }).refundedText !== '' || after.text.includes('退款中'));
  expect(after.all('.refund')).toHaveLength(1);
  expect(after.text).toContain('345.60 元');
  expect(after.text).toContain('少开通一个账号');
});

test('the refusals in plain words: withdrawn meanwhile; WeChat Pay not answering, then paid on the retry with one order', async () => {
  const ask = async (amountFen: number) =>
    (
      await mp.t.http
        .post('/api/v1/providers/me/payment-requests')
        .set(bearer(owner))
        .send({ creditCode: enterprise.creditCode, amountFen, description: '实施服务费' })
    ).body.payment.id as string;
  mp.as('pay-clerk');

  const withdrawn = await ask(50_000);
  const stale = await mp.open('pages/enterprise/pay/pay', { id: withdrawn });
  await mp.t.http.post(`/api/v1/providers/me/payments/${withdrawn}/cancel`).set(bearer(owner)).expect(200);
  await stale.tap('.pay');
  expect(stale.find('.message').dom!.textContent).toContain('这笔付款已关闭');
  expect(stale.find('.status').dom!.textContent).toBe('已关闭');
  expect(stale.all('.pay')).toHaveLength(0);
  // Explained on the page, not in a dialog.
  expect(mp.wx.modals.filter((m) => m.content.includes('关闭'))).toHaveLength(0);

  const id = await ask(80_000);
  const page = await mp.open('pages/enterprise/pay/pay', { id });
  mp.t.sandbox.control.pay.payFault('jsapi', 'error500');
  const before = mp.wx.payments.length;
  await page.tap('.pay');
  expect(page.find('.message').dom!.textContent).toContain('微信支付暂时没有回应');
  expect(page.data.state).toBe('ready');
  expect(mp.wx.payments).toHaveLength(before);
  await page.tap('.pay');
  expect(mp.wx.payments).toHaveLength(before + 1);
  const no = await outTradeNo(id);
  expect(mp.t.sandbox.control.pay.orders(merchant.mchid).filter((o) => o.outTradeNo === no)).toHaveLength(1);
  await mp.t.sandbox.control.pay.payOrder(merchant.mchid, no);
  await page.waitFor('the payment to be confirmed', () => page.data.state === 'paid');

  // Cancelled in WeChat's sheet: no error, the request is still there to pay.
  const third = await ask(10_000);
  const cancelled = await mp.open('pages/enterprise/pay/pay', { id: third });
  mp.wx.paymentOutcome = 'cancel';
  await cancelled.tap('.pay');
  mp.wx.paymentOutcome = 'success';
  expect(cancelled.find('.message').dom!.textContent).toContain('您已取消支付');
  expect(cancelled.all('.pay')).toHaveLength(1);
});

test('from the application: the contract’s provider paid an amount typed there, and the application counts it as verified', async () => {
  mp.as('pay-clerk');
  const app = await applicationAt(mp.t, enterprise, provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-APP-7' });
  const page = await mp.open('pages/enterprise/pay/pay', {
    applicationId: app.id,
    amountFen: '5000000',
    provider: encodeURIComponent(provider.companyName),
  });
  expect(page.data.amount).toBe('50000');
  await page.input('.amount', '60000');
  await page.tap('.pay');
  expect(sent('POST', /^\/api\/v1\/payments$/).at(-1)).toMatchObject({
    status: 201,
    body: { applicationId: app.id, amountFen: 6_000_000 },
  });
  // From now on the page is about that one request: it shows it.
  const id = String(page.data.id);
  expect(page.find('.contract-no').dom!.textContent).toBe('HT-APP-7');
  await mp.t.sandbox.control.pay.payOrder(merchant.mchid, await outTradeNo(id));
  await page.waitFor('the payment to be confirmed', () => page.data.state === 'paid');
  expect(page.text).toContain('已记入申请的付款记录（平台已核验）');
  expect(mp.wx.storage.get('apply.paidForApplication')).toBe(app.id);
  await page.tap('.done');
  expect(mp.wx.navigations.at(-1)!.kind).toBe('navigateBack');

  const apply = await mp.open('pages/enterprise/apply/apply', { id: app.id, step: 'payments' });
  expect(apply.data.payments).toEqual([expect.objectContaining({ amountText: '60,000.00 元', verified: true, requestId: id })]);
  expect(apply.text).toContain('平台已核验');
  // The requests paid earlier without an application may be put on this one.
  const unattached = () => (apply.data.unattached as { id: string; text: string }[]).map((u) => u.id);
  expect(unattached()).toContain(requestId);
  expect((apply.data.unattached as { text: string }[])[unattached().indexOf(requestId)].text).toContain('12,000.00 元');
  await apply.tap('.attach-payment', unattached().indexOf(requestId));
  expect(sent('POST', /\/payments\/wechat$/).at(-1)).toMatchObject({ status: 200, body: { paymentId: requestId } });
  expect(apply.data.payments).toHaveLength(2);
  expect(unattached()).not.toContain(requestId);
});

test('the city: who takes payment on the platform, what the bills disagree on; the provider sees its own', async () => {
  const city = await person(mp.t, 'pay-city');
  await mp.t.grant(city.token, 'city_miit');
  const other = await providerOf(mp.t, await person(mp.t, 'pay-provider-2'), { companyName: '伊春未开通云有限公司' });
  const account = (await mp.t.db.read((tx) => merchantAccountOf(tx, provider.id)))!;
  await mp.t.db.transaction((tx) =>
    insertDiscrepancy(tx, {
      id: newId(),
      merchantAccountId: account.id,
      providerId: provider.id,
      billDate: '2026-01-09',
      outTradeNo: 'SYNOTOURS0000000000000000000001',
      kind: 'missing_here',
      message: '微信支付账单有一笔 88.00 元的付款，平台没有对应的付款请求',
      ours: null,
      theirs: { settlementFen: 8800 },
      foundAt: Date.now(),
      resolvedAt: null,
    }),
  );

  mp.as('pay-city');
  const page = await mp.open('pages/city/payments/payments');
  expect(page.data.overview).toBe(true);
  const merchants = page.data.merchants as { id: string; label: string }[];
  expect(merchants.find((m) => m.id === provider.id)!.label).toBe('已开通');
  expect(merchants.find((m) => m.id === other.id)!.label).toBe('未开通');
  expect(page.text).toContain(`商户号 ${merchant.mchid}`);
  expect(page.all('.discrepancy')).toHaveLength(1);
  expect(page.text).toContain('账单有、平台无');
  expect(page.text).toContain('微信支付账单有一笔 88.00 元的付款');
  expect(page.text).toContain(provider.companyName);
  expect(page.all('.resolve')).toHaveLength(1);

  // The provider, from its reconciliation notice: its own problems, no overview (that route is not for it).
  mp.as('pay-provider');
  const own = await mp.open('pages/city/payments/payments');
  expect(own.data.overview).toBe(false);
  expect(own.all('.discrepancy')).toHaveLength(1);
  expect(mp.wx.requests.filter((r) => r.path === '/api/v1/payments/merchants' && r.status === 403)).toHaveLength(0);
  const theirs = await mp.open('pages/provider/payments/payments');
  expect(theirs.all('.discrepancy')).toHaveLength(1);
  expect(own.all('.resolve')).toHaveLength(0);

  // City MIIT closes it once explained: an empty note is refused with the server's words, a real one closes it.
  mp.as('pay-city');
  const again = await mp.open('pages/city/payments/payments');
  mp.wx.modalAnswers.push({ confirm: true, content: '' }, { confirm: true });
  await again.tap('.resolve');
  expect(mp.wx.modals.at(-1)?.content).toMatch(/写明/);
  mp.wx.modalAnswers.push({ confirm: true, content: '服务商线下订单，已核实与补助无关' });
  await again.tap('.resolve');
  expect(again.all('.discrepancy')).toHaveLength(0);
});

test('the registry: a priced item of a provider that takes WeChat Pay is bought at its Yichun price', async () => {
  mp.as('pay-clerk');
  const page = await mp.open('pages/enterprise/providers/providers');
  const card = (page.data.providers as { id: string; wechatPay: boolean; catalogue: { id: string; buyable: boolean }[] }[]).find(
    (p) => p.id === provider.id,
  )!;
  expect(card.wechatPay).toBe(true);
  const index = page.all('.buy').length;
  expect(index).toBeGreaterThan(0);
  await page.tap('.buy');
  const to = mp.wx.navigations.at(-1)!;
  expect(to.url).toMatch(/^\/pages\/enterprise\/pay\/pay\?id=/);
  const id = to.url.split('id=')[1];
  const payment = (await mp.t.http.get(`/api/v1/payments/${id}`).set(bearer(clerk))).body.payment;
  const item = (await mp.t.http.get(`/api/v1/providers/${provider.id}`)).body;
  const first = (item.catalogue ?? item.provider.catalogue)[0] as { id: string; priceFen: number; yichunPriceFen: number | null };
  expect(payment).toMatchObject({
    catalogueItem: first.id,
    amountFen: first.yichunPriceFen ?? first.priceFen,
    requestedBy: 'enterprise',
    status: 'created',
  });
  // The picker of the application's contract offers no purchase.
  const picker = await mp.open('pages/enterprise/providers/providers', { pick: '1' });
  expect(picker.all('.buy')).toHaveLength(0);
});
