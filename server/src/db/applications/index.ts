import { em } from '../orm';
import type { TxBrand } from '../tx';
import { ApplicationEntity, PaymentEntity, type ApplicationRow, type PaymentRow } from '../entities';
import { providerOwnerId } from '../providers';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * The applications aggregate: named questions and commands on an application and its history. Each
 * takes the transaction handle of the use case that asks and returns plain rows.
 */

export type { ApplicationRow, PaymentRow } from '../entities';

/** An application as the use cases see it: a plain object, its status one of the machine's. */
export type Application = ApplicationRow & { status: ApplicationState };

export async function findApplication(tx: TxBrand, id: string): Promise<Application | null> {
  return (await em(tx).getRepository(ApplicationEntity).findOne({ where: { id } })) as Application | null;
}

/**
 * Whether the user has a stake in the application: a member (or claimant) of its enterprise, or the
 * owner of its provider. Four eyes: such a person never acts on it as a reviewer, whichever came first.
 */
export async function ownCaseStake(
  tx: TxBrand,
  app: { enterpriseId: string; providerId: string | null },
  userId: string,
): Promise<'enterprise' | 'provider' | null> {
  const member: unknown[] = await em(tx).query(
    "SELECT 1 FROM enterprise_members WHERE enterprise_id = ? AND user_id = ? AND status IN ('active', 'pending')",
    [app.enterpriseId, userId],
  );
  if (member.length) return 'enterprise';
  if (app.providerId && (await providerOwnerId(tx, app.providerId)) === userId) return 'provider';
  return null;
}

/** The payments the enterprise recorded (and those seen on the platform), removed ones too, in the order paid. */
export async function paymentsOf(tx: TxBrand, applicationId: string): Promise<PaymentRow[]> {
  return em(tx)
    .getRepository(PaymentEntity)
    .find({ where: { applicationId }, order: { paidOn: 'ASC', createdAt: 'ASC' } });
}
