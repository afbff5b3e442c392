import {
  CONTACT_TEXT,
  DEFAULT_EFFECTIVE_FROM,
  FISCAL_VIOLATION_LOOKBACK_YEARS,
  INDUSTRIAL_SECTIONS,
  MIN_YEARS_ESTABLISHED,
  PARAMETERS,
  POLICY_CONTACT,
  POLICY_TITLE,
  SUBSIDY_CAP_FEN,
  SUBSIDY_RATE,
  YICHUN_REGION_PREFIX,
  parameterOn,
  ratePercent,
  resolveEffectiveFrom,
  type Parameter,
} from '../../../shared/src/rules/parameters';

/**
 * The parameters against the words of the seed (伊春市支持工业企业上云补助实施细则), written out by hand:
 * each value, the clause it rests on and the words it comes from.
 */
describe('each parameter is the seed’s', () => {
  test.each<[string, Parameter<unknown>, { id: string; clause: string; source: string; unit: string; value: unknown }]>([
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
    [
      '二（一）: registered in Yichun (2307)',
      YICHUN_REGION_PREFIX,
      { id: 'yichun-region-prefix', clause: '二（一）', source: '在伊春市设立、登记、注册', unit: 'prefix', value: '2307' },
    ],
  ])('%s', (_what, parameter, expected) => {
    expect({
      id: parameter.id,
      clause: parameter.clause,
      source: parameter.source,
      unit: parameter.unit,
      value: parameterOn(parameter, '2024-06-30'),
    }).toEqual(expected);
    expect(parameter.values).toHaveLength(1);
    expect(parameter.values[0].from).toBe('2023-01-01');
  });

  test('the parameters by name', () => {
    expect(PARAMETERS).toEqual({
      subsidyRate: SUBSIDY_RATE,
      subsidyCapFen: SUBSIDY_CAP_FEN,
      minYearsEstablished: MIN_YEARS_ESTABLISHED,
      fiscalViolationLookbackYears: FISCAL_VIOLATION_LOOKBACK_YEARS,
      industrialSections: INDUSTRIAL_SECTIONS,
      yichunRegionPrefix: YICHUN_REGION_PREFIX,
    });
  });

  test('五、联系方式 and the title', () => {
    expect(POLICY_TITLE).toBe('伊春市支持工业企业上云补助实施细则');
    expect(POLICY_CONTACT).toEqual({ clause: '五', department: '市工信局信息化推进科', phone: '0458-3878126' });
    expect(CONTACT_TEXT).toBe('市工信局信息化推进科（0458-3878126）');
    expect(DEFAULT_EFFECTIVE_FROM).toBe('2023-01-01');
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

describe('parameterOn: the entry with the latest start not after the date', () => {
  const changed: Parameter<number> = {
    id: 'changed',
    clause: '一',
    source: 'example',
    unit: 'fen',
    values: [
      { from: '2023-01-01', value: 1 },
      { from: '2024-07-01', value: 2 },
      { from: '2025-01-01', value: 3 },
    ],
  };
  test.each([
    ['2022-12-31', 1],
    ['2024-06-30', 1],
    ['2024-07-01', 2],
    ['2024-12-31', 2],
    ['2025-01-01', 3],
    ['2031-05-05', 3],
  ])('on %s: %i', (date, value) => {
    expect(parameterOn(changed, date)).toBe(value);
  });

  test('a parameter with no values is a programming error, named', () => {
    expect(() => parameterOn({ ...changed, id: 'empty', values: [] }, '2024-01-01')).toThrow(
      new RangeError('parameter empty has no values'),
    );
  });
});

describe('resolveEffectiveFrom', () => {
  test.each([
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
