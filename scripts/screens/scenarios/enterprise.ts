/**
 * The enterprise's clerk: the self-check, registering the enterprise, the application step by step with its
 * uploads, submitting, and the correction after a return — as test/miniprogram/pages/{check,enterprise}.test.ts
 * drive them.
 */
import { creditCode } from '../../../test/helpers/applications';
import { creditCodeCheckCharacter } from '../../../shared/src/rules/creditCode';
import { person, providerOf } from '../../../test/miniprogram/support/seed';
import { JPEG_BYTES, PDF_BYTES } from '../../../test/miniprogram/support/wx';
import type { Scenario, Screen } from './types';
import { lastCounty } from './place';
import { findApplication } from '../../../server/src/db/applications';

const CHECK = '申报条件自测';
const REGISTER = '登记企业';
const APPLY = '填写与提交申请';
const CORRECT = '退回后修改（更正）';

/** One answer of the self-check, as check.test.ts gives it. */
async function answer(page: Screen, value: string | boolean | null): Promise<void> {
  const q = page.data.question as { answerType: string; choices: { value: string }[] };
  const type = q.answerType;
  if (value === null) return page.tap(type === 'date_or_none' ? '.none' : '.skip');
  if (typeof value === 'boolean') return page.tap(value ? '.yes' : '.no');
  if (type === 'date' || type === 'date_or_none') await page.call('onDate', { detail: { value } });
  else if (type === 'choice') await page.change('.answer-choice', String(q.choices.findIndex((c) => c.value === value)));
  else await page.input('.answer-input', value);
  await page.tap('.next');
}

export const enterprise: Scenario[] = [
  {
    name: 'self-check',
    async run({ mp, open, shot }) {
      await providerOf(mp.t, await person(mp.t, 'check-provider'));
      mp.as('checker');
      const first = await open('pages/enterprise/check/check');
      shot(first, { state: 'first-question', title: '第 1 题：是 / 否', role: 'enterprise', flow: CHECK, doc: true });
      await first.tap('.no');
      shot(first, { state: 'stopped', title: '一题不符即停：依据的条款和怎么办', role: 'enterprise', flow: CHECK });

      const code = await open('pages/enterprise/check/check');
      await answer(code, true);
      const body = `91${creditCode(lastCounty().code).slice(2, 17)}`;
      await answer(code, body + (creditCodeCheckCharacter(body) === '0' ? '1' : '0'));
      shot(code, { state: 'credit-code-error', title: '统一社会信用代码校验不通过：就地提示', role: 'enterprise', flow: CHECK });
      await answer(code, body + creditCodeCheckCharacter(body));
      await answer(code, true);
      await answer(code, true);
      shot(code, { state: 'choice', title: '选择题：行业门类', role: 'enterprise', flow: CHECK });
      await answer(code, 'C');
      await answer(code, true);
      shot(code, { state: 'date', title: '日期题：成立日期', role: 'enterprise', flow: CHECK });
      await answer(code, '2026-03-01');
      shot(code, { state: 'too-young', title: '成立不满 1 年：何时可以再申报', role: 'enterprise', flow: CHECK });

      const full = await open('pages/enterprise/check/check');
      for (const v of [
        true,
        creditCode(lastCounty().code),
        true,
        true,
        'C',
        true,
        '2019-04-12',
        true,
        false,
        false,
        false,
        false,
        false,
        true,
      ])
        await answer(full, v);
      shot(full, { state: 'provider', title: '选择云服务商：从已备案名录中选', role: 'enterprise', flow: CHECK });
      await answer(full, null);
      await answer(full, '2023-05-01');
      await answer(full, '2023-06-01');
      shot(full, { state: 'amount', title: '金额题：合同金额（元）', role: 'enterprise', flow: CHECK });
      for (const v of ['150000.01', '150000.01', '0']) await answer(full, v);
      shot(full, { state: 'eligible', title: '符合条件：预计补助金额', role: 'enterprise', flow: CHECK });

      const capped = await open('pages/enterprise/check/check');
      for (const v of [
        true,
        creditCode(lastCounty().code),
        true,
        true,
        'C',
        true,
        '2019-04-12',
        true,
        false,
        false,
        false,
        false,
        false,
        true,
        null,
        '2023-05-01',
        '2023-06-01',
        '300000',
        '300000',
        '0',
      ])
        await answer(capped, v);
      shot(capped, { state: 'capped', title: '大合同：按单户最高 10 万元封顶', role: 'enterprise', flow: CHECK });
    },
  },
  {
    name: 'apply',
    async run({ mp, open, shot }) {
      const owner = await person(mp.t, 'beijiang-cloud');
      const provider = await providerOf(mp.t, owner);
      mp.as('clerk-li');
      const code = creditCode(lastCounty().code);
      const none = await open('pages/enterprise/index/index');
      shot(none, { state: 'no-enterprise', title: '我的申报：还没有登记企业', role: 'enterprise', flow: REGISTER });

      // The self-check's answers travel to the registration and the application.
      mp.wx.storage.set('check.facts', {
        asOf: '2024-06-30',
        enterprise: {
          creditCode: code,
          registeredInYichun: true,
          independentLegalPerson: true,
          industrial: true,
          industryCode: 'C',
          alignedWithIndustrialPolicy: true,
          establishedOn: '2019-04-12',
          operatingNormally: true,
          badCreditRecord: false,
          seriousFiscalViolationWithin5Years: false,
          dishonestyRecord: false,
        },
        cloud: {
          firstPurchase: true,
          providerId: provider.id,
          contractSignedOn: '2023-08-01',
          contractAmountFen: 15_000_001,
          paidAmountFen: 15_000_001,
        },
        history: { subsidyReceived: false, applicationInProgress: false },
        otherSubsidiesFen: 0,
      });
      const empty = await open('pages/enterprise/register/register');
      shot(empty, { state: 'prefilled', title: '登记企业：自测的答案已带入', role: 'enterprise', flow: REGISTER, doc: true });
      await empty.input('.field-creditCode', code.slice(0, 17) + (code.endsWith('0') ? '1' : '0'));
      await empty.tap('.save');
      shot(empty, { state: 'errors', title: '信用代码校验不通过、必填项未填：就地提示', role: 'enterprise', flow: REGISTER });
      await empty.tap('.tab-join');
      shot(empty, { state: 'join', title: '凭邀请码加入已登记的企业', role: 'enterprise', flow: REGISTER });
      await empty.tap('.tab-register');

      const register = await open('pages/enterprise/register/register');
      await register.input('.field-creditCode', code);
      await register.input('.field-name', `${lastCounty().name}林海食品有限公司`);
      await register.change('.county-picker', String(lastCounty().index));
      await register.input('.field-legalRepresentative', '赵铁');
      await register.input('.field-address', `${lastCounty().name}工业园区1号`);
      await register.input('.field-contactName', '钱会计');
      await register.input('.field-contactPhone', '13912340002');
      await register.tap('.save');
      mp.wx.actionSheetAnswers.push(0);
      register.find('.material').querySelector('.upload-list__add')!.dispatchEvent('tap');
      await register.waitFor('the licence', () => ((register.data.materials as { files: unknown[] }[])[0]?.files.length ?? 0) === 1);
      shot(register, { state: 'registered', title: '已登记：上传营业执照和授权委托书，等待县里核验', role: 'enterprise', flow: REGISTER });

      const index = await open('pages/enterprise/index/index', { fromCheck: '1' });
      shot(index, { state: 'registered', title: '我的申报：企业已登记，可以开始申请', role: 'enterprise', flow: APPLY });
      await index.tap('.start');
      const id = mp.wx.navigations.at(-1)!.url.split('id=')[1];

      const apply = await open('pages/enterprise/apply/apply', { id });
      shot(apply, { state: 'profile', title: '第 1 步 企业信息（已核验的信息不可在此修改）', role: 'enterprise', flow: APPLY });
      await apply.tap('.step-contract');
      shot(apply, { state: 'contract-prefilled', title: '第 2 步 服务合同：自测时填的已带入，预计补助', role: 'enterprise', flow: APPLY });
      await apply.input('.field-contractNo', 'TL-2023-018');
      await apply.call('onContract', { currentTarget: { dataset: { field: 'start' } }, detail: { value: '2023-08-01' } });
      await apply.call('onContract', { currentTarget: { dataset: { field: 'end' } }, detail: { value: '2024-07-31' } });
      await apply.input('.field-services', 'MES云、设备物联接入');
      await apply.tap('.save-contract');
      await apply.tap('.step-payments');
      shot(apply, { state: 'payments-empty', title: '第 3 步 付款记录：还没有记录', role: 'enterprise', flow: APPLY });
      await apply.input('.field-payAmount', '150000.01');
      await apply.call('onPayment', { currentTarget: { dataset: { field: 'paidOn' } }, detail: { value: '2023-08-05' } });
      await apply.input('.field-reference', 'NH-88');
      await apply.tap('.add-payment');
      shot(apply, { state: 'payments', title: '第 3 步 付款记录：已登记一笔', role: 'enterprise', flow: APPLY });
      await apply.tap('.step-declarations');
      shot(apply, { state: 'declarations', title: '第 4 步 申报声明（自测时已回答的已带入）', role: 'enterprise', flow: APPLY });
      await apply.tap('.save-declarations');
      await apply.tap('.step-bank');
      await apply.input('.field-bankName', `中国农业银行${lastCounty().name}支行`);
      await apply.input('.field-accountNo', '08123456789012345');
      shot(apply, { state: 'bank', title: '第 5 步 收款账户：户名须为企业名称', role: 'enterprise', flow: APPLY });
      await apply.tap('.save-bank');
      await apply.tap('.step-submit');
      shot(apply, { state: 'submit-missing', title: '提交：还缺哪些，逐项列出', role: 'enterprise', flow: APPLY });
      await apply.tap('.step-materials');
      shot(apply, { state: 'materials-empty', title: '第 6 步 申报材料：拍照、相册或聊天中的 PDF', role: 'enterprise', flow: APPLY });
      mp.wx.actionSheetAnswers.push(2);
      mp.wx.nextPicks.push({ name: '服务合同.pdf', bytes: PDF_BYTES });
      apply.all('.material')[0].querySelector('.upload-list__add')!.dispatchEvent('tap');
      await apply.waitFor('the contract', () =>
        (apply.data.missing as { path: string }[]).every((m) => m.path !== 'materials.service_contract'),
      );
      for (const [i, pages] of [
        [1, 1],
        [2, 3],
        [3, 2],
      ] as const) {
        mp.wx.actionSheetAnswers.push(1);
        for (let n = 0; n < pages; n += 1)
          mp.wx.nextPicks.push({
            name: `第${n + 1}页.jpg`,
            bytes: Buffer.concat([JPEG_BYTES.subarray(0, -2), Buffer.from([i, n, 0xff, 0xd9])]),
          });
        apply.all('.material')[i].querySelector('.upload-list__add')!.dispatchEvent('tap');
        await apply.settle();
      }
      await apply.waitFor('every material', () => (apply.data.missing as unknown[]).length === 0);
      shot(apply, { state: 'materials', title: '第 6 步 申报材料：四项都已上传', role: 'enterprise', flow: APPLY });
      await apply.tap('.step-submit');
      shot(apply, { state: 'ready', title: '提交：信息和材料已齐全', role: 'enterprise', flow: APPLY, doc: true });
      await apply.tap('.submit');
      shot(apply, { state: 'submitted', title: '已提交：申报编号', role: 'enterprise', flow: APPLY, overlay: 'modal' });

      const status = await open('pages/enterprise/application/application', { id });
      shot(status, { state: 'provider-check', title: '申请进度：等待云服务商确认', role: 'enterprise', flow: APPLY });
      const readOnly = await open('pages/enterprise/apply/apply', { id });
      shot(readOnly, { state: 'read-only', title: '已提交的申请：只读', role: 'enterprise', flow: APPLY });
      const noPayments = await open('pages/enterprise/payments/payments');
      shot(noPayments, { state: 'empty', title: '付款请求：没有待支付的', role: 'enterprise', flow: '微信支付付款' });
      const listed = await open('pages/enterprise/index/index');
      shot(listed, { state: 'applied', title: '我的申报：申请和它的进度', role: 'enterprise', flow: APPLY, doc: true });

      // The provider disputes a payment: the application comes back with exactly what to fix.
      const before = (await mp.t.db.read((tx) => findApplication(tx, id)))!;
      const disputed = await mp.t.http
        .post(`/api/v1/provider/applications/${id}/dispute`)
        .set('authorization', `Bearer ${owner.token}`)
        .send({ version: before.version, reason: '付款凭证号 NH-88 与我司到账记录不符，请核对' });
      if (disputed.status !== 200) throw new Error(`dispute: ${disputed.status}`);
      const returned = await open('pages/enterprise/application/application', { id });
      shot(returned, { state: 'returned', title: '被退回：按意见逐条修改', role: 'enterprise', flow: CORRECT });
      const fix = await open('pages/enterprise/apply/apply', { id });
      shot(fix, { state: 'returned', title: '修改申请：退回意见在页首', role: 'enterprise', flow: CORRECT });
      await fix.tap('.step-payments');
      await fix.tap('.remove-payment');
      await fix.input('.field-payAmount', '150000.01');
      await fix.call('onPayment', { currentTarget: { dataset: { field: 'paidOn' } }, detail: { value: '2023-08-05' } });
      await fix.input('.field-reference', 'NH-89');
      await fix.tap('.add-payment');
      await fix.tap('.step-submit');
      shot(fix, { state: 'resubmit', title: '修改完成，重新提交', role: 'enterprise', flow: CORRECT });
      await fix.tap('.submit');
      const again = await open('pages/enterprise/application/application', { id });
      shot(again, { state: 'resubmitted', title: '重新提交后：再次等待云服务商确认，历程可查', role: 'enterprise', flow: CORRECT });
      mp.wx.modalAnswers.push({ confirm: true, content: '合同将重签，下一批次再申报' });
      await again.tap('.withdraw');
      shot(again, { state: 'withdrawn', title: '企业撤回：申请结束', role: 'enterprise', flow: '申请进度（各阶段）' });
    },
  },
];
