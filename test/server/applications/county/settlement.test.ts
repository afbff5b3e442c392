import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import type { EnterpriseRow } from '../../../../server/src/db/enterprises';
import { applicationsByIds } from '../../../../server/src/db/applications/readers';
import { countAuditRecords, countSettlementForms, type ProviderRow } from '../../../../server/src/db/testing';
import {
  bearer,
  binary,
  docxText,
  makeEnterprise,
  makeProvider,
  opinion,
  PDF,
  RATINGS,
  reviewer,
  signedSettlement,
  type User,
} from './setup';

/** 三（三）1: the 兑付申请表, issued by the provider for a set of its confirmed applications, versioned and signed. */
describe('the 兑付申请表 (settlement form)', () => {
  let t: TestApp;
  let prov: User;
  let provider: ProviderRow;
  let other: User;
  let otherProvider: ProviderRow;
  let enterprise: EnterpriseRow;
  let enterprise2: EnterpriseRow;
  let miit: User;
  let finance: User;
  let wuCui: User;

  beforeAll(async () => {
    t = await startTestApp();
    ({ user: prov, provider } = await makeProvider(t, 'sf-prov'));
    ({ user: other, provider: otherProvider } = await makeProvider(t, 'sf-prov-other', { companyName: '伊春另一家云科技有限公司' }));
    ({ enterprise } = await makeEnterprise(t, 'sf-ent-1', { name: '伊春林都木业有限公司' }));
    ({ enterprise: enterprise2 } = await makeEnterprise(t, 'sf-ent-2', { name: '伊春森工蓝莓食品有限公司' }));
    miit = await reviewer(t, 'sf-miit', 'county_miit');
    finance = await reviewer(t, 'sf-finance', 'county_finance');
    wuCui = await reviewer(t, 'sf-wucui', 'county_miit', '230718');
  });
  afterAll(() => t.close());

  const create = (who: User, applicationIds: unknown) =>
    t.http.post('/api/v1/provider/settlement-forms').set(bearer(who.token)).send({ applicationIds });

  test('only the provider’s own confirmed, live applications can be listed', async () => {
    const unconfirmed = await seedApplication(t.db, enterprise, provider, 'provider_check');
    const rejected = await seedApplication(t.db, enterprise, provider, 'rejected');
    const foreign = await seedApplication(t.db, enterprise2, otherProvider, 'county_review');
    const ok = await seedApplication(t.db, enterprise, provider, 'county_review');

    const bad = await create(prov, [ok.id, unconfirmed.id, rejected.id]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['applicationIds.1', 'applicationIds.2']);
    const notMine = await create(prov, [foreign.id]);
    expect(notMine.status).toBe(400);
    expect(notMine.body.error.details[0].message).toMatch(/没有这份申请/);
    expect((await create(prov, [])).status).toBe(400);
    expect((await create(prov, [ok.id, ok.id])).status).toBe(400);
    expect((await create(prov, ['not-an-id'])).status).toBe(400);
    expect((await create(prov, 'x')).status).toBe(400);
    expect((await create(miit, [ok.id])).status).toBe(403);
    expect(await t.db.read((tx) => countSettlementForms(tx, {}))).toBe(0);
  });

  test('versions, the document, the signed scan, the pointer, and the county guard', async () => {
    const a = await seedApplication(t.db, enterprise, provider, 'county_review', { subsidyFen: 5_000_000, contractAmountFen: 11_000_000 });
    const b = await seedApplication(t.db, enterprise2, provider, 'county_review');

    // Without a signed form the county cannot approve (三（三）1 is one of the five materials).
    const early = await opinion(t, miit, a.id, { version: 1, decision: 'approve', ratings: RATINGS });
    expect(early.status).toBe(400);
    expect(early.body.error.details[0].path).toBe('settlementForm');

    const v1 = await create(prov, [a.id]);
    expect(v1.status).toBe(201);
    expect(v1.body.form).toMatchObject({
      version: 1,
      status: 'generated',
      totalAppliedFen: 5_000_000,
      items: [
        {
          position: 1,
          applicationId: a.id,
          appliedFen: 5_000_000,
          contractAmountFen: 11_000_000,
          effectEvaluation: '上线后库存周转明显加快，效果良好',
          current: false,
        },
      ],
    });
    const v2 = await create(prov, [a.id, b.id]);
    expect(v2.body.form.version).toBe(2);
    const otherForm = await create(other, [await seedApplication(t.db, enterprise2, otherProvider, 'county_review').then((x) => x.id)]);
    // Versions count per provider.
    expect(otherForm.body.form.version).toBe(1);

    const list = await t.http.get('/api/v1/provider/settlement-forms').set(bearer(prov.token));
    expect(list.body.items.map((f: { version: number }) => f.version)).toEqual([2, 1]);
    expect((await t.http.get(`/api/v1/provider/settlement-forms/${v2.body.form.id}`).set(bearer(other.token))).status).toBe(404);

    // The document, in the seed's layout, filled from the filing and the rows.
    const doc = await t.http
      .get(`/api/v1/provider/settlement-forms/${v2.body.form.id}/document.docx`)
      .set(bearer(prov.token))
      .buffer(true)
      .parse(binary);
    const text = await docxText(doc);
    for (const expected of [
      '伊春市工业企业上云补助兑付申请表',
      '黑龙江北疆云智科技有限公司',
      '北疆工业云平台',
      '赵志刚',
      '孙丽娜',
      '伊春林都木业有限公司',
      '伊春森工蓝莓食品有限公司',
      '第2版',
      a.trackingNo!,
    ])
      expect(text).toContain(expected);
    expect((await t.http.get(`/api/v1/provider/settlement-forms/${v2.body.form.id}/document.docx`).set(bearer(other.token))).status).toBe(
      404,
    );

    // Signing needs the stamped scan; only the provider may upload it.
    const unsigned = await t.http.post(`/api/v1/provider/settlement-forms/${v2.body.form.id}/sign`).set(bearer(prov.token)).send({});
    expect(unsigned.status).toBe(400);
    expect(
      (
        await t.http
          .post(`/api/v1/files/settlement_form/${v2.body.form.id}/signed_scan`)
          .set(bearer(other.token))
          .attach('file', PDF, 'x.pdf')
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .post(`/api/v1/files/settlement_form/${v2.body.form.id}/signed_scan`)
          .set(bearer(prov.token))
          .attach('file', PDF, '盖章.pdf')
      ).status,
    ).toBe(201);
    const signed = await t.http.post(`/api/v1/provider/settlement-forms/${v2.body.form.id}/sign`).set(bearer(prov.token)).send({});
    expect(signed.status).toBe(200);
    expect(signed.body.form).toMatchObject({ status: 'signed', items: [{ current: true }, { current: true }] });
    // Refused by the machine, in the words that name the version.
    const twice = await t.http.post(`/api/v1/provider/settlement-forms/${v2.body.form.id}/sign`).set(bearer(prov.token)).send({});
    expect([twice.status, twice.body.error.code, twice.body.error.message]).toEqual([
      409,
      'already_signed',
      '第2版兑付申请表已经签章确认过了',
    ]);
    // An older version cannot be signed after a newer one that lists the same application.
    await t.http
      .post(`/api/v1/files/settlement_form/${v1.body.form.id}/signed_scan`)
      .set(bearer(prov.token))
      .attach('file', PDF, '盖章.pdf');
    const older = await t.http.post(`/api/v1/provider/settlement-forms/${v1.body.form.id}/sign`).set(bearer(prov.token)).send({});
    expect(older.status).toBe(409);
    expect(older.body.error.code).toBe('newer_version_signed');

    const rows = await t.db.read((tx) => applicationsByIds(tx, [a.id, b.id]));
    // A plain pointer: neither the status nor the version of the applications moved.
    expect(rows.map((r) => [r.settlementFormId, r.version])).toEqual([
      [v2.body.form.id, 1],
      [v2.body.form.id, 1],
    ]);
    expect(await t.db.read((tx) => countAuditRecords(tx, { action: 'application.settlement_form', entityId: a.id }))).toBe(1);

    // The county sees the signed form and its scan; another county does not.
    const detail = await t.http.get(`/api/v1/county/applications/${a.id}`).set(bearer(miit.token));
    expect(detail.body.settlementForm).toMatchObject({ id: v2.body.form.id, version: 2, signed: true, item: { appliedFen: 5_000_000 } });
    const scanId = detail.body.settlementForm.signedFileId as string;
    expect((await t.http.get(`/api/v1/files/${scanId}`).set(bearer(miit.token))).status).toBe(200);
    expect((await t.http.get(`/api/v1/files/${scanId}`).set(bearer(wuCui.token))).status).toBe(404);

    // Now the guard passes.
    const approve = await opinion(t, miit, a.id, { version: 1, decision: 'approve', ratings: RATINGS });
    expect(approve.status).toBe(200);
    expect(approve.body.application.status).toBe('county_review');

    // A v3 for b alone, signed: b moves to v3; v2 still holds a, so it stays signed.
    const v3 = await signedSettlement(t, prov, [b.id]);
    expect(v3.version).toBe(3);
    const forms = (await t.http.get('/api/v1/provider/settlement-forms').set(bearer(prov.token))).body.items as {
      version: number;
      status: string;
      items: { applicationId: string; current: boolean }[];
    }[];
    const byVersion = new Map(forms.map((f) => [f.version, f]));
    expect(byVersion.get(2)!.status).toBe('signed');
    expect(byVersion.get(2)!.items.map((i) => [i.applicationId, i.current])).toEqual([
      [a.id, true],
      [b.id, false],
    ]);
    // A v4 for a: v2 lists nothing current any more and is superseded; no more scans for it.
    const v4 = await signedSettlement(t, prov, [a.id]);
    const v2After = await t.http.get(`/api/v1/provider/settlement-forms/${v2.body.form.id}`).set(bearer(prov.token));
    expect(v2After.body.form.status).toBe('superseded');
    const late = await t.http
      .post(`/api/v1/files/settlement_form/${v2.body.form.id}/signed_scan`)
      .set(bearer(prov.token))
      .attach('file', PDF, 'x.pdf');
    expect([late.status, late.body.error.code, late.body.error.message]).toEqual([
      409,
      'form_superseded',
      '第2版兑付申请表已被新版本取代，请在最新版本上上传',
    ]);
    const resign = await t.http.post(`/api/v1/provider/settlement-forms/${v2.body.form.id}/sign`).set(bearer(prov.token)).send({});
    expect([resign.status, resign.body.error.code, resign.body.error.message]).toEqual([
      409,
      'form_superseded',
      '第2版兑付申请表已被新版本取代，请在最新版本上操作',
    ]);
    const detailAfter = await t.http.get(`/api/v1/county/applications/${a.id}`).set(bearer(finance.token));
    expect(detailAfter.body.settlementForm).toMatchObject({ id: v4.id, version: 4, signed: true });
    const both = await opinion(t, finance, a.id, { version: 2, decision: 'approve', ratings: { effect: 5, service: 4 } });
    expect(both.status).toBe(200);
    expect(both.body.application.status).toBe('county_approved');
  });
});
