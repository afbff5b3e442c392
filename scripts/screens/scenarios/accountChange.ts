/**
 * The receiving account changed after submission (issue 14): the enterprise asks from its application,
 * with the account-name rule beside the field, sees the change wait and may withdraw it; city finance
 * confirms it, or is told on the change who must (four eyes) — as test/miniprogram/pages/accountChange.test.ts
 * drives them.
 */
import { applicationAt, enterpriseOf, person, providerOf } from '../../../test/miniprogram/support/seed';
import { updateUser } from '../../../server/src/db/users';
import type { Scenario } from './types';
import { lastCounty } from './place';

const FLOW = '变更收款账户';

export const accountChange: Scenario[] = [
  {
    name: 'account-change',
    async run({ mp, open, shot }) {
      const t = mp.t;
      const [cityMiit, cosigner, approver] = await Promise.all(['ac-miit', 'ac-cosigner', 'ac-approver'].map((n) => person(t, n)));
      await t.grant(cityMiit.token, 'city_miit');
      await t.grant(cosigner.token, 'city_finance');
      await t.grant(approver.token, 'city_finance');
      await t.db.transaction((tx) => updateUser(tx, cosigner.userId, { displayName: '孙会签' }));
      await t.db.transaction((tx) => updateUser(tx, approver.userId, { displayName: '周审批' }));
      const clerk = await person(t, 'ac-clerk');
      const enterprise = await enterpriseOf(t, clerk, { countyCode: lastCounty().code, name: `${lastCounty().name}林海食品有限公司` });
      const provider = await providerOf(t, await person(t, 'ac-provider'));
      const app = await applicationAt(t, enterprise, provider, 'city_approved', {
        verifiedFen: 7_000_000,
        subsidyFen: 7_500_001,
        contractNo: 'TL-2023-018',
      });
      const year = Number(new Date(Date.now() + 8 * 3_600_000).getUTCFullYear());
      const auth = { authorization: `Bearer ${cityMiit.token}` };
      // On a list co-signed by 孙会签: 周审批 will approve it, so only 周审批 may confirm a change (four eyes).
      const drafted = (
        await t.http
          .post('/api/v1/city/lists')
          .set(auth)
          .send({ year, applicationIds: [app.id] })
      ).body as {
        list: { id: string; version: number };
      };
      await t.http
        .post(`/api/v1/city/lists/${drafted.list.id}/cosign`)
        .set({ authorization: `Bearer ${cosigner.token}` })
        .send({ version: drafted.list.version });

      mp.as('ac-clerk');
      const progress = await open('pages/enterprise/application/application', { id: app.id });
      shot(progress, { state: 'listed-account', title: '申请进度：收款账户与“变更收款账户”', role: 'enterprise', flow: FLOW });
      const form = await open('pages/enterprise/accountChange/accountChange', { id: app.id });
      shot(form, { state: 'form', title: '变更收款账户：开户名称须与企业名称一致', role: 'enterprise', flow: FLOW });
      await form.input('.field-accountName', '赵铁');
      await form.input('.field-accountNo', '1234');
      await form.tap('.send-change');
      shot(form, { state: 'errors', title: '填写有误：提示在各栏下方', role: 'enterprise', flow: FLOW });
      await form.input('.field-accountName', `${lastCounty().name}林海食品有限公司`);
      await form.input('.field-bankName', `中国建设银行${lastCounty().name}支行`);
      await form.input('.field-accountNo', '6217000088889999000');
      await form.input('.field-reason', '原账户已销户');
      await form.tap('.send-change');
      shot(form, { state: 'pending', title: '变更等待市财政局确认：可撤回', role: 'enterprise', flow: FLOW, doc: true });

      mp.as('ac-cosigner');
      const ledger = await open('pages/city/ledger/ledger');
      shot(ledger, { state: 'account-changes-waiting', title: '拨付台账：收款账户变更待确认', role: 'city', flow: FLOW });
      const waiting = await open('pages/city/accountChanges/accountChanges');
      shot(waiting, { state: 'waiting', title: '收款账户变更待确认：原账户与新账户', role: 'city', flow: FLOW, doc: true });
      mp.wx.modalAnswers.push({ confirm: true });
      await waiting.tap('.confirm-change');
      shot(waiting, { state: 'four-eyes', title: '会签人确认：提示应由谁确认', role: 'city', flow: FLOW });

      mp.as('ac-approver');
      const other = await open('pages/city/accountChanges/accountChanges');
      mp.wx.modalAnswers.push({ confirm: true });
      await other.tap('.confirm-change');
      shot(other, { state: 'empty', title: '已确认：没有待确认的变更', role: 'city', flow: FLOW });

      mp.as('ac-clerk');
      const after = await open('pages/enterprise/accountChange/accountChange', { id: app.id });
      shot(after, { state: 'confirmed', title: '变更已确认：新账户与变更记录', role: 'enterprise', flow: FLOW });
    },
  },
];
