import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, DECLARATIONS, PDF, seedProvider } from '../../helpers/applications';
import { auditRecordsMatching, countApplicationEvents, notificationsMatching } from '../../../server/src/db/testing';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the enterprise side: register, fill in, submit', () => {
  let t: TestApp;
  let clerk: { token: string; userId: string };
  let colleague: { token: string; userId: string };
  let providerOwner: { token: string; userId: string };
  let providerId: string;
  let revokedProviderId: string;
  let enterpriseId: string;
  const code = creditCode('230724');
  const name = '伊春丰林绿色木业有限公司';
  let appId: string;
  let version: number;

  beforeAll(async () => {
    t = await startTestApp();
    clerk = await t.login('clerk-fenglin');
    colleague = await t.login('clerk-colleague');
    providerOwner = await t.login('provider-for-apps');
    providerId = (await seedProvider(t.db, providerOwner.userId)).id;
    revokedProviderId = (
      await seedProvider(t.db, (await t.login('provider-revoked')).userId, { status: 'revoked', revokedOn: '2023-07-01' })
    ).id;
  });
  afterAll(() => t.close());

  const profile = {
    creditCode: code,
    name,
    countyCode: '230724',
    establishedOn: '2018-06-01',
    industryCode: 'C',
    legalRepresentative: '张林',
    address: '伊春市丰林县林海路8号',
    contactName: '刘会计',
    contactPhone: '13904580001',
  };

  test('registering checks the credit code and makes the clerk an enterprise user', async () => {
    const bad = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(clerk.token))
      .send({ ...profile, creditCode: '91230717MA1B2C3D4X' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('creditCode');
    const res = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(clerk.token))
      .send({ ...profile, creditCode: code.toLowerCase() });
    expect(res.status).toBe(201);
    expect(res.body.enterprise).toMatchObject({ creditCode: code, status: 'pending', countyName: '丰林县' });
    enterpriseId = res.body.enterprise.id;
    expect((await t.http.get('/api/v1/me').set(bearer(clerk.token))).body.user.roles).toContain('enterprise');
    expect(
      (
        await t.http
          .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
          .set(bearer(clerk.token))
          .attach('file', PDF, '营业执照.pdf')
      ).status,
    ).toBe(201);
  });

  test('a second claim on the same credit code goes to the county; a colleague joins by invitation', async () => {
    const stranger = await t.login('claimant');
    const claim = await t.http.post('/api/v1/enterprises').set(bearer(stranger.token)).send(profile);
    expect(claim.status).toBe(202);
    expect(claim.body.membership).toBe('claim_pending');
    expect(claim.body.enterprise.contactPhone).toMatch(/\*\*\*\*/);
    // The claimant does not become a member and sees nothing of the enterprise's applications.
    expect((await t.http.get('/api/v1/enterprises/mine').set(bearer(stranger.token))).body.items).toEqual([]);

    const invite = await t.http.post(`/api/v1/enterprises/${enterpriseId}/invitations`).set(bearer(clerk.token)).send({});
    expect(invite.status).toBe(201);
    const joined = await t.http
      .post('/api/v1/enterprises/join')
      .set(bearer(colleague.token))
      .send({ creditCode: code, code: invite.body.code });
    expect(joined.status).toBe(200);
    const again = await t.http
      .post('/api/v1/enterprises/join')
      .set(bearer(stranger.token))
      .send({ creditCode: code, code: invite.body.code });
    expect(again.status).toBe(409);

    const county = await t.login('county-fenglin');
    await t.grant(county.token, 'county_miit', '230724');
    const queue = await t.http.get('/api/v1/county/enterprises').set(bearer(county.token));
    const entry = queue.body.items.find((e: { id: string }) => e.id === enterpriseId);
    expect(entry.claims).toHaveLength(1);
    const decided = await t.http
      .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
      .set(bearer(county.token))
      .send({ version: entry.version, decision: 'verify', refuseClaims: [entry.claims[0].memberId] });
    expect(decided.body.enterprise.status).toBe('verified');
    const otherCounty = await t.login('county-yimei');
    await t.grant(otherCounty.token, 'county_miit', '230717');
    expect(
      (
        await t.http
          .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
          .set(bearer(otherCounty.token))
          .send({ version: 1, decision: 'verify' })
      ).status,
    ).toBe(404);
  });

  test('an application starts from the check, one live per credit code', async () => {
    const res = await t.http
      .post('/api/v1/applications')
      .set(bearer(clerk.token))
      .send({ enterpriseId, facts: { from: 'eligibility-flow' } });
    expect(res.status).toBe(201);
    appId = res.body.application.id;
    version = res.body.application.version;
    expect(res.body.missing.map((m: { path: string }) => m.path)).toEqual(
      expect.arrayContaining(['contract', 'declarations', 'bank', 'payments', ...APPLICATION_MATERIALS.map((m) => `materials.${m.kind}`)]),
    );
    const second = await t.http.post('/api/v1/applications').set(bearer(colleague.token)).send({ enterpriseId });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('application_exists');
    expect(second.body.error.message).toMatch(/二（六）/);
  });

  test('saving step by step; a revoked provider cannot be chosen; the account must be the enterprise’s own', async () => {
    const contract = {
      providerId: revokedProviderId,
      contractNo: 'BJY-2023-0815',
      signedOn: '2023-08-15',
      start: '2023-09-01',
      end: '2024-08-31',
      amountFen: 12_000_001,
      services: 'ERP云（标准版）10用户',
    };
    const revoked = await t.http.put(`/api/v1/applications/${appId}`).set(bearer(clerk.token)).send({ version, contract });
    expect(revoked.status).toBe(400);
    expect(revoked.body.error.message).toMatch(/撤销/);
    const saved = await t.http
      .put(`/api/v1/applications/${appId}`)
      .set(bearer(colleague.token))
      .send({
        version,
        contract: { ...contract, providerId },
        declarations: DECLARATIONS,
        bank: { accountName: '别的公司', bankName: '中国工商银行伊春分行', accountNo: '0901 0012 3456 7890 123' },
      });
    expect(saved.status).toBe(200);
    version = saved.body.application.version;
    expect(saved.body.missing.map((m: { path: string }) => m.path)).toContain('bank.accountName');
    const fixed = await t.http
      .put(`/api/v1/applications/${appId}`)
      .set(bearer(clerk.token))
      .send({ version, bank: { accountName: name, bankName: '中国工商银行伊春分行', accountNo: '09010012345678901234' } });
    version = fixed.body.application.version;
    expect(fixed.body.missing.map((m: { path: string }) => m.path)).not.toContain('bank.accountName');
    const stale = await t.http
      .put(`/api/v1/applications/${appId}`)
      .set(bearer(clerk.token))
      .send({ version: version - 1, bank: { accountName: name, bankName: 'x', accountNo: '12345678' } });
    expect(stale.status).toBe(409);
  });

  test('payments and the four materials; then submit gives a tracking number and asks the provider', async () => {
    const p1 = await t.http
      .post(`/api/v1/applications/${appId}/payments`)
      .set(bearer(clerk.token))
      .send({ version, amountFen: 6_000_000, paidOn: '2023-08-20', method: 'bank_transfer', reference: 'HX001' });
    expect(p1.status).toBe(201);
    const p2 = await t.http
      .post(`/api/v1/applications/${appId}/payments`)
      .set(bearer(clerk.token))
      .send({ version: p1.body.application.version, amountFen: 6_000_001, paidOn: '2023-09-20', method: 'bank_transfer' });
    version = p2.body.application.version;
    expect(p2.body.application.paidAmountFen).toBe(12_000_001);
    const early = await t.http.post(`/api/v1/applications/${appId}/submit`).set(bearer(clerk.token)).send({ version });
    expect(early.status).toBe(400);
    expect(early.body.error.details.map((d: { path: string }) => d.path)).toEqual(APPLICATION_MATERIALS.map((m) => `materials.${m.kind}`));
    for (const m of APPLICATION_MATERIALS)
      expect(
        (await t.http.post(`/api/v1/files/application/${appId}/${m.kind}`).set(bearer(clerk.token)).attach('file', PDF, `${m.kind}.pdf`))
          .status,
      ).toBe(201);
    // Another enterprise's user cannot read or add the materials.
    const outsider = await t.login('outsider');
    expect(
      (await t.http.post(`/api/v1/files/application/${appId}/service_contract`).set(bearer(outsider.token)).attach('file', PDF, 'x.pdf'))
        .status,
    ).toBe(404);
    expect((await t.http.get(`/api/v1/applications/${appId}`).set(bearer(outsider.token))).status).toBe(403);

    const res = await t.http.post(`/api/v1/applications/${appId}/submit`).set(bearer(clerk.token)).send({ version });
    expect(res.status).toBe(200);
    expect(res.body.application).toMatchObject({
      status: 'provider_check',
      trackingNo: expect.stringMatching(/^YC\d{9}$/),
      subsidyFen: 6_000_001,
    });
    version = res.body.application.version;
    const ask = await t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: providerOwner.userId, template: 'application.confirm_request' }),
    );
    expect(ask.map((n) => n.channel).sort()).toEqual(['inbox', 'mp_subscribe', 'oa_template']);
    const told = await t.db.read((tx) => notificationsMatching(tx, { template: 'application.status', channel: 'inbox' }));
    expect(new Set(told.map((n) => n.recipientUserId))).toEqual(new Set([clerk.userId, colleague.userId]));
    expect(
      (await t.http.put(`/api/v1/applications/${appId}`).set(bearer(clerk.token)).send({ version, declarations: DECLARATIONS })).status,
    ).toBe(409);
  });

  test('the history keeps every change with its old value, the audit trail every step', async () => {
    const history = await t.http.get(`/api/v1/applications/${appId}/history`).set(bearer(clerk.token));
    const events = history.body.items.map((h: { event: string }) => h.event);
    expect(events).toEqual(expect.arrayContaining(['create', 'edit', 'payments', 'submit']));
    const bankEdits = history.body.items.filter(
      (h: { data: { changes?: Record<string, unknown> } | null }) => h.data?.changes?.bankAccountName,
    );
    expect(bankEdits.map((h: { data: { changes: { bankAccountName: unknown } } }) => h.data.changes.bankAccountName)).toEqual([
      [null, '别的公司'],
      ['别的公司', name],
    ]);
    expect(JSON.stringify(history.body)).not.toContain('0901001234567890123');
    const audit = await t.db.read((tx) => auditRecordsMatching(tx, { chain: `application:${appId}` }));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['application.create', 'application.edit', 'application.submit', 'file.upload']),
    );
    const rows = await t.db.read((tx) => countApplicationEvents(tx, { applicationId: appId, event: 'submit' }));
    expect(rows).toBe(1);
  });

  test('rules that fail at submit are named with their clause', async () => {
    const other = await t.login('young-company');
    const ent = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(other.token))
      .send({ ...profile, creditCode: creditCode('230724'), name: '新成立公司', establishedOn: '2026-06-01' });
    const app = await t.http.post('/api/v1/applications').set(bearer(other.token)).send({ enterpriseId: ent.body.enterprise.id });
    let v = app.body.application.version;
    const id = app.body.application.id;
    const saved = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(other.token))
      .send({
        version: v,
        contract: {
          providerId,
          contractNo: 'X-1',
          signedOn: '2026-07-01',
          start: '2026-07-01',
          end: '2027-06-30',
          amountFen: 100_000,
          services: '云主机',
        },
        declarations: { ...DECLARATIONS, firstPurchase: false },
        bank: { accountName: '新成立公司', bankName: '建行', accountNo: '12345678901' },
      });
    v = saved.body.application.version;
    v = (
      await t.http
        .post(`/api/v1/applications/${id}/payments`)
        .set(bearer(other.token))
        .send({ version: v, amountFen: 100_000, paidOn: '2026-07-02', method: 'bank_transfer' })
    ).body.application.version;
    for (const m of APPLICATION_MATERIALS)
      await t.http.post(`/api/v1/files/application/${id}/${m.kind}`).set(bearer(other.token)).attach('file', PDF, `${m.kind}.pdf`);
    const res = await t.http.post(`/api/v1/applications/${id}/submit`).set(bearer(other.token)).send({ version: v });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'eligibility.established-one-year',
      'eligibility.first-purchase',
    ]);
    expect(res.body.error.message).toMatch(/二（二）/);
    const withdrawn = await t.http
      .post(`/api/v1/applications/${id}/withdraw`)
      .set(bearer(other.token))
      .send({ version: v, reason: '条件不符' });
    expect(withdrawn.body.application.status).toBe('withdrawn');
    // Withdrawn does not count for 二（六）: a new application may start.
    expect((await t.http.post('/api/v1/applications').set(bearer(other.token)).send({ enterpriseId: ent.body.enterprise.id })).status).toBe(
      201,
    );
  });
});
