import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/database';
import {
  activeGrants,
  findUserByMpOpenid,
  findUserByUnionid,
  insertSession,
  insertUser,
  liveSession,
  revokeSession,
  updateUser,
  type User,
} from '../../db/users';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { publicUser, type PublicUser } from './users';
import { TooManyRequestsError, UnauthenticatedError, UpstreamError } from '../errors';
import type { Actor } from '../actor';
import { policyPack } from '../../../../shared/src/pack';

/** What login needs from WeChat: code2Session, nothing else (the session_key never leaves it). */
export interface MiniProgramSessions {
  code2Session(code: string): Promise<{ openid: string; unionid?: string | null }>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface WechatishError {
  errcode?: number;
}

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly wechat: MiniProgramSessions,
    private readonly sessionTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async wxLogin(code: string): Promise<{ token: string; expiresAt: number; user: PublicUser }> {
    let identity: { openid: string; unionid?: string | null };
    try {
      identity = await this.wechat.code2Session(code);
    } catch (err) {
      const errcode = (err as WechatishError).errcode;
      // 40029: invalid code; 40163: code already used. Both mean: call wx.login again.
      if (errcode === 40029 || errcode === 40163) throw new UnauthenticatedError('登录凭证无效或已使用，请重新打开小程序登录');
      if (errcode === 45011) throw new TooManyRequestsError('登录太频繁，请一分钟后再试');
      if (errcode === 40226) throw new UnauthenticatedError('微信判定此账号存在风险，暂时无法登录');
      throw new UpstreamError();
    }
    const token = randomBytes(32).toString('base64url');
    const sessionId = hashToken(token);
    const now = this.now();
    const expiresAt = now + this.sessionTtlMs;
    const result = await this.db.transaction(async (tx) => {
      let user = await findUserByMpOpenid(tx, identity.openid);
      let created = false;
      if (!user) {
        // The official account may have met this person first (same unionid): one identity, not two.
        if (identity.unionid) user = await findUserByUnionid(tx, identity.unionid);
        if (user) {
          await updateUser(tx, user.id, { mpOpenid: identity.openid, updatedAt: now });
        } else {
          const row: User = {
            id: newId(),
            mpOpenid: identity.openid,
            unionid: identity.unionid ?? null,
            oaOpenid: null,
            displayName: null,
            phone: null,
            status: 'active',
            createdAt: now,
            updatedAt: now,
          };
          await insertUser(tx, row);
          user = row;
          created = true;
        }
      } else if (identity.unionid && user.unionid !== identity.unionid) {
        await updateUser(tx, user.id, { unionid: identity.unionid, updatedAt: now });
      }
      if (user.status !== 'active') throw new UnauthenticatedError(`此账号已停用，如有疑问请联系 ${policyPack().contact.phone}`);
      await insertSession(tx, { id: sessionId, userId: user.id, createdAt: now, expiresAt });
      // The session id is itself a hash; the audit keeps only a prefix to tell sessions apart.
      await this.audit.append(tx, {
        action: 'auth.login',
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        data: { created, session: sessionId.slice(0, 12), channel: 'mp' },
      });
      return publicUser(user.id, await activeGrants(tx, user.id));
    });
    return { token, expiresAt, user: result };
  }

  /**
   * The caller and the roles they hold now: the roles authentication read for this very request
   * (a role revoked since login is gone already), so GET /me asks nothing more of the database.
   */
  me(actor: Actor): PublicUser {
    return publicUser(actor.userId, actor.grants);
  }

  async authenticate(token: string): Promise<Actor | null> {
    if (token.length < 20 || token.length > 100) return null;
    const sessionId = hashToken(token);
    const session = await this.db.read((tx) => liveSession(tx, sessionId, this.now()));
    return session && { userId: session.userId, sessionId, grants: session.grants };
  }

  async logout(auth: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      await revokeSession(tx, auth.sessionId, this.now());
      await this.audit.append(tx, {
        action: 'auth.logout',
        actorId: auth.userId,
        entityType: 'user',
        entityId: auth.userId,
        data: { session: auth.sessionId.slice(0, 12) },
      });
    });
  }
}
