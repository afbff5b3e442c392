import { transition } from '../../../shared/src/workflow/machine';
import { REPORT_EVENTS, REPORT_STATES, reportMachine, type ReportContext } from '../../../shared/src/workflow/jointReport';
import { checkAgainstDesign } from './designTable';

/**
 * The joint report (联合行文) as the seed (三（四）各县（市）、区工信、财政主管部门…联合行文报送市工信局、市财政局) and
 * DESIGN.md describe it: it needs a sign-off from both county departments before it reaches the city,
 * by two different people; the second signature reports its applications.
 */
const PERMISSIVE: ReportContext = {
  department: 'miit',
  actorId: 'u-miit',
  miitSignedBy: null,
  financeSignedBy: 'u-finance',
  draftedDepartment: 'miit',
  reason: '文号有误',
};
const COUNTY = ['county_miit', 'county_finance'] as const;
// DESIGN.md, "Corrections after the fact": before its second signature, by the department that drafted it, with a reason.
const BY_DRAFTER = ['draftingDepartment', 'reasonGiven'];
const CANCEL_EFFECTS = ['releaseApplications', 'alertOtherDepartment'];

checkAgainstDesign(reportMachine, {
  name: 'joint report',
  states: REPORT_STATES,
  events: REPORT_EVENTS,
  initial: 'draft',
  finals: ['submitted', 'cancelled'],
  reviewerLabels: {
    draft: '待两部门签发',
    signing: '一方已签发，待另一部门签发',
    submitted: '已报送市工信局、市财政局',
    cancelled: '已撤销',
  },
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
    {
      from: 'draft',
      event: 'correct',
      roles: COUNTY,
      to: 'draft',
      effects: ['replaceApplications', 'alertOtherDepartment'],
      guards: BY_DRAFTER,
    },
    // A first signature covered the version it saw: the corrected report goes back to draft, to be signed by both.
    {
      from: 'signing',
      event: 'correct',
      roles: COUNTY,
      to: 'draft',
      effects: ['voidSignatures', 'replaceApplications', 'alertOtherDepartment'],
      guards: BY_DRAFTER,
    },
    { from: 'draft', event: 'cancel', roles: COUNTY, to: 'cancelled', effects: CANCEL_EFFECTS, guards: BY_DRAFTER },
    { from: 'signing', event: 'cancel', roles: COUNTY, to: 'cancelled', effects: CANCEL_EFFECTS, guards: BY_DRAFTER },
  ],
  permissive: PERMISSIVE,
  breakers: {
    departmentNotYetSigned: { ctx: { miitSignedBy: 'u-other-miit' }, reason: '工信部门已经签发过这份联合行文' },
    notSameSignerTwice: { ctx: { financeSignedBy: 'u-miit' }, reason: '同一人不能代表工信和财政两个部门签发同一份联合行文' },
    draftingDepartment: {
      ctx: { draftedDepartment: 'finance' },
      reason: '这份联合行文由财政部门起草，只有起草部门可以更正或撤销；如有问题，请联系财政部门',
    },
    reasonGiven: { ctx: { reason: ' 错 ' }, reason: '请写明更正或撤销的原因（至少 2 个字）' },
  },
  refusals: {
    submitted: {
      sign: '这份联合行文已经报送，不能再签发',
      correct: '这份联合行文已经两部门签发并报送，不能再更正；如有错误，请联系市工信局退回相关申请',
      cancel: '这份联合行文已经两部门签发并报送，不能再撤销；如有错误，请联系市工信局退回相关申请',
    },
    cancelled: {
      sign: '这份联合行文已撤销，不能再签发',
      correct: '这份联合行文已撤销，不能再更正，请重新起草',
      cancel: '这份联合行文已经撤销',
    },
  },
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
      reportMachine.guards.notSameSignerTwice({
        ...PERMISSIVE,
        department: 'finance',
        actorId: 'u-f',
        miitSignedBy: null,
        financeSignedBy: 'u-f',
      }),
    ).toBeNull();
    expect(
      reportMachine.guards.notSameSignerTwice({
        ...PERMISSIVE,
        department: 'miit',
        actorId: 'u-m',
        miitSignedBy: 'u-m',
        financeSignedBy: null,
      }),
    ).toBeNull();
    expect(reportMachine.id).toBe('joint-report');
  });
});

describe('joint report: corrected or cancelled only by the department that drafted it', () => {
  test('a report drafted before the department was recorded may be withdrawn by either department', () => {
    expect(
      transition(reportMachine, 'signing', 'cancel', ['county_finance'], { ...PERMISSIVE, department: 'finance', draftedDepartment: null }),
    ).toMatchObject({
      ok: true,
      to: 'cancelled',
    });
  });

  test('the drafting department may withdraw it after the other signed first', () => {
    expect(
      transition(reportMachine, 'signing', 'correct', ['county_finance'], {
        ...PERMISSIVE,
        department: 'finance',
        draftedDepartment: 'finance',
        miitSignedBy: 'u-m',
        financeSignedBy: null,
      }),
    ).toMatchObject({ ok: true, to: 'draft', effects: ['voidSignatures', 'replaceApplications', 'alertOtherDepartment'] });
  });
});

describe('joint report: the reason for a correction, at its boundary', () => {
  // Two characters are enough (the rule says "at least 2"); one, once the blanks are trimmed, is not.
  const correct = (reason: string) => transition(reportMachine, 'draft', 'correct', ['county_miit'], { ...PERMISSIVE, reason });
  test('exactly two characters pass, also with blanks around them', () => {
    expect(correct('错字')).toMatchObject({ ok: true });
    expect(correct('  错字 ')).toMatchObject({ ok: true });
  });
  test('one character does not', () => {
    expect(correct('错')).toMatchObject({ ok: false, guard: 'reasonGiven' });
  });
});
