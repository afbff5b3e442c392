/**
 * 三（一）: the five conditions of a cloud provider, each with the materials of 三（二） that carry its evidence;
 * a filing is approved only when city MIIT has confirmed all five. Written from the policy text.
 */
import { FILING_CONDITIONS, confirmedConditionCount, unconfirmedConditionsProblem } from '../../../shared/src/rules/filingConditions';

test('the five conditions of 三（一）, in the policy’s words, with their evidence', () => {
  expect(FILING_CONDITIONS.map((c) => [c.clause, c.text, [...c.materials]])).toEqual([
    ['三（一）1', '有志于为伊春市工业企业提供云资源的优秀云服务商，企业诚信度好', ['business_license_financials', 'truthfulness_pledge']],
    ['三（一）2', '面向企业提供基础设施、能力交易、计算、存储、应用软件、服务及网络等云资源，具有较强服务能力', ['catalogue']],
    ['三（一）3', '产品或服务围绕解决企业实际问题，提供特定应用场景解决方案或具有行业应用典型案例', ['case_evidence']],
    ['三（一）4', '具有数据接入安全、平台安全和访问安全等安全保障能力，提供相应安全资质材料', ['qualifications']],
    ['三（一）5', '具有为上云企业提供的专业技术服务团队', ['promotion_training_plan']],
  ]);
  expect(FILING_CONDITIONS.map((c) => c.no)).toEqual([1, 2, 3, 4, 5]);
});

const REFUSED = '请逐条核对三（一）1–5 的五项条件后再通过备案';

// [what, confirmed numbers, count, Chinese reason (null: approvable)]
const cases: [string, number[], number, string | null][] = [
  ['all five', [1, 2, 3, 4, 5], 5, null],
  ['all five in any order', [5, 3, 1, 4, 2], 5, null],
  ['all five, one twice', [1, 2, 3, 4, 5, 5], 5, null],
  ['four of five', [1, 2, 3, 4], 4, REFUSED],
  ['four, one of them twice', [1, 2, 3, 4, 4], 4, REFUSED],
  ['four and a number naming no condition', [1, 2, 3, 4, 6], 4, REFUSED],
  ['four and 0', [0, 1, 2, 3, 4], 4, REFUSED],
  ['one', [3], 1, REFUSED],
  ['none', [], 0, REFUSED],
];

test.each(cases)('%s', (_what, confirmed, count, problem) => {
  expect(confirmedConditionCount(confirmed)).toBe(count);
  expect(unconfirmedConditionsProblem(confirmed)).toBe(problem);
});
