/**
 * Application rounds (申报批次, issue 18 item 1; DESIGN.md "Rounds, policy versions, packs"): city
 * MIIT opens, edits and closes them; submission asks which round takes an application; the home page
 * and the chatbot show the open one. The rules are shared/src/workflow/rounds.ts.
 */
import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import type { AuditTrail } from '../audit/audit';
import { hasRole, type Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { announceRoundChange } from './announcements';
import {
  allRounds,
  applicationCountsByRound,
  findRound,
  insertRound,
  roundsSeededWith,
  updateRoundIfVersion,
  type RoundRow,
} from '../../db/rounds';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import type { ApplicationState } from '../../../../shared/src/workflow/application';
import {
  DEFAULT_ROUND_NOTICE,
  defaultRoundDates,
  nextRound,
  roundName,
  roundOpenOn,
  roundProblems,
  correctionDueProblem,
  submissionDecision,
  type Round,
  type RoundInput,
} from '../../../../shared/src/workflow/rounds';

export interface RoundDeps {
  db: Database;
  audit: AuditTrail;
  now: () => number;
  overdueDays: Partial<Record<ApplicationState, number>>;
}

/** A round as the screens show it: its name and whether its window is open today. */
export interface RoundView extends Round {
  name: string;
  version: number;
  /** Enterprises may submit today. */
  acceptingToday: boolean;
  applications: number;
}

const STAFF_ROLES = ['city_miit'] as const;

/**
 * The id of the year's first round on a new install: the same whichever instance or request writes
 * it, so that an application submitted before the round was written still names it (ULID alphabet).
 */
export function seedRoundId(year: number): string {
  return `01SEEDYEAR${year}000000000000`;
}

/** A round by id, the year's first before it is written included: for a return's correction deadline. */
export async function roundById(tx: Tx, id: string, overdueDays: RoundDeps['overdueDays']): Promise<Round | null> {
  const row = await findRound(tx, id);
  if (row) return toRound(row);
  const m = /^01SEEDYEAR(\d{4})0{12}$/.exec(id);
  if (!m) return null;
  const year = Number(m[1]);
  return { id, year, number: 1, status: 'open', notice: DEFAULT_ROUND_NOTICE, ...defaultRoundDates(year, overdueDays) };
}

/**
 * The correction deadline a reviewer sets on a return (issue 18), checked against the day of the
 * return; none given, the engine applies the round's rule (shared/src/workflow/rounds.ts defaultCorrectionDueOn).
 */
export function correctionDue(dueOn: string | undefined, now: number): { correctionDueOn?: string } {
  if (dueOn === undefined) return {};
  const problem = correctionDueProblem(dueOn, todayInShanghai(new Date(now)));
  if (problem) throw new InvalidInputError(problem, [{ path: 'correctionDueOn', message: problem }]);
  return { correctionDueOn: dueOn };
}

/** A round's name among these rows, the year's first before it is written included (its id says its year). */
export function nameOfRound(id: string | null | undefined, rows: readonly RoundRow[]): string | null {
  if (!id) return null;
  const row = rows.find((r) => r.id === id);
  if (row) return roundName(row);
  const m = /^01SEEDYEAR(\d{4})0{12}$/.exec(id);
  return m ? roundName({ year: Number(m[1]), number: 1 }) : null;
}

/** The rounds of these ids by name (2026年第1批), the year's first before it is written included. */
export async function roundNamesOf(tx: Tx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  const out = new Map<string, string>();
  if (!wanted.length) return out;
  const rows = await allRounds(tx);
  for (const id of wanted) {
    const name = nameOfRound(id, rows);
    if (name) out.set(id, name);
  }
  return out;
}

function toRound(r: RoundRow): Round {
  return {
    id: r.id,
    year: r.year,
    number: r.number,
    status: r.status,
    opensOn: r.opensOn,
    closesOn: r.closesOn,
    countyDeadline: r.countyDeadline,
    cityDeadline: r.cityDeadline,
    notice: r.notice,
  };
}

export class RoundService {
  constructor(private readonly deps: RoundDeps) {}

  private today(): string {
    return todayInShanghai(new Date(this.deps.now()));
  }

  /** The year's round a new install starts with: the whole year, deadlines from OVERDUE_DAYS. */
  private seed(): RoundRow {
    const now = this.deps.now();
    const year = Number(this.today().slice(0, 4));
    return {
      id: seedRoundId(year),
      year,
      number: 1,
      status: 'open',
      ...defaultRoundDates(year, this.deps.overdueDays),
      notice: DEFAULT_ROUND_NOTICE,
      version: 1,
      createdBy: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * Every round; on a database that has none yet, the year's first as it will be written (same id)
   * when city MIIT first looks at the rounds. Reading writes nothing, so that a submission costs the
   * same statements on a new install as on an old one.
   */
  async roundsIn(tx: Tx): Promise<Round[]> {
    const rows = await allRounds(tx);
    return (rows.length ? rows : [this.seed()]).map(toRound);
  }

  /** Every round, the year's first written on a database that has none: for city MIIT's changes. */
  private async written(tx: Tx): Promise<Round[]> {
    return (await roundsSeededWith(tx, () => this.seed())).map(toRound);
  }

  /**
   * Which round takes a submission today (throws the Chinese reason when none does): a first
   * submission needs an open window; a correction after a return its own deadline.
   */
  async roundForSubmission(tx: Tx, app: { status: string; roundId?: string | null; correctionDueOn?: string | null }): Promise<Round> {
    const rounds = await this.roundsIn(tx);
    const correction = app.status === 'returned' ? { roundId: app.roundId ?? null, correctionDueOn: app.correctionDueOn ?? null } : null;
    const decision = submissionDecision(rounds, this.today(), correction);
    if (!decision.ok) throw new InvalidInputError(decision.message, [{ path: 'round', message: decision.message }]);
    return decision.round;
  }

  /** The open round today and the next one: for the home page and the chatbot. */
  async current(): Promise<{ open: RoundView | null; next: RoundView | null }> {
    const rounds = await this.deps.db.read((tx) => this.roundsIn(tx));
    const today = this.today();
    const open = roundOpenOn(rounds, today);
    const next = nextRound(rounds, today);
    return { open: open ? this.view(open, 0, 0) : null, next: next ? this.view(next, 0, 0) : null };
  }

  /** A round by id, for the chatbot's "我的申请是哪一批". */
  async byIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Round>> {
    const rounds = await allRounds(tx);
    return new Map(rounds.filter((r) => ids.includes(r.id)).map((r) => [r.id, toRound(r)]));
  }

  private view(r: Round, version: number, applications: number): RoundView {
    const today = this.today();
    return { ...r, name: roundName(r), version, acceptingToday: roundOpenOn([r], today) !== null, applications };
  }

  private assertStaff(auth: Actor): void {
    if (!hasRole(auth, ...STAFF_ROLES)) throw new ForbiddenError('只有市工信局可以管理申报批次');
  }

  async list(auth: Actor): Promise<{ rounds: RoundView[] }> {
    this.assertStaff(auth);
    return this.deps.db.transaction(async (tx) => {
      await this.written(tx);
      const [rows, counts] = [await allRounds(tx), await applicationCountsByRound(tx)];
      return { rounds: rows.map((r) => this.view(toRound(r), r.version, counts.get(r.id) ?? 0)) };
    });
  }

  async open(auth: Actor, input: RoundInput): Promise<RoundView> {
    this.assertStaff(auth);
    return this.deps.db.transaction(async (tx) => {
      const others = await this.written(tx);
      const problems = roundProblems(input, others, 'open');
      if (problems.length) throw new InvalidInputError(problems.map((p) => p.message).join('；'), problems);
      const now = this.deps.now();
      const row: RoundRow = { id: newId(), ...input, status: 'open', version: 1, createdBy: auth.userId, createdAt: now, updatedAt: now };
      await insertRound(tx, row);
      await this.audit(tx, auth, 'round.open', row.id, { ...input });
      return this.view(toRound(row), 1, 0);
    });
  }

  /** Changes a round's dates or notice (its year and number stay); the same checks as opening it. */
  async edit(auth: Actor, id: string, version: number, input: Omit<RoundInput, 'year' | 'number'>): Promise<RoundView> {
    this.assertStaff(auth);
    return this.deps.db.transaction(async (tx) => {
      const current = await this.loaded(tx, id, version);
      const others = (await this.written(tx)).filter((r) => r.id !== id);
      const full: RoundInput = { ...input, year: current.year, number: current.number };
      const problems = roundProblems(full, others, current.status);
      if (problems.length) throw new InvalidInputError(problems.map((p) => p.message).join('；'), problems);
      await this.save(tx, current, input);
      const told = await announceRoundChange(
        tx,
        { kind: 'edit', before: toRound(current), after: input },
        current.version + 1,
        auth.userId,
        this.today(),
        this.deps.now(),
      );
      await this.audit(tx, auth, 'round.edit', id, { before: toRound(current), after: input, told });
      return this.reread(tx, id);
    });
  }

  /** Closes a round: no submission any more (corrections of its returned applications keep their deadlines). */
  async close(auth: Actor, id: string, version: number): Promise<RoundView> {
    this.assertStaff(auth);
    return this.deps.db.transaction(async (tx) => {
      const current = await this.loaded(tx, id, version);
      if (current.status === 'closed') throw new ConflictError(`${roundName(current)}已经关闭`, 'invalid_transition');
      await this.save(tx, current, { status: 'closed' });
      const told = await announceRoundChange(
        tx,
        { kind: 'close', before: toRound(current) },
        current.version + 1,
        auth.userId,
        this.today(),
        this.deps.now(),
      );
      await this.audit(tx, auth, 'round.close', id, { name: roundName(current), told });
      return this.reread(tx, id);
    });
  }

  private async loaded(tx: Tx, id: string, version: number): Promise<RoundRow> {
    const row = await findRound(tx, id);
    if (!row) throw new NotFoundError('没有这个申报批次');
    if (row.version !== version) throw new ConflictError('这个批次已被他人修改，请刷新后再操作', 'stale_version');
    return row;
  }

  private async save(tx: Tx, current: RoundRow, columns: Parameters<typeof updateRoundIfVersion>[3]): Promise<void> {
    if (!(await updateRoundIfVersion(tx, current.id, current.version, columns, this.deps.now())))
      throw new ConflictError('这个批次已被他人修改，请刷新后再操作', 'stale_version');
  }

  private async reread(tx: Tx, id: string): Promise<RoundView> {
    const row = (await findRound(tx, id))!;
    const counts = await applicationCountsByRound(tx);
    return this.view(toRound(row), row.version, counts.get(id) ?? 0);
  }

  private async audit(tx: Tx, auth: Actor, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append(tx, { action, actorId: auth.userId, entityType: 'round', entityId: id, data });
  }
}
