/**
 * 核定金额 (三（五）; DESIGN.md): city MIIT's verified amount is above 0, never above what the rules pay on the
 * day (一: half the contract, capped at 10万元; 二（四）: nothing without an actual payment; 四（二）: less other
 * subsidies), and says why when lower. Cases written from the policy text, boundaries included.
 */
import {
  payableNow,
  verifiedAmountFailure,
  verifiedAmountProblem,
  verifyAmount,
  type AmountFacts,
} from '../../../shared/src/rules/verifiedAmount';

const ON = '2024-06-30';

describe('payableNow: what the rules pay on the day', () => {
  // [what, facts, payable, computed, capped]
  const cases: [string, AmountFacts, number, number, boolean][] = [
    [
      'half the contract (一)',
      { contractAmountFen: 15_000_000, paidAmountFen: 15_000_000, otherSubsidiesFen: 0 },
      7_500_000,
      7_500_000,
      false,
    ],
    [
      'exactly at the cap of 10万元',
      { contractAmountFen: 20_000_000, paidAmountFen: 1, otherSubsidiesFen: null },
      10_000_000,
      10_000_000,
      false,
    ],
    [
      'one fen over the cap’s contract',
      { contractAmountFen: 20_000_001, paidAmountFen: 1, otherSubsidiesFen: null },
      10_000_000,
      10_000_000,
      true,
    ],
    ['half a fen rounds up', { contractAmountFen: 1, paidAmountFen: 1, otherSubsidiesFen: 0 }, 1, 1, false],
    [
      'less other subsidies (四（二）就高不重复)',
      { contractAmountFen: 15_000_000, paidAmountFen: 100, otherSubsidiesFen: 2_500_000 },
      5_000_000,
      7_500_000,
      false,
    ],
    [
      'other subsidies cover it all',
      { contractAmountFen: 15_000_000, paidAmountFen: 100, otherSubsidiesFen: 7_500_000 },
      0,
      7_500_000,
      false,
    ],
    ['nothing paid yet (二（四）发生实际支出)', { contractAmountFen: 15_000_000, paidAmountFen: 0, otherSubsidiesFen: 0 }, 0, 0, false],
    ['paid unknown', { contractAmountFen: 15_000_000, paidAmountFen: null, otherSubsidiesFen: 0 }, 0, 0, false],
    ['no contract amount', { contractAmountFen: null, paidAmountFen: 100, otherSubsidiesFen: 0 }, 0, 0, false],
    ['a contract of 0', { contractAmountFen: 0, paidAmountFen: 100, otherSubsidiesFen: 0 }, 0, 0, false],
    [
      'negative other subsidies read as none',
      { contractAmountFen: 15_000_000, paidAmountFen: 1, otherSubsidiesFen: -5 },
      7_500_000,
      7_500_000,
      false,
    ],
  ];
  test.each(cases)('%s', (_what, facts, payableFen, computedFen, capped) => {
    expect(payableNow(facts, ON)).toEqual({ payableFen, computedFen, capped });
  });
});

describe('verifiedAmountProblem and verifyAmount: the verified amount against the payable one', () => {
  const PAYABLE = 7_500_000;
  // [what, verifiedFen, reason, payableFen, Chinese reason of the refusal (null: accepted), lower, reason kept]
  const cases: [string, number | undefined, string | null, number, string | null, boolean, string | null][] = [
    ['equal to the payable amount', PAYABLE, null, PAYABLE, null, false, null],
    ['equal, a reason given is not kept', PAYABLE, '按合同', PAYABLE, null, false, null],
    ['one fen above', PAYABLE + 1, null, PAYABLE, '核定金额 75,000.01 元 高于按政策计算的可补助金额 75,000.00 元，请核减', false, null],
    ['one fen below with a reason of 2 characters', PAYABLE - 1, '核减', PAYABLE, null, true, '核减'],
    ['below, the reason trimmed', PAYABLE - 1, '  部分服务未验收 ', PAYABLE, null, true, '部分服务未验收'],
    ['below with a reason of 1 character', PAYABLE - 1, '减', PAYABLE, '核定金额低于可补助金额 75,000.00 元，请写明核减原因', true, '减'],
    ['below with a reason of spaces only', PAYABLE - 1, '   ', PAYABLE, '核定金额低于可补助金额 75,000.00 元，请写明核减原因', true, null],
    ['below without a reason', 1, null, PAYABLE, '核定金额低于可补助金额 75,000.00 元，请写明核减原因', true, null],
    ['1 fen, the smallest, with a reason', 1, '仅部分履约', PAYABLE, null, true, '仅部分履约'],
    ['0', 0, '不予补助', PAYABLE, '核定金额须大于 0', true, '不予补助'],
    ['negative', -1, '不予补助', PAYABLE, '核定金额须大于 0', true, '不予补助'],
    ['missing', undefined, null, PAYABLE, '请填写核定金额，不超过可补助金额 75,000.00 元', false, null],
    [
      'nothing payable by the rules',
      1,
      '核减',
      0,
      '按现行政策计算的可补助金额为 0（合同金额、实际支付或其他补助不满足条件），不能核定通过，请退回或不予补助',
      false,
      null,
    ],
  ];
  test.each(cases)('%s', (_what, verifiedFen, reason, payableFen, problem, lower, kept) => {
    expect(verifyAmount(verifiedFen, reason, payableFen)).toEqual({ problem, lower, reason: kept });
    expect(verifiedAmountProblem(verifiedFen, reason?.trim() || null, payableFen)).toBe(problem);
  });

  // [verifiedFen, reason, payableFen, kind of failure]
  test.each<[number | undefined, string | null, number, string | null]>([
    [undefined, null, PAYABLE, 'missing'],
    [0, null, PAYABLE, 'not-positive'],
    [PAYABLE + 1, null, PAYABLE, 'above-payable'],
    [PAYABLE - 1, '减', PAYABLE, 'reason-missing'],
    [PAYABLE - 1, '核减', PAYABLE, null],
    [PAYABLE, null, PAYABLE, null],
    [1, '核减', 0, 'nothing-payable'],
  ])('verifiedAmountFailure(%p, %p, %p) → %p', (verifiedFen, reason, payableFen, kind) => {
    expect(verifiedAmountFailure(verifiedFen, reason, payableFen)?.kind ?? null).toBe(kind);
  });
});
