/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The cloud provider: the long 备案 form (sections, drafts, checks as it is typed, what is missing), its
 * status and reasons, the catalogue, the applications that name it to confirm or dispute, the 兑付申请表.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../support/seed';
import { completeProviderFiling } from '../../fixtures/providerFiling';
import { findFiling } from '../../../server/src/db/providers';
import { FILING_MATERIALS } from '../../../shared/src/contracts/providerFiling';
import { findApplication } from '../../../server/src/db/applications';

let mp: MiniProgram;
beforeAll(async () => {
  mp = await startMiniProgram();
});
afterAll(async () => {
  await mp.close();
});

test('the filing: checked as it is typed, saved as a draft, what is missing counted per section', async () => {
  mp.as('new-provider');
  const page = await mp.open('pages/provider/filing/filing');
  expect(page.data.id).toBe('');
  expect((page.data.sections as { key: string; count: number }[]).find((s) => s.key === 'basic')!.count).toBeGreaterThan(10);

  await page.input('.f-basic-companyName', '伊春森林云科技有限公司');
  await page.input('.f-basic-registeredCapitalFen', '1200.5');
  // A mobile that is not one: said at once, beside the field.
  await page.input('.f-basic-contact-mobile', '0458-3878126');
  expect(page.text).toContain('“联系人手机”须为11位手机号（如 13912345678）');
  // Too long an introduction: counted as a reader counts, one per 汉字.
  await page.input('.f-basic-introduction', '云'.repeat(301));
  expect(page.text).toContain('“企业及平台简介”不能超过300字，目前301字，请精简');
  // Saving with a problem is refused here, naming it.
  await page.tap('.save');
  expect(page.data.id).toBe('');
  expect(mp.wx.modals.at(-1)!.content).toContain('联系人手机');
  await page.input('.f-basic-contact-mobile', '13904581234');
  await page.input('.f-basic-introduction', '伊春本地的工业云服务商。');
  await page.tap('.save');
  const id = String(page.data.id);
  expect(id).not.toBe('');
  const saved = (await mp.t.db.read((tx) => findFiling(tx, id)))!;
  expect(saved.form.basic).toMatchObject({
    companyName: '伊春森林云科技有限公司',
    registeredCapitalFen: 1_200_500_000,
    contact: { mobile: '13904581234' },
  });

  // A list section: cases are added and filled one by one.
  await page.tap('.section-application');
  await page.tap('.add-application-cases');
  await page.input('.f-application-cases-0-title', '木业ERP上云');
  await page.call('onText', { currentTarget: { dataset: { key: 'application.cases.0.implementedOn' } }, detail: { value: '2022-05-01' } });
  // Leaving the section saves the draft.
  await page.tap('.section-basic');
  expect((await mp.t.db.read((tx) => findFiling(tx, id)))!.form.application?.cases?.[0]).toMatchObject({
    title: '木业ERP上云',
    implementedOn: '2022-05-01',
  });

  // Next sitting: the draft is there.
  const again = await mp.open('pages/provider/filing/filing', { id });
  const box = (key: string) => (again.data.rows as { key: string; text: string }[]).find((r) => r.key === key)!.text;
  expect(box('basic.companyName')).toBe('伊春森林云科技有限公司');
  expect(box('basic.registeredCapitalFen')).toBe('1200.5');
  expect((again.data.form as { basic: { registeredCapitalFen: number } }).basic.registeredCapitalFen).toBe(1_200_500_000);
  await again.tap('.section-submit');
  expect((again.data.missing as unknown[]).length).toBeGreaterThan(20);
  expect(again.text).toContain('请上传签字盖章后的备案申报书扫描件（细则三（二）1）');
});

test('a complete filing: the Word file to stamp, the materials, submit; then a return with its reason', async () => {
  const p: Person = await person(mp.t, 'full-provider');
  mp.as('full-provider');
  const created = await mp.t.http
    .post('/api/v1/provider-filings')
    .set('authorization', `Bearer ${p.token}`)
    .send({ form: completeProviderFiling() });
  const id = created.body.filing.id as string;
  const page = await mp.open('pages/provider/filing/filing', { id, section: 'materials' });
  const missingMaterials = () => (page.data.missing as { path: string }[]).filter((m) => m.path.startsWith('materials.'));
  expect(missingMaterials()).toHaveLength(FILING_MATERIALS.filter((m) => m.requiredAtSubmit).length);
  const lists = page.all('.material');
  for (const [i, m] of FILING_MATERIALS.entries()) {
    if (!m.requiredAtSubmit) continue;
    mp.wx.actionSheetAnswers.push(2);
    lists[i].querySelector('.upload-list__add')!.dispatchEvent('tap');
    await page.settle();
  }
  await page.waitFor('every material', () => missingMaterials().length === 0);

  await page.tap('.section-submit');
  expect(page.data.missing).toEqual([]);
  await page.tap('.document');
  expect(mp.wx.documents.at(-1)!.fileType).toBe('docx');
  expect(mp.wx.documents.at(-1)!.bytes.subarray(0, 2).toString()).toBe('PK');
  await page.tap('.submit');
  expect((await mp.t.db.read((tx) => findFiling(tx, id)))!.status).toBe('submitted');
  expect(page.data.editable).toBe(false);
  expect(page.text).toContain('市工信局正在审核');

  const reviewer = await person(mp.t, 'city-filing-reviewer');
  await mp.t.grant(reviewer.token, 'city_miit');
  await mp.t.http
    .post(`/api/v1/provider-filings/${id}/return`)
    .set('authorization', `Bearer ${reviewer.token}`)
    .send({ version: (await mp.t.db.read((tx) => findFiling(tx, id)))!.version, reason: '典型案例佐证不足，请补充验收报告' });
  const returned = await mp.open('pages/provider/filing/filing', { id });
  expect(returned.data.editable).toBe(true);
  expect(returned.text).toContain('需要您按意见修改后重新提交');
  expect(returned.text).toContain('典型案例佐证不足，请补充验收报告');
});

test('the workbench, the catalogue, confirming and disputing, the 兑付申请表', async () => {
  const owner = await person(mp.t, 'desk-provider');
  const provider = await providerOf(mp.t, owner);
  const enterprise = await enterpriseOf(mp.t, await person(mp.t, 'desk-clerk'));
  const toConfirm = await applicationAt(mp.t, enterprise, provider, 'provider_check');
  const other = await enterpriseOf(mp.t, await person(mp.t, 'desk-clerk-2'));
  const toDispute = await applicationAt(mp.t, other, provider, 'provider_check');
  mp.as('desk-provider');

  const desk = await mp.open('pages/provider/index/index');
  expect(desk.text).toContain('备案已通过');
  expect(desk.text).toContain(provider.filingNo!);
  expect((desk.data.tabs as { key: string; count: number }[])[0]).toEqual({ key: 'provider_check', title: '待确认', count: 2 });
  expect(desk.all('.application')).toHaveLength(2);

  const catalogue = await mp.open('pages/provider/catalogue/catalogue');
  expect(catalogue.text).toContain(`已在名录中展示（备案编号 ${provider.filingNo}）`);
  expect(catalogue.all('.catalogue-item').length).toBeGreaterThan(0);
  expect(catalogue.text).toMatch(/报价 [\d,]+\.\d{2} 元/);

  const confirm = await mp.open('pages/provider/confirm/confirm', { id: toConfirm.id });
  expect(confirm.text).toContain(enterprise.name);
  expect(confirm.text).toContain('120,000.00 元');
  await confirm.tap('.confirm');
  expect(confirm.data.error).toBe('请填写上云效果评价（至少 2 个字）');
  await confirm.input('.evaluation', '上线后库存周转加快，账实一致');
  await confirm.tap('.confirm');
  expect((await mp.t.db.read((tx) => findApplication(tx, toConfirm.id)))!).toMatchObject({
    status: 'county_review',
    providerEvaluation: '上线后库存周转加快，账实一致',
  });

  const dispute = await mp.open('pages/provider/confirm/confirm', { id: toDispute.id });
  await dispute.input('.dispute-reason', '该合同金额与我司存档不一致');
  await dispute.tap('.dispute');
  expect((await mp.t.db.read((tx) => findApplication(tx, toDispute.id)))!).toMatchObject({
    status: 'returned',
    returnedFrom: 'provider',
    lastReason: '该合同金额与我司存档不一致',
  });

  const settlement = await mp.open('pages/provider/settlement/settlement');
  expect(settlement.all('.candidate')).toHaveLength(1);
  // Confirmed, on no signed version yet: the county cannot approve it, and the page says so.
  expect(settlement.all('.needing')).toHaveLength(1);
  expect(settlement.text).toContain('尚未列入已签章的兑付申请表，请生成并签章');
  await settlement.change('.choices', [toConfirm.id]);
  await settlement.tap('.generate');
  expect(settlement.text).toContain('第 1 版');
  expect(settlement.text).toContain('60,000.00 元');
  await settlement.tap('.document');
  expect(mp.wx.documents.at(-1)).toMatchObject({ fileType: 'docx' });
  mp.wx.actionSheetAnswers.push(2);
  settlement.find('.scan').querySelector('.upload-list__add')!.dispatchEvent('tap');
  await settlement.waitFor(
    'the stamped scan',
    () => ((settlement.data.forms as { scanFiles: unknown[] }[])[0]?.scanFiles.length ?? 0) === 1,
  );
  await settlement.tap('.sign');
  expect(settlement.text).toContain('已签章确认');
  expect(settlement.all('.needing')).toHaveLength(0);
  expect((await mp.t.db.read((tx) => findApplication(tx, toConfirm.id)))!.settlementFormId).not.toBeNull();
});
