import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import { findApplication, type ApplicationRow } from '../../../../server/src/db/applications';
import { insertPayment } from '../../../../server/src/db/applications/payments';
import type { EnterpriseRow } from '../../../../server/src/db/enterprises';
import {
  countApplicationEvents,
  countAuditRecords,
  countNotificationsWithKeyLike,
  notificationsMatching,
  notificationsWithKeyLike,
  type ProviderRow,
} from '../../../../server/src/db/testing';
import { newId } from '../../../../server/src/ids';
import { bearer, makeEnterprise, makeProvider, opinion, RATINGS, reviewer, signedSettlement, type User } from './setup';

/** 三（三）: the provider confirms or disputes each application that names it; nobody else's. */
describe('provider confirmation (provider_check)', () => {
  let t: TestApp;
  let prov: User;
  let provider: ProviderRow;
  let other: User;
  let ent: User;
  let enterprise: EnterpriseRow;
  let miit: User;

  beforeAll(async () => {
    t = await startTestApp();
    ({ user: prov, provider } = await makeProvider(t, 'prov-beijiang'));
    ({ user: other } = await makeProvider(t, 'prov-other', { companyName: '伊春另一家云科技有限公司' }));
    ({ user: ent, enterprise } = await makeEnterprise(t, 'ent-mu-ye'));
    miit = await reviewer(t, 'miit-yimei', 'county_miit');
  });
  afterAll(() => t.close());

  async function pending(): Promise<ApplicationRow> {
    const app = await seedApplication(t.db, enterprise, provider, 'provider_check');
    await t.db.transaction(async (tx) => {
      await insertPayment(tx, {
        id: newId(),
        applicationId: app.id,
        amountFen: 8_000_000,
        paidOn: '2023-08-05',
        method: 'bank_transfer',
        reference: 'BOC-1',
        source: 'manual',
        verified: false,
        recordedBy: ent.userId,
        createdAt: Date.now(),
        removedAt: null,
        paymentRequestId: null,
      });
      await insertPayment(tx, {
        id: newId(),
        applicationId: app.id,
        amountFen: 4_000_000,
        paidOn: '2023-09-05',
        method: 'bank_transfer',
        reference: 'BOC-2',
        source: 'manual',
        verified: false,
        recordedBy: ent.userId,
        createdAt: Date.now(),
        removedAt: null,
        paymentRequestId: null,
      });
      await insertPayment(tx, {
        id: newId(),
        applicationId: app.id,
        amountFen: 999,
        paidOn: '2023-09-06',
        method: 'cash',
        reference: null,
        source: 'manual',
        verified: false,
        recordedBy: ent.userId,
        createdAt: Date.now(),
        removedAt: Date.now(),
        paymentRequestId: null,
      });
    });
    return app;
  }

  test('the provider sees its applications and only what concerns its contract', async () => {
    const app = await pending();
    await seedApplication(t.db, enterprise, provider, 'draft');
    const list = await t.http.get('/api/v1/provider/applications').set(bearer(prov.token));
    expect(list.status).toBe(200);
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(app.id);
    // A draft is the enterprise's own business until it is submitted.
    expect(list.body.items.every((i: { status: string }) => i.status !== 'draft')).toBe(true);
    expect(list.body.counts.provider_check).toBeGreaterThanOrEqual(1);

    const filtered = await t.http.get('/api/v1/provider/applications?status=county_review').set(bearer(prov.token));
    expect(filtered.body.items.map((i: { id: string }) => i.id)).not.toContain(app.id);
    expect((await t.http.get('/api/v1/provider/applications?status=nonsense').set(bearer(prov.token))).status).toBe(400);

    const detail = await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(prov.token));
    expect(detail.status).toBe(200);
    const a = detail.body.application;
    expect(a).toMatchObject({
      id: app.id,
      trackingNo: app.trackingNo,
      status: 'provider_check',
      enterpriseName: enterprise.name,
      countyName: '伊美区',
      contract: {
        no: app.contractNo,
        signedOn: '2023-08-01',
        start: '2023-08-01',
        end: '2024-07-31',
        amountFen: 12_000_000,
        services: 'ERP云（标准版）',
      },
    });
    expect(a.payments.map((p: { amountFen: number }) => p.amountFen)).toEqual([8_000_000, 4_000_000]);
    // Not the enterprise's bank account, declarations or other materials.
    const text = JSON.stringify(detail.body);
    for (const secret of ['bankAccountNo', '0901001234567890123', 'facts', 'creditCode', enterprise.creditCode, 'contactPhone'])
      expect(text).not.toContain(secret);
  });

  test('another provider, an enterprise and a reviewer get 404 or 403', async () => {
    const app = await pending();
    for (const path of [`/api/v1/provider/applications/${app.id}`])
      expect((await t.http.get(path).set(bearer(other.token))).status).toBe(404);
    expect(
      (
        await t.http
          .post(`/api/v1/provider/applications/${app.id}/confirm`)
          .set(bearer(other.token))
          .send({ version: 1, effectEvaluation: '效果很好，库存周转加快' })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .post(`/api/v1/provider/applications/${app.id}/dispute`)
          .set(bearer(other.token))
          .send({ version: 1, reason: '没有这份合同' })
      ).status,
    ).toBe(404);
    expect(
      (await t.http.get('/api/v1/provider/applications').set(bearer(other.token))).body.items.map((i: { id: string }) => i.id),
    ).not.toContain(app.id);
    expect((await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(ent.token))).status).toBe(403);
    expect((await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(miit.token))).status).toBe(403);
    // Unchanged.
    expect((await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(prov.token))).body.application.version).toBe(1);
  });

  test('confirm needs the 上云效果评价 and the version seen; it moves the case to the county', async () => {
    const app = await pending();
    const url = `/api/v1/provider/applications/${app.id}/confirm`;
    const short = await t.http.post(url).set(bearer(prov.token)).send({ version: 1, effectEvaluation: '好' });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].path).toBe('effectEvaluation');
    expect(
      (
        await t.http
          .post(url)
          .set(bearer(prov.token))
          .send({ version: 1, effectEvaluation: '字'.repeat(501) })
      ).status,
    ).toBe(400);
    expect((await t.http.post(url).set(bearer(prov.token)).send({ effectEvaluation: '上线后库存周转明显加快' })).status).toBe(400);
    const stale = await t.http.post(url).set(bearer(prov.token)).send({ version: 7, effectEvaluation: '上线后库存周转明显加快' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');

    const ok = await t.http
      .post(url)
      .set(bearer(prov.token))
      .send({ version: 1, effectEvaluation: '  上线后库存周转明显加快，财务结账由5天缩短到2天  ' });
    expect(ok.status).toBe(200);
    expect(ok.body.application).toMatchObject({
      status: 'county_review',
      version: 2,
      effectEvaluation: '上线后库存周转明显加快，财务结账由5天缩短到2天',
    });
    const again = await t.http.post(url).set(bearer(prov.token)).send({ version: 2, effectEvaluation: '上线后库存周转明显加快' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');

    expect(await t.db.read((tx) => countApplicationEvents(tx, { applicationId: app.id, event: 'provider_confirm' }))).toBe(1);
    expect(await t.db.read((tx) => countAuditRecords(tx, { entityId: app.id, action: 'application.provider_confirm' }))).toBe(1);
    // The county is alerted, the enterprise told.
    expect(
      await t.db.read((tx) => countNotificationsWithKeyLike(tx, `application:${app.id}:%`, { recipientUserId: miit.userId })),
    ).toBeGreaterThan(0);
    expect(
      await t.db.read((tx) => countNotificationsWithKeyLike(tx, `application:${app.id}:%`, { recipientUserId: ent.userId })),
    ).toBeGreaterThan(0);
  });

  test('dispute returns the case to the enterprise with the reason; internal notes never reach it', async () => {
    const app = await pending();
    const url = `/api/v1/provider/applications/${app.id}/dispute`;
    expect((await t.http.post(url).set(bearer(prov.token)).send({ version: 1, reason: ' ' })).status).toBe(400);
    const res = await t.http.post(url).set(bearer(prov.token)).send({ version: 1, reason: '合同金额应为10万元，第二笔付款我方未收到' });
    expect(res.status).toBe(200);
    expect(res.body.application).toMatchObject({ status: 'returned', lastReason: '合同金额应为10万元，第二笔付款我方未收到' });
    const row = (await t.db.read((tx) => findApplication(tx, app.id)))!;
    expect({ returnedFrom: row.returnedFrom, lastReason: row.lastReason }).toEqual({
      returnedFrom: 'provider',
      lastReason: '合同金额应为10万元，第二笔付款我方未收到',
    });
    const inbox = await t.db.read((tx) =>
      notificationsWithKeyLike(tx, `application:${app.id}:%provider_dispute%`, { recipientUserId: ent.userId, channel: 'inbox' }),
    );
    expect(inbox).toHaveLength(1);
    expect(JSON.stringify(inbox[0].payload)).toContain('第二笔付款我方未收到');
  });

  test('a county return: the enterprise reads the reasons, never the internal note', async () => {
    const app = await seedApplication(t.db, enterprise, provider, 'county_review');
    await signedSettlement(t, prov, [app.id]);
    const res = await opinion(t, miit, app.id, {
      version: 1,
      decision: 'return',
      ratings: RATINGS,
      reasons: [{ material: '收付款凭证', message: '第二笔付款凭证模糊，请重新上传清晰的银行回单' }],
      internalNote: 'INTERNAL-怀疑回单经过修改',
    });
    expect(res.status).toBe(200);
    expect(res.body.application.status).toBe('returned');
    const row = (await t.db.read((tx) => findApplication(tx, app.id)))!;
    expect(row.returnedFrom).toBe('county');
    expect(row.lastReason).toBe('【收付款凭证】第二笔付款凭证模糊，请重新上传清晰的银行回单');
    const toEnterprise = (await t.db.read((tx) => notificationsMatching(tx, { recipientUserId: ent.userId }))).map((n) =>
      JSON.stringify(n.payload),
    );
    expect(toEnterprise.length).toBeGreaterThan(0);
    expect(toEnterprise.some((payload) => payload.includes('第二笔付款凭证模糊'))).toBe(true);
    expect(toEnterprise.some((payload) => payload.includes('INTERNAL'))).toBe(false);
    // Nor the provider's view.
    const providerView = await t.http.get(`/api/v1/provider/applications/${app.id}`).set(bearer(prov.token));
    expect(JSON.stringify(providerView.body)).not.toContain('INTERNAL');
    // The return concerns the enterprise's receipts, not the provider's contract.
    expect(providerView.body.application.lastReason).toBeNull();
    // The reviewers' screen has it.
    const detail = await t.http.get(`/api/v1/county/applications/${app.id}`).set(bearer(miit.token));
    expect(detail.body.opinions[0]).toMatchObject({
      decision: 'return',
      internalNote: 'INTERNAL-怀疑回单经过修改',
      reasons: [{ material: '收付款凭证', message: '第二笔付款凭证模糊，请重新上传清晰的银行回单' }],
    });
  });
});
