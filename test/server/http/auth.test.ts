import { startTestApp, type TestApp } from '../../helpers/testApp';
import { auditRecordsMatching, invitationsMatching } from '../../../server/src/db/testing';
import { InvitationService } from '../../../server/src/modules/auth/invitations';
import { AuditTrail } from '../../../server/src/modules/audit/audit';

describe('login through code2Session (spec/wechat.md, "Mini-program login")', () => {
  let t: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestApp({ now: () => clock });
  });
  afterAll(() => t.close());

  test('a good sandbox code logs in and gives our own token, never the session_key', async () => {
    const res = await t.http.post('/api/v1/auth/wx-login').send({ code: 'sandbox:alice' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(Number),
      user: { id: expect.any(String), roles: [], scopes: [] },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/session_key|sessionKey/);
    const me = await t.http.get('/api/v1/me').set('authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  test('the same person logging in again is the same user', async () => {
    const a = await t.login('bob');
    const b = await t.login('bob');
    expect(b.userId).toBe(a.userId);
    expect(b.token).not.toBe(a.token);
  });

  test('a bad code is refused as WeChat refuses it (40029), with a message to act on', async () => {
    const res = await t.http.post('/api/v1/auth/wx-login').send({ code: 'not-a-sandbox-code' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(res.body.error.message).toMatch(/重新打开小程序/);
  });

  test.each([
    ['no body', undefined],
    ['no code', {}],
    ['code of the wrong type', { code: 42 }],
    ['empty code', { code: '' }],
    ['absurdly long code', { code: 'x'.repeat(500) }],
  ])('malformed login: %s → 400', async (_label, body) => {
    const res = await t.http.post('/api/v1/auth/wx-login').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  test('a session expires, and logging out ends it at once', async () => {
    const { token } = await t.login('carol');
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
    clock += t.config.sessionTtlHours * 3600_000 + 1;
    const expired = await t.http.get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/登录/);

    const fresh = await t.login('carol');
    expect((await t.http.post('/api/v1/auth/logout').set('authorization', `Bearer ${fresh.token}`)).status).toBe(204);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${fresh.token}`)).status).toBe(401);
  });

  test('a forged or garbled bearer token is 401, not anonymous', async () => {
    for (const header of ['Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'Bearer', 'Basic abc', 'Bearer ' + 'a'.repeat(5000)]) {
      const res = await t.http.get('/api/v1/me').set('authorization', header);
      expect(res.status).toBe(401);
    }
  });

  test('logins are in the audit trail', async () => {
    const { userId } = await t.login('dave');
    const rows = await t.db.read((tx) => auditRecordsMatching(tx, { chain: `user:${userId}` }));
    expect(rows.map((r) => r.action)).toContain('auth.login');
  });
});

describe('invitations: single-use, expiring, four eyes', () => {
  let t: TestApp;
  let clock = Date.now();
  let invitations: InvitationService;
  beforeAll(async () => {
    t = await startTestApp({ now: () => clock });
    invitations = new InvitationService(t.db, new AuditTrail(t.config.auditKey), () => clock);
  });
  afterAll(() => t.close());

  test('redeeming grants the role with its county; a second use is refused', async () => {
    const { code } = await invitations.create(null, { role: 'county_miit', countyCode: '230717', expiresInHours: 24, note: '伊美区工信' });
    const erin = await t.login('erin');
    const ok = await t.http
      .post('/api/v1/invitations/redeem')
      .set('authorization', `Bearer ${erin.token}`)
      .send({ code: code.toLowerCase() });
    expect(ok.status).toBe(200);
    expect(ok.body.user.roles).toEqual(['county_miit']);
    expect(ok.body.user.scopes).toEqual([{ role: 'county_miit', countyCode: '230717' }]);

    const frank = await t.login('frank');
    const again = await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${frank.token}`).send({ code });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invitation_used');
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${frank.token}`)).body.user.roles).toEqual([]);
  });

  test('concurrent redemptions of one code: exactly one succeeds', async () => {
    const { code } = await invitations.create(null, { role: 'city_miit', countyCode: null, expiresInHours: 24, note: null });
    const users = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map((n) => t.login(n)));
    const results = await Promise.all(
      users.map((u) => t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${u.token}`).send({ code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
  });

  test('an expired code is refused', async () => {
    const { code } = await invitations.create(null, { role: 'city_finance', countyCode: null, expiresInHours: 1, note: null });
    clock += 3600_000 + 1;
    const u = await t.login('gina');
    const res = await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${u.token}`).send({ code });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_expired');
  });

  test('an unknown code is 400 and a revoked one 410', async () => {
    const u = await t.login('hank');
    expect(
      (await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${u.token}`).send({ code: 'ZZZZ-ZZZZ-ZZZZ' })).status,
    ).toBe(400);
    const { code, invitation } = await invitations.create(null, { role: 'admin', countyCode: null, expiresInHours: 1, note: null });
    await invitations.revoke('system', invitation.id);
    const res = await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${u.token}`).send({ code });
    expect(res.status).toBe(410);
  });

  test('nobody holds both departments at one level', async () => {
    const u = await t.login('ivy');
    await t.grant(u.token, 'county_finance', '230718');
    const { code } = await invitations.create(null, { role: 'county_miit', countyCode: '230718', expiresInHours: 1, note: null });
    const res = await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${u.token}`).send({ code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('separation_of_duties');
    // The refused redemption did not spend the code.
    const row = await t.db.read((tx) => invitationsMatching(tx, { role: 'county_miit', countyCode: '230718' }).then((rows) => rows[0]));
    expect(row.usedAt).toBeNull();

    const city = await t.login('jack');
    await t.grant(city.token, 'city_miit');
    const cf = await invitations.create(null, { role: 'city_finance', countyCode: null, expiresInHours: 1, note: null });
    expect(
      (await t.http.post('/api/v1/invitations/redeem').set('authorization', `Bearer ${city.token}`).send({ code: cf.code })).status,
    ).toBe(409);
  });

  test('an admin creates, lists and revokes invitations over the API; the code is shown once', async () => {
    const admin = await t.login('root');
    await t.grant(admin.token, 'admin');
    const auth = { authorization: `Bearer ${admin.token}` };
    const created = await t.http
      .post('/api/v1/admin/invitations')
      .set(auth)
      .send({ role: 'county_finance', countyCode: '230781', expiresInHours: 48, note: '铁力市财政局' });
    expect(created.status).toBe(201);
    expect(created.body.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const list = await t.http.get('/api/v1/admin/invitations').set(auth);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.code);
    const revoked = await t.http.post(`/api/v1/admin/invitations/${created.body.invitation.id}/revoke`).set(auth);
    expect(revoked.status).toBe(200);
    expect(revoked.body.invitation.state).toBe('revoked');
    expect((await t.http.post(`/api/v1/admin/invitations/${created.body.invitation.id}/revoke`).set(auth)).status).toBe(409);

    const bad = await t.http.post('/api/v1/admin/invitations').set(auth).send({ role: 'county_miit' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'countyCode' })]);
    expect((await t.http.post('/api/v1/admin/invitations').set(auth).send({ role: 'enterprise' })).status).toBe(400);
  });

  test('the audit trail holds invitations and role grants, and verifies', async () => {
    const admin = await t.login('root');
    const auditor = { authorization: `Bearer ${admin.token}` };
    const verify = await t.http.post('/api/v1/admin/audit/verify').set(auditor);
    expect(verify.status).toBe(200);
    expect(verify.body.problems).toEqual([]);
    const grants = await t.db.read((tx) => auditRecordsMatching(tx, { action: 'role.grant' }));
    expect(grants.length).toBeGreaterThan(3);
    const trail = await t.http.get('/api/v1/admin/audit').query({ entityType: 'user', entityId: admin.userId }).set(auditor);
    expect(trail.body.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['auth.login', 'role.grant']));
  });
});
