/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * 申报批次 (issue 18): city MIIT sees the year's round a new install starts with, is refused in Chinese
 * for an overlapping window, closes the year's round and opens the next; the home page shows the
 * window that comes. Every tappable element is a button with a specific label.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { person } from '../support/seed';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { addDays } from '../../../shared/src/workflow/rounds';
import * as fs from 'node:fs';
import * as path from 'node:path';

let mp: MiniProgram;
const today = todayInShanghai(new Date());
const year = Number(today.slice(0, 4));

beforeAll(async () => {
  mp = await startMiniProgram();
  const city = await person(mp.t, 'rounds-city');
  await mp.t.grant(city.token, 'city_miit');
});
afterAll(async () => {
  await mp.close();
});

test('city MIIT: the year’s round, a refused overlap, closing it and opening the next; the home page follows', async () => {
  mp.as('rounds-city');
  const page = await mp.open('pages/city/rounds/rounds');
  expect(page.text).toContain(`${year}年第1批（受理中）`);
  expect(page.text).toContain(`申报时间 ${year}-01-01 至 ${year}-12-31`);
  expect(page.data.form).toMatchObject({ year: String(year), number: '2' });

  // A missing date is named before anything is sent.
  await page.tap('.save');
  expect(page.data.problems).toEqual(['请选择申报开始日期', '请选择申报截止日期', '请选择县级审核截止日期', '请选择市级审核截止日期']);
  await page.change('.opens-on', addDays(today, 5));
  await page.change('.closes-on', addDays(today, 15));
  await page.change('.county-deadline', addDays(today, 30));
  await page.change('.city-deadline', addDays(today, 45));
  await page.tap('.save');
  // The server's refusal, in its words, under the form.
  await page.waitFor('the overlap', () => page.text.includes(`申报窗口与正在进行的${year}年第1批`));

  await page.tap('.close');
  await page.waitFor('closed', () => page.text.includes(`${year}年第1批（已关闭）`));
  await page.tap('.save');
  await page.waitFor('opened', () => page.text.includes(`${year}年第2批（未到申报时间）`));
  expect(page.text).toContain(`申报时间 ${addDays(today, 5)} 至 ${addDays(today, 15)}`);

  // Changing the open round: its dates come into the form; a wrong one is refused in Chinese; a right one saved.
  await page.tap('.edit');
  expect(page.text).toContain(`修改${year}年第2批`);
  expect(page.data.form).toMatchObject({ opensOn: addDays(today, 5), closesOn: addDays(today, 15) });
  await page.change('.county-deadline', addDays(today, 10));
  await page.tap('.save');
  await page.waitFor('refused', () => page.text.includes('县级审核截止日期须在申报截止日期之后'));
  await page.change('.county-deadline', addDays(today, 30));
  await page.change('.closes-on', addDays(today, 20));
  await page.tap('.save');
  await page.waitFor('saved', () => page.text.includes(`申报时间 ${addDays(today, 5)} 至 ${addDays(today, 20)}`));
  expect(page.text).toContain('开启新批次');

  const home = await mp.open('pages/home/home');
  await home.waitFor('the round', () => home.text.includes('下一批'));
  expect(home.text).toContain(`现在不在申报时间内，下一批（${year}年第2批）：${addDays(today, 5)} 至 ${addDays(today, 20)}`);
});

test('every tappable element of the page is a button with a specific label or text', () => {
  const wxml = fs.readFileSync(path.join(__dirname, '../../../miniprogram/pages/city/rounds/rounds.wxml'), 'utf8');
  const tappable = wxml.match(/<[a-z-]+[^>]*bindtap[^>]*>/g) ?? [];
  expect(tappable.length).toBeGreaterThan(0);
  for (const tag of tappable) expect(tag).toMatch(/^<button /);
  expect(wxml).toContain('aria-label="{{item.closeLabel}}"');
  expect(wxml).toContain('aria-label="{{item.editLabel}}"');
  // The text-scale convention: the root carries the person's scale.
  expect(wxml).toMatch(/^<view class="page \{\{textClass\}\}" style="\{\{textStyle\}\}">/);
});
