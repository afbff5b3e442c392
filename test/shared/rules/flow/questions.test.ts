/**
 * The questions of the self-check (shared/src/rules/flow/questions.ts): data — one question per fact of the
 * eligibility rules, each stop on a rule with that rule's clause — and the description GET
 * /api/v1/eligibility/flow serves.
 */
import { RULES } from '../../../../shared/src/rules/eligibility';
import { describeFlow } from '../../../../shared/src/rules/flow/questions';

describe('describeFlow', () => {
  const description = describeFlow();

  test('is JSON and carries the policy and the estimate', () => {
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
    expect(description.policy).toBe('yichun-2023-cloud');
    expect(description.estimate).toMatchObject({ ratePercent: 50, rate: { numerator: 1, denominator: 2 }, capFen: 10_000_000 });
    expect(description.estimate.formula).toContain('就高不重复');
    expect(description.contact).toEqual({ department: '市工信局信息化推进科', phone: '0458-3878126' });
  });

  test('asks for every fact of the request, once each', () => {
    const paths = description.questions.map((q) => q.factPath);
    expect(new Set(paths).size).toBe(paths.length);
    expect([...paths].sort()).toEqual(
      [
        'enterprise.creditCode',
        'enterprise.registeredInYichun',
        'enterprise.independentLegalPerson',
        'enterprise.industrial',
        'enterprise.industryCode',
        'enterprise.alignedWithIndustrialPolicy',
        'enterprise.establishedOn',
        'enterprise.operatingNormally',
        'enterprise.badCreditRecord',
        'enterprise.seriousFiscalViolationWithin5Years',
        'enterprise.dishonestyRecord',
        'cloud.firstPurchase',
        'cloud.providerId',
        'cloud.providerFiledOn',
        'cloud.contractSignedOn',
        'cloud.contractAmountFen',
        'cloud.paidAmountFen',
        'history.subsidyReceived',
        'history.applicationInProgress',
        'otherSubsidiesFen',
      ].sort(),
    );
    for (const q of description.questions) {
      expect(q.text).toMatch(/[\u4e00-\u9fff]/);
      expect(q.help).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  test('every stop names a rule with the rule’s clause, and every rule but none other can stop the flow', () => {
    const stops = description.questions.flatMap((q) => (q.stopWhen === undefined ? [] : [q.stopWhen]));
    for (const stop of stops) {
      expect(stop.clause).toBe(RULES.find((r) => r.id === stop.rule)?.clause);
      expect(stop.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(new Set(stops.map((s) => s.rule))).toEqual(new Set(RULES.map((r) => r.id)));
  });

  test('choice questions list the GB/T 4754 sections A–T', () => {
    const industry = description.questions.find((q) => q.id === 'industryCode');
    expect(industry?.answerType).toBe('choice');
    expect(industry?.choices?.map((c) => c.value).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
  });
});
