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
  const rows: { user_id: string }[] = await m.query(
    "SELECT user_id FROM enterprise_members WHERE enterprise_id = ? AND status = 'active'",
    [enterpriseId],
  );
  return rows.map((r) => r.user_id);
}

/**
 * Whether the user has a stake in the application: a member (or claimant) of its enterprise, or the
 * owner of its provider. Four eyes: such a person never acts on it as a reviewer, whichever came first.
 */
export async function ownCaseStake(
  m: EntityManager,
  app: { enterpriseId: string; providerId: string | null },
  userId: string,
): Promise<'enterprise' | 'provider' | null> {
  const member: unknown[] = await m.query(
    "SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status IN ('active', 'pending')",
    [app.enterpriseId, userId],
  );
  if (member.length) return 'enterprise';
  if (app.providerId && (await providerOwnerId(m, app.providerId)) === userId) return 'provider';
  return null;
}

export async function isEnterpriseMember(m: EntityManager, enterpriseId: string, userId: string): Promise<boolean> {
  const rows: unknown[] = await m.query("SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status = 'active'", [
    enterpriseId,
    userId,
  ]);
  return rows.length > 0;
}

export async function providerOwnerId(m: EntityManager, providerId: string): Promise<string | null> {
  const rows: { owner_user_id: string }[] = await m.query('SELECT owner_user_id FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.owner_user_id ?? null;
}

export async function providerName(m: EntityManager, providerId: string): Promise<string | null> {
  const rows: { company_name: string }[] = await m.query('SELECT company_name FROM providers WHERE id = ?', [providerId]);
  return rows[0]?.company_name ?? null;
}

/** The provider record a user acts for: its approved one if any, else its newest (a user may have refiled). */
export async function ownedProvider(
  m: EntityManager,
  userId: string,
): Promise<{ id: string; status: string; company_name: string } | null> {
  const rows: { id: string; status: string; company_name: string }[] = await m.query(
    "SELECT id, status, company_name FROM providers WHERE owner_user_id = ? ORDER BY CASE WHEN status = 'approved' THEN 0 ELSE 1 END, updated_at DESC LIMIT 1",
    [userId],
  );
  return rows[0] ?? null;
}
