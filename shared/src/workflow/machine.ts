import type { Role } from '../contracts/roles';

/**
 * A declared state machine in the manner of XState's `setup().createMachine`: states with their two
 * labels, events with their target, the roles that may send them, named guards and named effects.
 * `transition()` is pure: it decides, it does not do. The server performs the effects it returns
 * (history, audit, notifications) in the same transaction as the state change.
 */
export interface StateLabels {
  /** What reviewers see. */
  reviewer: string;
  /** What the applicant sees: plain words about where the case is and what, if anything, to do. */
  applicant: string;
  /** What the applicant can expect next, said in every message about the case (inbox, WeChat, chatbot). */
  next?: string;
}

export interface EventDef<S extends string, G extends string, F extends string> {
  target: S;
  roles: readonly Role[];
  guards?: readonly G[];
  effects?: readonly F[];
}

export interface StateDef<S extends string, E extends string, G extends string, F extends string> {
  labels: StateLabels;
  final?: boolean;
  /** The words a refused event gets in this state, where they say more than 当前状态下不能进行此操作. */
  refuse?: Partial<Record<E, string>>;
  /** One transition per event, or guarded candidates tried in order (the first whose guards pass wins), as in XState. */
  on?: Partial<Record<E, EventDef<S, G, F> | readonly EventDef<S, G, F>[]>>;
}

export interface MachineDef<S extends string, E extends string, G extends string, F extends string, C> {
  id: string;
  initial: S;
  states: Record<S, StateDef<S, E, G, F>>;
  /** Each guard returns null when the event may proceed, else the Chinese reason it may not. */
  guards: Record<G, (context: C) => string | null>;
}

export type TransitionResult<S extends string, F extends string> =
  | { ok: true; from: S; to: S; effects: readonly F[] }
  | { ok: false; reason: 'not_allowed_in_state' | 'role_not_allowed' | 'guard_failed'; message: string; guard?: string };

export function transition<S extends string, E extends string, G extends string, F extends string, C>(
  machine: MachineDef<S, E, G, F, C>,
  from: S,
  event: E,
  roles: readonly Role[],
  context: C,
): TransitionResult<S, F> {
  const entry = machine.states[from]?.on?.[event];
  if (!entry)
    return {
      ok: false,
      reason: 'not_allowed_in_state',
      message: machine.states[from]?.refuse?.[event] ?? `当前状态“${machine.states[from]?.labels.reviewer ?? from}”下不能进行此操作`,
    };
  const candidates = defsOf<EventDef<S, G, F>>(entry);
  const permitted = candidates.filter((def) => def.roles.some((r) => roles.includes(r)));
  if (!permitted.length) return { ok: false, reason: 'role_not_allowed', message: '您的角色不能进行此操作' };
  let refusal: TransitionResult<S, F> | null = null;
  for (const def of permitted) {
    const failed = (def.guards ?? []).map((g) => [g, machine.guards[g](context)] as const).find(([, why]) => why !== null);
    if (!failed) return { ok: true, from, to: def.target, effects: def.effects ?? [] };
    refusal ??= { ok: false, reason: 'guard_failed', message: failed[1]!, guard: failed[0] };
  }
  return refusal!;
}

/** An event's definitions: one, or several tried in order. (Array.isArray would narrow a readonly array to any[].) */
function defsOf<D extends object>(entry: D | readonly D[]): readonly D[] {
  return Array.isArray(entry) ? (entry as readonly D[]) : [entry as D];
}

/** Every (state, event) pair the machine accepts: what tests, status labels and screens read. */
export function acceptedEvents<S extends string, E extends string, G extends string, F extends string, C>(
  machine: MachineDef<S, E, G, F, C>,
): { from: S; event: E; def: EventDef<S, G, F> }[] {
  const out: { from: S; event: E; def: EventDef<S, G, F> }[] = [];
  for (const from of Object.keys(machine.states) as S[]) {
    for (const [event, entry] of Object.entries(machine.states[from].on ?? {}) as [E, EventDef<S, G, F> | readonly EventDef<S, G, F>[]][]) {
      for (const def of defsOf(entry)) out.push({ from, event, def });
    }
  }
  return out;
}
