import { APPLICATION_STATES } from '../../../shared/src/workflow/application';
import { DEFAULT_OVERDUE_DAYS, isOverdue, parseOverdueDays, waitingDays } from '../../../shared/src/workflow/overdue';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

describe('overdue cases: the bureau’s defaults, by stage', () => {
  test('the defaults', () => {
    expect(DEFAULT_OVERDUE_DAYS).toEqual({
      provider_check: 7,
      county_review: 15,
      county_approved: 10,
      reported: 15,
      city_approved: 10,
      listed: 30,
      approved: 15,
    });
  });

  test('waiting days are whole days, never negative', () => {
    expect(waitingDays(T0, T0)).toBe(0);
    expect(waitingDays(T0, T0 + DAY - 1)).toBe(0);
    expect(waitingDays(T0, T0 + DAY)).toBe(1);
    expect(waitingDays(T0, T0 + 15 * DAY + 5)).toBe(15);
    expect(waitingDays(T0 + DAY, T0)).toBe(0);
  });

  test('overdue only after the whole limit has passed; a stage with no limit never is', () => {
    expect(isOverdue('county_review', T0, T0 + 15 * DAY)).toBe(false);
    expect(isOverdue('county_review', T0, T0 + 15 * DAY + 1)).toBe(true);
    expect(isOverdue('provider_check', T0, T0 + 7 * DAY + 1)).toBe(true);
    expect(isOverdue('draft', T0, T0 + 1000 * DAY)).toBe(false);
    expect(isOverdue('county_review', T0, T0 + 3 * DAY + 1, { county_review: 3 })).toBe(true);
    expect(isOverdue('county_review', T0, T0 + 3 * DAY, { county_review: 3 })).toBe(false);
    expect(isOverdue('listed', T0, T0 + 1, { listed: 0 })).toBe(true);
  });
});

describe('parseOverdueDays: the OVERDUE_DAYS setting', () => {
  test('overrides what it names and keeps the rest', () => {
    expect(parseOverdueDays(' county_review=10 , reported=20,, ', APPLICATION_STATES)).toEqual({
      ok: true,
      days: { ...DEFAULT_OVERDUE_DAYS, county_review: 10, reported: 20 },
    });
    expect(parseOverdueDays('', APPLICATION_STATES)).toEqual({ ok: true, days: DEFAULT_OVERDUE_DAYS });
    expect(parseOverdueDays('listed=999', APPLICATION_STATES)).toMatchObject({ ok: true, days: { listed: 999 } });
  });

  test.each([
    'county_review=1000',
    'county_review=',
    'nowhere=5',
    'county_review:5',
    'County_review=5',
    'county_review=5x',
    'x county_review=5',
  ])('%j is refused, quoting the part', (text) => {
    const part = text.split(',')[0].trim();
    expect(parseOverdueDays(text, APPLICATION_STATES)).toEqual({
      ok: false,
      reason: `“${part}”不对：格式为 阶段=天数，用逗号分隔，如 county_review=10,reported=20`,
    });
  });

  test('the defaults are not changed by a parse', () => {
    parseOverdueDays('county_review=1', APPLICATION_STATES);
    expect(DEFAULT_OVERDUE_DAYS.county_review).toBe(15);
  });
});
