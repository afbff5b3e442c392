import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { newId } from '../../../server/src/ids';
import { countAuditRecords } from '../../../server/src/db/testing';
import { seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';

interface Case {
  name: string;
  facts: Record<string, unknown>;
  expect: {
    status?: number;
    eligible?: boolean;
    subsidyFen?: number;
    computedFen?: number;
    capped?: boolean;
    failures?: string[];
    warnings?: string[];
  };
}

const COPY = path.join(__dirname, '../../cases/eligibility.json');
const SHARED = path.join(__dirname, '../../../../shared/cases/eligibility.json');
const cases: Case[] = JSON.parse(fs.readFileSync(COPY, 'utf8'));

describe('the copy of the shared cases', () => {
  // CI always has ../shared beside the clone; a clone elsewhere tests itself from the copy.
  (fs.existsSync(SHARED) ? test : test.skip)('is byte for byte ../shared/cases/eligibility.json', () => {
    expect(fs.readFileSync(COPY).equals(fs.readFileSync(SHARED))).toBe(true);
  });
});

describe('POST /api/v1/eligibility/evaluate (spec/eligibility.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test.each(cases.map((c) => [c.name, c] as const))('case: %s', async (_name, c) => {
    const res = await t.http.post('/api/v1/eligibility/evaluate').send(c.facts);
    if (c.expect.status !== undefined) {
      expect(res.status).toBe(c.expect.status);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(res.body.error.details.length).toBeGreaterThan(0);
      return;
    }
    expect(res.status).toBe(200);
    const { failures, warnings, ...rest } = c.expect;
    expect(res.body).toMatchObject({ policy: 'yichun-2023-cloud', ...rest });
    expect(res.body.failures.map((f: { rule: string }) => f.rule)).toEqual(failures ?? []);
    expect(res.body.warnings.map((w: { rule: string }) => w.rule)).toEqual(warnings ?? []);
    for (const f of res.body.failures)
      expect(f).toEqual({
        rule: expect.any(String),
        clause: expect.stringMatching(/^[一二三四五]（[一二三四五六]）$/),
        message: expect.stringMatching(/[\u4e00-\u9fa5]/),
      });
  });

  const base = () =>
    structuredClone(cases[0].facts) as {
      enterprise: Record<string, unknown>;
      cloud: Record<string, unknown>;
      history?: unknown;
      asOf?: string;
    };

  test('a credit code is upper-cased; the invalid-input envelope names the field', async () => {
    const facts = base();
    facts.enterprise.creditCode = String(facts.enterprise.creditCode).toLowerCase();
    expect((await t.http.post('/api/v1/eligibility/evaluate').send(facts)).status).toBe(200);
    facts.cloud.contractAmountFen = 0;
    const bad = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'cloud.contractAmountFen' })]);
  });

  test.each([
    ['not JSON', 'this is not json', 400],
    ['a JSON string', '"hello"', 400],
    ['an array', '[]', 400],
    ['nested garbage', '{"enterprise": {"creditCode": {"$gt": ""}}}', 400],
    ['a prototype-polluting key', '{"__proto__": {"eligible": true}, "constructor": {"prototype": {"x": 1}}}', 400],
  ])('malformed body: %s → %d, never 500', async (_label, body, status) => {
    const res = await t.http.post('/api/v1/eligibility/evaluate').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(({} as Record<string, unknown>).eligible).toBeUndefined();
  });

  test('an oversize body is 413', async () => {
    const res = await t.http
      .post('/api/v1/eligibility/evaluate')
      .set('content-type', 'application/json')
      .send(`{"pad":"${'x'.repeat(300 * 1024)}"}`);
    expect(res.status).toBe(413);
  });

  test('a providerId brings the approval and revocation dates on record and overrides providerFiledOn', async () => {
    // Only what the filing's dates are read from: no form, no 备案号.
    const provider = (companyName: string, status: 'approved' | 'revoked' | 'draft', approvedOn: string | null, revokedOn: string | null) =>
      seedProvider(t.db, newId(), {
        companyName,
        status,
        approvedOn,
        revokedOn,
        platformName: null,
        filingNo: null,
        form: null,
        version: 1,
        submittedAt: null,
      });
    const approved = (await provider('云甲', 'approved', '2023-05-10', null)).id;
    const revoked = (await provider('云乙', 'revoked', '2023-01-01', '2023-08-01')).id;
    const draft = (await provider('云丙', 'draft', null, null)).id;

    const facts = base();
    facts.cloud = { ...facts.cloud, providerId: approved, providerFiledOn: '2099-01-01' };
    const ok = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
    expect(ok.status).toBe(200);
    expect(ok.body.eligible).toBe(true);

    // Revoked on 2023-08-01: a contract signed that day no longer counts, one signed the day before does.
    facts.cloud = { ...facts.cloud, providerId: revoked, contractSignedOn: '2023-08-01' };
    const onRevocation = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
    expect(onRevocation.body.failures.map((f: { rule: string }) => f.rule)).toEqual(['provider-filed-before-contract']);
    facts.cloud = { ...facts.cloud, contractSignedOn: '2023-07-31' };
    expect((await t.http.post('/api/v1/eligibility/evaluate').send(facts)).body.eligible).toBe(true);

    for (const unknown of [draft, newId(), 'not-an-id']) {
      facts.cloud = { ...facts.cloud, providerId: unknown };
      const res = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'cloud.providerId' })]);
    }
  });

  test("a member's own enterprise: history comes from our records and cannot be overridden; another's is never consulted", async () => {
    const member = await t.login('eligibility-member');
    const facts = base();
    const creditCode = String(facts.enterprise.creditCode);
    const enterprise = await seedEnterprise(t.db, [member.userId], {
      creditCode,
      name: '测试企业',
      countyCode: '230724',
      status: 'verified',
    });
    await seedApplication(t.db, enterprise, null, 'county_review');

    facts.history = { subsidyReceived: false, applicationInProgress: false };
    const own = await t.http.post('/api/v1/eligibility/evaluate').set('authorization', `Bearer ${member.token}`).send(facts);
    expect(own.body.failures.map((f: { rule: string }) => f.rule)).toEqual(['apply-once']);

    const stranger = await t.login('eligibility-stranger');
    const other = await t.http.post('/api/v1/eligibility/evaluate').set('authorization', `Bearer ${stranger.token}`).send(facts);
    expect(other.body.eligible).toBe(true);
    const anonymous = await t.http.post('/api/v1/eligibility/evaluate').send(facts);
    expect(anonymous.body.eligible).toBe(true);
  });

  test('nothing is stored by an evaluation', async () => {
    const counts = () => t.db.read((tx) => countAuditRecords(tx, {}));
    const before = await counts();
    await t.http.post('/api/v1/eligibility/evaluate').send(base());
    expect(await counts()).toBe(before);
  });
});

describe('GET /api/v1/eligibility/flow and /api/v1/policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { POLICY_EFFECTIVE_FROM: '2023-03-15' } });
  });
  afterAll(() => t.close());

  test('the policy: 50%, capped at 100,000 yuan, from the configured date, with the contact', async () => {
    const res = await t.http.get('/api/v1/policy');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      policy: 'yichun-2023-cloud',
      ratePercent: 50,
      capFen: 10_000_000,
      effectiveFrom: '2023-03-15',
      contact: { phone: '0458-3878126' },
    });
  });

  test('lists the questions in order, each with help, answer type and the answers that stop the flow', async () => {
    const res = await t.http.get('/api/v1/eligibility/flow');
    expect(res.status).toBe(200);
    expect(res.body.policy).toBe('yichun-2023-cloud');
    expect(res.body.questions.length).toBeGreaterThanOrEqual(14);
    for (const q of res.body.questions) {
      expect(q).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          text: expect.stringMatching(/[\u4e00-\u9fa5]/),
          help: expect.any(String),
          answerType: expect.any(String),
        }),
      );
    }
    const stops = res.body.questions.filter((q: { stopWhen?: unknown }) => q.stopWhen);
    expect(stops.length).toBeGreaterThanOrEqual(8);
  });
});
