/**
 * A fixed clock and a fixed seed, so that two runs of the screens command draw the same pictures: the
 * same dates and times on the pages, the same tracking numbers, credit codes, invitation and binding codes,
 * merchant numbers and ids (which also fix the order of rows created in one millisecond).
 *
 * Installed once for the whole process (this is a rendering run with throw-away data, never a server):
 * - Date: every read (`Date.now()`, `new Date()`) returns the current instant and moves it on by 1 ms, so
 *   times are strictly increasing and depend only on how many reads came before — not on how fast the
 *   machine is; steps (enterStep) fix the clock at each action on a page, and `resetDeterminism()` puts it
 *   back at the start for each scenario, so a scenario's pictures do not depend on which scenarios ran
 *   before it. Timers (`setTimeout`) stay real.
 * - randomness: Math.random, node:crypto's randomBytes / randomFill(Sync) / randomInt / randomUUID and
 *   WebCrypto's getRandomValues draw from seeded generators (sfc32, one per kind of call), reseeded per
 *   scenario. Key pairs
 *   (generateKeyPairSync, the WeChat Pay sandbox's RSA keys) still come from OpenSSL; no page shows them.
 */
import crypto from 'node:crypto';

/** 2026-12-01 09:30:00 in Yichun (UTC+8). */
export const FIXED_START = Date.UTC(2026, 11, 1, 1, 30, 0);
const SEED = 0x5c_2017;

const RealDate = Date;
let instant = FIXED_START;

function tick(): number {
  instant += 1;
  return instant;
}

class FixedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(tick());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return tick();
  }
}

// ---- the seeded generators ------------------------------------------------------------------------------
/**
 * sfc32: small, fast, good enough for ids and codes that only have to be the same every run. One stream per
 * kind of call, so that a request id drawn (randomUUID) by requests that race each other cannot shift the
 * codes a page shows (randomInt) or the ids rows get (getRandomValues).
 */
class Stream {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(private readonly salt: number) {
    this.reset(0);
  }

  reset(step: number): void {
    this.a = 0x9e3779b9 ^ Math.imul(step, 0x85ebca6b);
    this.b = 0x243f6a88;
    this.c = 0xb7e15162 ^ this.salt;
    this.d = SEED;
    for (let i = 0; i < 16; i += 1) this.next32();
  }

  next32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  fill<T extends ArrayBufferView>(view: T): T {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = this.next32() & 0xff;
    return view;
  }

  int(min: number, max?: number): number {
    const [lo, hi] = max === undefined ? [0, min] : [min, max];
    return lo + Math.floor((this.next32() / 0x1_0000_0000) * (hi - lo));
  }
}

const math = new Stream(1);
const bytes = new Stream(2);
const ints = new Stream(3);
const uuids = new Stream(4);
const webValues = new Stream(5);
const STREAMS = [math, bytes, ints, uuids, webValues];

let installed = false;

/** Puts the fixed clock and the seeded randomness in place (once). */
export function installDeterminism(): void {
  if (installed) return;
  installed = true;
  globalThis.Date = FixedDate as DateConstructor;
  Math.random = () => math.next32() / 0x1_0000_0000;

  const c = crypto as unknown as Record<string, unknown>;
  c.randomBytes = (size: number, callback?: (err: Error | null, buf: Buffer) => void) => {
    const buf = bytes.fill(Buffer.alloc(size));
    if (callback) {
      setImmediate(() => callback(null, buf));
      return undefined;
    }
    return buf;
  };
  c.randomFillSync = <T extends ArrayBufferView>(view: T) => bytes.fill(view);
  c.randomFill = <T extends ArrayBufferView>(view: T, ...rest: unknown[]) => {
    const callback = rest.at(-1) as (err: Error | null, v: T) => void;
    setImmediate(() => callback(null, bytes.fill(view)));
  };
  c.randomInt = (...args: unknown[]) => {
    const callback = typeof args.at(-1) === 'function' ? (args.pop() as (err: Error | null, n: number) => void) : undefined;
    const n = ints.int(args[0] as number, args[1] as number | undefined);
    if (callback) {
      setImmediate(() => callback(null, n));
      return undefined;
    }
    return n;
  };
  c.randomUUID = () => {
    const h = uuids.fill(Buffer.alloc(16));
    h[6] = (h[6] & 0x0f) | 0x40;
    h[8] = (h[8] & 0x3f) | 0x80;
    const x = h.toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  };
  const web = globalThis.crypto as unknown as Record<string, unknown>;
  web.getRandomValues = <T extends ArrayBufferView>(view: T) => webValues.fill(view);
  (crypto.webcrypto as unknown as Record<string, unknown>).getRandomValues = web.getRandomValues;
}

/** Each step of a scenario (one action on a page) starts this much later than the one before. */
export const STEP_MS = 10_000;

/**
 * Step `n` of a scenario: the clock at FIXED_START + n × STEP_MS, the generators at their seed for step n.
 * The scenario runner enters a new step before and after every action on a page, so what a step sees does
 * not depend on how many clock reads or random draws the steps before it made — requests a page sends side
 * by side may interleave differently from run to run, and only shift times within their own step.
 * Returns false when the step before ran past its STEP_MS of clock reads (its times would overlap this one's).
 */
export function enterStep(n: number): boolean {
  const start = FIXED_START + n * STEP_MS;
  const inTime = instant <= start;
  instant = start;
  for (const s of STREAMS) s.reset(n);
  return inTime;
}

/** Back to the start: step 0 (each scenario starts here). */
export function resetDeterminism(): void {
  instant = FIXED_START;
  enterStep(0);
}

installDeterminism();
