/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * Issue 18 item 4 on the pages: with another city's pack installed (as app.ts installs config.ts's POLICY_PACK),
 * the home page's title and conditions, the county pickers and the 文号 example speak of that city and of none
 * of Yichun's particulars. The server keeps its own pack here: what its answers say is the server's side.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { person } from '../support/seed';
import { policyPack } from '../../../miniprogram/shared/pack';
import { YICHUN_WORDS, riverton } from '../support/otherPack';

let mp: MiniProgram;
beforeAll(async () => {
  mp = await startMiniProgram();
  mp.usePack(riverton(policyPack()));
});
afterAll(async () => {
  await mp.close();
});

test('the home page: the city’s title, and the conditions in its name', async () => {
  mp.as('pack-visitor');
  const home = await mp.open('pages/home/home');
  expect(mp.wx.navigationTitles.at(-1)).toBe('河湾市工业企业上云补助');
  await home.tap('.conditions-toggle');
  const conditions = home.all('.condition').map((c) => c.dom!.textContent ?? '');
  expect(conditions[0]).toContain('在河湾市设立、登记、注册');
  expect(conditions.join('\n')).not.toMatch(YICHUN_WORDS);
  const entries = home.data.entries as { desc: string }[];
  expect(entries.map((e) => e.desc)).toContain('名录、产品目录与针对河湾企业的优惠');
});

test('the enterprise picks among the pack’s counties', async () => {
  mp.as('pack-clerk');
  const register = await mp.open('pages/enterprise/register/register');
  expect(register.data.counties).toEqual([
    { code: '990101', name: '东岸区' },
    { code: '990102', name: '西岸县' },
  ]);
  await register.change('.county-picker', '1');
  expect((register.data.form as { countyCode: string }).countyCode).toBe('990102');
});

test('the 文号 example is a county of the pack', async () => {
  const reviewer = await person(mp.t, 'pack-county');
  // The server's own pack (Yichun) knows the county; the mini-program's does not, and falls back to its first.
  await mp.t.grant(reviewer.token, 'county_miit', '230717');
  mp.as('pack-county');
  const reports = await mp.open('pages/review/reports/reports');
  expect(reports.data.docNoPlaceholder).toBe('东岸工信联〔2026〕3号');
  await reports.input('.doc-no', '东岸工信联2026第3号');
  await reports.tap('.create');
  expect(reports.text).toContain('文号格式如“东岸工信联〔2026〕3号”');
});

test('without a pack of its own the copy’s default is Yichun’s', async () => {
  mp.usePack(null);
  mp.as('pack-visitor');
  await mp.open('pages/home/home');
  expect(mp.wx.navigationTitles.at(-1)).toBe('伊春市工业企业上云补助');
});
