/**
 * The versions of Yichun's policy. The seed (细则八) carries no 文号 and no date: 四（二）本细则自发布之日起施行.
 * Its first day is the server's POLICY_EFFECTIVE_FROM setting; the date here is the placeholder the
 * setting overrides. A revision is a new entry below, with its 文号 and first day — never an edit.
 */
import type { PolicyVersion } from '../types';

export const YICHUN_VERSIONS: readonly PolicyVersion[] = [
  {
    id: 'yichun-2023-cloud/1',
    effectiveFrom: '2023-01-01',
    source: '伊春市支持工业企业上云补助实施细则（细则八）',
    wording: {
      subsidyRate: '按照云服务合同额的50%给予补助',
      subsidyCapFen: '单户企业最高不超过10万元',
      minYearsEstablished: '企业成立时间不低于1年',
      fiscalViolationLookbackYears: '企业近5年内未出现过财政资金方面的严重违法违规情况',
      industrialSections: '符合国家和我市产业发展方向的工业企业',
    },
    parameters: {
      subsidyRate: { numerator: 1, denominator: 2 },
      subsidyCapFen: 10_000_000,
      minYearsEstablished: 1,
      fiscalViolationLookbackYears: 5,
      industrialSections: ['B', 'C', 'D'],
    },
  },
];
