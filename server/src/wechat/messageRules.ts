/**
 * WeChat's value rules for message fields, as its documentation states them
 * (订阅消息 "参数值内容限制说明"; template messages since 2023-05-04). WeChat answers a send that
 * breaks one with errcode 47003 and sends nothing, so a caller can check before sending. The WeChat
 * sandbox does not share this: it refuses by its own reading of the same documents, so the two disagree
 * when either misreads them.
 */

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;

/** Code points, not UTF-16 units: WeChat counts a character outside the BMP as one. */
function charCount(value: string): number {
  return [...value].length;
}

const DATE_PART = String.raw`(\d{4})(?:年(\d{1,2})月(\d{1,2})日|-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2}))`;
const TIME_PART = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?`;
const DATE_RE = new RegExp(`^${DATE_PART}$`);
const TIME_RE = new RegExp(`^${TIME_PART}$`);

function validDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const month = Number(m[2] ?? m[4] ?? m[6]);
  const day = Number(m[3] ?? m[5] ?? m[7]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function validTime(text: string): boolean {
  const m = TIME_RE.exec(text);
  if (!m) return false;
  return Number(m[1]) <= 23 && Number(m[2]) <= 59 && (m[3] === undefined || Number(m[3]) <= 59);
}

/** `2019年10月1日`, `2019-10-01`, `2019/10/01`, each optionally followed by a 24-hour time. */
function validDateTime(text: string, timeRequired: boolean): boolean {
  const [first, second, ...rest] = text.trim().split(/\s+/);
  if (first === undefined || rest.length > 0) return false;
  if (second === undefined) return timeRequired ? validTime(first) : validDate(first);
  return validDate(first) && validTime(second);
}

/** A single point or a range joined by "~", as WeChat allows for `date` and `time`. */
function validPointOrRange(value: string, timeRequired: boolean): boolean {
  const parts = value.split('~');
  if (parts.length > 2) return false;
  return parts.every((part) => validDateTime(part, timeRequired));
}

type Rule = (value: string) => string | null;

const SUBSCRIBE_RULES: Readonly<Record<string, Rule>> = {
  // 20个以内字符，可汉字、数字、字母或符号组合
  thing: (v) => (charCount(v) <= 20 ? null : 'longer than 20 characters'),
  // 32位以内数字，只能数字，可带小数
  number: (v) => (v.length <= 32 && /^\d+(\.\d+)?$/.test(v) ? null : 'not a number of at most 32 digits'),
  // 32位以内字母，只能字母
  letter: (v) => (/^[A-Za-z]{1,32}$/.test(v) ? null : 'not at most 32 letters'),
  // 5位以内符号，只能符号
  symbol: (v) => (charCount(v) <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v) ? null : 'not at most 5 symbols'),
  // 32位以内数字、字母或符号（no Chinese）
  character_string: (v) =>
    charCount(v) > 32 ? 'longer than 32 characters' : /^[\x20-\x7e]+$/.test(v) ? null : 'only digits, letters and symbols allowed',
  // 24小时制时间格式（支持+年月日），时间段用“~”连接
  time: (v) => (validPointOrRange(v, true) ? null : 'not a time (e.g. 15:01 or 2019年10月1日 15:01)'),
  // 年月日格式（支持+24小时制时间），时间段用“~”连接
  date: (v) => (validPointOrRange(v, false) ? null : 'not a date (e.g. 2019年10月1日)'),
  // 1个币种符号+10位以内纯数字，可带小数，结尾可带“元”
  amount: (v) =>
    /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v) ? null : 'not an amount (currency symbol, at most 10 digits, may end in 元)',
  // 17位以内，数字、符号
  phone_number: (v) => (/^[0-9+\-() ]{1,17}$/.test(v) ? null : 'not a phone number of at most 17 digits and symbols'),
  // 8位以内，第一位与最后一位可为汉字，其余为字母或数字
  car_number: (v) => {
    const chars = [...v];
    if (chars.length > 8) return 'longer than 8 characters';
    const ok = chars.every((c, i) => /^[A-Za-z0-9]$/.test(c) || ((i === 0 || i === chars.length - 1) && HAN.test(c)));
    return ok ? null : 'not a car number';
  },
  // 10个以内纯汉字或20个以内纯字母或符号；中文和字母混合按中文名算，10个字内
  name: (v) => {
    if (HAN.test(v)) return charCount(v) <= 10 ? null : 'a Chinese name longer than 10 characters';
    return charCount(v) <= 20 && !/\d/.test(v) ? null : 'not at most 20 letters or symbols';
  },
  // 5个以内汉字
  phrase: (v) => (charCount(v) <= 5 && ONLY_HAN.test(v) ? null : 'not at most 5 Chinese characters'),
};

/** The type a subscribe-message key names, e.g. `thing` for `thing12`; null when it has no known type prefix. */
export function subscribeFieldType(key: string): string | null {
  const m = /^([a-z_]+?)\d*$/.exec(key);
  if (!m || m[1] === undefined) return null;
  return Object.hasOwn(SUBSCRIBE_RULES, m[1]) ? m[1] : null;
}

/** Why WeChat would refuse this subscribe-message value (null: acceptable). Unknown key types are not judged. */
export function subscribeFieldProblem(key: string, value: string): string | null {
  const type = subscribeFieldType(key);
  if (type === null) return null;
  if (value.length === 0) return 'empty';
  const rule = SUBSCRIBE_RULES[type];
  return rule ? rule(value) : null;
}

/**
 * Official-account template message values since 2023-05-04: at most 20 characters, no line breaks; and
 * the keys of 类目模板 are typed like subscribe-message fields (a `character_string` with Chinese is
 * refused with 47003, notes/wechat.md).
 */
export function templateFieldProblem(key: string, value: string): string | null {
  if (/[\r\n]/.test(value)) return 'contains a line break';
  if (charCount(value) > 20) return 'longer than 20 characters';
  return subscribeFieldProblem(key, value);
}
