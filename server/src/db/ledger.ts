import { em } from './orm';
import type { Tx } from './tx';
import { DisbursementEntity, type DisbursementRow } from './entities';
import { insertRow } from './rows';
import { likeContains, num } from './values';

/**
 * The disbursement ledger (三（五）市财政局拨付资金): entries that only grow — payments, corrections and
 * reversals, each in its application's sequence — and the ledger's pages and totals.
 */

export type LedgerEntry = DisbursementRow;
export type EntryKind = LedgerEntry['kind'];

/** An application's ledger, in its order. */
export async function ledgerEntries(tx: Tx, applicationId: string): Promise<LedgerEntry[]> {
  return em(tx)
    .getRepository(DisbursementEntity)
    .find({ where: { applicationId }, order: { seq: 'ASC' } });
}

/** The next seq of an application's ledger: the caller holds the application's row. */
export async function nextLedgerSeq(tx: Tx, applicationId: string): Promise<number> {
  const rows: { seq: number | string | null }[] = await em(tx).query('SELECT MAX(seq) AS seq FROM disbursements WHERE application_id = ?', [
    applicationId,
  ]);
  return num(rows[0]?.seq ?? 0) + 1;
}

export async function insertLedgerEntry(tx: Tx, entry: LedgerEntry): Promise<void> {
  await insertRow(em(tx), DisbursementEntity, entry);
}

/** The payment recorded under a 国库支付凭证号, if any (unique among payments). */
export async function paymentByVoucher(tx: Tx, voucherNo: string): Promise<LedgerEntry | null> {
  return em(tx)
    .getRepository(DisbursementEntity)
    .findOne({ where: { kind: 'payment', voucherNo } });
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

/** A ledger entry with what the ledger's page shows beside it. */
export interface LedgerLine extends LedgerEntry {
  trackingNo: string | null;
  enterpriseName: string;
  countyCode: string;
  recorderName: string | null;
}

export interface LedgerTotal {
  kind: EntryKind;
  count: number;
  totalFen: number;
}

function ledgerWhere(f: LedgerFilter): { where: string[]; params: unknown[] } {
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

/**
 * The entries the filter selects in ledger order — one keyset page (`page`), or all of them up to
 * 20,000 for a document — and the totals per kind over the whole filter.
 */
export async function ledgerLines(tx: Tx, f: LedgerFilter, page: boolean): Promise<{ lines: LedgerLine[]; totals: LedgerTotal[] }> {
  const { where, params } = ledgerWhere(f);
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
  }[] = await em(tx).query(
    `SELECT d.id, d.application_id, d.seq, d.kind, d.amount_fen, d.voucher_no, d.paid_on, d.account_name, d.bank_name, d.account_no, d.reason, d.corrects_id, d.recorded_by, d.created_at, a.tracking_no, e.name AS enterprise_name, a.county_code, u.display_name AS recorder_name
       ${from} ${clause(pageWhere)} ORDER BY d.created_at ASC, d.id ASC LIMIT ${Math.trunc(page ? f.limit : 20_000)}`,
    pageParams,
  );
  const totals: { kind: EntryKind; n: number | string; total: number | string | null }[] = await em(tx).query(
    `SELECT d.kind AS kind, COUNT(*) AS n, SUM(d.amount_fen) AS total ${from} ${clause(where)} GROUP BY d.kind`,
    params,
  );
  return {
    lines: rows.map((r) => ({
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
      trackingNo: r.tracking_no,
      enterpriseName: r.enterprise_name,
      countyCode: r.county_code,
      recorderName: r.recorder_name,
    })),
    totals: totals.map((t) => ({ kind: t.kind, count: num(t.n), totalFen: num(t.total) })),
  };
}
