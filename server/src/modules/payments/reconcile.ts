import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isDuplicateKey } from '../../db/errors';
import { newId } from '../../ids';
import { hasRole, type Actor } from '../actor';
import { ConflictError, NotFoundError } from '../errors';
import { holdersOf, enqueueNotifications } from '../notifications/outbox';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import type { PaymentDeps, PaymentService } from './service';
import { paymentContext, paymentReport } from './decide';
import { parseTradeBill } from './tradeBill';
import { compareBill, DAY_MS, outcomeOf, startOfShanghaiDay, type CheckOutcome, type Disagreement } from './billCompare';
import { ownedProvider, providerName, providerOwnerId } from '../../db/providers';
import {
  countUnclearCheck,
  findPaymentRequest,
  hasTradeOn,
  notePaymentProblemByTradeNo,
  paymentRequestsToSweep,
  reopenUnordered,
  type PaymentRequest,
} from '../../db/payments/orders';
import { refundsToSweep } from '../../db/payments/refunds';
import { allMerchantAccounts } from '../../db/payments/merchantAccounts';
import {
  billDatesToRecheck,
  discrepancies as discrepancyRows,
  findBillCheck,
  findDiscrepancy,
  insertBillCheck,
  insertDiscrepancy,
  resolveDiscrepancy,
  updateBillCheck,
  type TradeBillCheck,
} from '../../db/payments/tradeBills';

/**
 * Reconciliation (issue 7, 5): the sweeper settles every order and refund left without a clear answer
 * — callbacks lost, calls timed out, a process that died between WeChat's answer and our commit — and
 * closes orders past their time; the daily bill check compares each merchant's trade bill with our
 * records, both ways, and shows each disagreement to city MIIT and the provider.
 */
const RECHECK_OPEN_MS = 5 * 60_000;
/** After this many unclear checks a request is flagged for people to look at. */
const MAX_CHECKS = 20;
/** WeChat Pay's bills for a day are ready from about 10:00 the next day (Beijing time). */
const BILL_READY_HOUR = 10;
/**
 * NO_STATEMENT_EXIST is also the answer while a bill is not yet made, and bills can be late (申请交易账单,
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html): a day counts as without
 * trades only once the bill is still absent at 10:00 two days after it — asked again later the first day
 * and on the next.
 */
const NO_BILL_CONCLUSIVE_AFTER_MS = 2 * DAY_MS;
/** A day not yet settled (no bill yet, refunds unfinished, a failure) is asked about again at most this often by the job. */
const RECHECK_EVERY_MS = 3_600_000;
/** WeChat Pay hands out bills for three months back. */
const BILL_DAYS_KEPT = 92;
/** A failed check (WeChat Pay unreachable, a bad file) is tried again by the job for this many days after yesterday. */
const FAILED_RETRY_DAYS = 2;

/** A check with one of these outcomes is final for its day; the others are done again. */
const FINAL_OUTCOMES: ReadonlySet<CheckOutcome> = new Set(['agreed', 'disagreed']);

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface SweepReport {
  checked: number;
  paid: number;
  closed: number;
  refundsChecked: number;
}

export class PaymentReconciler {
  constructor(
    private readonly deps: PaymentDeps,
    private readonly service: PaymentService,
    private readonly logger?: Logger,
  ) {}

  async sweep(limit = 200): Promise<SweepReport> {
    const now = this.deps.now();
    const report: SweepReport = { checked: 0, paid: 0, closed: 0, refundsChecked: 0 };
    const rows = await this.deps.db.read((tx) => paymentRequestsToSweep(tx, now, now - RECHECK_OPEN_MS, limit));
    for (const row of rows) {
      report.checked += 1;
      try {
        const outcome = await this.settleOne(row, now);
        if (outcome === 'paid') report.paid += 1;
        if (outcome === 'closed') report.closed += 1;
      } catch (err) {
        this.logger?.warn({ err, paymentId: row.id }, 'payment sweep: one request failed');
      }
    }
    report.refundsChecked = await this.sweepRefunds(now, limit);
    return report;
  }

  private async settleOne(row: PaymentRequest, now: number): Promise<string> {
    // The sweeper picks a request never ordered only once it is past its time.
    if (row.status === 'created' || row.expiresAt <= now) {
      const outcome = await this.service.expire(row, 'sweeper-expired');
      if (outcome === 'unclear') await this.unclear(row);
      return outcome;
    }
    const client = await this.service.clientOf(row);
    const outcome = await this.service.queryAndSettle(client, row, 'sweeper');
    if (outcome === 'absent' && paymentReport(row.status, 'order_absent', paymentContext(row, now)).ok) {
      // No order was made: the request may be ordered again, under the same number.
      await this.deps.db.read((tx) => reopenUnordered(tx, row.id, now));
    }
    if (outcome === 'unclear') await this.unclear(row);
    return outcome;
  }

  private async unclear(row: PaymentRequest): Promise<void> {
    const now = this.deps.now();
    const problem =
      row.checkCount + 1 >= MAX_CHECKS
        ? `已向微信支付查询 ${row.checkCount + 1} 次仍无明确结果，请服务商在商户平台核对订单 ${row.outTradeNo}`
        : row.problem;
    await this.deps.db.read((tx) => countUnclearCheck(tx, row.id, problem, now));
  }

  private async sweepRefunds(now: number, limit: number): Promise<number> {
    const refunds = await this.deps.db.read((tx) => refundsToSweep(tx, now, limit));
    for (const refund of refunds) {
      const row = await this.deps.db.read((tx) => findPaymentRequest(tx, refund.paymentRequestId));
      if (!row) continue;
      try {
        if (refund.status === 'requested') {
          await this.service.pushRefund(row, refund);
        } else {
          const client = await this.service.clientOf(row);
          const res = await client.pay.find_refunds(refund.outRefundNo);
          await this.service.recordRefundAnswer(row, refund, res.status, res.data, 'sweeper');
        }
      } catch (err) {
        this.logger?.warn({ err, refundId: refund.id }, 'payment sweep: one refund failed');
      }
    }
    return refunds.length;
  }

  /**
   * Once the hour has come when WeChat Pay has them ready: yesterday's bills, and again — at most hourly —
   * every day not yet settled: a bill not yet made, refunds the bill showed unfinished, a failed check.
   */
  async dailyBills(): Promise<void> {
    const now = this.deps.now();
    const shanghaiHour = new Date(now + 8 * 3600_000).getUTCHours();
    if (shanghaiHour < BILL_READY_HOUR) return;
    const yesterday = todayInShanghai(new Date(now - DAY_MS));
    const again = await this.deps.db.read((tx) =>
      billDatesToRecheck(tx, shiftDate(yesterday, -BILL_DAYS_KEPT), shiftDate(yesterday, -FAILED_RETRY_DAYS)),
    );
    for (const date of [yesterday, ...again.filter((d) => d !== yesterday)])
      await this.checkBills(date, { recheckAfterMs: RECHECK_EVERY_MS });
  }

  /**
   * Every linked merchant's bill for one day, unless that day was already settled (agreed or disagreed);
   * a day not yet settled is checked again, by the job only once `recheckAfterMs` has passed.
   */
  async checkBills(
    billDate: string,
    opts: { recheckAfterMs?: number } = {},
  ): Promise<{ accountId: string; outcome: string; disagreements: number }[]> {
    const accounts = await this.deps.db.read((tx) => allMerchantAccounts(tx));
    const out: { accountId: string; outcome: string; disagreements: number }[] = [];
    for (const account of accounts) {
      const done = await this.deps.db.read((tx) => findBillCheck(tx, account.id, billDate));
      if (done && (FINAL_OUTCOMES.has(done.outcome) || this.deps.now() - done.checkedAt < (opts.recheckAfterMs ?? 0))) continue;
      if (account.status !== 'active' && !(await this.deps.db.read((tx) => hasTradeOn(tx, account.id, billDate)))) continue;
      const result = await this.checkOne(account.id, account.providerId, account.mchid, billDate).catch((err: unknown) => ({
        outcome: 'failed' as const,
        rows: 0,
        disagreements: 0,
        error: err instanceof Error ? err.message : String(err),
      }));
      const row: TradeBillCheck = {
        merchantAccountId: account.id,
        billDate,
        outcome: result.outcome,
        billRows: result.rows,
        disagreements: result.disagreements,
        error: 'error' in result ? (result.error ?? null) : null,
        checkedAt: this.deps.now(),
      };
      await this.deps.db.read(async (tx) => {
        if (done) await updateBillCheck(tx, row);
        else
          await insertBillCheck(tx, row).catch((err: unknown) => {
            if (!isDuplicateKey(err)) throw err;
          });
      });
      out.push({ accountId: account.id, outcome: result.outcome, disagreements: result.disagreements });
    }
    return out;
  }

  private async checkOne(
    accountId: string,
    providerId: string,
    mchid: string,
    billDate: string,
  ): Promise<{ outcome: CheckOutcome; rows: number; disagreements: number; error?: string }> {
    const client = await this.service.clientOf({ merchantAccountId: accountId });
    const applied = await client.pay.tradebill({ bill_date: billDate, bill_type: 'ALL' });
    if (applied.status === 400 && (applied.data as { code?: string } | undefined)?.code === 'NO_STATEMENT_EXIST') {
      // Not yet made, or a day without a single trade: only time tells them apart. Until then nothing is
      // compared and nobody is told anything; the day is asked about again.
      if (this.deps.now() < startOfShanghaiDay(billDate) + NO_BILL_CONCLUSIVE_AFTER_MS + BILL_READY_HOUR * 3_600_000)
        return { outcome: 'not_ready', rows: 0, disagreements: 0 };
      // Still absent: the empty bill, and ours must be empty too.
      const found = await compareBill(this.deps, accountId, billDate, []);
      for (const d of found.disagreements) await this.record(accountId, providerId, mchid, billDate, d);
      return { outcome: outcomeOf(found), rows: 0, disagreements: found.disagreements.length };
    }
    if (applied.status !== 200)
      return {
        outcome: 'failed',
        rows: 0,
        disagreements: 0,
        error: `tradebill ${applied.status} ${(applied.data as { code?: string } | undefined)?.code ?? ''}`.trim(),
      };
    const { download_url: url, hash_value: hash } = applied.data as { download_url?: string; hash_value?: string };
    if (!url) return { outcome: 'failed', rows: 0, disagreements: 0, error: 'no download_url' };
    const file = await client.pay.downloadBill(url);
    if (file.status !== 200 || typeof file.data !== 'string')
      return { outcome: 'failed', rows: 0, disagreements: 0, error: `download ${file.status}` };
    if (hash && createHash('sha1').update(file.data, 'utf8').digest('hex') !== hash.toLowerCase())
      return { outcome: 'failed', rows: 0, disagreements: 0, error: 'bill hash mismatch' };
    const parsed = parseTradeBill(file.data);
    if (!parsed.ok) return { outcome: 'failed', rows: 0, disagreements: 0, error: parsed.error };
    const found = await compareBill(this.deps, accountId, billDate, parsed.rows);
    for (const d of found.disagreements) await this.record(accountId, providerId, mchid, billDate, d);
    return { outcome: outcomeOf(found), rows: parsed.rows.length, disagreements: found.disagreements.length };
  }

  private async record(accountId: string, providerId: string, mchid: string, billDate: string, d: Disagreement): Promise<void> {
    const now = this.deps.now();
    await this.deps.db.transaction(async (tx) => {
      try {
        await insertDiscrepancy(tx, {
          id: newId(),
          merchantAccountId: accountId,
          providerId,
          billDate,
          ...d,
          foundAt: now,
          resolvedAt: null,
        });
      } catch (err) {
        if (isDuplicateKey(err)) return;
        throw err;
      }
      await notePaymentProblemByTradeNo(tx, accountId, d.outTradeNo, d.message.slice(0, 500), now);
      await this.deps.audit.append(tx, {
        action: 'payment.discrepancy',
        actorId: 'system:wechat-pay',
        entityType: 'provider',
        entityId: providerId,
        data: { billDate, outTradeNo: d.outTradeNo, kind: d.kind },
      });
      const companyName = (await providerName(tx, providerId)) ?? '';
      const owner = await providerOwnerId(tx, providerId);
      await enqueueNotifications(
        tx,
        {
          eventKey: `discrepancy:${accountId}:${billDate}:${d.outTradeNo}:${d.kind}`,
          recipientUserIds: [...(await holdersOf(tx, 'city_miit')), ...(owner ? [owner] : [])],
          template: 'payment.problem',
          params: {
            providerName: companyName,
            mchid,
            message: `${billDate} ${d.message}`,
            stageLabel: '微信支付对账不一致',
            enterpriseName: companyName,
            trackingNo: d.outTradeNo,
            applicationId: '',
          },
          channels: ['oa_template'],
        },
        now,
      );
    });
  }

  /** City MIIT closes a disagreement once it is explained (the note is kept in the audit trail). */
  async resolve(auth: Actor, id: string, note: string) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const d = await findDiscrepancy(tx, id);
      if (!d) throw new NotFoundError('没有这条对账不一致记录');
      if (d.resolvedAt !== null) throw new ConflictError('这条记录已经处理过了', 'already_resolved');
      await resolveDiscrepancy(tx, id, now);
      await this.deps.audit.append(tx, {
        action: 'payment.discrepancy_resolved',
        actorId: auth.userId,
        entityType: 'provider',
        entityId: d.providerId,
        data: { discrepancyId: id, outTradeNo: d.outTradeNo, kind: d.kind, note },
      });
      return { discrepancy: { id, resolvedAt: now } };
    });
  }

  /** What the actor may see of the disagreements: the city all of them, a provider its own. */
  async discrepanciesFor(actor: Actor, open: boolean) {
    if (hasRole(actor, 'city_miit', 'city_finance', 'admin')) return this.discrepancies({ open });
    const provider = await this.deps.db.read((tx) => ownedProvider(tx, actor.userId));
    return provider ? this.discrepancies({ providerId: provider.id, open }) : { discrepancies: [] };
  }

  async discrepancies(q: { providerId?: string; open: boolean }) {
    const rows = await this.deps.db.read((tx) => discrepancyRows(tx, q));
    return {
      discrepancies: rows.map((d) => ({
        id: d.id,
        providerId: d.providerId,
        billDate: d.billDate,
        outTradeNo: d.outTradeNo,
        kind: d.kind,
        message: d.message,
        ours: d.ours,
        theirs: d.theirs,
        foundAt: d.foundAt,
        resolvedAt: d.resolvedAt,
      })),
    };
  }
}
