import { clearAccessTokens, clearOutbox } from '../../../server/src/db/testing';
import { buildSubscribeMessage, buildTemplateMessage, CHANNEL_MAP } from '../../../server/src/modules/notifications/channels';
import { resolveNotificationSettings } from '../../../server/src/modules/notifications/settings';
import { TEMPLATES, type TemplateName } from '../../../server/src/modules/notifications/templates';
import { openBench, progressParams, type Bench } from './harness';

/**
 * Issue 15, 7: the notifications against WeChat's refusals as the sandbox gives them by default — no
 * subscription (43101), not a follower (43004), a page the released mini-program lacks (41030), a value
 * that breaks its field's type (47003, the official account's typed 类目模板 keys included).
 */
let b: Bench;
beforeAll(async () => {
  b = await openBench();
});
afterAll(() => b.close());
beforeEach(async () => {
  b.sandbox.control.reset();
  // The harness starts lenient; here every refusal is on, as in WeChat.
  b.sandbox.control.configure({ strictSubscriptions: true, strictFollowers: true, strictPages: true });
  await b.db.transaction(async (tx) => {
    await clearOutbox(tx);
    await clearAccessTokens(tx);
  });
});

/** Values that push every rule: Chinese in codes, long names, line breaks, amounts with separators. */
const HARD_PARAMS: Record<string, string> = {
  ...progressParams('申报YC2026-0001号'),
  enterpriseName: '伊春市伊美区林都大街第一百零八号森林食品深加工股份有限公司',
  companyName: '黑龙江省伊春市某某云计算服务有限责任公司第一分公司',
  reason: '材料不全：\n营业执照复印件不清晰，请重新上传',
  contractAmount: '1,200,000.00 元',
  stageLabel: '县级工信部门与财政部门联合审核',
  filingId: '01J0000000000000000000000F',
  filingNo: 'YCBA-2026-001',
  paymentId: '01J0000000000000000000000P',
  waiting: '12',
  overdue: '3',
  oldest: '伊春市伊美区林都大街森林食品深加工股份有限公司的申报',
};

test('nobody subscribed or following: 43101 then 43004, both final; the inbox has it', async () => {
  const u = await b.user('refused-both');
  await b.enqueue({
    eventKey: 'refused-both',
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026RB'),
    channels: ['mp_subscribe', 'oa_template'],
  });
  await b.drain(b.worker());
  expect(await b.status(`refused-both:${u.id}:mp_subscribe`)).toMatchObject({ status: 'skipped', attempts: 1 });
  expect(await b.status(`refused-both:${u.id}:oa_template`)).toMatchObject({ status: 'skipped', attempts: 1 });
  expect(b.sandbox.state.rejected.map((r) => r.errcode)).toEqual([43101, 43004]);
  expect(await b.status(`refused-both:${u.id}:inbox`)).toMatchObject({ status: 'sent' });
});

test.each(Object.keys(CHANNEL_MAP) as TemplateName[])(
  '%s: its page is in the released mini-program and its fields pass WeChat’s rules on both channels',
  async (template) => {
    const settings = resolveNotificationSettings();
    const rendered = TEMPLATES[template](HARD_PARAMS);
    const payload = { ...rendered, params: HARD_PARAMS };
    const at = Date.UTC(2026, 11, 6, 1, 30);
    const mp = buildSubscribeMessage(template, payload, at, 'mp-rules', settings);
    const oa = buildTemplateMessage(template, payload, at, 'oa-rules', 'wx-mp', settings);
    if (!mp.ok || !oa.ok) throw new Error(`${template}: not mapped`);
    b.sandbox.control.grantSubscription('mp-rules', mp.message.templateId);
    b.sandbox.control.follow('oa-rules');
    await expect(b.wechat.mp.sendSubscribeMessage(mp.message)).resolves.toMatchObject({ msgid: expect.any(String) });
    await expect(b.wechat.oa.sendTemplateMessage(oa.message)).resolves.toMatchObject({ msgid: expect.any(String) });
    expect(b.sandbox.state.rejected).toEqual([]);
  },
);
