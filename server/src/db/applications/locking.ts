import { em } from '../orm';
import type { Tx } from '../tx';
import { ApplicationEntity, type ApplicationRow } from '../entities';
import type { ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * The optimistic lock of a transition: a conditional UPDATE on (id, version, status) that changes
 * the status, bumps the version and sets the transition's columns — exactly one row, or none when
 * someone changed the application since it was read (TypeORM's save() would not check the version).
 * On MySQL the row stays locked until the transaction ends.
 */
export async function lockForTransition(
  tx: Tx,
  app: { id: string; version: number; status: ApplicationState },
  to: ApplicationState,
  columns: Partial<ApplicationRow>,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ ...(columns as Record<string, unknown>), status: to, version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version AND status = :status', { id: app.id, version: app.version, status: app.status })
    .execute();
  return res.affected === 1;
}

/**
 * An edit of the enterprise's own fields (no change of status): the same optimistic lock on (id,
 * version), the version bumped. False when someone changed the application since it was read.
 */
export async function updateIfVersion(
  tx: Tx,
  id: string,
  version: number,
  columns: Partial<ApplicationRow>,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ ...(columns as Record<string, unknown>), version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version', { id, version })
    .execute();
  return res.affected === 1;
}
