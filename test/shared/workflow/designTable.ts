import { ROLES, type Role } from '../../../shared/src/contracts/roles';
import { transition, type MachineDef } from '../../../shared/src/workflow/machine';

/**
 * A machine checked against a table written by hand from DESIGN.md and the seed, never read off the
 * declaration: every (state, event, role) the table allows must move to its target with its effects,
 * every guard the table names must refuse that move with its Chinese reason when (only) its condition
 * fails, a guard the table does not name must not, and every other (state, event, role) is refused —
 * with role_not_allowed where the state takes the event from someone else, else not_allowed_in_state.
 */
export interface Row<S extends string, E extends string, C> {
  from: S;
  event: E;
  roles: readonly Role[];
  to: S;
  effects: readonly string[];
  /** The conditions (named as the breakers are) that must each refuse this move, in the order they are checked. */
  guards?: readonly string[];
  /** Where a condition is refused here by another guard than its namesake, or in other words. */
  refusedAs?: Readonly<Record<string, { guard: string; reason: string }>>;
  /** Where the outcome depends on the case (which department already approved, who returned it). */
  ctx?: Partial<C>;
}

export interface Breaker<C> {
  ctx: Partial<C>;
  reason: string;
}

export interface Design<S extends string, E extends string, G extends string, C> {
  name: string;
  states: readonly S[];
  events: readonly E[];
  initial: S;
  finals: readonly S[];
  /** What reviewers see of each state (the words of the not_allowed_in_state refusal). */
  reviewerLabels: Record<S, string>;
  rows: readonly Row<S, E, C>[];
  /** A case in which every guard passes. */
  permissive: C;
  /** For each guard (or condition): a change to the permissive case that fails it, and only it, with the reason it gives. */
  breakers: Partial<Record<G, Breaker<C>>> & Record<string, Breaker<C>>;
  /** The words of refusals in a state for an event it does not take, where they are not the default. */
  refusals?: Partial<Record<S, Partial<Record<E, string>>>>;
}

export function checkAgainstDesign<S extends string, E extends string, G extends string, F extends string, C>(
  machine: MachineDef<S, E, G, F, C>,
  design: Design<S, E, G, C>,
): void {
  describe(`${design.name}: as DESIGN.md has it`, () => {
    test('its states, initial state and final states', () => {
      expect(Object.keys(machine.states).sort()).toEqual([...design.states].sort());
      expect(machine.initial).toBe(design.initial);
      for (const s of design.states) {
        expect([s, machine.states[s].final === true]).toEqual([s, design.finals.includes(s)]);
        expect([s, machine.states[s].labels.reviewer]).toEqual([s, design.reviewerLabels[s]]);
        expect(machine.states[s].labels.applicant).toMatch(/[\u4e00-\u9fa5]/);
      }
    });

    const allowed = design.rows.flatMap((row) => row.roles.map((role) => [row, role] as const));
    test.each(allowed.map(([row, role]) => [row.from, row.event, role, row.to, row] as const))(
      '%s —%s by %s→ %s',
      (_from, _event, role, _to, row) => {
        const ctx = { ...design.permissive, ...row.ctx };
        expect(transition(machine, row.from, row.event, [role], ctx)).toEqual({
          ok: true,
          from: row.from,
          to: row.to,
          effects: row.effects,
        });
        for (const [key, breaker] of Object.entries<Breaker<C>>(design.breakers)) {
          const result = transition(machine, row.from, row.event, [role], { ...ctx, ...breaker.ctx });
          const as = row.refusedAs?.[key];
          if (as) expect([key, result]).toEqual([key, { ok: false, reason: 'guard_failed', guard: as.guard, message: as.reason }]);
          else if (row.guards?.includes(key))
            expect([key, result]).toEqual([key, { ok: false, reason: 'guard_failed', guard: key, message: breaker.reason }]);
          else expect([key, result]).toEqual([key, { ok: true, from: row.from, to: row.to, effects: row.effects }]);
        }
      },
    );

    test('everything else is refused, with the right kind and words', () => {
      for (const from of design.states)
        for (const event of design.events)
          for (const role of ROLES) {
            const rows = design.rows.filter((r) => r.from === from && r.event === event);
            if (rows.some((r) => r.roles.includes(role))) continue;
            const result = transition(machine, from, event, [role], design.permissive);
            const expected = rows.length
              ? { ok: false, reason: 'role_not_allowed', message: '您的角色不能进行此操作' }
              : {
                  ok: false,
                  reason: 'not_allowed_in_state',
                  message: design.refusals?.[from]?.[event] ?? `当前状态“${design.reviewerLabels[from]}”下不能进行此操作`,
                };
            expect([from, event, role, result]).toEqual([from, event, role, expected]);
          }
    });

    test('a person with no role is refused everything; a second role does not change an outcome', () => {
      for (const row of design.rows) {
        const ctx = { ...design.permissive, ...row.ctx };
        expect(transition(machine, row.from, row.event, [], ctx)).toMatchObject({ ok: false, reason: 'role_not_allowed' });
        expect(transition(machine, row.from, row.event, ['enterprise', row.roles[0]], ctx)).toMatchObject({ ok: true, to: row.to });
      }
    });
  });
}
