import { startTestApp, type TestApp } from '../../helpers/testApp';
import { seedApplication } from '../../helpers/applications';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import type { ProviderRow } from '../../../server/src/db/testing';
import { countNotifications } from '../../../server/src/db/testing';
import { announceEndedNotices } from '../../../server/src/modules/cityReview/noticeEnds';
import { digestFor, StageReader } from '../../../server/src/modules/notifications/digest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import {
  APPLICATION_STATES,
  applicationMachine,
  type ApplicationEffect,
  type ApplicationGuard,
  type ApplicationState,
} from '../../../shared/src/workflow/application';
import type { EventDef } from '../../../shared/src/workflow/machine';
import { todayInShanghai } from '../../../shared/src/rules/calendar';
import { bearer, makeEnterprise, makeProvider, RATINGS, reviewer, signedSettlement, type User } from '../applications/county/setup';
import { outTradeNoOf, payParties, requestPayment } from '../payments/harness';

/**
 * Issue 14 item 7, "every alert, once, to the right people" (DESIGN.md "Notifications", "Four eyes"):
 * one application walked through county review → joint report → list (co-sign, 公示 start and end,
 * approval) → payment over HTTP as the roles act, and after each step exactly who got which message
 * in their inbox — and who did not. Then the payer of a WeChat Pay order. On SQLite, or MariaDB when
 * DATABASE_URL is set.
 */
const DAY = 86_400_000;

/** Every transition that changes what the enterprise sees, taken by someone else, tells the enterprise. */
test('each status change the enterprise can see, made by someone else, has an enterprise message', () => {
  const missing: string[] = [];
  for (const from of APPLICATION_STATES) {
    for (const [event, def] of Object.entries(applicationMachine.states[from].on ?? {})) {
      const branches: readonly EventDef<ApplicationState, ApplicationGuard, ApplicationEffect>[] = Array.isArray(def) ? def : [def];
      for (const branch of branches) {
        const changes = applicationMachine.states[branch.target].labels.applicant !== applicationMachine.states[from].labels.applicant;
        const byEnterpriseOnly = branch.roles.every((r) => r === 'enterprise');
        if (changes && !byEnterpriseOnly && !(branch.effects ?? []).includes('notifyEnterprise')) missing.push(`${from} ${event}`);
      }
    }
  }
  expect(missing).toEqual([]);
});

describe('who is alerted, once, along one application', () => {
  const clock = { now: Date.now() };
  let t: TestApp;
  let provider: ProviderRow;
  let enterprise: EnterpriseRow;
  const cast: Record<string, User> = {};
  let appId = '';
  let version = 1;
  const year = Number(todayInShanghai(new Date(clock.now)).slice(0, 4));
  const day = (n: number) => todayInShanghai(new Date(clock.now + n * DAY));

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock.now, env: { SESSION_TTL_HOURS: '720' } });
    const p = await makeProvider(t, 'rc-prov');
    provider = p.provider;
    cast.provider = p.user;
    const e = await makeEnterprise(t, 'rc-ent', { name: '伊春青山木业有限公司' });
    enterprise = e.enterprise;
    cast.enterprise = e.user;
    cast.countyMiit = await reviewer(t, 'rc-cmiit', 'county_miit');
    cast.countyMiit2 = await reviewer(t, 'rc-cmiit2', 'county_miit');
    cast.countyFinance = await reviewer(t, 'rc-cfin', 'county_finance');
    cast.otherCounty = await reviewer(t, 'rc-wucui', 'county_finance', '230718');
    for (const [name, role] of [
      ['cityMiit', 'city_miit'],
      ['cityMiit2', 'city_miit'],
      ['cosigner', 'city_finance'],
      ['approver', 'city_finance'],
      ['payer', 'city_finance'],
    ] as const) {
      cast[name] = await t.login(`rc-${name}`);
      await t.grant(cast[name].token, role);
    }
  });
  afterAll(() => t.close());

  const post = async (path: string, who: User, body: object) => {
    const res = await t.http.post(path).set(bearer(who.token)).send(body);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** Each person's unread inbox since the last step, by template, then marked read. */
  async function inboxes(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [name, who] of Object.entries(cast)) {
      const res = await t.http.get('/api/v1/inbox').query({ unread: '1', limit: '50' }).set(bearer(who.token));
      expect(res.status).toBe(200);
      const items = res.body.items as { template: string; title: string; body: string }[];
      for (const i of items) {
        // Plain Chinese: no id, no code, no field name reaches a person.
        expect(`${i.title}${i.body}`).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}|[a-z]+_[a-z]+|[a-z]+Fen/);
      }
      if (items.length) out[name] = items.map((i) => i.template).sort();
      await t.http.post('/api/v1/inbox/read-all').set(bearer(who.token));
    }
    return out;
  }

  const finance = (u: User) =>
    digestFor(new StageReader(t.db), [{ role: 'city_finance', countyCode: null }], DEFAULT_NOTIFICATION_SETTINGS, clock.now, u.userId);
  const county = (u: User, role: 'county_miit' | 'county_finance') =>
    digestFor(new StageReader(t.db), [{ role, countyCode: '230717' }], DEFAULT_NOTIFICATION_SETTINGS, clock.now, u.userId);

  test('county review: the first approval alerts the other department only; the second tells the enterprise', async () => {
    const app = await seedApplication(t.db, enterprise, provider, 'county_review');
    appId = app.id;
    await signedSettlement(t, cast.provider, [appId]);
    await inboxes();

    const first = await post(`/api/v1/county/applications/${appId}/opinion`, cast.countyMiit, {
      version,
      decision: 'approve',
      ratings: RATINGS,
    });
    version = first.application.version;
    // Today's bug: the department that gave it (both 工信 reviewers) was alerted again.
    expect(await inboxes()).toEqual({ countyFinance: ['queue.new_item'] });
    expect((await county(cast.countyMiit, 'county_miit')).waiting).toBe(0);
    expect((await county(cast.countyFinance, 'county_finance')).waiting).toBe(1);

    const second = await post(`/api/v1/county/applications/${appId}/opinion`, cast.countyFinance, {
      version,
      decision: 'approve',
      ratings: RATINGS,
    });
    version = second.application.version;
    expect(second.application.status).toBe('county_approved');
    expect(await inboxes()).toEqual({ enterprise: ['application.status'] });
  });

  test('the joint report reaches the city: one alert to city MIIT and city finance each, none to the county', async () => {
    const { report } = await post('/api/v1/county/joint-reports', cast.countyMiit, {
      docNo: `伊美工信联〔${year}〕7号`,
      reportDate: day(0),
      applicationIds: [appId],
    });
    const signed = (await post(`/api/v1/county/joint-reports/${report.id}/sign`, cast.countyMiit, { version: report.version })).report;
    // The department that signed waits no more; the other one does, and hears of it once.
    expect(await inboxes()).toEqual({ countyFinance: ['joint_report.awaiting_signature'] });
    expect((await county(cast.countyMiit, 'county_miit')).waiting).toBe(0);
    expect((await county(cast.countyFinance, 'county_finance')).waiting).toBe(1);
    await post(`/api/v1/county/joint-reports/${report.id}/sign`, cast.countyFinance, { version: signed.version });
    const city = ['joint_report.reported'];
    expect(await inboxes()).toEqual({
      enterprise: ['application.status'],
      cityMiit: city,
      cityMiit2: city,
      cosigner: city,
      approver: city,
      payer: city,
    });
    const res = await t.http.get('/api/v1/inbox').query({ limit: '1' }).set(bearer(cast.cosigner.token));
    expect(res.body.items[0].body).toContain('共 1 份申请，申请补助合计 60,000.00 元');
  });

  test('city review and the draft list: the enterprise hears it is on the list; city finance that it waits for co-signing', async () => {
    const verified = await post(`/api/v1/city/applications/${appId}/opinion`, cast.cityMiit, {
      version: (await t.http.get(`/api/v1/city/applications/${appId}`).set(bearer(cast.cityMiit.token))).body.application.version,
      decision: 'approve',
      verifiedFen: 6_000_000,
    });
    expect(verified.application.status).toBe('city_approved');
    expect(await inboxes()).toEqual({ enterprise: ['application.status'] });

    expect((await t.http.put(`/api/v1/city/budgets/${year}`).set(bearer(cast.cosigner.token)).send({ budgetFen: 50_000_000 })).status).toBe(
      200,
    );
    const list = await post('/api/v1/city/lists', cast.cityMiit, { year, applicationIds: [appId] });
    expect(await inboxes()).toEqual({
      enterprise: ['application.status'],
      cosigner: ['list.awaiting_cosign'],
      approver: ['list.awaiting_cosign'],
      payer: ['list.awaiting_cosign'],
    });
    const cosigned = await post(`/api/v1/city/lists/${list.list.id}/cosign`, cast.cosigner, { version: list.list.version });
    // The co-signer may not approve it: the others are alerted, the co-signer is not.
    expect(await inboxes()).toEqual({ approver: ['list.awaiting_approval'], payer: ['list.awaiting_approval'] });
    expect((await finance(cast.cosigner)).waiting).toBe(0);
    expect((await finance(cast.approver)).waiting).toBe(1);

    const notice = await post(`/api/v1/city/lists/${list.list.id}/notice`, cast.cityMiit, {
      version: cosigned.list.version,
      start: day(0),
      end: day(2),
    });
    expect(await inboxes()).toEqual({ enterprise: ['application.notice_started'] });
    // Where the enterprise consented, the mini-program's subscribe message carries it too.
    expect(
      await t.db.read((tx) =>
        countNotifications(tx, {
          template: 'application.notice_started',
          channel: 'mp_subscribe',
          recipientUserId: cast.enterprise.userId,
        }),
      ),
    ).toBe(1);
    // While the notice runs, the list waits for nobody's approval.
    expect((await finance(cast.approver)).waiting).toBe(0);

    // The notice ends: the worker's check announces it once.
    clock.now += 3 * DAY;
    expect(await announceEndedNotices({ db: t.db, now: clock.now })).toBe(1);
    expect(await announceEndedNotices({ db: t.db, now: clock.now })).toBe(0);
    expect(await inboxes()).toEqual({
      enterprise: ['application.notice_ended'],
      approver: ['list.awaiting_approval'],
      payer: ['list.awaiting_approval'],
    });
    expect((await finance(cast.approver)).waiting).toBe(1);

    const approved = await post(`/api/v1/city/lists/${list.list.id}/approve`, cast.approver, { version: notice.list.version });
    expect(approved.list.status).toBe('approved');
    // One alert for the list's payments, not to the approver (who may not record them).
    expect(await inboxes()).toEqual({
      enterprise: ['application.status'],
      cosigner: ['list.awaiting_payment'],
      payer: ['list.awaiting_payment'],
    });
    expect((await finance(cast.approver)).waiting).toBe(0);
    expect((await finance(cast.payer)).waiting).toBe(1);
  });

  test('the disbursement tells the enterprise, and nobody else', async () => {
    const app = (await t.http.get(`/api/v1/city/applications/${appId}`).set(bearer(cast.payer.token))).body.application;
    const paid = await post(`/api/v1/city/applications/${appId}/disbursements`, cast.payer, {
      version: app.version,
      amountFen: 6_000_000,
      voucherNo: 'GK2026-007001',
      paidOn: todayInShanghai(new Date(clock.now)),
    });
    expect(paid.application.status).toBe('disbursed');
    expect(await inboxes()).toEqual({ enterprise: ['application.status'] });
    expect((await finance(cast.payer)).waiting).toBe(0);

    // The bank sends it back (退汇): the enterprise hears it; the application waits for payment again, alerted to
    // city finance but the one who recorded the 退汇 and the list's approver (who may not pay it).
    const reversed = await post(`/api/v1/city/applications/${appId}/disbursements/${paid.entry.id}/reverse`, cast.payer, {
      version: paid.application.version,
      reason: '收款账户已销户，银行退汇',
      returnedOn: todayInShanghai(new Date(clock.now)),
    });
    expect(reversed.application.status).toBe('approved');
    expect(await inboxes()).toEqual({ enterprise: ['application.status'], cosigner: ['queue.new_item'] });
  });
  test('a list approved before the worker announced its notice end: the enterprises hear of the end with the approval, once', async () => {
    const { user, enterprise: other } = await makeEnterprise(t, 'rc-ent2', { name: '伊春绿源食品有限公司' });
    const app = await seedApplication(t.db, other, provider, 'city_approved', { verifiedFen: 5_000_000 });
    const list = await post('/api/v1/city/lists', cast.cityMiit, { year, applicationIds: [app.id] });
    const cosigned = await post(`/api/v1/city/lists/${list.list.id}/cosign`, cast.cosigner, { version: list.list.version });
    const notice = await post(`/api/v1/city/lists/${list.list.id}/notice`, cast.cityMiit, {
      version: cosigned.list.version,
      start: day(0),
      end: day(1),
    });
    clock.now += 2 * DAY;
    await post(`/api/v1/city/lists/${list.list.id}/approve`, cast.approver, { version: notice.list.version });
    expect(await announceEndedNotices({ db: t.db, now: clock.now })).toBe(0);
    const items = (await t.http.get('/api/v1/inbox').query({ limit: '50' }).set(bearer(user.token))).body.items as { template: string }[];
    expect(items.map((i) => i.template).sort()).toEqual([
      'application.notice_ended',
      'application.notice_started',
      'application.status',
      'application.status',
    ]);
    await inboxes();
  });
});

describe('a WeChat Pay order: the payer hears it paid, the provider that it received', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('payer-worded and payee-worded messages, each to its own side', async () => {
    const p = await payParties(t, 'rcpay');
    const id = await requestPayment(t, p, 1_234_500);
    expect((await t.http.post(`/api/v1/payments/${id}/jsapi`).set(bearer(p.ent.token))).status).toBe(200);
    await t.sandbox.control.pay.payOrder(p.merchant.mchid, await outTradeNoOf(t, id));
    const inbox = async (u: User) =>
      (
        (await t.http.get('/api/v1/inbox').query({ limit: '50' }).set(bearer(u.token))).body.items as {
          template: string;
          title: string;
          body: string;
        }[]
      ).filter((i) => i.template.startsWith('payment.paid'));
    const payer = await inbox(p.ent);
    expect(payer.map((i) => i.template)).toEqual(['payment.paid_payer']);
    expect(payer[0].title).toMatch(/^付款成功 12,?345(\.00)? ?元$/);
    expect(payer[0].body).toContain('您已通过微信支付向 伊春rcpay云计算有限公司 付款');
    expect(payer[0].body).not.toContain('已收到');
    const payee = await inbox(p.prov);
    expect(payee.map((i) => i.template)).toEqual(['payment.paid']);
    expect(payee[0].title).toContain('已收到付款');

    // A refund: the enterprise hears the money came back to it, the provider that it returned it.
    expect(
      (
        await t.http
          .post(`/api/v1/providers/me/payments/${id}/refunds`)
          .set(bearer(p.prov.token))
          .send({ amountFen: 4_500, reason: '多收服务费退回' })
      ).status,
    ).toBe(200);
    await t.sandbox.control.pay.settle();
    const refunded = async (u: User) =>
      ((await t.http.get('/api/v1/inbox').query({ limit: '50' }).set(bearer(u.token))).body.items as { template: string; title: string }[])
        .filter((i) => i.template.startsWith('payment.refunded'))
        .map((i) => i.template);
    expect(await refunded(p.ent)).toEqual(['payment.refunded_payer']);
    expect(await refunded(p.prov)).toEqual(['payment.refunded']);
  });
});
