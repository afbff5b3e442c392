import { em } from './orm';
import type { Tx } from './tx';
import type { Database } from './database';
import { AuditEntity, AuditHeadEntity, type AuditHeadRow, type AuditRow } from './entities';
import { insertRow } from './rows';
import { isDuplicateKey } from './errors';

/**
 * The audit trail's rows and chain heads (the hashing and the rules of the chain live in
 * modules/audit/audit.ts). Rows are only ever inserted; a head moves by a conditional UPDATE.
 */

export type AuditRecord = AuditRow;
export type AuditHead = AuditHeadRow;

export async function findAuditHead(tx: Tx, chain: string): Promise<AuditHead | null> {
  return em(tx).getRepository(AuditHeadEntity).findOne({ where: { chain } });
}

/**
 * The chain's head, locked until the transaction ends on MySQL (a record lock: the row exists), so
 * appends to this one chain are serialised across instances; SQLite's work queue already serialises.
 */
export async function lockAuditHead(tx: Tx, chain: string): Promise<AuditHead | null> {
  const m = em(tx);
  const qb = m.getRepository(AuditHeadEntity).createQueryBuilder('h').where('h.chain = :chain', { chain });
  if (m.connection.driver.options.type !== 'better-sqlite3') qb.setLock('pessimistic_write');
  return qb.getOne();
}

/** Starts a chain by inserting its head: false if another transaction started it first. */
export async function startAuditChain(tx: Tx, head: AuditHead): Promise<boolean> {
  try {
    await em(tx).getRepository(AuditHeadEntity).insert(head);
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

/** Moves a chain's head from `fromSeq`: false if it was not there (the chain moved underneath). */
export async function moveAuditHead(
  tx: Tx,
  chain: string,
  fromSeq: number,
  to: { seq: number; hash: string; updatedAt: number },
): Promise<boolean> {
  const moved = await em(tx)
    .getRepository(AuditHeadEntity)
    .createQueryBuilder()
    .update()
    .set(to)
    .where('chain = :chain AND seq = :seq', { chain, seq: fromSeq })
    .execute();
  return moved.affected === 1;
}

export async function insertAuditRecord(tx: Tx, row: AuditRecord): Promise<void> {
  await insertRow(em(tx), AuditEntity, row);
}

export async function allAuditHeads(db: Database): Promise<AuditHead[]> {
  return db.read((tx) => em(tx).getRepository(AuditHeadEntity).find());
}

/** Keyset pages over every row in (chain, seq) order. */
export async function auditRecordsAfter(db: Database, after: { chain: string; seq: number } | null, limit: number): Promise<AuditRecord[]> {
  return db.read((tx) => {
    const qb = em(tx).getRepository(AuditEntity).createQueryBuilder('a').orderBy('a.chain', 'ASC').addOrderBy('a.seq', 'ASC').take(limit);
    if (after) qb.where('(a.chain > :chain OR (a.chain = :chain AND a.seq > :seq))', { chain: after.chain, seq: after.seq });
    return qb.getMany();
  });
}

/** One chain's rows, oldest first, at most `limit`. */
export async function auditChain(tx: Tx, chain: string, limit: number): Promise<AuditRecord[]> {
  return em(tx)
    .getRepository(AuditEntity)
    .find({ where: { chain }, order: { seq: 'ASC' }, take: limit });
}
