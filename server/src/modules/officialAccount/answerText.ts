/**
 * What a person writes (or says: WeChat's voice recognition) to the official account, turned into an answer
 * of the self-check's flow (shared/src/rules/flow/interpreter.ts takes values, never words): 是/否 and the
 * usual ways of saying them, dates as people write them, amounts in 元 or 万, skipping, "not filed". The
 * interpreter then checks the value and applies the rules.
 */
import type { AnswerValue, FlowQuestion } from '../../../../shared/src/rules/flow/questions';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';

/** Full-width forms to ASCII (NFKC), trimmed, without trailing punctuation. */
export function normalizeChatText(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .replace(/[。.！!？?，,；;～~\s]+$/u, '')
    .trim();
}

const YES_WORDS = new Set(['是', '是的', '对', '对的', '有', '有的', '嗯', '符合', 'y', 'yes', 'true']);
const NO_WORDS = new Set(['否', '不是', '不', '不对', '没有', '没', '无', '不符合', 'n', 'no', 'false']);
const SKIP_WORDS = new Set(['跳过', '不清楚', '不知道', '不确定', 'skip']);
const NONE_WORDS = new Set(['未备案', '没有备案', '没备案', '没有', '没', '无', '否', '不是', 'none', 'null']);

/** 是/否 and the usual ways of saying them; null when the text says neither. */
export function parseYesNo(text: string): boolean | null {
  const word = normalizeChatText(text).toLowerCase();
  if (YES_WORDS.has(word)) return true;
  if (NO_WORDS.has(word)) return false;
  return null;
}

/** 2023-05-01, 2023-5-1, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501 → '2023-05-01'; null if no such day. */
export function parseHumanDate(text: string): string | null {
  const t = normalizeChatText(text).replace(/\s+/g, '');
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (match === null) return null;
  const iso = `${match[1]}-${(match[2] ?? '').padStart(2, '0')}-${(match[3] ?? '').padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : null;
}

export type YuanResult = { ok: true; fen: number } | { ok: false; message: string };

const MONEY_EXAMPLE = '例如 120000元、12万 或 120000.50';
const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An amount typed by a person, in 元 unless it says 万 or 分, to integer fen by exact decimal arithmetic
 * ("12万" → 12000000, "120000.5" → 12000050). Thousands separators and ¥ are tolerated.
 */
export function parseYuanText(text: string): YuanResult {
  const t = normalizeChatText(text)
    .replace(/[\s,，]/g, '')
    .replace(/^(¥|人民币|RMB)/i, '')
    .replace(/整$/, '');
  const match = /^(\d+)(?:\.(\d+))?(万元|万|元|块钱|块|分)?$/.exec(t);
  if (match === null) return { ok: false, message: `请回复金额，${MONEY_EXAMPLE}` };
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const unit = match[3] ?? '元';
  // Digits after the point that the unit can hold: 分 none, 元 two, 万 six.
  const places = unit === '分' ? 0 : unit.startsWith('万') ? 6 : 2;
  const fenPerUnit = unit === '分' ? 1n : unit.startsWith('万') ? 1_000_000n : 100n;
  if (fraction.length > places) {
    return {
      ok: false,
      message: unit === '分' ? '以“分”为单位时请填写整数' : '金额最多精确到分（元的小数点后两位），请重新输入',
    };
  }
  const fen = BigInt(whole) * fenPerUnit + (fraction === '' ? 0n : BigInt(fraction.padEnd(places, '0')));
  if (fen > MAX_FEN) return { ok: false, message: '金额过大，请核对后重新输入' };
  return { ok: true, fen: Number(fen) };
}

export type TextAnswer = { ok: true; value: AnswerValue } | { ok: false; message: string };

const SKIP = '不清楚可回复“跳过”。';

/**
 * The answer `text` gives to `question`, or the Chinese message saying how to answer. The value is what
 * the flow's interpreter takes: a boolean, 'YYYY-MM-DD', integer fen, a code, null for skipped/"not filed".
 */
export function answerFromText(question: FlowQuestion, content: string): TextAnswer {
  const text = normalizeChatText(content);
  if (question.optional === true && SKIP_WORDS.has(text.toLowerCase())) return { ok: true, value: null };
  switch (question.answerType) {
    case 'boolean': {
      const value = parseYesNo(text);
      return value === null ? { ok: false, message: '请回复 是 或 否' } : { ok: true, value };
    }
    case 'credit_code':
      // Spaces and dashes as people group the 18 characters; the interpreter checks the code itself.
      return { ok: true, value: text.replace(/[\s-]/g, '') };
    case 'choice': {
      const choices = question.choices ?? [];
      const wanted = text.toUpperCase();
      const hit =
        choices.find((c) => c.value.toUpperCase() === wanted || c.label.toUpperCase() === wanted) ??
        choices.find((c) => c.label.slice(c.value.length + 1) === text);
      if (hit !== undefined) return { ok: true, value: hit.value };
      const skip = question.optional === true ? `；${SKIP}` : '';
      return { ok: false, message: `请回复选项前的字母（如制造业回复 C）${skip}` };
    }
    case 'date': {
      const date = parseHumanDate(text);
      return date === null
        ? { ok: false, message: '请回复一个真实存在的日期，例如 2023-05-01 或 2023年5月1日' }
        : { ok: true, value: date };
    }
    case 'date_or_none': {
      if (NONE_WORDS.has(text.toLowerCase())) return { ok: true, value: null };
      const date = parseHumanDate(text);
      return date === null
        ? { ok: false, message: '请回复备案通过的日期（例如 2023-05-01），未备案请回复“未备案”' }
        : { ok: true, value: date };
    }
    case 'money_fen': {
      const result = parseYuanText(text);
      if (!result.ok) return result;
      if (result.fen < (question.minFen ?? 0)) return { ok: false, message: `金额须大于0，请回复实际金额，${MONEY_EXAMPLE}` };
      return { ok: true, value: result.fen };
    }
    case 'provider_id':
      if (text === '' || text.length > 128) return { ok: false, message: `请回复已备案云服务商的编号；${SKIP}` };
      return { ok: true, value: text };
  }
}
