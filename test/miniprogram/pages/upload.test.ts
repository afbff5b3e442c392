/** @jest-environment ./test/miniprogram/support/environment.js */
/**
 * Materials from a phone: a dropped connection is retried by itself, and when it keeps failing the
 * person is told and offered 重试; preview in WeChat's viewers; replace (the old version kept); the
 * privacy agreement WeChat requires before any picker.
 */
import { startMiniProgram, type MiniProgram, type PageHandle, type SimNode } from '../support/harness';
import { applicationAt, enterpriseOf, person, providerOf } from '../support/seed';
import { PDF_BYTES } from '../support/wx';

let mp: MiniProgram;
let page: PageHandle;
let applicationId = '';

beforeAll(async () => {
  mp = await startMiniProgram();
  const clerk = await person(mp.t, 'upload-clerk');
  const enterprise = await enterpriseOf(mp.t, clerk);
  const provider = await providerOf(mp.t, await person(mp.t, 'upload-provider'));
  applicationId = (await applicationAt(mp.t, enterprise, provider, 'draft')).id;
  mp.as('upload-clerk');
  page = await mp.open('pages/enterprise/apply/apply', { id: applicationId, step: 'materials' });
});
afterAll(async () => {
  await mp.close();
});

const list = (i: number): SimNode => page.all('.material')[i];
const materials = () => page.data.materials as { kind: string; files: { id: string; name: string; supersededBy: string | null }[] }[];

async function add(i: number, source: number): Promise<void> {
  mp.wx.actionSheetAnswers.push(source);
  list(i).querySelector('.upload-list__add')!.dispatchEvent('tap');
  await page.settle();
}

test('a failed upload retries, then shows the error and offers 重试, which then succeeds', async () => {
  const modals = mp.wx.modals.length;
  const uploads = mp.wx.uploads.length;
  mp.wx.uploadsToDrop = 3;
  await add(0, 0);
  await page.waitFor('the upload to give up', () => (list(0).dom?.textContent ?? '').includes('上传失败'));
  // Three attempts in all, each cut off halfway; the server kept nothing of them.
  expect(mp.wx.uploads.slice(uploads).map((u) => u.dropped)).toEqual([true, true, true]);
  expect(mp.wx.modals.length).toBe(modals + 1);
  expect(mp.wx.modals.at(-1)!.content).toBe('上传中断（网络连接失败）');
  expect(list(0).dom!.textContent).toContain('上传失败：上传中断（网络连接失败）');
  expect(
    (
      await mp.t.http
        .get(`/api/v1/files/application/${applicationId}`)
        .set('authorization', `Bearer ${mp.wx.storage.get('session.token') as string}`)
    ).body.files,
  ).toHaveLength(0);

  list(0).querySelector('.retry')!.dispatchEvent('tap');
  await page.waitFor('the retried upload', () => materials()[0].files.length === 1);
  expect(list(0).querySelector('.retry')).toBeUndefined();
});

test('a connection dropped once is retried without bothering anyone', async () => {
  const modals = mp.wx.modals.length;
  mp.wx.uploadsToDrop = 1;
  await add(1, 1);
  await page.waitFor('the upload', () => materials()[1].files.length === 1);
  expect(mp.wx.modals.length).toBe(modals);
  expect(mp.wx.uploads.slice(-2).map((u) => [u.dropped, u.status])).toEqual([
    [true, 0],
    [false, 201],
  ]);
});

test('a file the server refuses is not retried: its words are shown', async () => {
  const uploads = mp.wx.uploads.length;
  mp.wx.nextPicks.push({ name: '说明.pdf', bytes: Buffer.from('this is not a PDF at all, just text') });
  await add(2, 2);
  await page.waitFor('the refusal', () => (list(2).dom?.textContent ?? '').includes('上传失败'));
  expect(mp.wx.uploads.length).toBe(uploads + 1);
  expect(mp.wx.uploads.at(-1)!.status).toBe(415);
  expect(mp.wx.modals.at(-1)!.content).toMatch(/PDF|JPG|PNG|文件/);
});

test('preview: a photo in WeChat’s image viewer, a PDF in its document reader', async () => {
  list(0).querySelector('.preview')!.dispatchEvent('tap');
  await page.settle();
  expect(mp.wx.previews).toHaveLength(1);
  mp.wx.nextPicks.push({ name: '服务合同.pdf', bytes: PDF_BYTES });
  await add(3, 2);
  await page.waitFor('the PDF', () => materials()[3].files.length === 1);
  list(3).querySelector('.preview')!.dispatchEvent('tap');
  await page.settle();
  expect(mp.wx.documents.at(-1)).toMatchObject({ fileType: 'pdf' });
  expect(mp.wx.documents.at(-1)!.bytes.equals(PDF_BYTES)).toBe(true);
});

test('replace: the new version takes the old one’s place, the old one stays in the history', async () => {
  const old = materials()[0].files[0].id;
  mp.wx.actionSheetAnswers.push(1);
  list(0).querySelector('.replace')!.dispatchEvent('tap');
  await page.waitFor('the new version', () => materials()[0].files[0]?.id !== old);
  const token = mp.wx.storage.get('session.token') as string;
  const history = await mp.t.http
    .get(`/api/v1/files/application/${applicationId}?history=1&kind=service_contract`)
    .set('authorization', `Bearer ${token}`);
  expect(history.body.files.map((f: { id: string; supersededBy: string | null }) => [f.id === old, f.supersededBy !== null])).toEqual(
    expect.arrayContaining([
      [true, true],
      [false, false],
    ]),
  );
});

test('before any picker, the privacy agreement WeChat requires', async () => {
  mp.wx.privacyNeeded = true;
  const picks = mp.wx.picks.length;
  await add(2, 1);
  expect(mp.wx.picks.length).toBe(picks);
  expect(mp.wx.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/me/privacy/privacy?back=1' });

  const privacy = await mp.open('pages/me/privacy/privacy', { back: '1' });
  expect(privacy.text).toContain('《上云补助小程序隐私保护指引》');
  expect(privacy.text).toContain('微信聊天中的文件');
  // WeChat records the agreement when the open-type button is tapped.
  mp.wx.privacyNeeded = false;
  privacy.find('.agree').dispatchEvent('agreeprivacyauthorization');
  await privacy.settle();
  expect(privacy.data.agreed).toBe(true);
  expect(mp.wx.navigations.at(-1)!.kind).toBe('navigateBack');

  await add(2, 1);
  await page.waitFor('the upload after agreeing', () => materials()[2].files.length === 1);
});
