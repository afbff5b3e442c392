import { payableNow, verifiedAmountProblem } from '../../../shared/src/rules/verifiedAmount';
import { accountNameMatches } from '../../../shared/src/rules/bankAccount';

/**
 * 核定金额 (DESIGN.md: never above the payable amount, recomputed by the rules at that moment; when
 * lower, with a reason) and the receiving account (account name = the enterprise's name), by hand.
 */
describe('payableNow: 一 half the contract, at most 10万元, less other subsidies; nothing without an actual payment', () => {
  test.each<[string, { contractAmountFen: number | null; paidAmountFen: number | null; otherSubsidiesFen: number | null }, object]>([
    [
      'no contract amount',
      { contractAmountFen: null, paidAmountFen: 100, otherSubsidiesFen: null },
      { payableFen: 0, computedFen: 0, capped: false },
    ],
    [
      'a contract of nothing',
      { contractAmountFen: 0, paidAmountFen: 100, otherSubsidiesFen: null },
      { payableFen: 0, computedFen: 0, capped: false },
    ],
    [
      'nothing paid',
      { contractAmountFen: 100_000, paidAmountFen: 0, otherSubsidiesFen: null },
      { payableFen: 0, computedFen: 0, capped: false },
    ],
    [
      'no payment recorded',
      { contractAmountFen: 100_000, paidAmountFen: null, otherSubsidiesFen: null },
      { payableFen: 0, computedFen: 0, capped: false },
    ],
    [
      'half of 1,000 元',
      { contractAmountFen: 100_000, paidAmountFen: 1, otherSubsidiesFen: null },
      { payableFen: 50_000, computedFen: 50_000, capped: false },
    ],
    [
      'half a fen rounds up',
      { contractAmountFen: 3, paidAmountFen: 3, otherSubsidiesFen: 0 },
      { payableFen: 2, computedFen: 2, capped: false },
    ],
    [
      'capped at 10万元',
      { contractAmountFen: 30_000_000, paidAmountFen: 30_000_000, otherSubsidiesFen: null },
      { payableFen: 10_000_000, computedFen: 10_000_000, capped: true },
    ],
    [
      'just at the cap',
      { contractAmountFen: 20_000_000, paidAmountFen: 1, otherSubsidiesFen: null },
      { payableFen: 10_000_000, computedFen: 10_000_000, capped: false },
    ],
    [
      '四（二）就高不重复',
      { contractAmountFen: 100_000, paidAmountFen: 1, otherSubsidiesFen: 20_000 },
      { payableFen: 30_000, computedFen: 50_000, capped: false },
    ],
    [
      'a negative other subsidy counts as none',
      { contractAmountFen: 100_000, paidAmountFen: 1, otherSubsidiesFen: -5 },
      { payableFen: 50_000, computedFen: 50_000, capped: false },
    ],
  ])('%s', (_what, facts, expected) => {
    expect(payableNow(facts, '2024-06-30')).toEqual(expected);
  });
});

describe('verifiedAmountProblem: 0 < verified ≤ payable, a reason of two characters when lower', () => {
  test.each<[string, number | undefined, string | null, number, string | null]>([
    [
      'nothing payable',
      100,
      '核减',
      0,
      '按现行政策计算的可补助金额为 0（合同金额、实际支付或其他补助不满足条件），不能核定通过，请退回或不予补助',
    ],
    [
      'nothing payable, less than nothing',
      100,
      '核减',
      -1,
      '按现行政策计算的可补助金额为 0（合同金额、实际支付或其他补助不满足条件），不能核定通过，请退回或不予补助',
    ],
    ['no amount given', undefined, null, 50_000, '请填写核定金额，不超过可补助金额 500.00 元'],
    ['zero', 0, '核减', 50_000, '核定金额须大于 0'],
    ['negative', -1, '核减', 50_000, '核定金额须大于 0'],
    ['one fen', 1, '核减', 50_000, null],
    ['above payable', 50_001, null, 50_000, '核定金额 500.01 元 高于按政策计算的可补助金额 500.00 元，请核减'],
    ['exactly payable, no reason needed', 50_000, null, 50_000, null],
    ['lower, no reason', 49_999, null, 50_000, '核定金额低于可补助金额 500.00 元，请写明核减原因'],
    ['lower, whitespace', 49_999, '   ', 50_000, '核定金额低于可补助金额 500.00 元，请写明核减原因'],
    ['lower, one character', 49_999, ' 减 ', 50_000, '核定金额低于可补助金额 500.00 元，请写明核减原因'],
    ['lower, two characters', 49_999, '核减', 50_000, null],
    ['lower, three characters', 49_999, '未达标', 50_000, null],
  ])('%s', (_what, verified, reason, payable, problem) => {
    expect(verifiedAmountProblem(verified, reason, payable)).toBe(problem);
  });
});

describe('accountNameMatches: as a cashier compares them', () => {
  test.each<[string | null | undefined, string | null | undefined, boolean]>([
    ['伊春市某某木业有限公司', '伊春市某某木业有限公司', true],
    ['伊春市 某某木业 有限公司', '伊春市某某木业有限公司', true],
    ['伊春市某某（集团）有限公司', '伊春市某某(集团)有限公司', true],
    ['伊春市某某(集团)有限公司', '伊春市某某（集团）有限公司', true],
    ['伊春市某某木业有限公司', '伊春市某某林业有限公司', false],
    ['', '', false],
    ['  ', '  ', false],
    [null, null, false],
    [undefined, '伊春市某某木业有限公司', false],
    ['伊春市某某木业有限公司', null, false],
  ])('%j and %j: %s', (account, enterprise, same) => {
    expect(accountNameMatches(account, enterprise)).toBe(same);
  });
});
