import { DAY, bearer, startCity, type CityHarness } from './city/cityHarness';
import { insertOpinion } from '../../../server/src/db/opinions';
import { insertGrant } from '../../../server/src/db/users';
import { newId } from '../../../server/src/ids';
import type { TestApp } from '../../helpers/testApp';
import { say } from '../officialAccount/wechatPush';
import { APPLICATION_EVENT_NAMES, eventName, plainProblems, reasonLine } from '../../../shared/src/glossary';
import { fixList, opinionLines, timeline } from '../../../miniprogram/logic/timeline';
import type { ApplicationEvent, ApplicationView } from '../../../shared/src/contracts/responses/enterprise';
import type { InboxItem } from '../../../shared/src/contracts/responses/notifications';

async function bindingCode(t: TestApp, token: string): Promise<string> {
  const res = await t.http.post('/api/v1/me/oa-binding-code').set(bearer(token));
  expect(res.status).toBe(201);
  return res.body.code as string;
}

/**
 * Issue 14 item 8 and 10, issue 17 item 4: what people read is plain Chinese. A run through HTTP — a county
 * return naming a material by its code, a city return pointing at `verifiedFen`, a reduced 核定金额, the
 * list, payment, 退汇, an account change and the second payment — then every text it produced for a person
 * is walked: the enterprise's history and timeline, the opinions and what to fix, every inbox, the chat's
 * 进度, the registry's rating record. Any snake_case or camelCase token, any id, any amount not written
 * `100,000.00 元` fails the test, naming the text.
 */
describe('people read Chinese, never codes', () => {
  let c: CityHarness;
  const texts: { where: string; text: string }[] = [];
  const read = (where: string, text: string | null | undefined) => {
    if (text) texts.push({ where, text });
  };
  const post = (path: string, body: object, token: string) => c.t.http.post(path).set(bearer(token)).send(body);
  const get = (path: string, token: string) => c.t.http.get(path).set(bearer(token));
  let countyReturned: string;
  let paidId: string;

  beforeAll(async () => {
    c = await startCity();
    // The role every member of an enterprise acts in (what joining an enterprise grants), as moneyPath.test.ts does.
    await c.t.db.transaction((tx) =>
      insertGrant(tx, {
        id: newId(),
        userId: c.enterpriseUser.userId,
        role: 'enterprise',
        countyCode: null,
        grantedBy: null,
        invitationId: null,
        createdAt: c.clock.now,
      }),
    );
  });
  afterAll(() => c.close());

  test('the missing-materials list cites 二（四） as the seed numbers it, not as “四” (issue 14 item 10)', async () => {
    const draft = await c.seed('draft', { paidAmountFen: null });
    const env = (await get(`/api/v1/applications/${draft.id}`, c.enterpriseUser.token)).body;
    const messages = (env.missing as { message: string }[]).map((m) => m.message);
    expect(messages).toContain('请登记至少一笔付款（细则二（四）：发生实际支出）');
    for (const m of messages) expect(m).not.toMatch(/（[一二三四五六]：/);
    for (const m of messages) read('missing', m);
  });

  test('a county return names a material by its code; the enterprise reads its name', async () => {
    const app = await c.seed('county_review');
    countyReturned = app.id;
    // A return asks for no ratings (issue 14 item 10): they go with an approval only.
    const res = await post(
      `/api/v1/county/applications/${app.id}/opinion`,
      {
        version: app.version,
        decision: 'return',
        reasons: [
          { material: 'summary_evaluation', message: '总结与评价未写明上云后的效果' },
          { field: 'contract.amountFen', message: '合同金额与合同原件不一致' },
        ],
      },
      c.county.token,
    );
    expect(res.status).toBe(200);
    const view = (await get(`/api/v1/applications/${app.id}`, c.enterpriseUser.token)).body.application as ApplicationView;
    expect(view.lastReason).toBe('【上云企业上云情况总结与评价】总结与评价未写明上云后的效果；【合同金额】合同金额与合同原件不一致');
    expect(fixList(view).map((f) => f.where)).toEqual(['上云企业上云情况总结与评价', '合同金额']);
    const detail = (await get(`/api/v1/county/applications/${app.id}`, c.county.token)).body;
    expect(detail.opinions[0].ratings).toMatchObject({ effect: null, service: null });
  });

  test('an approval without ratings is refused with a clear message; ratings on a return are not recorded', async () => {
    const app = await c.seed('county_review');
    const res = await post(`/api/v1/county/applications/${app.id}/opinion`, { version: app.version, decision: 'approve' }, c.county.token);
    expect([res.status, res.body.error.details]).toEqual([
      400,
      [{ path: 'ratings', message: '审核同意时，请对上云效果和服务商服务质量分别评分（1–5 分：差、较差、一般、良好、优秀）' }],
    ]);
    const rated = await post(
      `/api/v1/county/applications/${app.id}/opinion`,
      { version: app.version, decision: 'reject', ratings: { effect: 1, service: 1 }, reasons: [{ message: '企业已注销' }] },
      c.county.token,
    );
    expect(rated.status).toBe(200);
    const detail = (await get(`/api/v1/county/applications/${app.id}`, c.county.token)).body;
    expect(detail.opinions[0].ratings).toMatchObject({ effect: null, service: null });
    // The provider's record: no county approval yet, so nothing counted, in words.
    const providers = (await c.t.http.get('/api/v1/providers')).body.items as { id: string; ratingRecord: { text: string } }[];
    expect(providers.find((p) => p.id === c.provider.id)!.ratingRecord).toMatchObject({
      effect: { count: 0, average: null },
      text: '尚无县级审核评分',
    });
  });

  test('a county approval’s ratings add up to the provider’s record, shown in the registry and on the filing review', async () => {
    const app = await c.seed('county_approved');
    // The approval as the county gave it (its HTTP path is county/review.test.ts): 5 and 4.
    await c.t.db.transaction((tx) =>
      insertOpinion(tx, {
        id: newId(),
        applicationId: app.id,
        round: 1,
        level: 'county',
        department: 'miit',
        reviewerId: c.county.userId,
        decision: 'approve',
        reasons: null,
        ratingEffect: 5,
        ratingService: 4,
        internalNote: null,
        createdAt: c.clock.now,
      }),
    );
    const card = (await c.t.http.get(`/api/v1/providers/${c.provider.id}`)).body.provider;
    expect(card.ratingRecord).toMatchObject({
      effect: { count: 1, average: 5 },
      service: { count: 1, average: 4, distribution: { '4': 1 } },
    });
    expect(card.ratingRecord.text).toBe('县级审核同意时评分 1 次：上云效果平均 5 分（优秀），服务商服务质量平均 4 分（良好）');
    const checklist = await get(`/api/v1/provider-filings/${c.provider.id}/checklist`, c.miit.token);
    expect([checklist.status, checklist.body.ratingRecord.text]).toEqual([200, card.ratingRecord.text]);
  });

  test('a city return points at verifiedFen; the enterprise reads 核定金额', async () => {
    const app = await c.seed('reported');
    const res = await post(
      `/api/v1/city/applications/${app.id}/opinion`,
      { version: app.version, decision: 'return', reasons: [{ path: 'verifiedFen', message: '合同中含硬件采购，请拆分后重新申报' }] },
      c.miit.token,
    );
    expect(res.status).toBe(200);
    const view = (await get(`/api/v1/applications/${app.id}`, c.enterpriseUser.token)).body.application as ApplicationView;
    const lines = opinionLines(view).flatMap((o) => o.reasons);
    expect(lines).toEqual(['【核定金额】合同中含硬件采购，请拆分后重新申报']);
    expect(reasonLine({ path: 'verifiedFen', message: 'x' })).toBe('【核定金额】x');
  });

  test('the money path: a reduced 核定金额, the list, payment, 退汇, an account change, the second payment', async () => {
    const app = await c.seed('reported');
    paidId = app.id;
    const name = app.bankAccountName!;
    const approved = await post(
      `/api/v1/city/applications/${app.id}/opinion`,
      { version: app.version, decision: 'approve', verifiedFen: 5_000_001, verifiedReason: '合同中 10,000.00 元为硬件采购' },
      c.miit.token,
    );
    expect(approved.status).toBe(200);
    expect((await c.t.http.put(`/api/v1/city/budgets/${c.year}`).set(bearer(c.finance.token)).send({ budgetFen: 50_000_000 })).status).toBe(
      200,
    );
    const list = await post('/api/v1/city/lists', { year: c.year, applicationIds: [app.id] }, c.miit.token);
    const cosigned = await post(`/api/v1/city/lists/${list.body.list.id}/cosign`, { version: list.body.list.version }, c.finance.token);
    const notice = await post(
      `/api/v1/city/lists/${list.body.list.id}/notice`,
      { version: cosigned.body.list.version, start: c.today(), end: c.dayFromToday(3) },
      c.miit.token,
    );
    c.clock.now += 4 * DAY;
    const listApproved = await post(
      `/api/v1/city/lists/${list.body.list.id}/approve`,
      { version: notice.body.list.version },
      c.finance2.token,
    );
    expect(listApproved.status).toBe(200);
    const version = async () => (await get(`/api/v1/city/applications/${app.id}`, c.finance.token)).body.application.version as number;
    const pay = async (voucherNo: string) =>
      post(
        `/api/v1/city/applications/${app.id}/disbursements`,
        { version: await version(), amountFen: 5_000_001, voucherNo, paidOn: c.today() },
        c.finance.token,
      );
    const first = await pay('GK2026-200001');
    expect(first.status).toBe(201);
    const reversed = await post(
      `/api/v1/city/applications/${app.id}/disbursements/${first.body.entry.id}/reverse`,
      { version: await version(), reason: '收款账户已销户，款项退回国库', returnedOn: c.today() },
      c.finance.token,
    );
    expect(reversed.status).toBe(201);
    await post(`/api/v1/city/applications/${app.id}/disbursements/${reversed.body.entry.id}/confirm`, {}, c.finance2.token);
    const change = await post(
      `/api/v1/applications/${app.id}/account-changes`,
      {
        version: await version(),
        accountName: name,
        bankName: '中国建设银行伊春分行',
        accountNo: '6217000011112222333',
        reason: '原账户已销户',
      },
      c.enterpriseUser.token,
    );
    expect(change.status).toBe(201);
    expect((await post(`/api/v1/city/account-changes/${change.body.change.id}/confirm`, { version: 1 }, c.finance2.token)).status).toBe(
      200,
    );
    expect((await pay('GK2026-200002')).status).toBe(201);
  });

  test('every text of the run reads as plain Chinese', async () => {
    const { t } = c;
    for (const id of [countyReturned, paidId]) {
      const history = (await get(`/api/v1/applications/${id}/history`, c.enterpriseUser.token)).body.items as ApplicationEvent[];
      for (const e of history) {
        // Every event the history holds has a name in the glossary: none reads as 办理记录 or as its code.
        expect([e.event, eventName(e.event)]).toEqual([e.event, APPLICATION_EVENT_NAMES[e.event]]);
        read(`history ${e.event}`, `${eventName(e.event)} ${e.toLabel} ${e.reason ?? ''}`);
      }
      for (const item of timeline(history)) read(`timeline ${item.key}`, `${item.title} ${item.note}`);
      const view = (await get(`/api/v1/applications/${id}`, c.enterpriseUser.token)).body.application as ApplicationView;
      for (const o of opinionLines(view)) read('opinion', [o.title, ...o.reasons].join('\n'));
      for (const f of fixList(view)) read('fix', `${f.where} ${f.message}`);
      read('last reason', view.lastReason);
    }
    for (const [who, person] of Object.entries({
      enterprise: c.enterpriseUser,
      finance: c.finance,
      finance2: c.finance2,
      miit: c.miit,
      county: c.county,
    })) {
      const inbox: InboxItem[] = [];
      for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 20; pages++) {
        const page = await get(`/api/v1/inbox?limit=20${cursor ? `&cursor=${cursor}` : ''}`, person.token);
        expect(page.status).toBe(200);
        inbox.push(...(page.body.items as InboxItem[]));
        cursor = page.body.nextCursor as string | null;
      }
      if (who === 'enterprise') expect(inbox.length).toBeGreaterThan(5);
      for (const n of inbox) read(`inbox of ${who}: ${n.template}`, `${n.title}\n${n.body}`);
    }
    // The chat's 进度, as the enterprise's follower asks it.
    const code = await bindingCode(t, c.enterpriseUser.token);
    expect(await say(t, 'oa-plain-enterprise', `绑定 ${code}`)).toContain('绑定成功');
    read('chat 进度', await say(t, 'oa-plain-enterprise', '进度'));
    for (const p of (await t.http.get('/api/v1/providers')).body.items as { ratingRecord: { text: string } }[])
      read('registry', p.ratingRecord.text);

    expect(texts.length).toBeGreaterThan(20);
    const problems = texts.flatMap(({ where, text }) => plainProblems(text).map((p) => `${where}: ${p.kind} “${p.token}” in “${text}”`));
    expect(problems).toEqual([]);
  });
});
