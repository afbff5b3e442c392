import {
  countApplicationEvents,
  countAuditRecords,
  countDisbursements,
  disbursementsMatching,
  notificationsMatching,
} from '../../../../server/src/db/testing';
import { bearer, startCity, type CityHarness } from './cityHarness';

/**
 * Exactly once under fire: fifty identical payment requests at the same moment (a double-clicking clerk,
 * a retrying proxy) record one payment, one transition and one audit row; the others get that payment
 * back. Fifty different vouchers at once: still one payment, the others refused.
 */
describe('disbursement exactly once under concurrency', () => {
  let c: CityHarness;
  beforeAll(async () => {
    c = await startCity();
  });
  afterAll(() => c.close());

  const approved = () => c.seed('approved', { verifiedFen: 6_000_000 });

  async function countFor(applicationId: string) {
    return c.t.db.read(async (tx) => ({
      payments: await countDisbursements(tx, { applicationId, kind: 'payment' }),
      events: await countApplicationEvents(tx, { applicationId, event: 'disburse' }),
      audit: await countAuditRecords(tx, { chain: `application:${applicationId}`, action: 'application.disburse' }),
      inbox: (await notificationsMatching(tx, { template: 'application.status', channel: 'inbox' })).filter((n) =>
        JSON.stringify(n.payload).includes(applicationId),
      ).length,
    }));
  }

  test('50 identical attempts: one payment row, one history row, one audit row; every caller sees that payment', async () => {
    const app = await approved();
    const body = { version: 1, amountFen: 6_000_000, voucherNo: 'GK2026-777001', paidOn: c.today() };
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        c.t.http.post(`/api/v1/city/applications/${app.id}/disbursements`).set(bearer(c.finance.token)).send(body),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(results.map((r) => r.body.entry.id as string));
    expect(ids.size).toBe(1);
    expect(await countFor(app.id)).toEqual({ payments: 1, events: 1, audit: 1, inbox: 1 });
  });

  test('50 attempts with different vouchers: one payment, the rest refused with 409', async () => {
    const app = await approved();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.t.http
          .post(`/api/v1/city/applications/${app.id}/disbursements`)
          .set(bearer(c.finance.token))
          .send({ version: 1, amountFen: 6_000_000, voucherNo: `GK2026-8${String(i).padStart(5, '0')}`, paidOn: c.today() }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect(['stale_version', 'already_disbursed']).toContain(r.body.error.code);
    expect(await countFor(app.id)).toEqual({ payments: 1, events: 1, audit: 1, inbox: 1 });
  });

  test('concurrent corrections of one payment each get their own ledger place', async () => {
    const app = await approved();
    const paid = await c.t.http
      .post(`/api/v1/city/applications/${app.id}/disbursements`)
      .set(bearer(c.finance.token))
      .send({ version: 1, amountFen: 6_000_000, voucherNo: 'GK2026-990001', paidOn: c.today() });
    expect(paid.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        c.t.http
          .post(`/api/v1/city/applications/${app.id}/disbursements/${paid.body.entry.id}/correct`)
          .set(bearer(c.finance.token))
          .send({ amountFen: -1, reason: '逐笔核对更正' }),
      ),
    );
    // Each either landed or was told to retry: never a 500, never two entries in one place.
    for (const r of results) expect([201, 409]).toContain(r.status);
    const rows = await c.t.db.read((tx) => disbursementsMatching(tx, { applicationId: app.id }));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.kind === 'correction')).toHaveLength(results.filter((r) => r.status === 201).length);
  });
});
