import { insertGrant } from '../../../server/src/db/users';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { auditRecordsMatching, countInvitations } from '../../../server/src/db/testing';
import { InvitationService } from '../../../server/src/modules/auth/invitations';
import { AuditTrail } from '../../../server/src/modules/audit/audit';
import { newId } from '../../../server/src/ids';
import type { InvitedRole } from '../../../shared/src/contracts/roles';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };
type Stake = 'enterprise-230717' | 'enterprise-230718' | 'claim-230717' | 'provider';
type Grant = { role: InvitedRole; county?: string };

/**
 * Nobody reviews their own case (issue 11, item 2; DESIGN.md "Four eyes"): a county role excludes
 * membership of an enterprise of that county and of any provider; a city role excludes any enterprise
 * or provider membership — in both orders, each refusal naming the conflict in Chinese.
 */
describe('roles and memberships exclude each other, whichever came first', () => {
  let t: TestApp;
  let admin: User;
  let invitations: InvitationService;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('fe-admin');
    await t.grant(admin.token, 'admin');
    invitations = new InvitationService(t.db, new AuditTrail(t.config.auditKey));
  });
  afterAll(() => t.close());

  const profile = (county: string) => ({
    creditCode: creditCode(county),
    name: `伊春四眼测试${++counter}号厂`,
    countyCode: county,
    establishedOn: '2016-01-01',
    industryCode: 'C',
    legalRepresentative: '王某',
    address: '伊春市某路1号',
    contactName: '李某',
    contactPhone: '13904580021',
  });

  /** Gives a fresh user the stake the way a person gets it: registering, claiming, or starting a filing. */
  async function withStake(stake: Stake): Promise<User> {
    const user = await t.login(`fe-${stake}-${++counter}`);
    if (stake === 'provider') {
      expect(
        (
          await t.http
            .post('/api/v1/provider-filings')
            .set(bearer(user.token))
            .send({ form: { basic: { companyName: `四眼云科技${counter}有限公司` } } })
        ).status,
      ).toBe(201);
    } else if (stake === 'claim-230717') {
      const owner = await t.login(`fe-owner-${++counter}`);
      const p = profile('230717');
      expect((await t.http.post('/api/v1/enterprises').set(bearer(owner.token)).send(p)).status).toBe(201);
      expect((await t.http.post('/api/v1/enterprises').set(bearer(user.token)).send(p)).status).toBe(202);
    } else {
      expect(
        (
          await t.http
            .post('/api/v1/enterprises')
            .set(bearer(user.token))
            .send(profile(stake.slice(-6)))
        ).status,
      ).toBe(201);
    }
    return user;
  }

  async function redeem(user: User, grant: Grant) {
    const { code, invitation } = await invitations.create(admin.userId, {
      role: grant.role,
      countyCode: grant.county ?? null,
      expiresInHours: 1,
      note: null,
    });
    return { res: await t.http.post('/api/v1/invitations/redeem').set(bearer(user.token)).send({ code }), invitationId: invitation.id };
  }

  const county = (role: 'county_miit' | 'county_finance', c = '230717'): Grant => ({ role, county: c });
  const CONFLICTS: [Stake, Grant, RegExp][] = [
    ['enterprise-230717', county('county_miit'), /伊美区企业.*伊美区工信部门/],
    ['enterprise-230717', county('county_finance'), /伊美区企业.*伊美区财政部门/],
    ['claim-230717', county('county_miit'), /伊美区企业.*伊美区工信部门/],
    ['provider', county('county_miit'), /云服务商.*伊美区工信部门/],
    ['provider', county('county_finance', '230781'), /云服务商.*铁力市财政部门/],
    ['enterprise-230717', { role: 'city_miit' }, /企业.*市工信局/],
    ['enterprise-230718', { role: 'city_finance' }, /企业.*市财政局/],
    ['provider', { role: 'city_miit' }, /云服务商.*市工信局/],
    ['provider', { role: 'city_finance' }, /云服务商.*市财政局/],
  ];

  test.each(CONFLICTS)(
    'member first: %s cannot redeem %o (409, the conflict named, the admin sees the refusal)',
    async (stake, grant, named) => {
      const user = await withStake(stake);
      const { res, invitationId } = await redeem(user, grant);
      expect([res.status, res.body.error?.code]).toEqual([409, 'separation_of_duties']);
      expect(res.body.error.message).toMatch(named);
      expect((await t.http.get('/api/v1/me').set(bearer(user.token))).body.user.roles).not.toContain(grant.role);
      // The invitation stays open, with the refusal on it where the admin looks, and in the audit trail.
      const list = await t.http.get('/api/v1/admin/invitations').set(bearer(admin.token));
      const row = list.body.items.find((i: { id: string }) => i.id === invitationId);
      expect(row).toMatchObject({ state: 'open', refusal: { userId: user.userId, reason: expect.stringMatching(named) } });
      const audit = await t.db.read((tx) =>
        auditRecordsMatching(tx, { chain: `invitation:${invitationId}`, action: 'invitation.refused' }),
      );
      expect(audit).toHaveLength(1);
    },
  );

  test('a member of an enterprise of another county may become a county reviewer here', async () => {
    const user = await withStake('enterprise-230718');
    const { res } = await redeem(user, county('county_miit', '230717'));
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
  });

  const ROLE_FIRST: Grant[] = [county('county_miit'), county('county_finance'), { role: 'city_miit' }, { role: 'city_finance' }];

  test.each(ROLE_FIRST)(
    'role first: %o cannot register or join an enterprise, nor file as a provider (403, the role named)',
    async (grant) => {
      const user = await t.login(`fe-role-${++counter}`);
      expect((await redeem(user, grant)).res.status).toBe(200);
      const label = grant.county ? /伊美区(工信|财政)部门/ : /市(工信|财政)局/;
      const register = await t.http.post('/api/v1/enterprises').set(bearer(user.token)).send(profile('230717'));
      expect(register.status).toBe(403);
      expect(register.body.error.message).toMatch(label);
      expect(register.body.error.message).toContain('登记企业');
      // A real code of a real enterprise: refused all the same.
      const owner = await withStake('enterprise-230717');
      const mine = (await t.http.get('/api/v1/enterprises/mine').set(bearer(owner.token))).body.items[0];
      const code = (await t.http.post(`/api/v1/enterprises/${mine.id}/invitations`).set(bearer(owner.token)).send({})).body.code;
      const join = await t.http.post('/api/v1/enterprises/join').set(bearer(user.token)).send({ creditCode: mine.creditCode, code });
      expect(join.status).toBe(403);
      expect(join.body.error.message).toMatch(label);
      expect(join.body.error.message).toContain('加入企业');
      const filing = await t.http.post('/api/v1/provider-filings').set(bearer(user.token)).send({});
      expect(filing.status).toBe(403);
      expect(filing.body.error.message).toMatch(label);
    },
  );

  test('the case that was let through: a clerk who registered an enterprise cannot become its county finance and approve it; roles held from before are caught at the decision and listed for the admin', async () => {
    const clerk = await withStake('enterprise-230717');
    const refused = await redeem(clerk, county('county_finance'));
    expect(refused.res.status).toBe(409);

    // Roles granted before this check existed (or by hand): the engine still refuses the decision.
    const legacy = await t.login(`fe-legacy-${++counter}`);
    const enterprise = await seedEnterprise(t.db, [legacy.userId], { countyCode: '230717' });
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: legacy.userId,
        role: 'county_finance',
        countyCode: '230717',
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
    const providerOwner = await t.login(`fe-prov-${++counter}`);
    const provider = await seedProvider(t.db, providerOwner.userId);
    const app = await seedApplication(t.db, enterprise, provider, 'county_review');
    const opinion = await t.http
      .post(`/api/v1/county/applications/${app.id}/opinion`)
      .set(bearer(legacy.token))
      .send({ version: app.version, decision: 'approve', ratings: { effect: 4, service: 4 } });
    expect(opinion.status).toBe(403);
    expect(opinion.body.error.message).toContain('不能审核');
    expect((await t.db.query<{ status: string }>('SELECT status FROM applications WHERE id = ?', [app.id]))[0].status).toBe(
      'county_review',
    );
    // Nor verify the enterprise itself.
    const verify = await t.http
      .post(`/api/v1/county/enterprises/${enterprise.id}/decide`)
      .set(bearer(legacy.token))
      .send({ version: enterprise.version, decision: 'verify' });
    expect(verify.status).toBe(403);

    const conflicts = await t.http.get('/api/v1/admin/role-conflicts').set(bearer(admin.token));
    expect(conflicts.status).toBe(200);
    expect(conflicts.body.items).toEqual([
      expect.objectContaining({
        userId: legacy.userId,
        role: 'county_finance',
        countyCode: '230717',
        roleLabel: '伊美区财政部门',
        conflict: expect.stringContaining(enterprise.name),
      }),
    ]);
    const invitationsRefused = await t.db.read((tx) => countInvitations(tx, { refusedBy: clerk.userId }));
    expect(invitationsRefused).toBe(1);
  });
});
