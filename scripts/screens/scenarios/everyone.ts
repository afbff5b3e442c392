/** Everyone's pages: 首页 by role, 我的, the inbox, notification settings, the official account, the privacy guide, the registry, invitations and the administrator. */
import { applicationAt, enterpriseOf, person, providerOf } from '../../../test/miniprogram/support/seed';
import type { Scenario } from './types';
import { cityShort, lastCounty } from './place';
import { findApplication } from '../../../server/src/db/applications';

const FLOW_HOME = '首页与身份';
const FLOW_MESSAGES = '消息与设置';

export const everyone: Scenario[] = [
  {
    name: 'visitor',
    async run({ mp, open, shot }) {
      mp.as('visitor');
      const home = await open('pages/home/home');
      shot(home, {
        state: 'visitor',
        title: '访客：先自测（现在要做），再办理；申报条件点一下展开',
        role: 'everyone',
        flow: FLOW_HOME,
        doc: true,
      });
      const me = await open('pages/me/me');
      shot(me, { state: 'visitor', title: '我的：还没有任何身份', role: 'everyone', flow: FLOW_HOME });
      const registry = await open('pages/enterprise/providers/providers');
      shot(registry, { state: 'empty', title: '已备案云服务商：名录为空', role: 'everyone', flow: '云服务商名录' });
      const inbox = await open('pages/me/inbox/inbox');
      shot(inbox, { state: 'empty', title: '消息：暂无消息', role: 'everyone', flow: FLOW_MESSAGES });

      const notify = await open('pages/me/notify/notify');
      shot(notify, { state: 'default', title: '消息接收设置：默认（站内消息始终保留）', role: 'everyone', flow: FLOW_MESSAGES, doc: true });
      await notify.call('onQuietToggle', { detail: { value: true } });
      shot(notify, { state: 'quiet-hours', title: '消息接收设置：开启免打扰时段', role: 'everyone', flow: FLOW_MESSAGES });

      const binding = await open('pages/me/binding/binding');
      shot(binding, { state: 'unbound', title: '绑定公众号：尚未绑定', role: 'everyone', flow: FLOW_MESSAGES });
      await binding.tap('.get-code');
      shot(binding, { state: 'code', title: '绑定公众号：绑定码和发送方法', role: 'everyone', flow: FLOW_MESSAGES, doc: true });

      mp.wx.privacyNeeded = true;
      const privacy = await open('pages/me/privacy/privacy');
      shot(privacy, { state: 'to-agree', title: '隐私保护指引：待同意', role: 'everyone', flow: FLOW_MESSAGES, doc: true });
      // open-type="agreePrivacyAuthorization": WeChat records the agreement, then calls the handler.
      mp.wx.privacyNeeded = false;
      await privacy.call('onAgree');
      shot(privacy, { state: 'agreed', title: '隐私保护指引：已同意', role: 'everyone', flow: FLOW_MESSAGES, overlay: 'toast' });

      // No network: the page says so in plain words.
      mp.wx.requestsToFail = 10;
      const offline = await open('pages/me/binding/binding');
      mp.wx.requestsToFail = 0;
      shot(offline, { state: 'offline', title: '没有网络：提示检查网络', role: 'everyone', flow: FLOW_MESSAGES, overlay: 'modal' });
    },
  },
  {
    name: 'roles-and-inbox',
    async run({ mp, open, shot }) {
      const t = mp.t;
      // Someone who is both an enterprise's clerk and a provider's staff, with news in the inbox.
      const both = await person(t, 'both-roles');
      const enterprise = await enterpriseOf(t, both, { name: `${cityShort()}林都木业有限公司` });
      const owner = await person(t, 'inbox-provider');
      const provider = await providerOf(t, owner);
      await providerOf(t, both, { companyName: `${cityShort()}森林云科技有限公司`, platformName: '森林工业云' });
      const app = await applicationAt(t, enterprise, provider, 'provider_check', { contractNo: 'HT-2023-0801' });
      const confirmed = await t.http
        .post(`/api/v1/provider/applications/${app.id}/confirm`)
        .set('authorization', `Bearer ${owner.token}`)
        .send({ version: app.version, effectEvaluation: '上线后库存周转加快，效果良好' });
      if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status}`);
      const reviewer = await person(t, 'inbox-county');
      await t.grant(reviewer.token, 'county_miit', enterprise.countyCode);
      const version = (await t.db.read((tx) => findApplication(tx, app.id)))!.version;
      const returned = await t.http
        .post(`/api/v1/county/applications/${app.id}/opinion`)
        .set('authorization', `Bearer ${reviewer.token}`)
        .send({
          version,
          decision: 'return',
          ratings: { effect: 3, service: 3 },
          reasons: [{ material: '收付款凭证', message: '请补充银行回单，回单上须有收款方名称' }],
        });
      if (returned.status !== 200) throw new Error(`return: ${returned.status}`);

      mp.as('both-roles');
      const home = await open('pages/home/home');
      shot(home, { state: 'enterprise', title: '企业身份：退回的申请和意见在最前，去修改', role: 'enterprise', flow: FLOW_HOME });
      await home.tap('.role-chip', 1);
      shot(home, { state: 'provider', title: '切换为服务商身份：工作台、备案、目录、收款', role: 'provider', flow: FLOW_HOME });
      const me = await open('pages/me/me');
      shot(me, { state: 'two-roles', title: '我的：两个身份、未读消息', role: 'everyone', flow: FLOW_HOME, doc: true });
      const inbox = await open('pages/me/inbox/inbox');
      shot(inbox, { state: 'unread', title: '消息：未读在前，退回意见写明要改什么', role: 'everyone', flow: FLOW_MESSAGES, doc: true });
      await inbox.tap('.message');
      await inbox.tap('.read-all');
      shot(inbox, { state: 'all-read', title: '消息：全部已读', role: 'everyone', flow: FLOW_MESSAGES });
    },
  },
  {
    name: 'admin-and-invitations',
    async run({ mp, open, shot }) {
      const admin = await person(mp.t, 'admin');
      await mp.t.grant(admin.token, 'admin');
      mp.as('admin');
      const page = await open('pages/admin/admin');
      shot(page, { state: 'empty', title: '系统管理：生成邀请码', role: 'admin', flow: '邀请码与审计' });
      await page.call('onRole', { detail: { value: '0' } }); // county_miit
      await page.tap('.create');
      shot(page, { state: 'county-missing', title: '县级角色未选县：就地提示', role: 'admin', flow: '邀请码与审计' });
      await page.call('onCounty', { detail: { value: String(lastCounty().index) } });
      await page.input('.note', `${lastCounty().name}工信局 王科长`);
      await page.tap('.create');
      await page.call('onRole', { detail: { value: '2' } });
      await page.input('.note', '市工信局 信息化推进科');
      await page.tap('.create');
      await page.tap('.verify');
      shot(page, { state: 'codes', title: '邀请码只显示一次；已发邀请码与审计链校验', role: 'admin', flow: '邀请码与审计', doc: true });
      const code = String(page.data.code);

      mp.as('new-reviewer');
      const invite = await open('pages/me/invite/invite');
      shot(invite, { state: 'empty', title: '使用邀请码：输入框', role: 'everyone', flow: '邀请码与审计', doc: true });
      await invite.input('.code', 'WRON-GCOD-EXXX');
      await invite.tap('.redeem');
      shot(invite, { state: 'wrong-code', title: '邀请码不对：原因写在框下', role: 'everyone', flow: '邀请码与审计' });
      await invite.input('.code', code.toLowerCase());
      await invite.tap('.redeem');
      shot(invite, { state: 'granted', title: '已开通：市工信局', role: 'everyone', flow: '邀请码与审计' });
      const home = await open('pages/home/home');
      shot(home, { state: 'city-miit', title: '市工信局身份的首页：待审、备案审核、名单', role: 'city', flow: FLOW_HOME });
      for (const [name, role, county, state, title, group] of [
        ['county-reviewer', 'county_finance', lastCounty().code, 'county', '县财政身份的首页：待审、企业核验、联合行文', 'county'],
        ['city-finance', 'city_finance', undefined, 'city-finance', '市财政身份的首页：名单、预算、拨付', 'city'],
      ] as const) {
        const p = await person(mp.t, name);
        await mp.t.grant(p.token, role, county);
        mp.as(name);
        const h = await open('pages/home/home');
        shot(h, { state, title, role: group, flow: FLOW_HOME });
      }
      mp.as('admin');
      const adminHome = await open('pages/home/home');
      shot(adminHome, { state: 'admin', title: '管理员的首页', role: 'admin', flow: FLOW_HOME });
    },
  },
];
