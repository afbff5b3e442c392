import type { EntityManager } from 'typeorm';
import { DisbursementEntity, SubsidyListEntity, type DisbursementRow } from '../../db/entities';
import { insertRow } from '../../db/rows';
import type { Actor } from '../actor';
import { DomainError, ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { LEDGER_KIND_LABELS, maskAccountNo, type LedgerInput } from '../../documents';
import { compareDates, shanghaiDate } from '../../../../shared/src/rules/calendar';
import { formatYuan } from '../../../../shared/src/rules/eligibility';
import type { ApplicationDeps } from '../applications/deps';
import { staleError } from '../applications/engine';
import { isCityVisible, lockApplication } from '../cityReview/cityReview';
import { isDuplicateKey } from '../../db/errors';
import { num, likeContains } from '../../db/values';
import { accountNameMatches } from '../../../../shared/src/rules/bankAccount';
import { reviewerLabel } from '../../../../shared/src/workflow/application';
import { findApplication, type Application } from '../../db/applications';
import { findEnterprise } from '../../db/enterprises';

/**
 * The disbursement ledger (三（五）市财政局拨付资金): one payment per application by treasury transfer to the
 * enterprise's own account, exactly once. The ledger only grows (DESIGN.md): a wrong record is corrected
 * by a new 'correction' entry, a returned payment (退汇) by a 'reversal' entry of minus the amount, each
 * with a reason. No code here updates or deletes an entry.
 *
 * Voucher numbers: a payment carries its 国库支付凭证号, unique among payments (uq_disbursements_voucher on
 * kind + voucher_no). A reversal carries the voucher of the payment it reverses, so a payment can be
 * reversed once only; a correction carries the payment's voucher with a suffix `/C1`, `/C2`…
 */
export type EntryKind = DisbursementRow['kind'];

export interface PaymentInput {
  version: number;
  amountFen: number;
  voucherNo: string;
  paidOn: string;
}

export interface CorrectionInput {
  amountFen: number;
  reason: string;
  /** The day the corrected amount took effect; the payment's own date when absent. */
  paidOn?: string;
}

export interface ReversalInput {
  version: number;
  reason: string;
  returnedOn: string;
}

export interface LedgerFilter {
  applicationId?: string;
  countyCode?: string;
  kind?: EntryKind;
  from?: string;
  to?: string;
  voucherNo?: string;
  text?: string;
  after?: { createdAt: number; id: string } | null;
  limit: number;
}

/** Longest voucher a caller may send, leaving room for a correction's suffix in the 64-character column. */
export const MAX_VOUCHER_LENGTH = 48;

function entryView(e: DisbursementRow, mask = false) {
  return {
    id: e.id,
    applicationId: e.applicationId,
    seq: e.seq,
    kind: e.kind,
    kindLabel: LEDGER_KIND_LABELS[e.kind],
    amountFen: e.amountFen,
    voucherNo: e.voucherNo,
    paidOn: e.paidOn,
    accountName: e.accountName,
    bankName: e.bankName,
    accountNo: mask ? maskAccountNo(e.accountNo) : e.accountNo,
    reason: e.reason,
    correctsId: e.correctsId,
    recordedBy: e.recordedBy,
    createdAt: e.createdAt,
  };
}

async function entriesOf(m: EntityManager, applicationId: string): Promise<DisbursementRow[]> {
  return m.getRepository(DisbursementEntity).find({ where: { applicationId }, order: { seq: 'ASC' } });
}

async function nextSeq(tx: EntityManager, applicationId: string): Promise<number> {
  const rows: { seq: number | string | null }[] = await tx.query('SELECT MAX(seq) AS seq FROM disbursements WHERE application_id = ?', [
    applicationId,
  ]);
  return num(rows[0]?.seq ?? 0) + 1;
}

/** A payment's amount as it now stands: the payment and every correction of it. */
function standingAmount(entries: readonly DisbursementRow[], payment: DisbursementRow): number {
  return entries
    .filter((e) => e.id === payment.id || (e.kind === 'correction' && e.correctsId === payment.id))
    .reduce((s, e) => s + e.amountFen, 0);
}

function isReversed(entries: readonly DisbursementRow[], payment: DisbursementRow): boolean {
  return entries.some((e) => e.kind === 'reversal' && e.correctsId === payment.id);
}

export class Disbursements {
  constructor(private readonly deps: ApplicationDeps) {}

  private async cityApplication(m: EntityManager, id: string, lock = false): Promise<Application> {
    const app = lock ? await lockApplication(m, id) : await findApplication(m, id);
    if (!app || !(await isCityVisible(m, app))) throw new NotFoundError('没有这份申请，或它尚未报送到市里');
    return app;
  }

  private async ledgerOf(m: EntityManager, applicationId: string) {
    const entries = await entriesOf(m, applicationId);
    return { entries: entries.map((e) => entryView(e)), netFen: entries.reduce((s, e) => s + e.amountFen, 0) };
  }

  private async result(m: EntityManager, applicationId: string, entry: DisbursementRow, replayed: boolean) {
    const app = (await findApplication(m, applicationId))!;
    return {
      entry: entryView(entry),
      application: {
        id: app.id,
        status: app.status,
        statusLabel: reviewerLabel(app.status),
        version: app.version,
        verifiedFen: app.verifiedFen,
      },
      ledger: await this.ledgerOf(m, applicationId),
      replayed,
    };
  }

  /**
   * An earlier record of this very payment (same application, voucher, amount and date): a retry, answered
   * with what was recorded and nothing written. The same voucher with anything else is refused.
   */
  private async earlierRecord(m: EntityManager, applicationId: string, input: PaymentInput): Promise<DisbursementRow | null> {
    const earlier = await m.getRepository(DisbursementEntity).findOne({ where: { kind: 'payment', voucherNo: input.voucherNo } });
    if (!earlier) return null;
    if (earlier.applicationId !== applicationId || earlier.amountFen !== input.amountFen || earlier.paidOn !== input.paidOn) {
      throw new ConflictError(
        `国库支付凭证号 ${input.voucherNo} 已登记过另一笔拨付（${earlier.paidOn}，${formatYuan(earlier.amountFen)}），请核对凭证号`,
        'voucher_used',
        [{ path: 'voucherNo', message: '凭证号已被使用' }],
      );
    }
    if (isReversed(await entriesOf(m, applicationId), earlier)) {
      throw new ConflictError(`凭证号 ${input.voucherNo} 的拨付已退汇冲回；重新拨付请登记新的国库支付凭证号`, 'voucher_reversed', [
        { path: 'voucherNo', message: '该凭证号的拨付已退汇' },
      ]);
    }
    return earlier;
  }

  /**
   * Records the payment of an approved application (city finance): the amount is the verified amount,
   * the account is the application's, in the enterprise's own name. Exactly once: a retry of the same
   * payment (same voucher) gets the recorded entry back; any other second payment is refused, and of
   * any number of concurrent attempts one writes (the engine's conditional UPDATE), the rest see it.
   */
  async pay(
    auth: Actor,
    applicationId: string,
    input: PaymentInput,
  ): Promise<{ created: boolean; body: Awaited<ReturnType<Disbursements['result']>> }> {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const app = await this.cityApplication(tx, applicationId);
        const earlier = await this.earlierRecord(tx, applicationId, input);
        if (earlier) return { created: false, body: await this.result(tx, applicationId, earlier, true) };
        if (app.version !== input.version) throw staleError();
        if (app.status === 'disbursed') {
          const paid = (await entriesOf(tx, applicationId)).filter((e) => e.kind === 'payment').pop();
          throw new ConflictError(
            `这份申请已拨付（凭证号 ${paid?.voucherNo ?? '—'}，${paid?.paidOn ?? ''}），不能重复拨付；如款项被退回，请先登记退汇`,
            'already_disbursed',
          );
        }
        if (app.status !== 'approved')
          throw new ConflictError(`这份申请现在是“${reviewerLabel(app.status)}”，名单审批后才能拨付`, 'invalid_transition');
        if (input.amountFen !== app.verifiedFen) {
          throw new InvalidInputError(`拨付金额须等于核定金额 ${formatYuan(app.verifiedFen ?? 0)}`, [
            { path: 'amountFen', message: `拨付金额须等于核定金额 ${app.verifiedFen ?? 0} 分` },
          ]);
        }
        const enterprise = await findEnterprise(tx, app.enterpriseId);
        if (!app.bankAccountName || !app.bankName || !app.bankAccountNo)
          throw new ConflictError('申请未填写完整的收款账户（户名、开户行、账号），请企业补充后再拨付', 'account_missing');
        // DESIGN.md: to the enterprise's own account — the account name is the enterprise's name.
        if (!enterprise || !accountNameMatches(app.bankAccountName, enterprise.name)) {
          throw new ConflictError(
            `收款账户名“${app.bankAccountName}”与企业名称“${enterprise?.name ?? ''}”不一致，补助只能拨付到企业本单位账户`,
            'account_name_mismatch',
          );
        }
        if (compareDates(input.paidOn, today) > 0)
          throw new InvalidInputError('拨付日期不能晚于今天', [{ path: 'paidOn', message: '拨付日期不能晚于今天' }]);
        const list = app.listId ? await tx.getRepository(SubsidyListEntity).findOne({ where: { id: app.listId } }) : null;
        const approvedOn = list?.approvedAt ? shanghaiDate(list.approvedAt) : null;
        if (approvedOn && compareDates(input.paidOn, approvedOn) < 0)
          throw new InvalidInputError(`拨付日期不能早于名单审批日期 ${approvedOn}`, [
            { path: 'paidOn', message: `拨付日期不能早于名单审批日期 ${approvedOn}` },
          ]);

        const entry: DisbursementRow = {
          id: newId(),
          applicationId,
          seq: 0,
          kind: 'payment',
          amountFen: input.amountFen,
          voucherNo: input.voucherNo,
          paidOn: input.paidOn,
          accountName: app.bankAccountName,
          bankName: app.bankName,
          accountNo: app.bankAccountNo,
          reason: null,
          correctsId: null,
          recordedBy: auth.userId,
          createdAt: now,
        };
        // The transition first: its conditional UPDATE holds the application's row, so the ledger's seq is ours.
        await this.deps.engine.run(tx, applicationId, {
          event: 'disburse',
          auth,
          expectedVersion: input.version,
          data: { entryId: entry.id, amountFen: entry.amountFen, voucherNo: entry.voucherNo, paidOn: entry.paidOn },
          actorRole: 'city_finance',
        });
        entry.seq = await nextSeq(tx, applicationId);
        await insertRow(tx, DisbursementEntity, entry);
        return { created: true, body: await this.result(tx, applicationId, entry, false) };
      });
    } catch (err) {
      // A concurrent attempt won (stale version, or the voucher's unique index): if it recorded this very
      // payment, this attempt is its retry.
      if (isStale(err) || isDuplicateKey(err)) {
        const replay = await this.deps.db.run(async (m) => {
          const earlier = await this.earlierRecord(m, applicationId, input);
          return earlier ? this.result(m, applicationId, earlier, true) : null;
        });
        if (replay) return { created: false, body: replay };
        if (isDuplicateKey(err)) throw new ConflictError('拨付记录刚被他人登记，请刷新后查看', 'stale_version');
      }
      throw err;
    }
  }

  /**
   * A correction of a payment record: a new signed entry with a reason, never an edit. The payment's
   * standing amount must stay above 0 (money that came back is a 退汇, not a correction) and within the
   * verified amount.
   */
  async correct(auth: Actor, applicationId: string, entryId: string, input: CorrectionInput) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const app = await this.cityApplication(tx, applicationId, true);
        const entries = await entriesOf(tx, applicationId);
        const target = entries.find((e) => e.id === entryId);
        if (!target) throw new NotFoundError('这份申请的台账中没有这条记录');
        if (target.kind !== 'payment')
          throw new ConflictError('只能更正拨付记录；更正有误时，请对原拨付记录再登记一笔更正', 'not_a_payment');
        if (isReversed(entries, target)) throw new ConflictError('这笔拨付已退汇冲回，不能再更正', 'already_reversed');
        const standing = standingAmount(entries, target) + input.amountFen;
        if (standing <= 0)
          throw new InvalidInputError('更正后这笔拨付的金额须大于 0；款项被退回请登记退汇', [
            { path: 'amountFen', message: '更正后金额须大于 0' },
          ]);
        if (app.verifiedFen !== null && standing > app.verifiedFen)
          throw new InvalidInputError(`更正后这笔拨付的金额 ${formatYuan(standing)} 超过核定金额 ${formatYuan(app.verifiedFen)}`, [
            { path: 'amountFen', message: '更正后金额不能超过核定金额' },
          ]);
        const paidOn = input.paidOn ?? target.paidOn;
        if (compareDates(paidOn, today) > 0)
          throw new InvalidInputError('日期不能晚于今天', [{ path: 'paidOn', message: '日期不能晚于今天' }]);
        const k = entries.filter((e) => e.kind === 'correction' && e.correctsId === target.id).length + 1;
        const entry: DisbursementRow = {
          id: newId(),
          applicationId,
          seq: await nextSeq(tx, applicationId),
          kind: 'correction',
          amountFen: input.amountFen,
          voucherNo: `${target.voucherNo}/C${k}`,
          paidOn,
          accountName: target.accountName,
          bankName: target.bankName,
          accountNo: target.accountNo,
          reason: input.reason,
          correctsId: target.id,
          recordedBy: auth.userId,
          createdAt: now,
        };
        await insertRow(tx, DisbursementEntity, entry);
        await this.deps.audit.append(tx, {
          action: 'disbursement.correct',
          actorId: auth.userId,
          entityType: 'application',
          entityId: applicationId,
          data: { entryId: entry.id, correctsId: target.id, amountFen: entry.amountFen, standingFen: standing, reason: input.reason },
        });
        return this.result(tx, applicationId, entry, false);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('台账刚被他人更新，请刷新后再操作', 'stale_version');
      throw err;
    }
  }

  /** A returned payment (退汇): a reversal entry of minus the payment's standing amount; back to approved, to be paid again. */
  async reverse(auth: Actor, applicationId: string, entryId: string, input: ReversalInput) {
    const now = this.deps.now();
    const today = shanghaiDate(now);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const app = await this.cityApplication(tx, applicationId);
        const entries = await entriesOf(tx, applicationId);
        const payment = entries.find((e) => e.id === entryId);
        if (!payment) throw new NotFoundError('这份申请的台账中没有这条记录');
        if (payment.kind !== 'payment') throw new ConflictError('只能对拨付记录登记退汇', 'not_a_payment');
        if (isReversed(entries, payment)) throw new ConflictError('这笔拨付已登记过退汇', 'already_reversed');
        if (app.version !== input.version) throw staleError();
        if (app.status !== 'disbursed')
          throw new ConflictError(`这份申请现在是“${reviewerLabel(app.status)}”，不是已拨付状态，不能登记退汇`, 'invalid_transition');
        if (compareDates(input.returnedOn, payment.paidOn) < 0)
          throw new InvalidInputError(`退汇日期不能早于拨付日期 ${payment.paidOn}`, [
            { path: 'returnedOn', message: `退汇日期不能早于拨付日期 ${payment.paidOn}` },
          ]);
        if (compareDates(input.returnedOn, today) > 0)
          throw new InvalidInputError('退汇日期不能晚于今天', [{ path: 'returnedOn', message: '退汇日期不能晚于今天' }]);
        const standing = standingAmount(entries, payment);
        const entry: DisbursementRow = {
          id: newId(),
          applicationId,
          seq: 0,
          kind: 'reversal',
          amountFen: -standing,
          voucherNo: payment.voucherNo,
          paidOn: input.returnedOn,
          accountName: payment.accountName,
          bankName: payment.bankName,
          accountNo: payment.accountNo,
          reason: input.reason,
          correctsId: payment.id,
          recordedBy: auth.userId,
          createdAt: now,
        };
        await this.deps.engine.run(tx, applicationId, {
          event: 'reverse_payment',
          auth,
          expectedVersion: input.version,
          reason: input.reason,
          data: {
            entryId: entry.id,
            paymentId: payment.id,
            amountFen: entry.amountFen,
            voucherNo: payment.voucherNo,
            returnedOn: input.returnedOn,
          },
          actorRole: 'city_finance',
        });
        entry.seq = await nextSeq(tx, applicationId);
        await insertRow(tx, DisbursementEntity, entry);
        return this.result(tx, applicationId, entry, false);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('这笔拨付刚被他人登记退汇，请刷新后查看', 'already_reversed');
      throw err;
    }
  }

  // ---- reading ------------------------------------------------------------------------------------

  private ledgerWhere(f: LedgerFilter): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (f.applicationId) add('d.application_id = ?', f.applicationId);
    if (f.countyCode) add('a.county_code = ?', f.countyCode);
    if (f.kind) add('d.kind = ?', f.kind);
    if (f.from) add('d.paid_on >= ?', f.from);
    if (f.to) add('d.paid_on <= ?', f.to);
    if (f.voucherNo) add("d.voucher_no LIKE ? ESCAPE '!'", likeContains(f.voucherNo));
    if (f.text)
      add("(e.name LIKE ? ESCAPE '!' OR a.tracking_no LIKE ? ESCAPE '!')", likeContains(f.text), likeContains(f.text.toUpperCase()));
    return { where, params };
  }

  private async ledgerRows(m: EntityManager, f: LedgerFilter, page: boolean) {
    const { where, params } = this.ledgerWhere(f);
    const pageWhere = [...where];
    const pageParams = [...params];
    if (page && f.after) {
      pageWhere.push('(d.created_at > ? OR (d.created_at = ? AND d.id > ?))');
      pageParams.push(f.after.createdAt, f.after.createdAt, f.after.id);
    }
    const from =
      'FROM disbursements d JOIN applications a ON a.id = d.application_id JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN users u ON u.id = d.recorded_by';
    const clause = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
    const rows: {
      id: string;
      application_id: string;
      seq: number | string;
      kind: EntryKind;
      amount_fen: number | string;
      voucher_no: string;
      paid_on: string;
      account_name: string;
      bank_name: string;
      account_no: string;
      reason: string | null;
      corrects_id: string | null;
      recorded_by: string;
      created_at: number | string;
      tracking_no: string | null;
      enterprise_name: string;
      county_code: string;
      recorder_name: string | null;
    }[] = await m.query(
      `SELECT d.id, d.application_id, d.seq, d.kind, d.amount_fen, d.voucher_no, d.paid_on, d.account_name, d.bank_name, d.account_no, d.reason, d.corrects_id, d.recorded_by, d.created_at, a.tracking_no, e.name AS enterprise_name, a.county_code, u.display_name AS recorder_name
       ${from} ${clause(pageWhere)} ORDER BY d.created_at ASC, d.id ASC LIMIT ${Math.trunc(page ? f.limit : 20_000)}`,
      pageParams,
    );
    const totals: { kind: EntryKind; n: number | string; total: number | string | null }[] = await m.query(
      `SELECT d.kind AS kind, COUNT(*) AS n, SUM(d.amount_fen) AS total ${from} ${clause(where)} GROUP BY d.kind`,
      params,
    );
    return { rows, totals };
  }

  async ledger(f: LedgerFilter) {
    return this.deps.db.run(async (m) => {
      const { rows, totals } = await this.ledgerRows(m, f, true);
      const of = (kind: EntryKind) => num(totals.find((t) => t.kind === kind)?.total ?? 0);
      const items = rows.map((r) => ({
        ...entryView(
          {
            id: r.id,
            applicationId: r.application_id,
            seq: num(r.seq),
            kind: r.kind,
            amountFen: num(r.amount_fen),
            voucherNo: r.voucher_no,
            paidOn: r.paid_on,
            accountName: r.account_name,
            bankName: r.bank_name,
            accountNo: r.account_no,
            reason: r.reason,
            correctsId: r.corrects_id,
            recordedBy: r.recorded_by,
            createdAt: num(r.created_at),
          },
          true,
        ),
        trackingNo: r.tracking_no,
        enterpriseName: r.enterprise_name,
        countyCode: r.county_code,
        recordedByName: r.recorder_name,
      }));
      const last = items[items.length - 1];
      return {
        items,
        // Over every entry the filter selects, not just this page.
        totals: {
          paymentFen: of('payment'),
          correctionFen: of('correction'),
          reversalFen: of('reversal'),
          netFen: of('payment') + of('correction') + of('reversal'),
          count: totals.reduce((s, t) => s + num(t.n), 0),
        },
        next: items.length === f.limit && last ? `${last.createdAt}.${last.id}` : null,
      };
    });
  }

  /** The ledger for renderLedgerXlsx: every entry the filter selects, in ledger order. */
  async documentSource(f: LedgerFilter): Promise<LedgerInput> {
    const now = this.deps.now();
    return this.deps.db.run(async (m) => {
      const { rows } = await this.ledgerRows(m, { ...f, after: null }, false);
      return {
        generatedAt: new Date(now).toISOString(),
        entries: rows.map((r, i) => ({
          seq: i + 1,
          recordedAt: new Date(num(r.created_at)).toISOString(),
          trackingNo: r.tracking_no ?? r.application_id,
          enterpriseName: r.enterprise_name,
          accountName: r.account_name,
          bankName: r.bank_name,
          accountNo: r.account_no,
          kind: r.kind,
          amountFen: num(r.amount_fen),
          voucherNo: r.voucher_no,
          paidOn: r.paid_on,
          reason: r.reason,
          recordedBy: r.recorder_name ?? r.recorded_by,
        })),
      };
    });
  }
}

function isStale(err: unknown): boolean {
  return err instanceof DomainError && err.code === 'stale_version';
}
