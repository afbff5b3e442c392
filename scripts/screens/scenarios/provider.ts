/**
 * The cloud provider: the 备案 form (sections, checks as it is typed, materials, submit, a return), the
 * workbench, the catalogue, confirming and disputing applications, the 兑付申请表 — as
 * test/miniprogram/pages/provider.test.ts drives them.
 */
import { applicationAt, enterpriseOf, person, providerOf, type Person } from '../../../test/miniprogram/support/seed';
import { completeProviderFiling } from '../../../test/fixtures/providerFiling';
import { FILING_MATERIALS } from '../../../shared/src/contracts/providerFiling';
import { findFiling } from '../../../server/src/db/providers';
import type { Scenario } from './types';
import { bureauPhone, cityShort, lastCounty } from './place';

const FILING = '备案';
const DESK = '确认申请与兑付申请表';

export const provider: Scenario[] = [
  {
    name: 'filing',
    async run({ mp, open, shot }) {
      mp.as('new-provider');
      const desk = await open('pages/provider/index/index');
      shot(desk, { state: 'not-filed', title: '服务商工作台：尚未备案', role: 'provider', flow: FILING });
      const page = await open('pages/provider/filing/filing');
      shot(page, { state: 'new', title: '新备案：分节填写，每节还缺几项', role: 'provider', flow: FILING });
      await page.input('.f-basic-companyName', `${cityShort()}森林云科技有限公司`);
      await page.input('.f-basic-registeredCapitalFen', '1200.5');
      await page.input('.f-basic-contact-mobile', bureauPhone());
      await page.input('.f-basic-introduction', '云'.repeat(301));
      await page.tap('.save');
      shot(page, { state: 'errors', title: '边填边查：手机号、字数超限，保存时点名', role: 'provider', flow: FILING, overlay: 'modal' });
      await page.input('.f-basic-contact-mobile', '13912345678');
      await page.input('.f-basic-introduction', `${cityShort()}本地的工业云服务商。`);
      await page.tap('.save');
      await page.tap('.section-application');
      await page.tap('.add-application-cases');
      await page.input('.f-application-cases-0-title', '木业ERP上云');
      await page.call('onText', {
        currentTarget: { dataset: { key: 'application.cases.0.implementedOn' } },
        detail: { value: '2022-05-01' },
      });
      shot(page, { state: 'list-section', title: '可增减的条目：典型案例', role: 'provider', flow: FILING });
      await page.tap('.section-submit');
      shot(page, { state: 'missing', title: '声明与提交：还缺的逐项列出', role: 'provider', flow: FILING });

      // A complete filing: the materials, the Word file, submit; then the city returns it with a reason.
      const p: Person = await person(mp.t, 'full-provider');
      mp.as('full-provider');
      const created = await mp.t.http
        .post('/api/v1/provider-filings')
        .set('authorization', `Bearer ${p.token}`)
        .send({ form: completeProviderFiling() });
      const id = (created.body as { filing: { id: string } }).filing.id;
      const full = await open('pages/provider/filing/filing', { id, section: 'materials' });
      shot(full, { state: 'materials-empty', title: '备案材料：八项，逐项上传', role: 'provider', flow: FILING });
      const lists = full.all('.material');
      for (const [i, m] of FILING_MATERIALS.entries()) {
        if (!m.requiredAtSubmit) continue;
        mp.wx.actionSheetAnswers.push(2);
        lists[i].querySelector('.upload-list__add')!.dispatchEvent('tap');
        await full.settle();
      }
      await full.waitFor('every material', () => (full.data.missing as { path: string }[]).every((m) => !m.path.startsWith('materials.')));
      shot(full, { state: 'materials', title: '备案材料：已上传', role: 'provider', flow: FILING });
      await full.tap('.section-submit');
      shot(full, { state: 'ready', title: '声明与提交：齐全，下载申报书盖章', role: 'provider', flow: FILING, doc: true });
      await full.tap('.submit');
      shot(full, { state: 'submitted', title: '已提交：市工信局审核中，只读', role: 'provider', flow: FILING });

      const reviewer = await person(mp.t, 'city-filing-reviewer');
      await mp.t.grant(reviewer.token, 'city_miit');
      await mp.t.http
        .post(`/api/v1/provider-filings/${id}/return`)
        .set('authorization', `Bearer ${reviewer.token}`)
        .send({ version: (await mp.t.db.read((tx) => findFiling(tx, id)))!.version, reason: '典型案例佐证不足，请补充验收报告' });
      const returned = await open('pages/provider/filing/filing', { id });
      shot(returned, { state: 'returned', title: '被退回：意见在页首，可修改后重新提交', role: 'provider', flow: FILING });
      const deskReturned = await open('pages/provider/index/index');
      shot(deskReturned, { state: 'filing-returned', title: '工作台：备案被退回', role: 'provider', flow: FILING });
    },
  },
  {
    name: 'provider-desk',
    async run({ mp, open, shot }) {
      const owner = await person(mp.t, 'desk-provider');
      const filed = await providerOf(mp.t, owner);
      const enterprise = await enterpriseOf(mp.t, await person(mp.t, 'desk-clerk'), { name: `${cityShort()}林都木业有限公司` });
      const toConfirm = await applicationAt(mp.t, enterprise, filed, 'provider_check', { contractNo: 'HT-2023-0801' });
      const other = await enterpriseOf(mp.t, await person(mp.t, 'desk-clerk-2'), {
        name: `${lastCounty().name}林海食品有限公司`,
        countyCode: lastCounty().code,
      });
      const toDispute = await applicationAt(mp.t, other, filed, 'provider_check', {
        contractNo: 'HT-2023-0915',
        contractAmountFen: 15_000_001,
        paidAmountFen: 15_000_001,
        subsidyFen: 7_500_001,
      });
      mp.as('desk-provider');

      const desk = await open('pages/provider/index/index');
      shot(desk, { state: 'to-confirm', title: '工作台：备案已通过，两份申请待确认', role: 'provider', flow: DESK, doc: true });
      const catalogue = await open('pages/provider/catalogue/catalogue');
      shot(catalogue, {
        state: 'listed',
        title: `产品目录与${cityShort()}优惠：已在名录中展示`,
        role: 'provider',
        flow: FILING,
        doc: true,
      });
      const registry = await open('pages/enterprise/providers/providers');
      shot(registry, {
        state: 'listed',
        title: `已备案云服务商名录：备案编号、功能、目录和${cityShort()}优惠`,
        role: 'everyone',
        flow: '云服务商名录',
        doc: true,
      });

      const confirm = await open('pages/provider/confirm/confirm', { id: toConfirm.id });
      shot(confirm, { state: 'to-confirm', title: '确认企业申请：合同、付款，确认或指出不符', role: 'provider', flow: DESK, doc: true });
      await confirm.tap('.confirm');
      shot(confirm, { state: 'evaluation-missing', title: '确认前须写上云效果评价：就地提示', role: 'provider', flow: DESK });
      await confirm.input('.evaluation', '上线后库存周转加快，账实一致');
      await confirm.tap('.confirm');
      const confirmed = await open('pages/provider/confirm/confirm', { id: toConfirm.id });
      shot(confirmed, { state: 'confirmed', title: '已确认：评价已记录，转县里审核', role: 'provider', flow: DESK });
      mp.as('desk-clerk');
      const stage = await open('pages/enterprise/application/application', { id: toConfirm.id });
      shot(stage, { state: 'county-review', title: '云服务商已确认：县里审核中', role: 'enterprise', flow: '申请进度（各阶段）' });
      mp.as('desk-provider');

      const dispute = await open('pages/provider/confirm/confirm', { id: toDispute.id });
      await dispute.input('.dispute-reason', '该合同金额与我司存档不一致，请核对合同第三条');
      await dispute.tap('.dispute');
      const disputed = await open('pages/provider/confirm/confirm', { id: toDispute.id });
      shot(disputed, { state: 'disputed', title: '已指出不符：退回企业修改', role: 'provider', flow: DESK });

      const settlement = await open('pages/provider/settlement/settlement');
      shot(settlement, { state: 'candidates', title: '兑付申请表：选择已确认的申请', role: 'provider', flow: DESK });
      await settlement.change('.choices', [toConfirm.id]);
      await settlement.tap('.generate');
      shot(settlement, { state: 'generated', title: '第 1 版已生成：下载 Word 盖章，上传扫描件', role: 'provider', flow: DESK, doc: true });
      mp.wx.actionSheetAnswers.push(2);
      settlement.find('.scan').querySelector('.upload-list__add')!.dispatchEvent('tap');
      await settlement.waitFor(
        'the stamped scan',
        () => ((settlement.data.forms as { scanFiles: unknown[] }[])[0]?.scanFiles.length ?? 0) === 1,
      );
      await settlement.tap('.sign');
      shot(settlement, { state: 'signed', title: '已签章确认', role: 'provider', flow: DESK });
      const after = await open('pages/provider/index/index');
      shot(after, { state: 'after', title: '工作台：确认后、退回后的申请', role: 'provider', flow: DESK });
    },
  },
];
