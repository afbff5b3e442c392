import { type EligibilityFacts, parseEligibilityFacts } from '../../../shared/src/contracts/eligibility';
import { passingFacts, requestBody } from './fixtures';

type Body = Record<string, unknown>;
const part = (body: Body, key: 'enterprise' | 'cloud' | 'history'): Body => body[key] as Body;

const set =
  (key: 'enterprise' | 'cloud' | 'history', field: string, value: unknown) =>
  (body: Body): void => {
    part(body, key)[field] = value;
  };
const drop =
  (key: 'enterprise' | 'cloud', field: string) =>
  (body: Body): void => {
    delete part(body, key)[field];
  };
const setTop =
  (field: string, value: unknown) =>
  (body: Body): void => {
    body[field] = value;
  };
const dropTop =
  (field: string) =>
  (body: Body): void => {
    delete body[field];
  };

const CHINESE = /[\u4e00-\u9fff]/;

describe('parseEligibilityFacts: valid input', () => {
  test('the facts of the spec example parse to themselves', () => {
    const parsed = parseEligibilityFacts(requestBody());
    expect(parsed).toEqual({ ok: true, facts: passingFacts() });
  });

  test('lower-case credit code is upper-cased; unknown fields are stripped', () => {
    const parsed = parseEligibilityFacts(
      requestBody((b) => {
        set('enterprise', 'creditCode', '91230724y4cl12th89')(b);
        b.unknown = 'x';
        set('enterprise', 'nickname', 'x')(b);
        set('cloud', 'providerRevokedOn', '2023-01-01')(b);
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.facts.enterprise.creditCode).toBe('91230724Y4CL12TH89');
    expect(parsed.facts).not.toHaveProperty('unknown');
    expect(parsed.facts.enterprise).not.toHaveProperty('nickname');
    // Only the filing on record may say it was revoked.
    expect(parsed.facts.cloud).not.toHaveProperty('providerRevokedOn');
  });

  test('history, otherSubsidiesFen, asOf and industryCode may be absent', () => {
    const parsed = parseEligibilityFacts(
      requestBody((b) => {
        delete b.history;
        delete b.otherSubsidiesFen;
        delete b.asOf;
        delete part(b, 'enterprise').industryCode;
        delete part(b, 'cloud').providerId;
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.facts.history).toEqual({ subsidyReceived: false, applicationInProgress: false });
    expect(parsed.facts.otherSubsidiesFen).toBe(0);
    expect(parsed.facts).not.toHaveProperty('asOf');
    expect(parsed.facts.enterprise).not.toHaveProperty('industryCode');
    expect(parsed.facts.cloud.providerId).toBeNull();
  });

  test.each<[string, (b: Body) => void, (facts: EligibilityFacts) => unknown, unknown]>([
    [
      'history partly given',
      set('history', 'applicationInProgress', undefined),
      (f) => f.history,
      { subsidyReceived: false, applicationInProgress: false },
    ],
    ['history null', setTop('history', null), (f) => f.history, { subsidyReceived: false, applicationInProgress: false }],
    ['otherSubsidiesFen null', setTop('otherSubsidiesFen', null), (f) => f.otherSubsidiesFen, 0],
    ['industryCode lower case', set('enterprise', 'industryCode', 'c'), (f) => f.enterprise.industryCode, 'C'],
    ['providerFiledOn null (no filing)', set('cloud', 'providerFiledOn', null), (f) => f.cloud.providerFiledOn, null],
    [
      'providerId without providerFiledOn',
      (b) => {
        set('cloud', 'providerId', 'prov-1')(b);
        drop('cloud', 'providerFiledOn')(b);
      },
      (f) => [f.cloud.providerId, f.cloud.providerFiledOn],
      ['prov-1', null],
    ],
    ['paidAmountFen 0', set('cloud', 'paidAmountFen', 0), (f) => f.cloud.paidAmountFen, 0],
    ['-0 is 0', set('cloud', 'paidAmountFen', -0), (f) => Object.is(f.cloud.paidAmountFen, 0), true],
    [
      'largest safe amount',
      set('cloud', 'contractAmountFen', Number.MAX_SAFE_INTEGER),
      (f) => f.cloud.contractAmountFen,
      Number.MAX_SAFE_INTEGER,
    ],
    ['29 February of a leap year', set('enterprise', 'establishedOn', '2020-02-29'), (f) => f.enterprise.establishedOn, '2020-02-29'],
  ])('%s', (_name, mutate, pick, expected) => {
    const parsed = parseEligibilityFacts(requestBody(mutate));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(pick(parsed.facts)).toEqual(expected);
  });
});

describe('parseEligibilityFacts: invalid input, one path each', () => {
  test.each<[string, string, unknown]>([
    // body
    ['null body', '', null],
    ['array body', '', []],
    ['string body', '', 'facts'],
    ['number body', '', 42],
    ['enterprise missing', 'enterprise', requestBody(dropTop('enterprise'))],
    ['enterprise a string', 'enterprise', requestBody(setTop('enterprise', 'x'))],
    ['cloud missing', 'cloud', requestBody(dropTop('cloud'))],
    ['cloud an array', 'cloud', requestBody(setTop('cloud', []))],
    ['history a string', 'history', requestBody(setTop('history', 'none'))],
    // credit code
    ['credit code wrong check character', 'enterprise.creditCode', requestBody(set('enterprise', 'creditCode', '91230717MA1B2C3D4X'))],
    ['credit code with I', 'enterprise.creditCode', requestBody(set('enterprise', 'creditCode', '91230724I4CL12TH89'))],
    ['credit code 17 characters', 'enterprise.creditCode', requestBody(set('enterprise', 'creditCode', '91230724Y4CL12TH8'))],
    ['credit code empty', 'enterprise.creditCode', requestBody(set('enterprise', 'creditCode', ''))],
    ['credit code a number', 'enterprise.creditCode', requestBody(set('enterprise', 'creditCode', 912307241))],
    ['credit code missing', 'enterprise.creditCode', requestBody(drop('enterprise', 'creditCode'))],
    // booleans
    ['registeredInYichun a string', 'enterprise.registeredInYichun', requestBody(set('enterprise', 'registeredInYichun', 'true'))],
    ['registeredInYichun 1', 'enterprise.registeredInYichun', requestBody(set('enterprise', 'registeredInYichun', 1))],
    ['registeredInYichun null', 'enterprise.registeredInYichun', requestBody(set('enterprise', 'registeredInYichun', null))],
    ['independentLegalPerson missing', 'enterprise.independentLegalPerson', requestBody(drop('enterprise', 'independentLegalPerson'))],
    ['industrial missing', 'enterprise.industrial', requestBody(drop('enterprise', 'industrial'))],
    [
      'alignedWithIndustrialPolicy missing',
      'enterprise.alignedWithIndustrialPolicy',
      requestBody(drop('enterprise', 'alignedWithIndustrialPolicy')),
    ],
    ['operatingNormally missing', 'enterprise.operatingNormally', requestBody(drop('enterprise', 'operatingNormally'))],
    ['badCreditRecord missing', 'enterprise.badCreditRecord', requestBody(drop('enterprise', 'badCreditRecord'))],
    [
      'seriousFiscalViolationWithin5Years missing',
      'enterprise.seriousFiscalViolationWithin5Years',
      requestBody(drop('enterprise', 'seriousFiscalViolationWithin5Years')),
    ],
    ['dishonestyRecord "no"', 'enterprise.dishonestyRecord', requestBody(set('enterprise', 'dishonestyRecord', 'no'))],
    ['firstPurchase missing', 'cloud.firstPurchase', requestBody(drop('cloud', 'firstPurchase'))],
    ['history.subsidyReceived a string', 'history.subsidyReceived', requestBody(set('history', 'subsidyReceived', 'false'))],
    ['history.applicationInProgress 0', 'history.applicationInProgress', requestBody(set('history', 'applicationInProgress', 0))],
    // industry code
    ['industryCode U', 'enterprise.industryCode', requestBody(set('enterprise', 'industryCode', 'U'))],
    ['industryCode two letters', 'enterprise.industryCode', requestBody(set('enterprise', 'industryCode', 'CC'))],
    ['industryCode a class code', 'enterprise.industryCode', requestBody(set('enterprise', 'industryCode', 'C13'))],
    ['industryCode empty', 'enterprise.industryCode', requestBody(set('enterprise', 'industryCode', ''))],
    ['industryCode a number', 'enterprise.industryCode', requestBody(set('enterprise', 'industryCode', 3))],
    // dates
    ['establishedOn 2023-02-30', 'enterprise.establishedOn', requestBody(set('enterprise', 'establishedOn', '2023-02-30'))],
    ['establishedOn 2023-13-01', 'enterprise.establishedOn', requestBody(set('enterprise', 'establishedOn', '2023-13-01'))],
    ['establishedOn 2023-1-5', 'enterprise.establishedOn', requestBody(set('enterprise', 'establishedOn', '2023-1-5'))],
    ['establishedOn a timestamp', 'enterprise.establishedOn', requestBody(set('enterprise', 'establishedOn', '2023-01-05T00:00:00Z'))],
    ['establishedOn a number', 'enterprise.establishedOn', requestBody(set('enterprise', 'establishedOn', 20230105))],
    ['establishedOn missing', 'enterprise.establishedOn', requestBody(drop('enterprise', 'establishedOn'))],
    ['asOf 2024-02-30', 'asOf', requestBody(setTop('asOf', '2024-02-30'))],
    ['asOf a number', 'asOf', requestBody(setTop('asOf', 20240630))],
    ['providerFiledOn 2023-02-29', 'cloud.providerFiledOn', requestBody(set('cloud', 'providerFiledOn', '2023-02-29'))],
    ['providerFiledOn false', 'cloud.providerFiledOn', requestBody(set('cloud', 'providerFiledOn', false))],
    ['providerFiledOn missing without providerId', 'cloud.providerFiledOn', requestBody(drop('cloud', 'providerFiledOn'))],
    ['contractSignedOn 2023-06-31', 'cloud.contractSignedOn', requestBody(set('cloud', 'contractSignedOn', '2023-06-31'))],
    ['contractSignedOn null', 'cloud.contractSignedOn', requestBody(set('cloud', 'contractSignedOn', null))],
    // provider id
    ['providerId a number', 'cloud.providerId', requestBody(set('cloud', 'providerId', 7))],
    ['providerId empty', 'cloud.providerId', requestBody(set('cloud', 'providerId', ''))],
    // money
    ['contractAmountFen 0', 'cloud.contractAmountFen', requestBody(set('cloud', 'contractAmountFen', 0))],
    ['contractAmountFen negative', 'cloud.contractAmountFen', requestBody(set('cloud', 'contractAmountFen', -100))],
    ['contractAmountFen 1.5', 'cloud.contractAmountFen', requestBody(set('cloud', 'contractAmountFen', 1.5))],
    ['contractAmountFen a string', 'cloud.contractAmountFen', requestBody(set('cloud', 'contractAmountFen', '12000000'))],
    [
      'contractAmountFen above MAX_SAFE_INTEGER',
      'cloud.contractAmountFen',
      requestBody(set('cloud', 'contractAmountFen', Number.MAX_SAFE_INTEGER + 1)),
    ],
    ['contractAmountFen 1e300', 'cloud.contractAmountFen', requestBody(set('cloud', 'contractAmountFen', 1e300))],
    ['contractAmountFen missing', 'cloud.contractAmountFen', requestBody(drop('cloud', 'contractAmountFen'))],
    ['paidAmountFen negative', 'cloud.paidAmountFen', requestBody(set('cloud', 'paidAmountFen', -1))],
    ['paidAmountFen 0.01', 'cloud.paidAmountFen', requestBody(set('cloud', 'paidAmountFen', 0.01))],
    ['paidAmountFen null', 'cloud.paidAmountFen', requestBody(set('cloud', 'paidAmountFen', null))],
    ['paidAmountFen missing', 'cloud.paidAmountFen', requestBody(drop('cloud', 'paidAmountFen'))],
    ['otherSubsidiesFen negative', 'otherSubsidiesFen', requestBody(setTop('otherSubsidiesFen', -1))],
    ['otherSubsidiesFen 2.5', 'otherSubsidiesFen', requestBody(setTop('otherSubsidiesFen', 2.5))],
    ['otherSubsidiesFen a string', 'otherSubsidiesFen', requestBody(setTop('otherSubsidiesFen', '0'))],
    ['otherSubsidiesFen above MAX_SAFE_INTEGER', 'otherSubsidiesFen', requestBody(setTop('otherSubsidiesFen', 2 ** 60))],
  ])('%s → %s', (_name, expectedPath, body) => {
    const parsed = parseEligibilityFacts(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.details.map((d) => d.path)).toEqual([expectedPath]);
    expect(parsed.details[0]?.message).toMatch(CHINESE);
    expect(parsed.message).toMatch(CHINESE);
  });

  test('the contract amount message says what to send', () => {
    const parsed = parseEligibilityFacts(requestBody(set('cloud', 'contractAmountFen', 0)));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.details[0]?.message).toContain('合同金额”须为大于0的整数（单位：分');
  });

  test('every mistake is reported at once, one message per field', () => {
    const parsed = parseEligibilityFacts(
      requestBody((b) => {
        set('enterprise', 'creditCode', 'bad')(b);
        set('enterprise', 'establishedOn', '2023-02-30')(b);
        drop('cloud', 'providerFiledOn')(b);
        set('cloud', 'contractAmountFen', 0)(b);
        set('cloud', 'paidAmountFen', 1.5)(b);
        setTop('otherSubsidiesFen', -1)(b);
      }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.details.map((d) => d.path).sort()).toEqual(
      [
        'cloud.contractAmountFen',
        'cloud.paidAmountFen',
        'cloud.providerFiledOn',
        'enterprise.creditCode',
        'enterprise.establishedOn',
        'otherSubsidiesFen',
      ].sort(),
    );
  });

  test('an input that is not JSON-like never throws', () => {
    const cyclic: Body = {};
    cyclic.self = cyclic;
    expect(() => parseEligibilityFacts(cyclic)).not.toThrow();
    expect(() => parseEligibilityFacts(Symbol('x'))).not.toThrow();
    expect(() => parseEligibilityFacts(() => 1)).not.toThrow();
  });
});
