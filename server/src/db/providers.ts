import type { Database } from './database';
import { em } from './orm';
import type { TxBrand } from './tx';

/** The providers aggregate: a provider's filing (备案), its history and the registry. */

export async function providerOwnerId(tx: TxBrand, providerId: string): Promise<string | null> {
  const rows: { owner_user_id: string }[] = await em(tx).query('SELECT owner_user_id FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.owner_user_id ?? null;
}

export async function providerName(tx: TxBrand, providerId: string): Promise<string | null> {
  const rows: { company_name: string }[] = await em(tx).query('SELECT company_name FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.company_name ?? null;
}

/** The provider record a user acts for: its approved one if any, else its newest (a user may have refiled). */
export async function ownedProvider(tx: TxBrand, userId: string): Promise<{ id: string; status: string; company_name: string } | null> {
  const rows: { id: string; status: string; company_name: string }[] = await em(tx).query(
    "SELECT id, status, company_name FROM providers WHERE owner_user_id = ? ORDER BY CASE WHEN status = 'approved' THEN 0 ELSE 1 END, updated_at DESC LIMIT 1",
    [userId],
  );
  return rows[0] ?? null;
}

// ---- filings, their history and materials; the registry; provider members (issue 13) -------------

/** Filings waiting for city review, with since when: their submission, else their last change. */
export async function submittedFilings(db: Database): Promise<{ id: string; companyName: string; since: number }[]> {
  const rows = await db.query<{ id: string; company_name: string; submitted_at: number | string | null; updated_at: number | string }>(
    `SELECT id, company_name, submitted_at, updated_at FROM providers WHERE status = 'submitted'`,
  );
  return rows.map((r) => ({ id: r.id, companyName: r.company_name, since: Number(r.submitted_at ?? r.updated_at) }));
}
