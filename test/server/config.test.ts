import { ConfigError, loadConfig } from '../../server/src/config';

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
