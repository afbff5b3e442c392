import { em } from '../orm';
import type { TxBrand } from '../tx';

/**
 * Questions of other aggregates that the payments ask: the parties to a payment, by id or by the
 * enterprise's credit code, and the payer's mini-program openid.
 */

// merge: belongs in db/enterprises
export async function enterpriseIdByCreditCode(tx: TxBrand, creditCode: string): Promise<string | null> {
  const rows: { id: string }[] = await em(tx).query('SELECT id FROM enterprises WHERE credit_code = ?', [creditCode]);
  return rows[0]?.id ?? null;
}

// merge: belongs in db/enterprises
/** The enterprises a user is an active member of. */
export async function memberEnterpriseIds(tx: TxBrand, userId: string): Promise<string[]> {
  const rows: { enterprise_id: string }[] = await em(tx).query(
    "SELECT enterprise_id FROM enterprise_members WHERE user_id = ? AND status = 'active'",
    [userId],
  );
  return rows.map((r) => r.enterprise_id);
}

async function names(tx: TxBrand, table: 'enterprises' | 'providers', column: 'name' | 'company_name', ids: readonly string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map<string, string>();
  const found: { id: string; name: string }[] = await em(tx).query(
    `SELECT id, ${column} AS name FROM ${table} WHERE id IN (${unique.map(() => '?').join(',')})`,
    unique,
  );
  return new Map(found.map((f) => [f.id, f.name]));
}

// merge: belongs in db/enterprises
export async function enterpriseNames(tx: TxBrand, ids: readonly string[]): Promise<Map<string, string>> {
  return names(tx, 'enterprises', 'name', ids);
}

// merge: belongs in db/providers
export async function providerNames(tx: TxBrand, ids: readonly string[]): Promise<Map<string, string>> {
  return names(tx, 'providers', 'company_name', ids);
}

// merge: belongs in db/users
/** The user's openid in the mini-program (WeChat Pay's payer), if the user has signed in there. */
export async function userMpOpenid(tx: TxBrand, userId: string): Promise<string | null> {
  const rows: { mp_openid: string | null }[] = await em(tx).query('SELECT mp_openid FROM users WHERE id = ?', [userId]);
  return rows[0]?.mp_openid ?? null;
}
