import { fenToYuanNumber, formatWanYuanExact, maskAccountNo, sumFen } from '../../../server/src/documents/common';
import { formatShanghaiTime } from '../../../server/src/documents/xlsx';

describe('helpers of the settlement form, the joint report and the lists', () => {
  test.each<[number, string]>([
    [16_000_001, '16.000001 万元'],
    [15_000_000, '15.00 万元'],
    [12_340_000, '12.34 万元'],
    [12_345_600, '12.3456 万元'],
    [0, '0.00 万元'],
    [-9_999_999, '-9.999999 万元'],
  ])('formatWanYuanExact(%d) = %s', (fen, text) => {
    expect(formatWanYuanExact(fen)).toBe(text);
  });

  test('sumFen adds integers and refuses what is not fen', () => {
    expect(sumFen([3_333_333, 3_333_333, 3_333_333])).toBe(9_999_999);
    expect(sumFen([])).toBe(0);
    expect(() => sumFen([1, 0.5])).toThrow(RangeError);
    expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });

  test('fenToYuanNumber gives the double of the exact 元 amount', () => {
    expect(fenToYuanNumber(9_999_999)).toBe(99999.99);
    expect(fenToYuanNumber(6_000_001)).toBe(60000.01);
    expect(fenToYuanNumber(-1)).toBe(-0.01);
    expect(() => fenToYuanNumber(1.5)).toThrow(RangeError);
  });

  test('maskAccountNo keeps the last four digits only', () => {
    expect(maskAccountNo('6222 0212 3456 7890')).toBe('************7890');
    expect(maskAccountNo('1234')).toBe('1234');
    expect(maskAccountNo(null)).toBe('');
  });

  test('formatShanghaiTime: UTC+8, across midnight and the year', () => {
    expect(formatShanghaiTime('2025-12-31T16:00:00.000Z')).toBe('2026-01-01 00:00:00');
    expect(formatShanghaiTime('not a time')).toBe('not a time');
  });
});
