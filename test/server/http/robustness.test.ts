import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { createApp } from '../../../server/src/app';
import type { RouteSpec } from '../../../server/src/http/routes';

/**
 * Nothing a caller sends may produce a 500 or crash the process: every route, anonymous and as an
 * admin, gets hostile bodies, headers and parameters, and must answer 2xx/4xx with our envelope.
 */
const BODIES: [string, string | Buffer][] = [
  ['garbage bytes', randomBytes(512)],
  ['truncated JSON', '{"code": "sandbox:x", "enterprise": {'],
  ['deeply nested JSON', '['.repeat(5000) + ']'.repeat(5000)],
  ['prototype keys', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"polluted": true}}}'],
  ['huge numbers', '{"contractAmountFen": 1e400, "code": 1e400, "role": 1e400, "expiresInHours": -1e400}'],
  ['wrong types everywhere', '{"code": [], "role": {}, "enterprise": "x", "cloud": 7, "countyCode": true, "version": "x"}'],
  ['null', 'null'],
  ['unicode oddities', JSON.stringify({ code: '\u0000\ud800\u202e', role: '\uffff', note: '\u0000'.repeat(100) })],
];

describe('hostile input never yields a 500', () => {
  let t: TestApp;
  let specs: RouteSpec[];
  let adminToken: string;
  beforeAll(async () => {
    t = await startTestApp();
    specs = createApp({ config: t.config, db: t.db, logger: { error() {} } as never, wechat: { miniProgram: { code2Session: async () => ({ openid: 'x' }) } } }).routes.specs;
    const admin = await t.login('fuzz-admin');
    await t.grant(admin.token, 'admin');
    adminToken = admin.token;
  });
  afterAll(() => t.close());

  const paths = (p: string) => [p.replace(/:\w+/g, 'x'), p.replace(/:\w+/g, '%00%2e%2e%2f'), p.replace(/:\w+/g, 'A'.repeat(300))];

  test('every route, every hostile body, anonymous and as admin', async () => {
    for (const spec of specs) {
      const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      for (const path of paths(spec.path)) {
        for (const token of [undefined, adminToken]) {
          for (const [label, body] of BODIES) {
            let req = t.http[method](`${path}?entityType[]=1&entityId=%ff&x=${'y'.repeat(100)}`).set('content-type', 'application/json');
            if (token) req = req.set('authorization', `Bearer ${token}`);
            const res = await req.send(body);
            expect([spec.method, path.slice(0, 60), label, res.status < 500]).toEqual([spec.method, path.slice(0, 60), label, true]);
            if (res.status >= 400 && res.status !== 404 && res.status !== 405) expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          }
        }
      }
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.http.get('/healthz')).status).toBe(200);
  }, 120_000);

  test('other content types are refused with 415 or ignored, never parsed into a 500', async () => {
    for (const type of ['text/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const res = await t.http.post('/api/v1/auth/wx-login').set('content-type', type).send('code=sandbox%3Ax');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
