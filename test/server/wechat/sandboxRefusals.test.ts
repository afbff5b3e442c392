import { createPublicKey } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import { type CreatedPayMerchant, type RunningSandbox, startSandbox } from '../../../server/sandbox';
import { type WechatClients, createWechatClients } from '../../../server/src/wechat/clients';
import { GATEWAY_REFUSED, UNVERIFIED_ANSWER, type PayOutput, createPayTransport } from '../../../server/src/wechat/pay/transport';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { countSessionsOf } from '../../../server/src/db/testing';

/**
 * Issue 15, 7: the sandbox refuses by default as WeChat does, and the real clients (co-wechat-api through
 * our facade, wechatpay-node-v3 through our transport) see those refusals as WeChat would give them.
 */
const MP = { appid: 'wx-refusals-mp', secret: 'mp-secret' };
const OA = { appid: 'wx-refusals-oa', secret: 'oa-secret' };
const DAY_MS = 86_400_000;

let sandbox: RunningSandbox;
let wechat: WechatClients;

beforeAll(async () => {
  // Defaults only: nothing switched off.
  sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  const tokens = new Map<string, { accessToken: string; expireTime: number }>();
  wechat = createWechatClients({
    apiBase: sandbox.baseUrl,
    mp: MP,
    oa: OA,
    tokenStore: {
      get: (appid) => Promise.resolve(tokens.get(appid) ?? null),
      save: (appid, token) => {
        tokens.set(appid, token);
        return Promise.resolve();
      },
    },
  });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.control.reset());

const subscribe = (page: string | undefined, data: Record<string, { value: string }> = { thing1: { value: '申请已受理' } }) =>
  wechat.mp.sendSubscribeMessage({ touser: 'mp-alice', templateId: 'tpl-progress', page, data, miniprogramState: 'formal', lang: 'zh_CN' });
const template = (data: Record<string, { value: string }>, touser = 'oa-alice') =>
  wechat.oa.sendTemplateMessage({ touser, templateId: 'tpl-oa', data });

describe('messages', () => {
  it('43101 without a subscription, one message per grant (on by default)', async () => {
    await expect(subscribe('pages/home/home')).rejects.toMatchObject({ errcode: 43101 });
    sandbox.control.grantSubscription('mp-alice', 'tpl-progress');
    await expect(subscribe('pages/home/home')).resolves.toMatchObject({ msgid: expect.stringMatching(/^\d+$/) });
    await expect(subscribe('pages/home/home')).rejects.toMatchObject({ errcode: 43101 });
  });

  it('43004 to a non-follower (on by default)', async () => {
    await expect(template({ thing1: { value: '进度更新' } })).rejects.toMatchObject({ errcode: 43004 });
    sandbox.control.follow('oa-alice');
    await expect(template({ thing1: { value: '进度更新' } })).resolves.toMatchObject({ msgid: expect.any(String) });
  });

  it('41030 for a page the released mini-program does not have; its own pages, with a query, pass', async () => {
    sandbox.control.grantSubscription('mp-alice', 'tpl-progress', Infinity);
    await expect(subscribe('pages/enterprise/application/application?id=42')).resolves.toBeDefined();
    await expect(subscribe('pages/nowhere/nowhere')).rejects.toMatchObject({ errcode: 41030 });
    await expect(subscribe(undefined)).resolves.toBeDefined();
    sandbox.control.configure({ strictPages: false });
    await expect(subscribe('pages/nowhere/nowhere')).resolves.toBeDefined();
  });

  it('47003 for an enum value outside the template’s choice, and for typed official-account fields', async () => {
    sandbox.control.grantSubscription('mp-alice', 'tpl-progress', Infinity);
    sandbox.control.defineEnum('tpl-progress', 'enum2', ['已受理', '已办结']);
    await expect(subscribe('pages/home/home', { enum2: { value: '已受理' } })).resolves.toBeDefined();
    await expect(subscribe('pages/home/home', { enum2: { value: '审核中' } })).rejects.toMatchObject({ errcode: 47003 });
    await expect(subscribe('pages/home/home', { enum3: { value: '已受理' } })).rejects.toMatchObject({ errcode: 47003 });

    sandbox.control.follow('oa-alice');
    await expect(template({ character_string1: { value: 'SY-2026-0001' }, time4: { value: '2026-12-06 09:30' } })).resolves.toBeDefined();
    await expect(template({ character_string1: { value: '申报编号0001' } })).rejects.toMatchObject({ errcode: 47003 });
    await expect(template({ time4: { value: '今天上午' } })).rejects.toMatchObject({ errcode: 47003 });
    expect(sandbox.control.sentTo('oa-alice')).toHaveLength(1);
  });
});

describe('login codes', () => {
  it('a one-time code works once (40163 after), for 5 minutes (40029 after); sandbox:<name> codes stay reusable', async () => {
    const code = sandbox.control.loginCode('carol');
    await expect(wechat.mp.code2Session(code)).resolves.toEqual({ openid: 'mp-carol', unionid: 'union-carol' });
    await expect(wechat.mp.code2Session(code)).rejects.toMatchObject({ errcode: 40163 });
    const late = sandbox.control.loginCode('dave');
    sandbox.control.advance(5 * 60_000 + 1);
    await expect(wechat.mp.code2Session(late)).rejects.toMatchObject({ errcode: 40029 });
    for (let i = 0; i < 3; i++) await expect(wechat.mp.code2Session('sandbox:carol')).resolves.toMatchObject({ openid: 'mp-carol' });
  });

  it('the control surface hands them out too', async () => {
    const res = await fetch(`${sandbox.baseUrl}__sandbox/login-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'erin' }),
    });
    const { code } = (await res.json()) as { code: string };
    await expect(wechat.mp.code2Session(code)).resolves.toMatchObject({ openid: 'mp-erin' });
  });
});

describe('WeChat Pay', () => {
  let merchant: CreatedPayMerchant;
  beforeEach(() => {
    merchant = sandbox.control.pay.createMerchant({ appid: MP.appid });
  });

  function client(platformPem = merchant.platformPublicKeyPem, retryDelays: number[] = [10, 10]): Pay {
    const pay = new Pay({
      appid: merchant.appid,
      mchid: merchant.mchid,
      serial_no: merchant.serialNo,
      publicKey: Buffer.from(merchant.platformPublicKeyPem),
      privateKey: Buffer.from(merchant.privateKeyPem),
      key: merchant.apiV3Key,
    });
    pay.createHttp(
      createPayTransport({
        apiBase: sandbox.baseUrl,
        platformKeys: new Map([[merchant.platformPublicKeyId, createPublicKey(platformPem)]]),
        timeoutMs: 2000,
        gatewayRetryDelaysMs: retryDelays,
      }),
    );
    return pay;
  }
  const order = (no: string) => ({
    description: '上云补助 服务费',
    out_trade_no: no,
    notify_url: 'http://127.0.0.1:9/notify',
    amount: { total: 100, currency: 'CNY' },
    payer: { openid: 'mp-alice' },
  });

  it('errors come unsigned by default and are read by status and body; signed ones are verified', async () => {
    const missing = (await client().query({ out_trade_no: 'NOSUCH001' })) as PayOutput;
    expect(missing).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' }, signature: 'absent' });
    // A wrong platform key cannot be noticed on an unsigned error, only on a signed answer.
    const wrongKey = client(merchant.publicKeyPem);
    expect(await wrongKey.query({ out_trade_no: 'NOSUCH001' })).toMatchObject({ status: 404 });
    expect(await wrongKey.transactions_jsapi(order('SBXR0001'))).toMatchObject({ status: 0, error: UNVERIFIED_ANSWER });

    sandbox.control.pay.configure({ signErrors: true });
    expect(await client().query({ out_trade_no: 'NOSUCH001' })).toMatchObject({ status: 404, signature: 'verified' });
    expect(await wrongKey.query({ out_trade_no: 'NOSUCH001' })).toMatchObject({ status: 0, error: UNVERIFIED_ANSWER });
  });

  it('429 and 403 at times (deterministic through the control): tried again, then "no clear answer", never a refusal', async () => {
    sandbox.control.pay.payFault('jsapi', 'rate-limited', 1);
    expect(await client().transactions_jsapi(order('SBXR0002'))).toMatchObject({ status: 200 });
    sandbox.control.pay.payFault('jsapi', 'forbidden', 3);
    expect(await client().transactions_jsapi(order('SBXR0003'))).toMatchObject({ status: 0, error: GATEWAY_REFUSED });
    expect(sandbox.control.pay.order(merchant.mchid, 'SBXR0003')).toBeNull();
    // Without retries the 429 itself shows: no clear answer.
    const once = client(merchant.platformPublicKeyPem, []);
    sandbox.control.pay.payFault('query', 'rate-limited', 1);
    expect(await once.query({ out_trade_no: 'SBXR0002' })).toMatchObject({ status: 0, error: GATEWAY_REFUSED });
  });

  it('a merchant past its rate gets 429 FREQUENCY_LIMITED', async () => {
    const limited = await startSandbox({ port: 0, host: '127.0.0.1', pay: { maxRequestsPerSecond: 2 } });
    try {
      const m = limited.control.pay.createMerchant({ appid: MP.appid });
      const pay = new Pay({
        appid: m.appid,
        mchid: m.mchid,
        serial_no: m.serialNo,
        publicKey: Buffer.from(m.platformPublicKeyPem),
        privateKey: Buffer.from(m.privateKeyPem),
        key: m.apiV3Key,
      });
      pay.createHttp(
        createPayTransport({
          apiBase: limited.baseUrl,
          platformKeys: new Map([[m.platformPublicKeyId, createPublicKey(m.platformPublicKeyPem)]]),
          timeoutMs: 2000,
          gatewayRetryDelaysMs: [],
        }),
      );
      // Five within at most two wall-clock seconds: at most four pass.
      const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => pay.query({ out_trade_no: `RATE00${i}` })));
      expect(answers.filter((a) => a.status === 0 && a.error === GATEWAY_REFUSED).length).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('the control surface steers the same: signed errors, gateway refusals, probes', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('__sandbox/pay/configure', { signErrors: true, signatureProbes: false })).status).toBe(200);
    const state = (await (await fetch(`${sandbox.baseUrl}__sandbox/state`)).json()) as { pay: Record<string, unknown> };
    expect(state.pay).toMatchObject({ signErrors: true, signatureProbes: false, probes: 0 });
    expect((await post('__sandbox/pay/fault', { api: 'query', mode: 'forbidden' })).status).toBe(200);
    expect(await client(merchant.platformPublicKeyPem, []).query({ out_trade_no: 'NOSUCH002' })).toMatchObject({
      status: 0,
      error: GATEWAY_REFUSED,
    });
    expect((await post('__sandbox/pay/fault', { api: 'query', mode: 'teapot' })).status).toBe(400);
    expect((await post('__sandbox/pay/probe', { id: 'no-such-notification' })).status).toBe(404);
    const probes = (await (await fetch(`${sandbox.baseUrl}__sandbox/pay/probes`)).json()) as { probes: unknown[] };
    expect(probes.probes).toEqual([]);
  });

  it('a bill’s download link expires after 5 minutes', async () => {
    const pay = client();
    await pay.transactions_jsapi(order('SBXR0010'));
    const now = sandbox.control.now();
    await sandbox.control.pay.payOrder(merchant.mchid, 'SBXR0010', { successTime: now - DAY_MS, deliver: false });
    const yesterday = new Date(now + 8 * 3_600_000 - DAY_MS).toISOString().slice(0, 10);
    const bill = await pay.tradebill({ bill_date: yesterday, bill_type: 'ALL' });
    expect(bill.status).toBe(200);
    expect((await pay.downloadBill(bill.data.download_url as string)).status).toBe(200);
    sandbox.control.advance(5 * 60_000);
    expect(await pay.downloadBill(bill.data.download_url as string)).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } });
    // Asking again gives a fresh link.
    const again = await pay.tradebill({ bill_date: yesterday, bill_type: 'ALL' });
    expect((await pay.downloadBill(again.data.download_url as string)).status).toBe(200);
  });

  it('a refund is on the bill of the day it was accepted, as it was when the bill was made; a bill made late is NO_STATEMENT_EXIST until then', async () => {
    const own = await startSandbox({ port: 0, host: '127.0.0.1' });
    try {
      const m = own.control.pay.createMerchant({ appid: MP.appid });
      const pay = new Pay({
        appid: m.appid,
        mchid: m.mchid,
        serial_no: m.serialNo,
        publicKey: Buffer.from(m.platformPublicKeyPem),
        privateKey: Buffer.from(m.privateKeyPem),
        key: m.apiV3Key,
      });
      pay.createHttp(
        createPayTransport({
          apiBase: own.baseUrl,
          platformKeys: new Map([[m.platformPublicKeyId, createPublicKey(m.platformPublicKeyPem)]]),
          timeoutMs: 2000,
        }),
      );
      const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      const lines = async (date: string) => {
        const bill = await pay.tradebill({ bill_date: date, bill_type: 'ALL' });
        if (bill.status !== 200) return (bill.data as { code: string }).code;
        return String((await pay.downloadBill(bill.data.download_url as string)).data)
          .split('\n')
          .filter((l) => l.includes('RFR0020'));
      };
      own.control.pay.setManualRefunds(true);
      await pay.transactions_jsapi(order('SBXR0020'));
      await own.control.pay.payOrder(m.mchid, 'SBXR0020', { deliver: false });
      const accepted = day(own.control.now());
      const refund = await pay.refunds({
        out_trade_no: 'SBXR0020',
        out_refund_no: 'RFR0020',
        amount: { refund: 40, total: 100, currency: 'CNY' },
      });
      expect(refund.data?.status).toBe('PROCESSING');
      own.control.advance(DAY_MS);
      await own.control.pay.completeRefund('RFR0020', 'SUCCESS', m.mchid, { deliver: false });
      // Made as its day ended, before the refund succeeded: PROCESSING, on the acceptance day only.
      const onAccepted = await lines(accepted);
      expect(onAccepted).toHaveLength(1);
      expect(onAccepted[0]).toContain(`\`${accepted} `);
      expect(onAccepted[0]).toContain('`PROCESSING,');
      expect(await lines(day(own.control.now()))).toBe('NO_STATEMENT_EXIST');
      // The same day's bill made late (over the control surface): absent until then, then with the refund as it is then.
      const post = await fetch(`${own.baseUrl}__sandbox/pay/bills/made-at`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mchid: m.mchid, billDate: accepted, at: own.control.now() + 3_600_000 }),
      });
      expect(post.status).toBe(200);
      expect(await lines(accepted)).toBe('NO_STATEMENT_EXIST');
      own.control.advance(2 * 3_600_000);
      const made = await lines(accepted);
      expect(made).toHaveLength(1);
      expect(made[0]).toContain('`SUCCESS,');
    } finally {
      await own.close();
    }
  });
});

describe('through the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a one-time login code used twice: the second login is refused in Chinese, nothing created', async () => {
    const code = t.sandbox.control.loginCode('frank');
    const first = await t.http.post('/api/v1/auth/wx-login').send({ code });
    expect(first.status).toBe(200);
    const second = await t.http.post('/api/v1/auth/wx-login').send({ code });
    expect(second.status).toBe(401);
    expect(second.body.error.message).toBe('登录凭证无效或已使用，请重新打开小程序登录');
    expect(await t.db.read((tx) => countSessionsOf(tx, first.body.user.id))).toBe(1);
  });
});
