/**
 * Calendar dates ('YYYY-MM-DD', Asia/Shanghai) as the policy and the API use them: whole days, no
 * time of day, no time zone arithmetic beyond the fixed +08:00 of China (no daylight saving since 1991).
 */

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

// Enterprise founding, filing, contract and application dates all fall well inside this range; the
// bound keeps every date and its anniversaries in the four-digit 'YYYY' form, so that string order is
// date order.
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseDateParts(text: string): CalendarDate | null {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/**
 * Strict parse: exactly 'YYYY-MM-DD' with zero padding, a day that exists in the calendar, and a year
 * from MIN_YEAR to MAX_YEAR.
 */
export function parseCalendarDate(text: string): CalendarDate | null {
  const parsed = parseDateParts(text);
  if (parsed === null || parsed.year < MIN_YEAR || parsed.year > MAX_YEAR) return null;
  return parsed;
}

export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && parseCalendarDate(value) !== null;
}

export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

// Lenient on the year range only, so that an anniversary computed from a valid date still compares.
function requireDate(text: string): CalendarDate {
  const parsed = parseDateParts(text);
  if (parsed === null) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return parsed;
}

/** −1, 0 or 1 as a is before, on or after b. Throws on a malformed date: callers validate input first. */
export function compareDates(a: string, b: string): -1 | 0 | 1 {
  const x = requireDate(a);
  const y = requireDate(b);
  const diff = x.year - y.year || x.month - y.month || x.day - y.day;
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

export function isBefore(a: string, b: string): boolean {
  return compareDates(a, b) < 0;
}

/**
 * The same month and day `years` later; a day that month lacks (29 February in a common year) becomes
 * the month's last day, as the spec reads 二（二）企业成立时间不低于1年.
 */
export function anniversary(date: string, years: number): string {
  if (!Number.isInteger(years) || years < 0) throw new RangeError(`years must be a non-negative integer: ${years}`);
  const { year, month, day } = requireDate(date);
  const target = year + years;
  return formatCalendarDate({ year: target, month, day: Math.min(day, daysInMonth(target, month)) });
}

/** 二（二）: the day an enterprise founded on `date` has existed for one year (29 Feb → 28 Feb). */
export function firstAnniversary(date: string): string {
  return anniversary(date, 1);
}

/** The calendar date in Asia/Shanghai at an instant given as epoch milliseconds. */
export function shanghaiDate(epochMs: number): string {
  return todayInShanghai(new Date(epochMs));
}

/** The calendar date in Asia/Shanghai at the instant `now` (fixed UTC+08:00). */
export function todayInShanghai(now: Date): string {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const shifted = new Date(ms + SHANGHAI_OFFSET_MS);
  return formatCalendarDate({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  });
}
