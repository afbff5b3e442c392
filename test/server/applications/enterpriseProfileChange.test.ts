import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, DECLARATIONS, PDF, seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { auditRecordsMatching, notificationsMatching } from '../../../server/src/db/testing';
import { insertGrant } from '../../../server/src/db/users';
import { verifyAuditTrail } from '../../../server/src/modules/audit/audit';
import { newId } from '../../../server/src/ids';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';

/**
 * Issue 14, item 4 (DESIGN.md, "Corrections after the fact"): a verified profile's fields change only
 * by the county's verification. A too-young enterprise cannot pass 二（二） by editing its 成立日期.
 */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

describe('the enterprise profile after verification', () => {
  let t: TestApp;
  let clerk: User;
  let colleague: User;
  let county: User;
  let countyFinance: User;
  let otherCounty: User;
  let enterpriseId: string;
  let appId: string;
  let appVersion: number;
  let changeId: string;
  const name = '伊春丰林新星云科技有限公司';
  const profile = {
    creditCode: creditCode('230724'),
    name,
    countyCode: '230724',
    // Too young for 二（二）: the test clock is today's, and this is less than a year ago.
    establishedOn: new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10),
    industryCode: 'C',
    legalRepresentative: '王新',
    address: '伊春市丰林县新兴路1号',
    contactName: '李会计',
    contactPhone: '13904580002',
  };
  const profileOf = async () =>
    (await t.http.get('/api/v1/enterprises/mine').set(bearer(clerk.token))).body.items.find((e: { id: string }) => e.id === enterpriseId);
  const inbox = (userId: string, template: string) => t.db.read((tx) => notificationsMatching(tx, { recipientUserId: userId, template }));
  const put = async (changes: Record<string, unknown>) => {
    const e = await profileOf();
    const rest: Partial<typeof profile> = { ...profile };
    delete rest.creditCode;
    return t.http
      .put(`/api/v1/enterprises/${enterpriseId}`)
      .set(bearer(clerk.token))
      .send({ ...rest, name: e.name, establishedOn: e.establishedOn, address: e.address, ...changes, version: e.version });
  };
  const submit = () => t.http.post(`/api/v1/applications/${appId}/submit`).set(bearer(clerk.token)).send({ version: appVersion });

  beforeAll(async () => {
    t = await startTestApp();
    clerk = await t.login('young-clerk');
    colleague = await t.login('young-colleague');
    county = await t.login('county-fenglin-miit');
    countyFinance = await t.login('county-fenglin-finance');
    otherCounty = await t.login('county-yimei-miit');
    await t.grant(county.token, 'county_miit', '230724');
    await t.grant(countyFinance.token, 'county_finance', '230724');
    await t.grant(otherCounty.token, 'county_miit', '230717');
    const providerId = (await seedProvider(t.db, (await t.login('young-provider')).userId)).id;

    const reg = await t.http.post('/api/v1/enterprises').set(bearer(clerk.token)).send(profile);
    enterpriseId = reg.body.enterprise.id;
    const invite = await t.http.post(`/api/v1/enterprises/${enterpriseId}/invitations`).set(bearer(clerk.token)).send({});
    await t.http
      .post('/api/v1/enterprises/join')
      .set(bearer(colleague.token))
      .send({ creditCode: profile.creditCode, code: invite.body.code });
    const verified = await t.http
      .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
      .set(bearer(county.token))
      .send({ version: reg.body.enterprise.version, decision: 'verify' });
    expect(verified.body.enterprise.status).toBe('verified');

    const app = await t.http.post('/api/v1/applications').set(bearer(clerk.token)).send({ enterpriseId });
    appId = app.body.application.id;
    const today = new Date().toISOString().slice(0, 10);
    const saved = await t.http
      .put(`/api/v1/applications/${appId}`)
      .set(bearer(clerk.token))
      .send({
        version: app.body.application.version,
        contract: {
          providerId,
          contractNo: 'XX-1',
          signedOn: today,
          start: today,
          end: '2099-12-31',
          amountFen: 1_000_000,
          services: '云主机',
        },
        declarations: DECLARATIONS,
        bank: { accountName: name, bankName: '中国建设银行伊春分行', accountNo: '12345678901234' },
      });
    const paid = await t.http
      .post(`/api/v1/applications/${appId}/payments`)
      .set(bearer(clerk.token))
      .send({ version: saved.body.application.version, amountFen: 1_000_000, paidOn: today, method: 'bank_transfer' });
    appVersion = paid.body.application.version;
    for (const m of APPLICATION_MATERIALS)
      await t.http.post(`/api/v1/files/application/${appId}/${m.kind}`).set(bearer(clerk.token)).attach('file', PDF, `${m.kind}.pdf`);
  });
  afterAll(() => t.close());

  test('the verified 成立日期 fails 二（二）', async () => {
    const res = await submit();
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['eligibility.established-one-year']);
  });

  test('editing the date asks the county; the verified date stands and submit still fails 二（二）', async () => {
    const res = await put({ establishedOn: '2018-06-01', address: '伊春市丰林县新兴路2号' });
    expect(res.status).toBe(200);
    // The address is not a verified field: it is saved at once.
    expect(res.body.enterprise).toMatchObject({
      establishedOn: profile.establishedOn,
      address: '伊春市丰林县新兴路2号',
      status: 'verified',
    });
    expect(res.body.enterprise.pendingChange).toMatchObject({
      status: 'pending',
      summary: `成立日期：${profile.establishedOn} → 2018-06-01`,
      fields: [{ field: 'establishedOn', label: '成立日期', from: profile.establishedOn, to: '2018-06-01' }],
    });
    changeId = res.body.enterprise.pendingChange.id;
    const again = await submit();
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain(`企业成立于 ${profile.establishedOn}`);
  });

  test('the county is told once; the same request again changes nothing; a different one waits for the first', async () => {
    expect((await inbox(county.userId, 'enterprise.profile_change_requested')).map((n) => n.channel).sort()).toEqual([
      'inbox',
      'oa_template',
    ]);
    expect(await inbox(countyFinance.userId, 'enterprise.profile_change_requested')).toHaveLength(2);
    expect(await inbox(otherCounty.userId, 'enterprise.profile_change_requested')).toHaveLength(0);
    const [note] = (await inbox(county.userId, 'enterprise.profile_change_requested')).filter((n) => n.channel === 'inbox');
    expect(note.payload!.body).toContain(`成立日期：${profile.establishedOn} → 2018-06-01`);

    const same = await put({ establishedOn: '2018-06-01' });
    expect(same.status).toBe(200);
    expect(same.body.enterprise.pendingChange.id).toBe(changeId);
    expect(await inbox(county.userId, 'enterprise.profile_change_requested')).toHaveLength(2);

    const other = await put({ establishedOn: '2015-01-01' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('change_pending');
    expect(other.body.error.message).toMatch(/^已有一项企业信息变更等待县里核验/);
  });

  test('reviewers see the pending change in plain Chinese on the county queue', async () => {
    const queue = await t.http.get('/api/v1/county/profile-changes').set(bearer(county.token));
    expect(queue.status).toBe(200);
    expect(queue.body.items).toEqual([
      expect.objectContaining({ id: changeId, enterpriseName: name, statusLabel: expect.stringMatching(/待县里核验/) }),
    ]);
    expect((await t.http.get('/api/v1/county/profile-changes').set(bearer(otherCounty.token))).body.items).toEqual([]);
    expect((await t.http.get('/api/v1/county/profile-changes').set(bearer(clerk.token))).status).toBe(403);
  });

  test('another county, a member turned reviewer, a refusal without reason: refused, nothing changed', async () => {
    const decide = (u: User, body: object) =>
      t.http.post(`/api/v1/county/profile-changes/${changeId}/decide`).set(bearer(u.token)).send(body);
    expect((await decide(otherCounty, { decision: 'verify' })).status).toBe(404);
    expect((await decide(clerk, { decision: 'verify' })).status).toBe(403);
    // Four eyes: a member of the enterprise who holds a county role from before the check on grants
    // (the grant itself is refused now) is still refused at the decision.
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: colleague.userId,
        role: 'county_finance',
        countyCode: '230724',
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
    const own = await decide(colleague, { decision: 'verify' });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/不能核验它的信息变更/);
    const noReason = await decide(county, { decision: 'refuse', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toBe('请写明不予核验的原因，企业会看到它');
    expect((await decide(county, { decision: 'maybe' })).status).toBe(400);
    expect((await profileOf()).pendingChange.status).toBe('pending');
  });

  test('refused with a reason: the enterprise hears why, the verified date stays', async () => {
    const res = await t.http
      .post(`/api/v1/county/profile-changes/${changeId}/decide`)
      .set(bearer(county.token))
      .send({ decision: 'refuse', reason: '营业执照上的成立日期与申请不符' });
    expect(res.status).toBe(200);
    expect(res.body.change).toMatchObject({ status: 'refused', reason: '营业执照上的成立日期与申请不符' });
    const e = await profileOf();
    expect(e).toMatchObject({ establishedOn: profile.establishedOn, pendingChange: null });
    const told = (await inbox(clerk.userId, 'enterprise.profile_change_decided')).find((n) => n.channel === 'inbox')!;
    expect(told.payload!.title).toBe('企业信息变更未通过');
    expect(told.payload!.body).toContain('原因：营业执照上的成立日期与申请不符');
    expect(told.payload!.body).not.toMatch(/establishedOn|refused|[0-9A-HJKMNP-TV-Z]{26}/);
    // The county's own members hear nothing of their own decision.
    expect(await inbox(county.userId, 'enterprise.profile_change_decided')).toHaveLength(0);
    const twice = await t.http
      .post(`/api/v1/county/profile-changes/${changeId}/decide`)
      .set(bearer(county.token))
      .send({ decision: 'verify' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe('这项变更已被退回，请企业重新提交');
    expect((await submit()).status).toBe(400);
  });

  test('the enterprise may withdraw a request the county has not decided; nobody is alerted', async () => {
    const asked = await put({ legalRepresentative: '王二' });
    const id = asked.body.enterprise.pendingChange.id;
    const before = await inbox(clerk.userId, 'enterprise.profile_change_decided');
    const res = await t.http.post(`/api/v1/enterprises/${enterpriseId}/profile-changes/${id}/withdraw`).set(bearer(clerk.token)).send({});
    expect(res.status).toBe(200);
    expect(res.body.change.status).toBe('withdrawn');
    expect(await inbox(clerk.userId, 'enterprise.profile_change_decided')).toHaveLength(before.length);
    expect((await profileOf()).legalRepresentative).toBe('王新');
  });

  test('verified by the county: the new values take effect, the enterprise hears it, and submit judges the new date', async () => {
    const asked = await put({ establishedOn: '2018-06-01', name: '伊春丰林新星云科技股份有限公司' });
    changeId = asked.body.enterprise.pendingChange.id;
    expect(asked.body.enterprise.pendingChange.summary).toBe(
      `企业名称：${name} → 伊春丰林新星云科技股份有限公司；成立日期：${profile.establishedOn} → 2018-06-01`,
    );
    const res = await t.http
      .post(`/api/v1/county/profile-changes/${changeId}/decide`)
      .set(bearer(countyFinance.token))
      .send({ decision: 'verify' });
    expect(res.status).toBe(200);
    expect(res.body.change.status).toBe('verified');
    expect(await profileOf()).toMatchObject({ establishedOn: '2018-06-01', name: '伊春丰林新星云科技股份有限公司', pendingChange: null });
    const told = (await inbox(colleague.userId, 'enterprise.profile_change_decided')).filter((n) => n.channel === 'inbox');
    expect(told.map((n) => n.payload!.title)).toEqual(['企业信息变更未通过', '企业信息变更已核验']);
    // The account name follows the verified name: the old one no longer matches.
    const blocked = await submit();
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.details.map((d: { path: string }) => d.path)).toEqual(['bank.accountName']);
    const fixed = await t.http
      .put(`/api/v1/applications/${appId}`)
      .set(bearer(clerk.token))
      .send({
        version: appVersion,
        bank: { accountName: '伊春丰林新星云科技股份有限公司', bankName: '中国建设银行伊春分行', accountNo: '12345678901234' },
      });
    appVersion = fixed.body.application.version;
    const ok = await submit();
    expect(ok.status).toBe(200);
    expect(ok.body.application.status).toBe('provider_check');
  });

  test('the county one-screen view shows a pending change of an enterprise in review', async () => {
    expect((await put({ legalRepresentative: '王三' })).status).toBe(200);
    const detail = await t.http.get(`/api/v1/county/applications/${appId}`).set(bearer(county.token));
    expect(detail.status).toBe(200);
    expect(detail.body.enterprise.legalRepresentative).toBe('王新');
    expect(detail.body.enterprise.pendingChange).toMatchObject({ summary: '法定代表人：王新 → 王三', status: 'pending' });
  });

  test('the city one-screen view shows a pending change too, the verified values above it', async () => {
    const member = await t.login('city-case-clerk');
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: member.userId,
        role: 'enterprise',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
    const e = await seedEnterprise(t.db, [member.userId], { countyCode: '230717' });
    const provider = await seedProvider(t.db, (await t.login('city-case-provider')).userId);
    const app = await seedApplication(t.db, e, provider, 'reported');
    const asked = await t.http.put(`/api/v1/enterprises/${e.id}`).set(bearer(member.token)).send({
      name: e.name,
      countyCode: '230724',
      establishedOn: e.establishedOn,
      industryCode: e.industryCode,
      legalRepresentative: e.legalRepresentative,
      address: e.address,
      contactName: e.contactName,
      contactPhone: e.contactPhone,
      version: e.version,
    });
    expect(asked.status).toBe(200);
    // The county it is registered in verifies a move to another county: not the county it moves to.
    expect(await inbox(otherCounty.userId, 'enterprise.profile_change_requested')).toHaveLength(2);
    expect(await inbox(county.userId, 'enterprise.profile_change_requested')).toHaveLength(8);
    const city = await t.login('city-miit-profile');
    await t.grant(city.token, 'city_miit');
    const detail = await t.http.get(`/api/v1/city/applications/${app.id}`).set(bearer(city.token));
    expect(detail.status).toBe(200);
    expect(detail.body.enterprise.countyCode).toBe('230717');
    expect(detail.body.enterprise.pendingChange.summary).toBe('注册地县（市、区）：伊美区 → 丰林县');
  });

  test('history and the audit chain keep every request and decision', async () => {
    const list = await t.http.get(`/api/v1/enterprises/${enterpriseId}/profile-changes`).set(bearer(colleague.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { status: string }) => c.status)).toEqual(['pending', 'verified', 'withdrawn', 'refused']);
    expect((await t.http.get(`/api/v1/enterprises/${enterpriseId}/profile-changes`).set(bearer(otherCounty.token))).status).toBe(403);
    const audit = await t.db.read((tx) => auditRecordsMatching(tx, { chain: `enterprise:${enterpriseId}` }));
    expect(audit.map((a) => a.action).filter((a) => a.startsWith('enterprise.profile_change'))).toEqual([
      'enterprise.profile_change_request',
      'enterprise.profile_change_refuse',
      'enterprise.profile_change_request',
      'enterprise.profile_change_withdraw',
      'enterprise.profile_change_request',
      'enterprise.profile_change_verify',
      'enterprise.profile_change_request',
    ]);
    expect((await verifyAuditTrail(t.db, t.config.auditKey)).problems).toEqual([]);
  });
});

describe('the credit code after verification', () => {
  let t: TestApp;
  afterAll(() => t.close());

  test('a new credit code waits for the county, which cannot give it one another enterprise holds; before verification it cannot change', async () => {
    t = await startTestApp();
    const clerk = await t.login('code-clerk');
    const county = await t.login('code-county');
    await t.grant(county.token, 'county_miit', '230724');
    const profile = {
      creditCode: creditCode('230724'),
      name: '伊春丰林代码变更有限公司',
      countyCode: '230724',
      establishedOn: '2018-01-01',
      industryCode: 'C',
      legalRepresentative: '赵代',
      address: '丰林县1号',
      contactName: '钱会计',
      contactPhone: '13904580003',
    };
    const reg = await t.http.post('/api/v1/enterprises').set(bearer(clerk.token)).send(profile);
    const id = reg.body.enterprise.id;
    const put = async (code: string) => {
      const e = (await t.http.get('/api/v1/enterprises/mine').set(bearer(clerk.token))).body.items[0];
      return t.http
        .put(`/api/v1/enterprises/${id}`)
        .set(bearer(clerk.token))
        .send({ ...profile, creditCode: code, version: e.version });
    };
    const early = await put(creditCode('230724'));
    expect(early.status).toBe(400);
    expect(early.body.error.details[0].path).toBe('creditCode');
    await t.http.post(`/api/v1/county/enterprises/${id}/decide`).set(bearer(county.token)).send({ version: 1, decision: 'verify' });

    const taken = (await seedEnterprise(t.db, [], { countyCode: '230724' })).creditCode;
    const asked = await put(taken);
    expect(asked.status).toBe(200);
    expect(asked.body.enterprise.creditCode).toBe(profile.creditCode);
    expect(asked.body.enterprise.pendingChange.summary).toBe(`统一社会信用代码：${profile.creditCode} → ${taken}`);
    const decide = (changeId: string) =>
      t.http.post(`/api/v1/county/profile-changes/${changeId}/decide`).set(bearer(county.token)).send({ decision: 'verify' });
    const clash = await decide(asked.body.enterprise.pendingChange.id);
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain('已由另一家企业登记');
    expect((await t.http.get('/api/v1/enterprises/mine').set(bearer(clerk.token))).body.items[0].pendingChange.status).toBe('pending');
    await t.http
      .post(`/api/v1/enterprises/${id}/profile-changes/${asked.body.enterprise.pendingChange.id}/withdraw`)
      .set(bearer(clerk.token));

    const fresh = creditCode('230724');
    const second = await put(fresh);
    expect((await decide(second.body.enterprise.pendingChange.id)).status).toBe(200);
    const now = (await t.http.get('/api/v1/enterprises/mine').set(bearer(clerk.token))).body.items[0];
    expect(now).toMatchObject({ creditCode: fresh, pendingChange: null, status: 'verified' });
  });
});
