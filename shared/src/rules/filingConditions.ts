/**
 * 三（一）: 云服务商实行备案管理制 — the five conditions a cloud provider must meet to be filed (备案) with city
 * MIIT, each with the 备案材料 of 三（二） that carry its evidence, so that city MIIT checks them one by one
 * beside the evidence rather than from memory. A filing is approved only when every one is confirmed.
 */
import type { FilingMaterialKind } from './filingSubmit';

export interface FilingCondition {
  /** 三（一）1–5. */
  no: number;
  clause: string;
  /** The clause's words. */
  text: string;
  /** The materials (三（二）) in which its evidence lies. */
  materials: readonly FilingMaterialKind[];
}

export const FILING_CONDITIONS = [
  {
    no: 1,
    clause: '三（一）1',
    text: '有志于为伊春市工业企业提供云资源的优秀云服务商，企业诚信度好',
    materials: ['business_license_financials', 'truthfulness_pledge'],
  },
  {
    no: 2,
    clause: '三（一）2',
    text: '面向企业提供基础设施、能力交易、计算、存储、应用软件、服务及网络等云资源，具有较强服务能力',
    materials: ['catalogue'],
  },
  {
    no: 3,
    clause: '三（一）3',
    text: '产品或服务围绕解决企业实际问题，提供特定应用场景解决方案或具有行业应用典型案例',
    materials: ['case_evidence'],
  },
  {
    no: 4,
    clause: '三（一）4',
    text: '具有数据接入安全、平台安全和访问安全等安全保障能力，提供相应安全资质材料',
    materials: ['qualifications'],
  },
  { no: 5, clause: '三（一）5', text: '具有为上云企业提供的专业技术服务团队', materials: ['promotion_training_plan'] },
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
