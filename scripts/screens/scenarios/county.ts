/**
 * The county reviewers: the queue by stage with overdue marks, one application on one screen with its
 * flags and materials, the opinion (a return needs reasons), the enterprise check, the joint report — as
 * test/miniprogram/pages/review.test.ts drives them; and what the enterprise sees of a return.
 */
import { forceApplicationColumns } from '../../../server/src/db/testing';
import { JPEG_BYTES } from '../../../test/miniprogram/support/wx';
import {
  ageApplication,
  applicationAt,
  enterpriseOf,
  person,
  providerOf,
  upload,
  type Person,
} from '../../../test/miniprogram/support/seed';
import type { Scenario } from './types';
import { cityName, firstCounty, otherCounty } from './place';

const REVIEW = '县级审核';
const REPORT = '联合行文报市';
const VERIFY = '企业核验';

export const county: Scenario[] = [
  {
    name: 'county-review',
    async run({ mp, open, shot }) {
      const t = mp.t;
      const COUNTY = firstCounty().code;
      const [miit, finance, clerk, owner] = await Promise.all(
        ['county-miit', 'county-finance', 'review-clerk', 'review-provider'].map((n) => person(t, n)),
      );
      const bearer = (p: Person) => ({ authorization: `Bearer ${p.token}` });
      await t.grant(miit.token, 'county_miit', COUNTY);
      await t.grant(finance.token, 'county_finance', COUNTY);
      const enterprise = await enterpriseOf(t, clerk, { countyCode: COUNTY, name: `${firstCounty().name}林都木业有限公司` });
      const provider = await providerOf(t, owner);
      const fresh = await applicationAt(t, enterprise, provider, 'county_review', {
        paidAmountFen: 10_000_000,
        contractNo: 'HT-2023-0801',
      });
      const otherClerk = await person(t, 'review-clerk-2');
      const other = await enterpriseOf(t, otherClerk, { countyCode: COUNTY, name: `${firstCounty().name}久等木业有限公司` });
      const old = await applicationAt(t, other, provider, 'county_review', { contractNo: 'HT-2023-0512' });
      await applicationAt(t, other, provider, 'provider_check', { contractNo: 'HT-PC-1' });
      const thirdClerk = await person(t, 'review-clerk-3');
      const unverified = await enterpriseOf(t, thirdClerk, {
        countyCode: COUNTY,
        status: 'pending',
        name: `${firstCounty().name}待核验食品有限公司`,
      });
      const doomed = await applicationAt(t, unverified, provider, 'county_review', { contractNo: 'HT-2023-1101' });
      // Materials go up while the applications are drafts; the receipts of `fresh` are another enterprise's, byte for byte.
      await t.db.transaction((tx) => forceApplicationColumns(tx, [fresh.id, old.id], { status: 'draft' }));
      await upload(t, clerk.token, 'application', fresh.id, 'service_contract', '服务合同.pdf');
      await upload(t, clerk.token, 'application', fresh.id, 'business_license', '营业执照.jpg');
      const twin = Buffer.concat([JPEG_BYTES.subarray(0, -2), Buffer.from('same-receipt'), Buffer.from([0xff, 0xd9])]);
      for (const [who, app] of [
        [clerk, fresh],
        [otherClerk, old],
      ] as const) {
        const res = await t.http
          .post(`/api/v1/files/application/${app.id}/payment_receipts`)
          .set(bearer(who))
          .attach('file', twin, '回单.jpg');
        if (res.status !== 201) throw new Error(`upload: ${res.status}`);
      }
      await t.db.transaction((tx) => forceApplicationColumns(tx, [fresh.id, old.id], { status: 'county_review' }));
      await ageApplication(t, old.id, 40);

      mp.as('county-miit');
      const queue = await open('pages/review/queue/queue');
      shot(queue, { state: 'county', title: '待审：按阶段分页、数量，超期标红', role: 'county', flow: REVIEW, doc: true });
      await queue.call('onOverdueOnly', { detail: { value: true } });
      shot(queue, { state: 'overdue-only', title: '只看超期', role: 'county', flow: REVIEW });

      const page = await open('pages/review/application/application', { id: fresh.id });
      shot(page, { state: 'county', title: '一屏审核：企业、合同、付款、提示、材料，本部门意见', role: 'county', flow: REVIEW, doc: true });
      // A return carries no ratings: they go with an approval only (issue 14 item 10).
      await page.change('.decision', 'return');
      await page.settle();
      await page.tap('.send-opinion');
      shot(page, { state: 'return-without-reason', title: '退回未写原因：手机上就拦下', role: 'county', flow: REVIEW, overlay: 'modal' });
      await page.change('.reason-target', '4'); // 收付款凭证
      await page.input('.reason-message', '回单与其他企业的完全相同，请提供本企业的银行回单');
      await page.tap('.add-reason');
      await page.change('.reason-target', '7', 1); // 付款记录
      await page.input('.reason-message', '付款金额少于合同金额，请说明', 1);
      await page.input('.internal-note', '电话核实：会计说回单是借用的');
      shot(page, { state: 'return-reasons', title: '退回：逐条写明要改的材料或字段，内部备注企业看不到', role: 'county', flow: REVIEW });
      await page.tap('.send-opinion');

      mp.as('review-clerk');
      const mine = await open('pages/enterprise/application/application', { id: fresh.id });
      shot(mine, { state: 'county-returned', title: '县里退回：逐条看到要改什么', role: 'enterprise', flow: '退回后修改（更正）' });

      // The provider's signed 兑付申请表 lists `old`: both departments can approve it.
      const form = await t.http
        .post('/api/v1/provider/settlement-forms')
        .set(bearer(owner))
        .send({ applicationIds: [old.id] });
      const formId = (form.body as { form: { id: string } }).form.id;
      await upload(t, owner.token, 'settlement_form', formId, 'signed_scan', '盖章兑付申请表.pdf');
      await t.http.post(`/api/v1/provider/settlement-forms/${formId}/sign`).set(bearer(owner)).send({});
      mp.as('county-miit');
      const first = await open('pages/review/application/application', { id: old.id });
      await first.change('.decision', 'approve');
      await first.call('onRating', { currentTarget: { dataset: { which: 'effect' } }, detail: { value: 4 } });
      await first.call('onRating', { currentTarget: { dataset: { which: 'service' } }, detail: { value: 4 } });
      shot(first, { state: 'approve', title: '同意：评上云效果和服务质量', role: 'county', flow: REVIEW });
      await first.tap('.send-opinion');
      shot(first, { state: 'waiting-other', title: '本部门已同意：等另一部门的意见', role: 'county', flow: REVIEW });
      mp.as('county-finance');
      const second = await open('pages/review/application/application', { id: old.id });
      await second.change('.decision', 'approve');
      await second.call('onRating', { currentTarget: { dataset: { which: 'effect' } }, detail: { value: 5 } });
      await second.call('onRating', { currentTarget: { dataset: { which: 'service' } }, detail: { value: 5 } });
      await second.tap('.send-opinion');
      mp.as('review-clerk-2');
      const countyApproved = await open('pages/enterprise/application/application', { id: old.id });
      shot(countyApproved, {
        state: 'county-approved',
        title: '县里两部门都同意：等待联合行文报市',
        role: 'enterprise',
        flow: '申请进度（各阶段）',
      });

      // An enterprise not yet verified by the county; its application refused with a reason.
      mp.as('county-miit');
      const reject = await open('pages/review/application/application', { id: doomed.id });
      shot(reject, { state: 'enterprise-unverified', title: '企业尚未核验：先核验营业执照和授权委托书', role: 'county', flow: REVIEW });
      await reject.change('.decision', 'reject');
      await reject.call('onRating', { currentTarget: { dataset: { which: 'effect' } }, detail: { value: 1 } });
      await reject.call('onRating', { currentTarget: { dataset: { which: 'service' } }, detail: { value: 3 } });
      await reject.change('.reason-target', '0');
      await reject.input('.reason-message', '合同签订时该服务商尚未备案，不符合细则三（一）');
      await reject.tap('.send-opinion');
      mp.as('review-clerk-3');
      const rejected = await open('pages/enterprise/application/application', { id: doomed.id });
      shot(rejected, { state: 'rejected', title: '不予补助：原因写明', role: 'enterprise', flow: '申请进度（各阶段）' });

      mp.as('county-miit');
      const reports = await open('pages/review/reports/reports');
      shot(reports, { state: 'candidates', title: '联合行文：两部门都同意的申请', role: 'county', flow: REPORT });
      await reports.input('.doc-no', `${firstCounty().name.slice(0, 2)}工信联2026第3号`);
      await reports.change('.choices', [old.id]);
      await reports.tap('.create');
      shot(reports, { state: 'doc-no-error', title: '文号格式不对：就地提示', role: 'county', flow: REPORT });
      await reports.input('.doc-no', `${firstCounty().name.slice(0, 2)}工信联〔2026〕3号`);
      await reports.tap('.create');
      await reports.tap('.sign');
      shot(reports, { state: 'signed-miit', title: '工信已签发，等财政签发', role: 'county', flow: REPORT, doc: true });
      mp.as('county-finance');
      const sent = await open('pages/review/reports/reports');
      await sent.tap('.sign');
      shot(sent, { state: 'sent', title: '两部门签发：已报送市工信局、市财政局', role: 'county', flow: REPORT });
      const empty = await open('pages/review/queue/queue');
      shot(empty, { state: 'county-finance', title: '县财政的待审', role: 'county', flow: REVIEW });

      // A newly registered enterprise to verify, and someone else claiming a registered one.
      const newcomer = await person(t, 'newcomer-clerk');
      const pending = await enterpriseOf(t, newcomer, {
        countyCode: COUNTY,
        status: 'pending',
        name: `${firstCounty().name}新来的木业有限公司`,
      });
      await upload(t, newcomer.token, 'enterprise', pending.id, 'business_license', '营业执照.jpg');
      await enterpriseOf(t, await person(t, 'unfiled-clerk'), {
        countyCode: COUNTY,
        status: 'pending',
        name: `${firstCounty().name}没传材料的食品厂`,
      });
      const claimant = await person(t, 'claimant');
      const claim = await t.http
        .post('/api/v1/enterprises')
        .set(bearer(claimant))
        .send({
          creditCode: pending.creditCode,
          name: pending.name,
          countyCode: COUNTY,
          establishedOn: '2019-04-12',
          industryCode: 'C',
          legalRepresentative: '王建国',
          address: `${cityName()}${firstCounty().name}林都大街1号`,
          contactName: '孙出纳',
          contactPhone: '13912345678',
        });
      if (claim.status >= 300) throw new Error(`claim: ${claim.status} ${JSON.stringify(claim.body)}`);
      const verify = await open('pages/review/enterprises/enterprises');
      shot(verify, { state: 'pending', title: '企业核验：营业执照、授权委托书，另有人认领', role: 'county', flow: VERIFY, doc: true });
    },
  },
  {
    name: 'county-empty',
    async run({ mp, open, shot }) {
      const reviewer = await person(mp.t, 'quiet-county');
      await mp.t.grant(reviewer.token, 'county_finance', otherCounty().code);
      mp.as('quiet-county');
      const queue = await open('pages/review/queue/queue');
      shot(queue, { state: 'empty', title: '待审：这里没有待办', role: 'county', flow: REVIEW });
      const verify = await open('pages/review/enterprises/enterprises');
      shot(verify, { state: 'empty', title: '企业核验：没有待核验的企业', role: 'county', flow: VERIFY });
      const reports = await open('pages/review/reports/reports');
      shot(reports, { state: 'empty', title: '联合行文：没有待上报的申请', role: 'county', flow: REPORT });
      mp.as('no-role');
      const none = await open('pages/review/queue/queue');
      shot(none, { state: 'no-role', title: '没有审核角色时打开待审', role: 'everyone', flow: '首页与身份' });
    },
  },
];
