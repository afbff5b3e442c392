import type { Tx } from '../../db/tx';
import { actorNames, roleHolders } from '../../db/users';
import { lastConfirmedAccountChange } from '../../db/accountChanges';
import { ledgerEntries } from '../../db/ledger';
import { findList, listItems } from '../../db/lists';
import { ForbiddenError } from '../errors';
import { findApplication } from '../../db/applications';
import { findEnterprise } from '../../db/enterprises';
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
 * Who may not record an application's next payment because they confirmed the change of its account
 * (DESIGN.md "Four eyes"): the confirmer of the latest confirmed change, until a payment follows it.
 */
export async function nextPaymentBarredBy(
  tx: Tx,
  applicationId: string,
  known?: readonly { kind: string; createdAt: number }[],
): Promise<string | null> {
  const confirmed = await lastConfirmedAccountChange(tx, applicationId);
  if (!confirmed?.decidedAt) return null;
  const entries = known ?? (await ledgerEntries(tx, applicationId));
  const paidSince = entries.some((e) => e.kind === 'payment' && e.createdAt >= confirmed.decidedAt!);
  return paidSince ? null : confirmed.decidedBy;
}

/** The confirmers barred from paying the applications still on a list (one per application, repeats kept). */
export async function barredConfirmersOnList(tx: Tx, listId: string, except: string | null = null): Promise<string[]> {
  const lines = (await listItems(tx, listId)).filter((l) => l.removedAt === null && l.applicationId !== except);
  const barred = await Promise.all(lines.map((l) => nextPaymentBarredBy(tx, l.applicationId)));
  return barred.filter((b): b is string => b !== null);
}

/** With `approver` approving, whether every application (by the confirmer barred from it) keeps someone to pay it. */
function everyoneKeepsAPayer(holders: readonly string[], approver: string, confirmers: readonly string[]): boolean {
  return confirmers.every((c) => holders.some((h) => h !== approver && h !== c));
}

/** The finance people who could approve a list co-signed by `cosigner` and still leave someone to pay each of its applications. */
export function workableApprovers(holders: readonly string[], cosigner: string | null, confirmers: readonly string[]): string[] {
  return holders.filter((h) => h !== cosigner && everyoneKeepsAPayer(holders, h, confirmers));
}

/**
 * How many city finance people could still record the next payment were `confirmer` to confirm an account
 * change (neither the confirmer nor the list's approver may): with the list not yet approved, its future
 * approver is anyone but the co-signer who also leaves a payer for the list's other confirmed changes
 * (`otherConfirmers`), and the most favourable choice counts.
 */
export function payersLeftAfterConfirming(
  holders: readonly string[],
  confirmer: string,
  list: { cosignedBy: string | null; approvedBy: string | null } | null,
  otherConfirmers: readonly string[] = [],
): number {
  const confirmers = [...otherConfirmers, confirmer];
  const left = (approver: string | null) =>
    approver && !everyoneKeepsAPayer(holders, approver, confirmers) ? 0 : holders.filter((h) => h !== confirmer && h !== approver).length;
  if (list?.approvedBy) return left(list.approvedBy);
  const approvers = holders.filter((h) => h !== list?.cosignedBy);
  return approvers.length ? Math.max(...approvers.map(left)) : 0;
}

/**
 * The deadlock a co-signature or an approval can make with exactly two city finance people (issue 14 item 6):
 * the co-signer may not approve, the approver may not pay, and whoever confirmed an application's account
 * change may not record its next payment — so a list whose account change 甲 confirmed must be approved by
 * 甲 and co-signed by 乙. Refuses the step that would leave an application on the list with nobody to pay
 * it, naming who may take it instead.
 */
export async function requireListStaysPayable(
  tx: Tx,
  listId: string,
  actorId: string,
  step: 'cosign' | 'approve',
  cosignedBy: string | null,
) {
  const confirmers = await barredConfirmersOnList(tx, listId);
  if (!confirmers.length) return;
  const holders = await roleHolders(tx, 'city_finance');
  const workable =
    step === 'cosign'
      ? holders.filter((h) => workableApprovers(holders, h, confirmers).length > 0)
      : workableApprovers(holders, cosignedBy, confirmers);
  if (workable.includes(actorId)) return;
  const because =
    step === 'cosign'
      ? '您会签后，这份名单只能由另一位经办人员审批，而审批名单的人和确认收款账户变更的人都不能登记拨付，名单中将有申请没有人能登记拨付'
      : '您审批后，审批名单的人和确认收款账户变更的人都不能登记拨付，名单中将有申请没有人能登记拨付';
  const names = [
    ...(
      await actorNames(
        tx,
        workable.filter((h) => h !== actorId),
      )
    ).values(),
  ];
  if (names.length) throw new ForbiddenError(`${because}，请由市财政局的${names.join('、')}${step === 'cosign' ? '会签' : '审批'}`);
  throw new ForbiddenError(
    `${because}。名单中的收款账户变更由不同的人确认，市财政局现有人员无法分工：请市工信局把其中一份申请移出本名单列入下一批，或为另一位人员开通市财政局角色`,
  );
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
