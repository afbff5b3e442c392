import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication, seedEnterprise, seedProvider } from '../../../helpers/applications';
import type { ApplicationRow } from '../../../../server/src/db/applications';
import type { ProviderRow } from '../../../../server/src/db/testing';
import type { ApplicationState } from '../../../../shared/src/workflow/application';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';

/**
 * The city suites' common ground: the real app on the real database (SQLite, or MariaDB when
 * DATABASE_URL is set), a clock the tests can move (the notice period must run out), and the people
 * of the city: two MIIT reviewers, two finance clerks (one co-signs, the other approves), a county
 * reviewer and an enterprise user who must all be kept out.
 */
export const DAY = 86_400_000;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Person {
  token: string;
  userId: string;
}

export interface CityHarness {
  t: TestApp;
  clock: { now: number };
  today(): string;
  /** A date `days` from today in Asia/Shanghai. */
  dayFromToday(days: number): string;
  year: number;
  miit: Person;
  miit2: Person;
  finance: Person;
  finance2: Person;
  county: Person;
  enterpriseUser: Person;
  provider: ProviderRow;
  /** An application straight into the database in `status`, for its own new enterprise. */
  seed(status: ApplicationState, overrides?: Partial<ApplicationRow>): Promise<ApplicationRow>;
  close(): Promise<void>;
}

let seq = 0;

export async function startCity(): Promise<CityHarness> {
  const clock = { now: Date.now() };
  // Sessions outlive the days the clock is moved forward.
  const t = await startTestApp({ now: () => clock.now, env: { SESSION_TTL_HOURS: '720' } });
  const login = async (name: string) => t.login(`${name}-${process.pid}-${++seq}`);
  const miit = await login('city-miit');
  const miit2 = await login('city-miit-b');
  const finance = await login('city-finance');
  const finance2 = await login('city-finance-b');
  const county = await login('county-miit');
  const enterpriseUser = await login('enterprise');
  await t.grant(miit.token, 'city_miit');
  await t.grant(miit2.token, 'city_miit');
  await t.grant(finance.token, 'city_finance');
  await t.grant(finance2.token, 'city_finance');
  await t.grant(county.token, 'county_miit', '230717');
  const providerOwner = await login('provider-owner');
  const provider = await seedProvider(t.db, providerOwner.userId);
  const today = () => todayInShanghai(new Date(clock.now));
  return {
    t,
    clock,
    today,
    dayFromToday: (days) => todayInShanghai(new Date(clock.now + days * DAY)),
    year: Number(today().slice(0, 4)),
    miit,
    miit2,
    finance,
    finance2,
    county,
    enterpriseUser,
    provider,
    async seed(status, overrides = {}) {
      const enterprise = await seedEnterprise(
        t.db,
        [enterpriseUser.userId],
        overrides.countyCode ? { countyCode: overrides.countyCode } : {},
      );
      return seedApplication(t.db, enterprise, provider, status, { bankAccountName: enterprise.name, ...overrides });
    },
    close: () => t.close(),
  };
}
