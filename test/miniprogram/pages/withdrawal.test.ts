/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * Withdrawing a draft from the phone (issue 14, item 5; DESIGN.md "Corrections after the fact"): the
 * county department that drafted a joint report cancels it with a reason before the second signature,
 * and its application is offered for a new report; city MIIT cancels a draft proposed list before the
 * co-signature, its applications go back to wait for a list, and the list shows its versions.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../support/seed';
import type { ApplicationRow } from '../../../server/src/db/applications';
import { findApplication } from '../../../server/src/db/applications';

const COUNTY = '230717';
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
let mp: MiniProgram;
let countyApproved: ApplicationRow;
let cityApproved: ApplicationRow;
let cityMiit: Person;
const app = async (id: string) => (await mp.t.db.read((tx) => findApplication(tx, id)))!;

beforeAll(async () => {
  mp = await startMiniProgram();
  const [miit, finance, clerk, owner] = await Promise.all(
    ['wd-county-miit', 'wd-county-finance', 'wd-clerk', 'wd-provider'].map((n) => person(mp.t, n)),
  );
  cityMiit = await person(mp.t, 'wd-city-miit');
  await mp.t.grant(miit.token, 'county_miit', COUNTY);
  await mp.t.grant(finance.token, 'county_finance', COUNTY);
  await mp.t.grant(cityMiit.token, 'city_miit');
  const enterprise = await enterpriseOf(mp.t, clerk, { countyCode: COUNTY, name: '伊美区撤销测试木业有限公司' });
  const provider = await providerOf(mp.t, owner);
  countyApproved = await applicationAt(mp.t, enterprise, provider, 'county_approved');
  const other = await enterpriseOf(mp.t, await person(mp.t, 'wd-clerk-2'), { countyCode: COUNTY, name: '伊美区名单测试石材有限公司' });
  cityApproved = await applicationAt(mp.t, other, provider, 'city_approved', { verifiedFen: 5_000_000 });
});
afterAll(async () => {
  await mp.close();
});

test('the county: a draft joint report cancelled with a reason; its application can go into another', async () => {
  mp.as('wd-county-miit');
  const reports = await mp.open('pages/review/reports/reports');
  await reports.input('.doc-no', '伊美工信联〔2026〕5号');
  await reports.change('.choices', [countyApproved.id]);
  await reports.tap('.create');
  expect(reports.all('.report')).toHaveLength(1);
  expect(reports.find('.cancel').dom?.textContent).toContain('撤销这份联合行文');

  // The 文号 corrected first: a malformed one never leaves the phone; then the other department signs again.
  const sent = mp.wx.requests.length;
  mp.wx.modalAnswers.push({ confirm: true, content: '伊美工信联2026第4号' });
  await reports.tap('.correct');
  expect(mp.wx.modals.at(-1)!.content).toMatch(/文号格式/);
  expect(mp.wx.requests.slice(sent).some((r) => r.path.endsWith('/correct'))).toBe(false);
  mp.wx.modalAnswers.push({ confirm: true, content: '伊美工信联〔2026〕4号' }, { confirm: true, content: '文号笔误' });
  await reports.tap('.correct');
  expect(reports.errors).toEqual([]);
  expect(reports.text).toContain('伊美工信联〔2026〕4号');
  expect(reports.text).not.toContain('〔2026〕5号');

  // A reason under two characters never leaves the phone.
  const before = mp.wx.requests.length;
  mp.wx.modalAnswers.push({ confirm: true, content: ' 错 ' });
  await reports.tap('.cancel');
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/cancel'))).toBe(false);
  expect(mp.wx.modals.at(-1)!.content).toBe('请填写撤销原因（至少 2 个字）');
  // Changing one's mind sends nothing either.
  mp.wx.modalAnswers.push({ confirm: false });
  await reports.tap('.cancel');
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/cancel'))).toBe(false);

  mp.wx.modalAnswers.push({ confirm: true, content: '文号有误，重新起草' });
  await reports.tap('.cancel');
  expect(reports.errors).toEqual([]);
  expect(reports.text).toContain('已撤销');
  expect(reports.all('.cancel')).toHaveLength(0);
  expect(reports.all('.sign')).toHaveLength(0);
  expect(reports.all('.document')).toHaveLength(0);
  expect(await app(countyApproved.id)).toMatchObject({ status: 'county_approved', reportId: null });
  // It goes into a new report, under the same 文号, which the cancelled one gave back.
  await reports.input('.doc-no', '伊美工信联〔2026〕4号');
  await reports.change('.choices', [countyApproved.id]);
  await reports.tap('.create');
  expect(reports.errors).toEqual([]);
  expect(reports.all('.report')).toHaveLength(2);
  expect(reports.all('.cancel')).toHaveLength(1);
  expect((await app(countyApproved.id)).reportId).not.toBeNull();
});

test('the city: a draft list cancelled by city MIIT; its application waits for a list again; the versions are shown', async () => {
  mp.as('wd-city-miit');
  const lists = await mp.open('pages/city/lists/lists');
  await lists.call('onPick', { detail: { value: [cityApproved.id] } });
  await lists.tap('.create');
  const listId = mp.wx.navigations.at(-1)!.url.split('id=')[1];
  expect((await app(cityApproved.id)).status).toBe('listed');

  const page = await mp.open('pages/city/list/list', { id: listId });
  expect(page.data.canCancel).toBe(true);
  expect(page.all('.version')).toHaveLength(1);
  mp.wx.modalAnswers.push({ confirm: true, content: '错' });
  await page.tap('.cancel-list');
  expect(mp.wx.modals.at(-1)!.content).toBe('请填写撤销原因（至少 2 个字）');
  expect((await app(cityApproved.id)).status).toBe('listed');

  mp.wx.modalAnswers.push({ confirm: true, content: '核定金额需复核，重新起草' });
  await page.tap('.cancel-list');
  expect(page.errors).toEqual([]);
  expect(page.text).toContain('已撤销');
  expect(page.data.canCancel).toBe(false);
  expect(page.data.canCosign).toBe(false);
  expect(page.all('.document')).toHaveLength(0);
  expect(page.all('.version')).toHaveLength(2);
  expect(page.text).toContain('第 2 版 · 撤销 · 1 份申请');
  expect(page.text).toContain('原因：核定金额需复核，重新起草');
  expect(page.text).not.toMatch(/cancelled|city_miit/);
  expect(await app(cityApproved.id)).toMatchObject({ status: 'city_approved', listId: null, verifiedFen: 5_000_000 });

  // City finance sees no cancel button on a list (only city MIIT drafts and withdraws it).
  const finance = await person(mp.t, 'wd-city-finance');
  await mp.t.grant(finance.token, 'city_finance');
  mp.as('wd-city-finance');
  const seen = await mp.open('pages/city/list/list', { id: listId });
  expect(seen.data.canCancel).toBe(false);
  expect(seen.all('.cancel-list')).toHaveLength(0);
  expect(year).toBeGreaterThan(2025);
});
