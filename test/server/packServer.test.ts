import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/src/config';
import { start } from '../../server/src/main';
import { runCli } from '../../server/src/cli';
import { nextTrackingNumber } from '../../server/src/db/applications';
import { openapiInfo } from '../../server/src/http/openapi';
import { TEMPLATES } from '../../server/src/modules/notifications/templates';
import { startSandbox, textMessageXml } from '../../server/sandbox';
import { installPolicyPack, policyPack, type PolicyPack } from '../../shared/src/pack';
import { FILING_MATERIALS } from '../../shared/src/contracts/providerFiling';
import { completeProviderFiling } from '../fixtures/providerFiling';
import { creditCodeCheckCharacter } from '../../shared/src/rules/creditCode';
import { pack as otherCity } from '../fixtures/packSetting/otherCity';
import { testConfig } from '../helpers/db';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { PDF } from '../helpers/applications';

/**
 * Issue 18 item 4 in the server: with another pack installed (POLICY_PACK names a module), everything
 * the server says or numbers of the city's own is that pack's — the official account's answers, the
 * contact in refusals, the counties in messages and help, the 备案编号 and 申报编号, the API's
 * description. Real HTTP through the app, on SQLite and on MariaDB.
 */
const FIXTURE = path.join(__dirname, '../fixtures/packSetting/otherCity.ts');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('start() installs the pack POLICY_PACK names before it serves', () => {
  let before: PolicyPack;
  beforeAll(() => {
    before = policyPack();
  });
  afterAll(() => installPolicyPack(before));

  test('a refusal of the running server names the configured city', async () => {
    const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-pack-start-'));
    const config = testConfig({ POLICY_PACK: FIXTURE, WECHAT_API_BASE: sandbox.baseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    expect(policyPack()).toBe(before);
    const running = await start(config);
    try {
      expect(policyPack()).toBe(otherCity);
      const port = (running.server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/eligibility/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          asOf: '2024-06-30',
          enterprise: {
            creditCode: `91990101Y4CL12TH8${creditCodeCheckCharacter('91990101Y4CL12TH8')}`,
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
            providerId: 'no-such-provider',
            contractSignedOn: '2023-08-01',
            contractAmountFen: 12000000,
            paidAmountFen: 12000000,
          },
          history: { subsidyReceived: false, applicationInProgress: false },
          otherSubsidiesFen: 0,
        }),
      });
      const body = (await res.json()) as { error: { message: string } };
      expect([res.status, body.error.message]).toEqual([400, expect.stringContaining('未在林海市工信局备案')]);
    } finally {
      await running.stop();
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the server under another pack', () => {
  let t: TestApp;
  let before: PolicyPack;
  let oaUrl: string;

  beforeAll(async () => {
    before = installPolicyPack(loadConfig({ POLICY_PACK: FIXTURE }).policyPack);
    t = await startTestApp({ env: { WECHAT_OA_TOKEN: 'packtoken' } });
    oaUrl = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}/wechat/official-account`;
  });
  afterAll(async () => {
    await t.close();
    installPolicyPack(before);
  });

  async function ask(openid: string, text: string): Promise<string> {
    const r = await t.sandbox.control.oa.push({ url: oaUrl, token: 'packtoken', xml: textMessageXml(openid, text) });
    expect(r.status).toBe(200);
    return r.reply ?? '';
  }

  test('the official account answers with the pack’s name, clauses and contact', async () => {
    expect(await ask('pack-follower', '帮助')).toContain('您好，这里是林海市工业企业上云补助服务。');
    expect(await ask('pack-follower', '联系')).toContain('咨询请联系市工信局企业服务科，电话 0999-6543210（细则五）。');
    const reply = await ask('pack-follower', '条件');
    expect(reply).toContain(otherCity.chat.conditions[0]);
    expect(reply).toContain('回复“自测”逐题核对。');
  });

  test('a refusal for want of a role names the pack’s contact', async () => {
    const someone = await t.login('pack-someone');
    const res = await t.http.get('/api/v1/provider-filings?status=submitted').set(bearer(someone.token));
    expect([res.status, res.body.error.message]).toEqual([403, '您没有权限进行此操作；如需权限，请联系市工信局企业服务科 0999-6543210']);
  });

  test('an invitation to a county role without a county names the pack’s city, its count and first county', async () => {
    const admin = await t.login('pack-admin');
    await t.grant(admin.token, 'admin');
    const res = await t.http.post('/api/v1/admin/invitations').set(bearer(admin.token)).send({ role: 'county_miit' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'countyCode', message: '县级角色须指定林海市三个县（市）区之一的代码，如 990101（东林区）' },
    ]);
  });

  test('a joint report’s 文号 refused with the pack’s first county as the example', async () => {
    const reviewer = await t.login('pack-county');
    // The role is granted under the built-in pack (its counties are what the grant checks today); the refusal is read under the other.
    installPolicyPack(before);
    await t.grant(reviewer.token, 'county_miit', before.counties[0].code);
    installPolicyPack(otherCity);
    const res = await t.http
      .post('/api/v1/county/joint-reports')
      .set(bearer(reviewer.token))
      .send({ docNo: '第三号', reportDate: '2026-03-01', applicationIds: ['a'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({
      path: 'docNo',
      message: '文号格式如“东林工信联〔2026〕3号”：年份放在〔〕中，以“号”结尾',
    });
  });

  test('an approved filing is numbered by the pack’s pattern', async () => {
    const provider = await t.login('pack-provider');
    const reviewer = await t.login('pack-reviewer');
    await t.grant(reviewer.token, 'city_miit');
    const created = await t.http.post('/api/v1/provider-filings').set(bearer(provider.token)).send({});
    const id = created.body.filing.id as string;
    const saved = await t.http
      .put(`/api/v1/provider-filings/${id}/form`)
      .set(bearer(provider.token))
      .send({ version: created.body.filing.version, form: completeProviderFiling() });
    for (const m of FILING_MATERIALS) {
      const up = await t.http
        .post(`/api/v1/files/provider/${id}/${m.kind}`)
        .set(bearer(provider.token))
        .attach('file', PDF, `${m.kind}.pdf`);
      expect(up.status).toBe(201);
    }
    const submitted = await t.http
      .post(`/api/v1/provider-filings/${id}/submit`)
      .set(bearer(provider.token))
      .send({ version: saved.body.filing.version });
    expect([submitted.status, submitted.body.error?.details]).toEqual([200, undefined]);
    const approved = await t.http
      .post(`/api/v1/provider-filings/${id}/approve`)
      .set(bearer(reviewer.token))
      .send({ version: submitted.body.filing.version, conditions: [1, 2, 3, 4, 5] });
    expect(approved.status).toBe(200);
    expect(approved.body.filing.filingNo).toMatch(/^林云备〔\d{4}〕0001号$/);
  });

  test('an application’s 申报编号 begins with the pack’s prefix', async () => {
    expect(await t.db.transaction((tx) => nextTrackingNumber(tx, '2026'))).toBe('LH202600001');
  });

  test('the CLI’s help, a notification and the API’s description speak of the pack’s city', async () => {
    const out: string[] = [];
    expect(await runCli(['help'], (s) => out.push(s))).toBe(0);
    expect(out.join('\n')).toContain('县级角色须加 --county，例如 --county 990101（东林区）');
    const rejected = TEMPLATES['filing.rejected']({ companyName: '某公司', reason: '材料不全', filingId: 'f1' });
    expect(rejected.body).toBe('某公司 的备案申报未通过：材料不全。如有疑问请联系市工信局企业服务科 0999-6543210。');
    expect(openapiInfo().description.split('\n')[0]).toBe('林海市工业企业上云补助平台的 HTTP 接口（/api/v1）。');
  });
});
