import { In, IsNull } from 'typeorm';
import { em } from './orm';
import type { Tx } from './tx';
import { StoredFileEntity, type StoredFileRow } from './entities';
import { insertRow } from './rows';

/**
 * The files aggregate: stored files' metadata (the bytes live in blob storage). A file belongs to an
 * owner (type and id) and a kind; a replaced file stays, pointing to its successor.
 */

export type StoredFile = StoredFileRow;

export async function findFile(tx: Tx, id: string): Promise<StoredFile | null> {
  return em(tx).getRepository(StoredFileEntity).findOne({ where: { id } });
}

export async function insertFile(tx: Tx, row: StoredFile): Promise<void> {
  await insertRow(em(tx), StoredFileEntity, row);
}

/** Points a current file to its successor: false if it was replaced already (of two racing, one wins). */
export async function supersedeFile(tx: Tx, id: string, successorId: string): Promise<boolean> {
  const moved = await em(tx).getRepository(StoredFileEntity).update({ id, supersededBy: IsNull() }, { supersededBy: successorId });
  return moved.affected === 1;
}

/** An owner's files, oldest first: the current ones, or every version with `history`; of one kind if given. */
export async function filesOf(
  tx: Tx,
  ownerType: string,
  ownerId: string,
  opts: { kind?: string; history?: boolean } = {},
): Promise<StoredFile[]> {
  return em(tx)
    .getRepository(StoredFileEntity)
    .find({
      where: {
        ownerType,
        ownerId,
        ...(opts.kind !== undefined ? { kind: opts.kind } : {}),
        ...(opts.history ? {} : { supersededBy: IsNull() }),
      },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
}

/** The kinds of which an owner holds a current file. */
export async function currentFileKinds(tx: Tx, ownerType: string, ownerId: string): Promise<string[]> {
  const rows: { kind: string }[] = await em(tx).query(
    'SELECT DISTINCT kind FROM files WHERE owner_type = ? AND owner_id = ? AND superseded_by IS NULL',
    [ownerType, ownerId],
  );
  return rows.map((r) => r.kind);
}

/**
 * How many current files of one kind an owner holds. With `lock` on MySQL/MariaDB the count takes
 * next-key locks on the owner's index range, so a concurrent insert there waits or deadlocks (and
 * Database.transaction runs the loser again, to find the place taken). SQLite needs no lock: its work
 * is serialised by Database's queue.
 */
export async function countCurrentFiles(tx: Tx, ownerType: string, ownerId: string, kind: string, lock = false): Promise<number> {
  const m = em(tx);
  const qb = m
    .getRepository(StoredFileEntity)
    .createQueryBuilder('f')
    .where('f.ownerType = :ownerType AND f.ownerId = :ownerId AND f.kind = :kind AND f.supersededBy IS NULL', { ownerType, ownerId, kind });
  if (lock && m.connection.driver.options.type !== 'better-sqlite3') qb.setLock('pessimistic_write');
  return qb.getCount();
}

/** Every file (any version, any owner) with one of these contents, oldest first: its owner. */
export async function holdersOfContents(
  tx: Tx,
  sha256s: readonly string[],
): Promise<{ sha256: string; ownerType: string; ownerId: string }[]> {
  return em(tx)
    .getRepository(StoredFileEntity)
    .find({ select: { sha256: true, ownerType: true, ownerId: true }, where: { sha256: In([...sha256s]) }, order: { createdAt: 'ASC' } });
}
