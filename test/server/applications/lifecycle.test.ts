import { insertGrant } from '../../../server/src/db/users';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { expectAnswersToMatch, recordAnswers } from '../../helpers/answers';
import { creditCode, DECLARATIONS, PDF, seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import {
  applicationEventsMatching,
  applicationsMatching,
  countDisbursements,
  countNotifications,
  keptStageCounts,
  recountedStageCounts,
  type StageTally,
} from '../../../server/src/db/testing';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { findApplication } from '../../../server/src/db/applications';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

/**
 * The whole life over HTTP, every role doing its own part on the real database: from the clerk's
 * first draft to the money recorded in the ledger, and the side paths a real case takes. Every answer
 * along the way is recorded and compared with docs/answers.snapshot.json (the last test).
 */
describe('an application from draft to disbursed', () => {
  let t: TestApp;
  let clerk: User, provider: User, miit: User, finance: User, cityMiit: User, cosigner: User, approver: User;
  let providerId: string;
  let recording: ReturnType<typeof recordAnswers>;
  const county = '230781'; // 铁力市
  const today = todayInShanghai(new Date());
  const year = Number(today.slice(0, 4));

  beforeAll(async () => {
    t = await startTestApp();
    [clerk, provider, miit, finance, cityMiit, cosigner, approver] = await Promise.all(
      ['lc-clerk', 'lc-provider', 'lc-miit', 'lc-finance', 'lc-city-miit', 'lc-cosigner', 'lc-approver'].map((n) => t.login(n)),
    );
    await t.grant(miit.token, 'county_miit', county);
    await t.grant(finance.token, 'county_finance', county);
    await t.grant(cityMiit.token, 'city_miit');
    await t.grant(cosigner.token, 'city_finance');
    await t.grant(approver.token, 'city_finance');
    providerId = (await seedProvider(t.db, provider.userId)).id;
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: '01LCPROVIDERROLE0000000000',
        userId: provider.userId,
        role: 'provider',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );
    // From here on the requests go one at a time, so their order is the same on every run.
    recording = recordAnswers();
  });
  afterAll(() => t.close());

  const version = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!.version;
  const status = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!.status;

  /** Registers an enterprise in 铁力市, has the county verify it, and fills in a complete application. */
  async function readyApplication(user: User, name: string): Promise<string> {
    const reg = await t.http
      .post('/api/v1/enterprises')
      .set(bearer(user.token))
      .send({
        creditCode: creditCode(county),
        name,
        countyCode: county,
        establishedOn: '2017-03-01',
        industryCode: 'C',
        legalRepresentative: '赵铁',
        address: '铁力市工业园区1号',
        contactName: '钱会计',
        contactPhone: '13904580002',
      });
    expect(reg.status).toBe(201);
    const enterpriseId = reg.body.enterprise.id as string;
    await t.http
      .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
      .set(bearer(user.token))
      .attach('file', PDF, '营业执照.pdf');
    const verified = await t.http
      .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
      .set(bearer(miit.token))
      .send({ version: reg.body.enterprise.version, decision: 'verify' });
    expect(verified.body.enterprise.status).toBe('verified');
    const app = await t.http.post('/api/v1/applications').set(bearer(user.token)).send({ enterpriseId });
    const id = app.body.application.id as string;
    const contract = {
      providerId,
      contractNo: `TL-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
      signedOn: '2023-09-01',
      start: '2023-09-01',
      end: '2024-08-31',
      amountFen: 15_000_001,
      services: 'MES云、设备物联接入',
    };
    await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(user.token))
      .send({
        version: await version(id),
        contract,
        declarations: DECLARATIONS,
        bank: { accountName: name, bankName: '中国农业银行铁力支行', accountNo: '08123456789012345' },
      });
    await t.http
      .post(`/api/v1/applications/${id}/payments`)
      .set(bearer(user.token))
      .send({ version: await version(id), amountFen: 15_000_001, paidOn: '2023-09-05', method: 'bank_transfer', reference: 'NH-88' });
    for (const m of APPLICATION_MATERIALS)
      expect(
        (
          await t.http
            .post(`/api/v1/files/application/${id}/${m.kind}`)
            .set(bearer(user.token))
            .attach('file', Buffer.concat([PDF, Buffer.from(`${id}${m.kind}`)]), `${m.label}.pdf`)
        ).status,
      ).toBe(201);
    return id;
  }

  async function submit(user: User, id: string) {
    const res = await t.http
      .post(`/api/v1/applications/${id}/submit`)
      .set(bearer(user.token))
      .send({ version: await version(id) });
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    return res;
  }

  async function confirmAndSign(ids: string[]) {
    for (const id of ids) {
      const ok = await t.http
        .post(`/api/v1/provider/applications/${id}/confirm`)
        .set(bearer(provider.token))
        .send({ version: await version(id), effectEvaluation: '上线后生产数据实时可见，设备停机减少，效果良好' });
      expect([ok.status, ok.body.error?.message]).toEqual([200, undefined]);
    }
    const form = await t.http.post('/api/v1/provider/settlement-forms').set(bearer(provider.token)).send({ applicationIds: ids });
    expect(form.status).toBe(201);
    expect(
      (
        await t.http
          .post(`/api/v1/files/settlement_form/${form.body.form.id}/signed_scan`)
          .set(bearer(provider.token))
          .attach('file', PDF, '盖章兑付申请表.pdf')
      ).status,
    ).toBe(201);
    expect(
      (await t.http.post(`/api/v1/provider/settlement-forms/${form.body.form.id}/sign`).set(bearer(provider.token)).send({})).status,
    ).toBe(200);
  }

  async function opinion(
    user: User,
    id: string,
    decision: 'approve' | 'return' | 'reject',
    reasons?: { message: string; material?: string }[],
  ) {
    return t.http
      .post(`/api/v1/county/applications/${id}/opinion`)
      .set(bearer(user.token))
      .send({ version: await version(id), decision, ratings: { effect: 4, service: 5 }, reasons, internalNote: '内部：电话核实过付款' });
  }

  test('the happy path, every role in turn', async () => {
    const id = await readyApplication(clerk, '铁力林海食品有限公司');
    const submitted = await submit(clerk, id);
    expect(submitted.body.application).toMatchObject({ status: 'provider_check', subsidyFen: 7_500_001 });

    await confirmAndSign([id]);
    expect(await status(id)).toBe('county_review');
    expect((await opinion(miit, id, 'approve')).status).toBe(200);
    expect(await status(id)).toBe('county_review');
    expect((await opinion(finance, id, 'approve')).status).toBe(200);
    expect(await status(id)).toBe('county_approved');

    const report = await t.http
      .post('/api/v1/county/joint-reports')
      .set(bearer(miit.token))
      .send({ docNo: `铁工信联〔${year}〕7号`, reportDate: today, applicationIds: [id] });
    expect(report.status).toBe(201);
    const s1 = await t.http
      .post(`/api/v1/county/joint-reports/${report.body.report.id}/sign`)
      .set(bearer(miit.token))
      .send({ version: report.body.report.version });
    await t.http
      .post(`/api/v1/county/joint-reports/${report.body.report.id}/sign`)
      .set(bearer(finance.token))
      .send({ version: s1.body.report.version });
    expect(await status(id)).toBe('reported');

    const tooMuch = await t.http
      .post(`/api/v1/city/applications/${id}/opinion`)
      .set(bearer(cityMiit.token))
      .send({ version: await version(id), decision: 'approve', verifiedFen: 7_500_002 });
    expect(tooMuch.status).toBe(400);
    const cityOk = await t.http
      .post(`/api/v1/city/applications/${id}/opinion`)
      .set(bearer(cityMiit.token))
      .send({
        version: await version(id),
        decision: 'approve',
        verifiedFen: 7_000_000,
        verifiedReason: '合同中含硬件采购 100 万分，不属云服务，核减',
      });
    expect([cityOk.status, cityOk.body.error?.message]).toEqual([200, undefined]);
    expect(await status(id)).toBe('city_approved');

    expect((await t.http.put(`/api/v1/city/budgets/${year}`).set(bearer(cosigner.token)).send({ budgetFen: 500_000_000 })).status).toBe(
      200,
    );
    const list = await t.http
      .post('/api/v1/city/lists')
      .set(bearer(cityMiit.token))
      .send({ year, applicationIds: [id] });
    expect([list.status, list.body.error?.message]).toEqual([201, undefined]);
    const listId = (list.body.list ?? list.body).id as string;
    let listVersion =
      (await t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(cityMiit.token))).body.list?.version ??
      (await t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(cityMiit.token))).body.version;
    const cosigned = await t.http.post(`/api/v1/city/lists/${listId}/cosign`).set(bearer(cosigner.token)).send({ version: listVersion });
    expect([cosigned.status, cosigned.body.error?.message]).toEqual([200, undefined]);
    listVersion = (await t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(cityMiit.token))).body.list?.version;
    expect(
      (await t.http.post(`/api/v1/city/lists/${listId}/approve`).set(bearer(cosigner.token)).send({ version: listVersion })).status,
    ).toBe(403);
    const approved = await t.http.post(`/api/v1/city/lists/${listId}/approve`).set(bearer(approver.token)).send({ version: listVersion });
    expect([approved.status, approved.body.error?.message]).toEqual([200, undefined]);
    expect(await status(id)).toBe('approved');

    const paid = await t.http
      .post(`/api/v1/city/applications/${id}/disbursements`)
      .set(bearer(cosigner.token))
      .send({ version: await version(id), amountFen: 7_000_000, voucherNo: `GK${year}0001`, paidOn: today });
    expect([paid.status, paid.body.error?.message]).toEqual([201, undefined]);
    expect(await status(id)).toBe('disbursed');
    const again = await t.http
      .post(`/api/v1/city/applications/${id}/disbursements`)
      .set(bearer(cosigner.token))
      .send({ version: await version(id), amountFen: 7_000_000, voucherNo: `GK${year}0002`, paidOn: today });
    expect(again.status).toBe(409);
    expect(await t.db.read((tx) => countDisbursements(tx, { applicationId: id }))).toBe(1);

    // The enterprise sees its plain status, the reasons shown to it, never an internal note.
    const mine = await t.http.get(`/api/v1/applications/${id}`).set(bearer(clerk.token));
    expect(mine.body.application).toMatchObject({
      status: 'disbursed',
      statusLabel: '补助已拨付到企业账户',
      verifiedFen: 7_000_000,
      disbursedFen: 7_000_000,
    });
    expect(mine.body.application.disbursements).toEqual([
      expect.objectContaining({ kind: 'payment', amountFen: 7_000_000, paidOn: today, accountNo: '****2345' }),
    ]);
    expect((await t.http.get('/api/v1/applications/mine').set(bearer(clerk.token))).body.items[0]).toMatchObject({
      id,
      enterpriseName: '铁力林海食品有限公司',
    });
    const history = await t.http.get(`/api/v1/applications/${id}/history`).set(bearer(clerk.token));
    expect(JSON.stringify(mine.body) + JSON.stringify(history.body)).not.toContain('电话核实');
    expect(history.body.items.map((h: { to: string }) => h.to)).toEqual(
      expect.arrayContaining([
        'provider_check',
        'county_review',
        'county_approved',
        'reported',
        'city_approved',
        'listed',
        'approved',
        'disbursed',
      ]),
    );
    const told = await t.db.read((tx) =>
      countNotifications(tx, { recipientUserId: clerk.userId, template: 'application.status', channel: 'inbox' }),
    );
    expect(told).toBeGreaterThanOrEqual(7);
    const admin = await t.login('lc-admin');
    await t.grant(admin.token, 'admin');
    expect((await t.http.post('/api/v1/admin/audit/verify').set(bearer(admin.token))).body.problems).toEqual([]);
  });

  test('a dispute sends it back to the enterprise, and the correction goes back to the provider', async () => {
    const user = await t.login('lc-clerk-2');
    const id = await readyApplication(user, '铁力北药制药有限公司');
    await submit(user, id);
    const dispute = await t.http
      .post(`/api/v1/provider/applications/${id}/dispute`)
      .set(bearer(provider.token))
      .send({ version: await version(id), reason: '合同金额与我方记录不符，我方记录为 150,000.00 元' });
    expect(dispute.status).toBe(200);
    expect(await status(id)).toBe('returned');
    const seen = await t.http.get(`/api/v1/applications/${id}`).set(bearer(user.token));
    expect(seen.body.application.lastReason).toMatch(/合同金额与我方记录不符/);
    await submit(user, id);
    expect(await status(id)).toBe('provider_check');
  });

  test('a county return: both departments review again after the correction; the same person cannot give both opinions', async () => {
    const user = await t.login('lc-clerk-3');
    const id = await readyApplication(user, '铁力金山木业有限公司');
    await submit(user, id);
    await confirmAndSign([id]);
    expect((await opinion(miit, id, 'approve')).status).toBe(200);
    const returned = await opinion(finance, id, 'return', [{ message: '付款凭证不清晰，请重新上传', material: 'payment_receipts' }]);
    expect(returned.status).toBe(200);
    expect(await status(id)).toBe('returned');
    const receipts = (await t.http.get(`/api/v1/files/application/${id}?kind=payment_receipts`).set(bearer(user.token))).body.files[0];
    expect(
      (
        await t.http
          .post(`/api/v1/files/${receipts.id}/replace`)
          .set(bearer(user.token))
          .attach('file', Buffer.concat([PDF, Buffer.from('clear')]), '收付款凭证-清晰.pdf')
      ).status,
    ).toBe(201);
    await submit(user, id);
    expect(await status(id)).toBe('county_review');
    // A new round: the earlier approval does not count.
    expect((await opinion(finance, id, 'approve')).status).toBe(200);
    expect(await status(id)).toBe('county_review');
    expect((await opinion(miit, id, 'approve')).status).toBe(200);
    expect(await status(id)).toBe('county_approved');
    const history = await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: id }));
    expect(history.filter((h) => h.event === 'county_approve')).toHaveLength(3);
  });

  test('a county reject is final; a withdrawal before the county decides frees the credit code', async () => {
    const user = await t.login('lc-clerk-4');
    const id = await readyApplication(user, '铁力松岭石材有限公司');
    await submit(user, id);
    await confirmAndSign([id]);
    const rejected = await opinion(miit, id, 'reject', [{ message: '合同为设备采购合同，不属于云服务' }]);
    expect(rejected.status).toBe(200);
    expect(await status(id)).toBe('rejected');
    expect(
      (
        await t.http
          .post(`/api/v1/applications/${id}/submit`)
          .set(bearer(user.token))
          .send({ version: await version(id) })
      ).status,
    ).toBe(409);

    const user5 = await t.login('lc-clerk-5');
    const id5 = await readyApplication(user5, '铁力青山饮品有限公司');
    await submit(user5, id5);
    await confirmAndSign([id5]);
    const withdrawn = await t.http
      .post(`/api/v1/applications/${id5}/withdraw`)
      .set(bearer(user5.token))
      .send({ version: await version(id5), reason: '合同变更，重新申请' });
    expect(withdrawn.body.application.status).toBe('withdrawn');
  });

  test('a city return goes back to the city after the correction', async () => {
    const user = await t.login('lc-clerk-6');
    const id = await readyApplication(user, '铁力红星机械有限公司');
    await submit(user, id);
    await confirmAndSign([id]);
    await opinion(miit, id, 'approve');
    await opinion(finance, id, 'approve');
    const report = await t.http
      .post('/api/v1/county/joint-reports')
      .set(bearer(miit.token))
      .send({ docNo: `铁工信联〔${year}〕9号`, reportDate: today, applicationIds: [id] });
    const s1 = await t.http
      .post(`/api/v1/county/joint-reports/${report.body.report.id}/sign`)
      .set(bearer(miit.token))
      .send({ version: report.body.report.version });
    await t.http
      .post(`/api/v1/county/joint-reports/${report.body.report.id}/sign`)
      .set(bearer(finance.token))
      .send({ version: s1.body.report.version });
    const back = await t.http
      .post(`/api/v1/city/applications/${id}/opinion`)
      .set(bearer(cityMiit.token))
      .send({ version: await version(id), decision: 'return', reasons: [{ message: '请补充上云情况总结中的使用数据' }] });
    expect([back.status, back.body.error?.message]).toEqual([200, undefined]);
    expect(await status(id)).toBe('returned');
    await submit(user, id);
    expect(await status(id)).toBe('reported');
  });

  test('the reviewer sees the flags: a file identical to another enterprise’s, a contract number used twice, receipts nobody verified', async () => {
    const a = await t.login('lc-flag-a');
    const b = await t.login('lc-flag-b');
    const idA = await readyApplication(a, '铁力甲企业有限公司');
    const idB = await readyApplication(b, '铁力乙企业有限公司');
    const contractA = (await t.http.get(`/api/v1/applications/${idA}`).set(bearer(a.token))).body.application.contract;
    const copied = await t.http
      .put(`/api/v1/applications/${idB}`)
      .set(bearer(b.token))
      .send({ version: await version(idB), contract: { ...contractA, amountFen: 15_000_001 } });
    expect(copied.status).toBe(200);
    expect(
      (
        await t.http
          .post(`/api/v1/files/application/${idB}/service_contract`)
          .set(bearer(b.token))
          .attach('file', Buffer.concat([PDF, Buffer.from(`${idA}service_contract`)]), '合同.pdf')
      ).status,
    ).toBe(201);
    await submit(a, idA);
    await submit(b, idB);
    await confirmAndSign([idB]);
    const detail = await t.http.get(`/api/v1/county/applications/${idB}`).set(bearer(miit.token));
    const codes = detail.body.flags.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['duplicate_file', 'contract_no_reused', 'unverified_payments']));
    expect(detail.body.flags.find((f: { code: string }) => f.code === 'contract_no_reused').refs).toEqual([idA]);
    // The enterprise itself is not told whose file it matched.
    expect(JSON.stringify((await t.http.get(`/api/v1/applications/${idB}`).set(bearer(b.token))).body)).not.toContain(idA);
  });

  test('queues mark and filter what waited longer than its stage allows', async () => {
    const owner = await t.login('lc-overdue-owner');
    const enterprise = await seedEnterprise(t.db, [owner.userId], { countyCode: county });
    const old = await seedApplication(t.db, enterprise, null, 'county_review', { updatedAt: Date.now() - 20 * 86_400_000 });
    const fresh = await seedApplication(t.db, enterprise, null, 'county_approved', { updatedAt: Date.now() - 86_400_000 });
    const overdue = await t.http
      .get('/api/v1/county/applications?status=county_review,county_approved&overdue=1&limit=100')
      .set(bearer(miit.token));
    expect(overdue.status).toBe(200);
    const ids = overdue.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(old.id);
    expect(ids).not.toContain(fresh.id);
    expect(overdue.body.items.find((i: { id: string }) => i.id === old.id)).toMatchObject({ overdue: true, waitingDays: 20 });
  });

  test('nothing leaks across enterprises, counties and providers', async () => {
    const id = (await t.db.read((tx) => applicationsMatching(tx, { status: 'disbursed' })))[0].id;
    const otherClerk = await t.login('lc-other-clerk');
    await t.http
      .post('/api/v1/enterprises')
      .set(bearer(otherClerk.token))
      .send({
        creditCode: creditCode('230717'),
        name: '别的企业',
        countyCode: '230717',
        establishedOn: '2017-03-01',
        legalRepresentative: '孙',
        address: '伊美区',
        contactName: '周',
        contactPhone: '13904580003',
      });
    const otherCounty = await t.login('lc-other-county');
    await t.grant(otherCounty.token, 'county_miit', '230717');
    const otherProvider = await t.login('lc-other-provider');
    await seedProvider(t.db, otherProvider.userId);
    await t.db.transaction((tx) =>
      insertGrant(tx, {
        id: '01LCOTHERPROVIDERROLE00000',
        userId: otherProvider.userId,
        role: 'provider',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: Date.now(),
      }),
    );

    for (const [who, path] of [
      [otherClerk, `/api/v1/applications/${id}`],
      [otherClerk, `/api/v1/applications/${id}/history`],
      [otherClerk, `/api/v1/files/application/${id}`],
      [otherCounty, `/api/v1/county/applications/${id}`],
      [otherCounty, `/api/v1/files/application/${id}`],
      [otherProvider, `/api/v1/provider/applications/${id}`],
    ] as const) {
      const res = await t.http.get(path).set(bearer(who.token));
      expect([path, res.status]).toEqual([path, 404]);
    }
    const queue = await t.http.get('/api/v1/county/applications?status=all').set(bearer(otherCounty.token));
    expect(queue.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const providerList = await t.http.get('/api/v1/provider/applications').set(bearer(otherProvider.token));
    expect(providerList.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  });

  test('the stage counts kept by the transitions equal a recount of the applications', async () => {
    const kept = await t.db.read(keptStageCounts);
    const actual = await t.db.read(recountedStageCounts);
    const norm = (rows: StageTally[]) => rows.map((r) => `${r.countyCode}/${r.status}=${r.n}`);
    expect(norm(kept)).toEqual(norm(actual));
    expect(actual.length).toBeGreaterThan(5);
  });

  // Last: the answers of all the tests above, as a caller saw them (run the whole file).
  test('every answer along the way is the one recorded in docs/answers.snapshot.json', () => {
    expectAnswersToMatch(recording.stop(), 'docs/answers.snapshot.json');
  });
});
