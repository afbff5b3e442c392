import request from 'supertest';
import { type RunningSandbox, SUBSCRIBE_SEND_PATH, TEMPLATE_SEND_PATH, createSandboxApp, startSandbox } from '../../../server/sandbox';

let sandbox: RunningSandbox;

beforeAll(async () => {
  // WeChat's 43101/43004 refusals off (their defaults are on): this file switches them on where it tests them.
  sandbox = await startSandbox({ port: 0, host: '127.0.0.1', bodyLimitBytes: 4096, strictSubscriptions: false, strictFollowers: false });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.control.reset());

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) as Record<string, unknown> };
}

function get(path: string): Promise<Answer> {
  return fetch(`${sandbox.baseUrl}${path.replace(/^\//, '')}`).then(answer);
}

function post(path: string, body: unknown): Promise<Answer> {
  return fetch(`${sandbox.baseUrl}${path.replace(/^\//, '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(answer);
}

const APPID = 'wx-sandbox-raw';

async function cgiToken(appid = APPID): Promise<string> {
  const res = await get(`/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=x`);
  return res.body.access_token as string;
}

function stableToken(force = false, appid = APPID): Promise<Answer> {
  return post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret: 'x', force_refresh: force });
}

const message = { touser: 'mp-alice', template_id: 't1', data: { thing1: { value: '你好' } } };

function send(token: string, body: unknown = message): Promise<Answer> {
  return post(`${SUBSCRIBE_SEND_PATH}?access_token=${encodeURIComponent(token)}`, body);
}

describe('answers like WeChat', () => {
  it('JSON content type, errors with HTTP 200', async () => {
    const bad = await get('/sns/jscode2session?appid=a&secret=b&js_code=nope&grant_type=authorization_code');
    expect(bad).toEqual({
      status: 200,
      type: expect.stringContaining('application/json'),
      body: { errcode: 40029, errmsg: 'invalid code' },
    });
    const good = await get('/sns/jscode2session?appid=a&secret=b&js_code=sandbox:a.b-c_1&grant_type=authorization_code');
    expect(good.body).toMatchObject({ openid: 'mp-a.b-c_1', unionid: 'union-a.b-c_1', session_key: expect.any(String) });
  });

  it('code2Session: names of 1–64 of [A-Za-z0-9_.-] only; a missing code is 41008', async () => {
    const code = (c: string) => get(`/sns/jscode2session?appid=a&secret=b&js_code=${encodeURIComponent(c)}&grant_type=authorization_code`);
    expect((await code('sandbox:')).body.errcode).toBe(40029);
    expect((await code(`sandbox:${'a'.repeat(65)}`)).body.errcode).toBe(40029);
    expect((await code('sandbox:名字')).body.errcode).toBe(40029);
    expect((await code(`sandbox:${'a'.repeat(64)}`)).body.openid).toBe(`mp-${'a'.repeat(64)}`);
    expect((await get('/sns/jscode2session?appid=a&secret=b&grant_type=authorization_code')).body.errcode).toBe(41008);
  });

  it('the wrong method is 43002/43001; an unknown path is a JSON 404', async () => {
    expect((await get('/cgi-bin/stable_token')).body).toEqual({ errcode: 43002, errmsg: 'require POST method' });
    expect((await post('/cgi-bin/token', {})).body).toEqual({ errcode: 43001, errmsg: 'require GET method' });
    const missing = await get('/cgi-bin/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/json');
  });

  it('a missing, unknown or expired access_token: 41001, 40001, 42001', async () => {
    expect((await post(SUBSCRIBE_SEND_PATH, message)).body.errcode).toBe(41001);
    expect((await send('made-up')).body).toEqual({
      errcode: 40001,
      errmsg: 'invalid credential, access_token is invalid or not latest',
    });
    const token = await cgiToken();
    sandbox.control.advance(7200_000);
    expect((await send(token)).body.errcode).toBe(42001);
  });
});

describe('/cgi-bin/token', () => {
  it('issues a new token per call; the previous one lives for the grace only', async () => {
    const first = await cgiToken();
    const second = await cgiToken();
    expect(second).not.toBe(first);
    expect((await send(first)).body.errcode).toBe(0);
    sandbox.control.advance(5 * 60_000);
    expect((await send(first)).body.errcode).toBe(40001);
    expect((await send(second)).body.errcode).toBe(0);
    expect(sandbox.state.tokenRequests.total.token).toBe(2);
  });

  it('expireTokens makes every issued token stale', async () => {
    const token = await cgiToken();
    sandbox.control.expireTokens();
    expect((await send(token)).body.errcode).toBe(40001);
  });
});

describe('/cgi-bin/stable_token', () => {
  it('answers the same token until it expires, renewing in the last five minutes', async () => {
    const a = await stableToken();
    const b = await stableToken();
    expect(a.body.access_token).toBe(b.body.access_token);
    expect(a.body.expires_in).toBe(7200);
    sandbox.control.advance(7200_000 - 5 * 60_000);
    const c = await stableToken();
    expect(c.body.access_token).not.toBe(a.body.access_token);
    expect(c.body.expires_in).toBe(7200);
    // the old one lives out its remaining minutes
    expect((await send(a.body.access_token as string)).body.errcode).toBe(0);
  });

  it('is kept apart from /cgi-bin/token', async () => {
    const stable = (await stableToken()).body.access_token as string;
    await cgiToken();
    await cgiToken();
    sandbox.control.advance(6 * 60_000);
    expect((await send(stable)).body.errcode).toBe(0);
  });

  it('force_refresh: a new token at once; none within 30 s; 20 a day, then 45009 until the next Beijing day', async () => {
    const normal = (await stableToken()).body.access_token as string;
    const forced = (await stableToken(true)).body.access_token as string;
    expect(forced).not.toBe(normal);
    expect((await send(normal)).body.errcode).toBe(40001);
    expect((await stableToken(true)).body.access_token).toBe(forced);
    expect(sandbox.state.tokenRequests.byAppid.get(APPID)).toMatchObject({ stableForced: 1, stableForceSkipped: 1 });

    for (let i = 1; i < 20; i += 1) {
      sandbox.control.advance(30_000);
      expect((await stableToken(true)).body.access_token).toEqual(expect.any(String));
    }
    sandbox.control.advance(30_000);
    expect((await stableToken(true)).body).toEqual({ errcode: 45009, errmsg: 'reach max api daily quota limit' });
    sandbox.control.advance(24 * 3600_000);
    expect((await stableToken(true)).body.access_token).toEqual(expect.any(String));
    expect(sandbox.state.tokenRequests.byAppid.get(APPID)).toMatchObject({ stableForced: 21, stableForceRefused: 1 });
  });

  it('after expireTokens, normal mode still hands out the refused token; only a forced refresh replaces it', async () => {
    const before = (await stableToken()).body.access_token as string;
    sandbox.control.expireTokens();
    expect((await stableToken()).body.access_token).toBe(before);
    const forced = (await stableToken(true)).body.access_token as string;
    expect(forced).not.toBe(before);
    expect((await send(forced)).body.errcode).toBe(0);
  });

  it('checks credentials when apps are configured', async () => {
    const strict = createSandboxApp({ apps: { 'wx-known': 'right' }, controlSurface: false });
    const ask = (appid: string, secret: string) =>
      request(strict.app.callback()).post('/cgi-bin/stable_token').send({ grant_type: 'client_credential', appid, secret });
    expect((await ask('wx-known', 'right')).body.access_token).toEqual(expect.any(String));
    expect((await ask('wx-known', 'wrong')).body.errcode).toBe(40125);
    expect((await ask('wx-other', 'right')).body.errcode).toBe(40013);
  });
});

describe('bodies', () => {
  it('malformed JSON, a non-object or no body: 47001, and the sandbox carries on', async () => {
    const token = (await stableToken()).body.access_token as string;
    expect((await send(token, '{"touser": "a",')).body).toEqual({ errcode: 47001, errmsg: 'data format error' });
    expect((await send(token, '[1,2]')).body.errcode).toBe(47001);
    expect((await send(token, '')).body.errcode).toBe(47001);
    expect((await post('/cgi-bin/stable_token', 'not json')).body.errcode).toBe(47001);
    expect((await post(`${TEMPLATE_SEND_PATH}?access_token=${token}`, '\u0000')).body.errcode).toBe(47001);
    expect((await send(token)).body.errcode).toBe(0);
  });

  it('past the size limit: 413', async () => {
    const token = (await stableToken()).body.access_token as string;
    const huge = { ...message, data: { thing1: { value: 'x'.repeat(10_000) } } };
    const res = await send(token, huge);
    expect(res.status).toBe(413);
    expect(res.body.errcode).toBe(47001);
    expect((await send(token)).body.errcode).toBe(0);
  });

  it('subscribe payload shape: 40003 no touser, 40037 no template_id, 47003 bad data or miniprogram_state', async () => {
    const token = (await stableToken()).body.access_token as string;
    expect((await send(token, { ...message, touser: '' })).body.errcode).toBe(40003);
    expect((await send(token, { ...message, template_id: 5 })).body.errcode).toBe(40037);
    expect((await send(token, { ...message, data: { thing1: 'plain string' } })).body.errcode).toBe(47003);
    expect((await send(token, { ...message, data: {} })).body.errcode).toBe(47003);
    expect((await send(token, { ...message, miniprogram_state: 'beta' })).body.errcode).toBe(47003);
    expect((await send(token, { ...message, page: 7 })).body.errcode).toBe(41030);
    expect(sandbox.state.sent).toHaveLength(0);
  });
});

describe('outages', () => {
  it('down: every API answers errcode -1 (or HTTP 503) while the control surface still works', async () => {
    sandbox.control.down();
    expect((await stableToken()).body).toEqual({ errcode: -1, errmsg: 'system error' });
    sandbox.control.down('http503');
    expect((await stableToken()).status).toBe(503);
    expect((await get('/__sandbox/state')).body.down).toBe('http503');
    expect((await post('/__sandbox/up', {})).body.ok).toBe(true);
    expect((await stableToken()).body.access_token).toEqual(expect.any(String));
  });

  it('failNext applies to its path only, for the given number of times', async () => {
    sandbox.control.failNext('/cgi-bin/stable_token', { errcode: -1, errmsg: 'system error' }, 2);
    expect((await get('/sns/jscode2session?appid=a&js_code=sandbox:x&grant_type=authorization_code')).body.openid).toBe('mp-x');
    expect((await stableToken()).body.errcode).toBe(-1);
    expect((await stableToken()).body.errcode).toBe(-1);
    expect((await stableToken()).body.access_token).toEqual(expect.any(String));
  });
});

describe('control surface /__sandbox', () => {
  it('lists sent messages, grants subscriptions, injects faults and resets', async () => {
    expect((await post('/__sandbox/configure', { strictSubscriptions: true })).body.ok).toBe(true);
    const token = (await stableToken()).body.access_token as string;
    expect((await send(token)).body.errcode).toBe(43101);
    expect((await post('/__sandbox/subscriptions', { openid: 'mp-alice', templateId: 't1' })).body).toEqual({ ok: true, left: 1 });
    expect((await send(token)).body.errcode).toBe(0);

    const sent = await get('/__sandbox/sent?touser=mp-alice');
    expect(sent.body.sent).toEqual([expect.objectContaining({ kind: 'subscribe', touser: 'mp-alice', data: { thing1: '你好' } })]);
    expect((await get('/__sandbox/sent?touser=mp-bob')).body.sent).toEqual([]);

    await post('/__sandbox/fail-next', { path: SUBSCRIBE_SEND_PATH, fault: { errcode: 45011, errmsg: 'slow down' } });
    expect((await send(token)).body.errcode).toBe(45011);

    await post('/__sandbox/advance', { ms: 1000 });
    await post('/__sandbox/expire-tokens', {});
    expect((await send(token)).body.errcode).toBe(40001);

    expect((await post('/__sandbox/reset', {})).body.ok).toBe(true);
    expect(sandbox.state.sent).toHaveLength(0);
    expect(sandbox.state.settings.strictSubscriptions).toBe(false);
  });

  it('refuses bad control input with 400', async () => {
    expect((await post('/__sandbox/fail-next', { path: 'no-slash', fault: 'drop' })).status).toBe(400);
    expect((await post('/__sandbox/advance', '{oops')).status).toBe(400);
    expect((await post('/__sandbox/down', { mode: 'sideways' })).status).toBe(400);
  });

  it('is absent when turned off (as it is by default under NODE_ENV=production)', async () => {
    const quiet = createSandboxApp({ controlSurface: false });
    const res = await request(quiet.app.callback()).get('/__sandbox/state');
    expect(res.status).toBe(404);
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const prod = createSandboxApp();
      expect((await request(prod.app.callback()).post('/__sandbox/reset')).status).toBe(404);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });
});
