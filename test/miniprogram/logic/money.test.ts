import { fenToWanText, fenToYuanText, formatFen, formatFenOrUnfilled, parseWanYuan, parseYuan } from '../../../miniprogram/logic/money';
import { contactText, orUnfilled } from '../../../miniprogram/logic/format';

describe('fen shown as 元, by integer arithmetic', () => {
  test.each([
    [7_500_001, '75,000.01 元'],
    [7_500_000, '75,000.00 元'],
    [10_000_000, '100,000.00 元'],
    [1, '0.01 元'],
    [0, '0.00 元'],
    [-12_345, '-123.45 元'],
    [Number.MAX_SAFE_INTEGER, '90,071,992,547,409.91 元'],
  ])('%d fen → %s', (fen, text) => expect(formatFen(fen)).toBe(text));

  test('nothing to show is a dash, not 0', () => {
    expect(formatFen(null)).toBe('—');
    expect(formatFen(0.5)).toBe('—');
  });

  test('what the contract answers as null (not entered yet) reads 未填写, never blank, “null” or a field name', () => {
    expect(formatFenOrUnfilled(null)).toBe('未填写');
    expect(formatFenOrUnfilled(0)).toBe('0.00 元');
    expect(formatFenOrUnfilled(12_345)).toBe('123.45 元');
    expect(orUnfilled(null)).toBe('未填写');
    expect(orUnfilled('  ')).toBe('未填写');
    expect(orUnfilled('张三')).toBe('张三');
    expect(contactText({ contactName: null, contactPhone: null })).toBe('未填写');
    expect(contactText({ contactName: '张三', contactPhone: null })).toBe('张三 未填写');
    expect(contactText({ contactName: '张三', contactPhone: '13800000000' })).toBe('张三 13800000000');
  });

  test('input boxes get plain 元', () => {
    expect(fenToYuanText(7_500_001)).toBe('75000.01');
    expect(fenToYuanText(7_500_000)).toBe('75000');
    expect(fenToYuanText(null)).toBe('');
  });
});

describe('元 typed by a person → fen', () => {
  test.each([
    ['150000', 15_000_000],
    ['150,000.5', 15_000_050],
    ['0.07', 7],
    ['120000元', 12_000_000],
    [' 1 234.56 ', 123_456],
  ])('%s → %d', (text, fen) => expect(parseYuan(text)).toEqual({ ok: true, fen }));

  test('what is not an amount says how to write one', () => {
    expect(parseYuan('')).toEqual({ ok: false, message: '请填写金额' });
    expect(parseYuan('1.234', '合同金额')).toEqual({ ok: false, message: '合同金额最多精确到分（小数点后两位）' });
    expect(parseYuan('十万')).toMatchObject({ ok: false });
    expect(parseYuan('-5')).toMatchObject({ ok: false });
  });

  test('0.1 + 0.2 never happens: 0.29 元 is 29 fen exactly', () => {
    expect(parseYuan('0.29')).toEqual({ ok: true, fen: 29 });
    expect(parseYuan('1000000.10')).toEqual({ ok: true, fen: 100_000_010 });
  });

  test('万元 of the filing form', () => {
    expect(parseWanYuan('5000', '注册资本')).toEqual({ ok: true, fen: 5_000_000_000 });
    expect(parseWanYuan('1263.45', '注册资本')).toEqual({ ok: true, fen: 1_263_450_000 });
    expect(parseWanYuan('abc', '注册资本')).toMatchObject({ ok: false });
    expect(fenToWanText(1_263_450_000)).toBe('1263.45');
    expect(fenToWanText(5_000_000_000)).toBe('5000');
  });
});
