/** The account change's texts and checks on the phone (miniprogram/logic/accountChange.ts): plain words, never a status code. */
import { accountFieldOf, accountText, changeRow, checkAccountForm, groupedAccountNo } from '../../../miniprogram/logic/accountChange';
import { timeline } from '../../../miniprogram/logic/timeline';
import type { AccountChange } from '../../../miniprogram/shared/contracts/responses';

const NAME = '伊春林都木业有限公司';
const form = { accountName: NAME, bankName: '中国建设银行伊春分行', accountNo: '6217 0000 1111 2222 333', reason: '原账户已销户' };

test('an account number is read in groups of four, whatever spaces were typed', () => {
  expect(groupedAccountNo('6217000011112222333')).toBe('6217 0000 1111 2222 333');
  expect(groupedAccountNo(' 62 17 0000 ')).toBe('6217 0000');
  expect(accountText({ accountName: NAME, bankName: '中国工商银行伊春分行', accountNo: '09010012' })).toBe(
    '中国工商银行伊春分行 0901 0012',
  );
  expect(accountText(null)).toBe('未填写');
});

test('the form says what is wrong beside each field, as the server would', () => {
  expect(checkAccountForm(form, NAME)).toEqual({});
  // Brackets and spaces as a cashier reads them: the same name.
  expect(checkAccountForm({ ...form, accountName: '伊春 林都木业有限公司' }, NAME)).toEqual({});
  expect(checkAccountForm({ accountName: '王建国', bankName: ' ', accountNo: '12ab', reason: '改' }, NAME)).toEqual({
    accountName: '“王建国”与企业名称不一致',
    bankName: '请填写开户银行',
    accountNo: '银行账号须为 8–32 位数字',
    reason: '请写明变更原因（至少 2 个字）',
  });
  expect(checkAccountForm({ ...form, accountName: '', accountNo: '' }, NAME)).toMatchObject({
    accountName: '请填写开户名称',
    accountNo: '请填写银行账号',
  });
  expect([accountFieldOf('accountNo'), accountFieldOf('version'), accountFieldOf('accountNo.0')]).toEqual(['accountNo', null, null]);
});

test('a decided change reads old → new, who decided and why, with no code or id', () => {
  const change: AccountChange = {
    id: '01JCHANGE00000000000000000',
    applicationId: '01JAPP0000000000000000000',
    trackingNo: 'YC2026000017',
    enterpriseName: NAME,
    status: 'refused',
    statusLabel: '收款账户变更未获同意',
    oldAccount: { accountName: NAME, bankName: '中国工商银行伊春分行', accountNo: '0901001234567890123' },
    newAccount: { accountName: NAME, bankName: '中国建设银行伊春分行', accountNo: '6217000011112222333' },
    reason: '原账户已销户',
    requestedAt: Date.UTC(2026, 11, 1, 1, 0),
    decidedAt: Date.UTC(2026, 11, 2, 2, 30),
    decidedByName: '周审批',
    decisionReason: '账号位数有误，请核对',
    version: 2,
  };
  const row = changeRow(change);
  expect(row.summary).toBe('原账户 中国工商银行伊春分行 0901 0012 3456 7890 123 → 新账户 中国建设银行伊春分行 6217 0000 1111 2222 333');
  expect(row.sub).toBe(
    '2026-12-01 09:00 提出，2026-12-02 10:30 由周审批不同意。变更原因：原账户已销户。市财政局意见：账号位数有误，请核对',
  );
  expect(row.next).toBe('补助仍拨付到原账户；如需变更，请按意见改正后重新申请。');
  expect(changeRow({ ...change, status: 'withdrawn', decisionReason: null }).sub).toBe(
    '2026-12-01 09:00 提出，2026-12-02 10:30 撤回。变更原因：原账户已销户',
  );
  expect(JSON.stringify(row)).not.toMatch(/refused|withdrawn|requested/);
});

test('the application’s timeline names each step of an account change, not the status it left unchanged', () => {
  const at = Date.UTC(2026, 11, 1, 1, 0);
  const step = (seq: number, event: string, reason: string | null = null) =>
    ({ seq, event, from: 'approved', to: 'approved', toLabel: '补助已批准，等待财政拨付', reason, at }) as const;
  const items = timeline([
    step(1, 'account_change_request', '原账户已销户'),
    step(2, 'account_change_withdraw'),
    step(3, 'account_change_request', '原账户已销户'),
    step(4, 'account_change_refuse', '账号位数有误'),
    step(5, 'account_change_request', '原账户已销户'),
    step(6, 'account_change_confirm'),
  ]);
  expect(items.map((i) => i.title).reverse()).toEqual([
    '申请变更收款账户',
    '撤回了收款账户变更',
    '申请变更收款账户',
    '市财政局不同意收款账户变更',
    '申请变更收款账户',
    '市财政局确认了收款账户变更',
  ]);
});
