import type { EntitySchema, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { em } from '../orm';
import type { Tx } from '../tx';

/**
 * The one way the test questions of this folder read rows by plain column values: each named question
 * (rows.ts and the others) picks its entity here. Not re-exported by ../testing.ts: a test names the
 * question, never the table.
 */

/** Column values a row must have, every one of them (no operators: a test asks for exact values). */
export type RowMatch<T> = { [K in keyof T]?: T[K] };

export async function rowsMatching<T extends ObjectLiteral>(
  tx: Tx,
  entity: EntitySchema<T>,
  match: RowMatch<T>,
  bySeq: boolean,
): Promise<T[]> {
  return em(tx)
    .getRepository(entity)
    .find({ where: match as FindOptionsWhere<T>, ...(bySeq ? { order: { seq: 'ASC' } as never } : {}) });
}

export async function countMatching<T extends ObjectLiteral>(tx: Tx, entity: EntitySchema<T>, match: RowMatch<T>): Promise<number> {
  return em(tx)
    .getRepository(entity)
    .count({ where: match as FindOptionsWhere<T> });
}
