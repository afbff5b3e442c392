import { createHash, createHmac, randomInt } from 'node:crypto';
import type { Database } from '../../db/database';
import {
  codesIssuedSince,
  expireOpenCodes,
  followStatusOfUser,
  insertBindingCode,
  linkUserOpenid,
  readFollower,
  unlinkOpenid,
  writeFollower,
} from '../../db/followers';
import type { Tx } from '../../db/tx';
import { TooManyRequestsError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { isDuplicateKey } from '../../db/errors';
import { HTTP_ERRORS } from './texts';

/**
 * Linking a follower of the official account (its openid) to a mini-program user. WeChat gives both
 * sides the same unionid only when both are bound to one Open Platform account; otherwise the
 * mini-program shows its logged-in user a short-lived, single-use code, and the follower sends
 * `绑定 <code>` (DESIGN.md, "The official account").
 */

export const CODE_DIGITS = 8;
export const CODE_TTL_MS = 10 * 60_000;
/** Issuing more than this per hour is not a person binding an account. */
const MAX_CODES_PER_HOUR = 20;

/** A follower who keeps sending wrong codes is guessing: a few tries an hour are plenty for a typo. */
export const BIND_MAX_FAILURES = 5;
export const BIND_WINDOW_MS = 3600_000;

/**
 * Only an HMAC of a code is stored, keyed with the server's secret under a label of its own: someone
 * who reads the database cannot try the 10^8 codes offline.
 */
export function bindingCodeHash(secret: string, code: string): string {
  return createHmac('sha256', secret).update(`oa-binding-code:${code}`).digest('hex');
}

/** What the audit keeps of an openid: enough to match it later, not the identifier itself. */
export function openidFingerprint(openid: string): string {
  return createHash('sha256').update(openid).digest('hex').slice(0, 16);
}

export class BindingCodes {
  constructor(
    private readonly db: Database,
    private readonly secret: string,
    private readonly now: () => number,
  ) {}

  /** A new code for `userId`; the codes it issued before stop working. */
  async issue(userId: string): Promise<{ code: string; expiresAt: number }> {
    for (let attempt = 0; ; attempt++) {
      const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
      const now = this.now();
      const expiresAt = now + CODE_TTL_MS;
      try {
        await this.db.transaction(async (tx) => {
          const recent = await codesIssuedSince(tx, userId, now - 3600_000);
          if (recent.n >= MAX_CODES_PER_HOUR)
            throw new TooManyRequestsError(HTTP_ERRORS.tooManyCodes, Math.ceil((Number(recent.oldest) + 3600_000 - now) / 1000));
          await expireOpenCodes(tx, userId, now);
          await insertBindingCode(tx, { id: newId(), codeHash: bindingCodeHash(this.secret, code), userId, createdAt: now, expiresAt });
        });
        return { code, expiresAt };
      } catch (err) {
        // The same code was issued before (the hash is unique for ever): draw another.
        if (!isDuplicateKey(err) || attempt >= 4) throw err;
      }
    }
  }

  /** Whether the user's mini-program identity is linked to a follower, and whether that follower still follows. */
  async status(userId: string): Promise<{ bound: boolean; followed: boolean | null }> {
    return followStatusOfUser(this.db, userId);
  }
}

/**
 * Links `openid` to the user (inside the handling transaction), taking it from whichever user held it
 * before. False when the user's row changed since it was read: the caller plans again.
 */
export async function linkOpenid(
  tx: Tx,
  audit: AuditTrail,
  link: { userId: string; openid: string; previousHolder: string | null; via: 'code' | 'unionid'; replaces: boolean },
  now: number,
): Promise<boolean> {
  const fingerprint = openidFingerprint(link.openid);
  if (link.previousHolder !== null && link.previousHolder !== link.userId) {
    // users.oa_openid is unique: the earlier link goes first, and the audit says so on that user.
    if (!(await unlinkOpenid(tx, link.previousHolder, link.openid, now))) return false;
    await audit.append(tx, {
      action: 'user.oa_unlinked',
      actorId: link.userId,
      entityType: 'user',
      entityId: link.previousHolder,
      data: { oa: fingerprint, reason: 'linked to another user' },
    });
  }
  if (!(await linkUserOpenid(tx, link.userId, link.openid, now, link.via === 'unionid'))) return false;
  await audit.append(tx, {
    action: 'user.oa_linked',
    actorId: link.userId,
    entityType: 'user',
    entityId: link.userId,
    data: { oa: fingerprint, via: link.via, replaced: link.replaces },
  });
  return true;
}

/**
 * For whoever learns a follower's unionid outside a message (WeChat's user-info API on subscribe, say):
 * it is kept with the follower, and the follower's next 进度 or 待办 links it to the mini-program user
 * with the same unionid. Returns false only if the row kept changing under it.
 */
export async function recordFollowerUnionid(db: Database, openid: string, unionid: string, now: number): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(openid) || !/^[A-Za-z0-9_-]{1,64}$/.test(unionid))
    throw new RangeError('openid and unionid are WeChat identifiers');
  for (let attempt = 0; attempt < 3; attempt++) {
    const follower = await readFollower(db, openid);
    if (follower?.unionid === unionid) return true;
    try {
      if (await db.transaction((tx) => writeFollower(tx, openid, follower, { unionid }, now))) return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a first message of this follower inserted the row meanwhile
    }
  }
  return false;
}
