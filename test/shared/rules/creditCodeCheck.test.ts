/**
 * GB 32100-2015's check character on inputs that are not 17 characters of its alphabet, and the words a
 * person reads for a character outside it: written from the standard (5.2 and 表1), not from the code.
 */
import { creditCodeCheckCharacter, normalizeCreditCode } from '../../../shared/src/rules/creditCode';

describe('creditCodeCheckCharacter needs exactly 17 characters of 表1', () => {
  test.each([
    ['', null],
    ['9123072', null],
    // 16 and 18 characters: one short, one long.
    ['9123071700000000', null],
    ['912307170000000000', null],
    // 17 characters, one of them outside 表1 (I, O, Z, S, V are not used; nor lower case, nor punctuation).
    ['9123071700000000I', null],
    ['I123071700000000A', null],
    ['91230717000000o0A', null],
    ['91230717-0000000A', null],
  ])('%j → %p', (first17, expected) => {
    expect(creditCodeCheckCharacter(first17)).toBe(expected);
  });

  test('17 zeros sum to 0: the check value 31 is written 0', () => {
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
  });

  test('one 1 in position k gives 31 − weight(k), the weights being 3^(k−1) mod 31', () => {
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights.forEach((weight, k) => {
      const first17 = '0'.repeat(k) + '1' + '0'.repeat(16 - k);
      expect([k + 1, creditCodeCheckCharacter(first17)]).toEqual([k + 1, alphabet.charAt((31 - weight) % 31)]);
    });
  });
});

describe('a character outside 表1 is named, with the right advice', () => {
  test.each([
    // Letters the standard leaves out: probably a mistyped digit or U.
    ['91230724I4CL12TH89', 9, 'I', '（代码中不使用字母 I、O、Z、S、V，可能是数字 1、0、2、5 或字母 U 输错了）'],
    ['9123072404CL12TH8V', 18, 'V', '（代码中不使用字母 I、O、Z、S、V，可能是数字 1、0、2、5 或字母 U 输错了）'],
    // Anything else: what the code may hold.
    ['91230724-4CL12TH89', 9, '-', '（只能是数字0–9和大写字母，不含 I、O、Z、S、V）'],
    ['9１230724Y4CL12TH89', 2, '１', '（只能是数字0–9和大写字母，不含 I、O、Z、S、V）'],
  ])('%j: position %i “%s”', (input, position, ch, hint) => {
    expect(normalizeCreditCode(input)).toEqual({
      ok: false,
      message: `统一社会信用代码第${position}位“${ch}”不是有效字符${hint}，请对照营业执照核对`,
    });
  });
});
