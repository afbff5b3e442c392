/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The city: MIIT reviews the reported applications and fixes the verified amount, drafts the proposed
 * list; finance sets the budget, co-signs and approves the list (two people), disburses; the ledger and the
 * bureau's Excel files; the enterprise sees the money. City MIIT also decides provider filings.
 */
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf, upload, type Person } from '../support/seed';
import { completeProviderFiling } from '../../fixtures/providerFiling';
import { findFiling } from '../../../server/src/db/providers';
import { FILING_MATERIALS } from '../../../shared/src/contracts/providerFiling';
import type { ApplicationRow } from '../../../server/src/db/applications';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import { findApplication } from '../../../server/src/db/applications';

let mp: MiniProgram;
let clerk: Person;
let enterprise: EnterpriseRow;
let reported: ApplicationRow;
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const app = async (id: string) => (await mp.t.db.read((tx) => findApplication(tx, id)))!;

beforeAll(async () => {
  mp = await startMiniProgram();
  const [cityMiit, cosigner, approver] = await Promise.all(['city-miit', 'city-cosigner', 'city-approver'].map((n) => person(mp.t, n)));
  await mp.t.grant(cityMiit.token, 'city_miit');
  await mp.t.grant(cosigner.token, 'city_finance');
  await mp.t.grant(approver.token, 'city_finance');
  clerk = await person(mp.t, 'city-clerk');
  enterprise = await enterpriseOf(mp.t, clerk, { countyCode: '230781' });
  const provider = await providerOf(mp.t, await person(mp.t, 'city-provider'));
  reported = await applicationAt(mp.t, enterprise, provider, 'reported', {
    contractAmountFen: 15_000_001,
    paidAmountFen: 15_000_001,
    subsidyFen: 7_500_001,
  });
});
afterAll(async () => {
  await mp.close();
});

test('city MIIT: the reported application, the payable amount, the verified amount with its reason', async () => {
  mp.as('city-miit');
  const queue = await mp.open('pages/review/queue/queue');
  expect(queue.data.kind).toBe('city');
  expect((queue.data.tabs as { key: string; count: number }[]).find((t) => t.key === 'reported')!.count).toBe(1);
  expect(queue.text).toContain(enterprise.name);

  const page = await mp.open('pages/review/application/application', { id: reported.id });
  expect(page.text).toContain('市工信局审核意见（核定金额）');
  expect(page.text).toContain('75,000.01 元');
  await page.change('.decision', 'approve');
  expect(page.data.verifiedText).toBe('75000.01');
  // Above the payable amount: refused here.
  await page.input('.verified-amount', '75000.02');
  const before = mp.wx.requests.length;
  await page.tap('.send-opinion');
  expect(mp.wx.requests.slice(before).some((r) => r.path.endsWith('/opinion'))).toBe(false);
  expect(mp.wx.modals.at(-1)!.content).toBe('核定金额不能高于按政策计算的可补助金额');
  // Lower, with the reason.
  await page.input('.verified-amount', '70000');
  await page.tap('.send-opinion');
  expect(mp.wx.modals.at(-1)!.content).toBe('核定金额低于可补助金额，请写明核减原因');
  await page.input('.verified-reason', '合同中含硬件采购 5000.01 元，不属云服务');
  await page.tap('.send-opinion');
  expect(await app(reported.id)).toMatchObject({ status: 'city_approved', verifiedFen: 7_000_000 });
});

test('the list: drafted, budget set, co-signed and approved by two people, the Excel opened', async () => {
  mp.as('city-miit');
  const lists = await mp.open('pages/city/lists/lists');
  expect(lists.data.canDraft).toBe(true);
  await lists.change('checkbox-group', [reported.id]).catch(() => undefined);
  await lists.call('onPick', { detail: { value: [reported.id] } });
  await lists.tap('.create');
  const listUrl = mp.wx.navigations.at(-1)!.url;
  const listId = listUrl.split('id=')[1];

  mp.as('city-cosigner');
  const budget = await mp.open('pages/city/budget/budget');
  expect(budget.text).toContain('尚未设定');
  await budget.input('.amount', '5000000');
  await budget.tap('.save');
  expect(budget.text).toContain('5,000,000.00 元');
  expect(budget.text).toContain('4,930,000.00 元');

  const cosign = await mp.open('pages/city/list/list', { id: listId });
  expect(cosign.text).toContain('70,000.00 元');
  expect(cosign.data.canCosign).toBe(true);
  await cosign.tap('.cosign');
  // The co-signer may not approve the same list (four eyes): the server says so.
  expect(cosign.data.canApprove).toBe(true);
  await cosign.tap('.approve');
  expect(mp.wx.modals.at(-1)!.content).toMatch(/会签/);
  await cosign.tap('.document');
  expect(mp.wx.documents.at(-1)).toMatchObject({ fileType: 'xlsx' });
  expect(mp.wx.documents.at(-1)!.bytes.subarray(0, 2).toString()).toBe('PK');

  mp.as('city-approver');
  const approve = await mp.open('pages/city/list/list', { id: listId });
  await approve.tap('.approve');
  expect(approve.text).toContain('已审批');
  expect((await app(reported.id)).status).toBe('approved');
});

test('finance disburses; the ledger adds up; the enterprise sees the money', async () => {
  // Four eyes on money (DESIGN.md): whoever approved the list does not record its disbursement; the co-signer does.
  mp.as('city-cosigner');
  const page = await mp.open('pages/review/application/application', { id: reported.id });
  expect(page.data.canDisburse).toBe(true);
  expect(page.text).toContain('70,000.00 元');
  await page.tap('.disburse');
  expect(mp.wx.modals.at(-1)!.content).toBe('请填写国库支付凭证号和拨付日期');
  await page.input('.voucher', `GK${year}0001`);
  await page.tap('.disburse');
  expect((await app(reported.id)).status).toBe('disbursed');
  expect(page.text).toContain(`凭证 GK${year}0001`);

  const ledger = await mp.open('pages/city/ledger/ledger');
  expect(ledger.text).toContain(enterprise.name);
  expect(ledger.data.totals as { net: string; count: number }).toMatchObject({ net: '70,000.00 元', count: 1 });
  await ledger.tap('.document');
  expect(mp.wx.documents.at(-1)).toMatchObject({ fileType: 'xlsx' });

  mp.as('city-clerk');
  const mine = await mp.open('pages/enterprise/application/application', { id: reported.id });
  expect(mine.data.moneyText).toBe('70,000.00 元');
  expect(mine.text).toContain('补助已拨付到企业账户');
  expect(mine.text).toMatch(/已于 \d{4}-\d{2}-\d{2} 拨付到企业账户/);
  expect(mine.text).toContain('补助已拨付');
});

test('city MIIT decides a filing: the five conditions of 三（一） with their evidence, all checked to approve', async () => {
  const applicant = await person(mp.t, 'filing-applicant');
  const created = await mp.t.http
    .post('/api/v1/provider-filings')
    .set('authorization', `Bearer ${applicant.token}`)
    .send({ form: completeProviderFiling() });
  const id = created.body.filing.id as string;
  for (const m of FILING_MATERIALS) if (m.requiredAtSubmit) await upload(mp.t, applicant.token, 'provider', id, m.kind, `${m.kind}.pdf`);
  const submitted = await mp.t.http
    .post(`/api/v1/provider-filings/${id}/submit`)
    .set('authorization', `Bearer ${applicant.token}`)
    .send({ version: created.body.filing.version });
  expect(submitted.status).toBe(200);

  mp.as('city-miit');
  const queue = await mp.open('pages/review/queue/queue', { tab: 'filings' });
  expect(queue.data.kind).toBe('filings');
  expect(queue.text).toContain('黑龙江北疆云智科技有限公司');

  const page = await mp.open('pages/review/filing/filing', { id });
  expect(page.all('.condition')).toHaveLength(5);
  // The provider's record of county ratings (issue 14 item 10), in words: none yet for a new filing.
  expect(page.find('.rating-record').dom!.textContent).toContain('尚无县级审核评分');
  await page.tap('.material');
  expect(mp.wx.documents.at(-1)!.fileType).toBe('pdf');
  await page.change('.decision', 'approve');
  for (const n of [1, 2, 3, 4]) await page.change(`.condition-${n}`, true);
  await page.tap('.send');
  expect(mp.wx.modals.at(-1)!.content).toBe('请逐条核对三（一）1–5 的五项条件后再通过备案');
  await page.change('.condition-5', true);
  await page.tap('.send');
  const filing = (await mp.t.db.read((tx) => findFiling(tx, id)))!;
  expect(filing.status).toBe('approved');
  expect(page.text).toContain(filing.filingNo!);
});
