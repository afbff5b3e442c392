import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Pay from 'wechatpay-node-v3';
import {
  decryptAeadAes256Gcm,
  requestMessage,
  responseMessage,
  signSha256Rsa,
  verifySha256Rsa,
} from '../../../server/src/wechat/pay/crypto';
import { createPayTransport } from '../../../server/src/wechat/pay/transport';
import {
  type CreatedPayMerchant,
  type RunningSandbox,
  TRADE_BILL_HEADER,
  TRADE_BILL_SUMMARY_HEADER,
  startSandbox,
} from '../../../server/sandbox';

const APPID = 'wxpaysandboxapp';
const DAY_MS = 86_400_000;

let sandbox: RunningSandbox;
let merchant: CreatedPayMerchant;
/** A second merchant: its key signs requests it has no right to sign. */
let other: CreatedPayMerchant;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let notifyUrl: string;
let received: Received[] = [];
let receiverStatus = 200;

beforeAll(async () => {
  // Signed error answers and no signature probes: the sandbox's other behaviour, kept for the checks of
  // this file. Its defaults (errors unsigned, probes on) are tested in sandboxPayRefusals.test.ts.
  sandbox = await startSandbox({ pay: { signErrors: true, signatureProbes: false } });
  merchant = sandbox.control.pay.createMerchant({ appid: APPID });
  other = sandbox.control.pay.createMerchant({ appid: 'wxotherapp' });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = receiverStatus;
      res.end(receiverStatus === 200 ? '' : '{"code":"FAIL","message":"失败"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/v1/wechat/pay/notify/acct1`;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => {
    receiver.close(() => resolve());
    receiver.closeAllConnections();
  });
});

beforeEach(() => {
  sandbox.control.reset();
  for (const m of [merchant, other]) {
    sandbox.control.pay.registerMerchant({
      mchid: m.mchid,
      appid: m.appid,
      apiV3Key: m.apiV3Key,
      serialNo: m.serialNo,
      publicKeyPem: m.publicKeyPem,
    });
  }
  received = [];
  receiverStatus = 200;
});

function client(m: CreatedPayMerchant, opts: { privateKeyPem?: string; platformPem?: string; timeoutMs?: number } = {}): Pay {
  const pay = new Pay({
    appid: m.appid,
    mchid: m.mchid,
    serial_no: m.serialNo,
    publicKey: Buffer.from(m.platformPublicKeyPem),
    privateKey: Buffer.from(opts.privateKeyPem ?? m.privateKeyPem),
    key: m.apiV3Key,
  });
  pay.createHttp(
    createPayTransport({
      apiBase: sandbox.baseUrl,
      platformKeys: new Map([[m.platformPublicKeyId, createPublicKey(opts.platformPem ?? m.platformPublicKeyPem)]]),
      timeoutMs: opts.timeoutMs ?? 2000,
    }),
  );
  return pay;
}

function order(outTradeNo: string, total = 10000, extra: Record<string, unknown> = {}) {
  return {
    description: '上云补助 服务费',
    out_trade_no: outTradeNo,
    notify_url: notifyUrl,
    amount: { total, currency: 'CNY' },
    payer: { openid: 'mp-alice' },
    ...extra,
  };
}

/** A request signed by hand, for bodies the client would never send. */
async function signedRequest(m: CreatedPayMerchant, method: 'GET' | 'POST', path: string, body = '') {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = signSha256Rsa(m.privateKeyPem, requestMessage(method, path, timestamp, nonce, body));
  const res = await fetch(`${sandbox.baseUrl}${path.slice(1)}`, {
    method,
    headers: {
      Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${m.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${m.serialNo}",signature="${signature}"`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: method === 'POST' ? body : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, data: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function verifiedByPlatform(headers: { get(name: string): string | null }, body: string): boolean {
  const ts = headers.get('wechatpay-timestamp') ?? '';
  const nonce = headers.get('wechatpay-nonce') ?? '';
  if (headers.get('wechatpay-serial') !== merchant.platformPublicKeyId) return false;
  return verifySha256Rsa(
    createPublicKey(merchant.platformPublicKeyPem),
    responseMessage(ts, nonce, body),
    headers.get('wechatpay-signature') ?? '',
  );
}

interface CallbackBody {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: { original_type: string; algorithm: string; ciphertext: string; associated_data: string; nonce: string };
}

/** What a merchant does with a callback: verify the platform signature, then decrypt with the APIv3 key. */
function openCallback(r: Received, m: CreatedPayMerchant = merchant): { body: CallbackBody; plain: Record<string, unknown> } {
  const headers = { get: (name: string) => (r.headers[name] as string | undefined) ?? null };
  expect(verifiedByPlatform(headers, r.body)).toBe(true);
  const body = JSON.parse(r.body) as CallbackBody;
  const { ciphertext, associated_data, nonce } = body.resource;
  return { body, plain: JSON.parse(decryptAeadAes256Gcm(m.apiV3Key, ciphertext, associated_data, nonce)) as Record<string, unknown> };
}

describe('ordering (jsapi)', () => {
  it('answers a prepay_id; the client turns it into wx.requestPayment parameters signed with the merchant key', async () => {
    const res = await client(merchant).transactions_jsapi(order('SBX0001'));
    expect(res.status).toBe(200);
    const data = res.data as Record<string, string>;
    expect(data).toMatchObject({ appId: APPID, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx\d{14}[0-9a-f]{20}$/) });
    const message = `${data.appId}\n${data.timeStamp}\n${data.nonceStr}\n${data.package}\n`;
    expect(verifySha256Rsa(createPublicKey(merchant.publicKeyPem), message, data.paySign)).toBe(true);
    expect(sandbox.control.pay.order(merchant.mchid, 'SBX0001')).toMatchObject({ tradeState: 'NOTPAY', total: 10000, openid: 'mp-alice' });
  });

  it('the same out_trade_no with the same parameters is the same order; other parameters are refused', async () => {
    const pay = client(merchant);
    const first = await pay.transactions_jsapi(order('SBX0002'));
    const again = await pay.transactions_jsapi(order('SBX0002'));
    expect(again.data.package).toBe(first.data.package);
    expect(sandbox.control.pay.ordersCreated()).toBe(1);
    const changed = await pay.transactions_jsapi(order('SBX0002', 20000));
    expect(changed.status).toBe(400);
    expect(changed.data).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(sandbox.control.pay.ordersCreated()).toBe(1);
  });

  it('a paid, closed or expired order cannot be ordered again', async () => {
    const pay = client(merchant);
    for (const no of ['SBXPAID1', 'SBXCLOSED', 'SBXEXPIRED']) await pay.transactions_jsapi(order(no));
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBXPAID1');
    expect((await pay.close('SBXCLOSED')).status).toBe(204);
    sandbox.control.pay.expireOrder(merchant.mchid, 'SBXEXPIRED');
    expect((await pay.transactions_jsapi(order('SBXPAID1'))).data).toMatchObject({ code: 'ORDERPAID' });
    expect((await pay.transactions_jsapi(order('SBXCLOSED'))).data).toMatchObject({ code: 'ORDER_CLOSED' });
    const expired = await pay.transactions_jsapi(order('SBXEXPIRED'));
    expect(expired).toMatchObject({ status: 400, data: { code: 'ORDER_CLOSED', message: '订单已过期' } });
    // WeChat keeps an expired order NOTPAY until the merchant closes it.
    expect((await pay.query({ out_trade_no: 'SBXEXPIRED' })).data.trade_state).toBe('NOTPAY');
    await expect(sandbox.control.pay.payOrder(merchant.mchid, 'SBXEXPIRED')).rejects.toThrow(/expired/);
  });

  it('time_expire passing on the sandbox clock makes the order unpayable', async () => {
    const pay = client(merchant);
    const expire = new Date(sandbox.control.now() + 8 * 3_600_000 + 10 * 60_000).toISOString().slice(0, 19) + '+08:00';
    expect((await pay.transactions_jsapi(order('SBXTTL01', 100, { time_expire: expire }))).status).toBe(200);
    const past = new Date(sandbox.control.now() + 8 * 3_600_000 - 60_000).toISOString().slice(0, 19) + '+08:00';
    expect((await pay.transactions_jsapi(order('SBXTTL02', 100, { time_expire: past }))).data).toMatchObject({ code: 'PARAM_ERROR' });
    sandbox.control.advance(11 * 60_000);
    await expect(sandbox.control.pay.payOrder(merchant.mchid, 'SBXTTL01')).rejects.toThrow(/expired/);
    expect((await pay.transactions_jsapi(order('SBXTTL01', 100, { time_expire: expire }))).data).toMatchObject({ code: 'ORDER_CLOSED' });
    expect(sandbox.control.pay.order(merchant.mchid, 'SBXTTL01')).toMatchObject({ tradeState: 'NOTPAY', expired: true });
  });

  it('checks the body like WeChat Pay: PARAM_ERROR, APPID_MCHID_NOT_MATCH; error answers are signed too', async () => {
    const path = '/v3/pay/transactions/jsapi';
    const malformed = await signedRequest(merchant, 'POST', path, '{"appid": ');
    expect(malformed).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } });
    expect(verifiedByPlatform(malformed.headers, malformed.text)).toBe(true);
    const base = { appid: APPID, mchid: merchant.mchid, ...order('SBX0003') };
    const noDescription: Partial<typeof base> = { ...base };
    delete noDescription.description;
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify(noDescription))).data).toMatchObject({
      code: 'PARAM_ERROR',
      message: expect.stringContaining('/body/description'),
    });
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify({ ...base, out_trade_no: 'abc' }))).data.code).toBe('PARAM_ERROR');
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify({ ...base, amount: { total: 0 } }))).data.code).toBe('PARAM_ERROR');
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify({ ...base, notify_url: 'ftp://x' }))).data.code).toBe('PARAM_ERROR');
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify([1]))).data.code).toBe('PARAM_ERROR');
    const wrongApp = await signedRequest(merchant, 'POST', path, JSON.stringify({ ...base, appid: 'wxotherapp' }));
    expect(wrongApp).toMatchObject({ status: 400, data: { code: 'APPID_MCHID_NOT_MATCH' } });
    expect(sandbox.control.pay.ordersCreated()).toBe(0);
    expect((await signedRequest(merchant, 'POST', path, JSON.stringify(base))).status).toBe(200);
  });
});

describe('signatures', () => {
  it('a request signed with another key, an unknown merchant or a wrong serial is 401 SIGN_ERROR', async () => {
    const forged = await client(merchant, { privateKeyPem: other.privateKeyPem }).transactions_jsapi(order('SBX0004'));
    expect(forged).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
    const unknown = await client({ ...merchant, mchid: '1900000000' }).query({ out_trade_no: 'SBX0004' });
    expect(unknown).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
    const wrongSerial = await client({ ...merchant, serialNo: 'AB'.repeat(20) }).query({ out_trade_no: 'SBX0004' });
    expect(wrongSerial.status).toBe(401);
    const noAuth = await fetch(`${sandbox.baseUrl}v3/pay/transactions/out-trade-no/SBX0004?mchid=${merchant.mchid}`);
    expect(noAuth.status).toBe(401);
    expect(sandbox.control.pay.ordersCreated()).toBe(0);
  });

  it('answers are signed with the platform key: the transport refuses them under a wrong key (status 0)', async () => {
    const wrong = createPublicKey(other.publicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const res = await client(merchant, { platformPem: wrong }).transactions_jsapi(order('SBX0005'));
    expect(res.status).toBe(0);
    // …although WeChat Pay did create the order.
    expect(sandbox.control.pay.ordersCreated()).toBe(1);
    expect(sandbox.control.pay.platformKey()).toEqual({
      publicKeyId: merchant.platformPublicKeyId,
      publicKeyPem: merchant.platformPublicKeyPem,
    });
    expect(merchant.platformPublicKeyId).toMatch(/^PUB_KEY_ID_\d{28}$/);
    expect(merchant.serialNo).toMatch(/^[0-9A-F]{40}$/);
  });
});

describe('query, payment and its callback', () => {
  it('NOTPAY → paid through the control → SUCCESS with a transaction_id; the callback verifies and decrypts to the transaction', async () => {
    const pay = client(merchant);
    await pay.transactions_jsapi(order('SBX0010', 10000, { attach: 'acct1' }));
    const before = await pay.query({ out_trade_no: 'SBX0010' });
    expect(before.status).toBe(200);
    expect(before.data).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: 'SBX0010', mchid: merchant.mchid, appid: APPID });
    expect(before.data.transaction_id).toBeUndefined();
    expect(before.data.attach).toBeUndefined();

    const delivery = await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0010');
    expect(delivery).toMatchObject({ ok: true, status: 200, eventType: 'TRANSACTION.SUCCESS', url: notifyUrl });

    const after = await pay.query({ out_trade_no: 'SBX0010' });
    expect(after.data).toMatchObject({
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      transaction_id: expect.stringMatching(/^42000\d{23}$/),
      success_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      attach: 'acct1',
      payer: { openid: 'mp-alice' },
      amount: { total: 10000, payer_total: 10000, currency: 'CNY', payer_currency: 'CNY' },
    });
    const byId = await pay.query({ transaction_id: after.data.transaction_id as string });
    expect(byId.data).toEqual(after.data);

    expect(received).toHaveLength(1);
    expect(received[0].headers['content-type']).toBe('application/json');
    const { body, plain } = openCallback(received[0]);
    expect(body).toMatchObject({
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        associated_data: 'transaction',
        nonce: expect.stringMatching(/^.{12}$/),
      },
    });
    expect(plain).toEqual(after.data);
    // The tag is checked: a flipped byte does not decrypt.
    const raw = Buffer.from(body.resource.ciphertext, 'base64');
    raw[0] = raw[0] ^ 1;
    expect(() => decryptAeadAes256Gcm(merchant.apiV3Key, raw.toString('base64'), 'transaction', body.resource.nonce)).toThrow();
  });

  it('unknown orders are 404 ORDER_NOT_EXIST; another merchant sees none of them', async () => {
    await client(merchant).transactions_jsapi(order('SBX0011'));
    expect(await client(merchant).query({ out_trade_no: 'SBXNONE' })).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
    expect((await client(other).query({ out_trade_no: 'SBX0011' })).status).toBe(404);
    expect((await client(merchant).query({ transaction_id: '4200000000000000000000000000' })).status).toBe(404);
  });

  it('a failing receiver keeps the callback pending: deliverPending retries it, redeliver sends a duplicate', async () => {
    await client(merchant).transactions_jsapi(order('SBX0012'));
    receiverStatus = 500;
    const first = await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0012');
    expect(first).toMatchObject({ ok: false, status: 500 });
    receiverStatus = 200;
    const retried = await sandbox.control.pay.deliverPending();
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ ok: true, notificationId: first!.notificationId });
    expect(await sandbox.control.pay.deliverPending()).toEqual([]);
    await sandbox.control.pay.redeliver(first!.notificationId);
    expect(received).toHaveLength(3);
    // Same notification (same id and body), signed afresh each time.
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(sandbox.control.pay.deliveries().map((d) => d.status)).toEqual([500, 200, 200]);
    // What was recorded replays as is.
    const recorded = sandbox.control.pay.deliveries()[0];
    expect(verifiedByPlatform(new Headers(recorded.headers), recorded.body)).toBe(true);
  });

  it('deliver: false leaves the callback for later; an unreachable notify_url is recorded as no answer', async () => {
    const pay = client(merchant);
    await pay.transactions_jsapi(order('SBX0013'));
    await pay.transactions_jsapi(order('SBX0014', 100, { notify_url: 'http://127.0.0.1:1/notify' }));
    expect(await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0013', { deliver: false })).toBeNull();
    expect(received).toHaveLength(0);
    const lost = await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0014');
    expect(lost).toMatchObject({ ok: false, status: null, error: expect.any(String) });
    const pending = await sandbox.control.pay.deliverPending();
    expect(pending.map((d) => d.ok)).toEqual([true, false]);
    expect(received).toHaveLength(1);
  });

  it('signNotification and encryptResource build callbacks a test can tamper with', () => {
    const resource = sandbox.control.pay.encryptResource(merchant.mchid, '{"a":1}', 'transaction');
    expect(resource).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', original_type: 'transaction' });
    expect(decryptAeadAes256Gcm(merchant.apiV3Key, resource.ciphertext, 'transaction', resource.nonce)).toBe('{"a":1}');
    const body = JSON.stringify({ id: 'x', resource });
    const headers = sandbox.control.pay.signNotification(body, { timestamp: 1_700_000_000, nonce: 'n1' });
    expect(headers).toMatchObject({
      'Wechatpay-Timestamp': '1700000000',
      'Wechatpay-Nonce': 'n1',
      'Wechatpay-Serial': merchant.platformPublicKeyId,
    });
    expect(
      verifySha256Rsa(
        createPublicKey(merchant.platformPublicKeyPem),
        responseMessage('1700000000', 'n1', body),
        headers['Wechatpay-Signature'],
      ),
    ).toBe(true);
  });

  it('failOrder makes it PAYERROR; it can still be paid until it expires', async () => {
    const pay = client(merchant);
    await pay.transactions_jsapi(order('SBX0015'));
    sandbox.control.pay.failOrder(merchant.mchid, 'SBX0015');
    expect((await pay.query({ out_trade_no: 'SBX0015' })).data.trade_state).toBe('PAYERROR');
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0015', { deliver: false });
    expect((await pay.query({ out_trade_no: 'SBX0015' })).data.trade_state).toBe('SUCCESS');
    await expect(sandbox.control.pay.payOrder(merchant.mchid, 'SBX0015')).rejects.toThrow(/SUCCESS/);
  });
});

describe('close', () => {
  it('204, idempotent; a paid order is 400 ORDERPAID; an unknown one 404', async () => {
    const pay = client(merchant);
    await pay.transactions_jsapi(order('SBX0020'));
    await pay.transactions_jsapi(order('SBX0021'));
    expect(await pay.close('SBX0020')).toMatchObject({ status: 204 });
    expect((await pay.close('SBX0020')).status).toBe(204);
    expect((await pay.query({ out_trade_no: 'SBX0020' })).data).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    await expect(sandbox.control.pay.payOrder(merchant.mchid, 'SBX0020')).rejects.toThrow(/CLOSED/);
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0021', { deliver: false });
    expect(await pay.close('SBX0021')).toMatchObject({ status: 400, data: { code: 'ORDERPAID' } });
    expect(await pay.close('SBXNONE')).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
  });
});

describe('refunds', () => {
  async function paid(no: string, total = 10000): Promise<string> {
    await client(merchant).transactions_jsapi(order(no, total));
    await sandbox.control.pay.payOrder(merchant.mchid, no, { deliver: false });
    return sandbox.control.pay.order(merchant.mchid, no)!.transactionId!;
  }

  it('partial, then the rest, then nothing more; the same out_refund_no answers the same refund', async () => {
    const pay = client(merchant);
    const transactionId = await paid('SBX0030');
    const first = await pay.refunds({
      out_trade_no: 'SBX0030',
      out_refund_no: 'RF0030A',
      reason: '多收',
      notify_url: notifyUrl,
      amount: { refund: 3000, total: 10000, currency: 'CNY' },
    });
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({
      refund_id: expect.stringMatching(/^503\d{26}$/),
      out_refund_no: 'RF0030A',
      transaction_id: transactionId,
      out_trade_no: 'SBX0030',
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      status: 'PROCESSING',
      create_time: expect.stringMatching(/\+08:00$/),
      amount: { total: 10000, refund: 3000, payer_total: 10000, payer_refund: 3000, currency: 'CNY' },
    });
    await sandbox.control.pay.settle();
    const found = await pay.find_refunds('RF0030A');
    expect(found.data).toMatchObject({
      status: 'SUCCESS',
      refund_id: first.data!.refund_id,
      success_time: expect.stringMatching(/\+08:00$/),
    });
    expect((await pay.query({ out_trade_no: 'SBX0030' })).data.trade_state).toBe('REFUND');

    expect(received).toHaveLength(1);
    const { body, plain } = openCallback(received[0]);
    expect(body).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      summary: '退款成功',
      resource: { original_type: 'refund', associated_data: 'refund' },
    });
    expect(plain).toMatchObject({
      mchid: merchant.mchid,
      out_trade_no: 'SBX0030',
      transaction_id: transactionId,
      out_refund_no: 'RF0030A',
      refund_id: first.data!.refund_id,
      refund_status: 'SUCCESS',
      success_time: found.data!.success_time,
      amount: { total: 10000, refund: 3000, payer_total: 10000, payer_refund: 3000 },
    });

    const repeat = await pay.refunds({
      transaction_id: transactionId,
      out_refund_no: 'RF0030A',
      amount: { refund: 3000, total: 10000, currency: 'CNY' },
    });
    expect(repeat.data).toMatchObject({ refund_id: first.data!.refund_id, status: 'SUCCESS' });
    const over = await pay.refunds({
      out_trade_no: 'SBX0030',
      out_refund_no: 'RF0030B',
      amount: { refund: 7001, total: 10000, currency: 'CNY' },
    });
    expect(over).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
    const wrongTotal = await pay.refunds({
      out_trade_no: 'SBX0030',
      out_refund_no: 'RF0030B',
      amount: { refund: 100, total: 9999, currency: 'CNY' },
    });
    expect(wrongTotal).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
    const rest = await pay.refunds({
      out_trade_no: 'SBX0030',
      out_refund_no: 'RF0030B',
      amount: { refund: 7000, total: 10000, currency: 'CNY' },
    });
    expect(rest.status).toBe(200);
    const more = await pay.refunds({
      out_trade_no: 'SBX0030',
      out_refund_no: 'RF0030C',
      amount: { refund: 1, total: 10000, currency: 'CNY' },
    });
    expect(more).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST', message: '订单已全额退款' } });
    expect(await pay.find_refunds('RF0030C')).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } });
  });

  it('an unpaid or unknown order cannot be refunded', async () => {
    const pay = client(merchant);
    await pay.transactions_jsapi(order('SBX0031'));
    const unpaid = await pay.refunds({
      out_trade_no: 'SBX0031',
      out_refund_no: 'RF0031',
      amount: { refund: 1, total: 10000, currency: 'CNY' },
    });
    expect(unpaid).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } });
    const unknown = await pay.refunds({
      out_trade_no: 'SBXNONE',
      out_refund_no: 'RF0032',
      amount: { refund: 1, total: 10000, currency: 'CNY' },
    });
    expect(unknown.status).toBe(404);
  });

  it('manual refunds stay PROCESSING until completeRefund', async () => {
    const pay = client(merchant);
    await paid('SBX0033');
    sandbox.control.pay.setManualRefunds(true);
    await pay.refunds({
      out_trade_no: 'SBX0033',
      out_refund_no: 'RF0033',
      notify_url: notifyUrl,
      amount: { refund: 500, total: 10000, currency: 'CNY' },
    });
    await sandbox.control.pay.settle();
    expect((await pay.find_refunds('RF0033')).data!.status).toBe('PROCESSING');
    expect(received).toHaveLength(0);
    const delivery = await sandbox.control.pay.completeRefund('RF0033', 'ABNORMAL');
    expect(delivery).toMatchObject({ ok: true, eventType: 'REFUND.ABNORMAL' });
    const found = await pay.find_refunds('RF0033');
    expect(found.data!.status).toBe('ABNORMAL');
    expect(found.data!.success_time).toBeUndefined();
    expect(openCallback(received[0]).plain).toMatchObject({ refund_status: 'ABNORMAL' });
    await expect(sandbox.control.pay.completeRefund('RF0033', 'SUCCESS')).rejects.toThrow(/ABNORMAL/);
  });

  it('a refund made in the merchant console reaches the order notify_url', async () => {
    await paid('SBX0034');
    const delivery = await sandbox.control.pay.merchantRefund(merchant.mchid, 'SBX0034', 2500);
    expect(delivery).toMatchObject({ ok: true, eventType: 'REFUND.SUCCESS' });
    const { plain } = openCallback(received[0]);
    expect(plain).toMatchObject({ out_trade_no: 'SBX0034', refund_status: 'SUCCESS', amount: { refund: 2500, total: 10000 } });
    expect(sandbox.control.pay.refunds(merchant.mchid)).toEqual([
      expect.objectContaining({ outRefundNo: plain.out_refund_no, console: true, status: 'SUCCESS' }),
    ]);
    await expect(sandbox.control.pay.merchantRefund(merchant.mchid, 'SBX0034', 7501)).rejects.toThrow(/INVALID_REQUEST/);
  });
});

describe('trade bill', () => {
  function parseBill(text: string): { rows: string[][]; summary: string[] } {
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    expect(lines[0]).toBe(TRADE_BILL_HEADER);
    const summaryAt = lines.indexOf(TRADE_BILL_SUMMARY_HEADER);
    const fields = (l: string): string[] => l.split(',').map((f) => f.replace(/^`/, ''));
    return { rows: lines.slice(1, summaryAt).map(fields), summary: fields(lines[summaryAt + 1]) };
  }

  it('yesterday: payments and refunds of that Beijing day, hashed as tradebill says; today has none yet', async () => {
    const pay = client(merchant);
    const now = sandbox.control.now();
    const yesterday = new Date(now + 8 * 3_600_000 - DAY_MS).toISOString().slice(0, 10);
    await pay.transactions_jsapi(order('SBX0040', 10000, { attach: 'acct1' }));
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0040', { successTime: now - DAY_MS, deliver: false });
    await pay.transactions_jsapi(order('SBX0041', 2000));
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBX0041', { deliver: false });

    const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await pay.tradebill({ bill_date: today, bill_type: 'ALL' })).toMatchObject({
      status: 400,
      data: { code: 'NO_STATEMENT_EXIST' },
    });
    expect(await pay.tradebill({ bill_date: '2024-02-30', bill_type: 'ALL' })).toMatchObject({
      status: 400,
      data: { code: 'PARAM_ERROR' },
    });

    const bill = await pay.tradebill({ bill_date: yesterday, bill_type: 'ALL' });
    expect(bill.status).toBe(200);
    expect(bill.data).toMatchObject({
      hash_type: 'SHA1',
      download_url: expect.stringMatching(/^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/billdownload\/file\?token=/),
    });
    const file = await pay.downloadBill(bill.data.download_url as string);
    expect(file.status).toBe(200);
    const text = file.data as string;
    expect(createHash('sha1').update(text, 'utf8').digest('hex')).toBe(bill.data.hash_value);
    const { rows, summary } = parseBill(text);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(27);
    expect(rows[0].slice(1, 13)).toEqual([
      APPID,
      merchant.mchid,
      '0',
      '',
      expect.stringMatching(/^42000/),
      'SBX0040',
      'mp-alice',
      'JSAPI',
      'SUCCESS',
      'OTHERS',
      'CNY',
      '100.00',
    ]);
    expect(rows[0][21]).toBe('acct1');
    expect(summary).toEqual(['1', '100.00', '0.00', '0.00', '0.00', '100.00', '0.00']);

    // A day later, today's payment and a refund of it are in today's bill.
    await pay.refunds({ out_trade_no: 'SBX0041', out_refund_no: 'RF0041', amount: { refund: 500, total: 2000, currency: 'CNY' } });
    await sandbox.control.pay.settle();
    sandbox.control.advance(DAY_MS);
    const next = await pay.tradebill({ bill_date: today, bill_type: 'ALL' });
    const nextRows = parseBill((await pay.downloadBill(next.data.download_url as string)).data as string);
    expect(nextRows.rows.map((r) => [r[9], r[6], r[12], r[15], r[16], r[19]])).toEqual([
      ['SUCCESS', 'SBX0041', '20.00', '0', '0.00', ''],
      ['REFUND', 'SBX0041', '0.00', 'RF0041', '5.00', 'SUCCESS'],
    ]);
    expect(nextRows.summary).toEqual(['2', '20.00', '5.00', '0.00', '0.00', '20.00', '5.00']);
    const refundsOnly = await pay.tradebill({ bill_date: today, bill_type: 'REFUND' });
    expect(parseBill((await pay.downloadBill(refundsOnly.data.download_url as string)).data as string).rows).toHaveLength(1);

    // A day without trades has no bill; another merchant cannot download this one.
    const before = new Date(now + 8 * 3_600_000 - 3 * DAY_MS).toISOString().slice(0, 10);
    expect((await pay.tradebill({ bill_date: before, bill_type: 'ALL' })).data.code).toBe('NO_STATEMENT_EXIST');
    expect((await client(other).downloadBill(next.data.download_url as string)).status).toBe(400);
  });
});

describe('faults', () => {
  it('accept-then-drop: the client hears nothing (status 0), yet the order exists and a retry gets the same prepay_id', async () => {
    const pay = client(merchant);
    sandbox.control.pay.payFault('jsapi', 'accept-then-drop');
    const dropped = await pay.transactions_jsapi(order('SBX0050'));
    expect(dropped.status).toBe(0);
    expect((await pay.query({ out_trade_no: 'SBX0050' })).data.trade_state).toBe('NOTPAY');
    const retry = await pay.transactions_jsapi(order('SBX0050'));
    expect(retry.status).toBe(200);
    expect(retry.data.package).toBe(`prepay_id=${sandbox.control.pay.order(merchant.mchid, 'SBX0050')!.prepayId}`);
    expect(sandbox.control.pay.ordersCreated()).toBe(1);
  });

  it('error500 does nothing; delay past the client timeout still does the work', async () => {
    sandbox.control.pay.payFault('jsapi', 'error500');
    const failed = await client(merchant).transactions_jsapi(order('SBX0051'));
    expect(failed).toMatchObject({ status: 500, data: { code: 'SYSTEM_ERROR' } });
    expect(sandbox.control.pay.ordersCreated()).toBe(0);
    sandbox.control.pay.payFault('jsapi', 'delay', 1, 400);
    const slow = await client(merchant, { timeoutMs: 150 }).transactions_jsapi(order('SBX0051'));
    expect(slow.status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sandbox.control.pay.ordersCreated()).toBe(1);
  });

  it('the generic faults apply to pay paths: down("busy") is a signed 500 SYSTEM_ERROR, failNext drops', async () => {
    const pay = client(merchant);
    sandbox.control.down('busy');
    expect(await pay.query({ out_trade_no: 'SBX0052' })).toMatchObject({ status: 500, data: { code: 'SYSTEM_ERROR' } });
    sandbox.control.up();
    sandbox.control.failNext('/v3/pay/transactions/jsapi', 'drop');
    expect((await pay.transactions_jsapi(order('SBX0052'))).status).toBe(0);
    expect(sandbox.control.pay.ordersCreated()).toBe(0);
  });

  it('unknown /v3/ paths are signed 404s; reset clears orders but keeps the platform key', async () => {
    const res = await signedRequest(merchant, 'GET', '/v3/nothing/here');
    expect(res).toMatchObject({ status: 404, data: { code: 'NOT_FOUND' } });
    expect(verifiedByPlatform(res.headers, res.text)).toBe(true);
    await client(merchant).transactions_jsapi(order('SBX0053'));
    const key = sandbox.control.pay.platformKey();
    sandbox.control.reset();
    expect(sandbox.control.pay.orders()).toEqual([]);
    expect(sandbox.control.pay.ordersCreated()).toBe(0);
    expect(sandbox.control.pay.platformKey()).toEqual(key);
  });
});

describe('HTTP control surface', () => {
  async function control(path: string, body?: unknown) {
    const res = await fetch(`${sandbox.baseUrl}__sandbox/pay/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('creates a merchant a client can use, and pays its orders', async () => {
    const created = await control('merchants', { appid: 'wxhttpapp' });
    expect(created.status).toBe(200);
    const m = created.body.merchant as CreatedPayMerchant;
    expect(m).toMatchObject({
      appid: 'wxhttpapp',
      mchid: expect.stringMatching(/^\d{10}$/),
      apiV3Key: expect.stringMatching(/^.{32}$/),
      platformPublicKeyId: merchant.platformPublicKeyId,
    });
    const pay = client(m);
    expect((await pay.transactions_jsapi(order('SBX0060'))).status).toBe(200);
    const paid = await control('orders/pay', { mchid: m.mchid, outTradeNo: 'SBX0060' });
    expect(paid.body).toMatchObject({ ok: true, delivery: { ok: true }, order: { tradeState: 'SUCCESS' } });
    expect(openCallback(received[0], m).plain).toMatchObject({ out_trade_no: 'SBX0060', trade_state: 'SUCCESS' });
    expect((await pay.query({ out_trade_no: 'SBX0060' })).data.trade_state).toBe('SUCCESS');

    expect(await control('orders/pay', { mchid: m.mchid, outTradeNo: 'SBX0060' })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await control('orders/pay', { mchid: m.mchid, outTradeNo: 'SBXNONE' })).toMatchObject({ status: 404, body: { ok: false } });
    expect((await control('merchants', {})).status).toBe(400);
    expect((await control('orders')).body).toMatchObject({ created: 1, orders: [expect.objectContaining({ outTradeNo: 'SBX0060' })] });
    expect((await control('platform-key')).body).toMatchObject({ publicKeyId: merchant.platformPublicKeyId });
    expect((await control('fault', { api: 'query', mode: 'error500' })).status).toBe(200);
    expect((await pay.query({ out_trade_no: 'SBX0060' })).status).toBe(500);
  });

  it('steers refunds, order states and callbacks', async () => {
    const pay = client(merchant);
    for (const no of ['SBX0061', 'SBX0062', 'SBX0063']) await pay.transactions_jsapi(order(no));
    expect((await control('orders/fail', { mchid: merchant.mchid, outTradeNo: 'SBX0061' })).body).toMatchObject({
      order: { tradeState: 'PAYERROR' },
    });
    expect((await control('orders/expire', { mchid: merchant.mchid, outTradeNo: 'SBX0062' })).body).toMatchObject({
      order: { expired: true },
    });
    receiverStatus = 503;
    const paid = await control('orders/pay', { mchid: merchant.mchid, outTradeNo: 'SBX0063' });
    expect(paid.body).toMatchObject({ delivery: { ok: false, status: 503 } });
    receiverStatus = 200;
    expect((await control('deliver-pending', {})).body).toMatchObject({ deliveries: [{ ok: true }] });
    const notificationId = (paid.body.delivery as { notificationId: string }).notificationId;
    expect((await control('redeliver', { id: notificationId })).body).toMatchObject({ delivery: { ok: true, notificationId } });
    expect(((await control('deliveries')).body.deliveries as unknown[]).length).toBe(3);
    expect(((await control('notifications')).body.notifications as unknown[]).length).toBe(1);

    expect((await control('manual-refunds', { on: true })).status).toBe(200);
    await pay.refunds({
      out_trade_no: 'SBX0063',
      out_refund_no: 'RF0063',
      notify_url: notifyUrl,
      amount: { refund: 100, total: 10000, currency: 'CNY' },
    });
    expect((await control('refunds')).body).toMatchObject({ refunds: [{ outRefundNo: 'RF0063', status: 'PROCESSING' }] });
    expect((await control('refunds/complete', { outRefundNo: 'RF0063', status: 'CLOSED' })).body).toMatchObject({
      delivery: { eventType: 'REFUND.CLOSED' },
    });
    expect((await control('refunds/merchant', { mchid: merchant.mchid, outTradeNo: 'SBX0063', refund: 10000 })).body).toMatchObject({
      delivery: { eventType: 'REFUND.SUCCESS' },
    });
    expect((await control('refunds/merchant', { mchid: merchant.mchid, outTradeNo: 'SBX0063', refund: 1 })).status).toBe(400);

    const signed = await control('sign-notification', { body: '{}', timestamp: 1_700_000_000 });
    expect(signed.body).toMatchObject({
      headers: { 'Wechatpay-Timestamp': '1700000000', 'Wechatpay-Serial': merchant.platformPublicKeyId },
    });
    const resource = (await control('encrypt-resource', { mchid: merchant.mchid, plaintext: 'x', associatedData: 'refund' })).body
      .resource as { ciphertext: string; nonce: string };
    expect(decryptAeadAes256Gcm(merchant.apiV3Key, resource.ciphertext, 'refund', resource.nonce)).toBe('x');
    expect((await control('encrypt-resource', { mchid: 'nobody', plaintext: 'x', associatedData: 'refund' })).status).toBe(404);
    expect(
      (await control('merchants/register', { mchid: '1', appid: 'a', apiV3Key: 'k'.repeat(32), serialNo: 'AB', publicKeyPem: 'nope' }))
        .status,
    ).toBe(400);
    expect((await control('fault', { api: 'nothing', mode: 'error500' })).status).toBe(400);
    expect(await fetch(`${sandbox.baseUrl}__sandbox/state`).then((r) => r.json())).toMatchObject({
      pay: { ordersCreated: 3, manualRefunds: true },
    });
  });
});

describe('options', () => {
  it('merchants and a fixed platform key from the options survive reset()', async () => {
    const fixedId = `PUB_KEY_ID_${'0'.repeat(28)}`;
    const configured = await startSandbox({
      pay: {
        merchants: [
          {
            mchid: merchant.mchid,
            appid: APPID,
            apiV3Key: merchant.apiV3Key,
            serialNo: merchant.serialNo.toLowerCase(),
            publicKeyPem: merchant.publicKeyPem,
          },
        ],
        platformKey: { privateKeyPem: other.privateKeyPem, publicKeyId: fixedId },
        manualRefunds: true,
      },
    });
    try {
      configured.control.reset();
      expect(configured.control.pay.platformKey().publicKeyId).toBe(fixedId);
      const pay = new Pay({
        appid: APPID,
        mchid: merchant.mchid,
        serial_no: merchant.serialNo,
        publicKey: Buffer.from('x'),
        privateKey: Buffer.from(merchant.privateKeyPem),
        key: merchant.apiV3Key,
      });
      pay.createHttp(
        createPayTransport({
          apiBase: configured.baseUrl,
          platformKeys: new Map([[fixedId, createPublicKey(other.publicKeyPem)]]),
          timeoutMs: 2000,
        }),
      );
      expect((await pay.transactions_jsapi(order('SBX0070'))).status).toBe(200);
      expect(configured.state.pay.manualRefunds).toBe(true);
    } finally {
      await configured.close();
    }
    await expect(
      startSandbox({
        pay: { merchants: [{ mchid: '1', appid: APPID, apiV3Key: 'short', serialNo: 'AB', publicKeyPem: merchant.publicKeyPem }] },
      }),
    ).rejects.toThrow(/apiV3Key/);
  });
});
