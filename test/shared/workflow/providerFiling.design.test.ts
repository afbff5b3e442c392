import { transition } from '../../../shared/src/workflow/machine';
import { FILING_EVENTS, FILING_STATES, filingMachine, type FilingContext } from '../../../shared/src/workflow/providerFiling';
import { checkAgainstDesign } from './designTable';

/**
 * A provider filing (DESIGN.md: `draft → submitted → approved (备案编号, approval date) | returned |
 * rejected`, and later `revoked`; 三（一）: the five conditions, city MIIT 备案管理), written out by hand.
 */
const PERMISSIVE: FilingContext = { formProblems: 0, conditionsConfirmed: 5, reason: '材料不全' };
const REASON = '请写明原因，服务商将看到这段文字';

checkAgainstDesign(filingMachine, {
  name: 'provider filing',
  states: FILING_STATES,
  events: FILING_EVENTS,
  initial: 'draft',
  finals: ['rejected', 'revoked'],
  reviewerLabels: {
    draft: '草稿',
    submitted: '待审核',
    approved: '已备案',
    returned: '已退回修改',
    rejected: '不予备案',
    revoked: '已撤销备案',
  },
  rows: [
    { from: 'draft', event: 'submit', roles: ['provider'], to: 'submitted', effects: ['alertCityReviewers'], guards: ['formComplete'] },
    {
      from: 'submitted',
      event: 'approve',
      roles: ['city_miit'],
      to: 'approved',
      effects: ['assignFilingNumber', 'notifyProvider'],
      guards: ['allConditionsConfirmed'],
    },
    { from: 'submitted', event: 'return', roles: ['city_miit'], to: 'returned', effects: ['notifyProvider'], guards: ['reasonGiven'] },
    { from: 'submitted', event: 'reject', roles: ['city_miit'], to: 'rejected', effects: ['notifyProvider'], guards: ['reasonGiven'] },
    { from: 'returned', event: 'submit', roles: ['provider'], to: 'submitted', effects: ['alertCityReviewers'], guards: ['formComplete'] },
    { from: 'approved', event: 'revoke', roles: ['city_miit'], to: 'revoked', effects: ['notifyProvider'], guards: ['reasonGiven'] },
  ],
  permissive: PERMISSIVE,
  breakers: {
    formComplete: { ctx: { formProblems: 3 }, reason: '备案申报书还有 3 处需要补充或修改' },
    allConditionsConfirmed: { ctx: { conditionsConfirmed: 4 }, reason: '请逐条核对三（一）1–5 的五项条件后再通过备案' },
    reasonGiven: { ctx: { reason: null }, reason: REASON },
  },
});

describe('provider filing: boundaries', () => {
  test.each<[string | null, boolean]>([
    [null, false],
    ['', false],
    ['  ', false],
    ['假', false],
    [' 假 ', false],
    ['虚假', true],
    ['材料假', true],
  ])('a reason %j passes: %s', (reason, passes) => {
    for (const event of ['return', 'reject'] as const)
      expect(transition(filingMachine, 'submitted', event, ['city_miit'], { ...PERMISSIVE, reason }).ok).toBe(passes);
    expect(transition(filingMachine, 'approved', 'revoke', ['city_miit'], { ...PERMISSIVE, reason }).ok).toBe(passes);
  });

  test.each([
    [0, false],
    [4, false],
    [5, true],
    [6, false],
  ])('三（一） has five conditions: %i confirmed passes: %s', (conditionsConfirmed, passes) => {
    expect(transition(filingMachine, 'submitted', 'approve', ['city_miit'], { ...PERMISSIVE, conditionsConfirmed }).ok).toBe(passes);
  });

  test('one problem left in the form is one too many', () => {
    expect(transition(filingMachine, 'draft', 'submit', ['provider'], { ...PERMISSIVE, formProblems: 1 })).toMatchObject({
      ok: false,
      message: '备案申报书还有 1 处需要补充或修改',
    });
    expect(filingMachine.id).toBe('provider-filing');
  });
});
