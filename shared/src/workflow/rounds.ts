/**
 * Application rounds (申报批次, issue 18 item 1; DESIGN.md "Rounds, policy versions, packs"): city MIIT
 * announces when enterprises may submit (a window of calendar dates, both ends included), by when the
 * counties and the city finish their reviews, and a notice. Pure: the server reads the rounds and
 * the date, these functions decide. Dates are 'YYYY-MM-DD' in Asia/Shanghai (rules/calendar.ts).
 */
import { compareDates, formatCalendarDate, isCalendarDate, parseCalendarDate } from '../rules/calendar';
import type { ApplicationState } from './application';
import { isOverdue } from './overdue';

export type RoundStatus = 'open' | 'closed';

export interface RoundDates {
  /** First day enterprises may submit. */
  opensOn: string;
  /** Last day enterprises may submit. */
  closesOn: string;
  /** By this day the county (both departments and the joint report) has decided. */
  countyDeadline: string;
  /** By this day city MIIT has verified the reported applications. */
  cityDeadline: string;
}

export interface Round extends RoundDates {
  id: string;
  year: number;
  number: number;
  status: RoundStatus;
  notice: string;
}

export interface RoundInput extends RoundDates {
  year: number;
  number: number;
  notice: string;
}

export interface RoundProblem {
  path: string;
  message: string;
}

const DAY_MS = 86_400_000;

/** The calendar date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const d = parseCalendarDate(date);
  if (d === null) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY_MS);
  return formatCalendarDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = parseCalendarDate(from);
  const b = parseCalendarDate(to);
  if (a === null || b === null) throw new RangeError('not a calendar date (YYYY-MM-DD)');
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/** The round's name as people say it: 2026年第1批. */
export function roundName(r: { year: number; number: number }): string {
  return `${r.year}年第${r.number}批`;
}

/**
 * The round a new install starts with (issue 18: "window = the year, deadlines from OVERDUE_DAYS"):
 * the whole calendar year; the county's deadline is the stages it owns (provider check, county review,
 * the joint report) counted from the window's last day, the city's its review counted from there.
 */
export function defaultRoundDates(year: number, overdueDays: Partial<Record<ApplicationState, number>>): RoundDates {
  const closesOn = `${year}-12-31`;
  const county = (overdueDays.provider_check ?? 7) + (overdueDays.county_review ?? 15) + (overdueDays.county_approved ?? 10);
  const countyDeadline = addDays(closesOn, county);
  return {
    opensOn: `${year}-01-01`,
    closesOn,
    countyDeadline,
    cityDeadline: addDays(countyDeadline, overdueDays.reported ?? 15),
  };
}

/** What stands for the round of an application submitted before rounds existed (a list of them, its title). */
export const NO_ROUND = '申报批次设立前的申请';

export const DEFAULT_ROUND_NOTICE = '本年度全年受理申报，请在申报窗口内提交申请。';

function overlaps(a: RoundDates, b: RoundDates): boolean {
  return compareDates(a.opensOn, b.closesOn) <= 0 && compareDates(b.opensOn, a.closesOn) <= 0;
}

/**
 * Checks a round as city MIIT enters it, against the other rounds (the one being edited left out).
 * Answers the problems in Chinese, each with the field it concerns; empty when it is sound.
 */
export function roundProblems(input: RoundInput, others: readonly Round[], status: RoundStatus = 'open'): RoundProblem[] {
  const problems: RoundProblem[] = [];
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2999)
    problems.push({ path: 'year', message: '年度须为 2000 至 2999 之间的整数' });
  if (!Number.isInteger(input.number) || input.number < 1 || input.number > 99)
    problems.push({ path: 'number', message: '批次须为 1 至 99 之间的整数' });
  const labels: Record<keyof RoundDates, string> = {
    opensOn: '申报开始日期',
    closesOn: '申报截止日期',
    countyDeadline: '县级审核截止日期',
    cityDeadline: '市级审核截止日期',
  };
  for (const key of Object.keys(labels) as (keyof RoundDates)[])
    if (!isCalendarDate(input[key])) problems.push({ path: key, message: `${labels[key]}须为有效日期，格式如 2026-03-01` });
  if (problems.length) return problems;
  if (compareDates(input.closesOn, input.opensOn) < 0) problems.push({ path: 'closesOn', message: '申报截止日期不能早于申报开始日期' });
  if (compareDates(input.countyDeadline, input.closesOn) <= 0)
    problems.push({ path: 'countyDeadline', message: '县级审核截止日期须在申报截止日期之后' });
  if (compareDates(input.cityDeadline, input.countyDeadline) <= 0)
    problems.push({ path: 'cityDeadline', message: '市级审核截止日期须在县级审核截止日期之后' });
  const twin = others.find((o) => o.year === input.year && o.number === input.number);
  if (twin) problems.push({ path: 'number', message: `${roundName(input)}已经存在，请换一个批次号` });
  if (status === 'open' && problems.length === 0) {
    const clash = others.find((o) => o.status === 'open' && overlaps(o, input));
    if (clash)
      problems.push({
        path: 'opensOn',
        message: `申报窗口与正在进行的${roundName(clash)}（${clash.opensOn} 至 ${clash.closesOn}）重叠，请调整日期或先关闭该批次`,
      });
  }
  return problems;
}

/** The open round whose window holds `today`, if any (open windows never overlap). */
export function roundOpenOn(rounds: readonly Round[], today: string): Round | null {
  return rounds.find((r) => r.status === 'open' && compareDates(r.opensOn, today) <= 0 && compareDates(today, r.closesOn) <= 0) ?? null;
}

/** The next open round whose window starts after `today`, the soonest first. */
export function nextRound(rounds: readonly Round[], today: string): Round | null {
  const later = rounds.filter((r) => r.status === 'open' && compareDates(r.opensOn, today) > 0);
  later.sort((a, b) => compareDates(a.opensOn, b.opensOn));
  return later[0] ?? null;
}

export type SubmissionDecision = { ok: true; round: Round } | { ok: false; message: string };

/**
 * May an application be submitted on `today`? A first submission only inside an open window; a
 * correction after a return also after the window, until its own deadline (`correctionDueOn`, set on
 * the return), and then it stays in its round.
 */
export function submissionDecision(
  rounds: readonly Round[],
  today: string,
  correction: { roundId: string | null; correctionDueOn: string | null } | null = null,
): SubmissionDecision {
  if (correction) {
    const own = rounds.find((r) => r.id === correction.roundId) ?? null;
    if (correction.correctionDueOn !== null && compareDates(today, correction.correctionDueOn) <= 0 && own) return { ok: true, round: own };
    if (own && compareDates(today, own.closesOn) <= 0 && compareDates(own.opensOn, today) <= 0) return { ok: true, round: own };
    // An application from before rounds existed, or one whose correction deadline passed: as a new one.
    const open = roundOpenOn(rounds, today);
    if (open && !own) return { ok: true, round: open };
    if (own && correction.correctionDueOn !== null)
      return { ok: false, message: `补正材料的截止日期是 ${correction.correctionDueOn}，已经过期，请联系县（市）区工信部门` };
  }
  const open = roundOpenOn(rounds, today);
  if (open) return { ok: true, round: open };
  const next = nextRound(rounds, today);
  return {
    ok: false,
    message: next
      ? `现在不在申报时间内。下一批（${roundName(next)}）的申报时间是 ${next.opensOn} 至 ${next.closesOn}，草稿可以先保存`
      : '现在不在申报时间内，市工信局尚未公布下一批的申报时间。草稿可以先保存，开始申报时会通知您',
  };
}

/**
 * The correction deadline a return sets when the reviewer gives none: the county's deadline of the
 * round (the corrected case goes back to a review that must end by it), but never fewer than `minDays`
 * from the return, so that a late return still leaves the enterprise time to correct.
 */
export function defaultCorrectionDueOn(round: RoundDates | null, returnedOn: string, minDays = 10): string {
  const floor = addDays(returnedOn, minDays);
  if (!round) return floor;
  return compareDates(round.countyDeadline, floor) >= 0 ? round.countyDeadline : floor;
}

const COUNTY_STAGES: readonly ApplicationState[] = ['provider_check', 'county_review', 'county_approved'];
const CITY_STAGES: readonly ApplicationState[] = ['reported', 'city_approved'];

/** The round's deadline for a stage: the county's for the stages it owns, the city's for its review; none after. */
export type RoundDeadlines = Pick<RoundDates, 'countyDeadline' | 'cityDeadline'>;

export function stageDeadline(state: ApplicationState, round: RoundDeadlines | null): string | null {
  if (!round) return null;
  if (COUNTY_STAGES.includes(state)) return round.countyDeadline;
  if (CITY_STAGES.includes(state)) return round.cityDeadline;
  return null;
}

/** Past the round's deadline for its stage: overdue whatever the days waited (the last day itself is not). */
export function pastRoundDeadline(state: ApplicationState, round: RoundDeadlines | null, today: string): boolean {
  const deadline = stageDeadline(state, round);
  return deadline !== null && compareDates(today, deadline) > 0;
}

/**
 * The overdue mark of a case (issue 18 item 1: "overdue marks and the digest follow the round's
 * deadlines"): where the application has a round that sets a deadline for its stage (the county's
 * stages, the city's review), that deadline alone decides, however long the case has waited; the
 * days of OVERDUE_DAYS decide only where it has none — an application from before rounds, the year's
 * first round before city MIIT has written it (its deadlines come from those days anyway), and the
 * stages after the city's review (list, approval, payment), for which a round sets no date.
 */
export function overdueMark(
  state: ApplicationState,
  since: number,
  now: number,
  overdueDays: Partial<Record<ApplicationState, number>>,
  round: RoundDeadlines | null,
  today: string,
): boolean {
  if (stageDeadline(state, round) !== null) return pastRoundDeadline(state, round, today);
  return isOverdue(state, since, now, overdueDays);
}

/** The stages whose deadline is the round's county deadline, and those whose deadline is the city's. */
export const ROUND_DEADLINE_STAGES: Readonly<{ county: readonly ApplicationState[]; city: readonly ApplicationState[] }> = {
  county: COUNTY_STAGES,
  city: CITY_STAGES,
};

/**
 * The correction deadline a reviewer may set on a return: a calendar date after the return day and at
 * most a year on (a deadline further out would keep a round open for good). Answers the problem in
 * Chinese, or null when the date is sound.
 */
export function correctionDueProblem(dueOn: string, returnedOn: string): string | null {
  if (!isCalendarDate(dueOn)) return '补正截止日期须为有效日期，格式如 2026-03-01';
  if (compareDates(dueOn, returnedOn) <= 0) return `补正截止日期须在今天（${returnedOn}）之后，给企业留出补正的时间`;
  if (compareDates(dueOn, addDays(returnedOn, 365)) > 0) return `补正截止日期不能晚于 ${addDays(returnedOn, 365)}（退回之日起一年）`;
  return null;
}

export type ReminderKind = 'three_days' | 'one_day';

/**
 * Which reminder of an unsubmitted draft is due on `today` for a round closing on `closesOn`: three
 * days before the window closes (or later, if the job missed that day, until one day before), and
 * one day before (until the last day). Each is sent once; the caller records what it sent.
 */
export function reminderDue(round: { status: RoundStatus; closesOn: string; opensOn: string }, today: string): ReminderKind | null {
  if (round.status !== 'open' || compareDates(today, round.opensOn) < 0) return null;
  const left = daysBetween(today, round.closesOn);
  if (left < 0) return null;
  if (left <= 1) return 'one_day';
  if (left <= 3) return 'three_days';
  return null;
}
