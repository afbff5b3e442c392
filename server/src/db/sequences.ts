import type { EntityManager } from 'typeorm';
import { SequenceEntity } from './entities';

/**
 * Gap-free numbers (备案编号, 申报编号) per named sequence, e.g. `filing-2026`. The conditional
 * UPDATE is the lock: on MySQL it holds the row until the transaction ends, on SQLite the work
 * queue already serialises. A number is consumed only if the transaction that took it commits.
 */
export async function nextInSequence(tx: EntityManager, name: string): Promise<number> {
  const repo = tx.getRepository(SequenceEntity);
  const bump = () =>
    repo
      .createQueryBuilder()
      .update()
      .set({ value: () => 'value + 1' })
      .where('name = :name', { name })
      .execute();
  if ((await bump()).affected !== 1) {
    try {
      await repo.insert({ name, value: 1 });
      return 1;
    } catch {
      // Another transaction created it first: take the next number after theirs.
      await bump();
    }
  }
  const row = await repo.findOneOrFail({ where: { name } });
  return row.value;
}
