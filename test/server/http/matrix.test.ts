import { insertGrant } from '../../../server/src/db/users';
import { createLogger } from '../../../server/src/logger';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { createApp } from '../../../server/src/app';
import type { RouteSpec } from '../../../server/src/http/routeTable';
import { ROLES, type Role } from '../../../shared/src/contracts/roles';
import { newId } from '../../../server/src/ids';

/**
 * Every route × every role: anonymous callers get 401 on anything not public, a role the route
 * does not admit gets 403, an admitted role gets past the gate (whatever the use case then says).
 * The routes come from the app's own table, so a new route is in the matrix the day it is added.
 */
describe('role × route matrix', () => {
  let t: TestApp;
  let specs: RouteSpec[];
  const tokens = new Map<Role | 'none', string>();

  beforeAll(async () => {
    t = await startTestApp();
    specs = createApp({
      config: t.config,
      db: t.db,
      logger: createLogger(t.config),
      wechat: { miniProgram: { code2Session: () => Promise.resolve({ openid: 'x' }) } },
    }).routes.specs;
    tokens.set('none', (await t.login('matrix-nobody')).token);
    for (const role of ROLES) {
      const { token } = await t.login(`matrix-${role}`);
      if (role === 'enterprise' || role === 'provider') {
        // These roles come from registering an enterprise or a filing; granted directly here.
        const { userId } = await t.login(`matrix-${role}`);
        await t.db.transaction((tx) =>
          insertGrant(tx, {
            id: newId(),
            userId: userId,
            role: role,
            countyCode: null,
            grantedBy: null,
            invitationId: null,
            createdAt: Date.now(),
          }),
        );
      } else {
        await t.grant(token, role, role.startsWith('county_') ? '230717' : undefined);
      }
      tokens.set(role, token);
    }
  });
  afterAll(() => t.close());

  const concretePath = (p: string) => p.replace(/:id\b/g, '01ARZ3NDEKTSV4RRFFQ69G5FAV').replace(/:(\w+)/g, 'x');

  function call(spec: RouteSpec, token?: string) {
    const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = t.http[method](concretePath(spec.path));
    if (token) req = req.set('authorization', `Bearer ${token}`);
    return method === 'get' ? req : req.send({});
  }

  test('the table lists every route exactly once', () => {
    const keys = specs.map((s) => `${s.method} ${s.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/wx-login',
        'POST /api/v1/eligibility/evaluate',
        'GET /api/v1/eligibility/flow',
        'GET /healthz',
      ]),
    );
  });

  test('anonymous callers reach only the public routes', async () => {
    for (const spec of specs) {
      const res = await call(spec);
      if (spec.access === 'public') expect([spec.path, res.status]).not.toEqual([spec.path, 401]);
      // No WeChat signature on these calls: refused as WeChat's contract says (spec/wechat.md).
      else expect([spec.path, res.status]).toEqual([spec.path, 401]);
      expect(res.status).toBeLessThan(500);
    }
  });

  test('each role reaches exactly the routes that admit it', async () => {
    for (const spec of specs) {
      for (const who of ['none', ...ROLES] as const) {
        // Some routes grant roles (starting a filing makes one a provider): judge by the roles held now.
        const held: Role[] = (await t.http.get('/api/v1/me').set('authorization', `Bearer ${tokens.get(who)}`)).body.user.roles;
        const denied = held.some((r) => (spec.deny ?? []).includes(r));
        if (spec.access === 'wechat') {
          // A bearer token is no credential here: only WeChat's signature is, and these calls carry none.
          expect([spec.path, who, (await call(spec, tokens.get(who))).status]).toEqual([spec.path, who, 401]);
          continue;
        }
        const admitted =
          !denied &&
          (spec.access === 'public' || spec.access === 'authenticated' || held.some((r) => (spec.access as readonly Role[]).includes(r)));
        const res = await call(spec, tokens.get(who));
        expect(res.status).toBeLessThan(500);
        if (admitted) expect([spec.method, spec.path, who, res.status]).not.toEqual([spec.method, spec.path, who, 403]);
        else expect([spec.method, spec.path, who, res.status]).toEqual([spec.method, spec.path, who, 403]);
        expect(res.status).not.toBe(401);
        // Logging out ends the session the matrix was using: log that user in again.
        if (spec.path === '/api/v1/auth/logout' && res.status === 204)
          tokens.set(who, (await t.login(who === 'none' ? 'matrix-nobody' : `matrix-${who}`)).token);
      }
    }
  });
});
