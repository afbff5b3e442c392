import { createLogger } from '../../../server/src/logger';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { createApp } from '../../../server/src/app';
import type { RouteSpec } from '../../../server/src/http/routeTable';

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
  /** What the server logged at level error or above: a caller's mistake is never one. */
  const faults: string[] = [];
  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'error' }, logDestination: { write: (line: string) => void faults.push(line) } });
    specs = createApp({
      config: t.config,
      db: t.db,
      logger: createLogger(t.config),
      wechat: { miniProgram: { code2Session: () => Promise.resolve({ openid: 'x' }) } },
    }).routes.specs;
    const admin = await t.login('fuzz-admin');
    await t.grant(admin.token, 'admin');
    adminToken = admin.token;
  });
  afterAll(() => t.close());
  afterEach(() => {
    expect(faults).toEqual([]);
  });

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
            if (res.status >= 400 && res.status !== 404 && res.status !== 405)
              expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          }
        }
      }
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.http.get('/healthz')).status).toBe(200);
  }, 120_000);

  test('other content types are refused with 415 or ignored, never parsed into a 500', async () => {
    for (const type of [
      'text/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]) {
      const res = await t.http.post('/api/v1/auth/wx-login').set('content-type', type).send('code=sandbox%3Ax');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  test('a Content-Encoding the body does not match is the caller error on every route that takes a body: 400, nothing logged as a fault', async () => {
    const withBody = specs.filter((s) => s.method !== 'GET');
    expect(withBody.length).toBeGreaterThan(50);
    for (const spec of withBody) {
      const method = spec.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
      for (const encoding of ['gzip', 'deflate', 'br', 'GZIP']) {
        for (const token of [undefined, adminToken]) {
          let req = t.http[method](spec.path.replace(/:\w+/g, '01ARZ3NDEKTSV4RRFFQ69G5FAV'))
            .set('content-type', 'application/json')
            .set('content-encoding', encoding);
          if (token) req = req.set('authorization', `Bearer ${token}`);
          const res = await req.send('{"code":"sandbox:x"}');
          expect([spec.method, spec.path, encoding, res.status]).toEqual([spec.method, spec.path, encoding, 400]);
          expect(res.body.error.message).toContain('无法解压');
        }
      }
      // An encoding nobody decodes: 415, with a message that says what to do.
      const unknown = await t.http[method](spec.path.replace(/:\w+/g, 'x'))
        .set('content-type', 'application/json')
        .set('content-encoding', 'zstd')
        .send('{}');
      expect([spec.path, unknown.status, unknown.body.error?.code]).toEqual([spec.path, 415, 'unsupported_media_type']);
    }
  }, 120_000);

  test('a valid compressed JSON body still works; a compressed upload is refused; a gzip bomb is refused with 413', async () => {
    // fetch, not supertest: superagent re-encodes a Buffer sent as JSON.
    const base = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
    const post = async (path: string, headers: Record<string, string>, body: Buffer) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
      return { status: res.status, body: (await res.json()) as { token?: string; error?: { code: string; message: string } } };
    };
    const json = { 'content-type': 'application/json' };
    const login = Buffer.from('{"code":"sandbox:zip-user"}');
    for (const [encoding, body] of [
      ['gzip', zlib.gzipSync(login)],
      ['deflate', zlib.deflateSync(login)],
      ['br', zlib.brotliCompressSync(login)],
      ['GZip', zlib.gzipSync(login)],
    ] as const) {
      const res = await post('/api/v1/auth/wx-login', { ...json, 'content-encoding': encoding }, body);
      expect([encoding, res.status]).toEqual([encoding, 200]);
      expect(res.body.token).toEqual(expect.any(String));
    }
    const upload = await post(
      '/api/v1/files/enterprise/01ARZ3NDEKTSV4RRFFQ69G5FAV/business_license',
      { authorization: `Bearer ${adminToken}`, 'content-type': 'multipart/form-data; boundary=x', 'content-encoding': 'gzip' },
      zlib.gzipSync('--x\r\n'),
    );
    expect([upload.status, upload.body.error?.code]).toEqual([415, 'unsupported_media_type']);
    // 64 MiB of spaces, about 64 KiB on the wire: the limit counts what comes out of the inflater.
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 32));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const res = await post('/api/v1/auth/wx-login', { ...json, 'content-encoding': 'gzip' }, bomb);
    expect([res.status, res.body.error?.code]).toEqual([413, 'payload_too_large']);
    expect((await t.http.get('/healthz')).status).toBe(200);
  }, 60_000);
});
