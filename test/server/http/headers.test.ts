import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, PDF } from '../../helpers/applications';

/**
 * Answers are not cached or framed (issue 11, item 6): every answer says nosniff, no framing and no
 * referrer; an answer to a logged-in request is never stored; downloads keep their own headers.
 */
describe('response headers', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.login('hdr-user')).token;
  });
  afterAll(() => t.close());

  function expectGuarded(headers: Record<string, string>) {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');
  }

  test('every answer, success or error, public or not, carries the guards', async () => {
    for (const res of [
      await t.http.get('/healthz'),
      await t.http.get('/api/v1/policy'),
      await t.http.get('/api/v1/nowhere'),
      await t.http.get('/api/v1/me'),
      await t.http.get('/api/v1/me').set('authorization', 'Bearer nonsense'),
      await t.http.post('/api/v1/auth/wx-login').set('content-type', 'application/json').send('{"code":'),
      await t.http.get('/wechat/official-account?signature=x&timestamp=1&nonce=1&echostr=1'),
    ]) {
      expectGuarded(res.headers);
    }
  });

  test('a logged-in answer is never stored; a public answer to an anonymous caller may be', async () => {
    const me = await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const flowAnon = await t.http.get('/api/v1/eligibility/flow');
    expect(flowAnon.headers['cache-control']).toBe('public, max-age=300');
    const flowAuthed = await t.http.get('/api/v1/eligibility/flow').set('authorization', `Bearer ${token}`);
    expect(flowAuthed.headers['cache-control']).toBe('no-store');
    const refused = await t.http.get('/api/v1/me').set('authorization', 'Bearer expired-or-forged');
    expect([refused.status, refused.headers['cache-control']]).toEqual([401, 'no-store']);
  });

  test('a download keeps its own Cache-Control and Content-Disposition', async () => {
    const reg = await t.http
      .post('/api/v1/enterprises')
      .set('authorization', `Bearer ${token}`)
      .send({
        creditCode: creditCode('230726'),
        name: '南岔头测试厂',
        countyCode: '230726',
        establishedOn: '2015-01-01',
        industryCode: 'C',
        legalRepresentative: '王某',
        address: '南岔县1号',
        contactName: '李某',
        contactPhone: '13904580041',
      });
    const up = await t.http
      .post(`/api/v1/files/enterprise/${reg.body.enterprise.id}/business_license`)
      .set('authorization', `Bearer ${token}`)
      .attach('file', PDF, '营业执照.pdf');
    expect(up.status).toBe(201);
    const file = await t.http.get(`/api/v1/files/${up.body.files[0].id}/content`).set('authorization', `Bearer ${token}`);
    expect(file.status).toBe(200);
    expect(file.headers['cache-control']).toBe('private, no-store');
    expect(file.headers['content-disposition']).toMatch(/^(inline|attachment);/);
    expect(file.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expectGuarded(file.headers);
  });
});
