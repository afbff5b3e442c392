/**
 * 三（一）: 云服务商实行备案管理制 — the five conditions a cloud provider must meet to be filed (备案) with city
 * MIIT, each with the 备案材料 of 三（二） that carry its evidence, so that city MIIT checks them one by one
 * beside the evidence rather than from memory. A filing is approved only when every one is confirmed.
 */
import type { FilingMaterialKind } from './filingSubmit';
import { policyPack } from '../pack/active';

export interface FilingCondition {
  /** 三（一）1–5. */
  no: number;
  clause: string;
  /** The clause's words: the city's own (its pack's forms.filingConditions), read at each use. */
  readonly text: string;
  /** The materials (三（二）) in which its evidence lies. */
  materials: readonly FilingMaterialKind[];
}

/** 三（一）n: its words are the pack's; the materials that carry its evidence are the product's reading of 三（二）. */
function condition<const M extends readonly FilingMaterialKind[]>(no: 1 | 2 | 3 | 4 | 5, materials: M) {
  return {
    no,
    clause: `三（一）${no}`,
    get text(): string {
      return policyPack().forms.filingConditions[no - 1];
    },
    materials,
  };
}

export const FILING_CONDITIONS = [
  condition(1, ['business_license_financials', 'truthfulness_pledge']),
  condition(2, ['catalogue']),
  condition(3, ['case_evidence']),
  condition(4, ['qualifications']),
  condition(5, ['promotion_training_plan']),
] as const satisfies readonly FilingCondition[];

/** 三（一）1–5: how many distinct conditions of 三（一） the reviewer confirmed; numbers that name none do not count. */
export function confirmedConditionCount(confirmed: readonly number[]): number {
  return new Set(confirmed.filter((n) => FILING_CONDITIONS.some((c) => c.no === n))).size;
}

/**
 * 三（一）: a filing is approved only when city MIIT has checked every one of the five conditions against its
 * evidence. The Chinese reason when one is left unconfirmed, or null.
 */
export function unconfirmedConditionsProblem(confirmed: readonly number[]): string | null {
  return confirmedConditionCount(confirmed) === FILING_CONDITIONS.length ? null : '请逐条核对三（一）1–5 的五项条件后再通过备案';
}
