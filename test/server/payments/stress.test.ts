import { startTestApp, type TestApp } from '../../helpers/testApp';
import {
  auditRecordsMatching,
  expireUnsettledPaymentRequestsOf,
  paymentRequestsOfProvider,
  setPaymentRequestExpiresAt,
} from '../../../server/src/db/testing';
import { bearer, payParties, type PayParties } from './harness';

/**
 * Issue 7, done when: 1,000 payments with injected timeouts, errors and duplicate callbacks each end
 * paid, closed or flagged — and none is paid (or recorded as paid) twice.
 */
const N = Number(process.env.PAY_STRESS_N ?? 1000);
const PARALLEL = 20;

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`${N} payments through faults`, () => {
  let t: TestApp;
  let p: PayParties;

  beforeAll(async () => {
    t = await startTestApp();
    p = await payParties(t, 'stress');
  });
  afterAll(() => t.close());

  test('each ends paid, closed or flagged; none twice; WeChat Pay and we agree', async () => {
    const pay = t.sandbox.control.pay;
    const rand = seeded(7);
    const ids: string[] = [];
    for (let i = 0; i < N; i += PARALLEL) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(PARALLEL, N - i) }, (_, k) =>
          t.http
            .post('/api/v1/providers/me/payment-requests')
            .set(bearer(p.prov.token))
            .send({ creditCode: p.enterprise.creditCode, amountFen: 100 + ((i + k) % 97) * 113, description: `第${i + k}笔服务费` }),
        ),
      );
      for (const res of batch) {
        expect(res.status).toBe(201);
        ids.push(res.body.payment.id);
      }
    }
    const outTradeNo = new Map<string, string>(
      (await t.db.read((tx) => paymentRequestsOfProvider(tx, p.provider.id))).map((r) => [r.id, r.outTradeNo]),
    );
    const tally = { paid: 0, lostCallbacks: 0, duplicates: 0, failed: 0, expired: 0, left: 0, tapsRefused: 0 };

    for (let i = 0; i < ids.length; i += PARALLEL) {
      await Promise.all(
        ids.slice(i, i + PARALLEL).map(async (id) => {
          const r = rand();
          if (r < 0.08) pay.payFault('jsapi', 'error500');
          else if (r < 0.16) pay.payFault('jsapi', 'accept-then-drop');
          else if (r < 0.2) pay.payFault('query', 'error500');
          else if (r < 0.24) pay.payFault('jsapi', 'delay', 1, 30);
          let ordered = false;
          for (let tap = 0; tap < 4 && !ordered; tap++) {
            const res = await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token));
            expect([200, 409, 502]).toContain(res.status);
            if (res.status === 200) ordered = true;
            else tally.tapsRefused += 1;
          }
          const no = outTradeNo.get(id)!;
          const fate = rand();
          try {
            if (fate < 0.65) {
              const deliver = rand() < 0.85;
              const d = await pay.payOrder(p.merchant.mchid, no, { deliver });
              tally.paid += 1;
              if (!deliver) tally.lostCallbacks += 1;
              else if (rand() < 0.3) {
                tally.duplicates += 1;
                await Promise.all([pay.redeliver(d!.notificationId), pay.redeliver(d!.notificationId)]);
              }
            } else if (fate < 0.75) {
              pay.failOrder(p.merchant.mchid, no);
              tally.failed += 1;
            } else if (fate < 0.9) {
              pay.expireOrder(p.merchant.mchid, no);
              await t.db.transaction((tx) => setPaymentRequestExpiresAt(tx, id, Date.now() - 1));
              tally.expired += 1;
            } else tally.left += 1;
          } catch {
            tally.left += 1; // no order reached WeChat Pay: nothing to pay
          }
        }),
      );
    }

    // The sweeper settles what no callback told, closes what expired; then the rest runs out of time.
    for (let round = 0; round < 3; round++) await t.services.reconciler.sweep(5 * N);
    await t.db.transaction((tx) => expireUnsettledPaymentRequestsOf(tx, p.provider.id, Date.now() - 1));
    for (const o of pay.orders(p.merchant.mchid))
      if (o.tradeState === 'NOTPAY' || o.tradeState === 'PAYERROR') pay.expireOrder(p.merchant.mchid, o.outTradeNo);
    for (let round = 0; round < 3; round++) await t.services.reconciler.sweep(5 * N);

    const rows = (await t.db.read((tx) => paymentRequestsOfProvider(tx, p.provider.id))).map((r) => ({
      id: r.id,
      out_trade_no: r.outTradeNo,
      status: r.status,
      problem: r.problem,
      amount_fen: r.amountFen,
      transaction_id: r.transactionId,
    }));
    expect(rows).toHaveLength(N);
    const unsettled = rows.filter((r) => !['paid', 'closed', 'failed'].includes(r.status) && !r.problem);
    expect(unsettled).toEqual([]);

    const orders = new Map(pay.orders(p.merchant.mchid).map((o) => [o.outTradeNo, o]));
    // One order per request at most, and never a second order for a number.
    expect(pay.orders(p.merchant.mchid).length).toBe(orders.size);
    for (const r of rows) {
      const o = orders.get(r.out_trade_no);
      const paidThere = o?.tradeState === 'SUCCESS' || o?.tradeState === 'REFUND';
      expect([r.id, r.status === 'paid']).toEqual([r.id, paidThere]);
      if (paidThere) expect([r.id, r.transaction_id, Number(r.amount_fen)]).toEqual([r.id, o.transactionId, o.total]);
    }
    const paidAudits = new Map<string, number>();
    for (const a of await t.db.read((tx) => auditRecordsMatching(tx, { action: 'payment.paid' })))
      paidAudits.set(a.entityId, (paidAudits.get(a.entityId) ?? 0) + 1);
    const twice = [...paidAudits].filter(([, n]) => n > 1).map(([entityId]) => ({ entity_id: entityId }));
    expect(twice).toEqual([]);
    const paidRows = rows.filter((r) => r.status === 'paid');
    expect(paidRows.length).toBe(tally.paid);
    process.stdout.write(
      `${N} payments: ${JSON.stringify(tally)}; orders at WeChat Pay ${orders.size}; ended ${JSON.stringify(Object.fromEntries(['paid', 'closed', 'failed'].map((s) => [s, rows.filter((r) => r.status === s).length])))}, flagged ${rows.filter((r) => r.problem).length}\n`,
    );
  }, 600_000);
});
