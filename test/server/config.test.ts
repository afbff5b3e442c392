import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/src/config';
import { BUILT_IN_PACKS } from '../../shared/src/pack';
import { pack as otherCity } from '../fixtures/packSetting/otherCity';
import { REVISION } from '../fixtures/policy/revision';

describe('settings (spec/wechat.md): defaults', () => {
  test('no settings at all: embedded SQLite, sandbox, port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe('sqlite');
    expect(c.sandbox).toBe(true);
    expect(c.wechat.oa.token).toBe('sandbox-token');
    expect(c.wechat.apiBase).toBeNull();
  });

  test('OVERDUE_DAYS overrides a stage and keeps the other defaults', () => {
    const c = loadConfig({ OVERDUE_DAYS: 'county_review=10, reported=20' });
    expect(c.overdueDays).toMatchObject({ county_review: 10, reported: 20, provider_check: 7 });
  });

  test('DATA_DIR places the embedded database', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/shangyun-x' });
    expect(c.database).toEqual({ kind: 'sqlite', file: '/tmp/shangyun-x/shangyun.sqlite' });
  });

  test('production with both secrets and everything it needs', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://u:p@db:3306/shangyun',
      WECHAT_MP_APPID: 'wx1234567890',
      WECHAT_MP_SECRET: 's1',
      WECHAT_OA_APPID: 'wx0987654321',
      WECHAT_OA_SECRET: 's2',
      WECHAT_OA_TOKEN: 'tok123',
      WECHAT_OA_AES_KEY: 'a'.repeat(43),
      AUDIT_KEY: 'k'.repeat(40),
      PAY_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      PUBLIC_BASE_URL: 'https://shangyun.example.gov.cn/',
    });
    expect(c.wechatPay).toMatchObject({
      apiBase: 'https://api.mch.weixin.qq.com',
      publicBaseUrl: 'https://shangyun.example.gov.cn',
      orderTtlMinutes: 120,
    });
    expect(c.wechatPay.secretsKey).toEqual(Buffer.alloc(32, 7));
    expect(c.sandbox).toBe(false);
    expect(c.wechat.apiBase).toBe('https://api.weixin.qq.com/');
    expect(c.wechat.oa.aesKey).toHaveLength(43);
  });

  test('sandbox mode accepts a WECHAT_API_BASE pointing at a sandbox elsewhere', () => {
    expect(loadConfig({ WECHAT_API_BASE: 'http://127.0.0.1:4000' }).wechat.apiBase).toBe('http://127.0.0.1:4000/');
  });
});

const PROD = {
  NODE_ENV: 'production',
  WECHAT_MP_APPID: 'wx1234567890',
  WECHAT_MP_SECRET: 's1',
  WECHAT_OA_APPID: 'wx0987654321',
  WECHAT_OA_SECRET: 's2',
  WECHAT_OA_TOKEN: 'tok123',
  AUDIT_KEY: 'k'.repeat(40),
  PAY_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
  PUBLIC_BASE_URL: 'https://shangyun.example.gov.cn',
};

describe('settings: each wrong or contradictory one stops the start, naming it', () => {
  test.each<[string, Record<string, string>, string]>([
    ['port not a number', { PORT: 'abc' }, 'PORT'],
    ['port out of range', { PORT: '70000' }, 'PORT'],
    ['unknown NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ['database URL of another kind', { DATABASE_URL: 'postgres://u@h/db' }, 'DATABASE_URL'],
    ['database URL that is no URL', { DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    ['database URL without a database', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/' }, 'DATABASE_URL'],
    ['sandbox in production', { NODE_ENV: 'production', AUDIT_KEY: 'k'.repeat(40) }, 'NODE_ENV'],
    ['only the mini-program secret', { WECHAT_MP_SECRET: 's', WECHAT_MP_APPID: 'wx1234567890' }, 'WECHAT_OA_SECRET'],
    ['only the official-account secret', { WECHAT_OA_SECRET: 's', WECHAT_OA_APPID: 'wx1234567890' }, 'WECHAT_MP_SECRET'],
    ['a secret without its appid', { ...PROD, WECHAT_MP_APPID: '' }, 'WECHAT_MP_APPID'],
    ['official account without its appid', { ...PROD, WECHAT_OA_APPID: '' }, 'WECHAT_OA_APPID'],
    ['malformed appid', { WECHAT_MP_APPID: 'wx 123' }, 'WECHAT_MP_APPID'],
    ['production without the push token', { ...PROD, WECHAT_OA_TOKEN: '' }, 'WECHAT_OA_TOKEN'],
    ['push token with symbols', { WECHAT_OA_TOKEN: 'bad token!' }, 'WECHAT_OA_TOKEN'],
    ['AES key of the wrong length', { WECHAT_OA_AES_KEY: 'abc' }, 'WECHAT_OA_AES_KEY'],
    ['API base that is no URL', { WECHAT_API_BASE: 'nowhere' }, 'WECHAT_API_BASE'],
    ['API base of another protocol', { WECHAT_API_BASE: 'ftp://x' }, 'WECHAT_API_BASE'],
    ['production without an audit key', { ...PROD, AUDIT_KEY: '' }, 'AUDIT_KEY'],
    ['short audit key', { AUDIT_KEY: 'short' }, 'AUDIT_KEY'],
    ['session lifetime not a number', { SESSION_TTL_HOURS: '1.5' }, 'SESSION_TTL_HOURS'],
    ['session lifetime zero', { SESSION_TTL_HOURS: '0' }, 'SESSION_TTL_HOURS'],
    ['policy date impossible', { POLICY_EFFECTIVE_FROM: '2023-02-30' }, 'POLICY_EFFECTIVE_FROM'],
    ['unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['overdue days of an unknown stage', { OVERDUE_DAYS: 'nowhere=3' }, 'OVERDUE_DAYS'],
    ['production without the merchant-secret key', { ...PROD, PAY_SECRETS_KEY: '' }, 'PAY_SECRETS_KEY'],
    ['merchant-secret key of the wrong length', { PAY_SECRETS_KEY: Buffer.alloc(16).toString('base64') }, 'PAY_SECRETS_KEY'],
    ['production without its public address for WeChat Pay callbacks', { ...PROD, PUBLIC_BASE_URL: '' }, 'PUBLIC_BASE_URL'],
    ['a public address WeChat Pay will not call', { ...PROD, PUBLIC_BASE_URL: 'http://shangyun.example.gov.cn' }, 'PUBLIC_BASE_URL'],
    ['WeChat Pay API base that is no URL', { WECHAT_PAY_API_BASE: 'nowhere' }, 'WECHAT_PAY_API_BASE'],
    ['order lifetime too short', { PAY_ORDER_TTL_MINUTES: '1' }, 'PAY_ORDER_TTL_MINUTES'],
    ['overdue days not a number', { OVERDUE_DAYS: 'county_review=ten' }, 'OVERDUE_DAYS'],
  ])('%s', (_label, env, setting) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(setting);
    expect((error as ConfigError).message).toMatch(new RegExp(`^设置错误 ${setting}: \\S`));
    expect((error as ConfigError).message).not.toContain('\n');
  });
});

describe('POLICY_PACK (issue 18 item 4): one server serves one pack', () => {
  const FIXTURE = path.join(__dirname, '../fixtures/packSetting/otherCity.ts');

  test('POLICY_EFFECTIVE_FROM moves the first version only: on or after the next version’s day it stops the start, in Chinese', () => {
    const REVISED = path.join(__dirname, '../fixtures/packSetting/revisedYichun.ts');
    expect(loadConfig({ POLICY_PACK: REVISED, POLICY_EFFECTIVE_FROM: '2024-03-01' }).policyEffectiveFrom).toBe('2024-03-01');
    expect(loadConfig({ POLICY_PACK: REVISED }).policyEffectiveFrom).toBeNull();
    for (const day of ['2025-07-01', '2026-01-01']) {
      expect(() => loadConfig({ POLICY_PACK: REVISED, POLICY_EFFECTIVE_FROM: day })).toThrow(
        new ConfigError('POLICY_EFFECTIVE_FROM', `须早于政策的下一版本（${REVISION.source}）施行之日 2025-07-01，现为 ${day}`),
      );
    }
  });
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shangyun-pack-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A module exporting the fixture's pack changed by `change` (JavaScript source over `p`). */
  function variant(name: string, change: string): string {
    const file = path.join(dir, `${name}.js`);
    fs.writeFileSync(file, `const p = { ...require(${JSON.stringify(FIXTURE)}).pack };\n${change}\nexports.pack = p;\n`);
    return file;
  }

  test('by default, and by its name, the built-in pack', () => {
    expect(loadConfig({}).policyPack).toBe(BUILT_IN_PACKS.yichun);
    expect(loadConfig({ POLICY_PACK: 'yichun' }).policyPack).toBe(BUILT_IN_PACKS.yichun);
  });

  test('a path, absolute or relative to the working directory, to a module that exports pack', () => {
    expect(loadConfig({ POLICY_PACK: FIXTURE }).policyPack).toBe(otherCity);
    expect(loadConfig({ POLICY_PACK: path.relative(process.cwd(), FIXTURE) }).policyPack).toBe(otherCity);
  });

  test.each([
    ['an unknown name', 'harbin', /^设置错误 POLICY_PACK: 没有名为 "harbin" 的内置政策包（可用：yichun），或给出导出 pack 的模块路径$/],
    ['a path to nothing', './nowhere/pack.js', /^设置错误 POLICY_PACK: 无法加载政策包模块 .*nowhere\/pack\.js：/],
  ])('%s stops the start, naming the setting', (_what, setting, message) => {
    expect(() => loadConfig({ POLICY_PACK: setting })).toThrow(ConfigError);
    expect(() => loadConfig({ POLICY_PACK: setting })).toThrow(message);
  });

  test.each([
    ['no pack exported', 'module.exports = { other: p };\nreturn;', /没有导出 pack（政策包）$/],
    ['a field the built-in pack has is missing', 'delete p.chat;', /的政策包不完整：pack\.chat 须为对象，现为未填写$/],
    ['a field of another kind', 'p.numbers = { ...p.numbers, trackingPrefix: 7 };', /pack\.numbers\.trackingPrefix 须为文字，现为数字$/],
    ['a county of another kind', 'p.counties = [...p.counties, { code: 990131 }];', /pack\.counties\[3\]\.code 须为文字，现为数字$/],
    [
      'a county outside the city',
      "p.counties = [{ code: '990101', name: '东林区' }, { code: '120101', name: '别处' }];",
      /县（市）区代码 "120101" 须为以 9901 开头的 6 位数字/,
    ],
    [
      'a county twice',
      "p.counties = [{ code: '990101', name: '东林区' }, { code: '990101', name: '东林区' }];",
      /县（市）区代码 "990101" 重复$/,
    ],
    ['no county', 'p.counties = [];', /至少要有一个县（市）区$/],
    [
      'versions out of order',
      "p.versions = [p.versions[0], { ...p.versions[0], id: 'v0', effectiveFrom: '2020-01-01' }];",
      /版本须按施行日期先后排列：v0 的 2020-01-01 不晚于前一个版本$/,
    ],
    [
      'a tracking prefix that is not letters',
      "p.numbers = { ...p.numbers, trackingPrefix: 'L-1' };",
      /申报编号前缀须为 1 到 8 个大写字母，现为 "L-1"$/,
    ],
    [
      'a filing number its own pattern refuses',
      'p.numbers = { ...p.numbers, filingNo: (y, n) => `${y}-${n}` };',
      /备案编号 2026-1 不符合包自己的备案编号格式/,
    ],
  ])('%s: refused at start-up with what is wrong', (name, change, message) => {
    const file = variant(name.replace(/\W+/g, '-'), change);
    expect(() => loadConfig({ POLICY_PACK: file })).toThrow(new RegExp(`^设置错误 POLICY_PACK: .*${message.source}`));
  });
});
