/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * The clerk at a small factory, on the phone, from the self-check to a submitted application and back
 * after a return — every page against the real server.
 */
import { creditCode } from '../../helpers/applications';
import { startMiniProgram, type MiniProgram } from '../support/harness';
import { person, providerOf, type Person } from '../support/seed';
import { JPEG_BYTES, PDF_BYTES } from '../support/wx';
import { findApplication } from '../../../server/src/db/applications';

let mp: MiniProgram;
let provider: { id: string; companyName: string };
let owner: Person;
let submittedId = '';
beforeAll(async () => {
  mp = await startMiniProgram();
  owner = await person(mp.t, 'beijiang-cloud');
  provider = await providerOf(mp.t, owner);
});
afterAll(async () => {
  await mp.close();
});

test('register, apply in steps, upload from camera, album and chat, submit with the subscribe prompt', async () => {
  mp.as('clerk-li');
  const code = creditCode('230781');

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

  const register = await mp.open('pages/enterprise/register/register');
  expect(register.data.form).toMatchObject({ creditCode: code, establishedOn: '2019-04-12', industryCode: 'C' });
  // The credit code is checked as it is typed.
  await register.input('.field-creditCode', code.slice(0, 17) + (code.endsWith('0') ? '1' : '0'));
  expect(register.text).toContain('统一社会信用代码校验不通过');
  await register.input('.field-creditCode', code);
  expect(register.text).not.toContain('校验不通过');
  await register.input('.field-name', '铁力林海食品有限公司');
  await register.change('.county-picker', '9'); // 铁力市
  await register.input('.field-legalRepresentative', '赵铁');
  await register.input('.field-address', '铁力市工业园区1号');
  await register.input('.field-contactName', '钱会计');
  await register.input('.field-contactPhone', '13904580002');
  await register.tap('.save');
  expect(register.data.mode).toBe('edit');
  const enterpriseId = String(register.data.enterpriseId);
  expect(register.all('.material')).toHaveLength(2);

  // The business licence, photographed.
  mp.wx.actionSheetAnswers.push(0);
  register.find('.material').querySelector('.upload-list__add')!.dispatchEvent('tap');
  await register.waitFor('the licence to upload', () => ((register.data.materials as { files: unknown[] }[])[0]?.files.length ?? 0) === 1);
  expect(mp.wx.picks.at(-1)).toMatchObject({ api: 'chooseMedia', source: ['camera'] });

  // 我的申报 → 开始申请, with the self-check's facts.
  const index = await mp.open('pages/enterprise/index/index', { fromCheck: '1' });
  await index.tap('.start');
  const applyUrl = mp.wx.navigations.at(-1)!.url;
  expect(applyUrl).toMatch(/^\/pages\/enterprise\/apply\/apply\?id=/);
  const id = applyUrl.split('id=')[1];

  const apply = await mp.open('pages/enterprise/apply/apply', { id });
  // The contract is prefilled from the self-check; the provider is named from the registry.
  expect(apply.data.contract).toMatchObject({
    providerId: provider.id,
    providerName: provider.companyName,
    signedOn: '2023-08-01',
    amount: '150000.01',
  });
  expect(apply.text).toContain('75,000.01 元');
  await apply.tap('.step-contract');
  await apply.input('.field-contractNo', 'TL-2023-018');
  await apply.call('onContract', { currentTarget: { dataset: { field: 'start' } }, detail: { value: '2023-08-01' } });
  await apply.call('onContract', { currentTarget: { dataset: { field: 'end' } }, detail: { value: '2024-07-31' } });
  await apply.input('.field-services', 'MES云、设备物联接入');
  await apply.tap('.save-contract');
  expect((apply.data.steps as { key: string; done: boolean }[]).find((s) => s.key === 'contract')!.done).toBe(true);

  await apply.tap('.step-payments');
  await apply.input('.field-payAmount', '150000.01');
  await apply.call('onPayment', { currentTarget: { dataset: { field: 'paidOn' } }, detail: { value: '2023-08-05' } });
  await apply.input('.field-reference', 'NH-88');
  await apply.tap('.add-payment');
  expect(apply.text).toContain('150,000.01 元');

  await apply.tap('.step-declarations');
  // Answered in the self-check already.
  expect((apply.data.declarationItems as { key: string; value: boolean }[]).find((d) => d.key === 'firstPurchase')!.value).toBe(true);
  await apply.tap('.save-declarations');

  await apply.tap('.step-bank');
  expect((apply.data.bank as { accountName: string }).accountName).toBe('铁力林海食品有限公司');
  await apply.input('.field-bankName', '中国农业银行铁力支行');
  await apply.input('.field-accountNo', '08123456789012345');
  await apply.tap('.save-bank');

  await apply.tap('.step-materials');
  const materials = apply.all('.material');
  expect(materials).toHaveLength(4);
  // The contract: a PDF forwarded in a chat.
  mp.wx.actionSheetAnswers.push(2);
  mp.wx.nextPicks.push({ name: '服务合同.pdf', bytes: PDF_BYTES });
  materials[0].querySelector('.upload-list__add')!.dispatchEvent('tap');
  await apply.waitFor('the contract', () =>
    (apply.data.missing as { path: string }[]).every((m) => m.path !== 'materials.service_contract'),
  );
  // The licence, the summary and the receipts: several pages at once from the album.
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
  expect(mp.wx.uploads.filter((u) => u.status === 201)).toHaveLength(1 + 1 + 3 + 2 + 1);
  // Progress was reported as the bytes went out.
  expect(mp.wx.uploads.at(-1)!.progress.at(-1)).toBe(100);

  // Submit: the subscribe prompt first, from the tap, at most three templates.
  await apply.tap('.step-submit');
  expect(apply.text).toContain('信息和材料已齐全');
  await apply.tap('.submit');
  expect(mp.wx.subscribeRequests).toHaveLength(1);
  expect(mp.wx.subscribeRequests[0].length).toBeGreaterThan(0);
  expect(mp.wx.subscribeRequests[0].length).toBeLessThanOrEqual(3);
  const submitIndex = mp.wx.requests.findIndex((r) => r.path.endsWith('/submit'));
  expect(mp.wx.requests[submitIndex].status).toBe(200);
  const app = (await mp.t.db.read((tx) => findApplication(tx, id)))!;
  submittedId = id;
  expect(app).toMatchObject({ status: 'provider_check', subsidyFen: 7_500_001, enterpriseId });
  expect(mp.wx.modals.at(-1)!.content).toContain(app.trackingNo!);

  // The status page: tracking number, the timeline.
  const status = await mp.open('pages/enterprise/application/application', { id });
  expect(status.text).toContain(`申报编号 ${app.trackingNo}`);
  expect(status.text).toContain('等待云服务商确认合同和付款');
  expect(status.text).toContain('提交申请');
  expect(status.text).toContain('75,000.01 元');
});

test('after a return: exactly what to fix, then corrected and sent again', async () => {
  mp.as('clerk-li');
  const id = submittedId;
  const before = (await mp.t.db.read((tx) => findApplication(tx, id)))!;
  const disputed = await mp.t.http
    .post(`/api/v1/provider/applications/${id}/dispute`)
    .set('authorization', `Bearer ${owner.token}`)
    .send({ version: before.version, reason: '付款凭证号 NH-88 与我司到账记录不符，请核对' });
  expect(disputed.status).toBe(200);

  const status = await mp.open('pages/enterprise/application/application', { id });
  expect(status.data.status).toBe('returned');
  expect(status.data.fixes).toEqual([{ where: '云服务商的意见', message: '付款凭证号 NH-88 与我司到账记录不符，请核对' }]);
  expect(status.text).toContain('请按以下意见修改后重新提交');
  await status.tap('.correct');
  expect(mp.wx.navigations.at(-1)!.url).toBe(`/pages/enterprise/apply/apply?id=${id}`);

  const apply = await mp.open('pages/enterprise/apply/apply', { id });
  expect(apply.text).toContain('付款凭证号 NH-88 与我司到账记录不符');
  // The wrong payment out, the right one in; the provider then confirms again.
  await apply.tap('.step-payments');
  await apply.tap('.remove-payment');
  await apply.input('.field-payAmount', '150000.01');
  await apply.call('onPayment', { currentTarget: { dataset: { field: 'paidOn' } }, detail: { value: '2023-08-05' } });
  await apply.input('.field-reference', 'NH-89');
  await apply.tap('.add-payment');
  await apply.tap('.step-submit');
  expect(apply.text).toContain('修改完成，重新提交');
  await apply.tap('.submit');
  expect((await mp.t.db.read((tx) => findApplication(tx, id)))!.status).toBe('provider_check');
});
