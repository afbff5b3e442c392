import { em } from './orm';
import { In } from 'typeorm';
import { ProviderEntity } from './entities';
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

// ---- The filing's dates, as applications and the eligibility check read them (issue 13: applications side) ----

/** A provider's filing status and its dates (approved on, revoked on), or null when there is no such provider. */
export async function providerFilingDates(
  tx: TxBrand,
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
export async function providerCard(tx: TxBrand, providerId: string) {
  return em(tx)
    .getRepository(ProviderEntity)
    .findOne({
      select: { id: true, companyName: true, platformName: true, filingNo: true, approvedOn: true, revokedOn: true, status: true },
      where: { id: providerId },
    });
}

/** The company names of these providers, by id. */
export async function providerNames(tx: TxBrand, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await em(tx)
    .getRepository(ProviderEntity)
    .find({ select: { id: true, companyName: true }, where: { id: In(unique) } });
  return new Map(rows.map((r) => [r.id, r.companyName]));
}
