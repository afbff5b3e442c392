/**
 * Cuts a message field to WeChat's rule for its type before the send. WeChat refuses a whole
 * message whose field breaks its rule (errcode 47003) and sends nothing, so a long company name
 * must not cost the message: each value is shaped to its type (订阅消息 "参数值内容限制说明"),
 * checked against our reading of those rules (../../wechat/messageRules.ts; the WeChat sandbox refuses by
 * its own, separately written reading), and replaced by a neutral fallback if it still fails.
 */
import { subscribeFieldProblem, subscribeFieldType, templateFieldProblem } from '../../wechat/messageRules';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ELLIPSIS = '…';

/** WeChat counts code points: a character outside the BMP is one character. */
function chars(value: string): string[] {
  return [...value];
}

function truncate(value: string, max: number): string {
  const cs = chars(value);
  if (cs.length <= max) return value;
  return cs.slice(0, max - 1).join('') + ELLIPSIS;
}

/** Line breaks are refused by template messages and make no sense in a one-line field. */
function oneLine(value: string): string {
  return value.replace(/\s+/gu, ' ').trim();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2024-05-01 08:30` in Asia/Shanghai: WeChat's `time` type (and a valid `date`). */
export function formatShanghaiTime(epochMs: number): string {
  const d = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

export function formatShanghaiDate(epochMs: number): string {
  return formatShanghaiTime(epochMs).slice(0, 10);
}

/** Shapes a value for one type; the result is checked afterwards. */
function shape(type: string | null, raw: string, max: number): string {
  const v = oneLine(raw);
  switch (type) {
    case 'phrase': {
      // 5个以内汉字: only Chinese characters survive (e.g. "县级审核中" stays, "审核 OK" → "审核").
      return chars(v.replace(/[^\p{Script=Han}]/gu, ''))
        .slice(0, 5)
        .join('');
    }
    case 'character_string': {
      // 32位以内数字、字母或符号, no Chinese: drop what is not printable ASCII.
      return v
        .replace(/[^\x20-\x7e]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, Math.min(32, max));
    }
    case 'number': {
      const m = /\d+(\.\d+)?/.exec(v.replace(/,/g, ''));
      return m ? m[0].slice(0, 32) : '';
    }
    case 'letter':
      return v.replace(/[^A-Za-z]/g, '').slice(0, 32);
    case 'symbol':
      return chars(v.replace(/[\p{L}\p{N}\s]/gu, ''))
        .slice(0, 5)
        .join('');
    case 'amount': {
      // 1个币种符号+10位以内纯数字，可带小数: "120000.00 元" → "¥120000.00".
      const m = /(\d{1,10})(?:\.(\d{1,2}))?/.exec(v.replace(/[,\s]/g, ''));
      if (!m) return '';
      return `¥${m[1]}${m[2] ? `.${m[2]}` : ''}`;
    }
    case 'phone_number':
      return v
        .replace(/[^0-9+\-() ]/g, '')
        .trim()
        .slice(0, 17);
    case 'name': {
      if (/\p{Script=Han}/u.test(v))
        return chars(v.replace(/[\d\s]/g, ''))
          .slice(0, 10)
          .join('');
      return v.replace(/\d/g, '').slice(0, 20);
    }
    case 'time':
    case 'date':
      // Built by the mapping from a timestamp; a malformed one falls back below.
      return v;
    case 'car_number':
      return chars(v).slice(0, 8).join('');
    default:
      // thing, and keys of unknown type: 20 characters of anything.
      return truncate(v, Math.min(20, max));
  }
}

function fallbackFor(type: string | null, now: number): string {
  switch (type) {
    case 'phrase':
      return '有更新';
    case 'character_string':
      return '-';
    case 'number':
      return '0';
    case 'letter':
      return 'NA';
    case 'amount':
      return '¥0';
    case 'time':
      return formatShanghaiTime(now);
    case 'date':
      return formatShanghaiDate(now);
    default:
      return '无';
  }
}

/**
 * A subscribe-message value for `key` (thing1, phrase3 …), cut to its rule. `now` supplies the
 * fallback of time/date fields.
 */
export function cutSubscribeField(key: string, raw: string, now: number): string {
  const type = subscribeFieldType(key);
  const shaped = shape(type, raw, 32);
  if (shaped !== '' && subscribeFieldProblem(key, shaped) === null) return shaped;
  return fallbackFor(type, now);
}

/**
 * An official-account template value. Since 2023-05-04 every value holds at most 20 characters
 * without line breaks; the new templates' keys are typed like subscribe messages' (thing2, time3),
 * so the type's rule applies too.
 */
export function cutTemplateField(key: string, raw: string, now: number): string {
  const type = subscribeFieldType(key);
  let shaped = shape(type, raw, 20);
  if (chars(shaped).length > 20) shaped = truncate(shaped, 20);
  const ok = (v: string) => v !== '' && templateFieldProblem(key, v) === null;
  if (ok(shaped)) return shaped;
  return fallbackFor(type, now);
}
