import { acceptedEvents, transition, type MachineDef } from '../../../shared/src/workflow/machine';
import {
  APPLICATION_EVENTS,
  APPLICATION_STATES,
  applicationMachine,
  type ApplicationContext,
} from '../../../shared/src/workflow/application';
import { FILING_EVENTS, FILING_STATES, filingMachine, type FilingContext } from '../../../shared/src/workflow/providerFiling';
import { ROLES } from '../../../shared/src/contracts/roles';

/** A context in which every guard passes (the table then tests states, events and roles alone). */
const PERMISSIVE_APP: ApplicationContext = {
  ruleFailures: 0,
  missingMaterials: 0,
  reason: '理由充分',
  ratingsGiven: true,
  settlementSigned: true,
  settlementChangedFigures: [],
  otherDepartmentApproved: true,
  sameReviewerGaveOtherOpinion: false,
  verifiedAmountProblem: null,
  returnedFrom: 'county',
  contractChanged: false,
};
const PERMISSIVE_FILING: FilingContext = { formProblems: 0, conditionsConfirmed: 5, reason: '理由充分' };

function exhaustive<S extends string, E extends string, G extends string, F extends string, C>(
  name: string,
  machine: MachineDef<S, E, G, F, C>,
  states: readonly S[],
  events: readonly E[],
  context: C,
) {
  describe(`${name}: nothing outside the declared machine is accepted, for any role`, () => {
    const declared = acceptedEvents(machine);
    const cases = states.flatMap((s) => events.flatMap((e) => ROLES.map((r) => [s, e, r] as const)));
    test(`${cases.length} (state, event, role) triples`, () => {
      for (const [state, event, role] of cases) {
        const result = transition(machine, state, event, [role], context);
        const allowed = declared.some((d) => d.from === state && d.event === event && d.def.roles.includes(role));
        expect([state, event, role, result.ok]).toEqual([state, event, role, allowed]);
        if (result.ok) expect(declared.some((d) => d.from === state && d.event === event && d.def.target === result.to)).toBe(true);
      }
    });

    test('final states accept nothing; every state has two labels in Chinese; every target is a state', () => {
      for (const s of states) {
        const def = machine.states[s];
        expect(def.labels.reviewer).toMatch(/[\u4e00-\u9fa5]/);
        expect(def.labels.applicant).toMatch(/[\u4e00-\u9fa5]/);
        if (def.final) expect(declared.filter((d) => d.from === s)).toEqual([]);
      }
      for (const d of declared) expect(states).toContain(d.def.target);
    });

    test('every guard refuses with a Chinese reason when its condition fails', () => {
      for (const d of declared) {
        for (const g of d.def.guards ?? []) expect(typeof machine.guards[g]).toBe('function');
      }
    });
  });
}

exhaustive('application', applicationMachine, APPLICATION_STATES, APPLICATION_EVENTS, PERMISSIVE_APP);
exhaustive('provider filing', filingMachine, FILING_STATES, FILING_EVENTS, PERMISSIVE_FILING);

test('every state of an application tells the enterprise what comes next', () => {
  for (const s of APPLICATION_STATES)
    expect([s, applicationMachine.states[s].labels.next]).toEqual([s, expect.stringMatching(/[\u4e00-\u9fa5]/)]);
});

describe('application guards, one at a time', () => {
  test.each<[string, Partial<ApplicationContext>, string]>([
    ['rules fail', { ruleFailures: 2 }, 'rulesPass'],
    ['materials missing', { missingMaterials: 1 }, 'materialsComplete'],
  ])('submit refused when %s', (_l, ctx, guard) => {
    const r = transition(applicationMachine, 'draft', 'submit', ['enterprise'], { ...PERMISSIVE_APP, ...ctx });
    expect(r).toMatchObject({ ok: false, reason: 'guard_failed', guard });
  });

  test('the first county approval keeps the case in county review; the second moves it on', () => {
    expect(
      transition(applicationMachine, 'county_review', 'county_approve', ['county_miit'], {
        ...PERMISSIVE_APP,
        otherDepartmentApproved: false,
      }),
    ).toMatchObject({ ok: true, to: 'county_review' });
    expect(transition(applicationMachine, 'county_review', 'county_approve', ['county_finance'], PERMISSIVE_APP)).toMatchObject({
      ok: true,
      to: 'county_approved',
    });
    expect(
      transition(applicationMachine, 'county_review', 'county_approve', ['county_finance'], {
        ...PERMISSIVE_APP,
        sameReviewerGaveOtherOpinion: true,
      }),
    ).toMatchObject({ ok: false, guard: 'notSameReviewerTwice' });
    expect(
      transition(applicationMachine, 'county_review', 'county_approve', ['county_finance'], { ...PERMISSIVE_APP, settlementSigned: false }),
    ).toMatchObject({ ok: false, guard: 'settlementSigned' });
  });

  test.each<[ApplicationContext['returnedFrom'], boolean, string]>([
    ['provider', false, 'provider_check'],
    ['county', false, 'county_review'],
    ['county', true, 'provider_check'],
    ['city', false, 'reported'],
    ['city', true, 'provider_check'],
  ])('a correction returned by %s (contract changed: %s) goes back to %s', (returnedFrom, contractChanged, target) => {
    expect(
      transition(applicationMachine, 'returned', 'resubmit', ['enterprise'], { ...PERMISSIVE_APP, returnedFrom, contractChanged }),
    ).toMatchObject({ ok: true, to: target });
  });

  test('a returned payment puts the application back to approved; a reason is required', () => {
    expect(transition(applicationMachine, 'disbursed', 'reverse_payment', ['city_finance'], PERMISSIVE_APP)).toMatchObject({
      ok: true,
      to: 'approved',
    });
    expect(
      transition(applicationMachine, 'disbursed', 'reverse_payment', ['city_finance'], { ...PERMISSIVE_APP, reason: null }),
    ).toMatchObject({ ok: false, guard: 'reasonGiven' });
  });
});
