import { insertGrant } from '../../../server/src/db/users';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, DECLARATIONS, PDF, seedProvider } from '../../helpers/applications';
import { applicationEventsMatching } from '../../../server/src/db/testing';
import { findApplication } from '../../../server/src/db/applications';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { installPolicyPack, type PolicyPack } from '../../../shared/src/pack';
import { YICHUN } from '../../../shared/src/pack/yichun';
import { REVISION, REVISION_FROM } from '../../fixtures/policy/revision';
import type { Response } from 'supertest';
import { openXlsx } from '../documents/openDocument';
import { DAY, bearer } from './city/cityHarness';

/** Collects a binary response body (the .xlsx) into one Buffer. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (d: Buffer) => chunks.push(d));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

type User = { token: string; userId: string };
type Res = { status: number; body: { error?: { message: string; details?: unknown } } & Record<string, unknown> };

const FIRST = YICHUN.versions[0];

/**
 * Issue 18 item 3, "a revision applying by its date": the city's policy with a fictional revision (40%, at
 * most 8万元, from 2025-07-01; test/fixtures/policy/revision.ts) installed. An application submitted on
 * 2025-06-20 is judged, verified and paid under the policy as first issued (50%, 10万元) — also after a
 * county return and a correction made once the revision is in force; one submitted on 2025-07-10 under
 * the revision. Every role does its part over HTTP on the real database (SQLite, or MariaDB by DATABASE_URL).
 */
describe('a revision of the policy applies by the day of application', () => {
  let t: TestApp;
  let previous: PolicyPack;
  // 12:00 in Asia/Shanghai on the day given.
  const at = (day: string) => Date.parse(`${day}T04:00:00Z`);
  const clock = { now: at('2025-06-20') };
  const today = () => todayInShanghai(new Date(clock.now));
  let clerkA: User, clerkB: User, provider: User, miit: User, finance: User, cityMiit: User, jia: User, yi: User;
  let providerId: string;
  let oldId: string, newId: string;
  const county = '230781';

  beforeAll(async () => {
    previous = installPolicyPack({ ...YICHUN, versions: [...YICHUN.versions, REVISION] });
    t = await startTestApp({ now: () => clock.now, env: { SESSION_TTL_HOURS: '720', POLICY_EFFECTIVE_FROM: '2023-03-15' } });
    [clerkA, clerkB, provider, miit, finance, cityMiit, jia, yi] = await Promise.all(
      ['pv-clerk-a', 'pv-clerk-b', 'pv-provider', 'pv-miit', 'pv-finance', 'pv-city-miit', 'pv-jia', 'pv-yi'].map((n) => t.login(n)),
    );
    await t.grant(miit.token, 'county_miit', county);
    await t.grant(finance.token, 'county_finance', county);
    await t.grant(cityMiit.token, 'city_miit');
    await t.grant(jia.token, 'city_finance');
    await t.grant(yi.token, 'city_finance');
    providerId = (await seedProvider(t.db, provider.userId)).id;
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: '01PVPROVIDERROLE0000000000',
        userId: provider.userId,
        role: 'provider',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: clock.now,
      }),
    );
  });
  afterAll(async () => {
    installPolicyPack(previous);
    await t?.close();
  });

  const app = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!;
  const version = async (id: string) => (await app(id)).version;
  const post = (path: string, body: object, who: User) => t.http.post(path).set(bearer(who.token)).send(body);
  const ok = (res: Res, status = 200) =>
    expect([res.status, res.body.error?.message, res.body.error && JSON.stringify(res.body.error)]).toEqual([status, undefined, undefined]);
  const contract = (amountFen: number) => ({
    providerId,
    contractNo: `PV-${amountFen}`,
    signedOn: '2025-03-01',
    start: '2025-03-01',
    end: '2026-02-28',
    amountFen,
    services: 'ERP云、设备物联接入',
  });

  /** A verified enterprise of the county with a complete application for `amountFen`, paid in full; its id. */
  async function draft(clerk: User, name: string, amountFen: number): Promise<string> {
    const reg = await post(
      '/api/v1/enterprises',
      {
        creditCode: creditCode(county),
        name,
        countyCode: county,
        establishedOn: '2016-05-01',
        industryCode: 'C',
        legalRepresentative: '周林',
        address: '工业园区8号',
        contactName: '李会计',
        contactPhone: '13904580018',
      },
      clerk,
    );
    ok(reg, 201);
    const enterpriseId = (reg.body.enterprise as { id: string }).id;
    await t.http
      .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
      .set(bearer(clerk.token))
      .attach('file', Buffer.concat([PDF, Buffer.from(name)]), '营业执照.pdf');
    ok(
      await post(
        `/api/v1/county/enterprises/${enterpriseId}/decide`,
        { version: (reg.body.enterprise as { version: number }).version, decision: 'verify' },
        miit,
      ),
    );
    const created = await post('/api/v1/applications', { enterpriseId }, clerk);
    ok(created, 201);
    const id = (created.body.application as { id: string }).id;
    ok(
      await t.http
        .put(`/api/v1/applications/${id}`)
        .set(bearer(clerk.token))
        .send({
          version: await version(id),
          contract: contract(amountFen),
          declarations: DECLARATIONS,
          bank: { accountName: name, bankName: '中国农业银行支行', accountNo: '08123456789012345' },
        }),
    );
    await pay(clerk, id, amountFen);
    for (const m of APPLICATION_MATERIALS)
      expect(
        (
          await t.http
            .post(`/api/v1/files/application/${id}/${m.kind}`)
            .set(bearer(clerk.token))
            .attach('file', Buffer.concat([PDF, Buffer.from(`${id}${m.kind}`)]), `${m.label}.pdf`)
        ).status,
      ).toBe(201);
    return id;
  }
  const pay = async (clerk: User, id: string, amountFen: number) =>
    ok(
      await post(
        `/api/v1/applications/${id}/payments`,
        { version: await version(id), amountFen, paidOn: '2025-03-05', method: 'bank_transfer', reference: `NH-${amountFen}` },
        clerk,
      ),
      201,
    );
  const submit = async (clerk: User, id: string) =>
    ok(await post(`/api/v1/applications/${id}/submit`, { version: await version(id) }, clerk));
  const confirmAndSign = async (id: string) => {
    ok(
      await post(
        `/api/v1/provider/applications/${id}/confirm`,
        { version: await version(id), effectEvaluation: '上线后生产数据实时可见，效果良好' },
        provider,
      ),
    );
    const form = await post('/api/v1/provider/settlement-forms', { applicationIds: [id] }, provider);
    ok(form, 201);
    const formId = (form.body.form as { id: string }).id;
    const scan = await t.http
      .post(`/api/v1/files/settlement_form/${formId}/signed_scan`)
      .set(bearer(provider.token))
      .attach('file', Buffer.concat([PDF, Buffer.from(`${formId}`)]), '盖章兑付申请表.pdf');
    expect(scan.status).toBe(201);
    ok(await post(`/api/v1/provider/settlement-forms/${formId}/sign`, {}, provider));
  };
  const countyOpinion = async (who: User, id: string, decision: 'approve' | 'return', reasons?: { message: string }[]) =>
    post(
      `/api/v1/county/applications/${id}/opinion`,
      { version: await version(id), decision, ratings: { effect: 4, service: 5 }, reasons },
      who,
    );
  const cityView = async (id: string) =>
    (await t.http.get(`/api/v1/city/applications/${id}`).set(bearer(cityMiit.token))).body as {
      amount: { payableFen: number; policyVersion: { id: string; source: string; effectiveFrom: string; label: string } };
    };

  test('the self-check names the version of the day of application, the setting moving the first one’s start', async () => {
    const facts = (asOf: string) => ({
      asOf,
      enterprise: {
        creditCode: creditCode(county),
        registeredInYichun: true,
        independentLegalPerson: true,
        industrial: true,
        alignedWithIndustrialPolicy: true,
        establishedOn: '2016-05-01',
        operatingNormally: true,
        badCreditRecord: false,
        seriousFiscalViolationWithin5Years: false,
        dishonestyRecord: false,
      },
      cloud: {
        firstPurchase: true,
        providerFiledOn: '2023-05-10',
        contractSignedOn: '2025-03-01',
        contractAmountFen: 25_000_000,
        paidAmountFen: 25_000_000,
      },
      history: { subsidyReceived: false, applicationInProgress: false },
      otherSubsidiesFen: 0,
    });
    const before = await t.http.post('/api/v1/eligibility/evaluate').send(facts('2025-06-30'));
    const after = await t.http.post('/api/v1/eligibility/evaluate').send(facts(REVISION_FROM));
    expect(before.body).toMatchObject({
      policy: 'yichun-2023-cloud',
      eligible: true,
      subsidyFen: 10_000_000,
      capped: true,
      policyVersion: { id: FIRST.id, source: FIRST.source, effectiveFrom: '2023-03-15', label: `${FIRST.source}，2023-03-15 起施行` },
    });
    expect(after.body).toMatchObject({
      policy: 'yichun-2023-cloud',
      eligible: true,
      subsidyFen: 8_000_000,
      capped: true,
      policyVersion: { id: REVISION.id, source: REVISION.source, effectiveFrom: REVISION_FROM },
    });
  });

  test('submitted on 2025-06-20: judged under the first version (50%: 180,000.00 元 → 90,000.00 元)', async () => {
    oldId = await draft(clerkA, '青山木业有限公司', 18_000_000);
    await submit(clerkA, oldId);
    expect(await app(oldId)).toMatchObject({ status: 'provider_check', subsidyFen: 9_000_000, policyVersionId: FIRST.id });
    await confirmAndSign(oldId);
    ok(await countyOpinion(miit, oldId, 'return', [{ message: '合同金额与发票不一致，请按实际合同修改' }]));
    expect((await app(oldId)).status).toBe('returned');
  });

  test('corrected on 2025-07-10, after the revision: it keeps the first version (250,000.00 元 → capped at 100,000.00 元, not 80,000.00 元)', async () => {
    clock.now = at('2025-07-10');
    ok(
      await t.http
        .put(`/api/v1/applications/${oldId}`)
        .set(bearer(clerkA.token))
        .send({ version: await version(oldId), contract: contract(25_000_000) }),
    );
    await pay(clerkA, oldId, 7_000_000);
    await submit(clerkA, oldId);
    expect(await app(oldId)).toMatchObject({ status: 'provider_check', subsidyFen: 10_000_000, policyVersionId: FIRST.id });
    const resubmit = (await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: oldId }))).find((e) => e.event === 'resubmit');
    expect(resubmit?.data).toMatchObject({ policyVersionId: FIRST.id });
    await confirmAndSign(oldId);
  });

  test('submitted on 2025-07-10: judged under the revision (40%: 180,000.00 元 → 72,000.00 元)', async () => {
    newId = await draft(clerkB, '绿水食品有限公司', 18_000_000);
    await submit(clerkB, newId);
    expect(await app(newId)).toMatchObject({ status: 'provider_check', subsidyFen: 7_200_000, policyVersionId: REVISION.id });
    await confirmAndSign(newId);
  });

  test('both reach the city; each is verified under its own version, shown by 文号 and date', async () => {
    for (const id of [oldId, newId]) {
      ok(await countyOpinion(miit, id, 'approve'));
      ok(await countyOpinion(finance, id, 'approve'));
    }
    const report = await post(
      '/api/v1/county/joint-reports',
      { docNo: '铁工信联〔2025〕7号', reportDate: today(), applicationIds: [oldId, newId] },
      miit,
    );
    ok(report, 201);
    const r = report.body.report as { id: string; version: number };
    const s1 = await post(`/api/v1/county/joint-reports/${r.id}/sign`, { version: r.version }, miit);
    ok(s1);
    ok(await post(`/api/v1/county/joint-reports/${r.id}/sign`, { version: (s1.body.report as { version: number }).version }, finance));

    const oldView = await cityView(oldId);
    expect(oldView.amount).toMatchObject({ payableFen: 10_000_000, policyVersion: { id: FIRST.id, effectiveFrom: '2023-03-15' } });
    expect(oldView.amount.policyVersion.label).toBe(`${FIRST.source}，2023-03-15 起施行`);
    const newView = await cityView(newId);
    expect(newView.amount).toMatchObject({ payableFen: 7_200_000, policyVersion: { id: REVISION.id, source: REVISION.source } });
    expect(newView.amount.policyVersion.label).toBe(`${REVISION.source}，${REVISION_FROM} 起施行`);

    // The old one's 100,000.00 元 stands although today's version caps at 80,000.00 元.
    ok(
      await post(
        `/api/v1/city/applications/${oldId}/opinion`,
        { version: await version(oldId), decision: 'approve', verifiedFen: 10_000_000 },
        cityMiit,
      ),
    );
    // The new one cannot be verified at the old rate.
    const above = await post(
      `/api/v1/city/applications/${newId}/opinion`,
      { version: await version(newId), decision: 'approve', verifiedFen: 9_000_000 },
      cityMiit,
    );
    expect([above.status, above.body.error?.message]).toEqual([400, expect.stringContaining('72,000.00 元')]);
    ok(
      await post(
        `/api/v1/city/applications/${newId}/opinion`,
        { version: await version(newId), decision: 'approve', verifiedFen: 7_200_000 },
        cityMiit,
      ),
    );
    expect(await app(oldId)).toMatchObject({
      status: 'city_approved',
      verifiedFen: 10_000_000,
      subsidyFen: 10_000_000,
      policyVersionId: FIRST.id,
    });
    expect(await app(newId)).toMatchObject({
      status: 'city_approved',
      verifiedFen: 7_200_000,
      subsidyFen: 7_200_000,
      policyVersionId: REVISION.id,
    });
    const approval = (await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: newId }))).find(
      (e) => e.event === 'city_approve',
    );
    expect(approval?.data).toMatchObject({ payableFen: 7_200_000, policyVersionId: REVISION.id });
  });

  test('listed, approved and paid: 100,000.00 元 and 72,000.00 元', async () => {
    ok(await t.http.put('/api/v1/city/budgets/2025').set(bearer(jia.token)).send({ budgetFen: 50_000_000 }));
    const list = await post('/api/v1/city/lists', { year: 2025, applicationIds: [oldId, newId] }, cityMiit);
    ok(list, 201);
    const l = list.body.list as { id: string; version: number };
    const cosigned = await post(`/api/v1/city/lists/${l.id}/cosign`, { version: l.version }, jia);
    ok(cosigned);
    const notice = await post(
      `/api/v1/city/lists/${l.id}/notice`,
      { version: (cosigned.body.list as { version: number }).version, start: today(), end: todayInShanghai(new Date(clock.now + 3 * DAY)) },
      cityMiit,
    );
    ok(notice);
    clock.now += 4 * DAY;
    ok(await post(`/api/v1/city/lists/${l.id}/approve`, { version: (notice.body.list as { version: number }).version }, yi));
    // The 拟补贴名单 says under which version each amount was computed (备注, column L), by 文号 and date.
    const doc = await t.http.get(`/api/v1/city/lists/${l.id}/document.xlsx`).set(bearer(jia.token)).buffer(true).parse(binary);
    const sheet = (await openXlsx(doc.body as Buffer)).getWorksheet('拟补贴名单')!;
    const notes = [4, 5].map((row) => [sheet.getCell(row, 16).value, sheet.getCell(row, 12).text]);
    expect(notes).toEqual(
      expect.arrayContaining([
        [10_000_000, `已审批，待拨付；政策版本：${FIRST.source}，2023-03-15 起施行`],
        [7_200_000, `已审批，待拨付；政策版本：${REVISION.source}，${REVISION_FROM} 起施行`],
      ]),
    );
    for (const [id, amountFen, voucherNo] of [
      [oldId, 10_000_000, 'GK2025-7001'],
      [newId, 7_200_000, 'GK2025-7002'],
    ] as const) {
      ok(
        await post(
          `/api/v1/city/applications/${id}/disbursements`,
          { version: await version(id), amountFen, voucherNo, paidOn: today() },
          jia,
        ),
        201,
      );
      expect(await app(id)).toMatchObject({ status: 'disbursed', verifiedFen: amountFen });
    }
  });
});
