/**
 * Calendar dates at their edges (shared/src/rules/calendar.ts): the year range's first and last day, the
 * months of 30 days, leap years by the Gregorian rule, anniversaries of 0 years, and the Asia/Shanghai day
 * (UTC+08:00) of an instant given in milliseconds. Expected values are the calendar's, worked out by hand.
 */
import {
  anniversary,
  compareDates,
  daysInMonth,
  formatCalendarDate,
  isBefore,
  isCalendarDate,
  isLeapYear,
  parseCalendarDate,
  shanghaiDate,
} from '../../../shared/src/rules/calendar';

describe('the year range is 1900–2999, both ends included', () => {
  test.each([
    ['1900-01-01', { year: 1900, month: 1, day: 1 }],
    ['2999-12-31', { year: 2999, month: 12, day: 31 }],
    ['1899-12-31', null],
    ['3000-01-01', null],
  ])('%s → %p', (text, parsed) => {
    expect(parseCalendarDate(text)).toEqual(parsed);
    expect(isCalendarDate(text)).toBe(parsed !== null);
  });

  test('outside the range a date still compares (an anniversary may pass 2999)', () => {
    expect(compareDates('3000-01-01', '2999-12-31')).toBe(1);
    expect(compareDates('1899-12-31', '1900-01-01')).toBe(-1);
  });
});

test('only a string is a date, not an object that prints as one', () => {
  expect(isCalendarDate({ toString: () => '2023-01-05' })).toBe(false);
  expect(isCalendarDate(['2023-01-05'])).toBe(false);
  expect(isCalendarDate('2023-01-05')).toBe(true);
});

describe('the Gregorian calendar', () => {
  test.each([
    [2023, false],
    [2024, true],
    [1900, false],
    [2100, false],
    [2000, true],
    [2400, true],
    [1904, true],
  ])('%i is a leap year: %s', (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
  });

  test.each([
    [2023, 1, 31],
    [2023, 2, 28],
    [2024, 2, 29],
    [1900, 2, 28],
    [2000, 2, 29],
    [2023, 3, 31],
    [2023, 4, 30],
    [2023, 5, 31],
    [2023, 6, 30],
    [2023, 7, 31],
    [2023, 8, 31],
    [2023, 9, 30],
    [2023, 10, 31],
    [2023, 11, 30],
    [2023, 12, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
    const mm = String(month).padStart(2, '0');
    expect(isCalendarDate(`${year}-${mm}-${days}`)).toBe(true);
    expect(isCalendarDate(`${year}-${mm}-${days + 1}`)).toBe(false);
  });

  test('dates are written with four, two and two digits', () => {
    expect(formatCalendarDate({ year: 1900, month: 1, day: 5 })).toBe('1900-01-05');
    expect(formatCalendarDate({ year: 2024, month: 12, day: 31 })).toBe('2024-12-31');
  });
});

describe('compareDates and isBefore', () => {
  test.each([
    ['2023-05-01', '2023-05-01', false],
    ['2023-04-30', '2023-05-01', true],
    ['2023-05-02', '2023-05-01', false],
    ['2023-12-31', '2024-01-01', true],
    // The year decides before the month, the month before the day.
    ['2024-01-31', '2023-12-01', false],
    ['2023-02-01', '2023-01-31', false],
  ])('%s before %s: %s', (a, b, before) => {
    expect(isBefore(a, b)).toBe(before);
  });

  test.each([
    ['2023-1-01', '2023-01-01'],
    ['2023-01-01', '2023-02-29'],
    ['', '2023-01-01'],
  ])('%j or %j is not a date: refused', (a, b) => {
    expect(() => compareDates(a, b)).toThrow(/not a calendar date \(YYYY-MM-DD\)/);
  });
});

describe('anniversary', () => {
  test.each([
    ['2023-05-01', 0, '2023-05-01'],
    ['2020-02-29', 0, '2020-02-29'],
    ['2020-02-29', 1, '2021-02-28'],
    ['2020-02-29', 80, '2100-02-28'],
    ['2020-02-29', 100, '2120-02-29'],
    ['2020-01-31', 1, '2021-01-31'],
    ['2999-12-31', 1, '3000-12-31'],
  ])('%s + %i years → %s', (date, years, expected) => {
    expect(anniversary(date, years)).toBe(expected);
  });

  test.each([[-1], [0.5], [Number.NaN]])('%p years is refused', (years) => {
    expect(() => anniversary('2023-05-01', years)).toThrow(new RangeError(`years must be a non-negative integer: ${years}`));
  });

  test('a malformed date is refused', () => {
    expect(() => anniversary('2023-02-29', 1)).toThrow(RangeError);
  });
});

describe('shanghaiDate: the day in China (UTC+08:00) of an instant in epoch milliseconds', () => {
  test.each([
    // 2024-06-29T16:00:00Z is midnight in Shanghai.
    [Date.UTC(2024, 5, 29, 15, 59, 59, 999), '2024-06-29'],
    [Date.UTC(2024, 5, 29, 16, 0, 0, 0), '2024-06-30'],
    [Date.UTC(2024, 11, 31, 16, 0, 0, 0), '2025-01-01'],
    [Date.UTC(2024, 0, 1, 0, 0, 0, 0), '2024-01-01'],
    [0, '1970-01-01'],
  ])('%i → %s', (ms, expected) => {
    expect(shanghaiDate(ms)).toBe(expected);
  });

  test('an instant that is not a number is refused', () => {
    expect(() => shanghaiDate(Number.NaN)).toThrow(new RangeError('invalid Date'));
  });
});
