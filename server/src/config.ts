import path from 'node:path';
import { APPLICATION_STATES, type ApplicationState } from '../../shared/src/workflow/application';
import { parseOverdueDays } from '../../shared/src/workflow/overdue';
import { parseRateLimits, type LimitKey, type LimitRule } from './http/rateLimitRules';
import type { PolicyPack } from '../../shared/src/pack';
import { parsePackSetting } from './packSetting';

/**
 * Settings come from the environment only (spec/wechat.md, "Settings"). Every setting is checked
 * here, once, at start-up: a wrong or contradictory one stops the start with one line that names it.
 */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /**
   * How many reverse proxies in front of the server add to X-Forwarded-For. 0: the socket's address
   * is the client's and forwarding headers are ignored (anyone can send them).
   */
  trustProxy: number;
  /** Limits on logins and on the codes that open something (./http/rateLimits.ts). */
  rateLimits: Record<LimitKey, LimitRule>;
  database: { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string; name: string };
  dataDir: string;
  sandbox: boolean;
  wechat: {
    mp: { appid: string; secret: string };
    oa: { appid: string; secret: string; token: string; aesKey: string | null };
    /** Absent in sandbox mode means: the development entry (npm start) starts a sandbox beside the server and points the clients at it; the production entry refuses sandbox mode. */
    apiBase: string | null;
  };
  auditKey: string;
  sessionTtlHours: number;
  /** POLICY_EFFECTIVE_FROM: the first version's first day when the bureau gives it; null: the pack's own. */
  policyEffectiveFrom: string | null;
  /** The one policy pack this server serves (POLICY_PACK): installed by `start` before the app serves. */
  policyPack: PolicyPack;
  /** Days a case may wait at each stage before it is shown as overdue. */
  overdueDays: Partial<Record<ApplicationState, number>>;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are
   * cut (SHUTDOWN_GRACE_MS): below the 30 s a process manager usually waits before it kills.
   */
  shutdownGraceMs: number;
  /** Prometheus metrics: on a loopback port of their own, and/or on the main port to a bearer of the token. */
  metrics: { port: number | null; token: string | null };
  /** Redis for what every instance must share (the rate limits' counters); null: the database, or memory on SQLite. */
  redis: { url: string | null; keyPrefix: string };
  wechatPay: {
    /** WeChat Pay's API host, or the sandbox's; null in sandbox mode: then the WeChat sandbox's (WECHAT_API_BASE, or the one npm start starts), which answers both. */
    apiBase: string | null;
    /** Encrypts providers' merchant secrets at rest (32 bytes). */
    secretsKey: Buffer;
    /** Where WeChat Pay sends its callbacks (`…/api/v1/wechat/pay/notify/<account>`); null: the server's own address (sandbox only). */
    publicBaseUrl: string | null;
    /** An unpaid order is closed after this long (time_expire). */
    orderTtlMinutes: number;
    /** How long to wait for one WeChat Pay answer before treating it as unclear. */
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`设置错误 ${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const SANDBOX_MP_APPID = 'wxsandboxminiprog';
const SANDBOX_OA_APPID = 'wxsandboxofficial';
const DEV_AUDIT_KEY = 'sandbox-audit-key-not-for-production';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `须为整数，现为 "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `须在 ${min} 到 ${max} 之间，现为 ${n}`);
  return n;
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnvRaw = value(env, 'NODE_ENV') ?? 'development';
  if (nodeEnvRaw !== 'development' && nodeEnvRaw !== 'test' && nodeEnvRaw !== 'production') {
    throw new ConfigError('NODE_ENV', `须为 development、test 或 production，现为 "${nodeEnvRaw}"`);
  }
  const nodeEnv = nodeEnvRaw;
  const port = integerSetting(env, 'PORT', 3000, 0, 65535);
  const host = value(env, 'HOST') ?? '0.0.0.0';

  const dataDir = path.resolve(value(env, 'DATA_DIR') ?? './data');

  let database: Config['database'];
  const dbUrl = value(env, 'DATABASE_URL');
  if (dbUrl === undefined) {
    database = { kind: 'sqlite', file: path.join(dataDir, 'shangyun.sqlite') };
  } else {
    let parsed: URL;
    try {
      parsed = new URL(dbUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', '不是合法的地址，应为 mysql://用户:密码@主机:3306/数据库名');
    }
    if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
      throw new ConfigError('DATABASE_URL', `只支持 mysql:// 或 mariadb://，现为 "${parsed.protocol}//"；不设置则使用内置 SQLite`);
    }
    if (parsed.pathname.replace(/^\//, '') === '') {
      throw new ConfigError('DATABASE_URL', '缺少数据库名，例如 mysql://root@127.0.0.1:3306/shangyun');
    }
    database = { kind: 'mysql', url: dbUrl, name: decodeURIComponent(parsed.pathname.replace(/^\//, '')) };
  }

  const mpSecret = value(env, 'WECHAT_MP_SECRET');
  const oaSecret = value(env, 'WECHAT_OA_SECRET');
  // spec/wechat.md: sandbox mode is on exactly when no WeChat secret is set.
  const sandbox = mpSecret === undefined && oaSecret === undefined;
  if (sandbox && nodeEnv === 'production') {
    throw new ConfigError('NODE_ENV', '生产环境不能使用微信沙箱：请设置 WECHAT_MP_SECRET 和 WECHAT_OA_SECRET');
  }
  if (!sandbox) {
    if (mpSecret === undefined)
      throw new ConfigError('WECHAT_MP_SECRET', '已设置 WECHAT_OA_SECRET 却未设置小程序密钥：两者须同时设置（都不设置则为沙箱模式）');
    if (oaSecret === undefined)
      throw new ConfigError('WECHAT_OA_SECRET', '已设置 WECHAT_MP_SECRET 却未设置公众号密钥：两者须同时设置（都不设置则为沙箱模式）');
  }
  const mpAppid = value(env, 'WECHAT_MP_APPID') ?? (sandbox ? SANDBOX_MP_APPID : undefined);
  const oaAppid = value(env, 'WECHAT_OA_APPID') ?? (sandbox ? SANDBOX_OA_APPID : undefined);
  if (mpAppid === undefined) throw new ConfigError('WECHAT_MP_APPID', '设置了小程序密钥时必须同时设置小程序 AppID');
  if (oaAppid === undefined) throw new ConfigError('WECHAT_OA_APPID', '设置了公众号密钥时必须同时设置公众号 AppID');
  for (const [name, appid] of [
    ['WECHAT_MP_APPID', mpAppid],
    ['WECHAT_OA_APPID', oaAppid],
  ] as const) {
    if (!/^[A-Za-z0-9_-]{4,64}$/.test(appid)) throw new ConfigError(name, `AppID 格式不对："${appid}"`);
  }

  const oaToken = value(env, 'WECHAT_OA_TOKEN') ?? (sandbox ? 'sandbox-token' : undefined);
  if (oaToken === undefined) throw new ConfigError('WECHAT_OA_TOKEN', '正式模式下必须设置公众号服务器配置中的 Token');
  if (!/^[A-Za-z0-9]{3,32}$/.test(oaToken) && !(sandbox && oaToken === 'sandbox-token')) {
    throw new ConfigError('WECHAT_OA_TOKEN', 'Token 须为 3–32 位英文字母或数字，与公众平台“服务器配置”一致');
  }
  const aesKey = value(env, 'WECHAT_OA_AES_KEY') ?? null;
  if (aesKey !== null && !/^[A-Za-z0-9+/]{43}$/.test(aesKey)) {
    throw new ConfigError(
      'WECHAT_OA_AES_KEY',
      `EncodingAESKey 须为 43 位字母或数字（现为 ${aesKey.length} 位），从公众平台“服务器配置”复制`,
    );
  }

  const apiBaseRaw = value(env, 'WECHAT_API_BASE');
  let apiBase: string | null = null;
  if (apiBaseRaw !== undefined) {
    let u: URL;
    try {
      u = new URL(apiBaseRaw);
    } catch {
      throw new ConfigError('WECHAT_API_BASE', `不是合法的地址："${apiBaseRaw}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError('WECHAT_API_BASE', '须为 http:// 或 https:// 地址');
    apiBase = u.toString().endsWith('/') ? u.toString() : `${u.toString()}/`;
  } else if (!sandbox) {
    apiBase = 'https://api.weixin.qq.com/';
  }

  const auditKey = value(env, 'AUDIT_KEY') ?? (nodeEnv === 'production' ? undefined : DEV_AUDIT_KEY);
  if (auditKey === undefined) throw new ConfigError('AUDIT_KEY', '生产环境必须设置审计链密钥（至少 32 个字符，妥善保管，不可更换）');
  if (auditKey.length < 32) throw new ConfigError('AUDIT_KEY', '审计链密钥至少 32 个字符');

  const sessionTtlHours = integerSetting(env, 'SESSION_TTL_HOURS', 72, 1, 24 * 30);

  const pack = parsePackSetting(value(env, 'POLICY_PACK'));
  if (!pack.ok) throw new ConfigError('POLICY_PACK', pack.reason);

  const policyEffectiveFrom = value(env, 'POLICY_EFFECTIVE_FROM') ?? null;
  if (policyEffectiveFrom !== null) {
    if (!isCalendarDate(policyEffectiveFrom)) {
      throw new ConfigError('POLICY_EFFECTIVE_FROM', `须为日期 YYYY-MM-DD（细则自发布之日起施行），现为 "${policyEffectiveFrom}"`);
    }
    // The setting moves the first version's first day only: the versions' order is the code's.
    const second = pack.pack.versions[1];
    if (second !== undefined && policyEffectiveFrom >= second.effectiveFrom) {
      throw new ConfigError(
        'POLICY_EFFECTIVE_FROM',
        `须早于政策的下一版本（${second.source}）施行之日 ${second.effectiveFrom}，现为 ${policyEffectiveFrom}`,
      );
    }
  }

  const overdue = parseOverdueDays(value(env, 'OVERDUE_DAYS') ?? '', APPLICATION_STATES);
  if (!overdue.ok) throw new ConfigError('OVERDUE_DAYS', overdue.reason);

  const logLevelRaw = value(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    throw new ConfigError('LOG_LEVEL', `须为 ${LOG_LEVELS.join('、')} 之一`);
  }

  const wechatPay = payConfig(env, nodeEnv, sandbox);

  const trustProxy = integerSetting(env, 'TRUST_PROXY', 0, 0, 10);
  const limits = parseRateLimits(value(env, 'RATE_LIMITS') ?? '');
  if (!limits.ok) throw new ConfigError('RATE_LIMITS', limits.reason);

  return {
    nodeEnv,
    port,
    host,
    trustProxy,
    rateLimits: limits.limits,
    database,
    dataDir,
    sandbox,
    wechat: {
      mp: { appid: mpAppid, secret: mpSecret ?? 'sandbox-mp-secret' },
      oa: { appid: oaAppid, secret: oaSecret ?? 'sandbox-oa-secret', token: oaToken, aesKey },
      apiBase,
    },
    auditKey,
    sessionTtlHours,
    policyEffectiveFrom,
    policyPack: pack.pack,
    overdueDays: overdue.days,
    logLevel: logLevelRaw as Config['logLevel'],
    shutdownGraceMs: integerSetting(env, 'SHUTDOWN_GRACE_MS', 20_000, 0, 10 * 60_000),
    metrics: metricsConfig(env),
    redis: redisConfig(env),
    wechatPay,
  };
}

function redisConfig(env: Env): Config['redis'] {
  const url = value(env, 'REDIS_URL') ?? null;
  if (url !== null) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ConfigError('REDIS_URL', `不是合法的地址："${url}"，应为 redis://主机:6379 或 rediss://…`);
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError('REDIS_URL', '须为 redis:// 或 rediss:// 地址');
  }
  const keyPrefix = value(env, 'REDIS_KEY_PREFIX') ?? 'shangyun';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(keyPrefix)) throw new ConfigError('REDIS_KEY_PREFIX', '须为 1 到 64 个字母、数字或 _ . -');
  return { url, keyPrefix };
}

function metricsConfig(env: Env): Config['metrics'] {
  const port = value(env, 'METRICS_PORT') === undefined ? null : integerSetting(env, 'METRICS_PORT', 0, 1, 65_535);
  const token = value(env, 'METRICS_TOKEN') ?? null;
  if (token !== null && (token.length < 24 || /\s/.test(token)))
    throw new ConfigError('METRICS_TOKEN', '须为至少 24 个字符、不含空白的随机串（例如 openssl rand -hex 16 的结果）');
  return { port, token };
}

const DEV_PAY_SECRETS_KEY = Buffer.alloc(32, 's');

function httpUrl(env: Env, name: string): string | null {
  const raw = value(env, name);
  if (raw === undefined) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `不是合法的地址："${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(name, '须为 http:// 或 https:// 地址');
  return u.toString().replace(/\/+$/, '');
}

function payConfig(env: Env, nodeEnv: Config['nodeEnv'], sandbox: boolean): Config['wechatPay'] {
  const keyRaw = value(env, 'PAY_SECRETS_KEY');
  let secretsKey: Buffer;
  if (keyRaw === undefined) {
    if (nodeEnv === 'production')
      throw new ConfigError(
        'PAY_SECRETS_KEY',
        '生产环境必须设置服务商商户密钥的加密密钥：32 字节，base64 编码（例如 openssl rand -base64 32 的结果），妥善保管，不可更换',
      );
    secretsKey = DEV_PAY_SECRETS_KEY;
  } else {
    secretsKey = Buffer.from(keyRaw, 'base64');
    if (secretsKey.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(keyRaw))
      throw new ConfigError('PAY_SECRETS_KEY', '须为 32 字节的 base64 编码（44 个字符，例如 openssl rand -base64 32 的结果）');
  }
  const apiBase = httpUrl(env, 'WECHAT_PAY_API_BASE') ?? (sandbox ? null : 'https://api.mch.weixin.qq.com');
  const publicBaseUrl = httpUrl(env, 'PUBLIC_BASE_URL');
  if (!sandbox && publicBaseUrl === null)
    throw new ConfigError(
      'PUBLIC_BASE_URL',
      '正式模式下必须设置本服务的公网 https 地址：微信支付的回调发往 <PUBLIC_BASE_URL>/api/v1/wechat/pay/notify/…',
    );
  if (!sandbox && publicBaseUrl !== null && !publicBaseUrl.startsWith('https://'))
    throw new ConfigError('PUBLIC_BASE_URL', '微信支付只向 https 地址回调');
  return {
    apiBase,
    secretsKey,
    publicBaseUrl,
    orderTtlMinutes: integerSetting(env, 'PAY_ORDER_TTL_MINUTES', 120, 5, 7 * 24 * 60),
    timeoutMs: integerSetting(env, 'PAY_TIMEOUT_MS', 5000, 100, 60_000),
  };
}
