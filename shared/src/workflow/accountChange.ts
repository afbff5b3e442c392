import type { MachineDef } from './machine';
import type { ApplicationState } from './application';
import { accountNameMatches } from '../rules/bankAccount';

/**
 * A change of the receiving bank account (DESIGN.md, "Corrections after the fact": before payment, or
 * after a 退汇), driven by its use case (server/src/modules/ledger/accountChanges.ts). The enterprise
 * requests it — the request is created `requested`, keeping the account in force beside the new one —
 * and city finance confirms it (the next disbursement goes to the new account) or refuses it with a reason.
 *
 *   requested ─confirm (city finance)→ confirmed
 *   requested ─refuse (city finance)─→ refused
 *   requested ─withdraw (the enterprise)─→ withdrawn (the account in force stays; city finance's queue drops it)
 */
export const ACCOUNT_CHANGE_STATES = ['requested', 'confirmed', 'refused', 'withdrawn'] as const;
export type AccountChangeState = (typeof ACCOUNT_CHANGE_STATES)[number];

export const ACCOUNT_CHANGE_EVENTS = ['confirm', 'refuse', 'withdraw'] as const;
export type AccountChangeEvent = (typeof ACCOUNT_CHANGE_EVENTS)[number];

export type AccountChangeGuard = 'accountInEnterpriseName' | 'notPaidMeanwhile' | 'leavesSomeoneToPay';
export type AccountChangeEffect = 'applyAccount' | 'notifyEnterprise' | 'notifyFinance';

/** From submission until paid (and again after a 退汇, which puts the application back to `approved`). */
export const ACCOUNT_CHANGE_OPEN: readonly ApplicationState[] = [
  'provider_check',
  'county_review',
  'county_approved',
  'reported',
  'city_approved',
  'listed',
  'approved',
];

export const NOT_OPEN_REASON = '这份申请现在不能变更收款账户：提交后、拨付前，或退汇之后才能变更；草稿或退回修改的申请请直接修改收款账户';

export interface AccountChangeContext {
  /** The requested account's name and the enterprise's verified name. */
  accountName: string;
  enterpriseName: string;
  applicationStatus: ApplicationState;
  /** How many city finance people could still record the next payment were this actor to confirm. */
  payersLeft: number;
  /** Who may confirm instead when nobody would be left, in words (e.g. 市财政局的张三). */
  whoMayConfirm: string;
}

const FINANCE = ['city_finance'] as const;

export const accountChangeMachine: MachineDef<
  AccountChangeState,
  AccountChangeEvent,
  AccountChangeGuard,
  AccountChangeEffect,
  AccountChangeContext
> = {
  id: 'account-change',
  initial: 'requested',
  states: {
    requested: {
      labels: {
        reviewer: '收款账户变更待确认',
        applicant: '收款账户变更已提交，等待市财政局确认',
        next: '市财政局确认后，补助拨付到新的收款账户',
      },
      on: {
        confirm: {
          target: 'confirmed',
          roles: FINANCE,
          guards: ['accountInEnterpriseName', 'notPaidMeanwhile', 'leavesSomeoneToPay'],
          effects: ['applyAccount', 'notifyEnterprise'],
        },
        refuse: { target: 'refused', roles: FINANCE, effects: ['notifyEnterprise'] },
        // The enterprise takes back its own request before city finance decides; finance hears that the
        // item it was alerted of no longer waits.
        withdraw: { target: 'withdrawn', roles: ['enterprise'], effects: ['notifyFinance'] },
      },
    },
    confirmed: {
      labels: { reviewer: '收款账户变更已确认', applicant: '收款账户变更已确认，补助将拨付到新账户' },
      final: true,
      refuse: {
        confirm: '这项收款账户变更已经确认',
        refuse: '这项收款账户变更已经确认，不能再不同意',
        withdraw: '这项收款账户变更已经确认，不能撤回；如需再改，请重新申请变更',
      },
    },
    refused: {
      labels: { reviewer: '收款账户变更未获同意', applicant: '收款账户变更未获同意，补助仍拨付到原账户' },
      final: true,
      refuse: {
        confirm: '这项收款账户变更已经不同意，如需变更请企业重新申请',
        refuse: '这项收款账户变更已经不同意',
        withdraw: '这项收款账户变更已经不同意，无需撤回',
      },
    },
    withdrawn: {
      labels: { reviewer: '收款账户变更已被企业撤回', applicant: '收款账户变更已撤回，补助仍拨付到原账户' },
      final: true,
      refuse: {
        confirm: '企业已撤回这项收款账户变更',
        refuse: '企业已撤回这项收款账户变更',
        withdraw: '这项收款账户变更已经撤回了',
      },
    },
  },
  guards: {
    // DESIGN.md "An application's life": the account name is the enterprise's own (verified) name.
    accountInEnterpriseName: (c) =>
      accountNameMatches(c.accountName, c.enterpriseName)
        ? null
        : `新收款账户名“${c.accountName}”与企业名称“${c.enterpriseName}”不一致，补助只能拨付到企业本单位账户`,
    notPaidMeanwhile: (c) => (ACCOUNT_CHANGE_OPEN.includes(c.applicationStatus) ? null : NOT_OPEN_REASON),
    // DESIGN.md "Four eyes", without deadlock: the confirmer and the list's approver may not record the
    // next payment, so a confirmation that would leave nobody to record it is refused.
    leavesSomeoneToPay: (c) =>
      c.payersLeft > 0 ? null : `您确认后将没有人能登记下一笔拨付（审批名单的人和确认变更的人都不能登记），请由${c.whoMayConfirm}确认`,
  },
};
