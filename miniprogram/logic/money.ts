/**
 * Money is integer fen everywhere (DESIGN.md "Rules that hold everywhere"); people read and type 元.
 * Every conversion here is integer or string arithmetic: no amount ever passes through a binary fraction.
 */
import { wanYuanTextToFen } from '../shared/contracts/filingChoices';
import { formatYuan } from '../shared/glossary/money';

function split(fen: number): { sign: string; yuan: number; cents: number } {
  const abs = Math.abs(fen);
  const cents = abs % 100;
  // (abs − cents) is a multiple of 100, so the division is exact for every safe integer.
  return { sign: fen < 0 ? '-' : '', yuan: (abs - cents) / 100, cents };
}

/** 7500001 → "75,000.01 元": the glossary's one formatter, as messages and documents write it. */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isSafeInteger(fen)) return '—';
  return formatYuan(fen);
}

/** An amount the enterprise may not have entered yet (已付款 before any payment line): “未填写” rather than “—”. */
export function formatFenOrUnfilled(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '未填写' : formatFen(fen);
}

/** For an input box: 7500001 → "75000.01", 7500000 → "75000". */
export function fenToYuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isSafeInteger(fen)) return '';
  const { sign, yuan, cents } = split(fen);
  return cents === 0 ? `${sign}${yuan}` : `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}

export type ParsedMoney = { ok: true; fen: number } | { ok: false; message: string };

/** What a person types in a 元 box ("120000", "1,234.5", "120000元") → integer fen. */
export function parseYuan(text: string, label = '金额'): ParsedMoney {
  const t = text.replace(/[,，\s]/g, '').replace(/元$/, '');
  if (t === '') return { ok: false, message: `请填写${label}` };
  const match = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(t);
  if (!match) {
    return /^\d+\.\d{3,}$/.test(t)
      ? { ok: false, message: `${label}最多精确到分（小数点后两位）` }
      : { ok: false, message: `${label}请填写数字，单位为元，如 120000 或 120000.50` };
  }
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return { ok: true, fen };
}

/** 万元 on the filing form (注册资本, 云业务收入) → fen, by the server's own rule. */
export function parseWanYuan(text: string, label: string): ParsedMoney {
  if (text.trim() === '') return { ok: false, message: `请填写${label}（万元）` };
  const fen = wanYuanTextToFen(text);
  return fen === null ? { ok: false, message: `${label}请填写数字，单位为万元，最多六位小数` } : { ok: true, fen };
}

/** fen → 万元 text for the form's boxes: 5000000000 → "5000", 1263450000 → "1263.45". */
export function fenToWanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isSafeInteger(fen) || fen < 0) return '';
  const fraction = fen % 1_000_000;
  const whole = (fen - fraction) / 1_000_000;
  const decimals = String(fraction).padStart(6, '0').replace(/0+$/, '');
  return decimals ? `${whole}.${decimals}` : String(whole);
}
