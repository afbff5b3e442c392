import { em } from './orm';
import type { Tx } from './tx';
import { BudgetEntity, type BudgetRow } from './entities';
import { insertRow } from './rows';
import { num } from './values';

/**
 * The year's subsidy budget (市财政局) and what the year's proposed lists commit against it.
 *
 * What counts as committed, per application still on one of the year's lists (item not removed, and
 * the list is the application's current one):
 * - its 核定金额 while it waits for the money (`listed`, `approved`): reserved, not yet spent;
 * - plus the net of its ledger (payments, corrections, reversals): what actually left the treasury.
 * A paid application (`disbursed`) counts by its ledger only, so nothing is counted twice; a reversed
 * payment (退汇) nets to zero and the application, `approved` again, counts by its 核定金额 once more.
 * Draft and co-signed lists commit too: they are reservations the approver must see before
 * approving another list.
 */
export type Budget = BudgetRow;

export interface YearCommitment {
  /** 核定金额 of applications listed or approved, not yet paid. */
  reservedFen: number;
  /** Net ledger of the year's applications. */
  disbursedNetFen: number;
  totalFen: number;
  /** The same total per list. */
  byList: Map<string, number>;
}

export async function yearCommitment(tx: Tx, year: number): Promise<YearCommitment> {
  const rows: {
    list_id: string;
    status: string;
    current_list: string | null;
    verified_fen: number | string;
    net_fen: number | string | null;
  }[] = await em(tx).query(
    `SELECT i.list_id AS list_id, a.status AS status, a.list_id AS current_list, i.verified_fen AS verified_fen,
       (SELECT SUM(d.amount_fen) FROM disbursements d WHERE d.application_id = i.application_id) AS net_fen
     FROM subsidy_list_items i JOIN subsidy_lists l ON l.id = i.list_id JOIN applications a ON a.id = i.application_id
     WHERE l.year = ? AND i.removed_at IS NULL`,
    [year],
  );
  const out: YearCommitment = { reservedFen: 0, disbursedNetFen: 0, totalFen: 0, byList: new Map() };
  for (const r of rows) {
    if (r.current_list !== r.list_id) continue; // the application has left this list since
    const reserved = r.status === 'listed' || r.status === 'approved' ? num(r.verified_fen) : 0;
    const net = num(r.net_fen);
    out.reservedFen += reserved;
    out.disbursedNetFen += net;
    out.byList.set(r.list_id, (out.byList.get(r.list_id) ?? 0) + reserved + net);
  }
  out.totalFen = out.reservedFen + out.disbursedNetFen;
  return out;
}

export async function findBudget(tx: Tx, year: number): Promise<Budget | null> {
  return em(tx).getRepository(BudgetEntity).findOne({ where: { year } });
}

export async function insertBudget(tx: Tx, row: Budget): Promise<void> {
  await insertRow(em(tx), BudgetEntity, row);
}

/** Changes the year's budget if it is still at `version`; false when someone changed it since. */
export async function updateBudget(
  tx: Tx,
  year: number,
  version: number,
  set: { budgetFen: number; setBy: string; updatedAt: number },
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(BudgetEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, version: () => 'version + 1' })
    .where('year = :year AND version = :version', { year, version })
    .execute();
  return res.affected === 1;
}
