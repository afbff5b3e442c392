import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, DECLARATIONS, PDF, seedProvider } from '../../helpers/applications';
import { insertGrant } from '../../../server/src/db/users';
import {
  applicationEventsMatching,
  auditRecordsMatching,
  countAuditRecords,
  countNotifications,
  notificationsMatching,
  reviewOpinionsMatching,
} from '../../../server/src/db/testing';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { findApplication } from '../../../server/src/db/applications';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

/** The day before `day` (YYYY-MM-DD), by the calendar. */
function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Issue 14, items 1 and 2 (DESIGN.md "Corrections after the fact"), over HTTP with every role doing
 * its own part: a 兑付申请表 signed on figures that changed since never carries a county approval, and a
 * provider revoked on R keeps counting for the contracts signed before R through a correction.
 */
describe('corrections after the fact', () => {
  let t: TestApp;
  let provider: User, miit: User, finance: User, cityMiit: User;
  let providerId: string;
  const county = '230781'; // 铁力市
  const today = todayInShanghai(new Date());

  beforeAll(async () => {
    t = await startTestApp();
    [provider, miit, finance, cityMiit] = await Promise.all(
      ['cx-provider', 'cx-miit', 'cx-finance', 'cx-city-miit'].map((n) => t.login(n)),
    );
    await t.grant(miit.token, 'county_miit', county);
    await t.grant(finance.token, 'county_finance', county);
    await t.grant(cityMiit.token, 'city_miit');
    providerId = (await seedProvider(t.db, provider.userId)).id;
    await grantProvider('01CXPROVIDERROLE0000000000', provider.userId);
  });
  afterAll(() => t.close());

  /** The provider role comes from a filing; granted directly here, as the lifecycle suite does. */
  const grantProvider = (id: string, userId: string) =>
    t.db.transaction((tx) =>
      insertGrant(tx, { id, userId, role: 'provider', countyCode: null, grantedBy: null, invitationId: null, createdAt: Date.now() }),
    );

  const app = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!;
  const version = async (id: string) => (await app(id)).version;

  const contractOf = (signedOn: string, amountFen: number, chosen = providerId) => ({
    providerId: chosen,
    contractNo: `CX-${signedOn}`,
    signedOn,
    start: signedOn,
    end: `${Number(signedOn.slice(0, 4)) + 1}${signedOn.slice(4)}`,
    amountFen,
    services: 'MES云、设备物联接入',
  });

  /** Registers an enterprise of 铁力市, has the county verify it, and fills in a complete application. */
  async function readyApplication(
    user: User,
    name: string,
    signedOn: string,
    amountFen: number,
  ): Promise<{ id: string; enterpriseId: string }> {
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
    const created = await t.http.post('/api/v1/applications').set(bearer(user.token)).send({ enterpriseId });
    const id = created.body.application.id as string;
    const saved = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(user.token))
      .send({
        version: await version(id),
        contract: contractOf(signedOn, amountFen),
        declarations: DECLARATIONS,
        bank: { accountName: name, bankName: '中国农业银行铁力支行', accountNo: '08123456789012345' },
      });
    expect([saved.status, saved.body.error?.message]).toEqual([200, undefined]);
    const paid = await t.http
      .post(`/api/v1/applications/${id}/payments`)
      .set(bearer(user.token))
      .send({ version: await version(id), amountFen, paidOn: signedOn, method: 'bank_transfer', reference: 'NH-88' });
    expect([paid.status, paid.body.error?.message]).toEqual([201, undefined]);
    for (const m of APPLICATION_MATERIALS)
      expect(
        (
          await t.http
            .post(`/api/v1/files/application/${id}/${m.kind}`)
            .set(bearer(user.token))
            .attach('file', Buffer.concat([PDF, Buffer.from(`${id}${m.kind}`)]), `${m.label}.pdf`)
        ).status,
      ).toBe(201);
    return { id, enterpriseId };
  }

  async function submit(user: User, id: string) {
    const res = await t.http
      .post(`/api/v1/applications/${id}/submit`)
      .set(bearer(user.token))
      .send({ version: await version(id) });
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
  }

  async function confirm(id: string) {
    const ok = await t.http
      .post(`/api/v1/provider/applications/${id}/confirm`)
      .set(bearer(provider.token))
      .send({ version: await version(id), effectEvaluation: '上线后生产数据实时可见，设备停机减少，效果良好' });
    expect([ok.status, ok.body.error?.message]).toEqual([200, undefined]);
  }

  async function sign(ids: string[]): Promise<{ id: string; version: number }> {
    const form = await t.http.post('/api/v1/provider/settlement-forms').set(bearer(provider.token)).send({ applicationIds: ids });
    expect(form.status).toBe(201);
    const scan = await t.http
      .post(`/api/v1/files/settlement_form/${form.body.form.id}/signed_scan`)
      .set(bearer(provider.token))
      .attach('file', PDF, '盖章兑付申请表.pdf');
    expect(scan.status).toBe(201);
    const signed = await t.http.post(`/api/v1/provider/settlement-forms/${form.body.form.id}/sign`).set(bearer(provider.token)).send({});
    expect(signed.status).toBe(200);
    return { id: form.body.form.id, version: form.body.form.version };
  }

  async function opinion(user: User, id: string, decision: 'approve' | 'return', reasons?: { message: string }[]) {
    return t.http
      .post(`/api/v1/county/applications/${id}/opinion`)
      .set(bearer(user.token))
      .send({ version: await version(id), decision, ratings: { effect: 4, service: 5 }, reasons });
  }

  const needing = async () =>
    (await t.http.get('/api/v1/provider/settlement-forms').set(bearer(provider.token))).body.needingNewForm as {
      applicationId: string;
      signedVersion: number | null;
      changedFigures: string[];
      why: string;
    }[];

  test('a 兑付申请表 signed before the contract changed never carries a county approval; a new signed version does', async () => {
    const clerk = await t.login('cx-clerk-1');
    const { id } = await readyApplication(clerk, '铁力林海食品有限公司', '2023-09-01', 15_000_001);
    await submit(clerk, id);
    await confirm(id);
    // Confirmed, not yet on a signed version: the provider desk says so.
    expect((await needing()).find((n) => n.applicationId === id)).toMatchObject({
      signedVersion: null,
      why: '尚未列入已签章的兑付申请表，请生成并签章',
    });
    const v1 = await sign([id]);
    expect((await needing()).map((n) => n.applicationId)).not.toContain(id);
    const seen = await t.http.get(`/api/v1/county/applications/${id}`).set(bearer(miit.token));
    expect(seen.body.settlementForm).toMatchObject({
      version: v1.version,
      signed: true,
      matchesCurrent: true,
      changedFigures: [],
      matchLabel: `第${v1.version}版兑付申请表所列金额与申请一致`,
      item: { contractAmountFen: 15_000_001, paidAmountFen: 15_000_001, appliedFen: 7_500_001 },
    });

    // The county returns it; the enterprise corrects the contract to 8,000,000 fen and its payment to match.
    expect((await opinion(miit, id, 'return', [{ message: '合同金额与发票不一致，请按实际合同修改' }])).status).toBe(200);
    const fixed = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(clerk.token))
      .send({ version: await version(id), contract: contractOf('2023-09-01', 8_000_000) });
    expect([fixed.status, fixed.body.error?.message]).toEqual([200, undefined]);
    const payments = (await t.http.get(`/api/v1/applications/${id}`).set(bearer(clerk.token))).body.application.payments as {
      id: string;
    }[];
    for (const p of payments)
      expect(
        (
          await t.http
            .post(`/api/v1/applications/${id}/payments/${p.id}/remove`)
            .set(bearer(clerk.token))
            .send({ version: await version(id), reason: '按修改后的合同重新登记' })
        ).status,
      ).toBe(200);
    expect(
      (
        await t.http
          .post(`/api/v1/applications/${id}/payments`)
          .set(bearer(clerk.token))
          .send({ version: await version(id), amountFen: 8_000_000, paidOn: '2023-09-05', method: 'bank_transfer', reference: 'NH-89' })
      ).status,
    ).toBe(201);
    await submit(clerk, id);
    // The contract changed: back to the provider, which confirms the new figures.
    expect((await app(id)).status).toBe('provider_check');
    await confirm(id);
    const now = await app(id);
    expect([now.status, now.contractAmountFen, now.paidAmountFen, now.subsidyFen, now.settlementFormId]).toEqual([
      'county_review',
      8_000_000,
      8_000_000,
      4_000_000,
      v1.id,
    ]);

    // The provider desk lists it: its signed version shows the old figures.
    expect((await needing()).find((n) => n.applicationId === id)).toEqual(
      expect.objectContaining({
        signedVersion: v1.version,
        changedFigures: ['合同金额', '已付款金额', '申请补助金额'],
        why: `第${v1.version}版签章后合同金额、已付款金额、申请补助金额有变化，请重新生成并签章`,
      }),
    );
    // The county's one screen shows the version and that it no longer matches, in plain words.
    const stale = await t.http.get(`/api/v1/county/applications/${id}`).set(bearer(finance.token));
    expect(stale.body.settlementForm).toMatchObject({
      version: v1.version,
      signed: true,
      matchesCurrent: false,
      matchLabel: `第${v1.version}版兑付申请表所列合同金额、已付款金额、申请补助金额与申请现在的不一致，需服务商重新签章`,
      item: { contractAmountFen: 15_000_001, appliedFen: 7_500_001 },
    });

    // Neither department can approve on it; nothing changes.
    const before = await app(id);
    const audits = await t.db.read((tx) => countAuditRecords(tx, {}));
    const outbox = await t.db.read((tx) => countNotifications(tx, {}));
    for (const who of [miit, finance]) {
      const refused = await opinion(who, id, 'approve');
      expect([refused.status, refused.body.error.details[0].path, refused.body.error.message]).toEqual([
        400,
        'settlementForm',
        '云服务商签章的兑付申请表所列合同金额、已付款金额、申请补助金额与本申请现在的不一致（签章后有变更），签章已不能作为依据；请待云服务商重新生成并签章列有当前金额的兑付申请表后再审核通过',
      ]);
    }
    expect(await app(id)).toEqual(before);
    expect(await t.db.read((tx) => countAuditRecords(tx, {}))).toBe(audits);
    expect(await t.db.read((tx) => countNotifications(tx, {}))).toBe(outbox);
    expect(await t.db.read((tx) => reviewOpinionsMatching(tx, { applicationId: id, round: before.round }))).toEqual([]);

    // A new version lists the current figures; once signed both departments approve.
    const v2 = await sign([id]);
    expect((await needing()).map((n) => n.applicationId)).not.toContain(id);
    const current = await t.http.get(`/api/v1/county/applications/${id}`).set(bearer(miit.token));
    expect(current.body.settlementForm).toMatchObject({
      version: v2.version,
      matchesCurrent: true,
      item: { contractAmountFen: 8_000_000, appliedFen: 4_000_000 },
    });
    expect((await opinion(miit, id, 'approve')).status).toBe(200);
    expect((await opinion(finance, id, 'approve')).status).toBe(200);
    expect((await app(id)).status).toBe('county_approved');
    // The history keeps the refused attempts out and the pointer's move in the audit.
    const history = await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: id }));
    expect(history.filter((h) => h.event !== 'edit' && h.event !== 'payments').map((h) => h.event)).toEqual([
      'create',
      'submit',
      'provider_confirm',
      'county_return',
      'resubmit',
      'provider_confirm',
      'county_approve',
      'county_approve',
    ]);
    const pointed = await t.db.read((tx) => auditRecordsMatching(tx, { action: 'application.settlement_form', entityId: id }));
    expect(pointed.map((p) => p.data?.version)).toEqual([v1.version, v2.version]);
    // The enterprise heard of the county's approval once, after the new version (not on the refused attempts).
    const toEnterprise = await t.db.read((tx) => notificationsMatching(tx, { recipientUserId: clerk.userId }));
    expect(toEnterprise.filter((n) => n.createdAt > before.updatedAt).length).toBeGreaterThan(0);
  });

  test('a provider revoked on R: a correction keeps a contract signed before R, one signed on R is refused, and no new application may choose it', async () => {
    const other = await t.login('cx-provider-2');
    const revoked = await seedProvider(t.db, other.userId, { filingNo: '伊云备〔2023〕901号', companyName: '伊春撤销云科技有限公司' });
    const R = today;
    const before = dayBefore(R);
    const clerk = await t.login('cx-clerk-2');
    const { id } = await readyApplication(clerk, '铁力青山木业有限公司', '2023-09-01', 2_000_000);
    // The enterprise chose the later-revoked provider for a contract signed the day before R.
    const chose = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(clerk.token))
      .send({ version: await version(id), contract: contractOf(before, 2_000_000, revoked.id) });
    expect([chose.status, chose.body.error?.message]).toEqual([200, undefined]);
    await grantProvider('01CXPROVIDERROLE0000000002', other.userId);
    await submit(clerk, id);
    const confirmed = await t.http
      .post(`/api/v1/provider/applications/${id}/confirm`)
      .set(bearer(other.token))
      .send({ version: await version(id), effectEvaluation: '上线后生产数据实时可见，效果良好' });
    expect([confirmed.status, confirmed.body.error?.message]).toEqual([200, undefined]);
    expect((await opinion(finance, id, 'return', [{ message: '合同金额与发票不一致，请核对' }])).status).toBe(200);
    expect((await app(id)).status).toBe('returned');

    // City MIIT revokes the filing today (R).
    const done = await t.http
      .post(`/api/v1/provider-filings/${revoked.id}/revoke`)
      .set(bearer(cityMiit.token))
      .send({ version: revoked.version, reason: '服务质量投诉查实，不再符合三（一）1' });
    expect([done.status, done.body.filing?.revokedOn]).toEqual([200, R]);

    // the correction is accepted, kept in the history with its old value.
    const v = await version(id);
    const kept = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(clerk.token))
      .send({ version: v, contract: contractOf(before, 1_900_000, revoked.id) });
    expect([kept.status, kept.body.error?.message]).toEqual([200, undefined]);
    expect(await app(id)).toMatchObject({ providerId: revoked.id, contractAmountFen: 1_900_000, contractChanged: true, version: v + 1 });
    const edits = await t.db.read((tx) => auditRecordsMatching(tx, { action: 'application.edit', entityId: id }));
    expect(edits.at(-1)!.data).toEqual({ fields: ['contractAmountFen'] });
    const history = await t.db.read((tx) => applicationEventsMatching(tx, { applicationId: id, event: 'edit' }));
    expect(history.at(-1)!.data).toMatchObject({ changes: { contractAmountFen: [2_000_000, 1_900_000] } });

    // R: refused with the reason in plain words; nothing changed.
    const after = await app(id);
    const onR = await t.http
      .put(`/api/v1/applications/${id}`)
      .set(bearer(clerk.token))
      .send({ version: after.version, contract: contractOf(R, 1_900_000, revoked.id) });
    expect([onR.status, onR.body.error.message, onR.body.error.details]).toEqual([
      400,
      `“伊春撤销云科技有限公司”的备案已于 ${R} 撤销，只有此前签订的合同仍可申请补助；本合同签订于 ${R}，请核对签订日期或选择其他已备案的服务商`,
      [{ path: 'contract.signedOn', message: `合同须在 ${R} 之前签订` }],
    ]);
    expect(await app(id)).toEqual(after);
    // The corrected application is resubmitted: its contract changed, so the provider confirms again.
    await submit(clerk, id);
    expect((await app(id)).status).toBe('provider_check');

    // A brand-new application cannot choose it, whatever the contract's date.
    const clerk3 = await t.login('cx-clerk-3');
    const fresh = await readyApplication(clerk3, '铁力新选木业有限公司', '2023-09-01', 2_000_000);
    const freshBefore = await app(fresh.id);
    const refused = await t.http
      .put(`/api/v1/applications/${fresh.id}`)
      .set(bearer(clerk3.token))
      .send({ version: freshBefore.version, contract: contractOf(before, 2_000_000, revoked.id) });
    expect([refused.status, refused.body.error.message]).toEqual([
      400,
      `“伊春撤销云科技有限公司”的备案已于 ${R} 撤销，不能再选择，请选择其他已备案的服务商`,
    ]);
    expect(await app(fresh.id)).toEqual(freshBefore);
  });
});
