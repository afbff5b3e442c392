import { startTestApp, type TestApp } from '../../../helpers/testApp';
import { seedApplication } from '../../../helpers/applications';
import { findApplication } from '../../../../server/src/db/applications';
import {
  countApplicationEvents,
  countAuditRecords,
  countNotificationsWithKeyLike,
  countReviewOpinions,
} from '../../../../server/src/db/testing';
import { bearer, makeEnterprise, makeProvider, RATINGS, reviewer, signedSettlement, type User } from './setup';

/**
 * Every transition is one transaction with its history, audit and outbox rows (DESIGN.md): fifty
 * identical approvals at once by one department make exactly one opinion, one history row, one audit
 * row and one set of notifications; the other 49 are told the application changed (409).
 */
describe('concurrent opinions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('50 identical approvals by the same department at once: exactly one goes through', async () => {
    const { user: prov, provider } = await makeProvider(t, 'cc-prov');
    const { enterprise } = await makeEnterprise(t, 'cc-ent');
    const reviewers: User[] = [];
    for (let i = 0; i < 5; i++) reviewers.push(await reviewer(t, `cc-miit-${i}`, 'county_miit'));
    await reviewer(t, 'cc-finance', 'county_finance');
    const app = await seedApplication(t.db, enterprise, provider, 'county_review');
    await signedSettlement(t, prov, [app.id]);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post(`/api/v1/county/applications/${app.id}/opinion`)
          .set(bearer(reviewers[i % reviewers.length].token))
          .send({ version: 1, decision: 'approve', ratings: RATINGS }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect(['stale_version', 'opinion_given']).toContain(r.body.error.code);

    expect(await t.db.read((tx) => countReviewOpinions(tx, { applicationId: app.id }))).toBe(1);
    expect(await t.db.read((tx) => countApplicationEvents(tx, { applicationId: app.id, event: 'county_approve' }))).toBe(1);
    expect(
      await t.db.read((tx) => countAuditRecords(tx, { entityType: 'application', entityId: app.id, action: 'application.county_approve' })),
    ).toBe(1);
    // One set: the first approval alerts the other department only (1 finance; the 5 miit reviewers, whose department
    // just approved, are not re-alerted — issue 14 item 7), in the inbox and by template message.
    const outbox = await t.db.read((tx) => countNotificationsWithKeyLike(tx, `application:${app.id}:%county_approve%`));
    expect(outbox).toBe(1 * 2);
    const row = (await t.db.read((tx) => findApplication(tx, app.id)))!;
    expect([row.status, row.version]).toEqual(['county_review', 2]);
  });
});
