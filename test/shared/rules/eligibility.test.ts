import type { RuleId, WarningId } from '../../../shared/src/contracts/eligibility';
import { RULE_IDS } from '../../../shared/src/contracts/eligibility';
import { RULES, WARNINGS, computeSubsidyAmount, evaluateEligibility, formatYuan } from '../../../shared/src/rules/eligibility';
import {
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  firstEffectiveFrom,
  parameterOn,
  ratePercent,
  resolveEffectiveFrom,
  versionOn,
} from '../../../shared/src/rules/parameters';
import { YICHUN } from '../../../shared/src/pack/yichun';
import { policyId, policyContact } from '../../../shared/src/pack/accessors';
import { type FactsPatch, factsWith, passingFacts, withCheck } from './fixtures';

const ids = (patch: FactsPatch): { failures: string[]; warnings: WarningId[] } => {
  const verdict = evaluateEligibility(factsWith(patch));
  return { failures: verdict.failures.map((f) => f.rule), warnings: verdict.warnings.map((w) => w.rule) };
};

describe('parameters', () => {
  test('rate 50% as a rational, cap 100,000 yuan, both from clause 一', () => {
    expect(parameterOn(SUBSIDY_RATE, '2024-06-30')).toEqual({ numerator: 1, denominator: 2 });
    expect(ratePercent(parameterOn(SUBSIDY_RATE, '2024-06-30'))).toBe(50);
    expect(parameterOn(SUBSIDY_CAP_FEN, '2024-06-30')).toBe(10_000_000);
    expect(SUBSIDY_RATE.clause).toBe('一');
    expect(SUBSIDY_CAP_FEN.clause).toBe('一');
    expect(policyId()).toBe('yichun-2023-cloud');
    expect(policyContact()).toMatchObject({ department: '市工信局信息化推进科', phone: '0458-3878126' });
  });

  const dated = [
    { ...YICHUN.versions[0], id: 'one', effectiveFrom: '2023-01-01' },
    { ...YICHUN.versions[0], id: 'two', effectiveFrom: '2024-07-01', parameters: { ...YICHUN.versions[0].parameters, subsidyCapFen: 2 } },
  ];
  test.each([
    ['2022-06-01', 10_000_000],
    ['2023-01-01', 10_000_000],
    ['2024-06-30', 10_000_000],
    ['2024-07-01', 2],
    ['2030-01-01', 2],
  ])('cap in force on %s is %i', (date, value) => {
    expect(parameterOn(SUBSIDY_CAP_FEN, versionOn(date, dated))).toBe(value);
  });

  test.each([
    [undefined, firstEffectiveFrom()],
    [null, firstEffectiveFrom()],
    ['', firstEffectiveFrom()],
    ['2023-03-15', '2023-03-15'],
  ])('effective-from setting %p → %s', (setting, expected) => {
    expect(resolveEffectiveFrom(setting)).toBe(expected);
  });

  test('a malformed effective-from setting is refused', () => {
    expect(() => resolveEffectiveFrom('2023-02-30')).toThrow(RangeError);
  });
});

describe('amount', () => {
  test.each([
    // contract, other, computed, capped, payable
    [15_000_000, 0, 7_500_000, false, 7_500_000],
    [12_000_000, 0, 6_000_000, false, 6_000_000],
    [3, 0, 2, false, 2],
    [1, 0, 1, false, 1],
    [2, 0, 1, false, 1],
    [19_999_999, 0, 10_000_000, false, 10_000_000],
    [20_000_000, 0, 10_000_000, false, 10_000_000],
    [20_000_001, 0, 10_000_000, true, 10_000_000],
    [50_000_000, 0, 10_000_000, true, 10_000_000],
    [12_000_000, 2_000_000, 6_000_000, false, 4_000_000],
    [12_000_000, 5_999_999, 6_000_000, false, 1],
    [12_000_000, 6_000_000, 6_000_000, false, 0],
    [12_000_000, 9_000_000, 6_000_000, false, 0],
    [Number.MAX_SAFE_INTEGER, 0, 10_000_000, true, 10_000_000],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 10_000_000, true, 0],
  ])('contract %i, other %i → computed %i, capped %s, payable %i', (contract, other, computed, capped, payable) => {
    expect(computeSubsidyAmount(contract, other, '2024-06-30')).toEqual({
      computedFen: computed,
      capped,
      payableFen: payable,
    });
  });

  test.each([[-1], [1.5], [Number.MAX_SAFE_INTEGER + 1], [Number.NaN]])('refuses %p fen', (amount) => {
    expect(() => computeSubsidyAmount(amount, 0, '2024-06-30')).toThrow(RangeError);
  });

  test.each([
    [12_000_000, '120,000.00 元'],
    [12_000_050, '120,000.50 元'],
    [1, '0.01 元'],
    [0, '0.00 元'],
  ])('formatYuan(%i) → %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });
});

describe('rules, in the order of the spec table', () => {
  test('RULES follow the table', () => {
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(RULES.map((r) => [r.id, r.clause])).toEqual([
      ['registered-in-yichun', '二（一）'],
      ['independent-legal-person', '二（一）'],
      ['industrial-enterprise', '二（一）'],
      ['industrial-policy', '二（一）'],
      ['established-one-year', '二（二）'],
      ['operating-normally', '二（二）'],
      ['no-bad-credit', '二（二）'],
      ['no-fiscal-violation', '二（三）'],
      ['first-purchase', '二（四）'],
      ['actual-expenditure', '二（四）'],
      ['no-dishonesty', '二（五）'],
      ['apply-once', '二（六）'],
      ['provider-filed-before-contract', '三（一）'],
      ['no-double-subsidy', '四（二）'],
    ]);
    expect(WARNINGS.map((w) => w.id)).toEqual(['credit-code-region', 'paid-less-than-contract']);
  });

  test('the passing facts pass', () => {
    const verdict = evaluateEligibility(passingFacts());
    expect(verdict).toEqual({
      policy: 'yichun-2023-cloud',
      eligible: true,
      subsidyFen: 6_000_000,
      computedFen: 6_000_000,
      capped: false,
      failures: [],
      warnings: [],
    });
  });

  const individual = withCheck('92230717MA1B2C3D4');
  const yichunLegal = withCheck('91230717MA1B2C3D4');

  test.each<[string, FactsPatch, RuleId[]]>([
    ['not registered in Yichun', { enterprise: { registeredInYichun: false } }, ['registered-in-yichun']],
    ['not an independent legal person', { enterprise: { independentLegalPerson: false } }, ['independent-legal-person']],
    ["'92' credit code (个体工商户)", { enterprise: { creditCode: individual } }, ['independent-legal-person']],
    ["'91' credit code", { enterprise: { creditCode: yichunLegal } }, []],
    ['not industrial', { enterprise: { industrial: false } }, ['industrial-enterprise']],
    ["industryCode 'F'", { enterprise: { industryCode: 'F' } }, ['industrial-enterprise']],
    ["industryCode 'A'", { enterprise: { industryCode: 'A' } }, ['industrial-enterprise']],
    ["industryCode 'B'", { enterprise: { industryCode: 'B' } }, []],
    ["industryCode 'D'", { enterprise: { industryCode: 'D' } }, []],
    ['industryCode absent', { enterprise: { industryCode: undefined } }, []],
    ['not aligned with industrial policy', { enterprise: { alignedWithIndustrialPolicy: false } }, ['industrial-policy']],
    [
      'founded 2020-03-01, asOf day before anniversary',
      { asOf: '2021-02-28', enterprise: { establishedOn: '2020-03-01' } },
      ['established-one-year'],
    ],
    ['founded 2020-03-01, asOf anniversary', { asOf: '2021-03-01', enterprise: { establishedOn: '2020-03-01' } }, []],
    ['founded 2020-02-29, asOf 2021-02-27', { asOf: '2021-02-27', enterprise: { establishedOn: '2020-02-29' } }, ['established-one-year']],
    ['founded 2020-02-29, asOf 2021-02-28', { asOf: '2021-02-28', enterprise: { establishedOn: '2020-02-29' } }, []],
    ['founded 2020-02-29, asOf 2021-03-01', { asOf: '2021-03-01', enterprise: { establishedOn: '2020-02-29' } }, []],
    [
      'founded 2023-02-28, asOf 2024-02-27 (leap year)',
      { asOf: '2024-02-27', enterprise: { establishedOn: '2023-02-28' } },
      ['established-one-year'],
    ],
    ['founded 2023-02-28, asOf 2024-02-28', { asOf: '2024-02-28', enterprise: { establishedOn: '2023-02-28' } }, []],
    ['founded on asOf', { asOf: '2024-06-30', enterprise: { establishedOn: '2024-06-30' } }, ['established-one-year']],
    ['founded after asOf', { asOf: '2024-06-30', enterprise: { establishedOn: '2024-07-30' } }, ['established-one-year']],
    ['not operating normally', { enterprise: { operatingNormally: false } }, ['operating-normally']],
    ['bad credit record', { enterprise: { badCreditRecord: true } }, ['no-bad-credit']],
    ['fiscal violation', { enterprise: { seriousFiscalViolationWithin5Years: true } }, ['no-fiscal-violation']],
    ['not first purchase', { cloud: { firstPurchase: false } }, ['first-purchase']],
    ['paid 0', { cloud: { paidAmountFen: 0 } }, ['actual-expenditure']],
    ['paid 1 fen', { cloud: { paidAmountFen: 1 } }, []],
    ['dishonesty record', { enterprise: { dishonestyRecord: true } }, ['no-dishonesty']],
    ['subsidy received', { history: { subsidyReceived: true } }, ['apply-once']],
    ['application in progress', { history: { applicationInProgress: true } }, ['apply-once']],
    ['both history flags', { history: { subsidyReceived: true, applicationInProgress: true } }, ['apply-once']],
    ['provider not filed', { cloud: { providerFiledOn: null } }, ['provider-filed-before-contract']],
    ['filed the day of the contract', { cloud: { providerFiledOn: '2023-08-01', contractSignedOn: '2023-08-01' } }, []],
    ['filed the day before the contract', { cloud: { providerFiledOn: '2023-07-31', contractSignedOn: '2023-08-01' } }, []],
    [
      'filed one day after the contract',
      { cloud: { providerFiledOn: '2023-08-02', contractSignedOn: '2023-08-01' } },
      ['provider-filed-before-contract'],
    ],
    [
      'revoked on R, signed R−1',
      { cloud: { providerFiledOn: '2023-05-10', providerRevokedOn: '2023-08-02', contractSignedOn: '2023-08-01' } },
      [],
    ],
    [
      'revoked on R, signed R',
      { cloud: { providerFiledOn: '2023-05-10', providerRevokedOn: '2023-08-01', contractSignedOn: '2023-08-01' } },
      ['provider-filed-before-contract'],
    ],
    [
      'revoked on R, signed R+1',
      { cloud: { providerFiledOn: '2023-05-10', providerRevokedOn: '2023-07-31', contractSignedOn: '2023-08-01' } },
      ['provider-filed-before-contract'],
    ],
    ['revocation null', { cloud: { providerRevokedOn: null } }, []],
    ['other subsidies equal to computed', { otherSubsidiesFen: 6_000_000 }, ['no-double-subsidy']],
    ['other subsidies above computed', { otherSubsidiesFen: 8_000_000 }, ['no-double-subsidy']],
    ['other subsidies one fen below computed', { otherSubsidiesFen: 5_999_999 }, []],
  ])('%s', (_name, patch, failures) => {
    expect(ids(patch).failures).toEqual(failures);
  });

  test('all failures are reported, in table order', () => {
    const verdict = evaluateEligibility(
      factsWith({
        otherSubsidiesFen: 6_000_000,
        enterprise: { creditCode: individual, registeredInYichun: false, industryCode: 'F', dishonestyRecord: true },
        cloud: { providerFiledOn: null, paidAmountFen: 0 },
        history: { applicationInProgress: true },
      }),
    );
    expect(verdict.failures.map((f) => f.rule)).toEqual([
      'registered-in-yichun',
      'independent-legal-person',
      'industrial-enterprise',
      'actual-expenditure',
      'no-dishonesty',
      'apply-once',
      'provider-filed-before-contract',
      'no-double-subsidy',
    ]);
    expect(verdict.eligible).toBe(false);
    expect(verdict.subsidyFen).toBe(0);
    expect(verdict.computedFen).toBe(6_000_000);
  });

  test('every rule fails with its clause and a Chinese message', () => {
    const verdict = evaluateEligibility(
      factsWith({
        asOf: '2024-06-30',
        otherSubsidiesFen: 6_000_000,
        enterprise: {
          registeredInYichun: false,
          independentLegalPerson: false,
          industrial: false,
          alignedWithIndustrialPolicy: false,
          establishedOn: '2024-01-01',
          operatingNormally: false,
          badCreditRecord: true,
          seriousFiscalViolationWithin5Years: true,
          dishonestyRecord: true,
        },
        cloud: { firstPurchase: false, paidAmountFen: 0, providerFiledOn: null },
        history: { subsidyReceived: true },
      }),
    );
    expect(verdict.failures.map((f) => f.rule)).toEqual([...RULE_IDS]);
    for (const failure of verdict.failures) {
      const rule = RULES.find((r) => r.id === failure.rule);
      expect(failure.clause).toBe(rule?.clause);
      expect(failure.message).toMatch(/[\u4e00-\u9fff]/);
      expect(failure.message).toContain(failure.clause);
    }
  });

  test('messages carry the facts that matter', () => {
    const messageOf = (patch: FactsPatch, rule: RuleId): string =>
      evaluateEligibility(factsWith(patch)).failures.find((f) => f.rule === rule)?.message ?? '';
    expect(messageOf({ asOf: '2021-02-27', enterprise: { establishedOn: '2020-02-29' } }, 'established-one-year')).toContain('2021-02-28');
    expect(messageOf({ enterprise: { creditCode: individual } }, 'independent-legal-person')).toContain('92');
    expect(messageOf({ enterprise: { industryCode: 'F' } }, 'industrial-enterprise')).toContain('批发和零售业');
    expect(messageOf({ cloud: { providerFiledOn: '2023-09-01' } }, 'provider-filed-before-contract')).toContain('2023-09-01');
    expect(messageOf({ cloud: { providerRevokedOn: '2023-08-01' } }, 'provider-filed-before-contract')).toContain('撤销');
    expect(messageOf({ otherSubsidiesFen: 6_000_000 }, 'no-double-subsidy')).toContain('就高不重复');
  });
});

describe('verdict amounts', () => {
  test.each<[string, FactsPatch, { subsidyFen: number; computedFen: number; capped: boolean; eligible: boolean }]>([
    [
      '15,000,000 contract',
      { cloud: { contractAmountFen: 15_000_000, paidAmountFen: 15_000_000 } },
      { eligible: true, subsidyFen: 7_500_000, computedFen: 7_500_000, capped: false },
    ],
    [
      'exactly 20,000,000: the cap is reached, not cut',
      { cloud: { contractAmountFen: 20_000_000, paidAmountFen: 20_000_000 } },
      { eligible: true, subsidyFen: 10_000_000, computedFen: 10_000_000, capped: false },
    ],
    [
      '20,000,001: capped',
      { cloud: { contractAmountFen: 20_000_001, paidAmountFen: 20_000_001 } },
      { eligible: true, subsidyFen: 10_000_000, computedFen: 10_000_000, capped: true },
    ],
    [
      'contract 3 fen: half a fen rounds up',
      { cloud: { contractAmountFen: 3, paidAmountFen: 3 } },
      { eligible: true, subsidyFen: 2, computedFen: 2, capped: false },
    ],
    ['other = computed', { otherSubsidiesFen: 6_000_000 }, { eligible: false, subsidyFen: 0, computedFen: 6_000_000, capped: false }],
    ['other = computed − 1', { otherSubsidiesFen: 5_999_999 }, { eligible: true, subsidyFen: 1, computedFen: 6_000_000, capped: false }],
    [
      'capped and other subsidies',
      { otherSubsidiesFen: 3_000_000, cloud: { contractAmountFen: 50_000_000, paidAmountFen: 50_000_000 } },
      { eligible: true, subsidyFen: 7_000_000, computedFen: 10_000_000, capped: true },
    ],
    [
      'a failed rule pays 0 but shows computed',
      { cloud: { firstPurchase: false } },
      { eligible: false, subsidyFen: 0, computedFen: 6_000_000, capped: false },
    ],
    [
      'largest safe contract',
      { cloud: { contractAmountFen: Number.MAX_SAFE_INTEGER, paidAmountFen: Number.MAX_SAFE_INTEGER } },
      { eligible: true, subsidyFen: 10_000_000, computedFen: 10_000_000, capped: true },
    ],
  ])('%s', (_name, patch, expected) => {
    expect(evaluateEligibility(factsWith(patch))).toMatchObject(expected);
  });
});

describe('warnings', () => {
  const outsideYichun = withCheck('91110108MA1B2C3D4');
  test.each<[string, FactsPatch, WarningId[]]>([
    ['code registered outside Yichun', { enterprise: { creditCode: outsideYichun } }, ['credit-code-region']],
    ['code of 伊春市 itself (230700)', { enterprise: { creditCode: withCheck('91230700MA1B2C3D4') } }, []],
    ['code of 铁力市 230781', { enterprise: { creditCode: withCheck('91230781MA1B2C3D4') } }, []],
    ['paid less than contract', { cloud: { paidAmountFen: 11_999_999 } }, ['paid-less-than-contract']],
    ['paid 1 fen', { cloud: { paidAmountFen: 1 } }, ['paid-less-than-contract']],
    ['paid 0: a failure, not this warning', { cloud: { paidAmountFen: 0 } }, []],
    ['paid the contract', { cloud: { paidAmountFen: 12_000_000 } }, []],
    ['paid more than the contract', { cloud: { paidAmountFen: 12_000_001 } }, []],
    [
      'both',
      { enterprise: { creditCode: outsideYichun }, cloud: { paidAmountFen: 100 } },
      ['credit-code-region', 'paid-less-than-contract'],
    ],
  ])('%s', (_name, patch, warnings) => {
    const result = ids(patch);
    expect(result.warnings).toEqual(warnings);
  });

  test('warnings do not make an applicant ineligible', () => {
    const verdict = evaluateEligibility(factsWith({ enterprise: { creditCode: outsideYichun }, cloud: { paidAmountFen: 100 } }));
    expect(verdict.eligible).toBe(true);
    expect(verdict.subsidyFen).toBe(6_000_000);
    for (const warning of verdict.warnings) expect(warning.message).toMatch(/[\u4e00-\u9fff]/);
    expect(verdict.warnings[0]?.message).toContain('110108');
  });
});

describe('the policy start date is not a rule here', () => {
  test('asOf and contract before the placeholder start date still evaluate', () => {
    const verdict = evaluateEligibility(
      factsWith({
        asOf: '2022-06-30',
        enterprise: { establishedOn: '2019-04-12' },
        cloud: { providerFiledOn: '2022-01-01', contractSignedOn: '2022-02-01' },
      }),
    );
    expect(verdict.eligible).toBe(true);
    expect(verdict.subsidyFen).toBe(6_000_000);
  });
});
