/**
 * The self-check's interpreter at its edges: the estimate's sentence (一, 四（二）), a stored state that this
 * code did not write, answers after the end, and a damaged state that cannot give the facts. Expected
 * values are written from the policy (50%, at most 10万元, 就高不重复) and the flow's promise: a bad answer
 * or a bad state changes nothing and says so in Chinese.
 */
import {
  applyAnswer,
  currentStep,
  estimateSubsidy,
  flowFacts,
  nextQuestion,
  pendingQuestion,
  restoreFlowState,
  startFlow,
  type Answers,
  type FlowState,
} from '../../../../shared/src/rules/flow/interpreter';
import { QUESTIONS } from '../../../../shared/src/rules/flow/questions';
import { YICHUN_CODE, passingFacts } from '../fixtures';

const ASOF = '2024-06-30';

/** Every question answered so that nothing stops the check (passingFacts()). */
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

/** Every answer but the last (other subsidies). */
function withoutLast(): Answers {
  const answers = { ...VALUES };
  delete answers.otherSubsidiesFen;
  return answers;
}

const state = (answers: Answers, stop: FlowState['stop'] = null): FlowState => ({
  policy: 'yichun-2023-cloud',
  asOf: ASOF,
  answers,
  stop,
});

describe('estimateSubsidy: the sentence an applicant reads', () => {
  test.each([
    [12_000_000, 0, '合同金额 120,000.00 元，按50%计算可补助 60,000.00 元。最终金额以审核核定为准。'],
    [3, 0, '合同金额 0.03 元，按50%计算可补助 0.02 元。最终金额以审核核定为准。'],
    [20_000_000, 0, '合同金额 200,000.00 元，按50%计算可补助 100,000.00 元。最终金额以审核核定为准。'],
    [20_000_001, 0, '合同金额 200,000.01 元，按50%计算可补助 100,000.00 元（已按单户最高 100,000.00 元 封顶）。最终金额以审核核定为准。'],
    [
      12_000_000,
      2_000_000,
      '合同金额 120,000.00 元，按50%计算可补助 60,000.00 元；扣除其他政策已补助的 20,000.00 元（就高不重复），预计可补 40,000.00 元。最终金额以审核核定为准。',
    ],
    [
      30_000_000,
      12_000_000,
      '合同金额 300,000.00 元，按50%计算可补助 100,000.00 元（已按单户最高 100,000.00 元 封顶）；扣除其他政策已补助的 120,000.00 元（就高不重复），预计可补 0.00 元。最终金额以审核核定为准。',
    ],
  ])('contract %i fen, other %i fen', (contract, other, text) => {
    expect(estimateSubsidy(contract, other, ASOF).text).toBe(text);
  });

  test('by default there are no other subsidies, under the policy in force from its start', () => {
    expect(estimateSubsidy(12_000_000)).toEqual({
      contractAmountFen: 12_000_000,
      otherSubsidiesFen: 0,
      computedFen: 6_000_000,
      capped: false,
      payableFen: 6_000_000,
      text: '合同金额 120,000.00 元，按50%计算可补助 60,000.00 元。最终金额以审核核定为准。',
    });
  });
});

describe('startFlow', () => {
  test('begins with no answers, on the day given', () => {
    expect(startFlow(ASOF)).toEqual(state({}));
  });

  test.each([['2024-02-30'], ['2024/06/30'], ['']])('refuses the day %j', (asOf) => {
    expect(() => startFlow(asOf)).toThrow(RangeError);
  });
});

describe('restoreFlowState: only what this code wrote', () => {
  const STOP = { questionId: 'registeredInYichun', rule: 'registered-in-yichun', clause: '二（一）', message: '不在伊春市' };
  const good = { policy: 'yichun-2023-cloud', asOf: ASOF, answers: { registeredInYichun: false }, stop: STOP };

  test('a stopped state comes back as it was', () => {
    expect(restoreFlowState(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  test.each<[string, unknown]>([
    ['nothing', null],
    ['a string', 'state'],
    ['another policy', { ...good, policy: 'yichun-2024-cloud' }],
    ['no policy', { asOf: ASOF, answers: {}, stop: null }],
    ['a day that does not exist', { ...good, asOf: '2024-02-30' }],
    ['a day as a number', { ...good, asOf: 20240630 }],
    ['answers as null', { ...good, answers: null }],
    ['an answer to a question that does not exist', { ...good, answers: { favouriteColour: 'red' } }],
    ['an answer of the wrong kind', { ...good, answers: { establishedOn: '2024-02-30' } }],
    ['a stop that is a string', { ...good, stop: 'stopped' }],
    ['a stop that is an array', { ...good, stop: [] }],
    ['a stop whose question is not named', { ...good, stop: { ...STOP, questionId: 1 } }],
    ['a stop without its clause', { ...good, stop: { ...STOP, clause: undefined } }],
    ['a stop whose message is not text', { ...good, stop: { ...STOP, message: 42 } }],
    ['a stop on a rule that does not exist', { ...good, stop: { ...STOP, rule: 'be-nice' } }],
    ['a stop whose rule is not text', { ...good, stop: { ...STOP, rule: 7 } }],
  ])('refuses %s', (_what, value) => {
    expect(restoreFlowState(value)).toBeNull();
  });
});

describe('answers after the end, and bad answers', () => {
  test('a stopped check takes no more answers and says why it ended', () => {
    const stop = { questionId: 'registeredInYichun', rule: 'registered-in-yichun' as const, clause: '二（一）', message: '不在伊春市。' };
    const stopped = state({ registeredInYichun: false }, stop);
    expect(nextQuestion(stopped)).toBeNull();
    expect(currentStep(stopped)).toEqual({ kind: 'stopped', stop });
    expect(applyAnswer(stopped, true)).toEqual({
      ok: false,
      state: stopped,
      question: null,
      message: '本次自测已结束：不在伊春市。 如需重新自测，请重新开始。',
    });
  });

  test('a bad answer leaves the state as it was, and names the question', () => {
    const start = startFlow(ASOF);
    expect(applyAnswer(start, '是')).toEqual({ ok: false, state: start, question: QUESTIONS[0], message: '请回复 是 或 否' });
  });

  test('a good answer moves on to the next question', () => {
    const result = applyAnswer(startFlow(ASOF), true);
    expect(result).toEqual({
      ok: true,
      state: state({ registeredInYichun: true }),
      step: { kind: 'question', question: QUESTIONS[1] },
    });
  });

  test('the last answer completes the check with the facts and the estimate', () => {
    const before = withoutLast();
    const result = applyAnswer(state(before), 2_000_000);
    expect(result).toEqual({
      ok: true,
      state: state({ ...before, otherSubsidiesFen: 2_000_000 }),
      step: {
        kind: 'complete',
        facts: { ...passingFacts(), otherSubsidiesFen: 2_000_000 },
        estimate: estimateSubsidy(12_000_000, 2_000_000, ASOF),
      },
    });
  });
});

describe('a damaged state gives no facts', () => {
  // Each required fact answered with a value of the wrong kind (as if the stored state had been altered).
  const wrong: [string, unknown][] = [
    ['creditCode', true],
    ['registeredInYichun', 'yes'],
    ['independentLegalPerson', 1],
    ['industrial', 'true'],
    ['industryCode', 'Z'],
    ['alignedWithIndustrialPolicy', 'y'],
    ['establishedOn', 20190412],
    ['operatingNormally', 'y'],
    ['badCreditRecord', 0],
    ['seriousFiscalViolationWithin5Years', 0],
    ['dishonestyRecord', 0],
    ['firstPurchase', 'y'],
    ['contractSignedOn', 20230801],
    ['contractAmountFen', '12000000'],
    ['paidAmountFen', '12000000'],
  ];
  test.each(wrong)('%s ← %p', (id, value) => {
    const damaged = state({ ...VALUES, [id]: value } as Answers);
    expect(pendingQuestion(damaged.answers)).toBeNull();
    expect(flowFacts(damaged)).toBeNull();
    expect(currentStep(damaged)).toBeNull();
  });

  test('the last answer to a damaged state is refused, the state kept', () => {
    const before = withoutLast();
    const damaged = state({ ...before, registeredInYichun: 'yes' });
    expect(applyAnswer(damaged, 0)).toEqual({
      ok: false,
      state: damaged,
      question: QUESTIONS.find((q) => q.id === 'otherSubsidiesFen'),
      message: '无法完成自测，请重新开始；如仍有问题请联系市工信局信息化推进科（0458-3878126）。',
    });
  });

  test('no facts after a stop, even with every answer', () => {
    const stop = { questionId: 'registeredInYichun', rule: 'registered-in-yichun' as const, clause: '二（一）', message: '不在伊春市。' };
    expect(flowFacts(state(VALUES, stop))).toBeNull();
  });
});
