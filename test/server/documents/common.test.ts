import {
  formatDateZh,
  formatPrice,
  formatWanYuan,
  formatYearMonthZh,
  formatYuan,
  groupThousands,
} from '../../../server/src/documents/common';

describe('money formatting (integer fen, integer arithmetic)', () => {
  test.each<[number, string]>([
    [0, '0.00 元'],
    [5, '0.05 元'],
    [123456, '1,234.56 元'],
    [100_000_000, '1,000,000.00 元'],
    [-5, '-0.05 元'],
    [Number.MAX_SAFE_INTEGER, '90,071,992,547,409.91 元'],
  ])('formatYuan(%d) = %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  test('without the unit, where the label says （元）', () => {
    expect(formatYuan(123456, { unit: false })).toBe('1,234.56');
    expect(formatPrice(1_280_000, '元/年')).toBe('12,800.00 元/年');
  });

  test.each<[number, number | undefined, string]>([
    [123_400_000, undefined, '123.40 万元'],
    [12_345_000, undefined, '12.35 万元'], // 12.345 rounds half up
    [12_344_999, undefined, '12.34 万元'],
    [5_000_000_000, undefined, '5,000.00 万元'],
    [1, undefined, '0.00 万元'],
    [-1, undefined, '0.00 万元'], // no '-0.00'
    [-12_345_000, undefined, '-12.35 万元'],
    [12_345_678, 6, '12.345678 万元'],
    [12_500_000, 0, '13 万元'],
    [Number.MAX_SAFE_INTEGER, 6, '9,007,199,254.740991 万元'],
  ])('formatWanYuan(%d, decimals %p) = %s', (fen, decimals, text) => {
    expect(formatWanYuan(fen, decimals === undefined ? {} : { decimals })).toBe(text);
  });

  test('refuses what is not a whole number of fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatWanYuan(Number.NaN)).toThrow(RangeError);
    expect(() => formatWanYuan(100, { decimals: 7 })).toThrow(RangeError);
  });

  test('groupThousands', () => {
    expect(groupThousands('1234567')).toBe('1,234,567');
    expect(groupThousands('999')).toBe('999');
  });
});

describe('date formatting', () => {
  test('dates as Chinese forms write them, blanks to fill by hand', () => {
    expect(formatDateZh('2023-06-01')).toBe('2023年6月1日');
    expect(formatYearMonthZh('2023-12-31')).toBe('2023年12月');
    expect(formatDateZh(null)).toBe('　　　　年　　月　　日');
    expect(formatYearMonthZh(undefined)).toBe('　　　　年　　月');
  });
});
