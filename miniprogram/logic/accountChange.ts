/**
 * How a change of the receiving account reads on the phone (issue 14; DESIGN.md "Corrections after the
 * fact"): the account replaced and the new one side by side, who decided and why — never a status code.
 */
import { formatTime } from './format';
import { accountNameMatches } from '../shared/rules/bankAccount';
import { bankAccountNo } from './validators';
import type { AccountChange } from '../shared/contracts/responses';

type Account = { accountName: string | null; bankName: string | null; accountNo: string | null } | null;

/** 6217000011112222333 → "6217 0000 1111 2222 333": read aloud to a bank clerk in groups of four. */
export function groupedAccountNo(no: string | null | undefined): string {
  return (no ?? '').replace(/\s+/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function accountText(a: Account): string {
  if (!a || !a.accountNo) return '未填写';
  return `${a.bankName ?? ''} ${groupedAccountNo(a.accountNo)}`.trim();
}

export interface ChangeRow {
  id: string;
  version: number;
  applicationId: string;
  title: string;
  summary: string;
  sub: string;
  next: string;
  reason: string;
  enterpriseName: string;
  trackingNo: string;
  oldAccount: string;
  newAccount: string;
  accountName: string;
}

const NEXT: Record<AccountChange['status'], string> = {
  requested: '市财政局确认后，补助拨付到新的收款账户；确认前仍以原账户为准，您也可以撤回。',
  confirmed: '下一笔拨付到新账户。',
  refused: '补助仍拨付到原账户；如需变更，请按意见改正后重新申请。',
  withdrawn: '补助仍拨付到原账户。',
};

export function changeRow(c: AccountChange): ChangeRow {
  const decided =
    c.status === 'requested' || !c.decidedAt
      ? `${formatTime(c.requestedAt)} 提出`
      : `${formatTime(c.requestedAt)} 提出，${formatTime(c.decidedAt)} ${c.status === 'withdrawn' ? '撤回' : `由${c.decidedByName ?? '市财政局'}${c.status === 'confirmed' ? '确认' : '不同意'}`}`;
  return {
    id: c.id,
    version: c.version,
    applicationId: c.applicationId,
    title: c.statusLabel,
    summary: `原账户 ${accountText(c.oldAccount)} → 新账户 ${accountText(c.newAccount)}`,
    sub: `${decided}。变更原因：${c.reason}${c.decisionReason ? `。市财政局意见：${c.decisionReason}` : ''}`,
    next: NEXT[c.status],
    reason: c.reason,
    enterpriseName: c.enterpriseName,
    trackingNo: c.trackingNo ?? '',
    oldAccount: accountText(c.oldAccount),
    newAccount: accountText(c.newAccount),
    accountName: c.newAccount.accountName,
  };
}

export interface AccountForm {
  accountName: string;
  bankName: string;
  accountNo: string;
  reason: string;
}
export type AccountField = keyof AccountForm;
export type AccountErrors = Partial<Record<AccountField, string>>;

/** The checks the server makes, said beside the field before anything is sent. */
export function checkAccountForm(form: AccountForm, enterpriseName: string): AccountErrors {
  const errors: AccountErrors = {};
  if (!form.accountName.trim()) errors.accountName = '请填写开户名称';
  else if (!accountNameMatches(form.accountName, enterpriseName)) errors.accountName = `“${form.accountName.trim()}”与企业名称不一致`;
  if (!form.bankName.trim()) errors.bankName = '请填写开户银行';
  if (!form.accountNo.trim()) errors.accountNo = '请填写银行账号';
  else {
    const wrong = bankAccountNo(form.accountNo);
    if (wrong) errors.accountNo = wrong;
  }
  if (form.reason.trim().length < 2) errors.reason = '请写明变更原因（至少 2 个字）';
  return errors;
}

export function accountFieldOf(path: string): AccountField | null {
  return (['accountName', 'bankName', 'accountNo', 'reason'] as const).find((f) => path === f) ?? null;
}
