import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import type { ApplicationDeps } from '../applications/deps';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { staleError } from '../applications/engine';
import { newId } from '../../ids';
import { isDuplicateKey } from '../../db/errors';
import { findApplication, lockApplication, type Application } from '../../db/applications';
import { updateIfVersion } from '../../db/applications/locking';
import { appendEvent } from '../../db/applications/history';
import { enterpriseMemberIds, findEnterprise, isEnterpriseMember } from '../../db/enterprises';
import { findList } from '../../db/lists';
import { actorNames, roleHolders } from '../../db/users';
import {
  accountChangesOf,
  decideAccountChange,
  findAccountChange,
  insertAccountChange,
  waitingAccountChanges,
  type AccountChange,
} from '../../db/accountChanges';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { accountNameMatches } from '../../../../shared/src/rules/bankAccount';
import { transition } from '../../../../shared/src/workflow/machine';
import {
  ACCOUNT_CHANGE_OPEN,
  NOT_OPEN_REASON,
  accountChangeMachine,
  type AccountChangeEvent,
} from '../../../../shared/src/workflow/accountChange';
import type { BankAccount } from '../../../../shared/src/contracts/application';
import type { AccountChangeView } from '../../../../shared/src/contracts/responses/accountChanges';
import { barredConfirmersOnList, payersLeftAfterConfirming } from './fourEyes';

export interface AccountChangeRequest extends BankAccount {
  version: number;
  reason: string;
}

/**
 * The receiving account corrected after submission (issue 14 item 3; DESIGN.md "Corrections after the
 * fact", "Four eyes"): the enterprise asks, in its own verified name, from submission until paid and
 * again after a 退汇; city finance confirms (the application's account becomes the new one, so the next
 * disbursement goes there) or refuses with a reason. Each step is one transaction with its history row
 * (both accounts), its audit row and its notifications: city finance hears that a change waits, the
 * enterprise hears the outcome.
 */
export class AccountChanges {
  constructor(private readonly deps: ApplicationDeps) {}

  private async ownApplication(tx: Tx, auth: Actor, id: string): Promise<Application> {
    const app = await findApplication(tx, id);
    if (!app || !(await isEnterpriseMember(tx, app.enterpriseId, auth.userId)))
      throw new NotFoundError('没有这份申请，或您不是该企业的成员');
    return app;
  }

  private async view(tx: Tx, c: AccountChange): Promise<AccountChangeView> {
    const app = (await findApplication(tx, c.applicationId))!;
    const enterprise = await findEnterprise(tx, app.enterpriseId);
    const names = c.decidedBy ? await actorNames(tx, [c.decidedBy]) : new Map<string, string>();
    return {
      id: c.id,
      applicationId: c.applicationId,
      trackingNo: app.trackingNo,
      enterpriseName: enterprise?.name ?? '',
      status: c.status,
      statusLabel: accountChangeMachine.states[c.status].labels.reviewer,
      oldAccount:
        c.oldAccountName && c.oldBankName && c.oldAccountNo
          ? { accountName: c.oldAccountName, bankName: c.oldBankName, accountNo: c.oldAccountNo }
          : null,
      newAccount: { accountName: c.newAccountName, bankName: c.newBankName, accountNo: c.newAccountNo },
      reason: c.reason,
      requestedAt: c.requestedAt,
      decidedAt: c.decidedAt,
      decidedByName: c.decidedBy ? (names.get(c.decidedBy) ?? (c.status === 'withdrawn' ? '企业' : '市财政局')) : null,
      decisionReason: c.decisionReason,
      version: c.version,
    };
  }

  private async envelope(tx: Tx, c: AccountChange) {
    const app = (await findApplication(tx, c.applicationId))!;
    return { change: await this.view(tx, c), application: { id: app.id, status: app.status, version: app.version } };
  }

  /** The enterprise's requests for one of its applications, oldest first. */
  async ofApplication(auth: Actor, applicationId: string) {
    return this.deps.db.read(async (tx) => {
      await this.ownApplication(tx, auth, applicationId);
      return { items: await Promise.all((await accountChangesOf(tx, applicationId)).map((c) => this.view(tx, c))) };
    });
  }

  /** What waits for city finance, oldest first. */
  async waiting() {
    return this.deps.db.read(async (tx) => ({
      items: await Promise.all((await waitingAccountChanges(tx, 200)).map((c) => this.view(tx, c))),
    }));
  }

  /** The enterprise asks to change the account: in its verified name, while the application is open to it. */
  async request(auth: Actor, applicationId: string, input: AccountChangeRequest) {
    const now = this.deps.now();
    try {
      return await this.deps.db.transaction(async (tx) => {
        const app = await this.ownApplication(tx, auth, applicationId);
        if (app.version !== input.version) throw staleError();
        if (!ACCOUNT_CHANGE_OPEN.includes(app.status)) throw new ConflictError(NOT_OPEN_REASON, 'account_change_closed');
        const enterprise = await findEnterprise(tx, app.enterpriseId);
        if (!accountNameMatches(input.accountName, enterprise?.name))
          throw new InvalidInputError(`开户名称须与企业名称“${enterprise?.name ?? ''}”一致，补助只能拨付到企业本单位账户`, [
            { path: 'accountName', message: '开户名称须与企业名称一致' },
          ]);
        if (input.accountNo === app.bankAccountNo && input.bankName === app.bankName)
          throw new InvalidInputError('新账户与现在的收款账户相同，无需变更', [{ path: 'accountNo', message: '与现在的收款账户相同' }]);
        const change: AccountChange = {
          id: newId(),
          applicationId,
          status: 'requested',
          oldAccountName: app.bankAccountName,
          oldBankName: app.bankName,
          oldAccountNo: app.bankAccountNo,
          newAccountName: input.accountName,
          newBankName: input.bankName,
          newAccountNo: input.accountNo,
          reason: input.reason,
          requestedBy: auth.userId,
          requestedAt: now,
          decidedBy: null,
          decidedAt: null,
          decisionReason: null,
          openKey: applicationId,
          version: 1,
        };
        await insertAccountChange(tx, change);
        await this.record(tx, app, 'account_change_request', auth, change, input.reason, now);
        // DESIGN.md "Notifications": city finance is alerted of a bank-account change to confirm.
        await enqueueNotifications(
          tx,
          {
            eventKey: `account-change:${change.id}:requested`,
            recipientUserIds: await holdersOf(tx, 'city_finance'),
            template: 'queue.new_item',
            params: {
              applicationId,
              trackingNo: app.trackingNo ?? '',
              enterpriseName: enterprise?.name ?? '',
              stageLabel: accountChangeMachine.states.requested.labels.reviewer,
            },
            channels: ['oa_template'],
          },
          now,
        );
        return this.envelope(tx, change);
      });
    } catch (err) {
      if (isDuplicateKey(err))
        throw new ConflictError('这份申请已有一项收款账户变更在等待市财政局确认，请等确认后再申请', 'account_change_pending');
      throw err;
    }
  }

  /** City finance confirms (the application's account becomes the new one) or refuses, once. */
  async decide(auth: Actor, changeId: string, event: Exclude<AccountChangeEvent, 'withdraw'>, input: { version: number; reason?: string }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const found = await findAccountChange(tx, changeId);
      if (!found) throw new NotFoundError('没有这项收款账户变更');
      // Locks the application first, then re-reads the request: a payment in flight waits for us, or we for it.
      const app = (await lockApplication(tx, found.applicationId))!;
      const change = (await findAccountChange(tx, changeId))!;
      if (change.version !== input.version) throw staleError();
      const enterprise = await findEnterprise(tx, app.enterpriseId);
      const holders = await roleHolders(tx, 'city_finance');
      const list = app.listId ? await findList(tx, app.listId) : null;
      // The list's other applications whose account change someone confirmed count too: with two finance
      // people, all of a list's changes must be confirmed by its (future) approver.
      const others = list ? await barredConfirmersOnList(tx, list.id, app.id) : [];
      const mayConfirm = holders.filter((h) => payersLeftAfterConfirming(holders, h, list, others) > 0);
      const names = [...(await actorNames(tx, mayConfirm)).values()];
      const decided = transition(
        accountChangeMachine,
        change.status,
        event,
        auth.grants.map((g) => g.role),
        {
          accountName: change.newAccountName,
          enterpriseName: enterprise?.name ?? '',
          applicationStatus: app.status,
          payersLeft: payersLeftAfterConfirming(holders, auth.userId, list, others),
          whoMayConfirm: names.length ? `市财政局的${names.join('、')}` : '市财政局的其他经办人员',
        },
      );
      if (!decided.ok) {
        if (decided.reason === 'role_not_allowed') throw new ForbiddenError(decided.message);
        if (decided.guard === 'leavesSomeoneToPay') throw new ForbiddenError(decided.message);
        if (decided.reason === 'guard_failed') throw new ConflictError(decided.message, 'account_change_closed');
        throw new ConflictError(decided.message, 'invalid_transition');
      }
      const status = decided.to === 'confirmed' ? 'confirmed' : 'refused';
      const reason = input.reason ?? null;
      if (!(await decideAccountChange(tx, change, { status, decidedBy: auth.userId, decidedAt: now, decisionReason: reason })))
        throw staleError();
      if (decided.effects.includes('applyAccount')) {
        const set = { bankAccountName: change.newAccountName, bankName: change.newBankName, bankAccountNo: change.newAccountNo };
        if (!(await updateIfVersion(tx, app.id, app.version, set, now))) throw staleError();
      }
      const after = (await findAccountChange(tx, changeId))!;
      await this.record(tx, app, `account_change_${event}`, auth, after, reason, now);
      if (decided.effects.includes('notifyEnterprise')) {
        const labels = accountChangeMachine.states[after.status].labels;
        await enqueueNotifications(
          tx,
          {
            eventKey: `account-change:${change.id}:${after.status}`,
            recipientUserIds: await enterpriseMemberIds(tx, app.enterpriseId),
            template: 'application.status',
            params: {
              applicationId: app.id,
              trackingNo: app.trackingNo ?? '',
              statusLabel: labels.applicant,
              reason: reason ?? '',
              nextStep: '',
            },
            channels: ['mp_subscribe', 'oa_template'],
          },
          now,
        );
      }
      return this.envelope(tx, after);
    });
  }

  /**
   * The enterprise takes back a request city finance has not decided yet (issue 14): the account in force
   * stays, the request leaves finance's queue, and the finance people who were alerted of it hear that it
   * no longer waits (inbox only: nothing to do); the enterprise's other members hear of it too.
   */
  async withdraw(auth: Actor, applicationId: string, changeId: string, input: { version: number }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const app = await this.ownApplication(tx, auth, applicationId);
      const change = await findAccountChange(tx, changeId);
      if (!change || change.applicationId !== app.id) throw new NotFoundError('这份申请没有这项收款账户变更');
      if (change.version !== input.version) throw staleError();
      const step = transition(accountChangeMachine, change.status, 'withdraw', ['enterprise'], {
        accountName: change.newAccountName,
        enterpriseName: '',
        applicationStatus: app.status,
        payersLeft: 1,
        whoMayConfirm: '',
      });
      if (!step.ok) throw new ConflictError(step.message, 'invalid_transition');
      if (!(await decideAccountChange(tx, change, { status: 'withdrawn', decidedBy: auth.userId, decidedAt: now, decisionReason: null })))
        throw new ConflictError('这项收款账户变更刚被市财政局处理，请刷新后查看', 'invalid_transition');
      const after = (await findAccountChange(tx, changeId))!;
      await this.record(tx, app, 'account_change_withdraw', auth, after, null, now);
      const enterprise = await findEnterprise(tx, app.enterpriseId);
      await enqueueNotifications(
        tx,
        {
          eventKey: `account-change:${change.id}:withdrawn`,
          recipientUserIds: await holdersOf(tx, 'city_finance'),
          template: 'account_change.withdrawn',
          params: { applicationId: app.id, trackingNo: app.trackingNo ?? '', enterpriseName: enterprise?.name ?? '' },
          channels: [],
        },
        now,
      );
      const others = (await enterpriseMemberIds(tx, app.enterpriseId)).filter((id) => id !== auth.userId);
      await enqueueNotifications(
        tx,
        {
          eventKey: `account-change:${change.id}:withdrawn`,
          recipientUserIds: others,
          template: 'application.status',
          params: {
            applicationId: app.id,
            trackingNo: app.trackingNo ?? '',
            statusLabel: accountChangeMachine.states.withdrawn.labels.applicant,
            reason: '',
            nextStep: '',
          },
          channels: ['mp_subscribe', 'oa_template'],
        },
        now,
      );
      return this.envelope(tx, after);
    });
  }

  /** The history row (both accounts, as the seed's record of who changed what) and the audit row. */
  private async record(tx: Tx, app: Application, event: string, auth: Actor, c: AccountChange, reason: string | null, now: number) {
    const data = {
      changeId: c.id,
      status: c.status,
      oldAccount: { accountName: c.oldAccountName, bankName: c.oldBankName, accountNo: c.oldAccountNo },
      newAccount: { accountName: c.newAccountName, bankName: c.newBankName, accountNo: c.newAccountNo },
    };
    await appendEvent(tx, {
      id: newId(),
      applicationId: app.id,
      event,
      fromStatus: app.status,
      toStatus: app.status,
      actorId: auth.userId,
      actorRole: event === 'account_change_request' || event === 'account_change_withdraw' ? 'enterprise' : 'city_finance',
      reason,
      internalNote: null,
      data,
      createdAt: now,
    });
    await this.deps.audit.append(tx, {
      action: `application.${event}`,
      actorId: auth.userId,
      entityType: 'application',
      entityId: app.id,
      data: { ...data, reason },
    });
  }
}
