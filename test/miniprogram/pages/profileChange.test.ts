/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The enterprise profile after verification, on the phones (issue 14, item 4): the enterprise edits a
 * verified field and sees the change wait for the county, old → new, and may withdraw it; the county
 * finds it under 信息变更 and verifies it or refuses it with a reason.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { enterpriseOf, person, type Person } from '../support/seed';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import { findEnterprise } from '../../../server/src/db/enterprises';
import fs from 'node:fs';
import path from 'node:path';

const COUNTY = '230717';
let mp: MiniProgram;
let clerk: Person, county: Person;
let enterprise: EnterpriseRow;

const stored = async () => (await mp.t.db.read((m) => findEnterprise(m, enterprise.id)))!;

beforeAll(async () => {
  mp = await startMiniProgram();
  clerk = await person(mp.t, 'pc-clerk');
  county = await person(mp.t, 'pc-county');
  await mp.t.grant(county.token, 'county_miit', COUNTY);
  enterprise = await enterpriseOf(mp.t, clerk, { countyCode: COUNTY, name: '伊美区变更测试木业有限公司' });
});
afterAll(async () => {
  await mp.close();
});

test('the enterprise edits its verified legal representative: the change waits for the county, and can be withdrawn', async () => {
  mp.as('pc-clerk');
  const page = await mp.open('pages/enterprise/register/register', { id: enterprise.id });
  expect(page.text).toContain('修改后须经县里再次核验');
  await page.input('.field-legalRepresentative', '王二');
  await page.tap('.save');
  expect(mp.wx.modals.at(-1)).toMatchObject({ title: '已提交县里核验' });
  expect(page.find('.pending-summary').dom!.textContent).toContain('法定代表人：王建国 → 王二');
  expect((await stored()).legalRepresentative).toBe('王建国');

  mp.wx.modalAnswers.push({ confirm: true });
  await page.tap('.withdraw-change');
  expect(page.all('.pending-change')).toHaveLength(0);
  expect(page.errors).toEqual([]);
});

test('the county refuses one change with a reason and verifies the next', async () => {
  mp.as('pc-clerk');
  const edit = await mp.open('pages/enterprise/register/register', { id: enterprise.id });
  await edit.input('.field-legalRepresentative', '王三');
  await edit.tap('.save');

  mp.as('pc-county');
  const review = await mp.open('pages/review/enterprises/enterprises');
  await review.tap('.tab-changes');
  expect(review.text).toContain('伊美区变更测试木业有限公司');
  expect(review.text).toContain('法定代表人：王建国 → 王三');
  // A refusal without a reason never leaves the phone.
  mp.wx.modalAnswers.push({ confirm: true, content: ' ' });
  await review.tap('.refuse-change');
  expect(review.all('.profile-change')).toHaveLength(1);
  mp.wx.modalAnswers.push({ confirm: true, content: '营业执照上的法定代表人仍为王建国' });
  await review.tap('.refuse-change');
  expect(review.all('.profile-change')).toHaveLength(0);
  expect(review.text).toContain('没有待核验的信息变更');
  expect((await stored()).legalRepresentative).toBe('王建国');

  mp.as('pc-clerk');
  const again = await mp.open('pages/enterprise/register/register', { id: enterprise.id });
  await again.input('.field-legalRepresentative', '王三');
  await again.tap('.save');
  mp.as('pc-county');
  const next = await mp.open('pages/review/enterprises/enterprises');
  await next.tap('.tab-changes');
  await next.tap('.verify-change');
  expect(next.all('.profile-change')).toHaveLength(0);
  expect((await stored()).legalRepresentative).toBe('王三');
  expect([...review.errors, ...next.errors]).toEqual([]);
});

test('the new buttons say what they do to a screen reader', () => {
  const tags = (page: string, classes: string[]) => {
    const wxml = fs.readFileSync(path.join(__dirname, '../../../miniprogram/pages', `${page}.wxml`), 'utf8');
    return classes.map((c) => wxml.match(new RegExp(`<[^>]*class="[^"]*\\b${c}\\b[^"]*"[^>]*>`))?.[0] ?? `(no ${c})`);
  };
  for (const tag of [
    ...tags('enterprise/register/register', ['withdraw-change']),
    ...tags('review/enterprises/enterprises', ['verify-change', 'refuse-change']),
  ]) {
    expect(tag).toMatch(/aria-role="button"/);
    expect(tag).toMatch(/aria-label="[^"]*[\u4e00-\u9fa5][^"]*"/);
  }
});
