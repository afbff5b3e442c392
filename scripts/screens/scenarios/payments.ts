/**
 * Paying the provider with WeChat Pay, against the server's WeChat Pay sandbox: the provider's merchant
 * account and payment requests, the clerk paying, a refund, the refusals in plain words, the registry's buy
 * button, the city's overview — as test/miniprogram/pages/payments.test.ts drives them.
 */
import { createPublicKey } from 'node:crypto';
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../../../test/miniprogram/support/seed';
import { MERCHANT_CERT_SERIAL, MERCHANT_KEY_PEM, PLATFORM_KEY_PEM } from '../../../test/fixtures/wechatPayCerts';
import type { TestApp } from '../../../test/helpers/testApp';
import { creditCode } from '../../../test/helpers/applications';
import { merchantAccountOf } from '../../../server/src/db/payments/merchantAccounts';
import { insertDiscrepancy } from '../../../server/src/db/payments/tradeBills';
import { newId } from '../../../server/src/ids';
import type { Scenario } from './types';
import { cityShort, lastCounty } from './place';

/**
 * A sandbox merchant with the test fixtures' keys, not freshly generated ones: the keys are typed into the
 * page and would be new text in the picture on every run.
 */
function fixedMerchant(t: TestApp) {
  const mchid = '1900006781';
  const apiV3Key = 'Yichun2026ShangYunBuZhuApiV3Key0';
  t.sandbox.control.pay.registerMerchant({
    mchid,
    appid: t.config.wechat.mp.appid,
    apiV3Key,
    serialNo: MERCHANT_CERT_SERIAL,
    publicKeyPem: createPublicKey(MERCHANT_KEY_PEM).export({ type: 'spki', format: 'pem' }).toString(),
  });
  const platform = t.sandbox.control.pay.platformKey();
  return {
    mchid,
    apiV3Key,
    serialNo: MERCHANT_CERT_SERIAL,
    privateKeyPem: MERCHANT_KEY_PEM,
    platformPublicKeyId: platform.publicKeyId,
    platformPublicKeyPem: platform.publicKeyPem,
  };
}

const MERCHANT = '微信支付收款账户';
const REQUESTS = '付款请求与退款';
const PAY = '微信支付付款';
const RECONCILE = '收款与对账';

export const payments: Scenario[] = [
  {
    name: 'wechat-pay',
    async run({ mp, open, shot }) {
      const t = mp.t;
      const owner: Person = await person(t, 'pay-provider');
      const provider = await providerOf(t, owner);
      const clerk = await person(t, 'pay-clerk');
      const enterprise = await enterpriseOf(t, clerk, { name: `${cityShort()}林都木业有限公司` });
      const bearer = (p: Person) => ({ authorization: `Bearer ${p.token}` });
      const outTradeNo = async (id: string): Promise<string> =>
        ((await t.http.get(`/api/v1/payments/${id}`).set(bearer(owner))).body as { payment: { outTradeNo: string } }).payment.outTradeNo;

      mp.as('pay-clerk');
      const noMerchant = await applicationAt(t, enterprise, provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-APP-6' });
      const unavailable = await open('pages/enterprise/pay/pay', {
        applicationId: noMerchant.id,
        amountFen: '12000000',
        provider: encodeURIComponent(provider.companyName),
      });
      await unavailable.tap('.pay');
      shot(unavailable, {
        state: 'provider-not-linked',
        title: '服务商未开通平台收款：说明怎么付、怎么登记',
        role: 'enterprise',
        flow: PAY,
      });

      mp.as('pay-provider');
      const noAccount = await open('pages/provider/payments/payments');
      shot(noAccount, { state: 'no-account', title: '平台收款：尚未开通收款账户', role: 'provider', flow: REQUESTS });
      const merchant = fixedMerchant(t);
      // Someone else's private key: WeChat Pay refuses the signature.
      const stranger = { privateKeyPem: PLATFORM_KEY_PEM };
      const page = await open('pages/provider/merchant/merchant');
      shot(page, { state: 'empty', title: '收款账户：每一项在哪里找', role: 'provider', flow: MERCHANT });
      await page.input('.field-mchid', '1234');
      await page.input('.field-apiV3Key', merchant.apiV3Key);
      await page.input('.field-privateKeyPem', stranger.privateKeyPem);
      await page.input('.field-serialNo', merchant.serialNo);
      await page.input('.field-platformKeyId', merchant.platformPublicKeyId);
      await page.input('.field-platformKeyPem', merchant.platformPublicKeyPem);
      await page.tap('.save');
      shot(page, { state: 'mchid-error', title: '商户号格式不对：写在框下，不发送', role: 'provider', flow: MERCHANT });
      await page.input('.field-mchid', merchant.mchid);
      await page.tap('.save');
      shot(page, { state: 'key-refused', title: '私钥不对：微信支付的拒绝写在对应的框下', role: 'provider', flow: MERCHANT });
      await page.input('.field-privateKeyPem', merchant.privateKeyPem);
      await page.tap('.save');
      shot(page, { state: 'linked', title: '已开通平台收款：密钥不再显示', role: 'provider', flow: MERCHANT, doc: true });
      await page.tap('.unlink');
      shot(page, { state: 'unlinked', title: '已停用', role: 'provider', flow: MERCHANT });
      await page.tap('.relink');
      for (const [field, value] of [
        ['apiV3Key', merchant.apiV3Key],
        ['privateKeyPem', merchant.privateKeyPem],
        ['platformKeyId', merchant.platformPublicKeyId],
        ['platformKeyPem', merchant.platformPublicKeyPem],
      ] as const)
        await page.input(`.field-${field}`, value);
      await page.tap('.save');

      const desk = await open('pages/provider/payments/payments');
      shot(desk, { state: 'empty', title: '平台收款：发起付款请求', role: 'provider', flow: REQUESTS });
      await desk.input('.field-creditCode', enterprise.creditCode);
      await desk.input('.field-amount', '12,345.6元');
      await desk.input('.field-description', '云ERP首年服务费');
      await desk.input('.field-contractNo', 'HT-2026-001');
      await desk.tap('.issue');
      const requestId = (desk.data.rows as { id: string }[])[0].id;
      await desk.input('.field-amount', '12.345');
      await desk.tap('.issue');
      shot(desk, { state: 'amount-error', title: '金额最多到分：写在框下', role: 'provider', flow: REQUESTS });
      await desk.input('.field-amount', '100');
      await desk.input('.field-creditCode', creditCode(lastCounty().code));
      await desk.input('.field-description', '试用费');
      await desk.tap('.issue');
      shot(desk, { state: 'unknown-enterprise', title: '企业未在平台登记：服务器的话写在框下', role: 'provider', flow: REQUESTS });
      await desk.input('.field-creditCode', enterprise.creditCode);
      await desk.tap('.issue');
      await desk.tap('.cancel');
      shot(desk, { state: 'requests', title: '付款请求：待支付、已关闭', role: 'provider', flow: REQUESTS });

      mp.as('pay-clerk');
      const index = await open('pages/enterprise/index/index');
      shot(index, { state: 'payment-due', title: '我的申报：有一笔付款请求待支付', role: 'enterprise', flow: PAY });
      const list = await open('pages/enterprise/payments/payments');
      shot(list, { state: 'open-and-closed', title: '付款请求：待支付在前', role: 'enterprise', flow: PAY, doc: true });
      const pay = await open('pages/enterprise/pay/pay', { id: requestId });
      shot(pay, { state: 'to-pay', title: '微信支付：收款方、金额、用途、合同', role: 'enterprise', flow: PAY, doc: true });
      await pay.tap('.pay');
      shot(pay, { state: 'confirming', title: '已付款：等待微信支付通知平台', role: 'enterprise', flow: PAY });
      await t.sandbox.control.pay.payOrder(merchant.mchid, await outTradeNo(requestId));
      await pay.waitFor('the payment to be confirmed', () => pay.data.state === 'paid');
      shot(pay, { state: 'paid', title: '支付成功：平台已核验实付金额', role: 'enterprise', flow: PAY });

      mp.as('pay-provider');
      const refund = await open('pages/provider/payments/payments');
      await refund.tap('.refund-open');
      await refund.input('.refund-amount', '345.6');
      await refund.tap('.refund-submit');
      shot(refund, { state: 'refund-reason-missing', title: '退款须写原因：就地提示', role: 'provider', flow: REQUESTS });
      await refund.input('.refund-reason', '少开通一个账号');
      await refund.tap('.refund-submit');
      await t.sandbox.control.pay.settle();
      const refunded = await open('pages/provider/payments/payments');
      shot(refunded, { state: 'paid-and-refunded', title: '已收款、部分退款', role: 'provider', flow: REQUESTS, doc: true });

      mp.as('pay-clerk');
      const after = await open('pages/enterprise/pay/pay', { id: requestId });
      await after.waitFor(
        'the refund',
        () => (after.data.p as { refundedText: string }).refundedText !== '' || after.text.includes('退款中'),
      );
      shot(after, { state: 'refunded', title: '退款：金额和原因', role: 'enterprise', flow: PAY });

      // From the application's payments step: the contract's provider takes WeChat Pay; the paid amount is a verified payment.
      const app = await applicationAt(t, enterprise, provider, 'draft', { paidAmountFen: 0, contractNo: 'HT-APP-7' });
      const step = await open('pages/enterprise/apply/apply', { id: app.id, step: 'payments' });
      shot(step, {
        state: 'wechat-pay-offered',
        title: '付款记录：服务商开通了平台收款，可直接微信支付；已付的平台付款可记入本申请',
        role: 'enterprise',
        flow: PAY,
      });
      const fromApp = await open('pages/enterprise/pay/pay', {
        applicationId: app.id,
        amountFen: '5000000',
        provider: encodeURIComponent(provider.companyName),
      });
      await fromApp.input('.amount', '60000');
      shot(fromApp, { state: 'from-application', title: '从申请付款：按合同付给服务商，金额可改', role: 'enterprise', flow: PAY });
      await fromApp.tap('.pay');
      await t.sandbox.control.pay.payOrder(merchant.mchid, await outTradeNo(String(fromApp.data.id)));
      await fromApp.waitFor('the payment to be confirmed', () => fromApp.data.state === 'paid');
      shot(fromApp, { state: 'paid-for-application', title: '已记入申请的付款记录（平台已核验）', role: 'enterprise', flow: PAY });
      const verified = await open('pages/enterprise/apply/apply', { id: app.id, step: 'payments' });
      shot(verified, { state: 'payments-verified', title: '付款记录：平台已核验的微信支付付款', role: 'enterprise', flow: PAY });

      // The refusals in plain words.
      const ask = async (amountFen: number) =>
        (
          (
            await t.http
              .post('/api/v1/providers/me/payment-requests')
              .set(bearer(owner))
              .send({ creditCode: enterprise.creditCode, amountFen, description: '实施服务费' })
          ).body as { payment: { id: string } }
        ).payment.id;
      const withdrawn = await ask(50_000);
      const stale = await open('pages/enterprise/pay/pay', { id: withdrawn });
      await t.http.post(`/api/v1/providers/me/payments/${withdrawn}/cancel`).set(bearer(owner));
      await stale.tap('.pay');
      shot(stale, { state: 'closed-meanwhile', title: '服务商已撤回：在页面上说明', role: 'enterprise', flow: PAY });
      const cancelledId = await ask(10_000);
      const cancelled = await open('pages/enterprise/pay/pay', { id: cancelledId });
      mp.wx.paymentOutcome = 'cancel';
      await cancelled.tap('.pay');
      mp.wx.paymentOutcome = 'success';
      shot(cancelled, { state: 'cancelled', title: '在微信支付中取消：可以再付', role: 'enterprise', flow: PAY });

      // The registry: a priced catalogue item of a provider that takes WeChat Pay.
      const registry = await open('pages/enterprise/providers/providers');
      shot(registry, { state: 'buy', title: `名录：可用微信支付购买${cityShort()}优惠价产品`, role: 'enterprise', flow: PAY });
      const picker = await open('pages/enterprise/providers/providers', { pick: '1' });
      shot(picker, { state: 'pick', title: '为申请的合同选择服务商', role: 'enterprise', flow: '填写与提交申请' });

      // The city's overview and a disagreement of WeChat Pay's bill with the platform.
      const cityMiit = await person(t, 'pay-city');
      await t.grant(cityMiit.token, 'city_miit');
      await providerOf(t, await person(t, 'pay-provider-2'), { companyName: `${cityShort()}未开通云有限公司` });
      const account = (await t.db.read((tx) => merchantAccountOf(tx, provider.id)))!;
      await t.db.transaction((tx) =>
        insertDiscrepancy(tx, {
          id: newId(),
          merchantAccountId: account.id,
          providerId: provider.id,
          billDate: '2026-11-30',
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
      const overview = await open('pages/city/payments/payments');
      shot(overview, {
        state: 'overview',
        title: '市工信局：哪些服务商开通了收款，账单不一致待查明',
        role: 'city',
        flow: RECONCILE,
        doc: true,
      });
      mp.as('pay-provider');
      const own = await open('pages/city/payments/payments');
      shot(own, { state: 'provider-own', title: '服务商从对账通知打开：只看自己的', role: 'provider', flow: RECONCILE });
      mp.as('pay-city');
      const resolved = await open('pages/city/payments/payments');
      mp.wx.modalAnswers.push({ confirm: true, content: '服务商线下订单，已核实与补助无关' });
      await resolved.tap('.resolve');
      shot(resolved, { state: 'resolved', title: '查明后：没有待查明的不一致', role: 'city', flow: RECONCILE });
    },
  },
];
