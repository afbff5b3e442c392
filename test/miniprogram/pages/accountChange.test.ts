/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The receiving account changed after submission, on the phones (issue 14 items 3 and 6): the enterprise
 * finds 变更收款账户 on its application, reads the rule beside the account name and the errors beside the
 * fields, sees its request wait (old → new) and may withdraw it; city finance finds the waiting change from
 * the ledger, is told by the server — on the change itself — when four eyes say someone else must confirm,
 * refuses only with a reason, and the other finance person confirms.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../support/seed';
import { findApplication, type ApplicationRow } from '../../../server/src/db/applications';
import { updateUser } from '../../../server/src/db/users';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import fs from 'node:fs';
import path from 'node:path';

let mp: MiniProgram;
let clerk: Person, cosigner: Person, approver: Person, cityMiit: Person;
let enterprise: EnterpriseRow;
let app: ApplicationRow;
const stored = async () => (await mp.t.db.read((tx) => findApplication(tx, app.id)))!;
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

beforeAll(async () => {
  mp = await startMiniProgram();
  clerk = await person(mp.t, 'ac-clerk');
  [cityMiit, cosigner, approver] = await Promise.all(['ac-miit', 'ac-cosigner', 'ac-approver'].map((n) => person(mp.t, n)));
  await mp.t.grant(cityMiit.token, 'city_miit');
  await mp.t.grant(cosigner.token, 'city_finance');
  await mp.t.grant(approver.token, 'city_finance');
  await mp.t.db.transaction((tx) => updateUser(tx, cosigner.userId, { displayName: '孙会签' }));
  await mp.t.db.transaction((tx) => updateUser(tx, approver.userId, { displayName: '周审批' }));
  enterprise = await enterpriseOf(mp.t, clerk, { countyCode: '230781', name: '铁力市账户变更测试木业有限公司' });
  const provider = await providerOf(mp.t, await person(mp.t, 'ac-provider'));
  app = await applicationAt(mp.t, enterprise, provider, 'city_approved', { verifiedFen: 10_000_000, subsidyFen: 10_000_000 });
  // On a list co-signed by 孙会签: the list will be approved by 周审批, so only 周审批 may confirm a change.
  const auth = (p: Person) => ({ authorization: `Bearer ${p.token}` });
  const list = await mp.t.http
    .post('/api/v1/city/lists')
    .set(auth(cityMiit))
    .send({ year, applicationIds: [app.id] });
  expect(list.status).toBe(201);
  const cosigned = await mp.t.http
    .post(`/api/v1/city/lists/${list.body.list.id}/cosign`)
    .set(auth(cosigner))
    .send({ version: list.body.list.version });
  expect(cosigned.status).toBe(200);
});
afterAll(async () => {
  await mp.close();
});

test('the enterprise asks from its application: the rule and each error beside its field; waiting, then withdrawn', async () => {
  mp.as('ac-clerk');
  const progress = await mp.open('pages/enterprise/application/application', { id: app.id });
  expect(progress.text).toContain('收款账户');
  expect(progress.text).toContain('0901 0012 3456 7890 123');
  await progress.tap('.change-account');
  expect(mp.wx.navigations.at(-1)!.url).toBe(`/pages/enterprise/accountChange/accountChange?id=${app.id}`);

  const page = await mp.open('pages/enterprise/accountChange/accountChange', { id: app.id });
  expect(page.text).toContain('开户名称须与企业名称“铁力市账户变更测试木业有限公司”一致，补助只能拨付到企业本单位账户');
  expect(page.data.form).toMatchObject({ accountName: '铁力市账户变更测试木业有限公司' });

  // Another name, no bank, a short number, no reason: said beside each field, nothing sent.
  const before = mp.wx.requests.length;
  await page.input('.field-accountName', '王建国');
  await page.input('.field-accountNo', '1234');
  await page.tap('.send-change');
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/account-changes'))).toBe(false);
  expect(page.find('.error-accountName').dom!.textContent).toBe('“王建国”与企业名称不一致');
  expect(page.find('.error-bankName').dom!.textContent).toBe('请填写开户银行');
  expect(page.find('.error-accountNo').dom!.textContent).toBe('银行账号须为 8–32 位数字');
  expect(page.find('.error-reason').dom!.textContent).toContain('请写明变更原因');

  // The server's own refusal lands beside its field too: the same account as now.
  await page.input('.field-accountName', '铁力市账户变更测试木业有限公司');
  await page.input('.field-bankName', '中国工商银行伊春分行');
  await page.input('.field-accountNo', '0901 0012 3456 7890 123');
  await page.input('.field-reason', '原账户已销户');
  await page.tap('.send-change');
  expect(page.find('.error-accountNo').dom!.textContent).toBe('与现在的收款账户相同');
  expect(page.all('.pending-change')).toHaveLength(0);

  await page.input('.field-bankName', '中国建设银行伊春分行');
  await page.input('.field-accountNo', '6217 0000 1111 2222 333');
  await page.tap('.send-change');
  expect(page.find('.pending-summary').dom!.textContent).toContain(
    '原账户 中国工商银行伊春分行 0901 0012 3456 7890 123 → 新账户 中国建设银行伊春分行 6217 0000 1111 2222 333',
  );
  expect((await stored()).bankAccountNo).toBe('0901001234567890123');

  mp.wx.modalAnswers.push({ confirm: true });
  await page.tap('.withdraw-change');
  expect(page.all('.pending-change')).toHaveLength(0);
  expect(page.find('.history').dom!.textContent).toContain('收款账户变更已被企业撤回');
  expect(page.all('.send-change')).toHaveLength(1);
  expect([...progress.errors, ...page.errors]).toEqual([]);
});

test('city finance: from the ledger to the waiting change; four eyes name who may confirm; a refusal needs a reason; the other confirms', async () => {
  mp.as('ac-clerk');
  const ask = await mp.open('pages/enterprise/accountChange/accountChange', { id: app.id });
  await ask.input('.field-bankName', '中国建设银行伊春分行');
  await ask.input('.field-accountNo', '6217000011112222333');
  await ask.input('.field-reason', '原账户已销户');
  await ask.tap('.send-change');
  expect(ask.all('.pending-change')).toHaveLength(1);

  mp.as('ac-miit');
  const miitLedger = await mp.open('pages/city/ledger/ledger');
  expect(miitLedger.all('.open-account-changes')).toHaveLength(0);

  mp.as('ac-cosigner');
  const ledger = await mp.open('pages/city/ledger/ledger');
  expect(ledger.find('.waiting-count').dom!.textContent).toBe('1 项');
  await ledger.tap('.open-account-changes');
  expect(mp.wx.navigations.at(-1)!.url).toBe('/pages/city/accountChanges/accountChanges');

  const page = await mp.open('pages/city/accountChanges/accountChanges');
  expect(page.text).toContain('铁力市账户变更测试木业有限公司');
  expect(page.find('.old-account').dom!.textContent).toBe('中国工商银行伊春分行 0901 0012 3456 7890 123');
  expect(page.find('.new-account').dom!.textContent).toBe('中国建设银行伊春分行 6217 0000 1111 2222 333');

  // 孙会签 co-signed the list, so 周审批 approves it: were 孙会签 to confirm, nobody could pay.
  mp.wx.modalAnswers.push({ confirm: true });
  await page.tap('.confirm-change');
  expect(page.find('.refusal').dom!.textContent).toBe(
    '您确认后将没有人能登记下一笔拨付（审批名单的人和确认变更的人都不能登记），请由市财政局的周审批确认',
  );
  expect((await stored()).bankAccountNo).toBe('0901001234567890123');

  // No reason: refused on the phone.
  const before = mp.wx.requests.length;
  mp.wx.modalAnswers.push({ confirm: true, content: ' ' });
  await page.tap('.refuse-change');
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/refuse'))).toBe(false);
  expect(page.find('.refusal').dom!.textContent).toContain('请写明不同意的原因');

  mp.as('ac-approver');
  const other = await mp.open('pages/city/accountChanges/accountChanges');
  mp.wx.modalAnswers.push({ confirm: true });
  await other.tap('.confirm-change');
  expect(other.all('.account-change')).toHaveLength(0);
  expect(other.text).toContain('没有待确认的收款账户变更');
  expect(await stored()).toMatchObject({ bankName: '中国建设银行伊春分行', bankAccountNo: '6217000011112222333' });

  mp.as('ac-clerk');
  const after = await mp.open('pages/enterprise/accountChange/accountChange', { id: app.id });
  expect(after.find('.history').dom!.textContent).toContain('由周审批确认');
  expect(after.text).toContain('中国建设银行伊春分行');
  expect([...ask.errors, ...ledger.errors, ...miitLedger.errors, ...page.errors, ...other.errors, ...after.errors]).toEqual([]);
});

test('every new tappable element says what it does to a screen reader', () => {
  const tags = (page: string, classes: string[]) => {
    const wxml = fs.readFileSync(path.join(__dirname, '../../../miniprogram/pages', `${page}.wxml`), 'utf8');
    return classes.map((c) => wxml.match(new RegExp(`<[^>]*class="[^"]*\\b${c}\\b[^"]*"[^>]*>`))?.[0] ?? `(no ${c})`);
  };
  for (const tag of [
    ...tags('enterprise/accountChange/accountChange', ['withdraw-change', 'send-change']),
    ...tags('enterprise/application/application', ['change-account']),
    ...tags('city/accountChanges/accountChanges', ['confirm-change', 'refuse-change', 'open-application']),
    ...tags('city/ledger/ledger', ['open-account-changes']),
  ]) {
    expect(tag).toMatch(/aria-role="button"/);
    expect(tag).toMatch(/aria-label="[^"]*[\u4e00-\u9fa5][^"]*"/);
  }
});
