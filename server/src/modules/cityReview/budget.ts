import type { EntityManager } from 'typeorm';
import { BudgetEntity, type BudgetRow } from '../../db/entities';
import { insertRow } from '../../db/rows';
import type { Actor } from '../actor';
import { ConflictError } from '../errors';
import { formatYuan } from '../../../../shared/src/rules/eligibility';
import type { ApplicationDeps } from '../applications/deps';
import { isDuplicateKey } from '../../db/errors';
import { num } from '../../db/values';

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
export interface YearCommitment {
  /** 核定金额 of applications listed or approved, not yet paid. */
  reservedFen: number;
  /** Net ledger of the year's applications. */
  disbursedNetFen: number;
  totalFen: number;
  /** The same total per list. */
  byList: Map<string, number>;
}

export async function yearCommitment(m: EntityManager, year: number): Promise<YearCommitment> {
  const rows: {
    list_id: string;
    status: string;
    current_list: string | null;
    verified_fen: number | string;
    net_fen: number | string | null;
  }[] = await m.query(
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

export async function findBudget(m: EntityManager, year: number): Promise<BudgetRow | null> {
  return m.getRepository(BudgetEntity).findOne({ where: { year } });
}

/** What a list commits against its year's budget, and the warning shown before it would exceed it. */
export interface ListBudgetCheck {
  year: number;
  /** null: no budget has been set for the year. */
  budgetFen: number | null;
  /** Committed by the year's other lists. */
  committedBeforeFen: number;
  /** This list's 核定金额 total. */
  listFen: number;
  /** budget − committed before − this list; null without a budget. */
  remainingFen: number | null;
  exceedsByFen: number;
  warning: string | null;
}

export async function checkListBudget(m: EntityManager, listId: string, year: number, listFen: number): Promise<ListBudgetCheck> {
  const budget = await findBudget(m, year);
  const committed = await yearCommitment(m, year);
  const committedBeforeFen = committed.totalFen - (committed.byList.get(listId) ?? 0);
  if (!budget) {
    return {
      year,
      budgetFen: null,
      committedBeforeFen,
      listFen,
      remainingFen: null,
      exceedsByFen: 0,
      warning: `尚未设定${year}年度补助预算，请市财政局先设定预算再审批名单`,
    };
  }
  const remainingFen = budget.budgetFen - committedBeforeFen - listFen;
  const exceedsByFen = remainingFen < 0 ? -remainingFen : 0;
  return {
    year,
    budgetFen: budget.budgetFen,
    committedBeforeFen,
    listFen,
    remainingFen,
    exceedsByFen,
    warning:
      exceedsByFen > 0
        ? `本名单核定金额合计${formatYuan(listFen)}，连同本年度其他名单已承诺${formatYuan(committedBeforeFen)}，超出${year}年度预算${formatYuan(budget.budgetFen)}共${formatYuan(exceedsByFen)}`
        : null,
  };
}

export class Budgets {
  constructor(private readonly deps: ApplicationDeps) {}

  async get(year: number) {
    return this.deps.db.run(async (m) => {
      const budget = await findBudget(m, year);
      const committed = await yearCommitment(m, year);
      return {
        budget: {
          year,
          budgetFen: budget?.budgetFen ?? null,
          version: budget?.version ?? null,
          setBy: budget?.setBy ?? null,
          updatedAt: budget?.updatedAt ?? null,
          committedFen: committed.totalFen,
          reservedFen: committed.reservedFen,
          disbursedNetFen: committed.disbursedNetFen,
          remainingFen: budget ? budget.budgetFen - committed.totalFen : null,
        },
      };
    });
  }

  /**
   * Sets the year's budget (city finance). A first setting needs no version; changing it needs the
   * version the caller saw, so that two clerks cannot overwrite each other unseen. Lowering it below
   * what is already committed is allowed (the budget is a fact decided elsewhere) and shows as a
   * negative remainder.
   */
  async set(auth: Actor, year: number, input: { budgetFen: number; version?: number }) {
    const now = this.deps.now();
    try {
      await this.deps.db.transaction(async (tx) => {
        const existing = await findBudget(tx, year);
        if (!existing) {
          if (input.version !== undefined) throw stale();
          await insertRow(tx, BudgetEntity, { year, budgetFen: input.budgetFen, setBy: auth.userId, version: 1, updatedAt: now });
        } else {
          if (input.version === undefined)
            throw new ConflictError(
              `${year}年度预算已设定（${formatYuan(existing.budgetFen)}），修改时请带上版本号 version`,
              'version_required',
            );
          const res = await tx
            .getRepository(BudgetEntity)
            .createQueryBuilder()
            .update()
            .set({ budgetFen: input.budgetFen, setBy: auth.userId, version: () => 'version + 1', updatedAt: now })
            .where('year = :year AND version = :version', { year, version: input.version })
            .execute();
          if (res.affected !== 1) throw stale();
        }
        await this.deps.audit.append(tx, {
          action: 'budget.set',
          actorId: auth.userId,
          entityType: 'budget',
          entityId: String(year),
          data: { year, budgetFen: input.budgetFen, previousFen: existing?.budgetFen ?? null },
        });
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw stale();
      throw err;
    }
    return this.get(year);
  }
}

function stale(): ConflictError {
  return new ConflictError('年度预算已被他人设定或修改，请刷新后再操作', 'stale_version');
}
