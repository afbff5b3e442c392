import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterMySQL, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../db/database';
import { TooManyRequestsError } from '../modules/errors';
import { LIMIT_COUNTS, addressKey, type LimitKey, type LimitName, type LimitRule, type LimitScope } from './rateLimitRules';

export type { LimitName } from './rateLimitRules';

/**
 * Who is counted: the client's address (null for the official account's messages, which all come from
 * WeChat's servers), the logged-in user, the follower's openid.
 */
export interface Caller {
  address: string | null;
  userId: string | null;
  openid?: string | null;
}

export interface LimitStoreOptions {
  db: Database;
  /** The database name on MySQL/MariaDB, where the counters live in `rate_limits`. */
  mysqlDatabase: string | null;
  /** Redis (REDIS_URL): when given, the counters live there, whatever the database. */
  redis?: Redis | null;
  /** Before every counter's key in Redis, so that several deployments (or test runs) can share one server. */
  keyPrefix?: string;
}

/**
 * Counters held where every instance sees them: in Redis when REDIS_URL is set; otherwise in the
 * database on MySQL/MariaDB (one instance or many), in memory on SQLite (one process by design). If the
 * store cannot be reached, a memory counter stands in until it can (rate-limiter-flexible's insurance
 * limiter): a refusal of service is worse than a few minutes of per-instance counting.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitKey, RateLimiterAbstract>();

  constructor(
    readonly rules: Record<LimitKey, LimitRule>,
    store: LimitStoreOptions,
    /** Told of each refusal by its limit (`login.address` …): the metrics count them. */
    private readonly onRefusal?: (limit: string) => void,
  ) {
    for (const [key, rule] of Object.entries(rules) as [LimitKey, LimitRule][]) {
      if (rule.points <= 0) continue;
      const opts = { points: rule.points, duration: rule.windowSeconds, keyPrefix: key };
      const memory = new RateLimiterMemory(opts);
      const pool = store.db.kind === 'mysql' ? (store.db.dataSource.driver as unknown as { pool?: unknown }).pool : undefined;
      if (store.redis) {
        this.limiters.set(
          key,
          new RateLimiterRedis({
            ...opts,
            keyPrefix: `${store.keyPrefix ?? 'shangyun'}:rl:${key}`,
            storeClient: store.redis,
            // Redis down or reconnecting: the memory counter answers at once rather than waiting.
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          }),
        );
      } else if (pool && store.mysqlDatabase) {
        this.limiters.set(
          key,
          new RateLimiterMySQL({
            ...opts,
            storeClient: pool,
            storeType: 'pool',
            dbName: store.mysqlDatabase,
            tableName: 'rate_limits',
            tableCreated: true,
            clearExpiredByTimeout: false,
            insuranceLimiter: memory,
          }),
        );
      } else {
        this.limiters.set(key, memory);
      }
    }
  }

  counts(name: LimitName): 'requests' | 'failures' {
    return LIMIT_COUNTS[name];
  }

  /** Refuses with 429 when any of the caller's counters is spent; for `requests` limits, counts this call. */
  async admit(name: LimitName, who: Caller): Promise<void> {
    for (const [scope, id] of this.keys(name, who)) {
      const limiter = this.limiters.get(`${name}.${scope}` as LimitKey);
      if (!limiter) continue;
      if (this.counts(name) === 'requests') {
        try {
          await limiter.consume(id);
        } catch (res) {
          if (res instanceof RateLimiterRes) {
            this.onRefusal?.(`${name}.${scope}`);
            throw tooMany(res.msBeforeNext);
          }
          throw res;
        }
      } else {
        const res = await limiter.get(id);
        if (res && res.consumedPoints >= limiter.points) {
          this.onRefusal?.(`${name}.${scope}`);
          throw tooMany(res.msBeforeNext);
        }
      }
    }
  }

  /** Counts one wrong try against the caller (for `failures` limits). */
  async failed(name: LimitName, who: Caller): Promise<void> {
    for (const [scope, id] of this.keys(name, who)) {
      const limiter = this.limiters.get(`${name}.${scope}` as LimitKey);
      if (!limiter) continue;
      // penalty() adds a point without refusing: this try has already been answered.
      await limiter.penalty(id, 1);
    }
  }

  private keys(_name: LimitName, who: Caller): [LimitScope, string][] {
    const keys: [LimitScope, string][] = [];
    if (who.address !== null) keys.push(['address', addressKey(who.address)]);
    if (who.userId) keys.push(['user', who.userId]);
    if (who.openid) keys.push(['openid', who.openid]);
    return keys;
  }
}

function tooMany(msBeforeNext: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const wait = seconds >= 3600 ? `${Math.ceil(seconds / 3600)} 小时` : seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
  return new TooManyRequestsError(`尝试次数太多，为保护账号安全已暂停，请 ${wait}后再试`, seconds);
}
