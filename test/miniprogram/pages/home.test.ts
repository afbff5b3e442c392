/** @jest-environment ./test/miniprogram/support/environment.js */
/** 首页 and the login behind every page: the policy, the contact, the role switch; a stale login renewed once. */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { enterpriseOf, person, providerOf } from '../support/seed';

let mp: MiniProgram;
beforeAll(async () => {
  mp = await startMiniProgram();
});
afterAll(async () => {
  await mp.close();
});

test('what the policy pays and for whom, the contact, and a visitor’s ways in', async () => {
  mp.as('visitor-1');
  const page = await mp.open('pages/home/home');
  expect(page.text).toContain('按云服务合同金额的 50% 给予补助');
  expect(page.text).toContain('100,000.00 元');
  expect(page.text).toContain('市工信局信息化推进科');
  expect(page.text).toContain('0458-3878126');
  expect(page.text).toContain('每户企业只能申领一次');
  expect((page.data.entries as { title: string }[]).map((e) => e.title)).toEqual([
    '申报条件自测',
    '企业申报补助',
    '云服务商备案',
    '已备案云服务商',
    '使用邀请码',
  ]);
  // The first sight logged in through wx.login with a sandbox code.
  expect(mp.wx.logins).toBe(1);
  expect(mp.wx.requests.find((r) => r.path === '/api/v1/auth/wx-login')!.body).toEqual({ code: 'sandbox:visitor-1' });
});

test('the role switch changes the home page', async () => {
  const both = await person(mp.t, 'factory-and-cloud');
  await enterpriseOf(mp.t, both);
  await providerOf(mp.t, both);
  mp.as('factory-and-cloud');
  mp.wx.storage.delete('session.token');

  const home = await mp.open('pages/home/home');
  expect(home.all('.role-chip')).toHaveLength(2);
  expect((home.data.entries as { title: string }[])[0].title).toBe('我的申报');
  expect(home.text).toContain('我的申报');

  await home.tap('.role-chip', 1);
  expect(home.data.activeRole).toBe('provider');
  expect((home.data.entries as { title: string }[]).map((e) => e.title)).toEqual([
    '服务商工作台',
    '备案申报',
    '产品目录与优惠',
    '平台收款',
  ]);
  expect(home.text).toContain('服务商工作台');
  expect(home.text).not.toContain('我的申报');

  // The choice is kept: the next start opens as a provider.
  const again = await mp.open('pages/home/home');
  expect(again.data.activeRole).toBe('provider');

  // Tapping an entry goes there.
  await again.tap('.entry', 1);
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/provider/filing/filing' });
});

test('a 401 logs in again once and repeats the call; a second 401 is not retried', async () => {
  const clerk = await person(mp.t, 'stale-clerk');
  await enterpriseOf(mp.t, clerk);
  mp.as('stale-clerk');
  // A login that ended meanwhile (expired, or logged out elsewhere).
  mp.wx.storage.set('session.token', 'expired-token-of-yesterday');
  const loginsBefore = mp.wx.logins;
  const requestsBefore = mp.wx.requests.length;

  const page = await mp.open('pages/enterprise/index/index');
  expect((page.data.enterprises as unknown[]).length).toBe(1);
  const calls = mp.wx.requests.slice(requestsBefore).map((r) => `${r.status} ${r.method} ${r.path}`);
  expect(calls.filter((c) => c.startsWith('401'))).toHaveLength(3); // enterprises/mine, applications/mine and payments, each once
  expect(calls.filter((c) => c.includes('/auth/wx-login'))).toHaveLength(1); // one login shared by all three
  expect(mp.wx.logins - loginsBefore).toBe(1);
  expect(calls.filter((c) => c === '200 GET /api/v1/enterprises/mine')).toHaveLength(1);
  expect(mp.wx.storage.get('session.token')).not.toBe('expired-token-of-yesterday');

  // The token sent after the new login is refused too: no second login, no third try, the error shown.
  const modalsBefore = mp.wx.modals.length;
  const from = mp.wx.requests.length;
  const loginsThen = mp.wx.logins;
  mp.wx.tokensToMangle = 2;
  const failed = await mp.open('pages/me/binding/binding');
  const tried = mp.wx.requests.slice(from).map((r) => `${r.status} ${r.method} ${r.path}`);
  expect(tried).toEqual(['401 GET /api/v1/me/oa-binding', '200 POST /api/v1/auth/wx-login', '401 GET /api/v1/me/oa-binding']);
  expect(mp.wx.logins - loginsThen).toBe(1);
  expect(mp.wx.modals.length).toBe(modalsBefore + 1);
  expect(failed.data.statusText).toBe('');
  // The failure was shown, and went no further: page() catches it.
  expect(failed.errors).toEqual([]);
});

test('no network: the page says so in plain words', async () => {
  mp.as('visitor-1');
  mp.wx.requestsToFail = 10;
  await mp.open('pages/me/binding/binding');
  mp.wx.requestsToFail = 0;
  expect(mp.wx.modals.at(-1)!.content).toBe('网络连接失败，请检查网络后重试');
});
