import type { EntityManager } from 'typeorm';
import type { Tx } from './tx';

/**
 * The way from a handle to the ORM, for server/src/db/ only (dependency-cruiser forbids it elsewhere):
 * the named questions and commands of each aggregate open the handle here.
 */
/** The ORM's manager behind a handle: for server/src/db/ only. */
export function em(tx: Tx): EntityManager {
  return tx as unknown as EntityManager;
}

export function asTx(m: EntityManager): Tx {
  return m as unknown as Tx;
}
