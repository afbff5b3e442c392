import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import { AuditEntity, type ApplicationRow } from '../../../../server/src/db/entities';
import { reportMachine } from '../../../../shared/src/workflow/jointReport';
import { bearer, binary, countRows, docxText, makeEnterprise, makeProvider, opinion, reviewer, signedSettlement, type User } from './setup';

/**
 * A draft joint report withdrawn before its second signature (issue 14, item 5; DESIGN.md "Corrections
 * after the fact"): the department that drafted it corrects its 文号, date and members, or cancels it,
 * with a reason; its applications return to county_approved and can go into another report; each
 * version stays in the history; the other department is told once, the enterprises are not (nothing
 * they see changes); the document is printed from the current version, never from a cancelled one.
 */
describe('withdrawing a draft joint report', () => {
  let t: TestApp;
  let miit: User;
  let miit2: User;
  let finance: User;
  let finance2: User;
  let wuCui: User;
  let admin: User;
  const apps: ApplicationRow[] = [];
  const owners: User[] = [];
  const names = ['伊春林海木业有限公司', '伊春北药制药有限公司', '伊春兴安石材有限公司'];
  let r1: string;
  let r2: string;
  let r3: string;

  beforeAll(async () => {
    t = await startTestApp();
    const { user: prov, provider } = await makeProvider(t, 'wd-prov');
    miit = await reviewer(t, 'wd-miit', 'county_miit');
    miit2 = await reviewer(t, 'wd-miit-2', 'county_miit');
    finance = await reviewer(t, 'wd-finance', 'county_finance');
    finance2 = await reviewer(t, 'wd-finance-2', 'county_finance');
    wuCui = await reviewer(t, 'wd-wucui', 'county_miit', '230718');
    admin = await t.login('wd-admin');
    await t.grant(admin.token, 'admin');
    for (const [i, name] of names.entries()) {
      const { user, enterprise } = await makeEnterprise(t, `wd-ent-${i}`, { name });
      owners.push(user);
      apps.push(await seedApplication(t.db, enterprise, provider, 'county_review'));
    }
    await signedSettlement(
      t,
      prov,
      apps.map((a) => a.id),
    );
    for (const app of apps) {
      expect((await opinion(t, miit, app.id, { version: 1, decision: 'approve', ratings: { effect: 4, service: 5 } })).status).toBe(200);
      expect((await opinion(t, finance, app.id, { version: 2, decision: 'approve', ratings: { effect: 5, service: 4 } })).status).toBe(200);
    }
  });
  afterAll(() => t.close());

  const post = (who: User, path: string, body: object) => t.http.post(path).set(bearer(who.token)).send(body);
  const get = (who: User, id: string) => t.http.get(`/api/v1/county/joint-reports/${id}`).set(bearer(who.token));
  const appRow = async (id: string) =>
    (await t.db.query<{ status: string; report_id: string | null }>('SELECT status, report_id FROM applications WHERE id = ?', [id]))[0];
  const inbox = (userId: string, template: string) =>
    countRows(t, "SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ? AND template = ? AND channel = 'inbox'", [
      userId,
      template,
    ]);
  const everything = (userId: string) => countRows(t, 'SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ?', [userId]);
  const auditActions = async (id: string) =>
    (await t.db.run((m) => m.getRepository(AuditEntity).find({ where: { chain: `joint_report:${id}` }, order: { seq: 'ASC' } }))).map(
      (a) => a.action,
    );
  const document = (who: User, id: string) =>
    t.http.get(`/api/v1/county/joint-reports/${id}/document.docx`).set(bearer(who.token)).buffer(true).parse(binary);

  test('corrected by the drafting department before the second signature: 文号, date, members; the first signature is void', async () => {
    const created = await post(miit, '/api/v1/county/joint-reports', {
      docNo: '伊美工信联〔2026〕7号',
      reportDate: '2026-03-05',
      applicationIds: [apps[0].id, apps[1].id],
    });
    expect(created.status).toBe(201);
    r1 = created.body.report.id;
    expect(created.body.report).toMatchObject({ draftedDepartment: 'miit', version: 1 });
    expect(created.body.report.versions).toMatchObject([
      { seq: 1, change: 'created', changeLabel: '起草', docNo: '伊美工信联〔2026〕7号' },
    ]);
    expect((await post(finance, `/api/v1/county/joint-reports/${r1}/sign`, { version: 1 })).body.report).toMatchObject({
      status: 'signing',
      version: 2,
    });
    const entBefore = await everything(owners[0].userId);

    // Refused, and nothing changed: the other department, no reason, nothing to correct, a stale version, another county.
    const correct = (who: User, body: object) => post(who, `/api/v1/county/joint-reports/${r1}/correct`, body);
    const byFinance = await correct(finance, { version: 2, reason: '文号有误', docNo: '伊美工信联〔2026〕8号' });
    expect([byFinance.status, byFinance.body.error.message]).toEqual([
      403,
      '这份联合行文由工信部门起草，只有起草部门可以更正或撤销；如有问题，请联系工信部门',
    ]);
    for (const body of [
      { version: 2, docNo: '伊美工信联〔2026〕8号' },
      { version: 2, reason: ' 错 ', docNo: '伊美工信联〔2026〕8号' },
      { version: 2, reason: '只写原因' },
      { version: 2, reason: '文号有误', docNo: '8号' },
      { version: 2, reason: '文号有误', applicationIds: [] },
    ]) {
      const res = await correct(miit, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const same = await correct(miit, { version: 2, reason: '核对一遍', docNo: '伊美工信联〔2026〕7号' });
    expect([same.status, same.body.error.code]).toEqual([409, 'nothing_changed']);
    const stale = await correct(miit, { version: 1, reason: '文号有误', docNo: '伊美工信联〔2026〕8号' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version']);
    expect((await correct(wuCui, { version: 2, reason: '文号有误', docNo: '伊美工信联〔2026〕8号' })).status).toBe(404);
    expect((await get(miit, r1)).body.report).toMatchObject({ version: 2, status: 'signing', docNo: '伊美工信联〔2026〕7号' });
    expect(await inbox(finance2.userId, 'joint_report.corrected')).toBe(0);

    const done = await correct(miit2, {
      version: 2,
      reason: '文号有误，另补列一份申请',
      docNo: '伊美工信联〔2026〕8号',
      reportDate: '2026-03-09',
      applicationIds: [apps[1].id, apps[2].id],
    });
    expect(done.status).toBe(200);
    expect(done.body.report).toMatchObject({
      status: 'draft',
      version: 3,
      docNo: '伊美工信联〔2026〕8号',
      reportDate: '2026-03-09',
      financeSignedBy: null,
      financeSignedAt: null,
    });
    expect(done.body.report.items.map((i: { enterpriseName: string }) => i.enterpriseName)).toEqual([names[1], names[2]]);
    expect(done.body.report.versions).toMatchObject([
      { seq: 1, change: 'created', docNo: '伊美工信联〔2026〕7号', docDate: '2026-03-05', applicationIds: [apps[0].id, apps[1].id] },
      {
        seq: 2,
        change: 'corrected',
        changeLabel: '更正',
        docNo: '伊美工信联〔2026〕8号',
        docDate: '2026-03-09',
        applicationIds: [apps[1].id, apps[2].id],
        reason: '文号有误，另补列一份申请',
        actorId: miit2.userId,
        actorRoleLabel: '县（市）区工信部门',
      },
    ]);

    // The application left out is back where it was, free, with its history and audit rows; the one added is claimed.
    expect(await appRow(apps[0].id)).toEqual({ status: 'county_approved', report_id: null });
    expect(await appRow(apps[2].id)).toEqual({ status: 'county_approved', report_id: r1 });
    const left = await t.db.query<{ from_status: string; to_status: string; reason: string; actor_role: string }>(
      "SELECT from_status, to_status, reason, actor_role FROM application_events WHERE application_id = ? AND event = 'leave_report'",
      [apps[0].id],
    );
    expect(left).toEqual([
      { from_status: 'county_approved', to_status: 'county_approved', reason: '文号有误，另补列一份申请', actor_role: 'county_miit' },
    ]);
    expect(
      await countRows(t, "SELECT COUNT(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'application.leave_report'", [apps[0].id]),
    ).toBe(1);
    expect(await auditActions(r1)).toEqual(['joint_report.create', 'joint_report.sign', 'joint_report.correct']);

    // Finance — the other department — is told once, each of its people; MIIT and the enterprise are not.
    for (const f of [finance, finance2]) expect(await inbox(f.userId, 'joint_report.corrected')).toBe(1);
    for (const m of [miit, miit2]) expect(await inbox(m.userId, 'joint_report.corrected')).toBe(0);
    expect(await everything(owners[0].userId)).toBe(entBefore);
    const [message] = await t.db.query<{ payload: string }>(
      "SELECT payload FROM notifications WHERE recipient_user_id = ? AND template = 'joint_report.corrected' AND channel = 'inbox'",
      [finance.userId],
    );
    const body = (typeof message.payload === 'string' ? JSON.parse(message.payload) : message.payload).body as string;
    expect(body).toBe(
      '伊美区工信部门更正了联合行文：文号 伊美工信联〔2026〕8号，行文日期 2026-03-09，共 2 份申请。原因：文号有误，另补列一份申请。更正前的签发不再有效，请核对更正后的联合行文再签发。',
    );

    // The document is the current version.
    const text = await docxText(await document(finance, r1));
    expect(text).toContain('伊美工信联〔2026〕8号');
    expect(text).not.toContain('〔2026〕7号');
    expect(text).toContain(names[2]);
    expect(text).not.toContain(names[0]);

    // The corrected report is signed again by both departments; finance's earlier signature no longer counts.
    expect((await post(finance, `/api/v1/county/joint-reports/${r1}/sign`, { version: 3 })).body.report.status).toBe('signing');
  });

  test('an application taken out goes into another report; that one is cancelled by its drafting department, once', async () => {
    const other = await post(finance, '/api/v1/county/joint-reports', {
      docNo: '伊美财联〔2026〕1号',
      reportDate: '2026-03-10',
      applicationIds: [apps[0].id],
    });
    expect(other.status).toBe(201);
    r2 = other.body.report.id;
    expect(await appRow(apps[0].id)).toEqual({ status: 'county_approved', report_id: r2 });

    const cancel = (who: User, body: object) => post(who, `/api/v1/county/joint-reports/${r2}/cancel`, body);
    expect((await cancel(miit, { version: 1, reason: '重复报送' })).status).toBe(403);
    expect((await cancel(finance, { version: 1 })).status).toBe(400);
    expect((await cancel(finance, { version: 1, reason: '错' })).status).toBe(400);
    expect((await get(finance, r2)).body.report).toMatchObject({ status: 'draft', version: 1 });
    const entBefore = await everything(owners[0].userId);

    const done = await cancel(finance2, { version: 1, reason: '与工信起草的联合行文重复' });
    expect(done.status).toBe(200);
    expect(done.body.report).toMatchObject({ status: 'cancelled', statusLabel: '已撤销', version: 2, docNo: '伊美财联〔2026〕1号' });
    expect(done.body.report.versions.map((v: { change: string }) => v.change)).toEqual(['created', 'cancelled']);
    expect(done.body.report.versions[1]).toMatchObject({ reason: '与工信起草的联合行文重复', applicationIds: [apps[0].id] });
    expect(await appRow(apps[0].id)).toEqual({ status: 'county_approved', report_id: null });
    expect(await auditActions(r2)).toEqual(['joint_report.create', 'joint_report.cancel']);
    for (const m of [miit, miit2]) expect(await inbox(m.userId, 'joint_report.cancelled')).toBe(1);
    for (const f of [finance, finance2]) expect(await inbox(f.userId, 'joint_report.cancelled')).toBe(0);
    expect(await everything(owners[0].userId)).toBe(entBefore);

    // A cancelled report takes nothing more and is not printed.
    for (const [path, body, message] of [
      ['sign', { version: 2 }, reportMachine.states.cancelled.refuse!.sign],
      ['cancel', { version: 2, reason: '再撤销一次' }, reportMachine.states.cancelled.refuse!.cancel],
      ['correct', { version: 2, reason: '改文号', docNo: '伊美财联〔2026〕2号' }, reportMachine.states.cancelled.refuse!.correct],
    ] as const) {
      const res = await post(finance, `/api/v1/county/joint-reports/${r2}/${path}`, body);
      expect([path, res.status, res.body.error.code, res.body.error.message]).toEqual([path, 409, 'report_cancelled', message]);
    }
    const printed = await t.http.get(`/api/v1/county/joint-reports/${r2}/document.docx`).set(bearer(finance.token));
    expect([printed.status, printed.body.error.code]).toEqual([409, 'report_cancelled']);
    expect(await auditActions(r2)).toEqual(['joint_report.create', 'joint_report.cancel']);

    // Its 文号 is free again, and the application goes into the new report.
    const again = await post(finance, '/api/v1/county/joint-reports', {
      docNo: '伊美财联〔2026〕1号',
      reportDate: '2026-03-11',
      applicationIds: [apps[0].id],
    });
    expect(again.status).toBe(201);
    r3 = again.body.report.id;
    expect(await appRow(apps[0].id)).toEqual({ status: 'county_approved', report_id: r3 });
  });

  test('a cancellation and the second signature at once: exactly one goes through, and the applications follow it', async () => {
    expect((await post(finance, `/api/v1/county/joint-reports/${r3}/sign`, { version: 1 })).body.report.status).toBe('signing');
    const [signed, cancelled] = await Promise.all([
      post(miit, `/api/v1/county/joint-reports/${r3}/sign`, { version: 2 }),
      post(finance, `/api/v1/county/joint-reports/${r3}/cancel`, { version: 2, reason: '与另一份重复' }),
    ]);
    expect([signed.status, cancelled.status].sort()).toEqual([200, 409]);
    const loser = signed.status === 409 ? signed : cancelled;
    expect(['stale_version', 'already_submitted', 'report_cancelled']).toContain(loser.body.error.code);
    const report = (await get(finance, r3)).body.report;
    const events = async (event: string) =>
      countRows(t, 'SELECT COUNT(*) AS n FROM application_events WHERE application_id = ? AND event = ? AND created_at >= ?', [
        apps[0].id,
        event,
        report.createdAt,
      ]);
    if (signed.status === 200) {
      expect(report.status).toBe('submitted');
      expect(await appRow(apps[0].id)).toEqual({ status: 'reported', report_id: r3 });
      expect([await events('report'), await events('leave_report')]).toEqual([1, 0]);
      expect(await auditActions(r3)).toEqual(['joint_report.create', 'joint_report.sign', 'joint_report.submit']);
    } else {
      expect(report.status).toBe('cancelled');
      expect(await appRow(apps[0].id)).toEqual({ status: 'county_approved', report_id: null });
      expect([await events('report'), await events('leave_report')]).toEqual([0, 1]);
      expect(await auditActions(r3)).toEqual(['joint_report.create', 'joint_report.sign', 'joint_report.cancel']);
    }
  });

  test('after the second signature neither correction nor cancellation: the report is with the city', async () => {
    const done = await post(miit2, `/api/v1/county/joint-reports/${r1}/sign`, { version: 4 });
    expect(done.body.report).toMatchObject({ status: 'submitted', version: 5 });
    for (const path of ['cancel', 'correct'] as const) {
      const res = await post(miit, `/api/v1/county/joint-reports/${r1}/${path}`, {
        version: 5,
        reason: '还想改',
        docNo: '伊美工信联〔2026〕9号',
      });
      expect([path, res.status, res.body.error.code, res.body.error.message]).toEqual([
        path,
        409,
        'already_submitted',
        reportMachine.states.submitted.refuse![path],
      ]);
    }
    for (const app of apps.slice(1)) expect(await appRow(app.id)).toEqual({ status: 'reported', report_id: r1 });
    const verify = await t.http.post('/api/v1/admin/audit/verify').set(bearer(admin.token));
    expect(verify.body.problems).toEqual([]);
  });
});
