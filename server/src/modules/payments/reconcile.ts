import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  MerchantAccountEntity,
  PaymentDiscrepancyEntity,
  PaymentRefundEntity,
  PaymentRequestEntity,
  TradeBillCheckEntity,
  type PaymentDiscrepancyRow,
  type PaymentRequestRow,
} from '../../db/entities';
import { isDuplicateKey } from '../../db/errors';
import { insertRow } from '../../db/rows';
import { newId } from '../../ids';
import { hasRole, type Actor } from '../actor';
import { ConflictError, NotFoundError } from '../errors';
import { holdersOf, enqueueNotifications } from '../notifications/outbox';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import type { PaymentDeps, PaymentService } from './service';
import { settleRefund } from './settle';
import { parseTradeBill, type BillRow } from './tradeBill';
import { ownedProvider, providerName, providerOwnerId } from '../../db/providers';

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
    const rows = await this.deps.db.run((m) =>
      m
        .getRepository(PaymentRequestEntity)
        .createQueryBuilder('p')
        .where(
          "(p.status = 'ordering' AND (p.lease_until IS NULL OR p.lease_until <= :now)) OR (p.status = 'open' AND (p.expires_at <= :now OR p.checked_at IS NULL OR p.checked_at <= :recheck)) OR (p.status = 'created' AND p.expires_at <= :now)",
          { now, recheck: now - RECHECK_OPEN_MS },
        )
        .orderBy('p.updated_at', 'ASC')
        .limit(limit)
        .getMany(),
    );
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

  private async settleOne(row: PaymentRequestRow, now: number): Promise<string> {
    if (row.status === 'created') {
      await this.service.markClosed(row, 'closed', 'sweeper-expired');
      return 'closed';
    }
    if (row.expiresAt <= now) {
      const outcome = await this.service.closeAtWechat(row, 'sweeper-expired');
      if (outcome === 'unclear') await this.unclear(row);
      return outcome;
    }
    const client = await this.service.clientOf(row);
    const outcome = await this.service.queryAndSettle(client, row, 'sweeper');
    if (outcome === 'absent' && row.status === 'ordering') {
      // No order was made: the request may be ordered again, under the same number.
      await this.deps.db.run((m) =>
        m
          .getRepository(PaymentRequestEntity)
          .createQueryBuilder()
          .update()
          .set({ status: 'created', leaseUntil: null, payerOpenid: null, updatedAt: now })
          .where("id = :id AND status = 'ordering' AND (lease_until IS NULL OR lease_until <= :now)", { id: row.id, now })
          .execute(),
      );
    }
    if (outcome === 'unclear') await this.unclear(row);
    return outcome;
  }

  private async unclear(row: PaymentRequestRow): Promise<void> {
    const now = this.deps.now();
    await this.deps.db.run((m) =>
      m
        .getRepository(PaymentRequestEntity)
        .createQueryBuilder()
        .update()
        .set({
          checkCount: () => 'check_count + 1',
          problem:
            row.checkCount + 1 >= MAX_CHECKS
              ? `已向微信支付查询 ${row.checkCount + 1} 次仍无明确结果，请服务商在商户平台核对订单 ${row.outTradeNo}`
              : row.problem,
          updatedAt: now,
        })
        .where('id = :id', { id: row.id })
        .execute(),
    );
  }

  private async sweepRefunds(now: number, limit: number): Promise<number> {
    const refunds = await this.deps.db.run((m) =>
      m
        .getRepository(PaymentRefundEntity)
        .createQueryBuilder('r')
        .where("r.status IN ('requested', 'processing') AND (r.lease_until IS NULL OR r.lease_until <= :now)", { now })
        .limit(limit)
        .getMany(),
    );
    for (const refund of refunds) {
      const row = await this.deps.db.run((m) => m.getRepository(PaymentRequestEntity).findOne({ where: { id: refund.paymentRequestId } }));
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

  /** Checks yesterday's bills once the hour has come when WeChat Pay has them ready. */
  async dailyBills(): Promise<void> {
    const now = this.deps.now();
    const shanghaiHour = new Date(now + 8 * 3600_000).getUTCHours();
    if (shanghaiHour < BILL_READY_HOUR) return;
    await this.checkBills(todayInShanghai(new Date(now - 24 * 3600_000)));
  }

  /** Every linked merchant's bill for one day, unless that day was already checked. */
  async checkBills(billDate: string): Promise<{ accountId: string; outcome: string; disagreements: number }[]> {
    const accounts = await this.deps.db.run((m) => m.getRepository(MerchantAccountEntity).find());
    const out: { accountId: string; outcome: string; disagreements: number }[] = [];
    for (const account of accounts) {
      const done = await this.deps.db.run((m) =>
        m.getRepository(TradeBillCheckEntity).findOne({ where: { merchantAccountId: account.id, billDate } }),
      );
      if (done && done.outcome !== 'failed') continue;
      if (account.status !== 'active') {
        const any: unknown[] = await this.deps.db.query(
          "SELECT 1 FROM payment_requests WHERE merchant_account_id = ? AND (paid_on = ? OR status <> 'created') LIMIT 1",
          [account.id, billDate],
        );
        if (!any.length) continue;
      }
      const result = await this.checkOne(account.id, account.providerId, account.mchid, billDate).catch((err: unknown) => ({
        outcome: 'failed' as const,
        rows: 0,
        disagreements: 0,
        error: err instanceof Error ? err.message : String(err),
      }));
      const row = {
        merchantAccountId: account.id,
        billDate,
        outcome: result.outcome,
        billRows: result.rows,
        disagreements: result.disagreements,
        error: 'error' in result ? (result.error ?? null) : null,
        checkedAt: this.deps.now(),
      };
      await this.deps.db.run(async (m) => {
        if (done) await m.getRepository(TradeBillCheckEntity).update({ merchantAccountId: account.id, billDate }, row);
        else
          await insertRow(m, TradeBillCheckEntity, row).catch((err: unknown) => {
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
  ): Promise<{ outcome: 'agreed' | 'disagreed' | 'failed'; rows: number; disagreements: number; error?: string }> {
    const client = await this.service.clientOf({ merchantAccountId: accountId });
    const applied = await client.pay.tradebill({ bill_date: billDate, bill_type: 'ALL' });
    // A past day without a single trade has no bill: it is the empty bill, and ours must be empty too.
    if (applied.status === 400 && (applied.data as { code?: string } | undefined)?.code === 'NO_STATEMENT_EXIST') {
      const found = await this.compare(accountId, billDate, []);
      for (const d of found) await this.record(accountId, providerId, mchid, billDate, d);
      return { outcome: found.length ? 'disagreed' : 'agreed', rows: 0, disagreements: found.length };
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
    const found = await this.compare(accountId, billDate, parsed.rows);
    for (const d of found) await this.record(accountId, providerId, mchid, billDate, d);
    return { outcome: found.length ? 'disagreed' : 'agreed', rows: parsed.rows.length, disagreements: found.length };
  }

  private async compare(
    accountId: string,
    billDate: string,
    bill: BillRow[],
  ): Promise<Pick<PaymentDiscrepancyRow, 'outTradeNo' | 'kind' | 'message' | 'ours' | 'theirs'>[]> {
    const out: Pick<PaymentDiscrepancyRow, 'outTradeNo' | 'kind' | 'message' | 'ours' | 'theirs'>[] = [];
    // Our side of every order the bill names, in one read; only what the bill says we lack is asked about again.
    const numbers = [...new Set(bill.map((b) => b.outTradeNo))];
    const known = new Map(
      (numbers.length
        ? await this.deps.db.run((m) =>
            m
              .getRepository(PaymentRequestEntity)
              .createQueryBuilder('p')
              .where('p.merchant_account_id = :accountId AND p.out_trade_no IN (:...numbers)', { accountId, numbers })
              .getMany(),
          )
        : []
      ).map((r) => [r.outTradeNo, r]),
    );
    const find = (outTradeNo: string) => known.get(outTradeNo) ?? null;
    const reread = (outTradeNo: string) =>
      this.deps.db.run((m) => m.getRepository(PaymentRequestEntity).findOne({ where: { outTradeNo, merchantAccountId: accountId } }));
    const paidInBill = new Map<string, BillRow>();
    for (const b of bill.filter((r) => r.tradeState === 'SUCCESS')) {
      paidInBill.set(b.outTradeNo, b);
      let ours = find(b.outTradeNo);
      if (!ours) {
        out.push({
          outTradeNo: b.outTradeNo,
          kind: 'missing_here',
          message: `微信支付账单有一笔 ${(b.settlementFen / 100).toFixed(2)} 元的付款，平台没有对应的付款请求`,
          ours: null,
          theirs: { ...b },
        });
        continue;
      }
      if (ours.status !== 'paid') {
        // A callback we never got: the query settles it, once.
        await this.service.queryAndSettle(await this.service.clientOf(ours), ours, 'tradebill');
        ours = (await reread(b.outTradeNo))!;
      }
      if (ours.status !== 'paid')
        out.push({
          outTradeNo: b.outTradeNo,
          kind: 'unsettled',
          message: `账单显示已支付，平台记录为“${ours.status}”`,
          ours: { status: ours.status },
          theirs: { ...b },
        });
      else if (ours.amountFen !== b.settlementFen || ours.transactionId !== b.transactionId)
        out.push({
          outTradeNo: b.outTradeNo,
          kind: 'amount_mismatch',
          message: `金额或微信支付单号不一致：平台 ${(ours.amountFen / 100).toFixed(2)} 元 ${ours.transactionId}，账单 ${(b.settlementFen / 100).toFixed(2)} 元 ${b.transactionId}`,
          ours: { amountFen: ours.amountFen, transactionId: ours.transactionId },
          theirs: { ...b },
        });
    }
    const oursPaid = await this.deps.db.run((m) =>
      m.getRepository(PaymentRequestEntity).find({ where: { merchantAccountId: accountId, paidOn: billDate, status: 'paid' } }),
    );
    for (const p of oursPaid) {
      if (!paidInBill.has(p.outTradeNo))
        out.push({
          outTradeNo: p.outTradeNo,
          kind: 'missing_there',
          message: `平台记录 ${p.paidOn} 收到 ${(p.amountFen / 100).toFixed(2)} 元（${p.transactionId}），微信支付账单中没有`,
          ours: { amountFen: p.amountFen, transactionId: p.transactionId },
          theirs: null,
        });
    }
    const refundsInBill = bill.filter((r) => r.tradeState === 'REFUND' && r.refundStatus === 'SUCCESS');
    for (const b of refundsInBill) {
      // settleRefund reads the request's amounts afresh; the row only names it.
      const row = find(b.outTradeNo);
      if (!row) continue; // the order's own absence is reported above or on its day
      const before = await this.deps.db.run((m) => m.getRepository(PaymentRefundEntity).findOne({ where: { outRefundNo: b.outRefundNo } }));
      if (!before || before.status !== 'succeeded')
        await this.deps.db.transaction((tx) =>
          settleRefund(
            this.deps,
            tx,
            row,
            { out_refund_no: b.outRefundNo, refund_id: b.refundId, amount: { refund: b.refundFen } },
            'tradebill',
            this.deps.now(),
          ),
        );
      const after = await this.deps.db.run((m) => m.getRepository(PaymentRefundEntity).findOne({ where: { outRefundNo: b.outRefundNo } }));
      if (after && after.amountFen !== b.refundFen)
        out.push({
          outTradeNo: b.outTradeNo,
          kind: 'refund_mismatch',
          message: `退款 ${b.outRefundNo} 金额不一致：平台 ${(after.amountFen / 100).toFixed(2)} 元，账单 ${(b.refundFen / 100).toFixed(2)} 元`,
          ours: { amountFen: after.amountFen },
          theirs: { ...b },
        });
    }
    const oursRefunded: { out_refund_no: string; out_trade_no: string; amount_fen: number | string }[] = await this.deps.db.query(
      "SELECT r.out_refund_no, p.out_trade_no, r.amount_fen FROM payment_refunds r JOIN payment_requests p ON p.id = r.payment_request_id WHERE p.merchant_account_id = ? AND r.status = 'succeeded' AND r.succeeded_on = ?",
      [accountId, billDate],
    );
    for (const r of oursRefunded) {
      if (!refundsInBill.some((b) => b.outRefundNo === r.out_refund_no))
        out.push({
          outTradeNo: r.out_trade_no,
          kind: 'refund_mismatch',
          message: `平台记录的退款 ${r.out_refund_no}（${(Number(r.amount_fen) / 100).toFixed(2)} 元）不在微信支付账单中`,
          ours: { outRefundNo: r.out_refund_no, amountFen: Number(r.amount_fen) },
          theirs: null,
        });
    }
    return out;
  }

  private async record(
    accountId: string,
    providerId: string,
    mchid: string,
    billDate: string,
    d: Pick<PaymentDiscrepancyRow, 'outTradeNo' | 'kind' | 'message' | 'ours' | 'theirs'>,
  ): Promise<void> {
    const now = this.deps.now();
    await this.deps.db.transaction(async (tx) => {
      try {
        await insertRow(tx, PaymentDiscrepancyEntity, {
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
      await tx
        .getRepository(PaymentRequestEntity)
        .createQueryBuilder()
        .update()
        .set({ problem: d.message.slice(0, 500), updatedAt: now })
        .where('out_trade_no = :no AND merchant_account_id = :acc', { no: d.outTradeNo, acc: accountId })
        .execute();
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
      const d = await tx.getRepository(PaymentDiscrepancyEntity).findOne({ where: { id } });
      if (!d) throw new NotFoundError('没有这条对账不一致记录');
      if (d.resolvedAt !== null) throw new ConflictError('这条记录已经处理过了', 'already_resolved');
      await tx.getRepository(PaymentDiscrepancyEntity).update({ id }, { resolvedAt: now });
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
    const provider = await this.deps.db.run((m) => ownedProvider(m, actor.userId));
    return provider ? this.discrepancies({ providerId: provider.id, open }) : { discrepancies: [] };
  }

  async discrepancies(q: { providerId?: string; open: boolean }) {
    const rows = await this.deps.db.run((m) => {
      const qb = m.getRepository(PaymentDiscrepancyEntity).createQueryBuilder('d').orderBy('d.found_at', 'DESC').limit(200);
      if (q.providerId) qb.andWhere('d.provider_id = :p', { p: q.providerId });
      if (q.open) qb.andWhere('d.resolved_at IS NULL');
      return qb.getMany();
    });
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
