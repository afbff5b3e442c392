import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/database';
import { SessionEntity, UserEntity, type UserRow } from '../../db/entities';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { activeGrants, grantsOf, publicUser, type PublicUser } from './users';
import { TooManyRequestsError, UnauthenticatedError, UpstreamError } from '../errors';
import type { Actor } from '../actor';
import type { Role } from '../../../../shared/src/contracts/roles';

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
      const users = tx.getRepository(UserEntity);
      let user = await users.findOne({ where: { mpOpenid: identity.openid } });
      let created = false;
      if (!user) {
        // The official account may have met this person first (same unionid): one identity, not two.
        if (identity.unionid) user = await users.findOne({ where: { unionid: identity.unionid } });
        if (user) {
          await users.update({ id: user.id }, { mpOpenid: identity.openid, updatedAt: now });
        } else {
          const row: UserRow = {
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
          await users.insert(row);
          user = row;
          created = true;
        }
      } else if (identity.unionid && user.unionid !== identity.unionid) {
        await users.update({ id: user.id }, { unionid: identity.unionid, updatedAt: now });
      }
      if (user.status !== 'active') throw new UnauthenticatedError('此账号已停用，如有疑问请联系 0458-3878126');
      await tx.getRepository(SessionEntity).insert({ id: sessionId, userId: user.id, createdAt: now, expiresAt, revokedAt: null });
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

  /** The hot path of every logged-in request: parameterised SQL, two small indexed lookups. */
  /** The caller and the roles they hold now (a role revoked since login is gone already). */
  async me(actor: Actor): Promise<PublicUser> {
    return publicUser(actor.userId, await grantsOf(this.db, actor.userId));
  }

  async authenticate(token: string): Promise<Actor | null> {
    if (token.length < 20 || token.length > 100) return null;
    const sessionId = hashToken(token);
    const rows = await this.db.query<{ user_id: string; expires_at: number | string; revoked_at: number | string | null; status: string }>(
      'SELECT s.user_id, s.expires_at, s.revoked_at, u.status FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?',
      [sessionId],
    );
    const s = rows[0];
    if (!s || s.revoked_at !== null || Number(s.expires_at) <= this.now() || s.status !== 'active') return null;
    const grants = await this.db.query<{ role: string; county_code: string | null }>(
      'SELECT role, county_code FROM user_roles WHERE user_id = ? AND revoked_at IS NULL',
      [s.user_id],
    );
    return { userId: s.user_id, sessionId, grants: grants.map((g) => ({ role: g.role as Role, countyCode: g.county_code })) };
  }

  async logout(auth: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.getRepository(SessionEntity).update({ id: auth.sessionId }, { revokedAt: this.now() });
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
