import type { Tx } from '../../db/tx';
import { actorNames, roleHolders } from '../../db/users';
import { ForbiddenError } from '../errors';
import { findApplication } from '../../db/applications';
import { findEnterprise } from '../../db/enterprises';
import { findList } from '../../db/lists';
import { enqueueNotifications } from '../notifications/outbox';
import { holdersExcept } from '../notifications/alerts';

/**
 * Four eyes on money (DESIGN.md, "Four eyes"): whoever approved a list does not record its disbursements;
 * a bank-account change is confirmed by someone other than whoever records the next payment. A refusal
 * names the city finance people who may act instead, so that with two of them the path never deadlocks.
 */
export async function othersWhoMayAct(tx: Tx, excluded: readonly string[]): Promise<string> {
  const others = (await roleHolders(tx, 'city_finance')).filter((id) => !excluded.includes(id));
  if (!others.length) return '市财政局目前没有其他经办人员，请先为另一位人员开通市财政局角色后由其办理';
  const names = [...(await actorNames(tx, others)).values()];
  return names.length ? `请由市财政局的其他经办人员（${names.join('、')}）办理` : '请由市财政局的其他经办人员办理';
}

/** Refuses `actorId` when it is one of `excluded`, saying why (`because`) and who may act instead. */
export async function requireOtherFinancePerson(tx: Tx, actorId: string, excluded: readonly string[], because: string): Promise<void> {
  if (!excluded.includes(actorId)) return;
  throw new ForbiddenError(`${because}，${await othersWhoMayAct(tx, excluded)}`);
}

/**
 * How many city finance people could still record the next payment were `confirmer` to confirm an account
 * change (neither the confirmer nor the list's approver may): with the list not yet approved, its future
 * approver is anyone but the co-signer, and the most favourable choice counts.
 */
export function payersLeftAfterConfirming(
  holders: readonly string[],
  confirmer: string,
  list: { cosignedBy: string | null; approvedBy: string | null } | null,
): number {
  const left = (approver: string | null) => holders.filter((h) => h !== confirmer && h !== approver).length;
  if (list?.approvedBy) return left(list.approvedBy);
  const approvers = holders.filter((h) => h !== list?.cosignedBy);
  return approvers.length ? Math.max(...approvers.map(left)) : 0;
}

/**
 * A returned payment (退汇) puts the application back to waiting for payment: city finance hears it once,
 * but not whoever recorded the 退汇 nor the list's approver, who may not record its disbursement.
 */
export async function alertRepayment(tx: Tx, applicationId: string, actorId: string, now: number): Promise<void> {
  const app = (await findApplication(tx, applicationId))!;
  const list = app.listId ? await findList(tx, app.listId) : null;
  await enqueueNotifications(
    tx,
    {
      eventKey: `application:${app.id}:v${app.version}:reverse_payment:finance`,
      recipientUserIds: await holdersExcept(tx, ['city_finance'], [actorId, list?.approvedBy ?? null]),
      template: 'queue.new_item',
      params: {
        applicationId: app.id,
        trackingNo: app.trackingNo ?? '',
        enterpriseName: (await findEnterprise(tx, app.enterpriseId))?.name ?? '',
        stageLabel: '退汇，待重新拨付',
      },
      channels: ['oa_template'],
    },
    now,
  );
}
