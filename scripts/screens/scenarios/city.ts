/**
 * The city: MIIT reviews reported applications and fixes the verified amount, drafts the proposed list and
 * decides provider filings; finance sets the budget, co-signs, runs the notice with its objections,
 * approves (two people) and disburses; the ledger. The enterprise sees each stage of its application
 * and the money — as test/miniprogram/pages/city.test.ts drives them.
 */
import { applicationAt, enterpriseOf, person, providerOf, upload } from '../../../test/miniprogram/support/seed';
import { completeProviderFiling } from '../../../test/fixtures/providerFiling';
import { FILING_MATERIALS } from '../../../shared/src/contracts/providerFiling';
import type { Scenario } from './types';
import { cityName, firstCounty, lastCounty } from './place';

const CITY = '市级审核与核定金额';
const LIST = '拟补贴名单与预算';
const MONEY = '拨付与台账';
const STAGES = '申请进度（各阶段）';
const FILINGS = '备案审核';

export const city: Scenario[] = [
  {
    name: 'city',
    async run({ mp, open, shot }) {
      const t = mp.t;
      const [cityMiit, cosigner, approver] = await Promise.all(['city-miit', 'city-cosigner', 'city-approver'].map((n) => person(t, n)));
      await t.grant(cityMiit.token, 'city_miit');
      await t.grant(cosigner.token, 'city_finance');
      await t.grant(approver.token, 'city_finance');
      const clerk = await person(t, 'city-clerk');
      const enterprise = await enterpriseOf(t, clerk, { countyCode: lastCounty().code, name: `${lastCounty().name}林海食品有限公司` });
      const provider = await providerOf(t, await person(t, 'city-provider'));
      const reported = await applicationAt(t, enterprise, provider, 'reported', {
        contractAmountFen: 15_000_001,
        paidAmountFen: 15_000_001,
        subsidyFen: 7_500_001,
        contractNo: 'TL-2023-018',
      });
      const second = await enterpriseOf(t, await person(t, 'city-clerk-2'), {
        countyCode: firstCounty().code,
        name: `${firstCounty().name}林都木业有限公司`,
      });
      const other = await applicationAt(t, second, provider, 'reported', { contractNo: 'HT-2023-0801' });

      mp.as('city-clerk');
      const stage = await open('pages/enterprise/application/application', { id: reported.id });
      shot(stage, { state: 'reported', title: '县里已报市：市工信局审核中', role: 'enterprise', flow: STAGES });

      mp.as('city-miit');
      const queue = await open('pages/review/queue/queue');
      shot(queue, { state: 'city', title: '市工信局待审：县里报来的申请', role: 'city', flow: CITY });
      const page = await open('pages/review/application/application', { id: reported.id });
      await page.change('.decision', 'approve');
      shot(page, { state: 'city', title: '市工信局：可补助金额与核定金额', role: 'city', flow: CITY });
      await page.input('.verified-amount', '75000.02');
      await page.tap('.send-opinion');
      shot(page, { state: 'verified-too-high', title: '核定金额高于可补助金额：拦下', role: 'city', flow: CITY, overlay: 'modal' });
      await page.input('.verified-amount', '70000');
      await page.input('.verified-reason', '合同中含硬件采购 5000.01 元，不属云服务');
      shot(page, { state: 'verified-reduced', title: '核减：写明原因', role: 'city', flow: CITY });
      await page.tap('.send-opinion');
      const full = await open('pages/review/application/application', { id: other.id });
      await full.change('.decision', 'approve');
      await full.tap('.send-opinion');

      mp.as('city-clerk');
      const approvedStage = await open('pages/enterprise/application/application', { id: reported.id });
      shot(approvedStage, { state: 'city-approved', title: '市工信局已核定：核定金额与核减原因', role: 'enterprise', flow: STAGES });

      // Two lists: the first goes straight to approval and payment, the second is put on public notice.
      mp.as('city-miit');
      // Issue 18: the rounds, with the year's round a new install starts with.
      const rounds = await open('pages/city/rounds/rounds');
      shot(rounds, { state: 'year-round', title: '申报批次：本年度批次受理中，可开启新批次', role: 'city', flow: LIST, doc: true });
      const lists = await open('pages/city/lists/lists');
      shot(lists, { state: 'draft-candidates', title: '拟补贴名单：选择已核定的申请起草', role: 'city', flow: LIST });
      await lists.call('onPick', { detail: { value: [reported.id] } });
      await lists.tap('.create');
      const listId = mp.wx.navigations.at(-1)!.url.split('id=')[1];
      const draft = await open('pages/city/list/list', { id: listId });
      shot(draft, { state: 'draft', title: '名单草稿：可移出，等市财政会签', role: 'city', flow: LIST });
      const secondLists = await open('pages/city/lists/lists');
      await secondLists.call('onPick', { detail: { value: [other.id] } });
      await secondLists.tap('.create');
      const noticeId = mp.wx.navigations.at(-1)!.url.split('id=')[1];
      const listsAfter = await open('pages/city/lists/lists');
      shot(listsAfter, { state: 'drafted', title: '拟补贴名单：两份草稿', role: 'city', flow: LIST, doc: true });

      mp.as('city-cosigner');
      const budget = await open('pages/city/budget/budget');
      shot(budget, { state: 'not-set', title: '年度预算：尚未设定', role: 'city', flow: LIST });
      await budget.input('.amount', '5000000');
      await budget.tap('.save');
      shot(budget, { state: 'set', title: '年度预算：已列入名单、已拨付、剩余', role: 'city', flow: LIST, doc: true });
      const cosign = await open('pages/city/list/list', { id: listId });
      shot(cosign, { state: 'to-cosign', title: '市财政会签', role: 'city', flow: LIST });
      await cosign.tap('.cosign');
      const cosignNotice = await open('pages/city/list/list', { id: noticeId });
      await cosignNotice.tap('.cosign');

      mp.as('city-miit');
      const notice = await open('pages/city/list/list', { id: noticeId });
      await notice.call('onNoticeDate', { currentTarget: { dataset: { field: 'noticeStart' } }, detail: { value: '2026-12-01' } });
      await notice.call('onNoticeDate', { currentTarget: { dataset: { field: 'noticeEnd' } }, detail: { value: '2026-12-07' } });
      shot(notice, { state: 'cosigned', title: '已会签：可以公示', role: 'city', flow: LIST });
      await notice.tap('.notice');
      mp.wx.modalAnswers.push({ confirm: true, content: '该企业 2022 年已获同类补助（群众来电）' });
      await notice.tap('.object');
      shot(notice, { state: 'notice-objection', title: '公示中：登记的异议待处理，期满前不能审批', role: 'city', flow: LIST, doc: true });

      mp.as('city-clerk-2');
      const listedStage = await open('pages/enterprise/application/application', { id: other.id });
      shot(listedStage, { state: 'listed', title: '列入拟补贴名单（公示中）', role: 'enterprise', flow: STAGES });

      // The objection holds: that application leaves the list and goes back to city review.
      mp.as('city-miit');
      const upheld = await open('pages/city/list/list', { id: noticeId });
      mp.wx.modalAnswers.push({ confirm: true, content: '经核实该企业 2022 年已获市级技改补助中的云服务部分，重新核定' });
      await upheld.tap('.uphold');
      shot(upheld, { state: 'objection-upheld', title: '异议成立：该申请移出名单，回到市级审核', role: 'city', flow: LIST });
      mp.as('city-clerk-2');
      const reopened = await open('pages/enterprise/application/application', { id: other.id });
      shot(reopened, {
        state: 'objection-upheld',
        title: '公示异议成立：回到市工信局重新审核',
        role: 'enterprise',
        flow: '退回后修改（更正）',
      });

      mp.as('city-cosigner');
      const cannot = await open('pages/city/list/list', { id: listId });
      await cannot.tap('.approve');
      shot(cannot, { state: 'four-eyes', title: '会签人不能审批同一名单：服务器说明原因', role: 'city', flow: LIST, overlay: 'modal' });
      mp.as('city-approver');
      const approve = await open('pages/city/list/list', { id: listId });
      await approve.tap('.approve');
      shot(approve, { state: 'approved', title: '市财政审批通过', role: 'city', flow: LIST });

      mp.as('city-clerk');
      const approvedApp = await open('pages/enterprise/application/application', { id: reported.id });
      shot(approvedApp, { state: 'approved', title: '补助已批准：等待拨付', role: 'enterprise', flow: STAGES });

      // Four eyes on money: whoever approved the list does not record its disbursement; the co-signer does.
      mp.as('city-cosigner');
      const emptyLedger = await open('pages/city/ledger/ledger');
      shot(emptyLedger, { state: 'empty', title: '拨付台账：还没有记录', role: 'city', flow: MONEY });
      const pay = await open('pages/review/application/application', { id: reported.id });
      shot(pay, { state: 'disburse', title: '市财政拨付：凭证号和日期', role: 'city', flow: MONEY });
      await pay.tap('.disburse');
      shot(pay, { state: 'disburse-missing', title: '未填凭证号：拦下', role: 'city', flow: MONEY, overlay: 'modal' });
      await pay.input('.voucher', 'GK20260001');
      await pay.tap('.disburse');
      shot(pay, { state: 'disbursed', title: '已拨付：台账记录，可更正或退汇', role: 'city', flow: MONEY });
      const ledger = await open('pages/city/ledger/ledger');
      shot(ledger, { state: 'entries', title: '拨付台账：合计与明细', role: 'city', flow: MONEY, doc: true });

      mp.as('city-clerk');
      const mine = await open('pages/enterprise/application/application', { id: reported.id });
      shot(mine, { state: 'disbursed', title: '补助已拨付到企业账户', role: 'enterprise', flow: STAGES, doc: true });

      // 退汇: the money came back; a new entry, never an edit; the case is to be paid again.
      mp.as('city-cosigner');
      const back = await open('pages/review/application/application', { id: reported.id });
      mp.wx.modalAnswers.push({ confirm: true, content: '收款账户已销户，资金退回国库' });
      await back.tap('.reverse');
      shot(back, { state: 'reversed', title: '登记退汇后：台账只增不改，待重新拨付', role: 'city', flow: MONEY });
      const withReversal = await open('pages/city/ledger/ledger');
      shot(withReversal, { state: 'with-reversal', title: '拨付台账：拨付与退汇', role: 'city', flow: MONEY });
      mp.as('city-clerk');
      const returnedMoney = await open('pages/enterprise/application/application', { id: reported.id });
      shot(returnedMoney, { state: 'reversed', title: '拨付被退汇：等待重新拨付', role: 'enterprise', flow: '退回后修改（更正）' });
    },
  },
  {
    name: 'city-filings',
    async run({ mp, open, shot }) {
      const t = mp.t;
      const miit = await person(t, 'city-miit');
      await t.grant(miit.token, 'city_miit');
      const applicant = await person(t, 'filing-applicant');
      const created = await t.http
        .post('/api/v1/provider-filings')
        .set('authorization', `Bearer ${applicant.token}`)
        .send({ form: completeProviderFiling() });
      const filing = (created.body as { filing: { id: string; version: number } }).filing;
      const id = filing.id;
      for (const m of FILING_MATERIALS) if (m.requiredAtSubmit) await upload(t, applicant.token, 'provider', id, m.kind, `${m.kind}.pdf`);
      const submitted = await t.http
        .post(`/api/v1/provider-filings/${id}/submit`)
        .set('authorization', `Bearer ${applicant.token}`)
        .send({ version: filing.version });
      if (submitted.status !== 200) throw new Error(`submit filing: ${submitted.status}`);

      mp.as('city-miit');
      const queue = await open('pages/review/queue/queue', { tab: 'filings' });
      shot(queue, { state: 'filings', title: '备案审核待办', role: 'city', flow: FILINGS });
      const page = await open('pages/review/filing/filing', { id });
      shot(page, { state: 'to-decide', title: '备案审核：三（一）1–5 五项条件和证据、材料', role: 'city', flow: FILINGS, doc: true });
      await page.change('.decision', 'approve');
      for (const n of [1, 2, 3, 4]) await page.change(`.condition-${n}`, true);
      await page.tap('.send');
      shot(page, { state: 'unchecked', title: '未逐条核对就通过：拦下', role: 'city', flow: FILINGS, overlay: 'modal' });
      await page.change('.decision', 'return');
      shot(page, { state: 'return', title: '退回：写明要改的内容', role: 'city', flow: FILINGS });
      await page.change('.decision', 'approve');
      await page.change('.condition-5', true);
      await page.tap('.send');
      shot(page, { state: 'approved', title: '备案通过：备案编号、批准日期', role: 'city', flow: FILINGS });

      // Later the filing is revoked (a correction after the fact): the provider sees it on its desk.
      const revoke = await open('pages/review/filing/filing', { id });
      await revoke.change('.decision', 'revoke');
      await revoke.input('.reason', `经核查，服务商注册地址已迁出${cityName()}`);
      shot(revoke, { state: 'revoke', title: '撤销备案：写明原因', role: 'city', flow: FILINGS });
      await revoke.tap('.send');
      shot(revoke, { state: 'revoked', title: '已撤销备案', role: 'city', flow: FILINGS });
      mp.as('filing-applicant');
      const desk = await open('pages/provider/index/index');
      shot(desk, { state: 'revoked', title: '工作台：备案已撤销', role: 'provider', flow: '备案' });
      const catalogue = await open('pages/provider/catalogue/catalogue');
      shot(catalogue, { state: 'revoked', title: '产品目录：备案撤销后不在名录中', role: 'provider', flow: '备案' });
    },
  },
];
