import * as product from '../../../server/src/wechat/messageRules';
import * as sandbox from '../../../server/sandbox/fieldRules';

/**
 * WeChat's field rules are read twice, independently: by the product, which fits values to them before
 * sending (server/src/wechat/messageRules.ts), and by the sandbox, which refuses what breaks them
 * (server/sandbox/fieldRules.ts). Both must give the documented answers below.
 */
const IMPLEMENTATIONS = [
  [
    'product',
    {
      subscribeFieldProblem: product.subscribeFieldProblem,
      subscribeFieldType: product.subscribeFieldType,
      templateFieldProblem: product.templateFieldProblem,
    },
  ],
  [
    'sandbox',
    {
      subscribeFieldProblem: sandbox.subscribeValueRefusal,
      subscribeFieldType: sandbox.fieldType,
      templateFieldProblem: sandbox.templateValueRefusal,
    },
  ],
] as const;

describe.each(IMPLEMENTATIONS)('%s', (_name, { subscribeFieldProblem, subscribeFieldType, templateFieldProblem }) => {
  describe('subscribe message field rules', () => {
    it.each([
      ['thing1', '上云补助申请已受理'],
      ['thing2', '一二三四五六七八九十一二三四五六七八九十'],
      ['phrase3', '已受理'],
      ['character_string4', 'SY-2025-0001'],
      ['number5', '12345.67'],
      ['amount6', '¥12000.50'],
      ['amount7', '3000元'],
      ['date8', '2025年3月1日'],
      ['date9', '2025-03-01 09:30'],
      ['date10', '2025年3月1日 ~ 2025年3月5日'],
      ['time11', '15:01'],
      ['time12', '2019年10月1日 15:01'],
      ['name13', '张三'],
      ['name14', 'Zhang San'],
      ['phone_number15', '+86-0458-3888888'],
      ['car_number16', '黑F12345'],
      ['letter17', 'abc'],
      ['symbol18', '#'],
      ['keyword1', 'unknown types are not judged'],
    ])('accepts %s = %s', (key, value) => {
      expect(subscribeFieldProblem(key, value)).toBeNull();
    });

    it.each([
      ['thing1', '一二三四五六七八九十一二三四五六七八九十一'],
      ['thing1', ''],
      ['phrase2', '审核中了吗啊啊'],
      ['phrase2', 'OK'],
      ['character_string3', '编号123'],
      ['character_string3', 'x'.repeat(33)],
      ['number4', '12a'],
      ['number4', '1'.repeat(33)],
      ['amount5', '一千元'],
      ['amount5', '¥12345678901'],
      ['date6', '3月1日'],
      ['date6', '2025年13月1日'],
      ['time7', '25:00'],
      ['name8', '一二三四五六七八九十一'],
      ['name8', 'Agent 007'],
      ['phone_number9', '1'.repeat(18)],
      ['car_number10', '黑F1234567'],
    ])('refuses %s = %s', (key, value) => {
      expect(subscribeFieldProblem(key, value)).not.toBeNull();
    });

    it('reads the type from the key', () => {
      expect(subscribeFieldType('character_string12')).toBe('character_string');
      expect(subscribeFieldType('phone_number3')).toBe('phone_number');
      expect(subscribeFieldType('thing')).toBe('thing');
      expect(subscribeFieldType('keyword1')).toBeNull();
      expect(subscribeFieldType('__proto__')).toBeNull();
    });

    it('counts characters, not UTF-16 units', () => {
      expect(subscribeFieldProblem('thing1', '😀'.repeat(20))).toBeNull();
    });
  });

  describe('template message field rules', () => {
    it('at most 20 characters, no line breaks', () => {
      expect(templateFieldProblem('keyword1', '已通过初审')).toBeNull();
      expect(templateFieldProblem('keyword1', 'x'.repeat(21))).not.toBeNull();
      expect(templateFieldProblem('keyword1', 'a\r\nb')).not.toBeNull();
    });

    it('typed keys of 类目模板 follow their type, as subscribe-message fields do', () => {
      expect(templateFieldProblem('character_string1', 'SY-2026-0001')).toBeNull();
      expect(templateFieldProblem('character_string1', '编号0001')).not.toBeNull();
      expect(templateFieldProblem('time4', '2026年12月6日 09:30')).toBeNull();
      expect(templateFieldProblem('time4', '今天上午')).not.toBeNull();
      expect(templateFieldProblem('amount3', '¥1200.00')).toBeNull();
      expect(templateFieldProblem('amount3', '一千二百元')).not.toBeNull();
    });
  });
});

describe('sandbox: enum fields take only the values chosen for the template', () => {
  const chosen = new Set(['已受理', '已办结']);
  it('accepts a chosen value, refuses any other, and refuses all when none were chosen', () => {
    expect(sandbox.fieldType('enum2')).toBe('enum');
    expect(sandbox.subscribeValueRefusal('enum2', '已受理', chosen)).toBeNull();
    expect(sandbox.subscribeValueRefusal('enum2', '审核中', chosen)).not.toBeNull();
    expect(sandbox.subscribeValueRefusal('enum2', '已受理')).not.toBeNull();
    expect(sandbox.templateValueRefusal('enum2', '已办结', chosen)).toBeNull();
  });
});
