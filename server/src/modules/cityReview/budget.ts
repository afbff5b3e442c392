import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError } from '../errors';
import { formatYuan } from '../../../../shared/src/glossary/money';
import type { ApplicationDeps } from '../applications/deps';
import { isDuplicateKey } from '../../db/errors';
import { findBudget, insertBudget, updateBudget, yearCommitment } from '../../db/budget';

/**
 * The year's subsidy budget (市财政局): setting it, and checking a list against it. What the year's
 * lists commit is db/budget.ts's yearCommitment.
 */

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

export async function checkListBudget(m: Tx, listId: string, year: number, listFen: number): Promise<ListBudgetCheck> {
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
    return this.deps.db.read(async (m) => {
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
          await insertBudget(tx, { year, budgetFen: input.budgetFen, setBy: auth.userId, version: 1, updatedAt: now });
        } else {
          if (input.version === undefined)
            throw new ConflictError(
              `${year}年度预算已设定（${formatYuan(existing.budgetFen)}），修改时请带上版本号 version`,
              'version_required',
            );
          const changed = await updateBudget(tx, year, input.version, { budgetFen: input.budgetFen, setBy: auth.userId, updatedAt: now });
          if (!changed) throw stale();
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
