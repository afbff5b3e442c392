/**
 * The installed pack's words as the texts of shared/ use them, each read at the moment it is asked for
 * (never at import: a test or the server may install another pack afterwards, ./active.ts). The
 * parameters of a version are read elsewhere (rules/parameters.ts); here are the names and phrases.
 */
import { policyPack } from './active';
import type { County, PackContact } from './types';

/** The policy id on the wire ("policy" of spec/eligibility.md). */
export function policyId(): string {
  return policyPack().id;
}

/** The policy's title as a person reads it. */
export function policyTitle(): string {
  return policyPack().title;
}

/** 五、联系方式: the department and its phone. */
export function policyContact(): PackContact {
  return policyPack().contact;
}

/** '市工信局信息化推进科（phone）': how a hint names whom to ask. */
export function contactText(): string {
  const { department, phone } = policyPack().contact;
  return `${department}（${phone}）`;
}

/** The city's full name, as the policy writes it in 在…设立、登记、注册. */
export function cityName(): string {
  return policyPack().city.name;
}

/** The city's counties (county-level divisions), in the pack's order. */
export function packCounties(): readonly County[] {
  return policyPack().counties;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** 1–99 as a Chinese numeral: 10 → 十, 12 → 十二, 25 → 二十五; larger numbers in Arabic digits. */
export function chineseCount(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const head = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`;
  return `${head}${ones === 0 ? '' : DIGITS[ones]}`;
}

/** '本市十个县（市）区': how a message names the choice of county (the count is the pack's). */
export function countiesPhrase(): string {
  return `${cityName()}${chineseCount(packCounties().length)}个县（市）区`;
}
