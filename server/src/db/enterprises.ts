import { em } from './orm';
import type { TxBrand } from './tx';
import { EnterpriseEntity, type EnterpriseRow } from './entities';

/** The enterprises aggregate: an enterprise, its members and their invitations. */

export async function findEnterprise(tx: TxBrand, id: string): Promise<EnterpriseRow | null> {
  return em(tx).getRepository(EnterpriseEntity).findOne({ where: { id } });
}

/** Users who act for an enterprise: the recipients of its notifications. */
export async function enterpriseMemberIds(tx: TxBrand, enterpriseId: string): Promise<string[]> {
  const rows: { user_id: string }[] = await em(tx).query(
    "SELECT user_id FROM enterprise_members WHERE enterprise_id = ? AND status = 'active'",
    [enterpriseId],
  );
  return rows.map((r) => r.user_id);
}

export async function isEnterpriseMember(tx: TxBrand, enterpriseId: string, userId: string): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    "SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status = 'active'",
    [enterpriseId, userId],
  );
  return rows.length > 0;
}
