/**
 * What WeChat refuses in a message's fields (errcode 47003), as the sandbox enforces it. Written from
 * WeChat's documents — 订阅消息 "参数值内容限制说明" and the template-message rules in force since
 * 2023-05-04 — and kept apart from the product's own pre-check (server/src/wechat/messageRules.ts):
 * the product fits values to its reading of the rules, the sandbox refuses by its own, so a misreading
 * in either shows up as a refused send in the tests.
 */

/** WeChat counts characters, so an emoji outside the BMP is one, not two UTF-16 units. */
const length = (s: string): number => Array.from(s).length;

const HAN_CHAR = /\p{Script=Han}/u;

/** 年月日, or with "-" or "/" between the parts (all three are what WeChat's clients show as dates). */
function isDate(s: string): boolean {
  const m = /^(\d{4})(?:年(\d{1,2})月(\d{1,2})日|([-/])(\d{1,2})\4(\d{1,2}))$/.exec(s);
  if (!m) return false;
  const month = Number(m[2] ?? m[5]);
  const day = Number(m[3] ?? m[6]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** 24小时制: hh:mm or hh:mm:ss. */
function isClock(s: string): boolean {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && (m[3] === undefined || Number(m[3]) < 60);
}

/** One point: a date with an optional time after a space, or (for `time`) a bare time. */
function isPoint(s: string, bareTimeAllowed: boolean, bareDateAllowed: boolean): boolean {
  const parts = s.trim().split(/\s+/);
  if (parts.length === 2) return isDate(parts[0]) && isClock(parts[1]);
  if (parts.length !== 1) return false;
  return (bareTimeAllowed && isClock(parts[0])) || (bareDateAllowed && isDate(parts[0]));
}

/** 支持填时间段，两个时间点之间用“~”符号连接. */
function isPointOrSpan(s: string, bareTimeAllowed: boolean, bareDateAllowed: boolean): boolean {
  const points = s.split('~');
  return points.length <= 2 && points.every((p) => isPoint(p, bareTimeAllowed, bareDateAllowed));
}

type Check = (value: string) => boolean;

/** Each type with the document's own words. */
const TYPES: ReadonlyMap<string, { rule: string; ok: Check }> = new Map([
  ['thing', { rule: '20个以内字符', ok: (v) => length(v) <= 20 }],
  ['number', { rule: '32位以内数字，可带小数', ok: (v) => v.length <= 32 && /^[0-9]+(?:\.[0-9]+)?$/.test(v) }],
  ['letter', { rule: '32位以内字母', ok: (v) => v.length <= 32 && /^[a-zA-Z]+$/.test(v) }],
  ['symbol', { rule: '5位以内符号', ok: (v) => length(v) <= 5 && /^[\p{P}\p{S}]+$/u.test(v) }],
  // 32位以内数字、字母或符号: no Chinese, no control characters.
  ['character_string', { rule: '32位以内数字、字母或符号', ok: (v) => v.length <= 32 && /^[ -~]+$/.test(v) }],
  ['time', { rule: '24小时制时间格式（支持+年月日），时间段用“~”连接', ok: (v) => isPointOrSpan(v, true, false) }],
  ['date', { rule: '年月日格式（支持+24小时制时间），时间段用“~”连接', ok: (v) => isPointOrSpan(v, false, true) }],
  ['amount', { rule: '1个币种符号+10位以内纯数字，可带小数，结尾可带“元”', ok: (v) => /^[¥￥$€£]?[0-9]{1,10}(?:\.[0-9]+)?元?$/.test(v) }],
  ['phone_number', { rule: '17位以内，数字、符号', ok: (v) => v.length <= 17 && /^[0-9+\-() ]+$/.test(v) }],
  [
    'car_number',
    {
      rule: '8位以内，第一位与最后一位可为汉字，其余为字母或数字',
      ok: (v) => {
        const cs = Array.from(v);
        return cs.length <= 8 && cs.every((c, i) => /^[A-Za-z0-9]$/.test(c) || ((i === 0 || i === cs.length - 1) && HAN_CHAR.test(c)));
      },
    },
  ],
  [
    'name',
    {
      rule: '10个以内纯汉字或20个以内纯字母或符号；中文和字母混合按中文名算',
      ok: (v) => !/[0-9]/.test(v) && (HAN_CHAR.test(v) ? length(v) <= 10 : length(v) <= 20),
    },
  ],
  ['phrase', { rule: '5个以内汉字', ok: (v) => length(v) <= 5 && /^\p{Script=Han}+$/u.test(v) }],
]);

/** `thing12` → `thing`; keys of no documented type (e.g. `keyword1`) are passed without judgement. */
export function fieldType(key: string): string | null {
  const type = key.replace(/[0-9]+$/, '');
  return TYPES.has(type) || type === 'enum' ? type : null;
}

/**
 * Why WeChat refuses this subscribe-message value, or null. `enum` (枚举值: "只能上传枚举值范围内的字段值",
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html)
 * takes only the values chosen for the template: `enumValues` (none known: every value is refused).
 */
export function subscribeValueRefusal(key: string, value: string, enumValues?: ReadonlySet<string>): string | null {
  const type = fieldType(key);
  if (type === null) return null;
  if (value === '') return 'empty';
  if (type === 'enum') return enumValues?.has(value) ? null : '枚举值范围外';
  const t = TYPES.get(type)!;
  return t.ok(value) ? null : t.rule;
}

/**
 * Template messages since 2023-05-04: 20 characters at most, no line breaks; and the keys of 类目模板
 * are typed like subscribe-message fields (`character_string1` with Chinese → 47003), per
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 * (类目模板 "参数值内容限制说明"). Keys of no documented type (`keyword1`) get the length rule only.
 */
export function templateValueRefusal(key: string, value: string, enumValues?: ReadonlySet<string>): string | null {
  if (value.includes('\n') || value.includes('\r')) return 'line break';
  if (length(value) > 20) return 'more than 20 characters';
  return subscribeValueRefusal(key, value, enumValues);
}
