import net from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode } from '../../helpers/applications';
import { CLOSING, MULTIPART, partHeader, pdf } from '../files/harness';
import { postPlain, readReply, textXml } from '../officialAccount/wechatPush';
import { TOO_FAST } from '../../../server/src/modules/officialAccount/texts';

/**
 * Issue 16, item 4: the limits reach uploads, the official account (per follower) and the public
 * self-check, and every instance counts on the same counters — in Redis when REDIS_URL is set.
 */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function expectLimited(res: { status: number; body: { error?: { code: string } }; headers: Record<string, string> }) {
  expect([res.status, res.body.error?.code]).toEqual([429, 'too_many_requests']);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port || 6379), u.hostname, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function registerEnterprise(t: TestApp, token: string): Promise<string> {
  const res = await t.http
    .post('/api/v1/enterprises')
    .set(bearer(token))
    .send({
      creditCode: creditCode('230717'),
      name: '伊美区限流测试厂',
      countyCode: '230717',
      establishedOn: '2016-05-01',
      industryCode: 'C',
      legalRepresentative: '王某',
      address: '伊美区限流路1号',
      contactName: '李某',
      contactPhone: '13904580053',
    });
  expect(res.status).toBe(201);
  return res.body.enterprise.id as string;
}

const licence = (text: string) =>
  Buffer.concat([partHeader({ filename: '营业执照.pdf', contentType: 'application/pdf' }), pdf(text), CLOSING]);

describe('limits on uploads, the self-check and the official account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMITS: 'upload.user=2/1h,evaluate.address=3/1m,message.openid=2/1m' } });
  });
  afterAll(() => t.close());

  test('uploads: counted per user; over the limit 429 and nothing stored', async () => {
    const user = await t.login('limits-uploader');
    const enterpriseId = await registerEnterprise(t, user.token);
    const upload = (text: string) =>
      t.http
        .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
        .set(bearer(user.token))
        .set('content-type', MULTIPART)
        .send(licence(text));
    expect((await upload('一')).status).toBe(201);
    expect((await upload('二')).status).toBe(201);
    expectLimited(await upload('三'));
    const listed = await t.http.get(`/api/v1/files/enterprise/${enterpriseId}`).set(bearer(user.token));
    expect(listed.body.files).toHaveLength(2);
  });

  test('the public self-check: counted per address', async () => {
    const facts = { enterprise: { registeredInYichun: true } };
    for (let i = 0; i < 3; i++) expect((await t.http.post('/api/v1/eligibility/evaluate').send(facts)).status).not.toBe(429);
    expectLimited(await t.http.post('/api/v1/eligibility/evaluate').send(facts));
  });

  test('the official account: counted per follower, answered in Chinese, others unaffected', async () => {
    const ask = async (openid: string) => readReply((await postPlain(t, textXml(openid, '申报条件'))).text).Content;
    expect(await ask('o-flood')).not.toBe(TOO_FAST);
    expect(await ask('o-flood')).not.toBe(TOO_FAST);
    expect(await ask('o-flood')).toBe(TOO_FAST);
    expect(TOO_FAST).toMatch(/请稍等/);
    expect(await ask('o-calm')).not.toBe(TOO_FAST);
  });
});

describe('limits shared by every instance (Redis)', () => {
  let available = false;
  beforeAll(async () => {
    available = await redisAnswers(REDIS_URL);
  });

  test('two instances with one Redis count on the same counters', async () => {
    if (!available) throw new Error(`Redis does not answer at ${REDIS_URL}: .ci/run starts it`);
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `shared-${process.pid}-${Date.now()}`, RATE_LIMITS: 'login.address=3/1m' };
    const a = await startTestApp({ env });
    const b = await startTestApp({ env });
    try {
      expect(a.config.redis.url).toBe(REDIS_URL);
      const login = (app: TestApp, name: string) => app.http.post('/api/v1/auth/wx-login').send({ code: `sandbox:${name}` });
      expect((await login(a, 'shared-1')).status).toBe(200);
      expect((await login(b, 'shared-2')).status).toBe(200);
      expect((await login(a, 'shared-3')).status).toBe(200);
      // The fourth login from this address, on either instance, is refused: each alone has seen fewer than 3.
      expectLimited(await login(b, 'shared-4'));
      expectLimited(await login(a, 'shared-5'));
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('with Redis unreachable, limits still hold (in memory) and nothing fails', async () => {
    const t = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMITS: 'login.address=2/1m' } });
    try {
      const login = (name: string) => t.http.post('/api/v1/auth/wx-login').send({ code: `sandbox:${name}` });
      expect((await login('down-1')).status).toBe(200);
      expect((await login('down-2')).status).toBe(200);
      expectLimited(await login('down-3'));
    } finally {
      await t.close();
    }
  });
});
