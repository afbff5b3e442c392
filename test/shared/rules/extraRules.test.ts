import { failureSchema } from '../../../shared/src/contracts/responses/eligibility';
import { installPolicyPack, policyPack } from '../../../shared/src/pack/active';
import type { PolicyPack } from '../../../shared/src/pack/types';
import { YICHUN } from '../../../shared/src/pack/yichun';
import { versionOn } from '../../../shared/src/rules/parameters';
import { evaluateEligibility } from '../../../shared/src/rules/eligibility';
import { QINGCHUAN } from '../../fixtures/packs/qingchuan';
import { MIN_CONTRACT_FEN } from '../../fixtures/packs/qingchuan/versions';
import { factsWith } from './fixtures';

/**
 * A pack's extra conditions (PolicyVersion.extraRules): judged after the built-in rules, reported like
 * them with the pack's id, clause and message, taken from the version in force on the day of application.
 */
describe('extra conditions of a pack', () => {
  afterEach(() => {
    installPolicyPack(YICHUN);
  });

  const failures = (contractAmountFen: number, cloud: Record<string, unknown> = {}, asOf = '2026-03-01') =>
    evaluateEligibility(factsWith({ asOf, cloud: { contractAmountFen, paidAmountFen: contractAmountFen, ...cloud } })).failures;

  test('the seed pack has none: its verdicts are the built-in rules alone', () => {
    expect(policyPack()).toBe(YICHUN);
    expect(versionOn('2026-03-01').extraRules ?? []).toEqual([]);
    expect(failures(MIN_CONTRACT_FEN - 1)).toEqual([]);
  });

  test('the second pack refuses a contract under its minimum, with its own rule id, clause and a message naming the amount', () => {
    installPolicyPack(QINGCHUAN);
    const verdict = evaluateEligibility(
      factsWith({ asOf: '2026-03-01', cloud: { contractAmountFen: 1_999_999, paidAmountFen: 1_999_999 } }),
    );
    expect(verdict).toMatchObject({ eligible: false, subsidyFen: 0 });
    expect(verdict.failures).toEqual([
      { rule: 'contract-at-least-20k', clause: '二（七）', message: expect.stringContaining('19,999.99 元') },
    ]);
    expect(verdict.failures[0].message).toContain('二（七）');
    expect(failures(MIN_CONTRACT_FEN)).toEqual([]);
  });

  test('after the built-in failures, in the order the pack lists them', () => {
    installPolicyPack(QINGCHUAN);
    expect(failures(100, { firstPurchase: false }).map((f) => f.rule)).toEqual(['first-purchase', 'contract-at-least-20k']);
  });

  test('only from the date of the version that adds them', () => {
    const [first] = QINGCHUAN.versions;
    const laterOnly: PolicyPack = {
      ...QINGCHUAN,
      versions: [
        { ...first, extraRules: undefined },
        { ...first, id: 'qingchuan-2025-cloud/2', effectiveFrom: '2026-07-01', extraRules: first.extraRules },
      ],
    };
    installPolicyPack(laterOnly);
    expect(failures(100, {}, '2026-06-30')).toEqual([]);
    expect(failures(100, {}, '2026-07-01').map((f) => f.rule)).toEqual(['contract-at-least-20k']);
  });

  test('the answer’s contract takes the installed pack’s rule ids and no others', () => {
    const failure = { rule: 'contract-at-least-20k', clause: '二（七）', message: '合同金额低于2万元' };
    expect(failureSchema.safeParse(failure).success).toBe(false);
    installPolicyPack(QINGCHUAN);
    expect(failureSchema.safeParse(failure).success).toBe(true);
    expect(failureSchema.safeParse({ ...failure, rule: 'made-up-rule' }).success).toBe(false);
    expect(failureSchema.safeParse({ ...failure, rule: 'first-purchase' }).success).toBe(true);
  });
});
