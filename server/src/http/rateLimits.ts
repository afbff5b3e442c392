import { isIP } from 'node:net';
import { RateLimiterMemory, RateLimiterMySQL, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { TooManyRequestsError } from './errors';

/**
 * Limits on the doors that open something: logging in, redeeming a reviewer's invitation, joining an
 * enterprise with a colleague's code, and issuing an official-account binding code. Each is counted
 * per client address and, once logged in, per user, so that neither many accounts from one place nor
 * one account from many places can guess. The client address is the socket's, or the one the trusted
 * proxies (TRUST_PROXY hops) report — never a header anyone can send.
 *
 * `failures` limits count only tries that the use case refused as wrong (a wrong code, an unknown
 * enterprise): a colleague who types the right code is never held up by others' typos from the same
 * office. `requests` limits count every call.
 */
export const LIMIT_NAMES = ['login', 'redeem', 'join', 'bindingCode'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type LimitScope = 'address' | 'user';
export type LimitKey = `${LimitName}.${LimitScope}`;

export interface LimitRule {
  /** Calls (or wrong tries) allowed in the window; 0 turns the limit off. */
  points: number;
  windowSeconds: number;
}

export const LIMIT_COUNTS: Record<LimitName, 'requests' | 'failures'> = {
  login: 'requests',
  redeem: 'failures',
  join: 'failures',
  bindingCode: 'requests',
};

/**
 * Defaults, and why:
 * - login per address 120 a minute: logging in costs a code2Session call to WeChat (which itself
 *   allows a user 100 a minute); a bureau's whole office behind one address logs in far less often.
 * - redeem 10 wrong codes an hour per user, 30 per address: a person mistypes a code a few times;
 *   reviewers' codes are 60 bits, so this only stops machines.
 * - join 10 wrong codes an hour per user, 30 per address, on top of the lock after 5 wrong tries on
 *   one enterprise (enterprises.ts).
 * - binding codes 10 an hour per user, 60 per address: a person binds one official account once.
 */
export const DEFAULT_LIMITS: Record<LimitKey, LimitRule> = {
  'login.address': { points: 120, windowSeconds: 60 },
  'login.user': { points: 0, windowSeconds: 60 },
  'redeem.address': { points: 30, windowSeconds: 3600 },
  'redeem.user': { points: 10, windowSeconds: 3600 },
  'join.address': { points: 30, windowSeconds: 3600 },
  'join.user': { points: 10, windowSeconds: 3600 },
  'bindingCode.address': { points: 60, windowSeconds: 3600 },
  'bindingCode.user': { points: 10, windowSeconds: 3600 },
};

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `RATE_LIMITS`, e.g. `login.address=60/1m,join.user=5/1h`: each named limit as points per window
 * (s, m, h or d); those not named keep their defaults; `0/1m` turns one off.
 */
export function parseRateLimits(raw: string): { ok: true; limits: Record<LimitKey, LimitRule> } | { ok: false; reason: string } {
  const limits = { ...DEFAULT_LIMITS };
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+\.(?:address|user))=(\d{1,7})\/(\d{1,6})([smhd])$/.exec(part);
    if (!m) return { ok: false, reason: `“${part}”格式不对，应为 名称.address 或 名称.user = 次数/时长，例如 login.address=120/1m` };
    const key = m[1] as LimitKey;
    if (!(key in DEFAULT_LIMITS)) return { ok: false, reason: `没有名为 ${key} 的限制；可设置：${Object.keys(DEFAULT_LIMITS).join('、')}` };
    const windowSeconds = Number(m[3]) * UNIT_SECONDS[m[4]!]!;
    if (windowSeconds < 1 || windowSeconds > 7 * 86400) return { ok: false, reason: `${key} 的时长须在 1 秒到 7 天之间` };
    limits[key] = { points: Number(m[2]), windowSeconds };
  }
  return { ok: true, limits };
}

/**
 * The key of a client address. An IPv6 client usually holds a whole /64, so it is counted as one;
 * an IPv4 address mapped into IPv6 is counted as the IPv4 address.
 */
export function addressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const full = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${full.slice(0, 4).map((h) => h.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface LimitStoreOptions {
  db: Database;
  /** The database name on MySQL/MariaDB, where the counters live in `rate_limits`. */
  mysqlDatabase: string | null;
  logger: Logger;
}

/**
 * Counters held where every instance sees them: in the database on MySQL/MariaDB (one instance or
 * many), in memory on SQLite (one process by design). If the database cannot be reached, a memory
 * counter stands in until it can (rate-limiter-flexible's insurance limiter): a refusal of service is
 * worse than a few minutes of per-instance counting.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitKey, RateLimiterAbstract>();

  constructor(
    readonly rules: Record<LimitKey, LimitRule>,
    store: LimitStoreOptions,
  ) {
    for (const [key, rule] of Object.entries(rules) as [LimitKey, LimitRule][]) {
      if (rule.points <= 0) continue;
      const opts = { points: rule.points, duration: rule.windowSeconds, keyPrefix: key };
      const memory = new RateLimiterMemory(opts);
      const pool = store.db.kind === 'mysql' ? (store.db.dataSource.driver as unknown as { pool?: unknown }).pool : undefined;
      if (pool && store.mysqlDatabase) {
        this.limiters.set(key, new RateLimiterMySQL({ ...opts, storeClient: pool, storeType: 'pool', dbName: store.mysqlDatabase, tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false, insuranceLimiter: memory }));
      } else {
        this.limiters.set(key, memory);
      }
    }
  }

  counts(name: LimitName): 'requests' | 'failures' {
    return LIMIT_COUNTS[name];
  }

  /** Refuses with 429 when any of the caller's counters is spent; for `requests` limits, counts this call. */
  async admit(name: LimitName, who: { address: string; userId: string | null }): Promise<void> {
    for (const [scope, id] of this.keys(name, who)) {
      const limiter = this.limiters.get(`${name}.${scope}`);
      if (!limiter) continue;
      if (this.counts(name) === 'requests') {
        try {
          await limiter.consume(id);
        } catch (res) {
          if (res instanceof RateLimiterRes) throw tooMany(res.msBeforeNext);
          throw res;
        }
      } else {
        const res = await limiter.get(id);
        if (res && res.consumedPoints >= limiter.points) throw tooMany(res.msBeforeNext);
      }
    }
  }

  /** Counts one wrong try against the caller (for `failures` limits). */
  async failed(name: LimitName, who: { address: string; userId: string | null }): Promise<void> {
    for (const [scope, id] of this.keys(name, who)) {
      const limiter = this.limiters.get(`${name}.${scope}`);
      if (!limiter) continue;
      // penalty() adds a point without refusing: this try has already been answered.
      await limiter.penalty(id, 1);
    }
  }

  private keys(_name: LimitName, who: { address: string; userId: string | null }): [LimitScope, string][] {
    const keys: [LimitScope, string][] = [['address', addressKey(who.address)]];
    if (who.userId) keys.push(['user', who.userId]);
    return keys;
  }
}

function tooMany(msBeforeNext: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const wait = seconds >= 3600 ? `${Math.ceil(seconds / 3600)} 小时` : seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
  return new TooManyRequestsError(`尝试次数太多，为保护账号安全已暂停，请 ${wait}后再试`, seconds);
}
