/**
 * What an applicant reads when a condition of 伊春市支持工业企业上云补助实施细则 fails (and the two warnings): each
 * rule's name, its clause, and its message word for word with the facts that matter put in — the dates,
 * the code, the amounts as the policy states them (元). Also the helpers the question flow shares with
 * the rules, at their boundaries. Complements eligibility.test.ts, which checks which rules fail.
 */
import {
  RULES,
  WARNINGS,
  computeSubsidyAmount,
  coveredByOtherSubsidies,
  evaluateEligibility,
  filingProblem,
  formatYuan,
  industryCodeIsIndustrial,
  keepsRevokedProvider,
  qualifyingDate,
  ruleById,
} from '../../../shared/src/rules/eligibility';
import type { RuleId } from '../../../shared/src/rules/facts';
import { type FactsPatch, factsWith, withCheck } from './fixtures';

const CONTACT = '市工信局信息化推进科（0458-3878126）';

const messageOf = (patch: FactsPatch, rule: RuleId): string | undefined =>
  evaluateEligibility(factsWith(patch)).failures.find((f) => f.rule === rule)?.message;

describe('the name of each condition, as the policy words it', () => {
  test('rules', () => {
    expect(RULES.map((r) => [r.id, r.label])).toEqual([
      ['registered-in-yichun', '在伊春市设立、登记、注册'],
      ['independent-legal-person', '具有独立法人资格'],
      ['industrial-enterprise', '属于工业企业'],
      ['industrial-policy', '符合国家和伊春市产业发展方向'],
      ['established-one-year', '成立满1年'],
      ['operating-normally', '正常经营'],
      ['no-bad-credit', '无不良信用记录'],
      ['no-fiscal-violation', '近5年无财政资金严重违法违规'],
      ['first-purchase', '首次购买、使用云服务'],
      ['actual-expenditure', '发生实际支出'],
      ['no-dishonesty', '无失信行为'],
      ['apply-once', '未申领过本补助'],
      ['provider-filed-before-contract', '云服务商签约前已备案'],
      ['no-double-subsidy', '就高不重复'],
    ]);
  });

  test('warnings, with their clauses', () => {
    expect(WARNINGS.map((w) => [w.id, w.clause, w.label])).toEqual([
      ['credit-code-region', '二（一）', '信用代码登记地不在伊春市'],
      ['paid-less-than-contract', '一', '实付金额少于合同金额'],
    ]);
  });

  // The general advice of the rules whose message is made specific to the facts: what the self-check says
  // when an answer alone rules the applicant out.
  test('the general advice of rules whose message depends on the facts', () => {
    const hints = Object.fromEntries(RULES.map((r) => [r.id, r.hint]));
    expect(hints['independent-legal-person']).toBe(
      '申报企业须具有独立法人资格（细则二（一））。个体工商户（统一社会信用代码以92开头）和不具有法人资格的分支机构不能申报，请以具有独立法人资格的企业名义申报。',
    );
    expect(hints['established-one-year']).toBe('企业成立时间须满1年（细则二（二）），请在成立满1年后再申报。');
    expect(hints['apply-once']).toBe(
      '一户企业只能申领一次，不得重复申领（细则二（六））。已领取过本补助或已有申请正在办理的，不能再次申报，请在“我的申请”中查看办理进度。',
    );
    expect(hints['provider-filed-before-contract']).toBe(
      '云服务商须在与企业签订服务合同前到伊春市工信局备案（细则三（一））。请选择已备案的云服务商，并在其备案通过后签订合同。',
    );
    expect(hints['no-double-subsidy']).toBe(
      '按“就高不重复”原则（细则四（二）），同一项目已获其他政策补助的只补差额；其他补助已不低于本补助应补金额的，不能再申报。',
    );
  });

  test('ruleById finds each rule', () => {
    for (const r of RULES) expect(ruleById(r.id)).toBe(r);
  });
});

describe('messages, word for word', () => {
  const INDUSTRIAL_HINT =
    '本补助面向工业企业，即国民经济行业分类门类 B 采矿业、C 制造业、D 电力、热力、燃气及水生产和供应业（细则二（一））。如行业填写有误，请对照营业执照的经营范围更正。';
  // [what, the facts changed, rule, message]
  const cases: [string, FactsPatch, RuleId, string][] = [
    [
      '二（一） registered elsewhere',
      { enterprise: { registeredInYichun: false } },
      'registered-in-yichun',
      '本补助面向在伊春市设立、登记、注册的企业（细则二（一））。企业登记地已迁入伊春市的，请按最新营业执照重新填写；未在伊春市登记的企业不能申报。',
    ],
    [
      '二（一） a branch: not a legal person, its code not 92',
      { enterprise: { independentLegalPerson: false } },
      'independent-legal-person',
      '申报企业须具有独立法人资格（细则二（一））。不具有法人资格的分支机构不能申报，请以具有独立法人资格的企业（如总公司）名义申报。',
    ],
    [
      '二（一） a 92 code, even when said to be a legal person',
      { enterprise: { creditCode: withCheck('92230717MA1B2C3D4'), independentLegalPerson: true } },
      'independent-legal-person',
      '您填写的统一社会信用代码以“92”开头，属于个体工商户，不具有独立法人资格（细则二（一））。请以具有独立法人资格的企业名义申报；如代码填错，请对照营业执照更正。',
    ],
    [
      '二（一） not industrial, no section given',
      { enterprise: { industrial: false, industryCode: undefined } },
      'industrial-enterprise',
      INDUSTRIAL_HINT,
    ],
    [
      '二（一） not industrial, an industrial section given',
      { enterprise: { industrial: false, industryCode: 'C' } },
      'industrial-enterprise',
      INDUSTRIAL_HINT,
    ],
    [
      '二（一） section H',
      { enterprise: { industryCode: 'H' } },
      'industrial-enterprise',
      '您填写的行业门类为 H（住宿和餐饮业），不属于工业（采矿业 B、制造业 C、电力、热力、燃气及水生产和供应业 D），本补助仅面向工业企业（细则二（一））。如行业填写有误，请对照营业执照的经营范围更正。',
    ],
    [
      '二（一） industrial policy',
      { enterprise: { alignedWithIndustrialPolicy: false } },
      'industrial-policy',
      `申报企业须符合国家和伊春市产业发展方向（细则二（一））。如不确定，请咨询${CONTACT}。`,
    ],
    [
      '二（二） one day short of a year',
      { asOf: '2024-06-30', enterprise: { establishedOn: '2023-07-01' } },
      'established-one-year',
      '企业成立于 2023-07-01，成立时间须满1年（细则二（二）），请于 2024-07-01 及以后再申报。如成立日期填错，请对照营业执照更正。',
    ],
    [
      '二（二） not operating',
      { enterprise: { operatingNormally: false } },
      'operating-normally',
      '申报企业须正常经营、管理规范（细则二（二））。企业处于停业、歇业、清算或被列入经营异常名录等状态的，请恢复正常经营后再申报。',
    ],
    [
      '二（二） bad credit',
      { enterprise: { badCreditRecord: true } },
      'no-bad-credit',
      '申报企业须无不良信用记录（细则二（二））。请通过“信用中国”等渠道核实，完成信用修复后再申报。',
    ],
    [
      '二（三） fiscal violation',
      { enterprise: { seriousFiscalViolationWithin5Years: true } },
      'no-fiscal-violation',
      `企业近5年内出现过财政资金方面的严重违法违规情况的，不能申报本补助（细则二（三））。如该记录有误，请联系${CONTACT}核实。`,
    ],
    [
      '二（四） not the first purchase',
      { cloud: { firstPurchase: false } },
      'first-purchase',
      '本补助仅支持首次购买、使用云计算服务或产品的企业（细则二（四））；续费、扩容或再次购买不在补助范围内。',
    ],
    [
      '二（四） nothing paid',
      { cloud: { paidAmountFen: 0 } },
      'actual-expenditure',
      '申报时须已发生实际支出（细则二（四））。请按合同向云服务商付款、取得收付款凭证后再申报。',
    ],
    [
      '二（五） dishonesty',
      { enterprise: { dishonestyRecord: true } },
      'no-dishonesty',
      '申报企业须无失信行为，以信用中国、国家企业信用信息公示系统等查询结果为准（细则二（五））。请完成信用修复、查询无不良记录后再申报。',
    ],
    [
      '二（六） received before (and one in progress)',
      { history: { subsidyReceived: true, applicationInProgress: true } },
      'apply-once',
      '贵企业已领取过本补助。一户企业只能申领一次，不得重复申领（细则二（六））。',
    ],
    [
      '二（六） one in progress',
      { history: { applicationInProgress: true } },
      'apply-once',
      '贵企业已有一份本补助的申请正在办理，一户企业只能申领一次（细则二（六））。请在“我的申请”中查看进度，如需修改请在原申请中办理。',
    ],
    [
      '三（一） not filed',
      { cloud: { providerFiledOn: null } },
      'provider-filed-before-contract',
      '您选择的云服务商没有通过备案。云服务商须在签订服务合同前到伊春市工信局备案（细则三（一）），请选择已备案的云服务商签订合同。',
    ],
    [
      '三（一） filed the day after signing',
      { cloud: { providerFiledOn: '2023-08-02', contractSignedOn: '2023-08-01' } },
      'provider-filed-before-contract',
      `云服务商的备案于 2023-08-02 通过，晚于合同签订日期 2023-08-01。云服务商须在签订服务合同前完成备案（细则三（一）），此合同不在补助范围内。如日期填写有误，请更正；如有疑问请联系${CONTACT}。`,
    ],
    [
      '三（一） signed the day of the revocation',
      { cloud: { providerFiledOn: '2023-05-10', providerRevokedOn: '2023-08-01', contractSignedOn: '2023-08-01' } },
      'provider-filed-before-contract',
      '云服务商的备案已于 2023-08-01 撤销，合同签订于 2023-08-01（撤销当日或之后），不符合细则三（一）的要求。请选择备案有效的云服务商签订合同。',
    ],
    [
      '四（二） other subsidies cover it',
      { otherSubsidiesFen: 6_000_050 },
      'no-double-subsidy',
      '同一项目已获其他政策补助 60,000.50 元，不低于本补助应补的 60,000.00 元。按“就高不重复”原则（细则四（二）），本补助无差额可补。如其他补助金额填写有误，请更正。',
    ],
  ];
  test.each(cases)('%s', (_what, patch, rule, message) => {
    expect(messageOf(patch, rule)).toBe(message);
  });

  test('warnings', () => {
    const verdict = evaluateEligibility(
      factsWith({ enterprise: { creditCode: withCheck('91110108MA1B2C3D4') }, cloud: { paidAmountFen: 5_000_005 } }),
    );
    expect(verdict.warnings).toEqual([
      {
        rule: 'credit-code-region',
        clause: '二（一）',
        message:
          '统一社会信用代码的登记管理机关行政区划码为 110108，不在伊春市（2307）。代码终身不变，企业可能由外地迁入；请核实企业现登记地在伊春市（细则二（一））。',
      },
      {
        rule: 'paid-less-than-contract',
        clause: '一',
        message:
          '实付金额 50,000.05 元 少于合同金额 120,000.00 元，补助按合同额计算（细则一）。请核实付款进度、收付款凭证及是否达到合同服务要求。',
      },
    ]);
  });

  test('a code of another 23xx region (黑龙江, not 伊春) is warned about', () => {
    const verdict = evaluateEligibility(factsWith({ enterprise: { creditCode: withCheck('91230100MA1B2C3D4') } }));
    expect(verdict.warnings.map((w) => w.rule)).toEqual(['credit-code-region']);
  });
});

describe('the helpers the question flow shares', () => {
  test.each([
    [0, '0.00 元'],
    [5, '0.05 元'],
    [10, '0.10 元'],
    [100, '1.00 元'],
    [199, '1.99 元'],
    [-150, '-1.50 元'],
    [-100, '-1.00 元'],
    [10_000_000, '100,000.00 元'],
  ])('formatYuan(%i) → %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  test('a contract of 0 fen pays 0, and other subsidies of 0 cover nothing', () => {
    const amount = computeSubsidyAmount(0, 0, '2024-06-30');
    expect(amount).toEqual({ computedFen: 0, capped: false, payableFen: 0 });
    expect(coveredByOtherSubsidies(amount, 0)).toBe(false);
    expect(coveredByOtherSubsidies(amount, 1)).toBe(true);
    expect(coveredByOtherSubsidies({ computedFen: 6_000_000, capped: false, payableFen: 1 }, 5_999_999)).toBe(false);
  });

  test.each([[-1], [0.5], [Number.MAX_SAFE_INTEGER + 1]])('other subsidies of %p fen are refused', (other) => {
    expect(() => computeSubsidyAmount(12_000_000, other, '2024-06-30')).toThrow(
      /^otherSubsidiesFen must be a non-negative safe integer of fen/,
    );
  });

  test('a contract amount that is not fen is refused, by name', () => {
    expect(() => computeSubsidyAmount(-1, 0, '2024-06-30')).toThrow(
      /^contractAmountFen must be a non-negative safe integer of fen, got -1$/,
    );
  });

  test.each([
    [undefined, true],
    [null, true],
    ['B', true],
    ['C', true],
    ['D', true],
    ['A', false],
    ['E', false],
    ['', false],
  ])('industry section %p is industrial (or not said): %s', (code, industrial) => {
    expect(industryCodeIsIndustrial(code, '2024-06-30')).toBe(industrial);
  });

  test.each([
    ['2023-07-01', '2024-07-01'],
    ['2020-02-29', '2021-02-28'],
  ])('founded %s: qualifies from %s', (founded, from) => {
    expect(qualifyingDate(founded, '2024-06-30')).toBe(from);
  });

  // [filed, revoked, signed, problem]
  test.each<[string | null, string | null | undefined, string, string | null]>([
    [null, undefined, '2023-08-01', 'none'],
    [null, '2023-01-01', '2023-08-01', 'none'],
    ['2023-08-02', undefined, '2023-08-01', 'after-contract'],
    ['2023-08-02', '2023-08-01', '2023-08-01', 'after-contract'],
    ['2023-08-01', undefined, '2023-08-01', null],
    ['2023-08-01', null, '2023-08-01', null],
    ['2023-05-10', '2023-08-02', '2023-08-01', null],
    ['2023-05-10', '2023-08-01', '2023-08-01', 'revoked'],
    ['2023-05-10', '2023-07-31', '2023-08-01', 'revoked'],
  ])('filed %p, revoked %p, signed %s → %p', (filed, revoked, signed, problem) => {
    expect(filingProblem(filed, revoked, signed)).toBe(problem);
  });

  // DESIGN "Corrections after the fact": contracts signed before R keep counting for an application that already names it.
  test.each<[string | null, string, boolean, boolean]>([
    [null, '2023-08-01', true, false],
    ['2023-08-02', '2023-08-01', true, true],
    ['2023-08-01', '2023-08-01', true, false],
    ['2023-07-31', '2023-08-01', true, false],
    ['2023-08-02', '2023-08-01', false, false],
  ])('revoked %p, signed %s, named already %s → keeps it: %s', (revoked, signed, named, keeps) => {
    expect(keepsRevokedProvider(revoked, signed, named)).toBe(keeps);
  });
});
