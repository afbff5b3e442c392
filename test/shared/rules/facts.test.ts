/**
 * What the rules read and say (shared/src/rules/facts.ts): the rule ids in the order of the policy's
 * conditions, the two warnings, and the twenty sections (门类) of GB/T 4754-2017 国民经济行业分类 that
 * an enterprise names — written here from the standard, so that a changed or missing name shows.
 */
import { INDUSTRY_SECTIONS, RULE_IDS, WARNING_IDS, isIndustrySection } from '../../../shared/src/rules/facts';

/** GB/T 4754-2017, 门类 A–T, as the standard names them. */
const GB_T_4754_2017: [string, string][] = [
  ['A', '农、林、牧、渔业'],
  ['B', '采矿业'],
  ['C', '制造业'],
  ['D', '电力、热力、燃气及水生产和供应业'],
  ['E', '建筑业'],
  ['F', '批发和零售业'],
  ['G', '交通运输、仓储和邮政业'],
  ['H', '住宿和餐饮业'],
  ['I', '信息传输、软件和信息技术服务业'],
  ['J', '金融业'],
  ['K', '房地产业'],
  ['L', '租赁和商务服务业'],
  ['M', '科学研究和技术服务业'],
  ['N', '水利、环境和公共设施管理业'],
  ['O', '居民服务、修理和其他服务业'],
  ['P', '教育'],
  ['Q', '卫生和社会工作'],
  ['R', '文化、体育和娱乐业'],
  ['S', '公共管理、社会保障和社会组织'],
  ['T', '国际组织'],
];

describe('the sections of GB/T 4754-2017', () => {
  test('are the twenty of the standard, in its order, with its names', () => {
    expect(Object.entries(INDUSTRY_SECTIONS)).toEqual(GB_T_4754_2017);
  });

  test.each(GB_T_4754_2017.map(([code]) => [code]))('%s is a section', (code) => {
    expect(isIndustrySection(code)).toBe(true);
  });

  // Not a section: lower case, letters after T, more than one letter, nothing, and the names every object has.
  test.each([['c'], ['U'], ['Z'], ['CD'], [''], [' C'], ['toString'], ['constructor'], ['hasOwnProperty'], ['__proto__']])(
    '%j is not a section',
    (value) => {
      expect(isIndustrySection(value)).toBe(false);
    },
  );
});

describe('rule and warning ids', () => {
  test('one rule per condition of 二（一）–（六）, 三（一） and 四（二）, in the order the policy states them', () => {
    expect([...RULE_IDS]).toEqual([
      // 二（一）
      'registered-in-yichun',
      'independent-legal-person',
      'industrial-enterprise',
      'industrial-policy',
      // 二（二）
      'established-one-year',
      'operating-normally',
      'no-bad-credit',
      // 二（三）
      'no-fiscal-violation',
      // 二（四）
      'first-purchase',
      'actual-expenditure',
      // 二（五）
      'no-dishonesty',
      // 二（六）
      'apply-once',
      // 三（一）
      'provider-filed-before-contract',
      // 四（二）
      'no-double-subsidy',
    ]);
  });

  test('two warnings: a credit code registered outside Yichun, and less paid than the contract', () => {
    expect([...WARNING_IDS]).toEqual(['credit-code-region', 'paid-less-than-contract']);
  });
});
