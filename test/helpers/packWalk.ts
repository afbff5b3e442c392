import type { AppContext } from '../../server/src/http/context';
import { answerChecks } from '../../server/src/http/routeTable';
import { notificationsMatching } from '../../server/src/db/testing';
import { findApplication } from '../../server/src/db/applications';
import { APPLICATION_MATERIALS } from '../../shared/src/contracts/application';
import { FILING_MATERIALS, type ProviderFilingForm } from '../../shared/src/contracts/providerFiling';
import { installPolicyPack } from '../../shared/src/pack/active';
import type { County, PolicyPack } from '../../shared/src/pack/types';
import { todayInShanghai } from '../../shared/src/rules/calendar';
import { completeProviderFiling } from '../fixtures/providerFiling';
import { openDocx, openXlsx } from '../server/documents/openDocument';
import { say } from '../server/officialAccount/wechatPush';
import { creditCode, DECLARATIONS, PDF } from './applications';
import { startTestApp, type TestApp } from './testApp';

/**
 * The whole path of one policy pack over real HTTP (issue 18 item 4): the pack is installed before the
 * app is built and put back after, then a self-check, a provider's filing, an enterprise's application,
 * the county's and the city's review, the list and the payment run as in the end-to-end suites — with
 * every expectation (counties, rate, cap, extra condition, number patterns) read from the pack. Every
 * answer body, notification, chat reply and document of the run is kept, to look for another city's words.
 */
export interface PackWalk {
  pack: PolicyPack;
  /** The county the enterprise is registered in and reviewed by. */
  county: County;
  /** Words of the run's own data, written as a person of the pack's city would. */
  enterprise: { name: string; address: string; contactPhone: string; bankName: string; accountNo: string };
  /** The county's joint report's 文号 for the year. */
  reportDocNo(year: number): string;
  /** The provider's 备案申报书, free of other cities' words. */
  providerForm(): ProviderFilingForm;
  /** A contract the policy pays, in fen. */
  contractFen: number;
  /** A contract an extra condition of the pack refuses (id of that rule), when the pack has one. */
  refused?: { contractFen: number; rule: string; clause: string };
  /** Words that must appear nowhere in the run (another city's particulars); digits match as whole numbers. */
  forbidden: readonly string[];
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

/** What the first version's rate and cap make of a contract, computed here from the pack's numbers. */
export function expectedSubsidy(pack: PolicyPack, contractFen: number): { computedFen: number; capped: boolean } {
  const { subsidyRate, subsidyCapFen } = pack.versions[0].parameters;
  const byRate = Math.ceil((contractFen * subsidyRate.numerator) / subsidyRate.denominator);
  return { computedFen: Math.min(byRate, subsidyCapFen), capped: byRate > subsidyCapFen };
}

/**
 * Where `forbidden` words occur in `text`, each with a little context. Ids, times and credit codes are
 * taken out first: a ULID or a millisecond time may hold any four digits by chance.
 */
export function particularsIn(text: string, forbidden: readonly string[]): string[] {
  const cleaned = text
    .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>')
    .replace(/\b1\d{12}\b/g, '<time>')
    .replace(/\b9[12]\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b/g, '<creditCode>');
  const found: string[] = [];
  for (const word of forbidden) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(/^\d+$/.test(word) ? `(?<!\\d)${escaped}(?!\\d)` : escaped, 'g');
    for (const m of cleaned.matchAll(pattern))
      found.push(`${word}: …${cleaned.slice(Math.max(0, m.index - 30), m.index + word.length + 30)}…`);
  }
  return found;
}

export function describePackWalk(title: string, walk: PackWalk): void {
  describe(title, () => {
    let t: TestApp;
    let previous: PolicyPack;
    let clerk: User, providerUser: User, reviewer: User, miit: User, finance: User, cityMiit: User, cosigner: User, approver: User;
    const seen: AppContext[] = [];
    /** Texts of the run that are not JSON answers: chat replies and documents, by where they came from. */
    const texts: { where: string; text: string }[] = [];
    const { pack, county } = walk;
    const today = todayInShanghai(new Date());
    const year = Number(today.slice(0, 4));
    let providerId: string;
    let applicationId: string;
    const expected = expectedSubsidy(pack, walk.contractFen);

    beforeAll(async () => {
      // Before the app is built: everything it makes at start-up must already see this pack.
      previous = installPolicyPack(pack);
      t = await startTestApp();
      [clerk, providerUser, reviewer, miit, finance, cityMiit, cosigner, approver] = await Promise.all(
        ['pw-clerk', 'pw-provider', 'pw-reviewer', 'pw-miit', 'pw-finance', 'pw-city-miit', 'pw-cosigner', 'pw-approver'].map((n) =>
          t.login(n),
        ),
      );
      await t.grant(reviewer.token, 'city_miit');
      await t.grant(miit.token, 'county_miit', county.code);
      await t.grant(finance.token, 'county_finance', county.code);
      await t.grant(cityMiit.token, 'city_miit');
      await t.grant(cosigner.token, 'city_finance');
      await t.grant(approver.token, 'city_finance');
      answerChecks.record = (_spec, ctx) => seen.push(ctx);
    });
    afterAll(async () => {
      answerChecks.record = null;
      await t?.close();
      installPolicyPack(previous);
    });

    /** A value an earlier step made; a clear failure instead of a database error when that step failed. */
    const stepBefore = <T>(value: T | undefined, step: string): T => {
      if (value === undefined) throw new Error(`前一步（${step}）没有完成，本步无法进行`);
      return value;
    };
    const version = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!.version;
    const status = async (id: string) => (await t.db.read((tx) => findApplication(tx, id)))!.status;
    const ok = (res: { status: number; body: { error?: { message?: string } } }, code = 200) =>
      expect([res.status, res.body.error?.message]).toEqual([code, undefined]);
    /** A generated .docx or .xlsx, kept as its visible text. */
    async function keepDocument(where: string, url: string, user: User) {
      const res = await t.http
        .get(url)
        .set(bearer(user.token))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect([where, res.status]).toEqual([where, 200]);
      if (/\.xlsx(\?|$)/.test(url)) {
        const cells: string[] = [];
        (await openXlsx(res.body as Buffer)).eachSheet((ws) => {
          cells.push(ws.name);
          ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.text)));
          cells.push(ws.headerFooter.oddHeader ?? '', ws.headerFooter.oddFooter ?? '');
        });
        texts.push({ where, text: cells.join('\n') });
        return;
      }
      const doc = await openDocx(res.body as Buffer);
      texts.push({ where, text: [...doc.paragraphs, ...doc.rows.flat(), ...doc.footers].join('\n') });
    }

    const facts = (contractFen: number) => ({
      enterprise: {
        creditCode: creditCode(county.code),
        registeredInYichun: true,
        independentLegalPerson: true,
        industrial: true,
        industryCode: 'C',
        alignedWithIndustrialPolicy: true,
        establishedOn: '2017-03-01',
        operatingNormally: true,
        badCreditRecord: false,
        seriousFiscalViolationWithin5Years: false,
        dishonestyRecord: false,
      },
      cloud: { firstPurchase: true, providerId, contractSignedOn: today, contractAmountFen: contractFen, paidAmountFen: contractFen },
      history: { subsidyReceived: false, applicationInProgress: false },
      otherSubsidiesFen: 0,
    });

    test('a provider files; city MIIT approves it with a 备案编号 of the pack’s pattern', async () => {
      const created = await t.http.post('/api/v1/provider-filings').set(bearer(providerUser.token)).send({ form: walk.providerForm() });
      ok(created, 201);
      providerId = created.body.filing.id as string;
      for (const m of FILING_MATERIALS)
        expect(
          (
            await t.http
              .post(`/api/v1/files/provider/${providerId}/${m.kind}`)
              .set(bearer(providerUser.token))
              .attach('file', PDF, `${m.label}.pdf`)
          ).status,
        ).toBe(201);
      const submitted = await t.http
        .post(`/api/v1/provider-filings/${providerId}/submit`)
        .set(bearer(providerUser.token))
        .send({ version: created.body.filing.version });
      ok(submitted);
      const approved = await t.http
        .post(`/api/v1/provider-filings/${providerId}/approve`)
        .set(bearer(reviewer.token))
        .send({ version: submitted.body.filing.version, conditions: [1, 2, 3, 4, 5] });
      ok(approved);
      expect(approved.body.filing).toMatchObject({ status: 'approved', approvedOn: today });
      expect(approved.body.filing.filingNo).toMatch(pack.numbers.filingNoPattern);
      await keepDocument('备案申报书', `/api/v1/provider-filings/${providerId}/document.docx`, reviewer);
    });

    test('the self-check pays the pack’s rate up to its cap, and the pack’s extra condition refuses what it must', async () => {
      stepBefore(providerId, '备案');
      const good = await t.http.post('/api/v1/eligibility/evaluate').send(facts(walk.contractFen));
      ok(good);
      expect(good.body).toMatchObject({ eligible: true, failures: [], subsidyFen: expected.computedFen, ...expected });
      if (walk.refused) {
        const small = await t.http.post('/api/v1/eligibility/evaluate').send(facts(walk.refused.contractFen));
        ok(small);
        expect(small.body).toMatchObject({ eligible: false, subsidyFen: 0 });
        expect(small.body.failures).toEqual([{ rule: walk.refused.rule, clause: walk.refused.clause, message: expect.any(String) }]);
      }
    });

    test(`an enterprise of ${county.name} applies; the tracking number has the pack’s prefix`, async () => {
      const reg = await t.http
        .post('/api/v1/enterprises')
        .set(bearer(clerk.token))
        .send({
          creditCode: creditCode(county.code),
          name: walk.enterprise.name,
          countyCode: county.code,
          establishedOn: '2017-03-01',
          industryCode: 'C',
          legalRepresentative: '赵一',
          address: walk.enterprise.address,
          contactName: '钱会计',
          contactPhone: walk.enterprise.contactPhone,
        });
      ok(reg, 201);
      const enterpriseId = reg.body.enterprise.id as string;
      const license = await t.http
        .post(`/api/v1/files/enterprise/${enterpriseId}/business_license`)
        .set(bearer(clerk.token))
        .attach('file', PDF, '营业执照.pdf');
      expect(license.status).toBe(201);
      const verified = await t.http
        .post(`/api/v1/county/enterprises/${enterpriseId}/decide`)
        .set(bearer(miit.token))
        .send({ version: reg.body.enterprise.version, decision: 'verify' });
      ok(verified);
      const app = await t.http.post('/api/v1/applications').set(bearer(clerk.token)).send({ enterpriseId });
      ok(app, 201);
      applicationId = app.body.application.id as string;
      const id = stepBefore(applicationId, '申请');
      const contract = {
        providerId,
        contractNo: `HT-${Date.now()}`,
        signedOn: today,
        start: today,
        end: `${year + 1}${today.slice(4)}`.replace('-02-29', '-02-28'),
        amountFen: walk.contractFen,
        services: 'MES云、设备物联接入',
      };
      const saved = await t.http
        .put(`/api/v1/applications/${id}`)
        .set(bearer(clerk.token))
        .send({
          version: await version(id),
          contract,
          declarations: DECLARATIONS,
          bank: { accountName: walk.enterprise.name, bankName: walk.enterprise.bankName, accountNo: walk.enterprise.accountNo },
        });
      ok(saved);
      ok(
        await t.http
          .post(`/api/v1/applications/${id}/payments`)
          .set(bearer(clerk.token))
          .send({ version: await version(id), amountFen: walk.contractFen, paidOn: today, method: 'bank_transfer', reference: 'ZZ-1' }),
        201,
      );
      for (const m of APPLICATION_MATERIALS)
        expect(
          (
            await t.http
              .post(`/api/v1/files/application/${id}/${m.kind}`)
              .set(bearer(clerk.token))
              .attach('file', Buffer.concat([PDF, Buffer.from(`${id}${m.kind}`)]), `${m.label}.pdf`)
          ).status,
        ).toBe(201);
      if (walk.refused) {
        // The extra condition holds at submission as in the self-check: a contract under it is refused, naming it.
        const { contractFen, rule } = walk.refused;
        ok(
          await t.http
            .put(`/api/v1/applications/${id}`)
            .set(bearer(clerk.token))
            .send({ version: await version(id), contract: { ...contract, amountFen: contractFen } }),
        );
        const refused = await t.http
          .post(`/api/v1/applications/${id}/submit`)
          .set(bearer(clerk.token))
          .send({ version: await version(id) });
        expect(refused.status).toBe(400);
        expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(`eligibility.${rule}`);
        ok(
          await t.http
            .put(`/api/v1/applications/${id}`)
            .set(bearer(clerk.token))
            .send({ version: await version(id), contract }),
        );
      }
      const submitted = await t.http
        .post(`/api/v1/applications/${id}/submit`)
        .set(bearer(clerk.token))
        .send({ version: await version(id) });
      ok(submitted);
      expect(submitted.body.application).toMatchObject({ status: 'provider_check', subsidyFen: expected.computedFen });
      expect(submitted.body.application.trackingNo).toMatch(new RegExp(`^${pack.numbers.trackingPrefix}${year}\\d+$`));
    });

    test('the provider confirms and signs; the county’s two departments approve and report', async () => {
      const id = stepBefore(applicationId, '申请');
      ok(
        await t.http
          .post(`/api/v1/provider/applications/${id}/confirm`)
          .set(bearer(providerUser.token))
          .send({ version: await version(id), effectEvaluation: '上线后生产数据实时可见，效果良好' }),
      );
      const form = await t.http
        .post('/api/v1/provider/settlement-forms')
        .set(bearer(providerUser.token))
        .send({ applicationIds: [id] });
      ok(form, 201);
      const formId = form.body.form.id as string;
      await keepDocument('兑付申请表', `/api/v1/provider/settlement-forms/${formId}/document.docx`, providerUser);
      expect(
        (
          await t.http
            .post(`/api/v1/files/settlement_form/${formId}/signed_scan`)
            .set(bearer(providerUser.token))
            .attach('file', PDF, '盖章兑付申请表.pdf')
        ).status,
      ).toBe(201);
      ok(await t.http.post(`/api/v1/provider/settlement-forms/${formId}/sign`).set(bearer(providerUser.token)).send({}));
      expect(await status(id)).toBe('county_review');

      const queue = await t.http.get('/api/v1/county/applications?status=county_review').set(bearer(miit.token));
      ok(queue);
      expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(id);
      for (const who of [miit, finance])
        ok(
          await t.http
            .post(`/api/v1/county/applications/${id}/opinion`)
            .set(bearer(who.token))
            .send({ version: await version(id), decision: 'approve', ratings: { effect: 4, service: 5 } }),
        );
      expect(await status(id)).toBe('county_approved');
      const report = await t.http
        .post('/api/v1/county/joint-reports')
        .set(bearer(miit.token))
        .send({ docNo: walk.reportDocNo(year), reportDate: today, applicationIds: [id] });
      ok(report, 201);
      const reportId = report.body.report.id as string;
      const s1 = await t.http
        .post(`/api/v1/county/joint-reports/${reportId}/sign`)
        .set(bearer(miit.token))
        .send({ version: report.body.report.version });
      ok(s1);
      ok(
        await t.http
          .post(`/api/v1/county/joint-reports/${reportId}/sign`)
          .set(bearer(finance.token))
          .send({ version: s1.body.report.version }),
      );
      expect(await status(id)).toBe('reported');
      await keepDocument('联合上报文件', `/api/v1/county/joint-reports/${reportId}/document.docx`, miit);
    });

    test('the city approves, lists and pays the amount of the pack’s rate and cap', async () => {
      const id = stepBefore(applicationId, '申请');
      ok(
        await t.http
          .post(`/api/v1/city/applications/${id}/opinion`)
          .set(bearer(cityMiit.token))
          .send({ version: await version(id), decision: 'approve', verifiedFen: expected.computedFen }),
      );
      expect(await status(id)).toBe('city_approved');
      ok(await t.http.put(`/api/v1/city/budgets/${year}`).set(bearer(cosigner.token)).send({ budgetFen: 500_000_000 }));
      const list = await t.http
        .post('/api/v1/city/lists')
        .set(bearer(cityMiit.token))
        .send({ year, applicationIds: [id] });
      ok(list, 201);
      const listId = (list.body.list ?? list.body).id as string;
      const listVersion = async () => (await t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(cityMiit.token))).body.list.version;
      ok(
        await t.http
          .post(`/api/v1/city/lists/${listId}/cosign`)
          .set(bearer(cosigner.token))
          .send({ version: await listVersion() }),
      );
      ok(
        await t.http
          .post(`/api/v1/city/lists/${listId}/approve`)
          .set(bearer(approver.token))
          .send({ version: await listVersion() }),
      );
      expect(await status(id)).toBe('approved');
      await keepDocument('拟补贴名单', `/api/v1/city/lists/${listId}/document.xlsx`, cityMiit);
      const paid = await t.http
        .post(`/api/v1/city/applications/${id}/disbursements`)
        .set(bearer(cosigner.token))
        .send({ version: await version(id), amountFen: expected.computedFen, voucherNo: `GK${year}0001`, paidOn: today });
      ok(paid, 201);
      expect(await status(id)).toBe('disbursed');
      await keepDocument('拨付台账', `/api/v1/city/disbursements/document.xlsx?applicationId=${id}`, cosigner);
      for (const where of ['拟补贴名单', '拨付台账']) expect(texts.find((x) => x.where === where)?.text).toContain(walk.enterprise.name);
      const mine = await t.http.get(`/api/v1/applications/${id}`).set(bearer(clerk.token));
      expect(mine.body.application).toMatchObject({
        status: 'disbursed',
        verifiedFen: expected.computedFen,
        disbursedFen: expected.computedFen,
      });
    });

    test('the chatbot answers with the pack’s policy and contact', async () => {
      for (const question of ['政策', '条件', '联系', '流程']) {
        const reply = await say(t, 'pw-follower', question);
        expect(reply).not.toBeNull();
        texts.push({ where: `公众号“${question}”`, text: reply ?? '' });
      }
      const policy = texts.find((x) => x.where === '公众号“政策”')!.text;
      expect(policy).toContain(pack.title);
      expect(texts.find((x) => x.where === '公众号“联系”')!.text).toContain(pack.contact.phone);
    });

    // Last: everything the run said, to anyone, in any form.
    test('no other city’s particulars in any answer, notification, chat reply or document of the run', async () => {
      const notifications = await t.db.read((tx) => notificationsMatching(tx, {}));
      const sources = [
        ...seen
          .filter((ctx) => ctx.body !== undefined && ctx.body !== null && !Buffer.isBuffer(ctx.body) && typeof ctx.body === 'object')
          .filter((ctx) => typeof (ctx.body as { pipe?: unknown }).pipe !== 'function')
          .map((ctx) => ({ where: `${ctx.method} ${ctx.path.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, ':id')}`, text: JSON.stringify(ctx.body) })),
        ...notifications.map((n) => ({ where: `通知 ${n.template}/${n.channel}`, text: JSON.stringify(n.payload) })),
        ...texts,
      ];
      // One line per place and word (the first occurrence), so that a failure reads as a list of places to convert.
      const found = new Map<string, string>();
      for (const { where, text } of sources)
        for (const f of particularsIn(text, walk.forbidden)) {
          const key = `${where} → ${f.slice(0, f.indexOf(':'))}`;
          if (!found.has(key)) found.set(key, `${key}${f.slice(f.indexOf(':'))}`);
        }
      expect([...found.values()]).toEqual([]);
      // A run that stopped early said little: the search only counts after the whole path.
      expect(sources.length).toBeGreaterThan(40);
    });
  });
}

/** A copy of the realistic 备案申报书 with another city's words put in place of the seed city's. */
export function filingFormFor(replacements: readonly [string, string][]): ProviderFilingForm {
  let json = JSON.stringify(completeProviderFiling());
  for (const [from, to] of replacements) json = json.replaceAll(from, to);
  return JSON.parse(json) as ProviderFilingForm;
}
