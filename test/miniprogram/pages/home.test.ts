/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * 首页 and the login behind every page: the next step first for each role (issue 17 item 3), the policy with
 * its conditions behind one tap, the contact, the role switch, the font scale; a stale login renewed once.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { ageApplication, applicationAt, enterpriseOf, person, providerOf } from '../support/seed';
import { findApplication } from '../../../server/src/db/applications';

interface Task {
  key: string;
  title: string;
  lines: string[];
  action: string;
  url: string;
  urgent: boolean;
}
const tasksOf = (data: Record<string, unknown>) => data.tasks as Task[];

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
  // home.json holds only the product's name; the city's full title is set from the policy pack (issue 18 item 4).
  expect(mp.wx.navigationTitles.at(-1)).toBe('伊春市工业企业上云补助');
  // The next step first: a visitor is asked to try the self-check; the conditions wait behind one tap.
  expect(tasksOf(page.data).map((t) => t.key)).toEqual(['check']);
  expect(page.text.indexOf('先测一测')).toBeLessThan(page.text.indexOf('谁可以申报'));
  expect(page.text).not.toContain('每户企业只能申领一次');
  await page.tap('.conditions-toggle');
  expect(page.text).toContain('每户企业只能申领一次');
  expect(page.all('.condition')).toHaveLength(7);
  await page.tap('.task__action');
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/enterprise/check/check' });
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

test('an enterprise sees its draft and what it lacks first, then a return with its reasons above it', async () => {
  const clerk = await person(mp.t, 'draft-clerk');
  const enterprise = await enterpriseOf(mp.t, clerk, { name: '伊春林都木业有限公司' });
  const draft = await applicationAt(mp.t, enterprise, null, 'draft');
  mp.as('draft-clerk');

  const home = await mp.open('pages/home/home');
  const [first] = tasksOf(home.data);
  expect(first.key).toBe('draft');
  expect(first.title).toMatch(/^继续填写申请：还差 \d+ 项$/);
  expect(first.lines.length).toBeGreaterThan(0);
  expect(first.lines.length).toBeLessThanOrEqual(3);
  expect(home.text).toContain(first.lines[0]);
  expect(home.text.indexOf('继续填写申请')).toBeLessThan(home.text.indexOf('我要办理'));
  await home.tap('.task__action');
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: `/pages/enterprise/apply/apply?id=${draft.id}` });

  // A county return: the reasons, in the reviewer's words, lead the page.
  const other = await enterpriseOf(mp.t, clerk, { name: '伊春森工家具有限公司' });
  const provider = await providerOf(mp.t, await person(mp.t, 'home-provider'));
  const app = await applicationAt(mp.t, other, provider, 'county_review');
  const reviewer = await person(mp.t, 'home-county');
  await mp.t.grant(reviewer.token, 'county_miit', other.countyCode);
  const version = (await mp.t.db.read((tx) => findApplication(tx, app.id)))!.version;
  const res = await mp.t.http
    .post(`/api/v1/county/applications/${app.id}/opinion`)
    .set('authorization', `Bearer ${reviewer.token}`)
    .send({
      version,
      decision: 'return',
      ratings: { effect: 3, service: 3 },
      reasons: [{ material: '收付款凭证', message: '请补充银行回单' }],
    });
  expect(res.status).toBe(200);

  const before = mp.wx.requests.length;
  const again = await mp.open('pages/home/home');
  const tasks = tasksOf(again.data);
  // The round is read once per load: the card and the next step share it.
  expect(mp.wx.requests.slice(before).filter((r) => r.path.startsWith('/api/v1/rounds/current'))).toHaveLength(1);
  expect(tasks.map((t) => t.key)).toEqual(['returned', 'draft']);
  // The correction's deadline first (issue 18: set on the return, ten days on for a case without a round).
  expect(tasks[0]).toMatchObject({
    action: '去修改',
    urgent: true,
    lines: [expect.stringMatching(/^请在 \d{4}-\d{2}-\d{2} 前重新提交，逾期不再受理$/), '请补充银行回单'],
  });
  expect(again.text).toContain('请补充银行回单');
  // Not by colour alone: the pressing one says so in words.
  expect(again.all('.task__flag')).toHaveLength(1);
  expect(again.text).toContain('待办');
});

test('a county reviewer sees the queue count and the overdue cases first, and an empty queue says what happens next', async () => {
  const reviewer = await person(mp.t, 'queue-county');
  await mp.t.grant(reviewer.token, 'county_miit', '230751');
  mp.as('queue-county');
  const empty = await mp.open('pages/home/home');
  expect(tasksOf(empty.data)[0]).toMatchObject({ title: '目前没有待审核的申请', urgent: false });
  expect(empty.text).toContain('有新的待办时，会在消息里通知您');

  const clerk = await person(mp.t, 'queue-clerk');
  const enterprise = await enterpriseOf(mp.t, clerk, { countyCode: '230751' });
  const provider = await providerOf(mp.t, await person(mp.t, 'queue-provider'));
  const late = await applicationAt(mp.t, enterprise, provider, 'county_review');
  await ageApplication(mp.t, late.id, 40);
  const other = await enterpriseOf(mp.t, await person(mp.t, 'queue-clerk-2'), { countyCode: '230751' });
  await applicationAt(mp.t, other, provider, 'county_review');

  const home = await mp.open('pages/home/home');
  expect(tasksOf(home.data)[0]).toMatchObject({
    title: '待审核的申请 2 件',
    lines: ['其中 1 件已超期，请先办理'],
    action: '先办超期的',
    urgent: true,
  });
  await home.tap('.task__action');
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/review/queue/queue?overdue=1' });
  const queue = await mp.open('pages/review/queue/queue', { overdue: '1' });
  expect(queue.data.overdueOnly).toBe(true);
  expect((queue.data.items as unknown[]).length).toBe(1);
});

test('a provider is asked to confirm the applications that name it', async () => {
  const owner = await person(mp.t, 'home-cloud');
  const provider = await providerOf(mp.t, owner);
  const clerk = await person(mp.t, 'home-cloud-client');
  await applicationAt(mp.t, await enterpriseOf(mp.t, clerk), provider, 'provider_check');
  mp.as('home-cloud');
  const home = await mp.open('pages/home/home');
  expect(tasksOf(home.data)[0]).toMatchObject({ key: 'confirm', title: '1 份企业申请等您确认', action: '去确认', urgent: true });
  await home.tap('.task__action');
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/provider/index/index' });
});

test('the page follows WeChat’s font size: 关怀模式 sets the scale on the root view', async () => {
  mp.as('visitor-1');
  mp.wx.fontSizeScaleFactor = 23.8 / 17;
  try {
    const large = await mp.open('pages/home/home');
    expect(large.data.textStyle).toBe('--text-scale: 1.4;');
    expect(large.data.textClass).toBe('text-large');
  } finally {
    mp.wx.fontSizeScaleFactor = 1;
  }
  const standard = await mp.open('pages/home/home');
  expect(standard.data.textStyle).toBe('--text-scale: 1;');
  expect(standard.data.textClass).toBe('');
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
