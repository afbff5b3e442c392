import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { DomainError, ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { LEDGER_KIND_LABELS, maskAccountNo, type LedgerInput } from '../../documents';
import { compareDates, shanghaiDate } from '../../../../shared/src/rules/calendar';
import { formatYuan } from '../../../../shared/src/glossary/money';
import type { ApplicationDeps } from '../applications/deps';
import { staleError } from '../applications/engine';
import { isDuplicateKey } from '../../db/errors';
import { alertRepayment, nextPaymentBarredBy, requireOtherFinancePerson } from './fourEyes';
import { appendEvent } from '../../db/applications/history';
import { accountNameMatches } from '../../../../shared/src/rules/bankAccount';
import { reviewerLabel } from '../../../../shared/src/workflow/application';
import { findApplication, lockApplication, type Application } from '../../db/applications';
import { isCityVisible } from '../../db/applications/city';
import { findEnterprise } from '../../db/enterprises';
import { findList } from '../../db/lists';
import {
  insertLedgerConfirmation,
  insertLedgerEntry,
  ledgerConfirmations,
  ledgerEntries as entriesOf,
  ledgerLines,
  nextLedgerSeq as nextSeq,
  paymentByVoucher,
  type EntryKind,
  type LedgerEntry,
  type LedgerFilter,
} from '../../db/ledger';
import { personName } from '../../../../shared/src/contracts/people';

export type { EntryKind, LedgerFilter };

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

/** Longest voucher a caller may send, leaving room for a correction's suffix in the 64-character column. */
export const MAX_VOUCHER_LENGTH = 48;

function entryView(e: LedgerEntry, mask = false) {
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

/** A payment's amount as it now stands: the payment and every correction of it. */
function standingAmount(entries: readonly LedgerEntry[], payment: LedgerEntry): number {
  return entries
    .filter((e) => e.id === payment.id || (e.kind === 'correction' && e.correctsId === payment.id))
    .reduce((s, e) => s + e.amountFen, 0);
}

function isReversed(entries: readonly LedgerEntry[], payment: LedgerEntry): boolean {
  return entries.some((e) => e.kind === 'reversal' && e.correctsId === payment.id);
}

export class Disbursements {
  constructor(private readonly deps: ApplicationDeps) {}

  private async cityApplication(m: Tx, id: string, lock = false): Promise<Application> {
    const app = lock ? await lockApplication(m, id) : await findApplication(m, id);
    if (!app || !(await isCityVisible(m, app))) throw new NotFoundError('没有这份申请，或它尚未报送到市里');
    return app;
  }

  private async ledgerOf(m: Tx, applicationId: string) {
    const entries = await entriesOf(m, applicationId);
    return {
      entries: entries.map((e) => entryView(e)),
      netFen: entries.reduce((s, e) => s + e.amountFen, 0),
      awaitingConfirmation: await awaitingConfirmation(m, applicationId, entries),
    };
  }

  private async result(m: Tx, applicationId: string, entry: LedgerEntry, replayed: boolean) {
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
  private async earlierRecord(m: Tx, applicationId: string, input: PaymentInput): Promise<LedgerEntry | null> {
    const earlier = await paymentByVoucher(m, input.voucherNo);
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
            { path: 'amountFen', message: `拨付金额须等于核定金额 ${formatYuan(app.verifiedFen ?? 0)}` },
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
        const list = app.listId ? await findList(tx, app.listId) : null;
        // DESIGN.md "Four eyes": a 退汇 is recorded by one finance person and confirmed by another before the money goes out again.
        const entries = await entriesOf(tx, applicationId);
        const waiting = await awaitingConfirmation(tx, applicationId, entries);
        if (entries.some((e) => e.kind === 'reversal' && waiting.includes(e.id)))
          throw new ConflictError('这份申请的退汇尚未经市财政局另一位经办人员确认，确认后才能重新拨付', 'awaiting_confirmation');
        // DESIGN.md "Four eyes": whoever approved the list does not record its disbursements, and whoever
        // confirmed a change of the account does not record the next payment to it.
        const confirmer = await nextPaymentBarredBy(tx, applicationId, entries);
        const barred = [list?.approvedBy, confirmer].filter((x): x is string => !!x);
        if (list?.approvedBy === auth.userId)
          await requireOtherFinancePerson(tx, auth.userId, barred, '审批这份名单的人不能再登记它的拨付');
        if (confirmer === auth.userId)
          await requireOtherFinancePerson(tx, auth.userId, barred, '确认收款账户变更的人不能登记变更后的下一笔拨付');
        const approvedOn = list?.approvedAt ? shanghaiDate(list.approvedAt) : null;
        if (approvedOn && compareDates(input.paidOn, approvedOn) < 0)
          throw new InvalidInputError(`拨付日期不能早于名单审批日期 ${approvedOn}`, [
            { path: 'paidOn', message: `拨付日期不能早于名单审批日期 ${approvedOn}` },
          ]);

        const entry: LedgerEntry = {
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
        await insertLedgerEntry(tx, entry);
        return { created: true, body: await this.result(tx, applicationId, entry, false) };
      });
    } catch (err) {
      // A concurrent attempt won (stale version, or the voucher's unique index): if it recorded this very
      // payment, this attempt is its retry.
      if (isStale(err) || isDuplicateKey(err)) {
        const replay = await this.deps.db.read(async (m) => {
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
        const entry: LedgerEntry = {
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
        await insertLedgerEntry(tx, entry);
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
        const entry: LedgerEntry = {
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
        await insertLedgerEntry(tx, entry);
        await alertRepayment(tx, applicationId, auth.userId, now);
        return this.result(tx, applicationId, entry, false);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('这笔拨付刚被他人登记退汇，请刷新后查看', 'already_reversed');
      throw err;
    }
  }

  /**
   * The second pair of eyes on a correction or a reversal (DESIGN.md "Four eyes"): another city finance
   * person than the one who recorded it confirms it, once; the entry itself never changes.
   */
  async confirm(auth: Actor, applicationId: string, entryId: string) {
    const now = this.deps.now();
    try {
      return await this.deps.db.transaction(async (tx) => {
        const app = await this.cityApplication(tx, applicationId, true);
        const entries = await entriesOf(tx, applicationId);
        const entry = entries.find((e) => e.id === entryId);
        if (!entry) throw new NotFoundError('这份申请的台账中没有这条记录');
        if (entry.kind === 'payment')
          throw new ConflictError('拨付记录无需确认；更正和退汇须由登记人以外的另一位经办人员确认', 'not_a_correction');
        if (!(await awaitingConfirmation(tx, applicationId, entries)).includes(entry.id))
          throw new ConflictError(`这笔${LEDGER_KIND_LABELS[entry.kind]}已经确认过了`, 'already_confirmed');
        await requireOtherFinancePerson(tx, auth.userId, [entry.recordedBy], `登记这笔${LEDGER_KIND_LABELS[entry.kind]}的人不能再确认它`);
        await insertLedgerConfirmation(tx, { id: newId(), entryId, applicationId, confirmedBy: auth.userId, confirmedAt: now });
        await appendEvent(tx, {
          id: newId(),
          applicationId,
          event: 'ledger_confirm',
          fromStatus: app.status,
          toStatus: app.status,
          actorId: auth.userId,
          actorRole: 'city_finance',
          reason: null,
          internalNote: null,
          data: { entryId, kind: entry.kind, amountFen: entry.amountFen, voucherNo: entry.voucherNo, recordedBy: entry.recordedBy },
          createdAt: now,
        });
        await this.deps.audit.append(tx, {
          action: 'disbursement.confirm',
          actorId: auth.userId,
          entityType: 'application',
          entityId: applicationId,
          data: { entryId, kind: entry.kind, amountFen: entry.amountFen, recordedBy: entry.recordedBy },
        });
        return this.result(tx, applicationId, entry, false);
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('这笔记录刚被他人确认，请刷新后查看', 'already_confirmed');
      throw err;
    }
  }

  // ---- reading ------------------------------------------------------------------------------------

  async ledger(f: LedgerFilter) {
    return this.deps.db.read(async (tx) => {
      const { lines, totals } = await ledgerLines(tx, f, true);
      const of = (kind: EntryKind) => totals.find((t) => t.kind === kind)?.totalFen ?? 0;
      const items = lines.map(({ trackingNo, enterpriseName, countyCode, recorderName, ...entry }) => ({
        ...entryView(entry, true),
        trackingNo,
        enterpriseName,
        countyCode,
        recordedByName: personName(recorderName, 'city_finance'),
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
          count: totals.reduce((s, t) => s + t.count, 0),
        },
        next: items.length === f.limit && last ? `${last.createdAt}.${last.id}` : null,
      };
    });
  }

  /** The ledger for renderLedgerXlsx: every entry the filter selects, in ledger order. */
  async documentSource(f: LedgerFilter): Promise<LedgerInput> {
    const now = this.deps.now();
    return this.deps.db.read(async (tx) => {
      const { lines } = await ledgerLines(tx, { ...f, after: null }, false);
      return {
        generatedAt: new Date(now).toISOString(),
        entries: lines.map((r, i) => ({
          seq: i + 1,
          recordedAt: new Date(r.createdAt).toISOString(),
          trackingNo: r.trackingNo ?? r.applicationId,
          enterpriseName: r.enterpriseName,
          accountName: r.accountName,
          bankName: r.bankName,
          accountNo: r.accountNo,
          kind: r.kind,
          amountFen: r.amountFen,
          voucherNo: r.voucherNo,
          paidOn: r.paidOn,
          reason: r.reason,
          recordedBy: personName(r.recorderName, 'city_finance'),
        })),
      };
    });
  }
}

/** The corrections and reversals that no second finance person has confirmed yet. */
async function awaitingConfirmation(tx: Tx, applicationId: string, entries: readonly LedgerEntry[]): Promise<string[]> {
  const confirmed = new Set((await ledgerConfirmations(tx, applicationId)).map((c) => c.entryId));
  return entries.filter((e) => e.kind !== 'payment' && !confirmed.has(e.id)).map((e) => e.id);
}

function isStale(err: unknown): boolean {
  return err instanceof DomainError && err.code === 'stale_version';
}
