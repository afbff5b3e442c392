import JSZip from 'jszip';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { completeProviderFiling } from '../../fixtures/providerFiling';
import { FILING_MATERIALS, REQUIRED_FILING_MATERIAL_KINDS } from '../../../shared/src/contracts/providerFiling';
import { auditRecordsMatching, notificationsMatching, providerEventsMatching } from '../../../server/src/db/testing';
import { assertSelectableProvider } from '../../../server/src/modules/providers/registry';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { PDF } from '../../helpers/applications';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('provider filing (备案): the whole life on the API', () => {
  let t: TestApp;
  let provider: { token: string; userId: string };
  let reviewer: { token: string; userId: string };
  let reviewer2: { token: string; userId: string };
  let filingId: string;
  let version: number;

  beforeAll(async () => {
    t = await startTestApp();
    provider = await t.login('provider-beijiang');
    reviewer = await t.login('city-miit-1');
    reviewer2 = await t.login('city-miit-2');
    await t.grant(reviewer.token, 'city_miit');
    await t.grant(reviewer2.token, 'city_miit');
  });
  afterAll(() => t.close());

  async function upload(kind: string, token = provider.token, id = filingId) {
    return t.http.post(`/api/v1/files/provider/${id}/${kind}`).set(bearer(token)).attach('file', PDF, `${kind}.pdf`);
  }

  test('anyone who logs in starts a draft and becomes a provider; a reviewer may not', async () => {
    const res = await t.http
      .post('/api/v1/provider-filings')
      .set(bearer(provider.token))
      .send({ form: { basic: { companyName: '黑龙江北疆云智科技有限公司' } } });
    expect(res.status).toBe(201);
    expect(res.body.filing).toMatchObject({
      status: 'draft',
      companyName: '黑龙江北疆云智科技有限公司',
      version: 1,
      applicantLabel: expect.stringMatching(/[\u4e00-\u9fa5]/),
    });
    filingId = res.body.filing.id;
    version = res.body.filing.version;
    expect((await t.http.get('/api/v1/me').set(bearer(provider.token))).body.user.roles).toContain('provider');

    const second = await t.http.post('/api/v1/provider-filings').set(bearer(provider.token)).send({});
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('filing_exists');

    expect((await t.http.post('/api/v1/provider-filings').set(bearer(reviewer.token)).send({})).status).toBe(403);
  });

  test('a draft saves half-filled, but what is there must be well-formed', async () => {
    const bad = await t.http
      .put(`/api/v1/provider-filings/${filingId}/form`)
      .set(bearer(provider.token))
      .send({ version, form: { basic: { platformUrl: 'not a url', contact: { mobile: '123' }, introduction: '字'.repeat(301) } } });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['form.basic.platformUrl', 'form.basic.contact.mobile', 'form.basic.introduction']));

    const half = completeProviderFiling();
    half.application!.cases = half.application!.cases!.slice(0, 2);
    const ok = await t.http.put(`/api/v1/provider-filings/${filingId}/form`).set(bearer(provider.token)).send({ version, form: half });
    expect(ok.status).toBe(200);
    expect(ok.body.filing.version).toBe(version + 1);
    version = ok.body.filing.version;

    const stale = await t.http
      .put(`/api/v1/provider-filings/${filingId}/form`)
      .set(bearer(provider.token))
      .send({ version: version - 1, form: half });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
  });

  test('submit names every problem: fewer than three cases, missing materials', async () => {
    const mine = await t.http.get('/api/v1/provider-filings/mine').set(bearer(provider.token));
    expect(mine.body.missing.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['application.cases', ...REQUIRED_FILING_MATERIAL_KINDS.map((k) => `materials.${k}`)]),
    );

    const res = await t.http.post(`/api/v1/provider-filings/${filingId}/submit`).set(bearer(provider.token)).send({ version });
    expect(res.status).toBe(400);
    const problems = res.body.error.details as { path: string; message: string }[];
    expect(problems.find((p) => p.path === 'application.cases')?.message).toMatch(/至少需要3例/);
    expect(problems.find((p) => p.path === 'materials.case_evidence')?.message).toMatch(/佐证/);
    const detail = await t.http.get(`/api/v1/provider-filings/${filingId}`).set(bearer(provider.token));
    expect(detail.body.filing.status).toBe('draft');
  });

  test('with the form complete and the eight materials uploaded, submit succeeds and alerts city MIIT', async () => {
    const saved = await t.http
      .put(`/api/v1/provider-filings/${filingId}/form`)
      .set(bearer(provider.token))
      .send({ version, form: completeProviderFiling() });
    version = saved.body.filing.version;
    for (const m of FILING_MATERIALS) expect((await upload(m.kind)).status).toBe(201);
    const res = await t.http.post(`/api/v1/provider-filings/${filingId}/submit`).set(bearer(provider.token)).send({ version });
    expect([res.status, res.body.error?.details]).toEqual([200, undefined]);
    expect(res.body.filing.status).toBe('submitted');
    version = res.body.filing.version;
    const alerts = await t.db.read((tx) => notificationsMatching(tx, { template: 'filing.submitted' }));
    expect(new Set(alerts.map((a) => a.recipientUserId))).toEqual(new Set([reviewer.userId, reviewer2.userId]));
    // Submitted: the provider can no longer change form or files.
    expect(
      (
        await t.http
          .put(`/api/v1/provider-filings/${filingId}/form`)
          .set(bearer(provider.token))
          .send({ version, form: completeProviderFiling() })
      ).status,
    ).toBe(409);
    expect((await upload('qualifications')).status).toBe(409);
  });

  test('another provider can neither read nor change the filing', async () => {
    const other = await t.login('provider-other');
    await t.http.post('/api/v1/provider-filings').set(bearer(other.token)).send({});
    expect((await t.http.get(`/api/v1/provider-filings/${filingId}`).set(bearer(other.token))).status).toBe(404);
    expect(
      (await t.http.put(`/api/v1/provider-filings/${filingId}/form`).set(bearer(other.token)).send({ version, form: {} })).status,
    ).toBe(404);
    expect((await t.http.post(`/api/v1/provider-filings/${filingId}/submit`).set(bearer(other.token)).send({ version })).status).toBe(404);
    expect((await t.http.get(`/api/v1/provider-filings/${filingId}/document.docx`).set(bearer(other.token))).status).toBe(404);
    expect((await upload('qualifications', other.token)).status).toBe(404);
    const files = await t.http.get(`/api/v1/files/provider/${filingId}`).set(bearer(other.token));
    expect([403, 404]).toContain(files.status);
    // Nor may a provider decide its own filing.
    expect(
      (
        await t.http
          .post(`/api/v1/provider-filings/${filingId}/approve`)
          .set(bearer(provider.token))
          .send({ version, conditions: [1, 2, 3, 4, 5] })
      ).status,
    ).toBe(403);
  });

  test('city MIIT sees the five conditions with their evidence; a return names what to fix', async () => {
    const queue = await t.http.get('/api/v1/provider-filings?status=submitted').set(bearer(reviewer.token));
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(filingId);
    expect(queue.body.counts.submitted).toBeGreaterThanOrEqual(1);
    const checklist = await t.http.get(`/api/v1/provider-filings/${filingId}/checklist`).set(bearer(reviewer.token));
    expect(checklist.status).toBe(200);
    expect(checklist.body.conditions.map((c: { clause: string }) => c.clause)).toEqual([
      '三（一）1',
      '三（一）2',
      '三（一）3',
      '三（一）4',
      '三（一）5',
    ]);
    expect(checklist.body.conditions[2].materials[0].files).toHaveLength(1);

    const noReason = await t.http.post(`/api/v1/provider-filings/${filingId}/return`).set(bearer(reviewer.token)).send({ version });
    expect(noReason.status).toBe(400);
    const returned = await t.http
      .post(`/api/v1/provider-filings/${filingId}/return`)
      .set(bearer(reviewer.token))
      .send({ version, reasons: [{ path: 'application.cases.0.evidence', message: '案例一的佐证材料缺少验收报告，请补充' }] });
    expect(returned.status).toBe(200);
    expect(returned.body.filing.status).toBe('returned');
    version = returned.body.filing.version;
    const inbox = await t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: provider.userId, template: 'filing.returned', channel: 'inbox' }),
    );
    expect(inbox).toHaveLength(1);
    expect(JSON.stringify(inbox[0].payload)).toContain('验收报告');
  });

  test('the provider corrects and resubmits; two reviewers decide at once: one wins, the other gets 409', async () => {
    expect((await upload('case_evidence')).status).toBe(201);
    const resubmitted = await t.http.post(`/api/v1/provider-filings/${filingId}/submit`).set(bearer(provider.token)).send({ version });
    expect(resubmitted.status).toBe(200);
    version = resubmitted.body.filing.version;

    const missingConditions = await t.http
      .post(`/api/v1/provider-filings/${filingId}/approve`)
      .set(bearer(reviewer.token))
      .send({ version, conditions: [1, 2, 3] });
    expect(missingConditions.status).toBe(400);
    expect(missingConditions.body.error.details[0].path).toBe('conditions');

    const [a, b] = await Promise.all([
      t.http
        .post(`/api/v1/provider-filings/${filingId}/approve`)
        .set(bearer(reviewer.token))
        .send({ version, conditions: [1, 2, 3, 4, 5] }),
      t.http
        .post(`/api/v1/provider-filings/${filingId}/approve`)
        .set(bearer(reviewer2.token))
        .send({ version, conditions: [5, 4, 3, 2, 1] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body.error.code).toBe('stale_version');
    expect(winner.body.filing).toMatchObject({
      status: 'approved',
      approvedOn: todayInShanghai(new Date()),
      filingNo: expect.stringMatching(/^伊云备〔\d{4}〕\d{3}号$/),
    });
    version = winner.body.filing.version;
    // Deciding an already-decided filing, even with its current version, is refused.
    const again = await t.http
      .post(`/api/v1/provider-filings/${filingId}/approve`)
      .set(bearer(reviewer2.token))
      .send({ version, conditions: [1, 2, 3, 4, 5] });
    expect(again.status).toBe(409);
    const history = await t.db.read((tx) => providerEventsMatching(tx, { providerId: filingId }));
    expect(history.filter((h) => h.event === 'approve' || h.event === 'reject')).toHaveLength(1);
    const approvals = await t.db.read((tx) => notificationsMatching(tx, { recipientUserId: provider.userId, template: 'filing.approved' }));
    expect(approvals.filter((n) => n.channel === 'inbox')).toHaveLength(1);
  });

  test('the approved provider is in the public registry with its catalogue and offers; the history shows each step', async () => {
    const list = await t.http.get('/api/v1/providers');
    expect(list.status).toBe(200);
    const card = list.body.items.find((p: { id: string }) => p.id === filingId);
    expect(card).toMatchObject({
      selectable: true,
      companyName: '黑龙江北疆云智科技有限公司',
      catalogue: expect.arrayContaining([expect.objectContaining({ name: 'ERP云（标准版）', priceFen: 1_280_000, id: 'erp-standard' })]),
    });
    expect(card.contact.mobile).toMatch(/\*\*\*\*/);
    expect((await t.http.get('/api/v1/providers?q=%E7%89%A9%E8%81%94')).body.items.map((p: { id: string }) => p.id)).toContain(filingId);
    const history = await t.http.get(`/api/v1/provider-filings/${filingId}/history`).set(bearer(provider.token));
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['create', 'save', 'submit', 'return', 'approve']),
    );
    const audit = await t.db.read((tx) => auditRecordsMatching(tx, { chain: `provider:${filingId}` }));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['filing.create', 'filing.submit', 'filing.return', 'filing.approve', 'file.upload']),
    );
    const verify = await t.http.post('/api/v1/admin/audit/verify').set(bearer((await adminToken(t)).token));
    expect(verify.body.problems).toEqual([]);
  });

  test('the eligibility check uses the approval date on record', async () => {
    const facts = {
      asOf: '2099-06-30',
      enterprise: {
        creditCode: '91230724Y4CL12TH89',
        registeredInYichun: true,
        independentLegalPerson: true,
        industrial: true,
        alignedWithIndustrialPolicy: true,
        establishedOn: '2019-04-12',
        operatingNormally: true,
        badCreditRecord: false,
        seriousFiscalViolationWithin5Years: false,
        dishonestyRecord: false,
      },
      cloud: { firstPurchase: true, providerId: filingId, contractSignedOn: '2020-01-01', contractAmountFen: 100, paidAmountFen: 100 },
    };
    const before = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
    expect(before.body.failures.map((f: { rule: string }) => f.rule)).toEqual(['provider-filed-before-contract']);
    const after = await t.http
      .post('/api/v1/eligibility/evaluate')
      .send({ ...facts, cloud: { ...facts.cloud, contractSignedOn: '2099-01-01' } });
    expect(after.body.eligible).toBe(true);
  });

  test('the 备案申报书 downloads as a .docx filled from the data', async () => {
    const res = await t.http
      .get(`/api/v1/provider-filings/${filingId}/document.docx`)
      .set(bearer(reviewer.token))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const xml = await (await JSZip.loadAsync(res.body as Buffer)).file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    for (const expected of ['黑龙江北疆云智科技有限公司', '北疆工业云平台', '伊云备', '赵志刚', '12,800.00'])
      expect(text).toContain(expected);
  });

  test('revoke: off the list, not selectable, still readable for earlier applications', async () => {
    const noReason = await t.http.post(`/api/v1/provider-filings/${filingId}/revoke`).set(bearer(reviewer.token)).send({ version });
    expect(noReason.status).toBe(400);
    const res = await t.http
      .post(`/api/v1/provider-filings/${filingId}/revoke`)
      .set(bearer(reviewer.token))
      .send({ version, reason: '服务质量投诉查实，不再符合三（一）1' });
    expect(res.status).toBe(200);
    expect(res.body.filing).toMatchObject({ status: 'revoked', revokedOn: todayInShanghai(new Date()) });
    expect((await t.http.get('/api/v1/providers')).body.items.map((p: { id: string }) => p.id)).not.toContain(filingId);
    const detail = await t.http.get(`/api/v1/providers/${filingId}`);
    expect(detail.body.provider).toMatchObject({ status: 'revoked', selectable: false });
    await expect(
      t.db.transaction((tx) => assertSelectableProvider(tx, filingId, { signedOn: '2023-01-02', namedAlready: false })),
    ).rejects.toThrow(/撤销/);
    const notice = await t.db.read((tx) => notificationsMatching(tx, { recipientUserId: provider.userId, template: 'filing.revoked' }));
    expect(notice.length).toBeGreaterThanOrEqual(1);
  });

  test('reject is final', async () => {
    const p = await t.login('provider-rejected');
    const created = await t.http.post('/api/v1/provider-filings').set(bearer(p.token)).send({ form: completeProviderFiling() });
    const id = created.body.filing.id as string;
    for (const m of FILING_MATERIALS) expect((await upload(m.kind, p.token, id)).status).toBe(201);
    const submitted = await t.http
      .post(`/api/v1/provider-filings/${id}/submit`)
      .set(bearer(p.token))
      .send({ version: created.body.filing.version });
    expect(submitted.status).toBe(200);
    const rejected = await t.http
      .post(`/api/v1/provider-filings/${id}/reject`)
      .set(bearer(reviewer.token))
      .send({ version: submitted.body.filing.version, reason: '非云服务商，不符合三（一）2' });
    expect(rejected.body.filing.status).toBe('rejected');
    const resubmit = await t.http
      .post(`/api/v1/provider-filings/${id}/submit`)
      .set(bearer(p.token))
      .send({ version: rejected.body.filing.version });
    expect(resubmit.status).toBe(409);
    // After a rejection the provider may start over with a new filing.
    expect((await t.http.post('/api/v1/provider-filings').set(bearer(p.token)).send({})).status).toBe(201);
  });
});

async function adminToken(t: TestApp) {
  const admin = await t.login('filing-admin');
  const me = await t.http.get('/api/v1/me').set(bearer(admin.token));
  if (!me.body.user.roles.includes('admin')) await t.grant(admin.token, 'admin');
  return admin;
}
