/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * Everyone's pages: the inbox, the notification settings, the official-account binding code, invitation
 * codes from the administrator's page to a reviewer's first login, the registry as the contract's
 * picker, and the WeChat Pay page for a provider that has not linked a merchant account.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../support/seed';
import { findApplication } from '../../../server/src/db/applications';

let mp: MiniProgram;
let clerk: Person;
let applicationId = '';
beforeAll(async () => {
  mp = await startMiniProgram();
  clerk = await person(mp.t, 'me-clerk');
  const enterprise = await enterpriseOf(mp.t, clerk);
  const owner = await person(mp.t, 'me-provider');
  const provider = await providerOf(mp.t, owner);
  const app = await applicationAt(mp.t, enterprise, provider, 'provider_check');
  applicationId = app.id;
  // The provider confirms: the enterprise hears of it in its inbox.
  const res = await mp.t.http
    .post(`/api/v1/provider/applications/${app.id}/confirm`)
    .set('authorization', `Bearer ${owner.token}`)
    .send({ version: app.version, effectEvaluation: '效果良好' });
  expect(res.status).toBe(200);
  // …and of the county's return.
  const reviewer = await person(mp.t, 'me-county');
  await mp.t.grant(reviewer.token, 'county_miit', enterprise.countyCode);
  const version = (await mp.t.db.read((tx) => findApplication(tx, app.id)))!.version;
  const returned = await mp.t.http
    .post(`/api/v1/county/applications/${app.id}/opinion`)
    .set('authorization', `Bearer ${reviewer.token}`)
    .send({
      version,
      decision: 'return',
      ratings: { effect: 3, service: 3 },
      reasons: [{ material: '收付款凭证', message: '请补充银行回单' }],
    });
  expect(returned.status).toBe(200);
});
afterAll(async () => {
  await mp.close();
});

test('the inbox: what happened, unread first; opening one marks it read and goes to its page', async () => {
  mp.as('me-clerk');
  const inbox = await mp.open('pages/me/inbox/inbox');
  expect(inbox.data.unreadCount).toBe(2);
  expect(inbox.text).toContain('申报进度');
  expect(inbox.text).toContain('请补充银行回单');
  const unread = inbox.data.unreadCount as number;
  await inbox.tap('.message');
  expect(inbox.data.unreadCount).toBe(unread - 1);
  expect(mp.wx.navigations.at(-1)!.url).toBe(`/pages/enterprise/application/application?id=${applicationId}`);
  const me = await mp.open('pages/me/me');
  expect(me.data.unreadCount).toBe(unread - 1);
  await inbox.tap('.read-all');
  expect(inbox.data.unreadCount).toBe(0);
});

test('notification settings: per kind and channel, the inbox locked on, quiet hours, a subscription from the tap', async () => {
  mp.as('me-clerk');
  const page = await mp.open('pages/me/notify/notify');
  const groups = () => page.data.groups as { key: string; channels: { channel: string; on: boolean; locked: boolean }[] }[];
  expect(
    groups()
      .find((g) => g.key === 'progress')!
      .channels.find((c) => c.channel === 'inbox'),
  ).toMatchObject({ on: true, locked: true });
  await page.change('.toggle', false, 2); // 进度 · 公众号消息
  expect(
    groups()
      .find((g) => g.key === 'progress')!
      .channels.find((c) => c.channel === 'oa_template')!.on,
  ).toBe(false);
  await page.call('onQuietToggle', { detail: { value: true } });
  expect(page.data.quietOn).toBe(true);
  const saved = await mp.t.http.get('/api/v1/notification-preferences').set('authorization', `Bearer ${clerk.token}`);
  expect(saved.body).toMatchObject({ groups: { progress: { oa_template: false } }, quietHours: { start: '22:00', end: '08:00' } });
  await page.tap('.subscribe');
  expect(mp.wx.subscribeRequests.at(-1)!.length).toBeGreaterThan(0);
  expect(mp.wx.subscribeRequests.at(-1)!.length).toBeLessThanOrEqual(3);
});

test('the official account binding code, ready to paste', async () => {
  mp.as('me-clerk');
  const page = await mp.open('pages/me/binding/binding');
  expect(page.text).toContain('尚未绑定公众号');
  await page.tap('.get-code');
  const code = String(page.data.code);
  expect(code).not.toBe('');
  expect(page.text).toContain(`请在公众号对话框中发送：绑定 ${code}`);
  await page.tap('.copy');
  expect(mp.wx.storage.get('__clipboard')).toBe(`绑定 ${code}`);
});

test('an invitation code from the administrator’s page opens a reviewer’s account, and the home page follows', async () => {
  const admin = await person(mp.t, 'me-admin');
  await mp.t.grant(admin.token, 'admin');
  mp.as('me-admin');
  const adminPage = await mp.open('pages/admin/admin');
  await adminPage.change('.role-picker', '0').catch(() => undefined);
  await adminPage.call('onRole', { detail: { value: '0' } }); // county_miit
  await adminPage.tap('.create');
  expect(adminPage.data.error).toBe('县级角色须选择县（市）区');
  await adminPage.call('onCounty', { detail: { value: '9' } }); // 铁力市
  await adminPage.input('.note', '铁力市工信局 王科长');
  await adminPage.tap('.create');
  const code = String(adminPage.data.code);
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  expect(adminPage.text).toContain('铁力市');
  await adminPage.tap('.verify');
  expect(adminPage.data.auditText).toMatch(/^完好/);

  mp.as('new-reviewer');
  const invite = await mp.open('pages/me/invite/invite');
  await invite.input('.code', 'WRONG-CODE');
  await invite.tap('.redeem');
  expect(invite.data.error).not.toBe('');
  await invite.input('.code', code.toLowerCase());
  await invite.tap('.redeem');
  expect(invite.data.granted).toBe('县（市）区工信部门 · 铁力市');
  const home = await mp.open('pages/home/home');
  expect((home.data.entries as { title: string }[]).map((e) => e.title)).toEqual(['待审申请', '企业核验', '联合行文']);

  // The reviewer names themself (issue 14 item 9): until then others read the role's Chinese name.
  const me = await mp.open('pages/me/me');
  expect(me.data.nameText).toBe('未填写');
  expect(me.data.nameHint).toBe('未填写时显示为“县（市）区工信部门经办人”');
  mp.wx.modalAnswers.push({ confirm: true, content: '王' });
  await me.tap('.display-name');
  expect(mp.wx.modals.at(-1)!.content).toBe('姓名至少 2 个字');
  expect(me.data.nameText).toBe('未填写');
  mp.wx.modalAnswers.push({ confirm: true, content: ' 王小川 ' });
  await me.tap('.display-name');
  expect(me.data.nameText).toBe('王小川');
  const reviewer = await person(mp.t, 'new-reviewer');
  const saved = await mp.t.http.get('/api/v1/me/display-name').set('authorization', `Bearer ${reviewer.token}`);
  expect(saved.body).toEqual({ displayName: '王小川', shownAs: '王小川' });
});

test('the registry as the contract’s picker hands the provider back to the application', async () => {
  mp.as('me-clerk');
  const registry = await mp.open('pages/enterprise/providers/providers', { pick: '1' });
  expect(registry.all('.provider').length).toBeGreaterThan(0);
  expect(registry.text).toContain('伊春优惠');
  // Each provider's record of county ratings, in words (issue 14 item 10).
  expect(registry.find('.rating-record').dom!.textContent!.replace(/\s+/g, ' ')).toMatch(
    /服务评价 (尚无县级审核评分|县级审核同意时评分 \d+ 次：)/,
  );
  await registry.tap('.choose');
  expect(mp.wx.storage.get('apply.pickedProvider')).toMatchObject({ name: '黑龙江北疆云智科技有限公司' });
  expect(mp.wx.navigations.at(-1)!.kind).toBe('navigateBack');
});

test('WeChat Pay to a provider without a merchant account: not offered, and the page says so in its own words', async () => {
  mp.as('me-clerk');
  const pay = await mp.open('pages/enterprise/pay/pay', { applicationId, amountFen: '12000000', provider: encodeURIComponent('北疆云') });
  expect(pay.data.amount).toBe('120000');
  const modals = mp.wx.modals.length;
  await pay.tap('.pay');
  expect(pay.data.message).toBe('该服务商暂未开通平台微信支付，请按合同约定的方式付款，并在申请的付款记录中登记。');
  expect(pay.data.id).toBe('');
  expect(pay.data.state).toBe('ready');
  expect(mp.wx.payments).toHaveLength(0);
  expect(mp.wx.modals.length).toBe(modals);
  expect((await mp.t.db.read((tx) => findApplication(tx, applicationId)))!.paidAmountFen).toBe(12_000_000);
});
