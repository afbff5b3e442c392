import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import { isDuplicateKey } from './errors';
import { RoundEntity, RoundReminderEntity, type RoundReminderRow, type RoundRow } from './entities';

export type { RoundRow, RoundReminderRow } from './entities';

/** The rounds aggregate (申报批次): named queries. A city has a handful a year: they are read whole. */

export async function allRounds(tx: Tx): Promise<RoundRow[]> {
  return em(tx)
    .getRepository(RoundEntity)
    .find({ order: { opensOn: 'ASC', number: 'ASC' } });
}

/**
 * Every round; on a database that has none yet (a new install, an emptied test database), the
 * given one is written first — the year's round a new install starts with. Two instances doing this
 * at once write it once: the (year, number) key refuses the second.
 */
export async function roundsSeededWith(tx: Tx, seed: () => RoundRow): Promise<RoundRow[]> {
  const rounds = await allRounds(tx);
  if (rounds.length) return rounds;
  try {
    await insertRow(em(tx), RoundEntity, seed());
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return allRounds(tx);
}

export async function findRound(tx: Tx, id: string): Promise<RoundRow | null> {
  return em(tx).getRepository(RoundEntity).findOne({ where: { id } });
}

export async function insertRound(tx: Tx, row: RoundRow): Promise<void> {
  await insertRow(em(tx), RoundEntity, row);
}

/** An edit (or the close) of a round under its version: false when someone changed it since it was read. */
export async function updateRoundIfVersion(
  tx: Tx,
  id: string,
  version: number,
  columns: Partial<Pick<RoundRow, 'opensOn' | 'closesOn' | 'countyDeadline' | 'cityDeadline' | 'notice' | 'status'>>,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(RoundEntity)
    .createQueryBuilder()
    .update()
    .set({ ...columns, version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version', { id, version })
    .execute();
  return res.affected === 1;
}

/** How many applications each round holds (submitted ones: drafts have no round yet). */
export async function applicationCountsByRound(tx: Tx): Promise<Map<string, number>> {
  const rows: { round_id: string; n: number | string }[] = await em(tx).query(
    'SELECT round_id, COUNT(*) AS n FROM applications WHERE round_id IS NOT NULL GROUP BY round_id',
  );
  return new Map(rows.map((r) => [r.round_id, Number(r.n)]));
}

/** Unsubmitted drafts that have not had this reminder of this round, with their enterprise. */
export async function draftsAwaitingReminder(
  tx: Tx,
  roundId: string,
  kind: string,
): Promise<{ id: string; enterpriseId: string; createdAt: number }[]> {
  const rows: { id: string; enterprise_id: string; created_at: number | string }[] = await em(tx).query(
    `SELECT a.id, a.enterprise_id, a.created_at FROM applications a
      WHERE a.status = 'draft'
        AND NOT EXISTS (SELECT 1 FROM round_reminders r WHERE r.round_id = ? AND r.application_id = a.id AND r.kind = ?)
      ORDER BY a.created_at, a.id`,
    [roundId, kind],
  );
  return rows.map((r) => ({ id: r.id, enterpriseId: r.enterprise_id, createdAt: Number(r.created_at) }));
}

/** Records a reminder as sent; throws a duplicate key when another run recorded it first. */
export async function recordReminder(tx: Tx, row: RoundReminderRow): Promise<void> {
  await insertRow(em(tx), RoundReminderEntity, row);
}

/** The reminders sent for a round, for the report of the job and tests. */
export async function remindersOfRound(tx: Tx, roundId: string): Promise<RoundReminderRow[]> {
  return em(tx)
    .getRepository(RoundReminderEntity)
    .find({ where: { roundId }, order: { createdAt: 'ASC' } });
}

/**
 * The people of the enterprises that have an unsubmitted draft (active members, each once): they are
 * told when the window they would submit in changes (issue 18 item 1).
 */
export async function draftOwnerIds(tx: Tx): Promise<string[]> {
  const rows: { user_id: string }[] = await em(tx).query(
    `SELECT DISTINCT m.user_id FROM applications a
       JOIN enterprise_members m ON m.enterprise_id = a.enterprise_id AND m.status = 'active'
      WHERE a.status = 'draft' ORDER BY m.user_id`,
  );
  return rows.map((r) => r.user_id);
}
