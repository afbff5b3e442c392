import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode } from '../../helpers/applications';
import { InvitationService } from '../../../server/src/modules/auth/invitations';
import { AuditTrail } from '../../../server/src/modules/audit/audit';
import { addressKey, parseRateLimits } from '../../../server/src/http/rateLimitRules';
import { loadConfig } from '../../../server/src/config';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

function expectLimited(res: { status: number; headers: Record<string, string>; body: { error?: { code: string; message: string } } }) {
  expect([res.status, res.body.error?.code]).toEqual([429, 'too_many_requests']);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body.error!.message).toMatch(/尝试次数太多.*后再试/);
}

/**
 * First limits (issue 11, items 4 and 5): the doors that open something are counted per client
 * address and per user, and the client's address is the socket's unless TRUST_PROXY says how many
 * proxies stand in front — a forged X-Forwarded-For never resets a count.
 */
describe('limits per client address and per user', () => {
  describe('TRUST_PROXY unset: forwarding headers are nobody’s word', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: {
          RATE_LIMITS: 'login.address=3/1m,redeem.user=3/1h,redeem.address=5/1h,join.user=3/1h,join.address=5/1h,bindingCode.user=2/1h',
        },
      });
    });
    afterAll(() => t.close());

    test('logins from one address stop at the limit, whatever X-Forwarded-For claims', async () => {
      for (let i = 0; i < 3; i++)
        expect(
          (
            await t.http
              .post('/api/v1/auth/wx-login')
              .set('x-forwarded-for', `10.0.0.${i}`)
              .send({ code: `sandbox:lim-${i}` })
          ).status,
        ).toBe(200);
      for (const forged of ['127.0.0.1', '8.8.8.8', '1.2.3.4, 5.6.7.8', '::1']) {
        expectLimited(
          await t.http
            .post('/api/v1/auth/wx-login')
            .set('x-forwarded-for', forged)
            .set('x-real-ip', forged)
            .send({ code: 'sandbox:lim-x' }),
        );
      }
    });

    test('wrong invitation codes: counted per user, a right code then waits too, and a refused try changes nothing', async () => {
      // The address limit is shared with the next test: log in before the login limit is reached elsewhere.
      const users = await Promise.all(
        ['lim-r1', 'lim-r2'].map((n) => t.services.auth.wxLogin(`sandbox:${n}`).then((r) => ({ token: r.token, userId: r.user.id }))),
      );
      const [r1, r2] = users as [User, User];
      for (let i = 0; i < 3; i++)
        expect(
          (
            await t.http
              .post('/api/v1/invitations/redeem')
              .set(bearer(r1.token))
              .send({ code: `WRNG-CODE-000${i}` })
          ).status,
        ).toBe(400);
      const invitations = new InvitationService(t.db, new AuditTrail(t.config.auditKey));
      const { code } = await invitations.create(null, { role: 'city_miit', countyCode: null, expiresInHours: 1, note: null });
      expectLimited(await t.http.post('/api/v1/invitations/redeem').set(bearer(r1.token)).send({ code }));
      expect((await invitations.list()).find((i) => i.state === 'used')).toBeUndefined();
      // Another user from the same address still has two tries before the address's five are spent.
      for (let i = 0; i < 2; i++)
        expect(
          (
            await t.http
              .post('/api/v1/invitations/redeem')
              .set(bearer(r2.token))
              .send({ code: `WRNG-CODE-100${i}` })
          ).status,
        ).toBe(400);
      expectLimited(await t.http.post('/api/v1/invitations/redeem').set(bearer(r2.token)).send({ code }));
    });

    test('wrong join codes: counted per user; binding codes: counted per call', async () => {
      const [owner, guesser] = (await Promise.all(['lim-j-owner', 'lim-j-guess'].map((n) => t.services.auth.wxLogin(`sandbox:${n}`)))).map(
        (r) => ({ token: r.token, userId: r.user.id }),
      ) as [User, User];
      const credit = creditCode('230723');
      const reg = await t.http.post('/api/v1/enterprises').set(bearer(owner.token)).send({
        creditCode: credit,
        name: '汤旺限流测试厂',
        countyCode: '230723',
        establishedOn: '2015-01-01',
        industryCode: 'C',
        legalRepresentative: '王某',
        address: '汤旺县1号',
        contactName: '李某',
        contactPhone: '13904580031',
      });
      expect(reg.status).toBe(201);
      for (let i = 0; i < 3; i++)
        expect(
          (
            await t.http
              .post('/api/v1/enterprises/join')
              .set(bearer(guesser.token))
              .send({ creditCode: credit, code: `ZZZZ-ZZZZ-ZZZ${i}` })
          ).status,
        ).toBe(400);
      const code = (await t.http.post(`/api/v1/enterprises/${reg.body.enterprise.id}/invitations`).set(bearer(owner.token)).send({})).body
        .code;
      expectLimited(await t.http.post('/api/v1/enterprises/join').set(bearer(guesser.token)).send({ creditCode: credit, code }));
      // The owner's own limit is untouched: a right code from a person who did not guess works.
      const colleague = await t.services.auth.wxLogin('sandbox:lim-j-colleague');
      expect((await t.http.post('/api/v1/enterprises/join').set(bearer(colleague.token)).send({ creditCode: credit, code })).status).toBe(
        200,
      );

      for (let i = 0; i < 2; i++) expect((await t.http.post('/api/v1/me/oa-binding-code').set(bearer(owner.token))).status).toBe(201);
      expectLimited(await t.http.post('/api/v1/me/oa-binding-code').set(bearer(owner.token)));
    });
  });

  describe('TRUST_PROXY=1: the address the proxy saw, and nothing further left', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: '1', RATE_LIMITS: 'login.address=2/1m' } });
    });
    afterAll(() => t.close());

    const login = (xff: string, n: string) =>
      t.http
        .post('/api/v1/auth/wx-login')
        .set('x-forwarded-for', xff)
        .send({ code: `sandbox:${n}` });

    test('a client that forges addresses to the left of the proxy’s is still one client', async () => {
      expect((await login('203.0.113.7', 'p1')).status).toBe(200);
      expect((await login('198.51.100.1, 203.0.113.7', 'p2')).status).toBe(200);
      expectLimited(await login('127.0.0.1, 203.0.113.7', 'p3'));
      expectLimited(await login('10.9.9.9,203.0.113.7', 'p4'));
      // Another client behind the same proxy has its own count.
      expect((await login('203.0.113.8', 'p5')).status).toBe(200);
    });

    test('an IPv6 client is counted by its /64', async () => {
      expect((await login('2001:db8:1:2::1', 'v1')).status).toBe(200);
      expect((await login('2001:db8:1:2:ffff::9', 'v2')).status).toBe(200);
      expectLimited(await login('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', 'v3'));
      expect((await login('2001:db8:1:3::1', 'v4')).status).toBe(200);
    });
  });

  test('settings: TRUST_PROXY is a small number of hops; RATE_LIMITS names known limits', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '11' })).toThrow(/TRUST_PROXY/);
    expect(parseRateLimits('login.address=60/1m,join.user=0/1h')).toEqual({
      ok: true,
      limits: expect.objectContaining({
        'login.address': { points: 60, windowSeconds: 60 },
        'join.user': { points: 0, windowSeconds: 3600 },
      }),
    });
    expect(parseRateLimits('logon.address=1/1m')).toMatchObject({ ok: false, reason: expect.stringContaining('没有名为') });
    expect(parseRateLimits('login.address=lots')).toMatchObject({ ok: false, reason: expect.stringContaining('格式不对') });
    expect(() => loadConfig({ NODE_ENV: 'test', RATE_LIMITS: 'x' })).toThrow(/RATE_LIMITS/);
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
