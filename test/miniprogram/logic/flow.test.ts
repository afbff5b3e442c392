/**
 * The mini-program stops the self-check on the very screen, with the flow's interpreter as mp:sync copies
 * it under miniprogram/shared/; it must stop exactly where the server's own (shared/src/rules/flow/, the
 * chatbot's) stops, on the same rule, and ask the same next question. Checked on many answer sequences,
 * seeded so that a failure repeats.
 */
import { describeFlow } from '../../../shared/src/rules/flow/questions';
import { applyAnswer, startFlow, type FlowState } from '../../../shared/src/rules/flow/interpreter';
import { parseEligibilityFacts } from '../../../shared/src/contracts/eligibility';
import { computeSubsidyAmount } from '../../../shared/src/rules/eligibility';
import { creditCodeCheckCharacter } from '../../../shared/src/rules/creditCode';
import { buildFacts, estimate, nextQuestion, parseInput, stopFor, type Answers } from '../../../miniprogram/logic/flow';
import type { AnswerValue } from '../../../miniprogram/shared/rules/flow/questions';

const ASOF = '2024-06-30';
const flow = describeFlow(ASOF);

function code(prefix: string): string {
  const first17 = `${prefix}230717MA1B2C3DX`;
  return first17 + creditCodeCheckCharacter(first17);
}

const CANDIDATES: Record<string, AnswerValue[]> = {
  boolean: [true, false],
  credit_code: [code('91'), code('92')],
  choice: ['B', 'C', 'D', 'E', 'F', null],
  date: ['2020-03-01', '2023-09-30', '2024-02-29', '2023-06-30', '2023-07-01', '2023-04-01', '2023-06-01'],
  date_or_none: ['2023-05-01', '2023-12-01', null],
  provider_id: [null, '01PROVIDER0000000000000000'],
};
const MONEY: Record<string, AnswerValue[]> = {
  contractAmountFen: [15_000_000, 30_000_000, 1],
  paidAmountFen: [15_000_000, 0, 100],
  otherSubsidiesFen: [0, 7_500_000, 10_000_000, 100, 20_000_000],
};

/** Answers that pass, so that a run can reach the end. */
const GOOD: Record<string, AnswerValue> = {
  creditCode: code('91'),
  industryCode: 'C',
  establishedOn: '2020-03-01',
  providerId: null,
  providerFiledOn: '2023-05-01',
  contractSignedOn: '2023-06-01',
  contractAmountFen: 15_000_000,
  paidAmountFen: 15_000_000,
  otherSubsidiesFen: 0,
};

function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % n;
  };
}

test('stops on the same answer, with the same rule and clause, as the server’s flow', () => {
  let stops = 0;
  let completes = 0;
  for (let run = 0; run < 400; run += 1) {
    const pick = rng(run + 1);
    let server: FlowState = startFlow(ASOF);
    let answers: Answers = {};
    // Early runs answer mostly “the good way”, so that late questions are reached too.
    for (let step = 0; step < 40; step += 1) {
      const q = nextQuestion(answers);
      expect(q?.id ?? null).toBe(nextServerQuestion(server));
      if (!q) {
        completes += 1;
        break;
      }
      const options = q.answerType === 'money_fen' ? MONEY[q.id] : CANDIDATES[q.answerType];
      const good =
        q.answerType === 'boolean' ? !(q.stopWhen?.condition.kind === 'equals' && q.stopWhen.condition.values.includes(true)) : GOOD[q.id]!;
      const value = run < 150 && pick(30) !== 0 ? good : options[pick(options.length)]!;
      const result = applyAnswer(server, value);
      expect(result.ok).toBe(true);
      if (!result.ok) break;
      const ours = stopFor(q, value, answers, ASOF);
      if (result.step.kind === 'stopped') {
        expect(ours).toMatchObject({ questionId: q.id, rule: result.step.stop.rule, clause: result.step.stop.clause });
        stops += 1;
        break;
      }
      expect([q.id, value, ours]).toEqual([q.id, value, null]);
      server = result.state;
      answers = { ...answers, [q.id]: value };
    }
  }
  // Both kinds of ending were reached many times.
  expect(stops).toBeGreaterThan(100);
  expect(completes).toBeGreaterThan(20);
});

function nextServerQuestion(state: FlowState): string | null {
  const step = applyAnswer(state, Symbol('probe'));
  return step.ok ? null : (step.question?.id ?? null);
}

test('the estimate is the rules’ amount: half the contract, a half fen up, capped, less other subsidies', () => {
  for (const [contract, other] of [
    [15_000_000, 0],
    [15_000_001, 0],
    [30_000_000, 0],
    [30_000_000, 2_500_000],
    [1, 0],
    [9_999_999, 10_000_000],
  ] as const) {
    const rules = computeSubsidyAmount(contract, other, ASOF);
    expect(estimate(contract, other, ASOF)).toEqual({ computedFen: rules.computedFen, payableFen: rules.payableFen, capped: rules.capped });
  }
});

test('a screen’s input is checked before it counts as an answer', () => {
  const byId = (id: string) => flow.questions.find((q) => q.id === id)!;
  expect(parseInput(byId('creditCode'), code('91').toLowerCase())).toEqual({ ok: true, value: code('91') });
  expect(parseInput(byId('creditCode'), '91230717MA1B2C3D0X')).toMatchObject({ ok: false });
  expect(parseInput(byId('contractAmountFen'), '150000')).toEqual({ ok: true, value: 15_000_000 });
  expect(parseInput(byId('contractAmountFen'), '0')).toEqual({ ok: false, message: '金额须大于 0' });
  expect(parseInput(byId('industryCode'), null)).toEqual({ ok: true, value: null });
  expect(parseInput(byId('establishedOn'), '')).toEqual({ ok: false, message: '请选择日期' });
  expect(parseInput(byId('registeredInYichun'), null)).toEqual({ ok: false, message: '请先回答这一题' });
});

test('the facts of a finished check are what POST /api/v1/eligibility/evaluate takes', () => {
  const answers: Answers = {
    registeredInYichun: true,
    creditCode: code('91'),
    independentLegalPerson: true,
    industrial: true,
    industryCode: null,
    alignedWithIndustrialPolicy: true,
    establishedOn: '2020-03-01',
    operatingNormally: true,
    badCreditRecord: false,
    seriousFiscalViolationWithin5Years: false,
    dishonestyRecord: false,
    subsidyReceived: false,
    applicationInProgress: false,
    firstPurchase: true,
    providerId: null,
    providerFiledOn: '2023-05-01',
    contractSignedOn: '2023-06-01',
    contractAmountFen: 15_000_000,
    paidAmountFen: 15_000_000,
    otherSubsidiesFen: 0,
  };
  const facts = buildFacts(answers, ASOF)!;
  expect(facts).toMatchObject({
    asOf: ASOF,
    enterprise: { creditCode: code('91'), establishedOn: '2020-03-01' },
    cloud: { providerFiledOn: '2023-05-01', contractAmountFen: 15_000_000 },
    history: { subsidyReceived: false },
    otherSubsidiesFen: 0,
  });
  expect(facts.enterprise).not.toHaveProperty('industryCode');
  // No provider from the register: none named; the request's contract reads them back unchanged.
  expect(facts.cloud.providerId).toBeNull();
  expect(parseEligibilityFacts(JSON.parse(JSON.stringify(facts)))).toEqual({ ok: true, facts });
  // Before the end there are no facts to send.
  expect(buildFacts({ registeredInYichun: true }, ASOF)).toBeNull();
});
