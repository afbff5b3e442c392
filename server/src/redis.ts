import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis client (REDIS_URL), for what every instance must share. ioredis, because it reconnects
 * by itself and rate-limiter-flexible drives it directly. Commands are never queued while Redis is
 * away: the rate limits then count in memory (their insurance limiter) instead of making a request wait.
 */
export function connectRedis(url: string, logger: Pick<Logger, 'warn' | 'info'>): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Back off up to 5 s between reconnection attempts, for ever: Redis coming back is the normal case.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  let down = false;
  redis.on('error', (err: NodeJS.ErrnoException) => {
    if (!down) logger.warn({ code: err.code }, 'Redis unreachable: rate limits count in memory until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis reachable again');
    down = false;
  });
  return redis;
}

/**
 * Waits until the client is ready, at most `withinMs`; never fails (Redis away at start is an outage to
 * ride out, not a reason to refuse to start). Counting starts in Redis, not in the stand-in memory.
 */
export async function redisReady(redis: Redis, withinMs = 2000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, withinMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
