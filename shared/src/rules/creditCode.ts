/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters — 登记管理部门代码 (1), 机构类别代码 (2),
 * 登记管理机关行政区划码 (3–8), 主体标识码 (9–17), 校验码 (18).
 */

// GB 32100-2015 表1: the 31 characters in use; I, O, Z, S and V are left out to avoid misreading.
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// GB 32100-2015 5.2: weights of positions 1–17 (3^(i−1) mod 31).
export const CREDIT_CODE_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export const CREDIT_CODE_LENGTH = 18;

// 登记管理部门代码 9 (工商) with 机构类别代码 2: 个体工商户, which has no legal personality.
const INDIVIDUAL_BUSINESS_PREFIX = '92';

export type CreditCodeResult = { ok: true; code: string } | { ok: false; message: string };

function charValue(ch: string): number {
  return CREDIT_CODE_ALPHABET.indexOf(ch);
}

/** The check character (position 18) for the first 17 characters; null when any is outside the alphabet. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== CREDIT_CODE_LENGTH - 1) return null;
  let sum = 0;
  for (let i = 0; i < first17.length; i += 1) {
    const value = charValue(first17.charAt(i));
    if (value < 0) return null;
    sum += value * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  // C18 = 31 − (Σ mod 31); a result of 31 is written as 0.
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET.charAt(check);
}

/**
 * Validates a code as typed (surrounding spaces and lower case tolerated) and returns it upper-cased,
 * or a Chinese message that says what is wrong and how to put it right.
 */
export function normalizeCreditCode(input: string): CreditCodeResult {
  const code = input.trim().toUpperCase();
  if (code.length === 0) {
    return { ok: false, message: '请填写统一社会信用代码（18位，见营业执照）' };
  }
  if (code.length !== CREDIT_CODE_LENGTH) {
    return {
      ok: false,
      message: `统一社会信用代码应为18位，您填写了${code.length}位，请对照营业执照核对`,
    };
  }
  for (let i = 0; i < code.length; i += 1) {
    const ch = code.charAt(i);
    if (charValue(ch) < 0) {
      const hint = 'IOZSV'.includes(ch)
        ? '（代码中不使用字母 I、O、Z、S、V，可能是数字 1、0、2、5 或字母 U 输错了）'
        : '（只能是数字0–9和大写字母，不含 I、O、Z、S、V）';
      return {
        ok: false,
        message: `统一社会信用代码第${i + 1}位“${ch}”不是有效字符${hint}，请对照营业执照核对`,
      };
    }
  }
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code.charAt(17)) {
    return {
      ok: false,
      message: '统一社会信用代码校验不通过，可能有字符输错，请对照营业执照逐位核对',
    };
  }
  return { ok: true, code };
}

export function isValidCreditCode(input: string): boolean {
  return normalizeCreditCode(input).ok;
}

/** 登记管理机关行政区划码: characters 3–8 (GB/T 2260), fixed at first registration for life. */
export function regionOf(code: string): string {
  return code.slice(2, 8);
}

/** 个体工商户: first two characters '92'. */
export function isIndividualBusiness(code: string): boolean {
  return code.startsWith(INDIVIDUAL_BUSINESS_PREFIX);
}
