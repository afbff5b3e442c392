import {
  anniversary,
  compareDates,
  firstAnniversary,
  isCalendarDate,
  parseCalendarDate,
  todayInShanghai,
} from '../../../shared/src/rules/calendar';

describe('isCalendarDate', () => {
  test.each([
    ['2023-01-01', true],
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['2023-12-31', true],
    ['2023-02-30', false],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2023-13-01', false],
    ['2023-00-10', false],
    ['2023-04-31', false],
    ['2023-01-00', false],
    ['2023-1-5', false],
    ['2023-01-5', false],
    ['23-01-05', false],
    ['2023/01/05', false],
    ['2023-01-05T00:00:00Z', false],
    [' 2023-01-05', false],
    ['2023-01-05 ', false],
    ['', false],
    ['1899-12-31', false],
    ['3000-01-01', false],
  ])('%j → %s', (text, valid) => {
    expect(isCalendarDate(text)).toBe(valid);
  });

  test.each([[20230105], [null], [undefined], [new Date('2023-01-05')]])('non-string %p is not a date', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });

  test('parse gives the parts', () => {
    expect(parseCalendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });
});

describe('compareDates', () => {
  test.each([
    ['2023-05-01', '2023-05-01', 0],
    ['2023-04-30', '2023-05-01', -1],
    ['2023-05-02', '2023-05-01', 1],
    ['2022-12-31', '2023-01-01', -1],
    ['2024-01-01', '2023-12-31', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareDates(a, b)).toBe(expected);
  });

  test('rejects malformed dates', () => {
    expect(() => compareDates('2023-02-30', '2023-01-01')).toThrow(RangeError);
  });
});

describe('firstAnniversary', () => {
  test.each([
    ['2020-03-01', '2021-03-01'],
    ['2019-04-12', '2020-04-12'],
    ['2020-02-29', '2021-02-28'],
    ['2023-02-28', '2024-02-28'],
    ['2023-12-31', '2024-12-31'],
    ['2023-01-01', '2024-01-01'],
  ])('%s → %s', (date, expected) => {
    expect(firstAnniversary(date)).toBe(expected);
  });

  test('29 February keeps its day when the target year is a leap year', () => {
    expect(anniversary('2020-02-29', 4)).toBe('2024-02-29');
  });
});

describe('todayInShanghai', () => {
  test.each([
    ['2024-06-29T15:59:59.999Z', '2024-06-29'],
    ['2024-06-29T16:00:00.000Z', '2024-06-30'],
    ['2023-12-31T16:00:00Z', '2024-01-01'],
    ['2024-02-28T16:30:00Z', '2024-02-29'],
    ['2024-01-01T00:00:00+08:00', '2024-01-01'],
  ])('%s → %s', (instant, expected) => {
    expect(todayInShanghai(new Date(instant))).toBe(expected);
  });

  test('rejects an invalid Date', () => {
    expect(() => todayInShanghai(new Date('nonsense'))).toThrow(RangeError);
  });
});
