import { revokeGrants } from '../../../../server/src/db/users';
import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import { findApplication, type ApplicationRow } from '../../../../server/src/db/applications';
import { applicationsByIds } from '../../../../server/src/db/applications/readers';
import type { EnterpriseRow } from '../../../../server/src/db/enterprises';
import { countApplicationEvents, countAuditRecords, countJointReports, type ProviderRow } from '../../../../server/src/db/testing';
import { bearer, binary, docxText, makeEnterprise, makeProvider, opinion, reviewer, signedSettlement, type User } from './setup';

/** 联合行文: the county bundles its approved applications under a 文号; both departments sign; it goes to the city. */
describe('the joint report (联合行文)', () => {
  let t: TestApp;
  let prov: User;
  let provider: ProviderRow;
  let miit: User;
  let miit2: User;
  let finance: User;
  let wuCui: User;
  const apps: ApplicationRow[] = [];
  const enterprises: EnterpriseRow[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    ({ user: prov, provider } = await makeProvider(t, 'jr-prov'));
    miit = await reviewer(t, 'jr-miit', 'county_miit');
    miit2 = await reviewer(t, 'jr-miit-2', 'county_miit');
    finance = await reviewer(t, 'jr-finance', 'county_finance');
    wuCui = await reviewer(t, 'jr-wucui', 'county_finance', '230718');
    for (const [i, name] of ['伊春林海木业有限公司', '伊春北药制药有限公司', '伊春兴安石材有限公司'].entries()) {
      const { enterprise } = await makeEnterprise(t, `jr-ent-${i}`, { name });
      enterprises.push(enterprise);
      apps.push(await seedApplication(t.db, enterprise, provider, 'county_review'));
    }
    await signedSettlement(
      t,
      prov,
      apps.map((a) => a.id),
    );
    // Both departments approve the first two; the third waits for finance.
    for (const [i, app] of apps.entries()) {
      expect((await opinion(t, miit, app.id, { version: 1, decision: 'approve', ratings: { effect: 4, service: 5 } })).status).toBe(200);
      if (i < 2)
        expect((await opinion(t, finance, app.id, { version: 2, decision: 'approve', ratings: { effect: 5, service: 4 } })).status).toBe(
          200,
        );
    }
  });
  afterAll(() => t.close());

  const create = (who: User, body: Record<string, unknown>) =>
    t.http.post('/api/v1/county/joint-reports').set(bearer(who.token)).send(body);

  test('only county_approved applications of the caller’s county, each in one open report', async () => {
    const base = { docNo: '伊美工信联〔2026〕3号', reportDate: '2026-03-05' };
    const notApproved = await create(miit, { ...base, applicationIds: [apps[0].id, apps[2].id] });
    expect(notApproved.status).toBe(409);
    expect(notApproved.body.error.details.map((d: { path: string }) => d.path)).toEqual(['applicationIds.1']);
    expect((await create(wuCui, { ...base, applicationIds: [apps[0].id] })).status).toBe(404);
    for (const body of [
      {},
      { ...base, applicationIds: [] },
      { ...base, docNo: '3号', applicationIds: [apps[0].id] },
      { ...base, reportDate: '2026-02-30', applicationIds: [apps[0].id] },
      { ...base, applicationIds: [apps[0].id, apps[0].id] },
    ]) {
      expect([JSON.stringify(body), (await create(miit, body)).status]).toEqual([JSON.stringify(body), 400]);
    }
    expect(await t.db.read((tx) => countJointReports(tx, {}))).toBe(0);

    const ok = await create(miit, { ...base, applicationIds: [apps[0].id, apps[1].id] });
    expect(ok.status).toBe(201);
    expect(ok.body.report).toMatchObject({
      docNo: '伊美工信联〔2026〕3号',
      reportDate: '2026-03-05',
      status: 'draft',
      version: 1,
      countyName: '伊美区',
    });
    expect(ok.body.report.items.map((i: { enterpriseName: string }) => i.enterpriseName)).toEqual([
      '伊春林海木业有限公司',
      '伊春北药制药有限公司',
    ]);
    expect(ok.body.report.items[0].opinions).toEqual([
      { department: 'miit', departmentLabel: '工信', decision: 'approve', ratings: { effect: 4, service: 5 }, round: 1 },
      { department: 'finance', departmentLabel: '财政', decision: 'approve', ratings: { effect: 5, service: 4 }, round: 1 },
    ]);
    const inOther = await create(finance, { docNo: '伊美工信联〔2026〕4号', reportDate: '2026-03-06', applicationIds: [apps[1].id] });
    expect(inOther.status).toBe(409);
    expect(inOther.body.error.details[0].message).toMatch(/另一份/);
    const sameNo = await create(finance, { ...base, applicationIds: [apps[1].id] });
    expect(sameNo.status).toBe(409);
  });

  test('each department signs once, two people; the second signature reports every application in one go', async () => {
    const list = await t.http.get('/api/v1/county/joint-reports').set(bearer(finance.token));
    expect(list.body.items).toHaveLength(1);
    const report = list.body.items[0];
    expect(report).toMatchObject({ applicationCount: 2, totalAppliedFen: 12_000_000 });
    expect((await t.http.get('/api/v1/county/joint-reports').set(bearer(wuCui.token))).body.items).toEqual([]);
    expect((await t.http.get(`/api/v1/county/joint-reports/${report.id}`).set(bearer(wuCui.token))).status).toBe(404);
    expect((await t.http.post(`/api/v1/county/joint-reports/${report.id}/sign`).set(bearer(wuCui.token)).send({ version: 1 })).status).toBe(
      404,
    );

    const sign = (who: User, version: number) =>
      t.http.post(`/api/v1/county/joint-reports/${report.id}/sign`).set(bearer(who.token)).send({ version });
    expect((await sign(miit, 1)).body.report).toMatchObject({ status: 'signing', version: 2, miitSignedBy: miit.userId });
    const twice = await sign(miit2, 2);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_signed');
    const stale = await sign(finance, 1);
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version']);
    // Still county_approved until both have signed.
    expect((await t.db.read((tx) => findApplication(tx, apps[0].id)))!.status).toBe('county_approved');

    // The miit signer, moved to finance, may not sign for finance too.
    await t.db.transaction((tx) => revokeGrants(tx, miit.userId, 'county_miit', null, Date.now()));
    await t.grant(miit.token, 'county_finance', '230717');
    expect((await sign(miit, 2)).status).toBe(403);
    await t.db.transaction((tx) => revokeGrants(tx, miit.userId, 'county_finance', null, Date.now()));
    await t.grant(miit.token, 'county_miit', '230717');

    const done = await sign(finance, 2);
    expect(done.status).toBe(200);
    expect(done.body.report).toMatchObject({ status: 'submitted', version: 3, financeSignedBy: finance.userId });
    const rows = await t.db.read((tx) =>
      applicationsByIds(
        tx,
        apps.map((a) => a.id),
      ),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const a of apps.slice(0, 2)) expect(byId.get(a.id)).toMatchObject({ status: 'reported', reportId: report.id });
    expect(byId.get(apps[2].id)).toMatchObject({ status: 'county_review', reportId: null });
    for (const a of apps.slice(0, 2)) {
      expect(await t.db.read((tx) => countApplicationEvents(tx, { applicationId: a.id, event: 'report', toStatus: 'reported' }))).toBe(1);
      expect(await t.db.read((tx) => countAuditRecords(tx, { entityId: a.id, action: 'application.report' }))).toBe(1);
    }
    // A submitted report says so in the machine's words, whatever version the caller saw.
    for (const v of [3, 1]) {
      const late = await sign(miit2, v);
      expect([late.status, late.body.error.code, late.body.error.message]).toEqual([
        409,
        'already_submitted',
        '这份联合行文已经报送，不能再签发',
      ]);
    }
  });

  test('the documents open, with the 文号, the enterprises and both opinions', async () => {
    const report = (await t.http.get('/api/v1/county/joint-reports').set(bearer(miit.token))).body.items[0];
    const res = await t.http
      .get(`/api/v1/county/joint-reports/${report.id}/document.docx`)
      .set(bearer(miit.token))
      .buffer(true)
      .parse(binary);
    const text = await docxText(res);
    for (const expected of [
      '伊美工信联〔2026〕3号',
      '伊春林海木业有限公司',
      '伊春北药制药有限公司',
      '伊美区工业和信息化局',
      '伊美区财政局',
      '上云效果：4分（良好）',
      '上云效果：5分（优秀）',
      provider.companyName,
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('伊春兴安石材有限公司');
    expect((await t.http.get(`/api/v1/county/joint-reports/${report.id}/document.docx`).set(bearer(wuCui.token))).status).toBe(404);
    expect((await t.http.get(`/api/v1/county/joint-reports/${report.id}/document.docx`).set(bearer(prov.token))).status).toBe(403);

    const form = (await t.http.get('/api/v1/provider/settlement-forms').set(bearer(prov.token))).body.items[0];
    const sf = await t.http
      .get(`/api/v1/provider/settlement-forms/${form.id}/document.docx`)
      .set(bearer(prov.token))
      .buffer(true)
      .parse(binary);
    const sfText = await docxText(sf);
    for (const e of enterprises) expect(sfText).toContain(e.name);
  });
});
