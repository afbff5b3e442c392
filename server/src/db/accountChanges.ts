import { em } from './orm';
import type { Tx } from './tx';
import { AccountChangeEntity, type AccountChangeRow } from './entities';
import { insertRow } from './rows';

/**
 * Requests to change an application's receiving account (DESIGN.md "Corrections after the fact"): the
 * account in force and the new one, both kept; decided once by city finance under a conditional UPDATE.
 */
export type AccountChange = AccountChangeRow;

export async function findAccountChange(tx: Tx, id: string): Promise<AccountChange | null> {
  return em(tx).getRepository(AccountChangeEntity).findOne({ where: { id } });
}

/** An application's requests, oldest first. */
export async function accountChangesOf(tx: Tx, applicationId: string): Promise<AccountChange[]> {
  return em(tx)
    .getRepository(AccountChangeEntity)
    .find({ where: { applicationId }, order: { requestedAt: 'ASC', id: 'ASC' } });
}

/** The requests that wait for city finance, oldest first. */
export async function waitingAccountChanges(tx: Tx, limit: number): Promise<AccountChange[]> {
  return em(tx)
    .getRepository(AccountChangeEntity)
    .find({ where: { status: 'requested' }, order: { requestedAt: 'ASC', id: 'ASC' }, take: limit });
}

/** The latest confirmed change of an application's account, if any. */
export async function lastConfirmedAccountChange(tx: Tx, applicationId: string): Promise<AccountChange | null> {
  return em(tx)
    .getRepository(AccountChangeEntity)
    .findOne({ where: { applicationId, status: 'confirmed' }, order: { decidedAt: 'DESC', id: 'DESC' } });
}

/** Inserts a waiting request; the unique open_key refuses a second open one for the same application. */
export async function insertAccountChange(tx: Tx, row: AccountChange): Promise<void> {
  await insertRow(em(tx), AccountChangeEntity, row);
}

/** Decides (or, by the enterprise, withdraws) a waiting request once: false when someone decided it since it was read. */
export async function decideAccountChange(
  tx: Tx,
  change: Pick<AccountChange, 'id' | 'version'>,
  set: { status: 'confirmed' | 'refused' | 'withdrawn'; decidedBy: string; decidedAt: number; decisionReason: string | null },
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(AccountChangeEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, openKey: null, version: () => 'version + 1' })
    .where("id = :id AND version = :version AND status = 'requested'", { id: change.id, version: change.version })
    .execute();
  return res.affected === 1;
}
