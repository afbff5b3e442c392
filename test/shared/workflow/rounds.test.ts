import {
  addDays,
  correctionDueProblem,
  daysBetween,
  defaultCorrectionDueOn,
  defaultRoundDates,
  nextRound,
  overdueMark,
  pastRoundDeadline,
  reminderDue,
  roundName,
  roundOpenOn,
  roundProblems,
  stageDeadline,
  submissionDecision,
  type Round,
  type RoundInput,
} from '../../../shared/src/workflow/rounds';
import { DEFAULT_OVERDUE_DAYS } from '../../../shared/src/workflow/overdue';

const round = (over: Partial<Round> = {}): Round => ({
  id: 'r1',
  year: 2026,
  number: 1,
  status: 'open',
  notice: '',
  opensOn: '2026-03-01',
  closesOn: '2026-03-31',
  countyDeadline: '2026-04-30',
  cityDeadline: '2026-05-31',
  ...over,
});
const input = (over: Partial<RoundInput> = {}): RoundInput => {
  const r = round();
  return {
    year: r.year,
    number: r.number,
    notice: r.notice,
    opensOn: r.opensOn,
    closesOn: r.closesOn,
    countyDeadline: r.countyDeadline,
    cityDeadline: r.cityDeadline,
    ...over,
  };
};

describe('calendar arithmetic', () => {
  test.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-01-01', 0, '2026-01-01'],
  ])('addDays(%s, %i) = %s', (d, n, want) => {
    expect(addDays(d, n)).toBe(want);
    expect(daysBetween(d, want)).toBe(n);
  });
  test('a malformed date throws', () => {
    expect(() => addDays('2026-2-1', 1)).toThrow(RangeError);
    expect(() => daysBetween('x', '2026-01-01')).toThrow(RangeError);
  });
});

describe('the default round: the year, deadlines from OVERDUE_DAYS', () => {
  test('defaults: county 7+15+10 days after 31 December, city 15 more', () => {
    expect(defaultRoundDates(2026, DEFAULT_OVERDUE_DAYS)).toEqual({
      opensOn: '2026-01-01',
      closesOn: '2026-12-31',
      countyDeadline: '2027-02-01',
      cityDeadline: '2027-02-16',
    });
  });
  test('follows the setting', () => {
    const d = defaultRoundDates(2027, { provider_check: 1, county_review: 2, county_approved: 3, reported: 4 });
    expect(d.countyDeadline).toBe('2028-01-06');
    expect(d.cityDeadline).toBe('2028-01-10');
  });
  test('its name', () => expect(roundName({ year: 2026, number: 2 })).toBe('2026年第2批'));
});

describe('roundProblems: what city MIIT may enter', () => {
  test.each<[string, Partial<RoundInput>, string | null]>([
    ['sound', {}, null],
    ['one-day window', { closesOn: '2026-03-01' }, null],
    ['end before start', { closesOn: '2026-02-28' }, 'closesOn'],
    ['county deadline inside the window', { countyDeadline: '2026-03-31' }, 'countyDeadline'],
    ['city deadline before county', { cityDeadline: '2026-04-30' }, 'cityDeadline'],
    ['bad date', { opensOn: '2026-02-30' }, 'opensOn'],
    ['bad year', { year: 1999 }, 'year'],
    ['bad number', { number: 0 }, 'number'],
  ])('%s', (_name, over, path) => {
    const problems = roundProblems(input(over), []);
    if (path === null) expect(problems).toEqual([]);
    else {
      expect(problems.map((p) => p.path)).toContain(path);
      for (const p of problems) expect(p.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
  test('an overlapping open window is refused, a closed one or a disjoint one is not', () => {
    const other = round({ id: 'r0', number: 9, opensOn: '2026-03-31', closesOn: '2026-04-10' });
    expect(roundProblems(input(), [other])[0]).toEqual({ path: 'opensOn', message: expect.stringContaining('2026年第9批') });
    expect(roundProblems(input(), [{ ...other, status: 'closed' }])).toEqual([]);
    expect(roundProblems(input(), [{ ...other, opensOn: '2026-04-01' }])).toEqual([]);
    expect(roundProblems(input(), [other], 'closed')).toEqual([]);
  });
  test('the same year and number twice is refused', () => {
    expect(roundProblems(input(), [round({ id: 'x', status: 'closed' })]).map((p) => p.path)).toEqual(['number']);
  });
});

describe('submission windows', () => {
  const rounds = [
    round(),
    round({ id: 'r2', number: 2, opensOn: '2026-06-01', closesOn: '2026-06-30', countyDeadline: '2026-07-31', cityDeadline: '2026-08-31' }),
  ];
  test.each([
    ['2026-02-28', null],
    ['2026-03-01', 'r1'],
    ['2026-03-31', 'r1'],
    ['2026-04-01', null],
    ['2026-06-15', 'r2'],
    ['2026-07-01', null],
  ])('on %s the open round is %s', (day, id) => {
    expect(roundOpenOn(rounds, day)?.id ?? null).toBe(id);
    const d = submissionDecision(rounds, day);
    expect(d.ok).toBe(id !== null);
  });
  test('outside: the next window’s dates in the message', () => {
    const d = submissionDecision(rounds, '2026-04-01');
    expect(d).toEqual({ ok: false, message: expect.stringContaining('2026-06-01 至 2026-06-30') });
    expect(nextRound(rounds, '2026-04-01')?.id).toBe('r2');
    const none = submissionDecision(rounds, '2026-07-01');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.message).toContain('尚未公布');
  });
  test('a closed round takes no submission', () => {
    expect(submissionDecision([round({ status: 'closed' })], '2026-03-10').ok).toBe(false);
  });
  test('a correction after the window: accepted until its own deadline, in its own round', () => {
    const c = { roundId: 'r1', correctionDueOn: '2026-04-20' };
    expect(submissionDecision(rounds, '2026-04-20', c)).toEqual({ ok: true, round: rounds[0] });
    const late = submissionDecision(rounds, '2026-04-21', c);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.message).toContain('2026-04-20');
    // Inside its own window it needs no deadline; an application from before rounds takes the open one.
    expect(submissionDecision(rounds, '2026-03-05', { roundId: 'r1', correctionDueOn: null })).toEqual({ ok: true, round: rounds[0] });
    expect(submissionDecision(rounds, '2026-06-05', { roundId: null, correctionDueOn: null })).toEqual({ ok: true, round: rounds[1] });
  });
});

describe('deadlines', () => {
  test('the correction deadline: the county’s, or at least ten days', () => {
    expect(defaultCorrectionDueOn(round(), '2026-04-01')).toBe('2026-04-30');
    expect(defaultCorrectionDueOn(round(), '2026-04-25')).toBe('2026-05-05');
    expect(defaultCorrectionDueOn(null, '2026-04-25', 3)).toBe('2026-04-28');
  });
  test.each([
    ['provider_check', '2026-04-30'],
    ['county_review', '2026-04-30'],
    ['county_approved', '2026-04-30'],
    ['reported', '2026-05-31'],
    ['city_approved', '2026-05-31'],
    ['listed', null],
    ['draft', null],
  ] as const)('the deadline of %s is %s', (state, want) => {
    expect(stageDeadline(state, round())).toBe(want);
    if (want) {
      expect(pastRoundDeadline(state, round(), want)).toBe(false);
      expect(pastRoundDeadline(state, round(), addDays(want, 1))).toBe(true);
    } else expect(pastRoundDeadline(state, round(), '2099-01-01')).toBe(false);
  });
  test('no round, no deadline', () => expect(pastRoundDeadline('county_review', null, '2099-01-01')).toBe(false));
});

describe('reminders before the window closes', () => {
  test.each([
    ['2026-03-27', null],
    ['2026-03-28', 'three_days'],
    ['2026-03-29', 'three_days'],
    ['2026-03-30', 'one_day'],
    ['2026-03-31', 'one_day'],
    ['2026-04-01', null],
  ])('on %s: %s', (day, want) => {
    expect(reminderDue(round(), day)).toBe(want);
  });
  test('none for a closed round or before it opens', () => {
    expect(reminderDue(round({ status: 'closed' }), '2026-03-30')).toBeNull();
    expect(reminderDue(round({ opensOn: '2026-03-30' }), '2026-03-29')).toBeNull();
  });
});

describe('the overdue mark: the round’s deadline where it sets one, OVERDUE_DAYS elsewhere (issue 18)', () => {
  const DAY = 86_400_000;
  const now = Date.UTC(2026, 5, 10, 4); // 2026-06-10 in Asia/Shanghai
  const today = '2026-06-10';
  const r = { countyDeadline: '2026-06-09', cityDeadline: '2026-06-30' };
  test.each([
    // [stage, waited days, round, overdue]
    ['county_review', 1, r, true], // past the county's deadline after one day
    ['reported', 40, r, false], // the city's deadline is later: the 15 days do not count
    ['county_review', 20, null, true], // no round: the days decide
    ['county_review', 3, null, false],
    ['listed', 31, r, true], // the round sets no date after the city's review: the days decide
    ['listed', 5, r, false],
  ] as const)('%s after %i days (round %p): %p', (stage, days, round, expected) =>
    expect(overdueMark(stage, now - days * DAY, now, DEFAULT_OVERDUE_DAYS, round, today)).toBe(expected),
  );
  test('on the deadline itself a case is not overdue', () =>
    expect(overdueMark('county_review', now - 30 * DAY, now, DEFAULT_OVERDUE_DAYS, { ...r, countyDeadline: today }, today)).toBe(false));
});

describe('a correction deadline a reviewer sets', () => {
  test.each([
    ['2026-06-11', null],
    ['2027-06-10', null],
    ['2026-06-10', '补正截止日期须在今天（2026-06-10）之后，给企业留出补正的时间'],
    ['2026-06-01', '补正截止日期须在今天（2026-06-10）之后，给企业留出补正的时间'],
    ['2027-06-11', '补正截止日期不能晚于 2027-06-10（退回之日起一年）'],
    ['2026-02-30', '补正截止日期须为有效日期，格式如 2026-03-01'],
  ])('%s: %p', (due, problem) => expect(correctionDueProblem(due, '2026-06-10')).toBe(problem));
});
