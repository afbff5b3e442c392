import { rawQuery } from './raw';
import type { Database } from './database';
import { em } from './orm';
import { In } from 'typeorm';
import type { Tx } from './tx';
import { ProviderEntity, ProviderEventEntity, type ProviderEventRow, type ProviderRow } from './entities';
import { insertRow } from './rows';
import { nextInSequence } from './sequences';
import { currentFileKinds } from './files';
import type { ProviderFilingForm } from '../../../shared/src/contracts/providerFiling';
import type { FilingState } from '../../../shared/src/workflow/providerFiling';

/** The providers aggregate: a provider's filing (备案), its history and the registry. */

export async function providerOwnerId(tx: Tx, providerId: string): Promise<string | null> {
  const rows: { owner_user_id: string }[] = await em(tx).query('SELECT owner_user_id FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.owner_user_id ?? null;
}

export async function providerName(tx: Tx, providerId: string): Promise<string | null> {
  const rows: { company_name: string }[] = await em(tx).query('SELECT company_name FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.company_name ?? null;
}

/** The provider record a user acts for: its approved one if any, else its newest (a user may have refiled). */
export async function ownedProvider(tx: Tx, userId: string): Promise<{ id: string; status: string; company_name: string } | null> {
  const rows: { id: string; status: string; company_name: string }[] = await em(tx).query(
    "SELECT id, status, company_name FROM providers WHERE owner_user_id = ? ORDER BY CASE WHEN status = 'approved' THEN 0 ELSE 1 END, updated_at DESC LIMIT 1",
    [userId],
  );
  return rows[0] ?? null;
}

// ---- The filing's dates, as applications and the eligibility check read them (issue 13: applications side) ----

/** A provider's filing status and its dates (approved on, revoked on), or null when there is no such provider. */
export async function providerFilingDates(
  tx: Tx,
  providerId: string,
): Promise<{ status: string; approvedOn: string | null; revokedOn: string | null } | null> {
  const rows: { status: string; approved_on: string | null; revoked_on: string | null }[] = await em(tx).query(
    'SELECT status, approved_on, revoked_on FROM providers WHERE id = ?',
    [providerId],
  );
  const r = rows[0];
  return r ? { status: r.status, approvedOn: r.approved_on, revokedOn: r.revoked_on } : null;
}

/** What a reviewer sees of the provider an application names. */
export async function providerCard(tx: Tx, providerId: string) {
  return em(tx)
    .getRepository(ProviderEntity)
    .findOne({
      select: { id: true, companyName: true, platformName: true, filingNo: true, approvedOn: true, revokedOn: true, status: true },
      where: { id: providerId },
    });
}

/** The company names of these providers, by id. */
export async function providerNames(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await em(tx)
    .getRepository(ProviderEntity)
    .find({ select: { id: true, companyName: true }, where: { id: In(unique) } });
  return new Map(rows.map((r) => [r.id, r.companyName]));
}

// ---- filings, their history and materials; the registry; provider members (issue 13) -------------

/** Filings waiting for city review, with since when: their submission, else their last change. */
export async function submittedFilings(db: Database): Promise<{ id: string; companyName: string; since: number }[]> {
  const rows = await rawQuery<{ id: string; company_name: string; submitted_at: number | string | null; updated_at: number | string }>(
    db,
    `SELECT id, company_name, submitted_at, updated_at FROM providers WHERE status = 'submitted'`,
  );
  return rows.map((r) => ({ id: r.id, companyName: r.company_name, since: Number(r.submitted_at ?? r.updated_at) }));
}

/** A filing as the use cases see it: a plain object, never an ORM instance. */
export interface Filing {
  id: string;
  ownerUserId: string;
  companyName: string;
  platformName: string | null;
  status: FilingState;
  filingNo: string | null;
  approvedOn: string | null;
  revokedOn: string | null;
  form: ProviderFilingForm;
  version: number;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type FilingEventRow = ProviderEventRow;

function toFiling(row: ProviderRow): Filing {
  return { ...row, status: row.status, form: row.form ?? {} };
}

export async function findFiling(tx: Tx, id: string): Promise<Filing | null> {
  const row = await em(tx).getRepository(ProviderEntity).findOne({ where: { id } });
  return row ? toFiling(row) : null;
}

/** The user's newest filing (a user may have refiled). */
export async function findFilingOfOwner(tx: Tx, ownerUserId: string): Promise<Filing | null> {
  const row = await em(tx)
    .getRepository(ProviderEntity)
    .findOne({ where: { ownerUserId }, order: { createdAt: 'DESC' } });
  return row ? toFiling(row) : null;
}

/** Keyset pages in (updated_at, id) order: no OFFSET, which TypeORM inlines on SQLite. */
export async function listFilings(
  tx: Tx,
  opts: { statuses: readonly string[]; after?: { updatedAt: number; id: string } | null; limit: number },
): Promise<Filing[]> {
  const qb = em(tx)
    .getRepository(ProviderEntity)
    .createQueryBuilder('p')
    .where('p.status IN (:...statuses)', { statuses: opts.statuses })
    .orderBy('p.updatedAt', 'ASC')
    .addOrderBy('p.id', 'ASC')
    .take(opts.limit);
  if (opts.after) qb.andWhere('(p.updatedAt > :u OR (p.updatedAt = :u AND p.id > :id))', { u: opts.after.updatedAt, id: opts.after.id });
  return (await qb.getMany()).map(toFiling);
}

export async function filingCountsByStatus(tx: Tx): Promise<Record<string, number>> {
  const rows: { status: string; n: number | string }[] = await em(tx).query('SELECT status, COUNT(*) AS n FROM providers GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The registry: approved filings in order of approval. */
export async function approvedFilings(tx: Tx): Promise<Filing[]> {
  const rows = await em(tx)
    .getRepository(ProviderEntity)
    .find({ where: { status: 'approved' }, order: { approvedOn: 'ASC', id: 'ASC' } });
  return rows.map(toFiling);
}

/** Providers whose linked merchant account takes payment on the platform (issue 7). */
export async function providersTakingWechatPay(tx: Tx): Promise<Set<string>> {
  const rows: { provider_id: string }[] = await em(tx).query("SELECT provider_id FROM merchant_accounts WHERE status = 'active'");
  return new Set(rows.map((r) => r.provider_id));
}

export async function filingHistory(tx: Tx, providerId: string): Promise<FilingEventRow[]> {
  return em(tx)
    .getRepository(ProviderEventEntity)
    .find({ where: { providerId }, order: { seq: 'ASC' } });
}

/** The kinds of 备案材料 the filing holds a current file of. */
export function filingMaterialKinds(tx: Tx, providerId: string): Promise<string[]> {
  return currentFileKinds(tx, 'provider', providerId);
}

export async function insertFiling(tx: Tx, filing: Filing): Promise<void> {
  await insertRow(em(tx), ProviderEntity, filing);
}

/** Saves a draft's form at `version`: false if the filing moved on meanwhile. */
export async function saveFilingForm(
  tx: Tx,
  id: string,
  version: number,
  change: { form: ProviderFilingForm; companyName: string; platformName: string | null; updatedAt: number },
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(ProviderEntity)
    .createQueryBuilder()
    .update()
    .set({ ...change, version: () => 'version + 1' })
    .where('id = :id AND version = :version', { id, version })
    .execute();
  return res.affected === 1;
}

/** Moves a filing from (status, version) to `to`: false if someone moved it meanwhile. */
export async function moveFiling(
  tx: Tx,
  id: string,
  from: { status: FilingState; version: number },
  to: { status: FilingState; updatedAt: number } & Partial<Pick<Filing, 'approvedOn' | 'filingNo' | 'revokedOn' | 'submittedAt'>>,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(ProviderEntity)
    .createQueryBuilder()
    .update()
    .set({ ...to, version: () => 'version + 1' })
    .where('id = :id AND version = :version AND status = :status', { id, version: from.version, status: from.status })
    .execute();
  return res.affected === 1;
}

/** Appends to the filing's history with the next number. */
export async function appendFilingEvent(tx: Tx, event: Omit<FilingEventRow, 'seq'>): Promise<void> {
  const m = em(tx);
  const rows: { seq: number | string | null }[] = await m.query('SELECT MAX(seq) AS seq FROM provider_events WHERE provider_id = ?', [
    event.providerId,
  ]);
  await insertRow(m, ProviderEventEntity, { ...event, seq: Number(rows[0]?.seq ?? 0) + 1 });
}

/** The next number of the year's 备案编号: gap-free, consumed only if the transaction commits. */
export function nextFilingNumber(tx: Tx, year: string): Promise<number> {
  return nextInSequence(em(tx), `filing-${year}`);
}

export async function submittedFilingCount(db: Database): Promise<number> {
  const rows = await rawQuery<{ n: number | string }>(db, "SELECT COUNT(*) AS n FROM providers WHERE status = 'submitted'", []);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Filings on record (approved, or revoked later: the rules compare their dates with the contract's)
 * whose id, 备案编号 or company name is `text`, newest approval first: at most `limit`.
 */
export async function filingsOnRecordNamed(db: Database, text: string, limit: number): Promise<string[]> {
  const rows = await rawQuery<{ id: string }>(
    db,
    `SELECT id FROM providers WHERE status IN ('approved', 'revoked') AND approved_on IS NOT NULL AND (id = ? OR filing_no = ? OR company_name = ?) ORDER BY approved_on DESC LIMIT ${Math.floor(limit)}`,
    [text, text, text],
  );
  return rows.map((r) => r.id);
}

/** Provider records the user owns (a provider may hold an old rejected filing beside its current one). */
export async function providerIdsOfOwner(tx: Tx, userId: string): Promise<string[]> {
  const rows = await em(tx)
    .getRepository(ProviderEntity)
    .find({ select: { id: true }, where: { ownerUserId: userId } });
  return rows.map((r) => r.id);
}
