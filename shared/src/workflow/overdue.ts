import type { ApplicationState } from './application';

/**
 * How many days a case may wait at a stage before it counts as overdue (reviewers' queues, the daily
 * digest). The policy sets no deadlines; these are the bureau's defaults, overridable by the
 * OVERDUE_DAYS setting (e.g. `county_review=10,reported=20`).
 */
export const DEFAULT_OVERDUE_DAYS: Readonly<Partial<Record<ApplicationState, number>>> = {
  provider_check: 7,
  county_review: 15,
  county_approved: 10,
  reported: 15,
  city_approved: 10,
  listed: 30,
  approved: 15,
};

const DAY_MS = 86_400_000;

export function waitingDays(updatedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - updatedAt) / DAY_MS));
}

export function isOverdue(
  state: ApplicationState,
  updatedAt: number,
  now: number,
  days: Partial<Record<ApplicationState, number>> = DEFAULT_OVERDUE_DAYS,
): boolean {
  const limit = days[state];
  return limit !== undefined && now - updatedAt > limit * DAY_MS;
}

/** Parses the OVERDUE_DAYS setting; returns the Chinese reason when it is malformed. */
export function parseOverdueDays(
  text: string,
  states: readonly string[],
): { ok: true; days: Partial<Record<ApplicationState, number>> } | { ok: false; reason: string } {
  const days: Partial<Record<ApplicationState, number>> = { ...DEFAULT_OVERDUE_DAYS };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)=(\d{1,3})$/.exec(part);
    if (!m || !states.includes(m[1]))
      return { ok: false, reason: `“${part}”不对：格式为 阶段=天数，用逗号分隔，如 county_review=10,reported=20` };
    days[m[1] as ApplicationState] = Number(m[2]);
  }
  return { ok: true, days };
}
