/**
 * Checks as a person types, each answering null (fine) or what to fix, in the words the server uses.
 * They save a round trip; the server checks everything again and its answer is the one that counts.
 */
import { normalizeCreditCode } from '../shared/rules/creditCode';
import { isCalendarDate } from '../shared/rules/calendar';
import { LANDLINE_PATTERN, MOBILE_PATTERN, charCount } from '../shared/contracts/filingChoices';
import { policyPack } from '../shared/pack/active';

export type Check = (value: string) => string | null;

export const required =
  (label: string): Check =>
  (v) =>
    v.trim() ? null : `请填写${label}`;

export const maxChars =
  (label: string, max: number): Check =>
  (v) => {
    const n = charCount(v.trim());
    return n > max ? `“${label}”不能超过${max}字，目前${n}字，请精简` : null;
  };

export const creditCode: Check = (v) => {
  if (!v.trim()) return null;
  const r = normalizeCreditCode(v);
  return r.ok ? null : r.message;
};

/** A mobile number no one has, for examples. */
const MOBILE_EXAMPLE = '13912345678';

/** The landline example is the bureau's own number (细则五), read from the pack when a message is made. */
function landlineExample(): string {
  return policyPack().contact.phone;
}

function normalizePhone(v: string): string {
  return v.replace(/\s+/g, '').replace(/[－—–]/g, '-');
}

export const mobile =
  (label: string): Check =>
  (v) =>
    !v.trim() || MOBILE_PATTERN.test(normalizePhone(v)) ? null : `“${label}”须为11位手机号（如 ${MOBILE_EXAMPLE}）`;

export const phone =
  (label: string): Check =>
  (v) => {
    const p = normalizePhone(v);
    return !v.trim() || MOBILE_PATTERN.test(p) || LANDLINE_PATTERN.test(p)
      ? null
      : `“${label}”须为带区号的固定电话（如 ${landlineExample()}）或11位手机号（如 ${MOBILE_EXAMPLE}）`;
  };

export const landline =
  (label: string): Check =>
  (v) =>
    !v.trim() || LANDLINE_PATTERN.test(normalizePhone(v)) ? null : `“${label}”须为带区号的固定电话（如 ${landlineExample()}）`;

/** The enterprise's contact phone: a mobile, or a landline with its area code (server: enterpriseProfileSchema). */
export const contactPhone: Check = (v) =>
  !v.trim() || /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(v.trim())
    ? null
    : `联系电话须为手机号或带区号的座机号，如 ${MOBILE_EXAMPLE} 或 ${landlineExample()}`;

export const email =
  (label: string): Check =>
  (v) =>
    !v.trim() || /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(v.trim()) ? null : `“${label}”须为有效的电子邮箱（如 name@example.cn）`;

export const url =
  (label: string): Check =>
  (v) =>
    !v.trim() || /^https?:\/\/[^\s/?#]+\.[^\s/?#]{2,}([/?#]\S*)?$/i.test(v.trim())
      ? null
      : `“${label}”须为以 http:// 或 https:// 开头的网址（如 https://cloud.example.cn）`;

export const date =
  (label: string): Check =>
  (v) =>
    !v.trim() || isCalendarDate(v.trim()) ? null : `“${label}”须为真实存在的日期，格式 YYYY-MM-DD`;

export const wholeNumber =
  (label: string): Check =>
  (v) =>
    !v.trim() || /^\d{1,9}$/.test(v.trim()) ? null : `“${label}”须为不小于0的整数`;

export const bankAccountNo: Check = (v) => (!v.trim() || /^\d{8,32}$/.test(v.replace(/\s+/g, '')) ? null : '银行账号须为 8–32 位数字');

/** The first problem of several checks, or null. */
export function firstProblem(value: string, checks: readonly Check[]): string | null {
  for (const check of checks) {
    const problem = check(value);
    if (problem) return problem;
  }
  return null;
}
