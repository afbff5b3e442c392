import { em } from '../orm';
import { nextInSequence } from '../sequences';
import type { Tx } from '../tx';
import { In } from 'typeorm';
import { ApplicationEntity, type ApplicationRow } from '../entities';
import { insertRow } from '../rows';
import { providerOwnerId } from '../providers';
import type { ApplicationState } from '../../../../shared/src/workflow/application';
import { policyPack } from '../../../../shared/src/pack';

/**
 * The applications aggregate: named questions and commands on an application and its history. Each
 * takes the transaction handle of the use case that asks and returns plain rows.
 */

export type { ApplicationRow, PaymentRow, JsonObject } from '../entities';

/** An application as the use cases see it: a plain object, its status one of the machine's. */
export type Application = ApplicationRow & { status: ApplicationState };

export async function findApplication(tx: Tx, id: string): Promise<Application | null> {
  return (await em(tx).getRepository(ApplicationEntity).findOne({ where: { id } })) as Application | null;
}

/**
 * Takes the application's row lock on MySQL/MariaDB for ledger writes that change no state (a
 * correction), so that two of them cannot take the same ledger seq. SQLite's work queue already
 * serialises every transaction.
 */
export async function lockApplication(tx: Tx, id: string): Promise<Application | null> {
  const m = em(tx);
  if (m.connection.driver.options.type === 'better-sqlite3') return findApplication(tx, id);
  return (await m
    .getRepository(ApplicationEntity)
    .createQueryBuilder('a')
    .setLock('pessimistic_write')
    .where('a.id = :id', { id })
    .getOne()) as Application | null;
}

/**
 * Whether the user has a stake in the application: a member (or claimant) of its enterprise, or the
 * owner of its provider. Four eyes: such a person never acts on it as a reviewer, whichever came first.
 */
export async function ownCaseStake(
  tx: Tx,
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

/** The next number of the year's applications (申报编号 <pack's prefix><year><5 digits>): gap-free, consumed only if the transaction commits. */
export async function nextTrackingNumber(tx: Tx, year: string): Promise<string> {
  return `${policyPack().numbers.trackingPrefix}${year}${String(await nextInSequence(em(tx), `application-${year}`)).padStart(5, '0')}`;
}

/** The states of an enterprise's applications (each once), leaving one out if asked: for 二（六）. */
export async function applicationStatesOfEnterprise(
  tx: Tx,
  enterpriseId: string,
  exceptId: string | null = null,
): Promise<ApplicationState[]> {
  const rows: { status: ApplicationState }[] = await em(tx).query(
    exceptId === null
      ? 'SELECT DISTINCT status FROM applications WHERE enterprise_id = ?'
      : 'SELECT DISTINCT status FROM applications WHERE enterprise_id = ? AND id <> ?',
    exceptId === null ? [enterpriseId] : [enterpriseId, exceptId],
  );
  return rows.map((r) => r.status);
}

/** The enterprise's application in one of these states (the live ones: 二（六）), if any. */
export async function applicationOfEnterpriseIn(
  tx: Tx,
  enterpriseId: string,
  states: readonly ApplicationState[],
): Promise<Application | null> {
  return (await em(tx)
    .getRepository(ApplicationEntity)
    .findOne({ where: { enterpriseId, status: In([...states]) } })) as Application | null;
}

/** A new application (a draft): the stage counts are the caller's (moveStageCount) in the same transaction. */
export async function insertApplication(tx: Tx, row: ApplicationRow): Promise<void> {
  await insertRow(em(tx), ApplicationEntity, row);
}

/** The whole rows of the applications of every enterprise the user is an active member of (any state), newest first. */
export async function applicationRowsOfMember(tx: Tx, userId: string): Promise<Application[]> {
  const rows: { id: string }[] = await em(tx).query(
    "SELECT a.id FROM applications a JOIN enterprise_members em ON em.enterprise_id = a.enterprise_id WHERE em.user_id = ? AND em.status = 'active' ORDER BY a.created_at DESC",
    [userId],
  );
  if (!rows.length) return [];
  const apps = (await em(tx)
    .getRepository(ApplicationEntity)
    .findBy({ id: In(rows.map((r) => r.id)) })) as Application[];
  return apps.sort((a, b) => b.createdAt - a.createdAt);
}
