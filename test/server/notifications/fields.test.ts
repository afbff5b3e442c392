import { cutSubscribeField, cutTemplateField, formatShanghaiTime } from '../../../server/src/modules/notifications/fields';
import { statusPhrase, buildSubscribeMessage, buildTemplateMessage, CHANNEL_MAP } from '../../../server/src/modules/notifications/channels';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import { TEMPLATES, type TemplateName } from '../../../server/src/modules/notifications/templates';
import { subscribeFieldProblem, templateFieldProblem } from '../../../server/src/wechat/messageRules';

const NOW = Date.UTC(2026, 2, 2, 1, 5, 0); // 2026-03-02 09:05 Asia/Shanghai

describe('subscribe-message fields are cut to their type’s rule', () => {
  test.each([
    ['thing1', '伊春市伊美区林都大街第一百零八号森林食品深加工股份有限公司', '伊春市伊美区林都大街第一百零八号森林食…'],
    ['thing2', '短名称', '短名称'],
    ['thing3', '第一行\n第二行\t第三行', '第一行 第二行 第三行'],
    ['thing4', '', '无'],
    ['phrase3', '县级审核中', '县级审核中'],
    ['phrase3', '县里正在审核材料', '县里正在审'],
    ['phrase3', 'OK 审核', '审核'],
    ['phrase3', 'approved', '有更新'],
    ['character_string1', 'YC2026（补）00001', 'YC202600001'],
    ['character_string1', 'A'.repeat(40), 'A'.repeat(32)],
    ['character_string1', '伊春', '-'],
    ['amount3', '120000.00 元', '¥120000.00'],
    ['amount3', '1,234.5元', '¥1234.5'],
    ['amount3', '金额未知', '¥0'],
    ['number4', '共 12 件', '12'],
    ['time5', '2026-03-02 09:00', '2026-03-02 09:00'],
    ['time5', '明天上午', '2026-03-02 09:05'],
    ['date6', '2026-03-02', '2026-03-02'],
    ['phone_number7', '0458-3878126（市工信局）', '0458-3878126'],
    ['name8', '王建国同志（伊春市工信局）', '王建国同志（伊春市工'],
    ['letter9', 'abc-123', 'abc'],
  ])('%s %j → %j', (key, raw, expected) => {
    const cut = cutSubscribeField(key, raw, NOW);
    expect(cut).toBe(expected);
    expect(subscribeFieldProblem(key, cut)).toBeNull();
  });

  test('a character outside the BMP counts as one (WeChat counts code points)', () => {
    const cut = cutSubscribeField('thing1', '𠀀'.repeat(25), NOW);
    expect([...cut]).toHaveLength(20);
    expect(subscribeFieldProblem('thing1', cut)).toBeNull();
  });
});

describe('official-account template fields: 20 characters, no line breaks, and the type’s rule', () => {
  test.each([
    ['thing2', '伊春市伊美区林都大街第一百零八号森林食品深加工股份有限公司'],
    ['character_string1', 'YC2026-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    ['thing3', '第一行\r\n第二行'],
    ['time4', '2026-03-02 09:00'],
    ['amount3', '99999999.99 元'],
    ['keyword1', '没有类型前缀的旧式字段，也只能二十个字以内'],
  ])('%s %j', (key, raw) => {
    const cut = cutTemplateField(key, raw, NOW);
    expect(templateFieldProblem(key, cut)).toBeNull();
    expect([...cut].length).toBeLessThanOrEqual(20);
  });
});

test('status labels become the state’s own five-character phrase', () => {
  expect(statusPhrase('需要您按意见补充或修改材料')).toBe('已退回');
  expect(statusPhrase('县级审核通过，待联合行文上报')).toBe('县级通过');
  expect(statusPhrase('补助已拨付到企业账户')).toBe('已拨付');
  expect(statusPhrase(undefined)).toBe('有更新');
});

test('time fields are Asia/Shanghai', () => {
  expect(formatShanghaiTime(Date.UTC(2026, 0, 31, 16, 30))).toBe('2026-02-01 00:30');
});

test('every template builds messages WeChat accepts on both channels, whatever its params', () => {
  const hostile: Record<string, string> = new Proxy({}, { get: () => '很长很长的企业名称'.repeat(10) + '\n' + 'x'.repeat(50) });
  for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
    expect(CHANNEL_MAP[name]).toBeDefined();
    for (const params of [{}, hostile]) {
      const rendered = TEMPLATES[name](params);
      const payload = {
        ...rendered,
        params: Object.fromEntries(
          [
            'trackingNo',
            'enterpriseName',
            'statusLabel',
            'reason',
            'nextStep',
            'companyName',
            'filingNo',
            'contractAmount',
            'stageLabel',
            'waiting',
            'overdue',
            'oldest',
          ].map((k) => [k, params === hostile ? hostile[k] : '']),
        ),
      };
      const mp = buildSubscribeMessage(name, payload, NOW, 'openid', DEFAULT_NOTIFICATION_SETTINGS);
      const oa = buildTemplateMessage(name, payload, NOW, 'openid', 'wxapp', DEFAULT_NOTIFICATION_SETTINGS);
      if (!mp.ok || !oa.ok) throw new Error(`${name} has no mapping`);
      for (const [key, { value }] of Object.entries(mp.message.data))
        expect([name, key, subscribeFieldProblem(key, value)]).toEqual([name, key, null]);
      for (const [key, { value }] of Object.entries(oa.message.data))
        expect([name, key, templateFieldProblem(key, value), subscribeFieldProblem(key, value)]).toEqual([name, key, null, null]);
    }
  }
});
