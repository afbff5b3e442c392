import { transition } from '../../../shared/src/workflow/machine';
import { REPORT_EVENTS, REPORT_STATES, reportMachine, type ReportContext } from '../../../shared/src/workflow/jointReport';
import { checkAgainstDesign } from './designTable';

/**
 * The joint report (联合行文) as the seed (三（四）各县（市）、区工信、财政主管部门…联合行文报送市工信局、市财政局) and
 * DESIGN.md describe it: it needs a sign-off from both county departments before it reaches the city,
 * by two different people; the second signature reports its applications.
 */
const PERMISSIVE: ReportContext = { department: 'miit', actorId: 'u-miit', miitSignedBy: null, financeSignedBy: 'u-finance' };

checkAgainstDesign(reportMachine, {
  name: 'joint report',
  states: REPORT_STATES,
  events: REPORT_EVENTS,
  initial: 'draft',
  finals: ['submitted'],
  reviewerLabels: { draft: '待两部门签发', signing: '一方已签发，待另一部门签发', submitted: '已报送市工信局、市财政局' },
  rows: [
    {
      from: 'draft',
      event: 'sign',
      roles: ['county_miit', 'county_finance'],
      to: 'signing',
      effects: [],
      guards: ['departmentNotYetSigned', 'notSameSignerTwice'],
    },
    {
      from: 'signing',
      event: 'sign',
      roles: ['county_miit', 'county_finance'],
      to: 'submitted',
      effects: ['reportApplications'],
      guards: ['departmentNotYetSigned', 'notSameSignerTwice'],
    },
  ],
  permissive: PERMISSIVE,
  breakers: {
    departmentNotYetSigned: { ctx: { miitSignedBy: 'u-other-miit' }, reason: '工信部门已经签发过这份联合行文' },
    notSameSignerTwice: { ctx: { financeSignedBy: 'u-miit' }, reason: '同一人不能代表工信和财政两个部门签发同一份联合行文' },
  },
  refusals: { submitted: { sign: '这份联合行文已经报送，不能再签发' } },
});

describe('joint report: each department signs once, as itself', () => {
  const sign = (c: Partial<ReportContext>) =>
    transition(reportMachine, 'signing', 'sign', ['county_finance'], { ...PERMISSIVE, department: 'finance', actorId: 'u-f', ...c });

  test('finance after MIIT submits; finance twice is refused in finance’s words', () => {
    expect(sign({ miitSignedBy: 'u-m', financeSignedBy: null })).toMatchObject({ ok: true, to: 'submitted' });
    expect(sign({ miitSignedBy: null, financeSignedBy: 'u-f2' })).toEqual({
      ok: false,
      reason: 'guard_failed',
      guard: 'departmentNotYetSigned',
      message: '财政部门已经签发过这份联合行文',
    });
  });

  test('the MIIT signer may not sign again for finance; someone else of finance may', () => {
    expect(sign({ miitSignedBy: 'u-f', financeSignedBy: null })).toMatchObject({ ok: false, guard: 'notSameSignerTwice' });
    expect(sign({ miitSignedBy: 'u-m', financeSignedBy: null, actorId: 'u-f3' }).ok).toBe(true);
    // Finance's own earlier signature is not the other department's.
    expect(
      reportMachine.guards.notSameSignerTwice({ department: 'finance', actorId: 'u-f', miitSignedBy: null, financeSignedBy: 'u-f' }),
    ).toBeNull();
    expect(
      reportMachine.guards.notSameSignerTwice({ department: 'miit', actorId: 'u-m', miitSignedBy: 'u-m', financeSignedBy: null }),
    ).toBeNull();
    expect(reportMachine.id).toBe('joint-report');
  });
});
