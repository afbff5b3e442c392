import { em } from '../orm';
import type { Tx } from '../tx';
import { ListObjectionEntity, type ListObjectionRow } from '../entities';
import { insertRow } from '../rows';
import { num } from '../values';

/** Objections received during a list's notice (公示异议), and their decisions. */
export type ListObjection = ListObjectionRow;

export async function findObjection(tx: Tx, id: string): Promise<ListObjection | null> {
  return em(tx).getRepository(ListObjectionEntity).findOne({ where: { id } });
}

/** A list's objections, oldest first. */
export async function objectionsOf(tx: Tx, listId: string): Promise<ListObjection[]> {
  return em(tx)
    .getRepository(ListObjectionEntity)
    .find({ where: { listId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** Pending objections per application on a list. */
export async function pendingObjectionCounts(tx: Tx, listId: string): Promise<Map<string, number>> {
  const rows: { application_id: string; n: number | string }[] = await em(tx).query(
    "SELECT application_id, COUNT(*) AS n FROM list_objections WHERE list_id = ? AND decision = 'pending' GROUP BY application_id",
    [listId],
  );
  return new Map(rows.map((p) => [p.application_id, num(p.n)]));
}

export async function insertObjection(tx: Tx, row: ListObjection): Promise<void> {
  await insertRow(em(tx), ListObjectionEntity, row);
}

/** Decides a pending objection; false when it was decided already. */
export async function decidePendingObjection(
  tx: Tx,
  id: string,
  d: { decision: 'upheld' | 'dismissed'; decidedBy: string; decidedAt: number; decisionReason: string },
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(ListObjectionEntity)
    .createQueryBuilder()
    .update()
    .set(d)
    .where("id = :id AND decision = 'pending'", { id })
    .execute();
  return res.affected === 1;
}
