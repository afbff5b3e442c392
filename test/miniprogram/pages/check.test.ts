/** @jest-environment ./test/miniprogram/support/environment.js */
/** 申报条件自测: one question per screen from the server's flow, early stops with their clause, the amount in 元. */
import { creditCode } from '../../helpers/applications';
import { creditCodeCheckCharacter } from '../../../shared/src/rules/creditCode';
import { startMiniProgram, type MiniProgram, type PageHandle } from '../support/harness';

let mp: MiniProgram;
beforeAll(async () => {
  mp = await startMiniProgram();
  mp.as('checker');
});
afterAll(async () => {
  await mp.close();
});

async function answer(page: PageHandle, value: string | boolean | null): Promise<void> {
  const q = page.data.question as { answerType: string; choices: { value: string }[] };
  const type = q.answerType;
  if (value === null) return page.tap(type === 'date_or_none' ? '.none' : '.skip');
  if (typeof value === 'boolean') return page.tap(value ? '.yes' : '.no');
  if (type === 'date' || type === 'date_or_none') await page.call('onDate', { detail: { value } });
  else if (type === 'choice') await page.change('.answer-choice', String(q.choices.findIndex((c) => c.value === value)));
  else await page.input('.answer-input', value);
  await page.tap('.next');
}

test('a ruling-out answer stops the check at once, with the clause and what to do', async () => {
  const page = await mp.open('pages/enterprise/check/check');
  expect(page.text).toContain('第 1 题，共');
  expect(page.text).toContain('贵企业是否在伊春市设立、登记、注册？');
  await page.tap('.no');
  expect(page.data.step).toBe('stopped');
  expect(page.text).toContain('依据：《实施细则》二（一）');
  expect(page.data.stop).toMatchObject({ rule: 'registered-in-yichun', clause: '二（一）' });
  // Nothing was asked of the server beyond the questions: the stop is the flow's own data.
  expect(mp.wx.requests.some((r) => r.path === '/api/v1/eligibility/evaluate')).toBe(false);
  // 改上一题的答案 goes back to the question.
  await page.tap('.back');
  expect(page.data.step).toBe('question');
  expect((page.data.question as { id: string }).id).toBe('registeredInYichun');
});

test('an individual business (92…) stops on its credit code; a young enterprise learns when it may apply', async () => {
  const page = await mp.open('pages/enterprise/check/check');
  await answer(page, true);
  const body = `92${creditCode().slice(2, 17)}`;
  const wrong = creditCodeCheckCharacter(body) === '0' ? '1' : '0';
  await answer(page, body + wrong);
  // A wrong check character is refused as input, not as a condition.
  expect(page.data.step).toBe('question');
  expect(page.data.error).toMatch(/统一社会信用代码/);
  await answer(page, body + creditCodeCheckCharacter(body));
  expect(page.data.stop).toMatchObject({ rule: 'independent-legal-person', clause: '二（一）' });
  expect(page.text).toContain('个体工商户');

  const young = await mp.open('pages/enterprise/check/check');
  for (const v of [true, creditCode(), true, true]) await answer(young, v);
  await answer(young, null); // 行业门类：跳过
  await answer(young, true);
  const lastYear = new Date(Date.now() + 8 * 3_600_000 - 100 * 86_400_000).toISOString().slice(0, 10);
  await answer(young, lastYear);
  expect(young.data.step).toBe('stopped');
  expect(young.text).toContain('二（二）');
  expect(young.text).toMatch(/请于 \d{4}-\d{2}-\d{2} 及以后再申报/);
});

test('all the way through: the server’s verdict and the estimated amount in 元, then on to apply', async () => {
  const page = await mp.open('pages/enterprise/check/check');
  const answers: (string | boolean | null)[] = [
    true,
    creditCode(),
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
  ];
  for (const v of answers) await answer(page, v);
  // No provider picked from the registry: its filing date is asked instead.
  expect((page.data.question as { id: string }).id).toBe('providerId');
  await answer(page, null);
  await answer(page, '2023-05-01');
  await answer(page, '2023-06-01');
  await answer(page, '150000.01');
  await answer(page, '150000.01');
  await answer(page, '0');
  expect(page.data.step).toBe('result');
  expect(mp.wx.requests.filter((r) => r.path === '/api/v1/eligibility/evaluate').map((r) => r.status)).toEqual([200]);
  expect(page.text).toContain('符合申报条件');
  expect(page.text).toContain('75,000.01 元');
  expect(page.text).toContain('最终金额以审核核定为准');
  expect(mp.wx.storage.get('check.facts')).toMatchObject({ cloud: { contractAmountFen: 15_000_001, providerFiledOn: '2023-05-01' } });
  await page.tap('.apply');
  expect(mp.wx.navigations.at(-1)!.url).toBe('/pages/enterprise/index/index?fromCheck=1');
});

test('a big contract is capped at 100,000 元; other subsidies that cover it all stop the check (四（二）)', async () => {
  const page = await mp.open('pages/enterprise/check/check');
  for (const v of [
    true,
    creditCode(),
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
  ])
    await answer(page, v);
  await answer(page, '100000');
  expect(page.data.step).toBe('stopped');
  expect(page.data.stop).toMatchObject({ rule: 'no-double-subsidy', clause: '四（二）' });
  await page.tap('.back');
  await answer(page, '0');
  expect(page.text).toContain('100,000.00 元');
  expect(page.text).toContain('已按单户最高 100,000.00 元 封顶');
});
