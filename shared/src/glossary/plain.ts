/**
 * What plain Chinese is not (issue 14 item 8): the tokens of a text that a person should never read — a
 * code or field name (snake_case, camelCase), an id (a ULID), an amount not written `100,000.00 元`, a 万元
 * figure with more than two decimals. Tests walk every text an end-to-end run shows people through it.
 */

export interface PlainProblem {
  kind: 'code' | 'id' | 'amount';
  token: string;
}

const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;
// snake_case (two words or more) and camelCase (a lower-case start with an upper-case letter inside).
const SNAKE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;
const CAMEL = /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g;
// A number followed by 元 (not 万元): the only form is 1,234.56 元 — thousands grouped, two decimals, a space.
const YUAN = /(?<![\d.,])(-?[\d,]+(?:\.\d+)?)(\s*)元/g;
const YUAN_FORM = /^-?\d{1,3}(?:,\d{3})*\.\d{2}$/;
const WAN = /(\d[\d,]*(?:\.(\d+))?)\s*万元/g;

/** Every token of `text` a person should not read; empty when the text is plain. */
export function plainProblems(text: string): PlainProblem[] {
  const out: PlainProblem[] = [];
  for (const m of text.matchAll(ULID)) out.push({ kind: 'id', token: m[0] });
  for (const m of text.matchAll(SNAKE)) out.push({ kind: 'code', token: m[0] });
  for (const m of text.matchAll(CAMEL)) out.push({ kind: 'code', token: m[0] });
  for (const m of text.matchAll(YUAN)) {
    // '10万元' is matched by WAN below: here only a number directly before 元.
    if (text[(m.index ?? 0) + m[1].length + m[2].length - 1] === '万') continue;
    if (!YUAN_FORM.test(m[1]) || m[2] !== ' ') out.push({ kind: 'amount', token: m[0] });
  }
  for (const m of text.matchAll(WAN)) if ((m[2] ?? '').length > 2) out.push({ kind: 'amount', token: m[0] });
  return out;
}
