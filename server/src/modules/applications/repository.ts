import type { EntityManager } from 'typeorm';
import { ApplicationEntity, EnterpriseEntity, type ApplicationRow, type EnterpriseRow } from '../../db/entities';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/** An application as the modules see it: a plain object. */
export type Application = ApplicationRow & { status: ApplicationState };

export async function findApplication(m: EntityManager, id: string): Promise<Application | null> {
  return (await m.getRepository(ApplicationEntity).findOne({ where: { id } })) as Application | null;
}

export async function findEnterprise(m: EntityManager, id: string): Promise<EnterpriseRow | null> {
  return m.getRepository(EnterpriseEntity).findOne({ where: { id } });
}

/** Users who act for an enterprise: the recipients of its notifications. */
export async function enterpriseMemberIds(m: EntityManager, enterpriseId: string): Promise<string[]> {
  const rows: { user_id: string }[] = await m.query("SELECT user_id FROM enterprise_members WHERE enterprise_id = ? AND status = 'active'", [enterpriseId]);
  return rows.map((r) => r.user_id);
}

export async function isEnterpriseMember(m: EntityManager, enterpriseId: string, userId: string): Promise<boolean> {
  const rows: unknown[] = await m.query("SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status = 'active'", [enterpriseId, userId]);
  return rows.length > 0;
}

export async function providerOwnerId(m: EntityManager, providerId: string): Promise<string | null> {
  const rows: { owner_user_id: string }[] = await m.query('SELECT owner_user_id FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.owner_user_id ?? null;
}
