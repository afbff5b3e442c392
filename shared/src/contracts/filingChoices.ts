/**
 * The choices, fixed texts and limits of the provider filing form (the city's 备案申报书 of 三（二）1,
 * seed 三（一）（二）): the boxes to tick with their wording, the 声明, the length limits, how a 万元 box
 * and a phone number are read. No zod, so the mini-program gets this file whole (npm run mp:sync); the
 * schemas that check a filing with these are ./providerFiling.ts. Pure: no I/O.
 */

import { MIN_CASES } from '../rules/filingSubmit';
import { policyPack } from '../pack/active';

// ---- choices of the form ---------------------------------------------------------------------------

/** 企业性质: the eight boxes of the form, in its order and wording (其它 is spelt so on the form). */
export const ENTERPRISE_NATURES = [
  { value: 'state_owned', label: '国有企业' },
  { value: 'collective', label: '集体企业' },
  { value: 'central_in_local', label: '中央驻地方企业' },
  { value: 'joint_venture', label: '合资（合作）企业' },
  { value: 'wholly_foreign_owned', label: '外商独资企业' },
  { value: 'private', label: '民营企业' },
  { value: 'joint_stock', label: '股份制企业' },
  { value: 'other', label: '其它' },
] as const;
export type EnterpriseNature = (typeof ENTERPRISE_NATURES)[number]['value'];

/** 平台功能（可多选）: the six boxes of the form, in its order and wording (其他 is spelt so on the form). */
export const PLATFORM_FUNCTIONS = [
  { value: 'cloud_migration', label: '企业云化迁移' },
  { value: 'management', label: '企业管理上云' },
  { value: 'service', label: '企业服务上云' },
  { value: 'equipment', label: '企业设备上云' },
  { value: 'product', label: '企业产品上云' },
  { value: 'other', label: '其他' },
] as const;
export type PlatformFunction = (typeof PLATFORM_FUNCTIONS)[number]['value'];

/** Price units of a catalogue item (三（二）5 产品报价); the label is what the registry and the print show. */
export const PRICE_UNITS = [
  { value: 'per_year', label: '元/年' },
  { value: 'per_month', label: '元/月' },
  { value: 'per_set', label: '元/套' },
  { value: 'per_user_per_year', label: '元/用户/年' },
  { value: 'per_user_per_month', label: '元/用户/月' },
  { value: 'per_device_per_year', label: '元/台/年' },
  { value: 'per_time', label: '元/次' },
  { value: 'per_project', label: '元/项' },
] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number]['value'];

export function enterpriseNatureLabel(value: string): string | undefined {
  return ENTERPRISE_NATURES.find((n) => n.value === value)?.label;
}
export function platformFunctionLabel(value: string): string | undefined {
  return PLATFORM_FUNCTIONS.find((f) => f.value === value)?.label;
}
export function priceUnitLabel(value: string): string | undefined {
  return PRICE_UNITS.find((u) => u.value === value)?.label;
}

// ---- the fixed texts of the form -----------------------------------------------------------------

/** The 声明 of the form, word for word: the provider accepts it in the app and signs it on paper. The city's own text (its pack). */
export function declarationText(): readonly string[] {
  return policyPack().forms.filingDeclaration;
}

/** 五、优惠政策: 提供针对本市企业制定的上云优惠政策，并承诺能够兑现 — the pledge in the pack's words. */
export function offersPledgeText(): string {
  return policyPack().forms.offersPledge;
}

// ---- limits --------------------------------------------------------------------------------------

export const LIMITS = {
  /** 企业及平台简介（300字以内）; counted in characters as a reader counts them (one per 汉字). */
  introductionChars: 300,
  /** At least 3 typical cases: 三（二）4 应用典型案例及佐证，3例以上. */
  minCases: MIN_CASES,
  maxCases: 20,
  maxCatalogueItems: 200,
  maxOffers: 50,
  maxCoreMembers: 30,
  shortText: 100,
  mediumText: 500,
  longText: 5000,
} as const;

/** Length as a reader counts it: one per character, so a 汉字 or an emoji outside the BMP counts as one. */
export function charCount(text: string): number {
  return [...text].length;
}

// ---- 万元 as typed on the form ------------------------------------------------------------------------

const WAN_YUAN_TEXT = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

/**
 * What a person types in a （万元） box → integer fen, by string arithmetic (no binary fractions):
 * '5000' → 5000000000, '1263.45' → 1263450000. Null for anything else (more than 6 decimals is finer than
 * a fen; up to 999,999,999.999999 万元). Commas and spaces are ignored.
 */
export function wanYuanTextToFen(text: string): number | null {
  const match = WAN_YUAN_TEXT.exec(text.replace(/[,，\s]/g, ''));
  if (match === null) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  return whole * 1_000_000 + fraction;
}

/** 0451-12345678, 045112345678, 010-12345678-801, 400-123-4567. */
export const LANDLINE_PATTERN = /^(?:0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|[48]00-?\d{3}-?\d{4})$/;
/** 中国大陆手机号. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
