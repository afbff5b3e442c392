/** Paying the provider with WeChat Pay, the pure parts: a request's summary, the forms' checks, the refusals' words. */
import {
  DISCREPANCY_LABELS,
  fieldErrors,
  payErrorText,
  paymentRequestBody,
  refundBody,
  requestFieldOf,
  summarize,
  wechatPayFailText,
} from '../../../miniprogram/logic/payments';
import { EMPTY_MERCHANT_FORM, MERCHANT_FIELDS, merchantFieldOf, merchantLinkBody } from '../../../miniprogram/logic/merchant';
import { HOME_ENTRIES } from '../../../miniprogram/logic/roles';
import type { Payment, PaymentRefund } from '../../../miniprogram/shared/contracts/responses';
import { creditCode } from '../../helpers/applications';

const NOW = Date.UTC(2026, 0, 10, 2, 0);

function payment(over: Partial<Payment> = {}): Payment {
  return {
    id: '01JPAYMENT00000000000000AA',
    providerId: '01JPROVIDER0000000000000AA',
    providerName: '伊春森林云科技有限公司',
    enterpriseId: '01JENTERPRISE000000000000A',
    enterpriseName: '铁力林海食品有限公司',
    applicationId: null,
    amountFen: 1_234_500,
    description: '云ERP首年服务费',
    contractNo: 'HT-2026-001',
    catalogueItem: null,
    requestedBy: 'provider',
    status: 'created',
    orderStatus: 'created',
    statusLabel: '待支付',
    outTradeNo: 'SY01JPAYMENT00000000000000AA00',
    transactionId: null,
    paidAt: null,
    paidOn: null,
    refundedFen: 0,
    verifiedPaidFen: 0,
    expiresAt: NOW + 3_600_000,
    problem: null,
    createdAt: NOW - 60_000,
    refunds: [],
    ...over,
  };
}

const refund = (over: Partial<PaymentRefund> = {}): PaymentRefund => ({
  id: 'r1',
  outRefundNo: 'RF1',
  amountFen: 34_500,
  reason: '少开通一个账号',
  status: 'succeeded',
  statusLabel: '已退款',
  origin: 'platform',
  succeededOn: '2026-01-11',
  createdAt: NOW,
  ...over,
});

describe('a payment request as the pages show it', () => {
  test('unpaid: the enterprise may pay, the provider may withdraw, nothing to refund', () => {
    const s = summarize(payment(), NOW);
    expect(s).toMatchObject({
      amountText: '12,345.00 元',
      statusLabel: '待支付',
      canPay: true,
      canCancel: true,
      canRefund: false,
      refundableFen: 0,
      verifiedText: '',
      contractNo: 'HT-2026-001',
    });
  });

  test('past its time: shown as expired and not payable, although the server has not closed it yet', () => {
    const s = summarize(payment({ expiresAt: NOW - 1 }), NOW);
    expect(s).toMatchObject({ statusLabel: '已过期', canPay: false, canCancel: true });
  });

  test('paid and partly refunded: what the platform verified, what is left to refund', () => {
    const s = summarize(
      payment({
        status: 'paid',
        orderStatus: 'paid',
        statusLabel: '已支付',
        paidAt: NOW,
        paidOn: '2026-01-10',
        transactionId: '4200001',
        refundedFen: 34_500,
        verifiedPaidFen: 1_200_000,
        refunds: [refund()],
      }),
      NOW,
    );
    expect(s).toMatchObject({
      canPay: false,
      canCancel: false,
      canRefund: true,
      refundableFen: 1_200_000,
      verifiedText: '平台已核验实付 12,000.00 元',
      refundedText: '已退款 345.00 元',
    });
    expect(s.refunds).toEqual([
      { id: 'r1', text: '345.00 元（2026-01-11 退回）', statusLabel: '已退款', reason: '少开通一个账号', pending: false },
    ]);
  });

  test('a refund under way: no second one until it ends; one made in the merchant console says so', () => {
    const s = summarize(
      payment({
        status: 'paid',
        refunds: [
          refund({ status: 'processing', statusLabel: '退款中', succeededOn: null }),
          refund({ id: 'r2', origin: 'merchant', reason: null }),
        ],
      }),
      NOW,
    );
    expect(s.canRefund).toBe(false);
    expect(s.refunds[0].pending).toBe(true);
    expect(s.refunds[1].statusLabel).toBe('已退款（商户平台办理）');
  });

  test('fully refunded: nothing left to refund', () => {
    expect(summarize(payment({ status: 'paid', refundedFen: 1_234_500, verifiedPaidFen: 0 }), NOW).canRefund).toBe(false);
  });
});

describe('why paying did not go through, in plain words', () => {
  const e = (code: string, status = 409) => payErrorText({ status, code, message: `server: ${code}` });
  test('each refusal says what happened and what to do', () => {
    expect(e('already_paid')).toContain('已经支付过了');
    expect(e('payment_closed')).toMatch(/已关闭.*联系服务商重新发起/);
    expect(e('payment_expired')).toMatch(/支付期限.*重新发起/);
    expect(e('other_payer')).toMatch(/另一位同事.*由他在自己的微信里完成/);
    expect(e('ordering')).toMatch(/等几秒钟.*不会重复扣款/);
    expect(e('upstream_unavailable', 502)).toMatch(/微信支付暂时没有回应.*不会重复下单/);
    expect(e('wechat_pay_not_offered', 404)).toContain('暂未开通平台微信支付');
    expect(e('network', 0)).toMatch(/网络连接失败.*不会重复扣款/);
    // Anything else: the server's own words.
    expect(e('no_openid')).toBe('server: no_openid');
  });
  test('WeChat’s own failure: a cancel is no error; a failure may be tried again safely', () => {
    expect(wechatPayFailText('requestPayment:fail cancel')).toContain('您已取消支付');
    expect(wechatPayFailText('requestPayment:fail (-1)')).toMatch(/重试.*不会重复扣款/);
  });
});

describe('the provider’s request form', () => {
  const code = creditCode('230781');
  const form = { creditCode: code.toLowerCase(), amount: '1,234.5', description: ' 云ERP首年服务费 ', applicationId: '', contractNo: '' };

  test('the amount typed in 元 is sent in fen; empty optional fields are left out', () => {
    expect(paymentRequestBody(form)).toEqual({ ok: true, body: { creditCode: code, amountFen: 123_450, description: '云ERP首年服务费' } });
    expect(paymentRequestBody({ ...form, amount: '0.01', applicationId: '01JAPP', contractNo: ' HT-9 ' })).toEqual({
      ok: true,
      body: { creditCode: code, amountFen: 1, description: '云ERP首年服务费', applicationId: '01JAPP', contractNo: 'HT-9' },
    });
  });

  test('each box’s problem, before anything is sent', () => {
    const r = paymentRequestBody({
      creditCode: code.slice(0, 17) + (code.endsWith('0') ? '1' : '0'),
      amount: '12.345',
      description: '费',
      applicationId: '',
      contractNo: 'x'.repeat(65),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.creditCode).toContain('校验不通过');
    expect(r.errors.amount).toBe('金额最多精确到分（小数点后两位）');
    expect(r.errors.description).toMatch(/请写明付款事项/);
    expect(r.errors.contractNo).toMatch(/64/);
    const empty = paymentRequestBody({ creditCode: '', amount: '0', description: '云'.repeat(61), applicationId: '', contractNo: '' });
    expect(empty.ok ? {} : empty.errors).toEqual({
      creditCode: '请填写付款企业的统一社会信用代码',
      amount: '金额须大于 0',
      description: '付款事项不超过 60 字，目前 61 字',
    });
  });

  test('the server’s paths land on the boxes: amountFen on the 元 box', () => {
    expect(requestFieldOf('amountFen')).toBe('amount');
    expect(requestFieldOf('creditCode')).toBe('creditCode');
    expect(requestFieldOf('payer')).toBeNull();
    expect(
      fieldErrors(
        [
          { path: 'amountFen', message: 'a' },
          { path: 'amountFen', message: 'b' },
          { path: 'x', message: 'c' },
        ],
        requestFieldOf,
      ),
    ).toEqual({ amount: 'a' });
  });

  test('a refund: at most what is left, with a reason', () => {
    expect(refundBody('100', '服务未开通', 10_000)).toEqual({ ok: true, amountFen: 10_000, reason: '服务未开通' });
    expect(refundBody('100.01', '服务未开通', 10_000)).toEqual({ ok: false, message: '退款金额不能超过可退金额 100.00 元' });
    expect(refundBody('0', '服务未开通', 10_000)).toEqual({ ok: false, message: '退款金额须大于 0' });
    expect(refundBody('50', ' 退', 10_000)).toMatchObject({ ok: false, message: expect.stringContaining('请写明退款原因') });
    expect(refundBody('50', '退'.repeat(81), 10_000)).toMatchObject({ ok: false, message: expect.stringContaining('80') });
  });
});

describe('the merchant account form', () => {
  const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
  const cert = '-----BEGIN CERTIFICATE-----\nMIIDxzCCAq+gAwIBAgIU\n-----END CERTIFICATE-----';
  const pub = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----';
  const form = {
    mchid: ' 1900000109 ',
    apiV3Key: 'a'.repeat(32),
    privateKeyPem: `\n${key}\n`,
    certificatePem: '',
    serialNo: '5157f09eefdc096e',
    platformKeyId: 'PUB_KEY_ID_0112345678202401010000000000',
    platformKeyPem: pub,
  };

  test('what is sent: trimmed, the serial in capitals, the public key with its ID, the version on a relink', () => {
    expect(merchantLinkBody(form, null)).toEqual({
      ok: true,
      body: {
        mchid: '1900000109',
        apiV3Key: 'a'.repeat(32),
        privateKeyPem: key,
        serialNo: '5157F09EEFDC096E',
        platformKeys: [{ id: 'PUB_KEY_ID_0112345678202401010000000000', pem: pub }],
      },
    });
    const relink = merchantLinkBody({ ...form, serialNo: '', certificatePem: cert, platformKeyId: '', platformKeyPem: cert }, 3);
    // A certificate carries its own serial; a 平台证书 needs no ID.
    expect(relink).toEqual({
      ok: true,
      body: {
        version: 3,
        mchid: '1900000109',
        apiV3Key: 'a'.repeat(32),
        privateKeyPem: key,
        certificatePem: cert,
        platformKeys: [{ pem: cert }],
      },
    });
  });

  test('the usual slips, each under its box', () => {
    const r = merchantLinkBody(
      { ...EMPTY_MERCHANT_FORM, mchid: '12345', apiV3Key: 'short', privateKeyPem: cert, platformKeyPem: pub },
      null,
    );
    expect(r.ok ? {} : r.errors).toEqual({
      mchid: '商户号为 8–12 位数字',
      apiV3Key: 'APIv3 密钥为 32 位字符，目前 5 位',
      privateKeyPem: '这里粘贴的是证书，请粘贴私钥 apiclient_key.pem（BEGIN PRIVATE KEY 开头）',
      serialNo: '请粘贴商户 API 证书，或填写证书序列号',
      platformKeyId: '请填写微信支付公钥的 ID（PUB_KEY_ID_ 开头）',
    });
    const cut = merchantLinkBody({ ...form, privateKeyPem: key.slice(0, 40), platformKeyPem: pub.slice(0, 40), serialNo: 'XYZ' }, null);
    expect(cut.ok ? [] : Object.keys(cut.errors).sort()).toEqual(['platformKeyPem', 'privateKeyPem', 'serialNo']);
  });

  test('the server’s paths land on the boxes', () => {
    expect(merchantFieldOf('privateKeyPem')).toBe('privateKeyPem');
    expect(merchantFieldOf('platformKeys')).toBe('platformKeyPem');
    expect(merchantFieldOf('platformKeys.0.pem')).toBe('platformKeyPem');
    expect(merchantFieldOf('platformKeys.0.id')).toBe('platformKeyId');
    expect(merchantFieldOf('version')).toBeNull();
    // Every box has its help, and the PEM boxes are textareas.
    for (const f of MERCHANT_FIELDS) expect(f.help.length).toBeGreaterThan(20);
    expect(MERCHANT_FIELDS.filter((f) => f.pem).map((f) => f.key)).toEqual(['privateKeyPem', 'certificatePem', 'platformKeyPem']);
  });
});

test('the city and the provider reach WeChat Pay from their home pages', () => {
  for (const role of ['city_miit', 'city_finance', 'admin'] as const)
    expect(HOME_ENTRIES[role].map((e) => e.url)).toContain('/pages/city/payments/payments');
  expect(HOME_ENTRIES.provider.map((e) => e.url)).toContain('/pages/provider/payments/payments');
  expect(Object.keys(DISCREPANCY_LABELS)).toHaveLength(5);
});
