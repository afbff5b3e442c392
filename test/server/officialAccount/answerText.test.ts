/**
 * The official account's self-check end to end: what people write (answerText.ts) through the flow's
 * interpreter (shared/src/rules/flow/interpreter.ts), as the chatbot does it — full runs, early stops on
 * each rule, bad answers, and the parsing of words, dates and amounts.
 */
import type { RuleId } from '../../../shared/src/rules/facts';
import { parseEligibilityFacts } from '../../../shared/src/contracts/eligibility';
import { evaluateEligibility } from '../../../shared/src/rules/eligibility';
import { QUESTIONS } from '../../../shared/src/rules/flow/questions';
import {
  applyAnswer,
  currentStep,
  estimateSubsidy,
  nextQuestion,
  restoreFlowState,
  startFlow,
  type ApplyAnswerResult,
  type FlowState,
} from '../../../shared/src/rules/flow/interpreter';
import { answerFromText, parseHumanDate, parseYesNo, parseYuanText } from '../../../server/src/modules/officialAccount/answerText';
import { type FactsPatch, YICHUN_CODE, factsWith, passingFacts, withCheck } from '../../shared/rules/fixtures';

/** One message to the chatbot in the middle of a self-check: words are read by answerText, then applied. */
function applyChat(state: FlowState, answer: unknown): ApplyAnswerResult {
  const question = nextQuestion(state);
  if (question === null || typeof answer !== 'string') return applyAnswer(state, answer);
  const parsed = answerFromText(question, answer);
  return parsed.ok ? applyAnswer(state, parsed.value) : { ok: false, state, question, message: parsed.message };
}

/** Answers, as a person types them in the chatbot, that lead through the whole flow for passingFacts(). */
const CHAT_ANSWERS: Record<string, unknown> = {
  registeredInYichun: '是',
  creditCode: ' 91230724y4cl12th89 ',
  independentLegalPerson: '对',
  industrial: '是的',
  industryCode: 'c',
  alignedWithIndustrialPolicy: 'y',
  establishedOn: '2019年4月12日',
  operatingNormally: '是。',
  badCreditRecord: '没有',
  seriousFiscalViolationWithin5Years: '无',
  dishonestyRecord: '否',
  subsidyReceived: '不是',
  applicationInProgress: 'n',
  firstPurchase: 'true',
  providerId: '跳过',
  providerFiledOn: '2023/5/10',
  contractSignedOn: '2023-08-01',
  contractAmountFen: '12万',
  paidAmountFen: '120,000元',
  otherSubsidiesFen: '0',
};

/** Answers the questions in order, round-tripping the state through JSON as a chatbot's database would. */
function run(asOf: string, answers: Record<string, unknown>): { state: FlowState; last: ApplyAnswerResult | null } {
  let state = startFlow(asOf);
  let last: ApplyAnswerResult | null = null;
  for (let question = nextQuestion(state); question !== null; question = nextQuestion(state)) {
    if (!(question.id in answers)) throw new Error(`no answer for ${question.id}`);
    last = applyChat(state, answers[question.id]);
    if (!last.ok) throw new Error(`${question.id}: ${last.message}`);
    const stored = restoreFlowState(JSON.parse(JSON.stringify(last.state)));
    if (stored === null) throw new Error(`state after ${question.id} does not restore`);
    state = stored;
  }
  return { state, last };
}

describe('a full run', () => {
  test('chat answers yield the facts, and their evaluation is that of evaluateEligibility', () => {
    const { last } = run('2024-06-30', CHAT_ANSWERS);
    expect(last?.ok).toBe(true);
    if (last === null || !last.ok || last.step.kind !== 'complete') throw new Error('flow did not complete');
    const expected = passingFacts();
    expect(last.step.facts).toEqual({ ...expected, asOf: '2024-06-30' });
    // The facts are a valid request body.
    const reparsed = parseEligibilityFacts(JSON.parse(JSON.stringify(last.step.facts)));
    expect(reparsed.ok).toBe(true);
    expect(evaluateEligibility(last.step.facts)).toEqual(evaluateEligibility(expected));
    expect(last.step.estimate).toMatchObject({ computedFen: 6_000_000, capped: false, payableFen: 6_000_000 });
    expect(last.step.estimate.text).toContain('60,000.00 元');
  });

  test('typed values from a form are accepted too (booleans, integer fen)', () => {
    const form: Record<string, unknown> = {
      ...CHAT_ANSWERS,
      registeredInYichun: true,
      independentLegalPerson: true,
      badCreditRecord: false,
      contractAmountFen: 50_000_000,
      paidAmountFen: 30_000_000,
      otherSubsidiesFen: 3_000_000,
      industryCode: null,
    };
    const { last } = run('2024-06-30', form);
    if (last === null || !last.ok || last.step.kind !== 'complete') throw new Error('flow did not complete');
    expect(last.step.facts.enterprise).not.toHaveProperty('industryCode');
    expect(last.step.estimate).toMatchObject({ computedFen: 10_000_000, capped: true, payableFen: 7_000_000 });
    const verdict = evaluateEligibility(last.step.facts);
    expect(verdict).toMatchObject({ eligible: true, subsidyFen: 7_000_000, capped: true });
    expect(verdict.warnings.map((w) => w.rule)).toEqual(['paid-less-than-contract']);
  });

  test('a provider from the register skips the filing date; the server fills it in', () => {
    const { state, last } = run('2024-06-30', { ...CHAT_ANSWERS, providerId: 'prov-42' });
    expect(state.answers).not.toHaveProperty('providerFiledOn');
    if (last === null || !last.ok || last.step.kind !== 'complete') throw new Error('flow did not complete');
    expect(last.step.facts.cloud).toMatchObject({ providerId: 'prov-42', providerFiledOn: null });
  });

  test('currentStep resumes a stored state', () => {
    const state = startFlow('2024-06-30');
    expect(currentStep(state)).toEqual({ kind: 'question', question: QUESTIONS[0] });
  });
});

describe('early stops', () => {
  test.each<[string, string, Record<string, unknown>, RuleId, string]>([
    ['not registered in Yichun', '2024-06-30', { registeredInYichun: '否' }, 'registered-in-yichun', '二（一）'],
    ["'92' credit code", '2024-06-30', { creditCode: withCheck('92230717MA1B2C3D4') }, 'independent-legal-person', '二（一）'],
    ['not a legal person', '2024-06-30', { independentLegalPerson: '不是' }, 'independent-legal-person', '二（一）'],
    ['not industrial', '2024-06-30', { industrial: '不是' }, 'industrial-enterprise', '二（一）'],
    ['industry F', '2024-06-30', { industryCode: 'F' }, 'industrial-enterprise', '二（一）'],
    ['industry named 批发和零售业', '2024-06-30', { industryCode: '批发和零售业' }, 'industrial-enterprise', '二（一）'],
    ['not aligned', '2024-06-30', { alignedWithIndustrialPolicy: '否' }, 'industrial-policy', '二（一）'],
    ['founded 2020-02-29, asked 2021-02-27', '2021-02-27', { establishedOn: '2020-02-29' }, 'established-one-year', '二（二）'],
    ['not operating', '2024-06-30', { operatingNormally: '否' }, 'operating-normally', '二（二）'],
    ['bad credit', '2024-06-30', { badCreditRecord: '有' }, 'no-bad-credit', '二（二）'],
    ['fiscal violation', '2024-06-30', { seriousFiscalViolationWithin5Years: '有' }, 'no-fiscal-violation', '二（三）'],
    ['dishonesty', '2024-06-30', { dishonestyRecord: '是' }, 'no-dishonesty', '二（五）'],
    ['subsidy received', '2024-06-30', { subsidyReceived: '是' }, 'apply-once', '二（六）'],
    ['application in progress', '2024-06-30', { applicationInProgress: '有' }, 'apply-once', '二（六）'],
    ['not first purchase', '2024-06-30', { firstPurchase: '不是' }, 'first-purchase', '二（四）'],
    ['provider not filed', '2024-06-30', { providerFiledOn: '未备案' }, 'provider-filed-before-contract', '三（一）'],
    ['filed one day after the contract', '2024-06-30', { providerFiledOn: '2023-08-02' }, 'provider-filed-before-contract', '三（一）'],
    ['nothing paid', '2024-06-30', { paidAmountFen: '0' }, 'actual-expenditure', '二（四）'],
    ['other subsidies equal to computed', '2024-06-30', { otherSubsidiesFen: '6万' }, 'no-double-subsidy', '四（二）'],
    ['other subsidies above computed', '2024-06-30', { otherSubsidiesFen: '10万元' }, 'no-double-subsidy', '四（二）'],
  ])('%s', (_name, asOf, change, rule, clause) => {
    const { state, last } = run(asOf, { ...CHAT_ANSWERS, ...change });
    expect(last?.ok).toBe(true);
    if (last === null || !last.ok) return;
    expect(last.step.kind).toBe('stopped');
    if (last.step.kind !== 'stopped') return;
    expect(last.step.stop).toMatchObject({ rule, clause });
    expect(last.step.stop.message).toMatch(/[\u4e00-\u9fff]/);
    expect(state.stop).toEqual(last.step.stop);
    expect(nextQuestion(state)).toBeNull();
    const after = applyChat(state, '是');
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.message).toContain('已结束');
  });

  test.each<[string, string, Record<string, unknown>]>([
    ['founded 2020-02-29, asked 2021-02-28', '2021-02-28', { establishedOn: '2020-02-29' }],
    ['filed the day of the contract', '2024-06-30', { providerFiledOn: '2023-08-01' }],
    ['other subsidies one fen below computed', '2024-06-30', { otherSubsidiesFen: '59999.99' }],
    ['industry skipped', '2024-06-30', { industryCode: '不清楚' }],
    ['industry B', '2024-06-30', { industryCode: 'B' }],
    ['industry named 制造业', '2024-06-30', { industryCode: '制造业' }],
  ])('%s: no stop', (_name, asOf, change) => {
    const { last } = run(asOf, { ...CHAT_ANSWERS, ...change });
    expect(last?.ok && last.step.kind).toBe('complete');
  });

  test('a stop tells the date from which the enterprise qualifies', () => {
    const { last } = run('2021-02-27', { ...CHAT_ANSWERS, establishedOn: '2020-02-29' });
    if (last === null || !last.ok || last.step.kind !== 'stopped') throw new Error('expected a stop');
    expect(last.step.stop.message).toContain('2021-02-28');
  });

  test('one fen below: payable 1 fen', () => {
    const { last } = run('2024-06-30', { ...CHAT_ANSWERS, otherSubsidiesFen: '59999.99元' });
    if (last === null || !last.ok || last.step.kind !== 'complete') throw new Error('flow did not complete');
    expect(last.step.estimate.payableFen).toBe(1);
    expect(evaluateEligibility(last.step.facts)).toMatchObject({ eligible: true, subsidyFen: 1 });
  });
});

describe('every early stop agrees with the rules', () => {
  // For each stopping answer: the same fact in otherwise passing facts fails the same rule.
  test.each<[string, unknown, FactsPatch]>([
    ['registeredInYichun', false, { enterprise: { registeredInYichun: false } }],
    ['creditCode', withCheck('92230717MA1B2C3D4'), { enterprise: { creditCode: withCheck('92230717MA1B2C3D4') } }],
    ['independentLegalPerson', false, { enterprise: { independentLegalPerson: false } }],
    ['industrial', false, { enterprise: { industrial: false } }],
    ['industryCode', 'E', { enterprise: { industryCode: 'E' } }],
    ['alignedWithIndustrialPolicy', false, { enterprise: { alignedWithIndustrialPolicy: false } }],
    ['establishedOn', '2023-07-01', { enterprise: { establishedOn: '2023-07-01' } }],
    ['operatingNormally', false, { enterprise: { operatingNormally: false } }],
    ['badCreditRecord', true, { enterprise: { badCreditRecord: true } }],
    ['seriousFiscalViolationWithin5Years', true, { enterprise: { seriousFiscalViolationWithin5Years: true } }],
    ['dishonestyRecord', true, { enterprise: { dishonestyRecord: true } }],
    ['subsidyReceived', true, { history: { subsidyReceived: true } }],
    ['applicationInProgress', true, { history: { applicationInProgress: true } }],
    ['firstPurchase', false, { cloud: { firstPurchase: false } }],
    ['providerFiledOn', null, { cloud: { providerFiledOn: null } }],
    ['contractSignedOn', '2023-05-09', { cloud: { contractSignedOn: '2023-05-09' } }],
    ['paidAmountFen', 0, { cloud: { paidAmountFen: 0 } }],
    ['otherSubsidiesFen', 6_000_000, { otherSubsidiesFen: 6_000_000 }],
  ])('%s = %p', (questionId, answer, patch) => {
    const { last } = run('2024-06-30', { ...CHAT_ANSWERS, [questionId]: answer });
    if (last === null || !last.ok || last.step.kind !== 'stopped') throw new Error(`${questionId} did not stop`);
    const failures = evaluateEligibility(factsWith(patch)).failures.map((f) => f.rule);
    expect(failures).toEqual([last.step.stop.rule]);
  });
});

describe('bad answers leave the state unchanged', () => {
  const at = (questionId: string): FlowState => {
    let state = startFlow('2024-06-30');
    for (let q = nextQuestion(state); q !== null && q.id !== questionId; q = nextQuestion(state)) {
      const result = applyChat(state, CHAT_ANSWERS[q.id]);
      if (!result.ok) throw new Error(result.message);
      state = result.state;
    }
    return state;
  };

  test.each<[string, unknown, RegExp]>([
    ['registeredInYichun', '也许', /请回复 是 或 否/],
    ['registeredInYichun', 1, /请回复 是 或 否/],
    ['registeredInYichun', null, /请回复 是 或 否/],
    ['creditCode', '91230717MA1B2C3D4X', /校验/],
    ['creditCode', '1234', /18位/],
    ['industryCode', 'Z', /字母/],
    ['establishedOn', '2023-02-30', /日期/],
    ['establishedOn', '去年', /日期/],
    ['providerFiledOn', '很早', /未备案/],
    ['contractAmountFen', '0', /大于0/],
    ['contractAmountFen', '很多钱', /金额/],
    ['contractAmountFen', '100.001元', /精确到分/],
    ['contractAmountFen', 1.5, /整数/],
    ['contractAmountFen', -100, /整数/],
    ['paidAmountFen', '-1', /金额/],
  ])('%s: %p', (questionId, answer, message) => {
    const state = at(questionId);
    expect(nextQuestion(state)?.id).toBe(questionId);
    const result = applyChat(state, answer);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
    expect(result.state).toBe(state);
    expect(result.question?.id).toBe(questionId);
  });

  test('answers after completion are refused', () => {
    const { state } = run('2024-06-30', CHAT_ANSWERS);
    const result = applyChat(state, '是');
    expect(result.ok).toBe(false);
  });
});

describe('answers typed by people', () => {
  test.each<[string, number]>([
    ['12万', 12_000_000],
    ['12万元', 12_000_000],
    ['120000元', 12_000_000],
    ['120000', 12_000_000],
    ['120000.5', 12_000_050],
    ['120000.50', 12_000_050],
    ['120,000.50元', 12_000_050],
    ['120，000元', 12_000_000],
    ['１２万', 12_000_000],
    ['￥1,000', 100_000],
    ['¥ 1000', 100_000],
    ['1000块', 100_000],
    ['12万元整', 12_000_000],
    ['12.5万', 12_500_000],
    ['1.234567万', 1_234_567],
    ['0.01', 1],
    ['0.29元', 29],
    ['1.15', 115],
    ['4.35元', 435],
    ['100分', 100],
    ['0', 0],
    ['0.000', 0],
    ['007', 700],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
    ['9007199254740991分', Number.MAX_SAFE_INTEGER],
  ])('parseYuanText(%j) → %i fen', (text, fen) => {
    expect(parseYuanText(text)).toEqual({ ok: true, fen });
  });

  test.each([
    ['', /金额/],
    ['abc', /金额/],
    ['-5', /金额/],
    ['.5', /金额/],
    ['1e5', /金额/],
    ['0.1+0.2', /金额/],
    ['12万5千', /金额/],
    ['0.001', /精确到分/],
    ['1.2345678万', /精确到分/],
    ['1.5分', /整数/],
    ['90071992547409.92', /过大/],
    ['99999999999999999999万', /过大/],
  ])('parseYuanText(%j) is refused', (text, message) => {
    const result = parseYuanText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  test.each<[string, boolean | null]>([
    ['是', true],
    ['是的', true],
    ['对', true],
    ['有', true],
    ['Y', true],
    ['yes', true],
    ['true', true],
    [' 是！', true],
    ['否', false],
    ['不是', false],
    ['没有', false],
    ['n', false],
    ['NO', false],
    ['false', false],
    ['也许', null],
    ['', null],
    ['是不是', null],
  ])('parseYesNo(%j) → %p', (text, value) => {
    expect(parseYesNo(text)).toBe(value);
  });

  test.each<[string, string | null]>([
    ['2023-05-01', '2023-05-01'],
    ['2023-5-1', '2023-05-01'],
    ['2023/5/1', '2023-05-01'],
    ['2023.05.01', '2023-05-01'],
    ['2023年5月1日', '2023-05-01'],
    ['2023年05月01号', '2023-05-01'],
    ['２０２３年５月１日', '2023-05-01'],
    ['20230501', '2023-05-01'],
    ['2020-02-29', '2020-02-29'],
    ['2023-02-29', null],
    ['2023-13-01', null],
    ['23-5-1', null],
    ['5月1日', null],
    ['', null],
  ])('parseHumanDate(%j) → %p', (text, value) => {
    expect(parseHumanDate(text)).toBe(value);
  });
});

describe('estimate and state', () => {
  test.each([
    [20_000_000, 0, 10_000_000, false, 10_000_000],
    [20_000_001, 0, 10_000_000, true, 10_000_000],
    [3, 0, 2, false, 2],
    [12_000_000, 5_999_999, 6_000_000, false, 1],
  ])('estimateSubsidy(%i, %i)', (contract, other, computed, capped, payable) => {
    expect(estimateSubsidy(contract, other)).toMatchObject({ computedFen: computed, capped, payableFen: payable });
  });

  test('startFlow refuses a malformed day', () => {
    expect(() => startFlow('2024-02-30')).toThrow(RangeError);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['another policy', { policy: 'other', asOf: '2024-06-30', answers: {}, stop: null }],
    ['bad asOf', { policy: 'yichun-2023-cloud', asOf: '2024-6-30', answers: {}, stop: null }],
    ['unknown question', { policy: 'yichun-2023-cloud', asOf: '2024-06-30', answers: { x: true }, stop: null }],
    ['bad stored answer', { policy: 'yichun-2023-cloud', asOf: '2024-06-30', answers: { creditCode: 'nope' }, stop: null }],
    [
      'unknown rule in stop',
      { policy: 'yichun-2023-cloud', asOf: '2024-06-30', answers: {}, stop: { questionId: 'x', rule: 'x', clause: 'x', message: 'x' } },
    ],
  ])('restoreFlowState refuses %s', (_name, value) => {
    expect(restoreFlowState(value)).toBeNull();
  });

  test('a state restores to itself', () => {
    const first = applyChat(startFlow('2024-06-30'), '是');
    if (!first.ok) throw new Error(first.message);
    const second = applyChat(first.state, YICHUN_CODE);
    if (!second.ok) throw new Error(second.message);
    expect(restoreFlowState(JSON.parse(JSON.stringify(second.state)))).toEqual(second.state);
  });
});
