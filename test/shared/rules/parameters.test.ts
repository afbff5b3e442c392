import {
  FISCAL_VIOLATION_LOOKBACK_YEARS,
  INDUSTRIAL_SECTIONS,
  MIN_YEARS_ESTABLISHED,
  PARAMETERS,
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  firstEffectiveFrom,
  parameterOn,
  ratePercent,
  resolveEffectiveFrom,
  versionById,
  versionLabel,
  versionOfApplication,
  versionOn,
  withFirstEffectiveFrom,
  wordingOn,
  type Parameter,
} from '../../../shared/src/rules/parameters';
import { installPolicyPack, policyPack } from '../../../shared/src/pack/active';
import type { PolicyVersion } from '../../../shared/src/pack/types';
import { YICHUN } from '../../../shared/src/pack/yichun';
import { policyId, policyTitle, policyContact, contactText } from '../../../shared/src/pack/accessors';
import { REVISION } from '../../fixtures/policy/revision';
import { computeSubsidyAmount, evaluateEligibility } from '../../../shared/src/rules/eligibility';
import { passingFacts } from './fixtures';

/**
 * The parameters against the words of the seed (伊春市支持工业企业上云补助实施细则), written out by hand:
 * each value, the clause it rests on and the words it comes from — read from the pack's first version.
 */
describe('each parameter is the seed’s', () => {
  test.each<[string, Parameter, { id: string; clause: string; source: string; unit: string; value: unknown }]>([
    [
      '一: 50% of the contract',
      SUBSIDY_RATE,
      {
        id: 'subsidy-rate',
        clause: '一',
        source: '按照云服务合同额的50%给予补助',
        unit: 'rational',
        value: { numerator: 1, denominator: 2 },
      },
    ],
    [
      '一: at most 10万元 per enterprise',
      SUBSIDY_CAP_FEN,
      { id: 'subsidy-cap', clause: '一', source: '单户企业最高不超过10万元', unit: 'fen', value: 10_000_000 },
    ],
    [
      '二（二）: established at least a year',
      MIN_YEARS_ESTABLISHED,
      { id: 'min-years-established', clause: '二（二）', source: '企业成立时间不低于1年', unit: 'years', value: 1 },
    ],
    [
      '二（三）: five years without serious fiscal violations',
      FISCAL_VIOLATION_LOOKBACK_YEARS,
      {
        id: 'fiscal-violation-lookback',
        clause: '二（三）',
        source: '企业近5年内未出现过财政资金方面的严重违法违规情况',
        unit: 'years',
        value: 5,
      },
    ],
    [
      '二（一）: industrial enterprises (GB/T 4754 B, C, D)',
      INDUSTRIAL_SECTIONS,
      {
        id: 'industrial-sections',
        clause: '二（一）',
        source: '符合国家和我市产业发展方向的工业企业',
        unit: 'codes',
        value: ['B', 'C', 'D'],
      },
    ],
  ])('%s', (_what, parameter, expected) => {
    expect({
      id: parameter.id,
      clause: parameter.clause,
      source: wordingOn(parameter, '2024-06-30'),
      unit: parameter.unit,
      value: parameterOn(parameter, '2024-06-30'),
    }).toEqual(expected);
  });

  test('PARAMETERS names every field of a version’s parameters, once', () => {
    expect(Object.keys(PARAMETERS).sort()).toEqual(Object.keys(YICHUN.versions[0].parameters).sort());
    for (const [key, parameter] of Object.entries(PARAMETERS)) expect(parameter.key).toBe(key);
  });

  test('the policy id, 五、联系方式 and the title come from the pack', () => {
    expect(policyId()).toBe('yichun-2023-cloud');
    expect(policyTitle()).toBe('伊春市支持工业企业上云补助实施细则');
    expect({ ...policyContact() }).toEqual({ clause: '五', department: '市工信局信息化推进科', phone: '0458-3878126' });
    expect(contactText()).toBe('市工信局信息化推进科（0458-3878126）');
    expect(firstEffectiveFrom()).toBe('2023-01-01');
  });
});

describe('ratePercent: whole percent of a rate, or null', () => {
  test.each<[number, number, number | null]>([
    [1, 2, 50],
    [3, 4, 75],
    [2, 5, 40],
    [7, 10, 70],
    [3, 8, null],
    [1, 3, null],
    [2, 3, null],
    [1, 1, 100],
    [0, 7, 0],
    [5, 4, 125],
  ])('%i/%i → %p', (numerator, denominator, percent) => {
    expect(ratePercent({ numerator, denominator })).toBe(percent);
  });
});

const v = (id: string, effectiveFrom: string, capFen: number): PolicyVersion => ({
  ...YICHUN.versions[0],
  id,
  effectiveFrom,
  parameters: { ...YICHUN.versions[0].parameters, subsidyCapFen: capFen },
});
const THREE = [v('a', '2023-01-01', 1), v('b', '2024-07-01', 2), v('c', '2025-01-01', 3)];

describe('versionOn: the version with the latest start not after the day', () => {
  test.each([
    ['long before the first: the first (when the policy starts is a setting, not a rule)', '2000-01-01', 'a'],
    ['the day before the first', '2022-12-31', 'a'],
    ['the first’s own day', '2023-01-01', 'a'],
    ['the day before the second', '2024-06-30', 'a'],
    ['the second’s own day', '2024-07-01', 'b'],
    ['the day after the second', '2024-07-02', 'b'],
    ['the day before the third', '2024-12-31', 'b'],
    ['the third’s own day', '2025-01-01', 'c'],
    ['long after', '2031-05-05', 'c'],
  ])('%s (%s) → %s', (_what, date, id) => {
    expect(versionOn(date, THREE).id).toBe(id);
  });

  test('the order the versions are written in does not matter', () => {
    const shuffled = [THREE[2], THREE[0], THREE[1]];
    expect(['2022-12-31', '2024-06-30', '2024-07-01', '2025-01-01'].map((d) => versionOn(d, shuffled).id)).toEqual(['a', 'a', 'b', 'c']);
  });

  test('a pack without versions is a programming error, named', () => {
    expect(() => versionOn('2024-01-01', [])).toThrow(new RangeError('policy pack yichun-2023-cloud has no versions'));
  });

  test('parameterOn reads the version in force on a day, or the version given', () => {
    const previous = installPolicyPack({ ...YICHUN, versions: THREE });
    try {
      expect(['2024-06-30', '2024-07-01', '2024-12-31', '2025-01-01'].map((d) => parameterOn(SUBSIDY_CAP_FEN, d))).toEqual([1, 2, 2, 3]);
      expect(parameterOn(SUBSIDY_CAP_FEN, THREE[0])).toBe(1);
    } finally {
      installPolicyPack(previous);
    }
  });
});

describe('the city’s revision fixture (test/fixtures/policy/revision.ts), installed', () => {
  let previous: ReturnType<typeof policyPack>;
  beforeAll(() => {
    previous = installPolicyPack({ ...YICHUN, versions: [...YICHUN.versions, REVISION] });
  });
  afterAll(() => installPolicyPack(previous));

  test.each([
    ['2025-06-30', 'yichun-2023-cloud/1', { numerator: 1, denominator: 2 }, 10_000_000],
    ['2025-07-01', 'yichun-2023-cloud/2', { numerator: 2, denominator: 5 }, 8_000_000],
    ['2025-07-02', 'yichun-2023-cloud/2', { numerator: 2, denominator: 5 }, 8_000_000],
  ])('on %s: %s, rate %j, cap %i fen', (date, id, rate, cap) => {
    expect(versionOn(date).id).toBe(id);
    expect(parameterOn(SUBSIDY_RATE, date)).toEqual(rate);
    expect(parameterOn(SUBSIDY_CAP_FEN, date)).toBe(cap);
  });

  test('an application keeps the version it recorded, whatever the day; a draft takes the day’s', () => {
    expect(versionOfApplication('yichun-2023-cloud/1', '2026-01-01').id).toBe('yichun-2023-cloud/1');
    expect(versionOfApplication(null, '2026-01-01').id).toBe('yichun-2023-cloud/2');
    expect(versionOfApplication(null, '2025-06-30').id).toBe('yichun-2023-cloud/1');
    expect(versionById('yichun-2023-cloud/2')).toBe(REVISION);
    expect(() => versionOfApplication('gone/9', '2026-01-01')).toThrow(
      new RangeError('policy version gone/9 is not in pack yichun-2023-cloud'),
    );
  });

  test('the rules judge under the day’s version, or under the version an application recorded', () => {
    const facts = (asOf: string) => ({ ...passingFacts(), asOf, cloud: { ...passingFacts().cloud, contractAmountFen: 18_000_000 } });
    expect(evaluateEligibility(facts('2025-06-30')).subsidyFen).toBe(9_000_000);
    expect(evaluateEligibility(facts('2025-07-01')).subsidyFen).toBe(7_200_000);
    // A correction on 2025-07-10 of an application first submitted under the first version.
    expect(evaluateEligibility(facts('2025-07-10'), versionById('yichun-2023-cloud/1')).subsidyFen).toBe(9_000_000);
    expect(computeSubsidyAmount(25_000_000, 0, REVISION)).toEqual({ computedFen: 8_000_000, capped: true, payableFen: 8_000_000 });
    expect(computeSubsidyAmount(25_000_000, 0, '2025-06-30')).toEqual({ computedFen: 10_000_000, capped: true, payableFen: 10_000_000 });
  });

  test('a version reads as its 文号 and first day, never its id', () => {
    expect(versionLabel(REVISION)).toBe('伊工信发〔2025〕12号（修订，测试用），2025-07-01 起施行');
    expect(versionLabel(REVISION)).not.toContain(REVISION.id);
  });

  test('POLICY_EFFECTIVE_FROM moves the first version only, and never past the next', () => {
    const moved = withFirstEffectiveFrom(policyPack(), '2024-03-15');
    expect(moved.versions.map((x) => [x.id, x.effectiveFrom])).toEqual([
      ['yichun-2023-cloud/1', '2024-03-15'],
      ['yichun-2023-cloud/2', '2025-07-01'],
    ]);
    expect(withFirstEffectiveFrom(policyPack(), '2023-01-01')).toBe(policyPack());
    expect(() => withFirstEffectiveFrom(policyPack(), '2025-07-01')).toThrow(
      new RangeError("POLICY_EFFECTIVE_FROM 2025-07-01 must come before the next version's 2025-07-01"),
    );
  });
});

describe('resolveEffectiveFrom', () => {
  test.each([
    [undefined, '2023-01-01'],
    [null, '2023-01-01'],
    ['', '2023-01-01'],
    ['   ', '2023-01-01'],
    [' 2024-03-01 ', '2024-03-01'],
    ['2024-02-29', '2024-02-29'],
  ])('%j → %s', (setting, expected) => {
    expect(resolveEffectiveFrom(setting)).toBe(expected);
  });

  test.each(['2023-02-29', '2023/03/01', '20230301', 'soon'])('%j is refused, with the setting quoted', (setting) => {
    expect(() => resolveEffectiveFrom(setting)).toThrow(
      new RangeError(`POLICY_EFFECTIVE_FROM must be a calendar date YYYY-MM-DD, got ${JSON.stringify(setting)}`),
    );
  });
});
