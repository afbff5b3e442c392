/**
 * The self-check's interpreter (shared/src/rules/flow/interpreter.ts) on answers as values: which values
 * answer which question, where an answer stops the check (rule, clause and the Chinese reason, written
 * here from the policy text, with the boundary day or fen on each side), and the facts and estimate at
 * the end. Words are the askers' business (test/server/officialAccount/answerText.test.ts).
 */
import type { RuleId } from '../../../../shared/src/rules/facts';
import { evaluateEligibility } from '../../../../shared/src/rules/eligibility';
import type { AnswerValue } from '../../../../shared/src/rules/flow/questions';
import { questionById } from '../../../../shared/src/rules/flow/questions';
import {
  applyAnswer,
  askedQuestions,
  checkAnswer,
  estimateSubsidy,
  flowFacts,
  nextQuestion,
  restoreFlowState,
  startFlow,
  stopFor,
  type Answers,
  type FlowState,
} from '../../../../shared/src/rules/flow/interpreter';
import { YICHUN_CODE, passingFacts, withCheck } from '../fixtures';

const ASOF = '2024-06-30';

/** Values that lead through the whole flow to passingFacts(). */
const VALUES: Answers = {
  registeredInYichun: true,
  creditCode: YICHUN_CODE,
  independentLegalPerson: true,
  industrial: true,
  industryCode: 'C',
  alignedWithIndustrialPolicy: true,
  establishedOn: '2019-04-12',
  operatingNormally: true,
  badCreditRecord: false,
  seriousFiscalViolationWithin5Years: false,
  dishonestyRecord: false,
  subsidyReceived: false,
  applicationInProgress: false,
  firstPurchase: true,
  providerId: null,
  providerFiledOn: '2023-05-10',
  contractSignedOn: '2023-08-01',
  contractAmountFen: 12_000_000,
  paidAmountFen: 12_000_000,
  otherSubsidiesFen: 0,
};

function run(asOf: string, values: Answers): FlowState {
  let state = startFlow(asOf);
  for (let q = nextQuestion(state); q !== null; q = nextQuestion(state)) {
    const result = applyAnswer(state, values[q.id]);
    if (!result.ok) throw new Error(`${q.id}: ${result.message}`);
    state = result.state;
  }
  return state;
}

describe('checkAnswer: the values that answer each kind of question', () => {
  // [question, value, accepted value | the Chinese message]
  const cases: [string, unknown, { value: AnswerValue } | { message: string | RegExp }][] = [
    ['registeredInYichun', true, { value: true }],
    ['registeredInYichun', false, { value: false }],
    ['registeredInYichun', '是', { message: '请回复 是 或 否' }],
    ['registeredInYichun', null, { message: '请回复 是 或 否' }],
    ['creditCode', YICHUN_CODE.toLowerCase(), { value: YICHUN_CODE }],
    ['creditCode', '91230717MA1B2C3D4X', { message: /校验/ }],
    ['creditCode', 91, { message: '请回复18位统一社会信用代码（见营业执照）' }],
    ['industryCode', 'C', { value: 'C' }],
    ['industryCode', null, { value: null }],
    ['industryCode', 'c', { message: '请回复选项前的字母（如制造业回复 C）；不清楚可回复“跳过”。' }],
    ['industryCode', 'Z', { message: '请回复选项前的字母（如制造业回复 C）；不清楚可回复“跳过”。' }],
    ['establishedOn', '2020-02-29', { value: '2020-02-29' }],
    ['establishedOn', '2023-02-29', { message: '请回复一个真实存在的日期，例如 2023-05-01 或 2023年5月1日' }],
    ['establishedOn', null, { message: '请回复一个真实存在的日期，例如 2023-05-01 或 2023年5月1日' }],
    ['providerFiledOn', null, { value: null }],
    ['providerFiledOn', '2023-05-10', { value: '2023-05-10' }],
    ['providerFiledOn', '2023/5/10', { message: '请回复备案通过的日期（例如 2023-05-01），未备案请回复“未备案”' }],
    ['providerId', null, { value: null }],
    ['providerId', 'prov-42', { value: 'prov-42' }],
    ['providerId', ' ', { message: '请回复已备案云服务商的编号；不清楚可回复“跳过”。' }],
    ['providerId', 'x'.repeat(128), { value: 'x'.repeat(128) }],
    ['providerId', 'x'.repeat(129), { message: '请回复已备案云服务商的编号；不清楚可回复“跳过”。' }],
    // 一: a contract of at least 1 fen; 二（四）: what was paid, 0 included (it then stops)
    ['contractAmountFen', 1, { value: 1 }],
    ['contractAmountFen', 0, { message: '金额须大于0，请回复实际金额，例如 120000元、12万 或 120000.50' }],
    ['contractAmountFen', -0, { message: '金额须大于0，请回复实际金额，例如 120000元、12万 或 120000.50' }],
    ['paidAmountFen', 0, { value: 0 }],
    ['paidAmountFen', -0, { value: 0 }],
    ['paidAmountFen', -1, { message: '金额须为整数（单位：分）' }],
    ['paidAmountFen', 1.5, { message: '金额须为整数（单位：分）' }],
    ['paidAmountFen', Number.MAX_SAFE_INTEGER, { value: Number.MAX_SAFE_INTEGER }],
    ['paidAmountFen', Number.MAX_SAFE_INTEGER + 1, { message: '金额须为整数（单位：分）' }],
    ['paidAmountFen', '100', { message: '金额须为整数（单位：分）' }],
  ];
  test.each(cases)('%s ← %p', (id, value, expected) => {
    const result = checkAnswer(questionById(id)!, value);
    if ('value' in expected) expect(result).toEqual({ ok: true, value: expected.value });
    else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(expected.message);
    }
  });
});

describe('stopFor: the answers that rule the applicant out, on their clause', () => {
  const NOT_FILED_MESSAGE = /备案/;
  // [what, question, answer, answers before, asOf, rule and clause | null, message]
  const cases: [string, string, AnswerValue, Answers, string, [RuleId, string] | null, string | RegExp | null][] = [
    ['二（一） registered elsewhere', 'registeredInYichun', false, {}, ASOF, ['registered-in-yichun', '二（一）'], /伊春/],
    ['二（一） registered in Yichun', 'registeredInYichun', true, {}, ASOF, null, null],
    [
      '二（一） a code of an individual business (92…)',
      'creditCode',
      withCheck('92230717MA1B2C3D4'),
      {},
      ASOF,
      ['independent-legal-person', '二（一）'],
      '统一社会信用代码以“92”开头的是个体工商户，不具有独立法人资格（细则二（一）），不能申报本补助。如代码输错，请重新开始自测。',
    ],
    ['二（一） a company’s code (91…)', 'creditCode', YICHUN_CODE, {}, ASOF, null, null],
    ['二（一） no legal person', 'independentLegalPerson', false, {}, ASOF, ['independent-legal-person', '二（一）'], /法人/],
    [
      '二（一） industry F is not industry',
      'industryCode',
      'F',
      {},
      ASOF,
      ['industrial-enterprise', '二（一）'],
      'F（批发和零售业）不属于工业，本补助仅面向采矿业（B）、制造业（C）及电力、热力、燃气及水生产和供应业（D）企业（细则二（一））。',
    ],
    [
      '二（一） industry A is not industry',
      'industryCode',
      'A',
      {},
      ASOF,
      ['industrial-enterprise', '二（一）'],
      /^A（农、林、牧、渔业）不属于工业/,
    ],
    ['二（一） B 采矿业', 'industryCode', 'B', {}, ASOF, null, null],
    ['二（一） C 制造业', 'industryCode', 'C', {}, ASOF, null, null],
    ['二（一） D 电力、热力、燃气及水', 'industryCode', 'D', {}, ASOF, null, null],
    ['二（一） industry not known', 'industryCode', null, {}, ASOF, null, null],
    // 二（二）成立时间不低于1年
    ['二（二） founded one year ago to the day', 'establishedOn', '2023-06-30', {}, ASOF, null, null],
    [
      '二（二） founded one day short of a year',
      'establishedOn',
      '2023-07-01',
      {},
      ASOF,
      ['established-one-year', '二（二）'],
      '企业成立时间须满1年（细则二（二）），贵企业成立于 2023-07-01，请于 2024-07-01 及以后再申报。',
    ],
    ['二（二） founded 29 February, asked the 28th a year on', 'establishedOn', '2020-02-29', {}, '2021-02-28', null, null],
    [
      '二（二） founded 29 February, asked the 27th a year on',
      'establishedOn',
      '2020-02-29',
      {},
      '2021-02-27',
      ['established-one-year', '二（二）'],
      /请于 2021-02-28 及以后再申报/,
    ],
    ['二（二） not operating', 'operatingNormally', false, {}, ASOF, ['operating-normally', '二（二）'], /经营/],
    ['二（二） a bad credit record', 'badCreditRecord', true, {}, ASOF, ['no-bad-credit', '二（二）'], /信用/],
    ['二（三） a fiscal violation', 'seriousFiscalViolationWithin5Years', true, {}, ASOF, ['no-fiscal-violation', '二（三）'], /财政/],
    ['二（五） dishonesty', 'dishonestyRecord', true, {}, ASOF, ['no-dishonesty', '二（五）'], /失信/],
    [
      '二（六） received before',
      'subsidyReceived',
      true,
      {},
      ASOF,
      ['apply-once', '二（六）'],
      '贵企业已领取过本补助，一户企业只能申领一次（细则二（六））。',
    ],
    ['二（六） an application in progress', 'applicationInProgress', true, {}, ASOF, ['apply-once', '二（六）'], /一次/],
    ['二（四） not the first purchase', 'firstPurchase', false, {}, ASOF, ['first-purchase', '二（四）'], /首次/],
    // 三（一）在与上云企业签订服务合同前先…备案
    [
      '三（一） provider not filed',
      'providerFiledOn',
      null,
      { providerId: null },
      ASOF,
      ['provider-filed-before-contract', '三（一）'],
      NOT_FILED_MESSAGE,
    ],
    [
      '三（一） filed the day the contract was signed',
      'contractSignedOn',
      '2023-05-10',
      { providerFiledOn: '2023-05-10' },
      ASOF,
      null,
      null,
    ],
    [
      '三（一） filed the day after the contract',
      'contractSignedOn',
      '2023-05-09',
      { providerFiledOn: '2023-05-10' },
      ASOF,
      ['provider-filed-before-contract', '三（一）'],
      '云服务商备案通过（2023-05-10）晚于合同签订（2023-05-09）。云服务商须在签订合同前完成备案（细则三（一）），此合同不在补助范围内。',
    ],
    // 二（四）发生实际支出
    ['二（四） nothing paid', 'paidAmountFen', 0, {}, ASOF, ['actual-expenditure', '二（四）'], /支出|支付/],
    ['二（四） one fen paid', 'paidAmountFen', 1, {}, ASOF, null, null],
    // 四（二）就高不重复: 12万元 contract → 6万元 by this policy
    [
      '四（二） other subsidies equal to what this policy pays',
      'otherSubsidiesFen',
      6_000_000,
      { contractAmountFen: 12_000_000 },
      ASOF,
      ['no-double-subsidy', '四（二）'],
      '本补助按合同可补 60,000.00 元，其他政策已补助 60,000.00 元，按“就高不重复”原则（细则四（二））无差额可补。',
    ],
    ['四（二） other subsidies one fen less', 'otherSubsidiesFen', 5_999_999, { contractAmountFen: 12_000_000 }, ASOF, null, null],
    [
      '四（二） and 一 capped: 30万元 contract pays 10万元, other 10万元',
      'otherSubsidiesFen',
      10_000_000,
      { contractAmountFen: 30_000_000 },
      ASOF,
      ['no-double-subsidy', '四（二）'],
      /本补助按合同可补 100,000.00 元/,
    ],
    ['四（二） no other subsidy', 'otherSubsidiesFen', 0, { contractAmountFen: 12_000_000 }, ASOF, null, null],
  ];
  test.each(cases)('%s', (_what, id, answer, before, asOf, rule, message) => {
    const stop = stopFor(questionById(id)!, answer, before, asOf);
    if (rule === null) {
      expect(stop).toBeNull();
      return;
    }
    expect(stop).toMatchObject({ questionId: id, rule: rule[0], clause: rule[1] });
    expect(stop?.message).toMatch(message!);
  });
});

describe('a full run on values', () => {
  test('yields the facts of the request and the estimate of 一', () => {
    const state = run(ASOF, VALUES);
    expect(flowFacts(state)).toEqual(passingFacts());
    expect(evaluateEligibility(flowFacts(state)!)).toMatchObject({ eligible: true, subsidyFen: 6_000_000 });
    expect(applyAnswer(state, true)).toMatchObject({ ok: false, message: '所有问题都已回答完毕，如需重新自测，请重新开始。' });
  });

  test('a skipped industry code is not given; a provider on record is given by id, its filing date left to the server', () => {
    const state = run(ASOF, { ...VALUES, industryCode: null, providerId: 'prov-42' });
    expect(state.answers).not.toHaveProperty('providerFiledOn');
    const facts = flowFacts(state)!;
    expect(facts.enterprise).not.toHaveProperty('industryCode');
    expect(facts.cloud).toMatchObject({ providerId: 'prov-42', providerFiledOn: null });
  });

  test('the filing date is asked only without a provider on record', () => {
    expect(askedQuestions({ providerId: null }).map((q) => q.id)).toContain('providerFiledOn');
    expect(askedQuestions({ providerId: 'prov-42' }).map((q) => q.id)).not.toContain('providerFiledOn');
    expect(askedQuestions({}).map((q) => q.id)).not.toContain('providerFiledOn');
  });

  test('no facts while questions remain or after a stop', () => {
    expect(flowFacts(startFlow(ASOF))).toBeNull();
    const result = applyAnswer(startFlow(ASOF), false);
    expect(result).toMatchObject({ ok: true, step: { kind: 'stopped' } });
    if (result.ok) expect(flowFacts(result.state)).toBeNull();
  });
});

describe('estimateSubsidy (一, 四（二）)', () => {
  // [contract, other, computed, capped, payable]
  test.each([
    [12_000_000, 0, 6_000_000, false, 6_000_000],
    [20_000_000, 0, 10_000_000, false, 10_000_000],
    [20_000_001, 0, 10_000_000, true, 10_000_000],
    [1, 0, 1, false, 1],
    [3, 0, 2, false, 2],
    [12_000_000, 5_999_999, 6_000_000, false, 1],
    [12_000_000, 6_000_000, 6_000_000, false, 0],
  ])('contract %i, other %i', (contract, other, computedFen, capped, payableFen) => {
    expect(estimateSubsidy(contract, other, ASOF)).toMatchObject({ computedFen, capped, payableFen });
  });
});

describe('restoreFlowState', () => {
  test('keeps what this code wrote, and only that', () => {
    const state = run(ASOF, VALUES);
    expect(restoreFlowState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(restoreFlowState({ ...state, extra: 1, stop: null })).toEqual(state);
    const stopped = applyAnswer(startFlow(ASOF), false);
    if (!stopped.ok) throw new Error(stopped.message);
    expect(restoreFlowState({ ...stopped.state, stop: { ...stopped.state.stop, extra: 1 } })).toEqual(stopped.state);
  });

  test.each<[string, unknown]>([
    ['an array', []],
    ['answers as an array', { policy: 'yichun-2023-cloud', asOf: ASOF, answers: [], stop: null }],
    ['a word where a value belongs', { policy: 'yichun-2023-cloud', asOf: ASOF, answers: { registeredInYichun: '是' }, stop: null }],
    ['no stop field', { policy: 'yichun-2023-cloud', asOf: ASOF, answers: {} }],
    [
      'a stop without its message',
      { policy: 'yichun-2023-cloud', asOf: ASOF, answers: {}, stop: { questionId: 'x', rule: 'apply-once', clause: 'x' } },
    ],
  ])('refuses %s', (_what, value) => {
    expect(restoreFlowState(value)).toBeNull();
  });
});
