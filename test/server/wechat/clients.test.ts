import {
  type WechatClients,
  WechatApiError,
  WechatTransportError,
  applyApiBase,
  createWechatClients,
  StableTokenApi,
} from '../../../server/src/wechat/clients';
import {
  type RunningSandbox,
  type TokenRequestCounts,
  SUBSCRIBE_SEND_PATH,
  TEMPLATE_SEND_PATH,
  startSandbox,
} from '../../../server/sandbox';
import type { AccessTokenRecord, TokenStore } from '../../../server/src/wechat/tokenStore';

/** The database-backed store's stand-in: one record per appid, shared by whoever holds it. */
class MemoryTokenStore implements TokenStore {
  readonly records = new Map<string, AccessTokenRecord>();
  saves = 0;

  get(appid: string): Promise<AccessTokenRecord | null> {
    const record = this.records.get(appid);
    return Promise.resolve(record ? { ...record } : null);
  }

  save(appid: string, token: AccessTokenRecord): Promise<void> {
    this.saves += 1;
    this.records.set(appid, { ...token });
    return Promise.resolve();
  }
}

const MP = { appid: 'wx-mp-test', secret: 'mp-secret-value' };
const OA = { appid: 'wx-oa-test', secret: 'oa-secret-value' };
const TEMPLATE = 'tmpl-application-status';

let sandbox: RunningSandbox;

beforeAll(async () => {
  // 43101/43004 off (WeChat's default is on): the tests of those refusals switch them on.
  sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    apps: { [MP.appid]: MP.secret, [OA.appid]: OA.secret },
    strictSubscriptions: false,
    strictFollowers: false,
  });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.control.reset());

function makeClients(store: TokenStore = new MemoryTokenStore(), timeoutMs?: number): WechatClients {
  return createWechatClients({ apiBase: sandbox.baseUrl, mp: MP, oa: OA, tokenStore: store, timeoutMs });
}

function counts(appid = MP.appid): TokenRequestCounts {
  return (
    sandbox.state.tokenRequests.byAppid.get(appid) ?? { token: 0, stable: 0, stableForced: 0, stableForceSkipped: 0, stableForceRefused: 0 }
  );
}

function subscribe(clients: WechatClients, touser = 'mp-alice') {
  return clients.mp.sendSubscribeMessage({
    touser,
    templateId: TEMPLATE,
    page: 'pages/enterprise/application/application?id=42',
    data: { thing1: { value: '上云补助申请' }, phrase2: { value: '已受理' }, date3: { value: '2025年3月1日' } },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function forceRefreshRaw(): Promise<{ errcode?: number; access_token?: string }> {
  const res = await fetch(`${sandbox.baseUrl}cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: MP.appid, secret: MP.secret, force_refresh: true }),
  });
  return (await res.json()) as { errcode?: number; access_token?: string };
}

describe('prefixes', () => {
  it('derives every co-wechat-api prefix from apiBase', () => {
    const { mp } = makeClients();
    expect(mp.api.prefix).toBe(`${sandbox.baseUrl}cgi-bin/`);
    expect(mp.api.snsPrefix).toBe(`${sandbox.baseUrl}sns/`);
    expect(mp.api.wxaPrefix).toBe(`${sandbox.baseUrl}wxa/`);
    expect(mp.api.mpPrefix).toBe(`${sandbox.baseUrl}cgi-bin/`);
    expect(mp.api.fileServerPrefix).toBe(`${sandbox.baseUrl}cgi-bin/`);
  });

  it("keeps showqrcode on mp.weixin.qq.com for WeChat's own API host", () => {
    const api = new StableTokenApi('wx', 's', new MemoryTokenStore());
    applyApiBase(api, 'https://api.weixin.qq.com');
    expect(api.prefix).toBe('https://api.weixin.qq.com/cgi-bin/');
    expect(api.mpPrefix).toBe('https://mp.weixin.qq.com/cgi-bin/');
    expect(api.fileServerPrefix).toBe('https://api.weixin.qq.com/cgi-bin/');
    expect(() => applyApiBase(api, 'ftp://example.com/')).toThrow();
  });
});

describe('code2Session', () => {
  it('answers the openid and unionid of a sandbox code, and nothing else', async () => {
    const { mp } = makeClients();
    const first = await mp.code2Session('sandbox:alice');
    expect(first).toEqual({ openid: 'mp-alice', unionid: 'union-alice' });
    // sandbox codes may be used again (outside checks log in twice with one code)
    await expect(mp.code2Session('sandbox:alice')).resolves.toEqual(first);
  });

  it('refuses any other code with 40029', async () => {
    const err = await rejection(makeClients().mp.code2Session('081abcDEF'));
    expect(err).toBeInstanceOf(WechatApiError);
    expect(err).toMatchObject({ errcode: 40029, errmsg: 'invalid code', retryable: false });
  });

  it('maps a wrong secret to 40125 without leaking it', async () => {
    const { mp } = createWechatClients({
      apiBase: sandbox.baseUrl,
      mp: { appid: MP.appid, secret: 'wrong-secret' },
      oa: OA,
      tokenStore: new MemoryTokenStore(),
    });
    const err = await rejection(mp.code2Session('sandbox:alice'));
    expect(err).toMatchObject({ errcode: 40125 });
    expect(String((err as Error).message)).not.toContain('wrong-secret');
  });
});

describe('access tokens', () => {
  it('are fetched once and reused by two instances sharing the store', async () => {
    const store = new MemoryTokenStore();
    const a = makeClients(store);
    const b = makeClients(store);
    await subscribe(a);
    await subscribe(b);
    await subscribe(a);
    expect(counts()).toMatchObject({ stable: 1, stableForced: 0, token: 0 });
    expect(store.saves).toBe(1);
    expect(sandbox.state.sent).toHaveLength(3);
  });

  it('come from stable_token: instances with separate stores get the same token', async () => {
    const storeA = new MemoryTokenStore();
    const storeB = new MemoryTokenStore();
    await subscribe(makeClients(storeA));
    await subscribe(makeClients(storeB));
    expect(storeA.records.get(MP.appid)?.accessToken).toBe(storeB.records.get(MP.appid)?.accessToken);
    expect(counts()).toMatchObject({ stable: 2, stableForced: 0 });
  });

  it('once refused (40001), are replaced by one forced refresh; the other instance takes the stored one', async () => {
    const store = new MemoryTokenStore();
    const a = makeClients(store);
    const b = makeClients(store);
    await subscribe(a);
    const refused = store.records.get(MP.appid)?.accessToken;

    sandbox.control.expireTokens();
    // b's send carries the refused token but is answered only after a has replaced it.
    sandbox.control.failNext(SUBSCRIBE_SEND_PATH, { delayMs: 300 });
    const bSend = subscribe(b, 'mp-bob');
    await until(() => sandbox.state.requestCounts.get(SUBSCRIBE_SEND_PATH) === 2);
    await subscribe(a, 'mp-carol');
    await bSend;

    const replaced = store.records.get(MP.appid)?.accessToken;
    expect(replaced).toBeDefined();
    expect(replaced).not.toBe(refused);
    // stable: the first fetch, then a's check that WeChat still answers the refused token; b asked nothing.
    expect(counts()).toMatchObject({ stable: 2, stableForced: 1, stableForceSkipped: 0 });
    expect(sandbox.state.sent.map((m) => m.touser).sort()).toEqual(['mp-alice', 'mp-bob', 'mp-carol']);
  });

  it('once refused on two instances at the same moment, are still refreshed only once', async () => {
    const store = new MemoryTokenStore();
    const a = makeClients(store);
    const b = makeClients(store);
    await subscribe(a);
    sandbox.control.expireTokens();
    await Promise.all([subscribe(a, 'mp-bob'), subscribe(b, 'mp-carol'), subscribe(a, 'mp-dan')]);
    expect(counts().stableForced).toBe(1);
    expect(sandbox.state.sent).toHaveLength(4);
  });

  it('once expired (42001), are replaced without forcing a refresh', async () => {
    const store = new MemoryTokenStore();
    const clients = makeClients(store);
    await subscribe(clients);
    const old = store.records.get(MP.appid)?.accessToken;
    sandbox.control.advance(2 * 3600_000);
    await subscribe(clients, 'mp-bob');
    expect(store.records.get(MP.appid)?.accessToken).not.toBe(old);
    expect(counts()).toMatchObject({ stable: 2, stableForced: 0 });
  });

  it('surface the daily limit on forced refreshes (45009) instead of looping', async () => {
    for (let i = 0; i < 20; i += 1) {
      expect((await forceRefreshRaw()).access_token).toBeDefined();
      sandbox.control.advance(31_000);
    }
    const clients = makeClients();
    await subscribe(clients);
    sandbox.control.expireTokens();
    const err = await rejection(subscribe(clients, 'mp-bob'));
    expect(err).toMatchObject({ errcode: 45009, retryable: true });
    expect(counts()).toMatchObject({ stableForced: 20, stableForceRefused: 1 });
  });

  it('are not retried when the token endpoint itself answers 40001', async () => {
    sandbox.control.failNext('/cgi-bin/stable_token', { errcode: 40001, errmsg: 'invalid credential' }, 5);
    const err = await rejection(subscribe(makeClients()));
    expect(err).toMatchObject({ errcode: 40001 });
    expect(sandbox.state.requestCounts.get('/cgi-bin/stable_token')).toBe(1);
    expect(sandbox.state.requestCounts.get(SUBSCRIBE_SEND_PATH)).toBeUndefined();
  });
});

describe('subscribe messages', () => {
  it('are accepted and recorded, with miniprogram_state and lang, and an exact msgid', async () => {
    const result = await makeClients().mp.sendSubscribeMessage({
      touser: 'mp-alice',
      templateId: TEMPLATE,
      page: 'pages/home/home',
      data: { thing1: { value: '材料已补正' }, character_string2: { value: 'SY-2025-0001' }, amount3: { value: '¥12000.50' } },
      miniprogramState: 'trial',
      lang: 'zh_CN',
    });
    const [sent] = sandbox.state.sent;
    expect(sent).toMatchObject({
      kind: 'subscribe',
      appid: MP.appid,
      touser: 'mp-alice',
      templateId: TEMPLATE,
      page: 'pages/home/home',
      miniprogramState: 'trial',
      lang: 'zh_CN',
      data: { thing1: '材料已补正', character_string2: 'SY-2025-0001', amount3: '¥12000.50' },
    });
    // more than 2^53: json-bigint's BigNumber must come through digit for digit
    expect(result.msgid).toMatch(/^\d{19}$/);
    expect(result.msgid).toBe(sent?.msgid);
  });

  it('breaking a field rule gives 47003 and sends nothing', async () => {
    const clients = makeClients();
    const tooLong = await rejection(
      clients.mp.sendSubscribeMessage({
        touser: 'mp-alice',
        templateId: TEMPLATE,
        data: { thing1: { value: '这是一段超过二十个字符的事项说明文字内容啊啊啊' } },
      }),
    );
    expect(tooLong).toBeInstanceOf(WechatApiError);
    expect(tooLong).toMatchObject({ errcode: 47003, retryable: false });
    const notChinese = await rejection(
      clients.mp.sendSubscribeMessage({ touser: 'mp-alice', templateId: TEMPLATE, data: { phrase1: { value: 'OK' } } }),
    );
    expect(notChinese).toMatchObject({ errcode: 47003 });
    expect(sandbox.state.sent).toHaveLength(0);
    expect(sandbox.state.rejected.map((r) => r.errcode)).toEqual([47003, 47003]);
  });

  it('need a subscription in strict mode: 43101 without, one message per grant', async () => {
    sandbox.control.configure({ strictSubscriptions: true });
    const clients = makeClients();
    expect(await rejection(subscribe(clients))).toMatchObject({ errcode: 43101, retryable: false });
    sandbox.control.grantSubscription('mp-alice', TEMPLATE, 1);
    await subscribe(clients);
    expect(await rejection(subscribe(clients))).toMatchObject({ errcode: 43101 });
    sandbox.control.grantSubscription('mp-alice', TEMPLATE, Infinity);
    await subscribe(clients);
    await subscribe(clients);
    expect(sandbox.state.sent).toHaveLength(3);
  });
});

describe('template messages', () => {
  const input = {
    touser: 'oa-alice',
    templateId: 'oa-tmpl-1',
    url: 'https://example.gov.cn/a/1',
    miniprogram: { appid: MP.appid, pagepath: 'pages/index/index' },
    data: { keyword1: { value: '上云补助申请' }, keyword2: { value: '已通过初审' } },
  };

  it('are accepted and recorded with the official account token', async () => {
    const result = await makeClients().oa.sendTemplateMessage(input);
    expect(result.msgid).toMatch(/^\d+$/);
    expect(sandbox.state.sent).toEqual([
      expect.objectContaining({
        kind: 'template',
        appid: OA.appid,
        touser: 'oa-alice',
        url: input.url,
        miniprogram: { appid: MP.appid, pagepath: 'pages/index/index' },
        data: { keyword1: '上云补助申请', keyword2: '已通过初审' },
      }),
    ]);
    expect(counts(OA.appid).stable).toBe(1);
  });

  it('refuse line breaks and long fields with 47003', async () => {
    const err = await rejection(makeClients().oa.sendTemplateMessage({ ...input, data: { keyword1: { value: '第一行\n第二行' } } }));
    expect(err).toMatchObject({ errcode: 47003 });
  });

  it('need a follower in strict mode: 43004', async () => {
    sandbox.control.configure({ strictFollowers: true });
    const clients = makeClients();
    expect(await rejection(clients.oa.sendTemplateMessage(input))).toMatchObject({ errcode: 43004, retryable: false });
    sandbox.control.follow('oa-alice');
    await clients.oa.sendTemplateMessage(input);
    expect(sandbox.state.sent).toHaveLength(1);
  });
});

describe('outages and faults', () => {
  it('down answers system busy (-1), or HTTP 503; up recovers', async () => {
    const { mp } = makeClients();
    sandbox.control.down();
    expect(await rejection(mp.code2Session('sandbox:alice'))).toMatchObject({ errcode: -1, retryable: true });
    sandbox.control.down('http503');
    const err = await rejection(mp.code2Session('sandbox:alice'));
    expect(err).toBeInstanceOf(WechatTransportError);
    expect(err).toMatchObject({ failure: 'http-status', httpStatus: 503, retryable: true, outcomeUnknown: false });
    // co-wechat-api's own message carries the URL, secret included
    expect((err as Error).message).not.toContain(MP.secret);
    sandbox.control.up();
    await expect(mp.code2Session('sandbox:alice')).resolves.toMatchObject({ openid: 'mp-alice' });
  });

  it('a delay within the timeout is waited out; one beyond it is a timeout', async () => {
    const { mp } = makeClients(new MemoryTokenStore(), 500);
    sandbox.control.failNext('/sns/jscode2session', { delayMs: 200 });
    const started = Date.now();
    await expect(mp.code2Session('sandbox:alice')).resolves.toMatchObject({ openid: 'mp-alice' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    sandbox.control.failNext('/sns/jscode2session', { delayMs: 1500 });
    const err = await rejection(mp.code2Session('sandbox:alice'));
    expect(err).toBeInstanceOf(WechatTransportError);
    expect(err).toMatchObject({ failure: 'timeout', outcomeUnknown: true });
    await expect(mp.code2Session('sandbox:alice')).resolves.toMatchObject({ openid: 'mp-alice' });
  });

  it('a dropped connection is a network failure; an injected errcode is an API error, once', async () => {
    const { mp } = makeClients();
    sandbox.control.failNext('/sns/jscode2session', 'drop');
    expect(await rejection(mp.code2Session('sandbox:alice'))).toMatchObject({ failure: 'network', retryable: true, outcomeUnknown: true });
    sandbox.control.failNext('/sns/jscode2session', { errcode: 45011, errmsg: 'api minute-quota reach limit' });
    expect(await rejection(mp.code2Session('sandbox:alice'))).toMatchObject({ errcode: 45011 });
    await expect(mp.code2Session('sandbox:alice')).resolves.toMatchObject({ openid: 'mp-alice' });
  });

  it('nothing listening is a network failure known not to have sent anything', async () => {
    const gone = await startSandbox({ port: 0, host: '127.0.0.1' });
    await gone.close();
    const clients = createWechatClients({ apiBase: gone.baseUrl, mp: MP, oa: OA, tokenStore: new MemoryTokenStore() });
    const err = await rejection(subscribe(clients));
    expect(err).toBeInstanceOf(WechatTransportError);
    expect(err).toMatchObject({ failure: 'network', outcomeUnknown: false });
    expect((err as Error).message).not.toContain(MP.secret);
  });

  it('a template send failing with HTTP 502 is a transport error', async () => {
    sandbox.control.failNext(TEMPLATE_SEND_PATH, { httpStatus: 502 });
    const err = await rejection(
      makeClients().oa.sendTemplateMessage({ touser: 'oa-alice', templateId: 't', data: { keyword1: { value: 'x' } } }),
    );
    expect(err).toMatchObject({ failure: 'http-status', httpStatus: 502 });
  });
});
