/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The county reviewers, acting from their phones: the queue by stage with counts and overdue marks, the
 * application on one screen with its materials and flags, the opinion form (a return without a reason
 * never leaves the phone), the enterprise check, and the joint report to the city.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { ageApplication, applicationAt, enterpriseOf, person, providerOf, upload, type Person } from '../support/seed';
import { JPEG_BYTES } from '../support/wx';
import type { ApplicationRow } from '../../../server/src/db/applications';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import { forceApplicationColumns, type ProviderRow } from '../../../server/src/db/testing';
import { findApplication } from '../../../server/src/db/applications';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { addDays } from '../../../shared/src/workflow/rounds';

const COUNTY = '230717';
let mp: MiniProgram;
let miit: Person, finance: Person, clerk: Person, owner: Person;
let enterprise: EnterpriseRow, provider: ProviderRow;
let fresh: ApplicationRow, old: ApplicationRow;

const bearer = (p: Person) => ({ authorization: `Bearer ${p.token}` });
const status = async (id: string) => (await mp.t.db.read((tx) => findApplication(tx, id)))!;

beforeAll(async () => {
  mp = await startMiniProgram();
  [miit, finance, clerk, owner] = await Promise.all(
    ['county-miit', 'county-finance', 'review-clerk', 'review-provider'].map((n) => person(mp.t, n)),
  );
  await mp.t.grant(miit.token, 'county_miit', COUNTY);
  await mp.t.grant(finance.token, 'county_finance', COUNTY);
  enterprise = await enterpriseOf(mp.t, clerk, { countyCode: COUNTY });
  provider = await providerOf(mp.t, owner);
  fresh = await applicationAt(mp.t, enterprise, provider, 'county_review', { paidAmountFen: 10_000_000 });
  const other = await enterpriseOf(mp.t, await person(mp.t, 'review-clerk-2'), { countyCode: COUNTY, name: '伊美区久等木业有限公司' });
  old = await applicationAt(mp.t, other, provider, 'county_review');
  await ageApplication(mp.t, old.id, 40);
  await applicationAt(mp.t, other, provider, 'provider_check', { contractNo: 'HT-PC-1' });
  // Materials go up while the applications are drafts; the receipts of `fresh` are byte for byte
  // another enterprise's, which the reviewer is told.
  await mp.t.db.transaction((tx) => forceApplicationColumns(tx, [fresh.id, old.id], { status: 'draft' }));
  await upload(mp.t, clerk.token, 'application', fresh.id, 'service_contract', '服务合同.pdf');
  const twin = Buffer.concat([JPEG_BYTES.subarray(0, -2), Buffer.from('same-receipt'), Buffer.from([0xff, 0xd9])]);
  for (const [who, app] of [
    [clerk, fresh],
    [await person(mp.t, 'review-clerk-2'), old],
  ] as const) {
    const res = await mp.t.http
      .post(`/api/v1/files/application/${app.id}/payment_receipts`)
      .set(bearer(who))
      .attach('file', twin, '回单.jpg');
    expect(res.status).toBe(201);
  }
  await mp.t.db.transaction((tx) => forceApplicationColumns(tx, [fresh.id, old.id], { status: 'county_review' }));
  await ageApplication(mp.t, old.id, 40);
});
afterAll(async () => {
  await mp.close();
});

test('the queue: stages with their counts, the oldest first, overdue marked', async () => {
  mp.as('county-miit');
  const queue = await mp.open('pages/review/queue/queue');
  expect(queue.data.kind).toBe('county');
  const tabs = queue.data.tabs as { key: string; count: number }[];
  expect(tabs.find((t) => t.key === 'county_review')!.count).toBe(2);
  expect(tabs.find((t) => t.key === 'provider_check')!.count).toBe(1);
  const items = queue.data.items as { id: string; overdue: boolean; waitingDays: number }[];
  expect(items.map((i) => i.id)).toEqual([old.id, fresh.id]);
  expect(items[0]).toMatchObject({ overdue: true, waitingDays: 40 });
  expect(queue.text).toContain('超期 40 天');
  await queue.tap('.overdue-only');
  await queue.call('onOverdueOnly', { detail: { value: true } });
  expect((queue.data.items as { id: string }[]).map((i) => i.id)).toEqual([old.id]);
  await queue.tap('.item');
  expect(mp.wx.navigations.at(-1)!.url).toBe(`/pages/review/application/application?id=${old.id}`);
});

test('one screen: the case, its flags, its materials opened in WeChat', async () => {
  mp.as('county-miit');
  const page = await mp.open('pages/review/application/application', { id: fresh.id });
  expect(page.text).toContain(enterprise.name);
  expect(page.text).toContain('120,000.00 元');
  const flags = (page.data.flags as { code: string }[]).map((f) => f.code);
  expect(flags).toEqual(expect.arrayContaining(['paid_less_than_contract', 'duplicate_file']));
  expect(page.text).toContain('与其他企业的文件相同');
  const materials = page.data.materials as { kindLabel: string }[];
  expect(materials.map((m) => m.kindLabel)).toEqual(expect.arrayContaining(['上云企业与云平台供应商签订的服务合同', '收付款凭证']));
  const pdf = (page.data.materials as { viewerText: string }[]).findIndex((m) => m.viewerText === 'PDF');
  await page.tap('.material', pdf);
  expect(mp.wx.documents.at(-1)!.fileType).toBe('pdf');
  await page.tap('.material', pdf === 0 ? 1 : 0);
  expect(mp.wx.previews.at(-1)).toHaveLength(1);
});

test('the decision within reach: a sticky action bar under the summary and flags, materials after', async () => {
  mp.as('county-miit');
  const page = await mp.open('pages/review/application/application', { id: fresh.id });
  // The summary and the flags come before the materials.
  const text = page.text;
  expect(text.indexOf('请重点核实')).toBeLessThan(text.indexOf('材料（点击查看）'));
  // One bar, holding the send button and a way to the form; nothing else on the page sends the opinion.
  expect(page.all('.action-bar')).toHaveLength(1);
  expect(page.find('.action-bar').dom!.textContent).toContain('提交审核意见');
  expect(page.all('.send-opinion')).toHaveLength(1);
  expect(page.find('.action-bar').dom!.textContent).toContain('看完摘要和提示后，在下方选择结论');
  await page.tap('.to-form');
  expect(mp.wx.scrolls.at(-1)).toBe('.opinion-form');
  // A refusal is said in the bar too, beside the button that was tapped.
  await page.tap('.send-opinion');
  expect(page.find('.action-bar').dom!.textContent).toContain('未提交：请选择审核结论');
  expect((await status(fresh.id)).status).toBe('county_review');
});

test('a return without a reason is refused on the phone; with reasons it reaches the enterprise', async () => {
  mp.as('county-miit');
  const page = await mp.open('pages/review/application/application', { id: fresh.id });
  expect(page.data.canOpine).toBe(true);
  expect(page.text).toContain('本部门审核意见（县工信）');
  const before = mp.wx.requests.length;
  await page.change('.decision', 'return');
  // A return rates nothing (issue 14 item 10): the stars are shown with an approval only.
  expect(page.all('.rating-effect')).toHaveLength(0);
  await page.tap('.send-opinion');
  // Refused before it is sent: no opinion went to the server.
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/opinion'))).toBe(false);
  expect(mp.wx.modals.at(-1)!.content).toBe('退回或不予补助时，请逐条写明原因和需要修改的字段或材料，企业将看到这些文字');
  expect(page.text).toContain('企业将看到这些文字');
  expect((await status(fresh.id)).status).toBe('county_review');

  // Two reasons, each naming what to fix.
  await page.change('.reason-target', '4'); // 收付款凭证
  await page.input('.reason-message', '回单与其他企业的完全相同，请提供本企业的银行回单');
  await page.tap('.add-reason');
  await page.change('.reason-target', '7', 1); // 付款记录
  await page.input('.reason-message', '付款金额少于合同金额，请说明', 1);
  await page.input('.internal-note', '电话核实：会计说回单是借用的');
  // Issue 18: the reviewer picks by when the correction is due.
  const due = addDays(todayInShanghai(new Date()), 7);
  await page.change('.correction-due', due);
  await page.tap('.send-opinion');
  const sent = mp.wx.requests.filter((r) => r.path.endsWith('/opinion')).at(-1)!;
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({
    decision: 'return',
    reasons: [{ material: '收付款凭证' }, { field: '付款记录' }],
    correctionDueOn: due,
  });
  expect((await status(fresh.id)).correctionDueOn).toBe(due);
  expect(sent.body).not.toHaveProperty('ratings');
  expect((await status(fresh.id)).status).toBe('returned');

  // The enterprise reads exactly what to fix, never the internal note.
  mp.as('review-clerk');
  const mine = await mp.open('pages/enterprise/application/application', { id: fresh.id });
  expect(mine.data.fixes).toEqual([
    { where: '收付款凭证', message: '回单与其他企业的完全相同，请提供本企业的银行回单' },
    { where: '付款记录', message: '付款金额少于合同金额，请说明' },
  ]);
  expect(mine.text).not.toContain('借用');
  expect(mine.text).toContain(`请在 ${due} 前修改并重新提交，逾期不再受理`);
});

test('both departments approve; the joint report goes to the city with both signatures', async () => {
  // The provider's signed 兑付申请表 lists the case: the county's approval needs it (三（三）1).
  const form = await mp.t.http
    .post('/api/v1/provider/settlement-forms')
    .set(bearer(owner))
    .send({ applicationIds: [old.id] });
  expect(form.status).toBe(201);
  await upload(mp.t, owner.token, 'settlement_form', form.body.form.id, 'signed_scan', '盖章兑付申请表.pdf');
  expect((await mp.t.http.post(`/api/v1/provider/settlement-forms/${form.body.form.id}/sign`).set(bearer(owner)).send({})).status).toBe(
    200,
  );

  for (const [name, rating] of [
    ['county-miit', 4],
    ['county-finance', 5],
  ] as const) {
    mp.as(name);
    const page = await mp.open('pages/review/application/application', { id: old.id });
    expect(page.text).toContain('兑付申请表第1版（已签章）');
    expect(page.text).toContain('第1版兑付申请表所列金额与申请一致');
    await page.change('.decision', 'approve');
    await page.call('onRating', { currentTarget: { dataset: { which: 'effect' } }, detail: { value: rating } });
    await page.call('onRating', { currentTarget: { dataset: { which: 'service' } }, detail: { value: rating } });
    await page.tap('.send-opinion');
  }
  expect((await status(old.id)).status).toBe('county_approved');

  mp.as('county-miit');
  const reports = await mp.open('pages/review/reports/reports');
  expect(reports.all('.candidate')).toHaveLength(1);
  await reports.input('.doc-no', '伊美工信联2026第3号');
  await reports.change('.choices', [old.id]);
  await reports.tap('.create');
  expect(reports.data.formError).toMatch(/文号格式/);
  await reports.input('.doc-no', '伊美工信联〔2026〕3号');
  await reports.tap('.create');
  expect(reports.all('.report')).toHaveLength(1);
  await reports.tap('.sign');
  await reports.tap('.document');
  expect(mp.wx.documents.at(-1)).toMatchObject({ fileType: 'docx' });
  expect(mp.wx.documents.at(-1)!.bytes.subarray(0, 2).toString()).toBe('PK');

  mp.as('county-finance');
  const financeReports = await mp.open('pages/review/reports/reports');
  await financeReports.tap('.sign');
  expect(financeReports.text).toContain('已报送市工信局、市财政局');
  expect((await status(old.id)).status).toBe('reported');
});

test('the county checks a newly registered enterprise’s licence and letter of authorisation', async () => {
  const newcomer = await person(mp.t, 'newcomer-clerk');
  const pending = await enterpriseOf(mp.t, newcomer, { countyCode: COUNTY, status: 'pending', name: '伊美区新来的木业有限公司' });
  await upload(mp.t, newcomer.token, 'enterprise', pending.id, 'business_license', '营业执照.jpg');
  mp.as('county-finance');
  const page = await mp.open('pages/review/enterprises/enterprises');
  expect(page.text).toContain('伊美区新来的木业有限公司');
  expect(page.text).toContain('营业执照');
  await page.tap('.material');
  expect(mp.wx.previews.length).toBeGreaterThan(0);
  await page.tap('.verify');
  expect(page.text).not.toContain('伊美区新来的木业有限公司');
  const mine = (await mp.t.http.get('/api/v1/enterprises/mine').set(bearer(newcomer))).body.items[0];
  expect(mine.status).toBe('verified');
});
