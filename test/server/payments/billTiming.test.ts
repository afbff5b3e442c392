import { createPublicKey } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import { markPaid } from '../../../server/src/db/payments/orders';
import { refundByNo, refundsOf } from '../../../server/src/db/payments/refunds';
import { discrepancies, findBillCheck } from '../../../server/src/db/payments/tradeBills';
import { countNotifications } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { createPayTransport } from '../../../server/src/wechat/pay/transport';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import type { CreatedPayMerchant } from '../../../server/sandbox/pay';
import { bearer, outTradeNoOf, payParties, requestPayment, type PayParties } from './harness';

const DAY = 24 * 3_600_000;
const dayBefore = (days: number) => todayInShanghai(new Date(Date.now() - days * DAY));
const at = (date: string, time: string) => Date.parse(`${date}T${time}+08:00`);

/** The merchant's own wechatpay-node-v3 client, as a provider's finance staff would use it, to read the bill itself. */
function merchantClient(t: TestApp, m: CreatedPayMerchant): Pay {
  const pay = new Pay({
    appid: m.appid,
    mchid: m.mchid,
    serial_no: m.serialNo,
    publicKey: Buffer.from(m.platformPublicKeyPem),
    privateKey: Buffer.from(m.privateKeyPem),
    key: m.apiV3Key,
  });
  pay.createHttp(
    createPayTransport({
      apiBase: t.sandbox.baseUrl,
      platformKeys: new Map([[m.platformPublicKeyId, createPublicKey(m.platformPublicKeyPem)]]),
      timeoutMs: 2000,
    }),
  );
  return pay;
}

/**
 * Issue 15, 1 and 5: WeChat Pay lists a refund on the bill of the day it was ACCEPTED with the status it
 * had when the bill was made, and answers NO_STATEMENT_EXIST while a bill is not yet made. Reconciliation
 * matches refunds by acceptance, carries unfinished ones forward, and concludes nothing about a day whose
 * bill is not there yet — no false refund_mismatch, no alert about a day not yet checked.
 */
describe('the trade bill as WeChat Pay makes it: refunds by acceptance day, bills not yet made', () => {
  let t: TestApp;
  // The sandbox (WeChat Pay's clock) is moved to the day in question; the app runs on today.
  let sandboxOffset = 0;
  let late: PayParties;
  let slow: PayParties;
  let notYet: PayParties;
  // D: far enough back that the days after it are past any bill's lateness whenever the test runs.
  const d = dayBefore(4);
  const dNext = dayBefore(3);
  const yesterday = dayBefore(1);

  beforeAll(async () => {
    t = await startTestApp({ sandbox: { now: () => Date.now() + sandboxOffset } });
    late = await payParties(t, 'bill-late');
    slow = await payParties(t, 'bill-slow');
    notYet = await payParties(t, 'bill-notyet');
  });
  afterAll(() => t.close());

  const moveSandboxTo = (epochMs: number) => {
    sandboxOffset = epochMs - Date.now();
  };

  async function paid(p: PayParties, amountFen: number): Promise<{ id: string; outTradeNo: string }> {
    const id = await requestPayment(t, p, amountFen);
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    const outTradeNo = await outTradeNoOf(t, id);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, outTradeNo);
    return { id, outTradeNo };
  }

  async function refunded(p: PayParties, id: string, amountFen: number): Promise<string> {
    const res = await t.http
      .post(`/api/v1/providers/me/payments/${id}/refunds`)
      .set(bearer(p.prov.token))
      .send({ amountFen, reason: '服务未开通部分退款' });
    expect(res.status).toBe(200);
    const rows = await t.db.read((tx) => refundsOf(tx, [id]));
    return [...rows].sort((a, b) => b.createdAt - a.createdAt)[0].outRefundNo;
  }

  const outcomeOf = (results: { accountId: string; outcome: string }[], p: PayParties) =>
    results.find((r) => r.accountId === p.accountId)?.outcome;
  const discrepanciesOf = async (p: PayParties): Promise<{ kind: string }[]> =>
    (await t.db.read((tx) => discrepancies(tx, { open: false })))
      .filter((d) => d.merchantAccountId === p.accountId)
      .map((d) => ({ kind: d.kind }));
  const problemsTold = (): Promise<number> => t.db.read((tx) => countNotifications(tx, { template: 'payment.problem' }));

  test('a refund accepted late on D succeeding on D+1, and one still unfinished: no false refund_mismatch', async () => {
    t.sandbox.control.pay.setManualRefunds(true);
    try {
      moveSandboxTo(at(d, '23:50:00'));
      const a = await paid(late, 50_000);
      const lateRefund = await refunded(late, a.id, 20_000);
      const b = await paid(slow, 30_000);
      const slowRefund = await refunded(slow, b.id, 30_000);
      // Twenty minutes later it is D+1: the first refund reaches the payer (its callback arrives).
      moveSandboxTo(at(dNext, '00:10:00'));
      await t.sandbox.control.pay.completeRefund(lateRefund, 'SUCCESS', late.merchant.mchid);
      await t.sandbox.control.pay.settle();
      const ours = (await t.db.read((tx) => refundByNo(tx, lateRefund)))!;
      expect({ status: ours.status, succeededOn: ours.succeededOn }).toEqual({ status: 'succeeded', succeededOn: dNext });

      moveSandboxTo(Date.now());
      // D's bill, read with the merchant's own client: the refund on its acceptance day, as it was when the bill was made.
      const own = merchantClient(t, late.merchant);
      const applied = await own.tradebill({ bill_date: d, bill_type: 'ALL' });
      expect(applied.status).toBe(200);
      const file = await own.downloadBill((applied.data as { download_url: string }).download_url);
      const refundLine = String(file.data)
        .split('\n')
        .find((l) => l.includes(lateRefund));
      expect(refundLine).toContain(`\`${d} 23:50:`);
      expect(refundLine).toContain('`REFUND,');
      expect(refundLine).toContain('`PROCESSING,');
      // D+1 has nothing of its own: no bill.
      expect(((await own.tradebill({ bill_date: dNext, bill_type: 'ALL' })).data as { code?: string }).code).toBe('NO_STATEMENT_EXIST');

      const toldBefore = await problemsTold();
      const onD = await t.services.reconciler.checkBills(d);
      expect(outcomeOf(onD, late)).toBe('agreed');
      // The bank-card refund is still PROCESSING at WeChat Pay: carried forward, nobody alerted.
      expect(outcomeOf(onD, slow)).toBe('pending');
      const onNext = await t.services.reconciler.checkBills(dNext);
      expect(outcomeOf(onNext, late)).toBe('agreed');
      expect(await discrepanciesOf(late)).toEqual([]);
      expect(await discrepanciesOf(slow)).toEqual([]);
      expect(await problemsTold()).toBe(toldBefore);

      // It finishes days later and its callback is lost: the day is checked again and settles it.
      await t.sandbox.control.pay.completeRefund(slowRefund, 'SUCCESS', slow.merchant.mchid, { deliver: false });
      const again = await t.services.reconciler.checkBills(d);
      expect(outcomeOf(again, slow)).toBe('agreed');
      expect(outcomeOf(again, late)).toBeUndefined(); // settled days are not checked twice
      const slowOurs = (await t.db.read((tx) => refundByNo(tx, slowRefund)))!;
      expect(slowOurs.status).toBe('succeeded');
      expect(await discrepanciesOf(slow)).toEqual([]);
    } finally {
      t.sandbox.control.pay.setManualRefunds(false);
      moveSandboxTo(Date.now());
    }
  });

  test('a bill not yet made is not "no trades": nothing concluded or told until it is, or until it is surely absent', async () => {
    moveSandboxTo(Date.now());
    const x = await requestPayment(t, notYet, 8_800);
    await t.http.post(`/api/v1/payments/${x}/jsapi`).set(bearer(notYet.ent.token)).expect(200);
    await t.sandbox.control.pay.payOrder(notYet.merchant.mchid, await outTradeNoOf(t, x), { successTime: at(yesterday, '12:00:00') });
    // A record of ours that WeChat Pay never had, on the same day: a true disagreement, once the bill is there.
    const phantom = await requestPayment(t, notYet, 9_900);
    await t.db.transaction((tx) =>
      markPaid(tx, phantom, { transactionId: '4200000000LATE', paidAt: at(yesterday, '13:00:00'), paidOn: yesterday }, Date.now()),
    );
    t.sandbox.control.pay.billMadeAt(notYet.merchant.mchid, yesterday, Date.now() + 6 * 3_600_000);
    const toldBefore = await problemsTold();

    const early = await t.services.reconciler.checkBills(yesterday);
    expect(outcomeOf(early, notYet)).toBe('not_ready');
    // A merchant without trades that day is not concluded empty either, yet.
    expect(outcomeOf(early, late)).toBe('not_ready');
    expect(await discrepanciesOf(notYet)).toEqual([]);
    expect(await problemsTold()).toBe(toldBefore);
    const recorded = await t.db.read((tx) => findBillCheck(tx, notYet.accountId, yesterday));
    expect(recorded?.outcome).toBe('not_ready');

    // Later the bill is there: the day is checked, and only the true disagreement is told.
    t.sandbox.control.pay.billMadeAt(notYet.merchant.mchid, yesterday, Date.now() - 1000);
    const later = await t.services.reconciler.checkBills(yesterday);
    expect(outcomeOf(later, notYet)).toBe('disagreed');
    expect(await discrepanciesOf(notYet)).toEqual([{ kind: 'missing_there' }]);
    expect(await problemsTold()).toBeGreaterThan(toldBefore);

    // A day long past whose bill is still absent has no trades: concluded empty, and agreed.
    const longAgo = dayBefore(6);
    expect(outcomeOf(await t.services.reconciler.checkBills(longAgo), notYet)).toBe('agreed');
  });
});

/** The job (dailyBills): a day whose bill is not yet made is asked about again, hourly, until it is. */
describe('the daily bill job with a bill made late', () => {
  let t: TestApp;
  let shift = 0;
  let p: PayParties;
  // The app's and WeChat Pay's clock at 11:00 Beijing time today, when the job runs.
  const today = dayBefore(0);
  const yesterday = dayBefore(1);

  beforeAll(async () => {
    shift = at(today, '11:00:00') - Date.now();
    t = await startTestApp({ now: () => Date.now() + shift, sandbox: { now: () => Date.now() + shift } });
    p = await payParties(t, 'bill-job');
  });
  afterAll(() => t.close());

  const check = async (): Promise<{ outcome: string; checked_at: number | string } | undefined> => {
    const row = await t.db.read((tx) => findBillCheck(tx, p.accountId, yesterday));
    return row ? { outcome: row.outcome, checked_at: row.checkedAt } : undefined;
  };

  test('not ready at 11:00, not asked again within the hour, checked once made', async () => {
    const id = await requestPayment(t, p, 6_600);
    await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token)).expect(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, id), {
      successTime: at(yesterday, '09:30:00'),
      deliver: false,
    });
    // Our record of it, as its (here: late) callback or the sweeper would make it.
    await t.services.reconciler.sweep();
    expect((await t.http.get(`/api/v1/payments/${id}`).set(bearer(p.ent.token))).body.payment.status).toBe('paid');
    t.sandbox.control.pay.billMadeAt(p.merchant.mchid, yesterday, t.sandbox.control.now() + 30 * 60_000);

    await t.services.reconciler.dailyBills();
    const first = await check();
    expect(first?.outcome).toBe('not_ready');
    shift += 20 * 60_000;
    await t.services.reconciler.dailyBills();
    expect(await check()).toEqual(first);

    // An hour on, the bill has been made (at 11:30): the job asks again and the day agrees.
    shift += 45 * 60_000;
    await t.services.reconciler.dailyBills();
    expect((await check())?.outcome).toBe('agreed');
    expect((await t.db.read((tx) => discrepancies(tx, { open: false }))).filter((d) => d.merchantAccountId === p.accountId)).toEqual([]);
  });
});
