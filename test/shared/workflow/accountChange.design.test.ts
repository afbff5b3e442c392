import { transition } from '../../../shared/src/workflow/machine';
import {
  ACCOUNT_CHANGE_EVENTS,
  ACCOUNT_CHANGE_STATES,
  accountChangeMachine,
  type AccountChangeContext,
} from '../../../shared/src/workflow/accountChange';
import { checkAgainstDesign } from './designTable';

/**
 * A change of the receiving account as DESIGN.md has it ("Corrections after the fact", "Four eyes"): the
 * enterprise requests it in its own verified name, before payment or after a 退汇; city finance confirms
 * it (the next disbursement goes to it) or refuses it; whoever confirms does not record the next payment,
 * so a confirmation that would leave nobody to record it is refused, naming who may confirm.
 */
const PERMISSIVE: AccountChangeContext = {
  accountName: '伊春林都云科技有限公司',
  enterpriseName: '伊春林都云科技有限公司',
  applicationStatus: 'approved',
  payersLeft: 1,
  whoMayConfirm: '市财政局的李审批',
};

checkAgainstDesign(accountChangeMachine, {
  name: 'account change',
  states: ACCOUNT_CHANGE_STATES,
  events: ACCOUNT_CHANGE_EVENTS,
  initial: 'requested',
  finals: ['confirmed', 'refused', 'withdrawn'],
  reviewerLabels: {
    requested: '收款账户变更待确认',
    confirmed: '收款账户变更已确认',
    refused: '收款账户变更未获同意',
    withdrawn: '收款账户变更已被企业撤回',
  },
  rows: [
    {
      from: 'requested',
      event: 'confirm',
      roles: ['city_finance'],
      to: 'confirmed',
      effects: ['applyAccount', 'notifyEnterprise'],
      guards: ['accountInEnterpriseName', 'notPaidMeanwhile', 'leavesSomeoneToPay'],
    },
    { from: 'requested', event: 'refuse', roles: ['city_finance'], to: 'refused', effects: ['notifyEnterprise'] },
    { from: 'requested', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: ['notifyFinance'] },
  ],
  permissive: PERMISSIVE,
  breakers: {
    accountInEnterpriseName: {
      ctx: { accountName: '张三' },
      reason: '新收款账户名“张三”与企业名称“伊春林都云科技有限公司”不一致，补助只能拨付到企业本单位账户',
    },
    notPaidMeanwhile: {
      ctx: { applicationStatus: 'disbursed' },
      reason: '这份申请现在不能变更收款账户：提交后、拨付前，或退汇之后才能变更；草稿或退回修改的申请请直接修改收款账户',
    },
    leavesSomeoneToPay: {
      ctx: { payersLeft: 0 },
      reason: '您确认后将没有人能登记下一笔拨付（审批名单的人和确认变更的人都不能登记），请由市财政局的李审批确认',
    },
  },
  refusals: {
    confirmed: {
      confirm: '这项收款账户变更已经确认',
      refuse: '这项收款账户变更已经确认，不能再不同意',
      withdraw: '这项收款账户变更已经确认，不能撤回；如需再改，请重新申请变更',
    },
    refused: {
      confirm: '这项收款账户变更已经不同意，如需变更请企业重新申请',
      refuse: '这项收款账户变更已经不同意',
      withdraw: '这项收款账户变更已经不同意，无需撤回',
    },
    withdrawn: {
      confirm: '企业已撤回这项收款账户变更',
      refuse: '企业已撤回这项收款账户变更',
      withdraw: '这项收款账户变更已经撤回了',
    },
  },
});

describe('account change: the name as a cashier reads it, and the window', () => {
  const confirm = (c: Partial<AccountChangeContext>) =>
    transition(accountChangeMachine, 'requested', 'confirm', ['city_finance'], { ...PERMISSIVE, ...c });

  test('brackets and spaces do not make another name', () => {
    expect(confirm({ accountName: '伊春 林都云（科技）', enterpriseName: '伊春林都云(科技)' }).ok).toBe(true);
  });

  test('open from submission until paid, and again after a 退汇 (back to approved); not in a draft, a return or after the end', () => {
    // Every state from submission until paid (DESIGN.md "Corrections after the fact"), not a sample.
    for (const s of ['provider_check', 'county_review', 'county_approved', 'reported', 'city_approved', 'listed', 'approved'] as const)
      expect([s, confirm({ applicationStatus: s }).ok]).toEqual([s, true]);
    for (const s of ['draft', 'returned', 'disbursed', 'rejected', 'withdrawn'] as const)
      expect([s, confirm({ applicationStatus: s })]).toEqual([s, expect.objectContaining({ ok: false, guard: 'notPaidMeanwhile' })]);
  });
});

describe('account change: what the enterprise is told it can expect', () => {
  test('while requested: the new account is used once city finance confirms; the machine is named for the history', () => {
    expect(accountChangeMachine.id).toBe('account-change');
    expect(accountChangeMachine.states.requested.labels.next).toBe('市财政局确认后，补助拨付到新的收款账户');
    expect(accountChangeMachine.states.confirmed.labels.applicant).toBe('收款账户变更已确认，补助将拨付到新账户');
    expect(accountChangeMachine.states.refused.labels.applicant).toBe('收款账户变更未获同意，补助仍拨付到原账户');
  });
});
