/**
 * The one way an amount reads for a person (DESIGN.md "Notifications": amounts as `100,000.00 元`), in
 * messages, answers, screens and documents alike. Money is integer fen everywhere; every conversion here
 * is integer or string arithmetic, so no amount ever passes through a binary fraction.
 *
 * A leaf module: the rules (whose failures name amounts), the contracts, the server, the documents and
 * the mini-program (through `npm run mp:sync`) all import it, and it imports nothing.
 */

const FEN_PER_YUAN = 100;
// 1万元 = 1,000,000 fen: six decimal places of 万元 are exact to the fen.
const WAN_YUAN_DECIMALS = 6;

function requireFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount must be a safe integer number of fen: ${fen}`);
}

/** '1234567' → '1,234,567'. */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Integer quotient and remainder of non-negative safe integers. `%` is exact on doubles, and so is the
 * division of a multiple of `divisor` by it: no rounding ever enters.
 */
function divMod(value: number, divisor: number): [number, number] {
  const remainder = value % divisor;
  return [(value - remainder) / divisor, remainder];
}

export interface MoneyFormatOptions {
  /** Append the unit (' 元', ' 万元'); default true. Off where the label already says （元）/（万元）. */
  unit?: boolean;
}

/** 10000000 fen → '100,000.00 元'; 123456 → '1,234.56 元'. Exact: yuan have two decimals. */
export function formatYuan(fen: number, options: MoneyFormatOptions = {}): string {
  requireFen(fen);
  const sign = fen < 0 ? '-' : '';
  const [yuan, cents] = divMod(Math.abs(fen), FEN_PER_YUAN);
  const text = `${sign}${groupThousands(String(yuan))}.${String(cents).padStart(2, '0')}`;
  return options.unit === false ? text : `${text} 元`;
}

export interface WanYuanFormatOptions extends MoneyFormatOptions {
  /**
   * Decimals shown, 0–6 (6 is exact to the fen); default 2, rounded half up. People read at most two
   * (issue 14 item 8); six are for a signed total that must match the 元 beside it (formatWanYuanExact).
   */
  decimals?: number;
}

/** 123400000 fen → '123.40 万元' (1万元 = 1,000,000 fen). */
export function formatWanYuan(fen: number, options: WanYuanFormatOptions = {}): string {
  requireFen(fen);
  const decimals = options.decimals ?? 2;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > WAN_YUAN_DECIMALS)
    throw new RangeError(`decimals must be 0–6: ${decimals}`);
  const step = 10 ** (WAN_YUAN_DECIMALS - decimals); // fen per unit of the last decimal shown
  const [units, rest] = divMod(Math.abs(fen), step);
  const rounded = rest * 2 >= step ? units + 1 : units; // half up, on the magnitude
  const [whole, fraction] = divMod(rounded, 10 ** decimals);
  const sign = fen < 0 && rounded > 0 ? '-' : '';
  const text =
    decimals === 0
      ? `${sign}${groupThousands(String(whole))}`
      : `${sign}${groupThousands(String(whole))}.${String(fraction).padStart(decimals, '0')}`;
  return options.unit === false ? text : `${text} 万元`;
}

/**
 * 万元 exact to the fen: six decimals with the trailing zeros dropped, never fewer than two.
 * 18000003 fen → '18.000003 万元'; 15000000 fen → '15.00 万元'. Only for totals that are signed and
 * stamped, where a rounded 万元 would not match the 元 beside it.
 */
export function formatWanYuanExact(fen: number, options: MoneyFormatOptions = {}): string {
  const text = formatWanYuan(fen, { decimals: WAN_YUAN_DECIMALS, unit: false }).replace(/(\.\d\d\d*?)0+$/, '$1');
  return options.unit === false ? text : `${text} 万元`;
}
