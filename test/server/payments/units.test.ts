import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../../server/src/modules/payments/secretBox';
import { parseTradeBill, yuanToFen } from '../../../server/src/modules/payments/tradeBill';
import { AeadError, decryptAeadAes256Gcm, encryptAeadAes256Gcm, parseAuthorization } from '../../../server/src/wechat/pay/crypto';
import { rfc3339Shanghai } from '../../../server/src/wechat/pay/format';

describe('yuan in a trade bill → fen, never through a float', () => {
  test.each<[string, number | null]>([
    ['100.00', 10_000],
    ['0.01', 1],
    ['0.1', 10],
    ['12', 1_200],
    ['1234567.89', 123_456_789],
    ['-5.50', -550],
    ['1.005', null],
    ['1,000.00', null],
    ['', null],
    ['abc', null],
  ])('%s → %s', (text, fen) => expect(yuanToFen(text)).toBe(fen));
});

describe('the trade bill CSV', () => {
  const header =
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  const row = (fields: string[]) => fields.map((f) => `\`${f}`).join(',');
  const paid = [
    '2026-11-29 12:00:00',
    'wxapp',
    '1900000001',
    '0',
    '',
    '4200001',
    'SY0001',
    'mp-a',
    'JSAPI',
    'SUCCESS',
    'OTHERS',
    'CNY',
    '123.45',
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    '服务费',
    '',
    '0.00',
    '0.60%',
    '123.45',
    '0.00',
    '',
  ];
  const refund = [
    '2026-11-29 13:00:00',
    'wxapp',
    '1900000001',
    '0',
    '',
    '4200001',
    'SY0001',
    'mp-a',
    'JSAPI',
    'REFUND',
    'OTHERS',
    'CNY',
    '0.00',
    '0.00',
    '5000001',
    'RF01',
    '20.00',
    '0.00',
    'ORIGINAL',
    'SUCCESS',
    '服务费',
    '',
    '0.00',
    '0.60%',
    '0.00',
    '20.00',
    '',
  ];

  test('rows up to the summary, amounts in fen', () => {
    const text = [
      '\uFEFF' + header,
      row(paid),
      row(refund),
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      row(['2', '123.45', '20.00', '0.00', '0.00', '123.45', '20.00']),
      '',
    ].join('\r\n');
    const parsed = parseTradeBill(text);
    expect(parsed).toEqual({
      ok: true,
      rows: [
        expect.objectContaining({
          outTradeNo: 'SY0001',
          transactionId: '4200001',
          tradeState: 'SUCCESS',
          settlementFen: 12_345,
          refundFen: 0,
        }),
        expect.objectContaining({
          outTradeNo: 'SY0001',
          tradeState: 'REFUND',
          outRefundNo: 'RF01',
          refundId: '5000001',
          refundFen: 2_000,
          refundStatus: 'SUCCESS',
        }),
      ],
    });
  });

  test.each<[string, string]>([
    ['empty', ''],
    ['a header without the needed columns', '交易时间,商户号\n`1,`2'],
    ['an amount that is not money', [header, row(paid.map((f, i) => (i === 12 ? '12.3.4' : f)))].join('\n')],
  ])('refused: %s', (_label, text) => expect(parseTradeBill(text).ok).toBe(false));
});

describe('AEAD_AES_256_GCM checks its tag', () => {
  const key = 'k'.repeat(32);
  const sealed = encryptAeadAes256Gcm(key, '{"a":1}', 'transaction', 'nonce1234567');

  test('opens with the same key, nonce and associated data', () =>
    expect(decryptAeadAes256Gcm(key, sealed, 'transaction', 'nonce1234567')).toBe('{"a":1}'));
  test.each<[string, () => string]>([
    ['another key', () => decryptAeadAes256Gcm('j'.repeat(32), sealed, 'transaction', 'nonce1234567')],
    ['other associated data', () => decryptAeadAes256Gcm(key, sealed, 'refund', 'nonce1234567')],
    ['another nonce', () => decryptAeadAes256Gcm(key, sealed, 'transaction', 'nonce7654321')],
    [
      'a flipped bit',
      () =>
        decryptAeadAes256Gcm(
          key,
          Buffer.from(Buffer.from(sealed, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64'),
          'transaction',
          'nonce1234567',
        ),
    ],
    [
      'a cut tag',
      () => decryptAeadAes256Gcm(key, Buffer.from(sealed, 'base64').subarray(0, 10).toString('base64'), 'transaction', 'nonce1234567'),
    ],
    ['a key of the wrong length', () => decryptAeadAes256Gcm('short', sealed, 'transaction', 'nonce1234567')],
  ])('refuses %s', (_label, open) => expect(open).toThrow(AeadError));
});

describe('sealed merchant secrets', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('apiclient_key', 'row-1');
  test('open for their own row only', () => {
    expect(box.open(sealed, 'row-1')).toBe('apiclient_key');
    expect(() => box.open(sealed, 'row-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row-1')).toThrow();
    expect(() =>
      box.open(
        sealed.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        'row-1',
      ),
    ).toThrow();
    expect(sealed).not.toContain('apiclient_key');
  });
});

test('WeChat Pay times and authorization headers', () => {
  expect(rfc3339Shanghai(Date.parse('2026-11-29T16:30:00Z'))).toBe('2026-11-30T00:30:00+08:00');
  expect(
    parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n",timestamp="1",serial_no="AB",signature="s=="'),
  ).toEqual({ mchid: '1900000001', nonce_str: 'n', timestamp: '1', serial_no: 'AB', signature: 's==' });
  expect(parseAuthorization('Bearer x')).toBeNull();
  expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1"')).toBeNull();
});
