import { isIP } from 'node:net';

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
export const LIMIT_NAMES = ['login', 'redeem', 'join', 'bindingCode', 'upload', 'evaluate', 'message'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type LimitScope = 'address' | 'user' | 'openid';

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
  upload: 'requests',
  evaluate: 'requests',
  message: 'requests',
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
 * - uploads 300 an hour per user, 2000 per address: an application has about a dozen materials, each
 *   maybe retaken a few times, and a provider's filing a few dozen; every upload writes up to 20 MB.
 * - the public self-check 600 a minute per address: it asks nothing of the database, so only a flood
 *   matters; a bureau's office behind one address demonstrating it to visitors stays far below.
 * - official-account messages 60 a minute per follower: a person sends a few in a minute (voice, then
 *   a correction); each answer asks the database, and WeChat retries an unanswered one twice.
 */
export const DEFAULT_LIMITS = {
  'login.address': { points: 120, windowSeconds: 60 },
  'login.user': { points: 0, windowSeconds: 60 },
  'redeem.address': { points: 30, windowSeconds: 3600 },
  'redeem.user': { points: 10, windowSeconds: 3600 },
  'join.address': { points: 30, windowSeconds: 3600 },
  'join.user': { points: 10, windowSeconds: 3600 },
  'bindingCode.address': { points: 60, windowSeconds: 3600 },
  'bindingCode.user': { points: 10, windowSeconds: 3600 },
  'upload.address': { points: 2000, windowSeconds: 3600 },
  'upload.user': { points: 300, windowSeconds: 3600 },
  'evaluate.address': { points: 600, windowSeconds: 60 },
  'message.openid': { points: 60, windowSeconds: 60 },
} as const satisfies Partial<Record<`${LimitName}.${LimitScope}`, LimitRule>>;
/** The limits there are: each a name counted in one scope. */
export type LimitKey = keyof typeof DEFAULT_LIMITS;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `RATE_LIMITS`, e.g. `login.address=60/1m,join.user=5/1h`: each named limit as points per window
 * (s, m, h or d); those not named keep their defaults; `0/1m` turns one off.
 */
export function parseRateLimits(raw: string): { ok: true; limits: Record<LimitKey, LimitRule> } | { ok: false; reason: string } {
  const limits: Record<LimitKey, LimitRule> = { ...DEFAULT_LIMITS };
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]+\.(?:address|user|openid))=(\d{1,7})\/(\d{1,6})([smhd])$/.exec(part);
    if (!m) return { ok: false, reason: `“${part}”格式不对，应为 名称.address 或 名称.user = 次数/时长，例如 login.address=120/1m` };
    const key = m[1] as LimitKey;
    if (!(key in DEFAULT_LIMITS)) return { ok: false, reason: `没有名为 ${key} 的限制；可设置：${Object.keys(DEFAULT_LIMITS).join('、')}` };
    const windowSeconds = Number(m[3]) * UNIT_SECONDS[m[4]];
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
  if (v4) return v4[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const full = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${full
    .slice(0, 4)
    .map((h) => h.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
