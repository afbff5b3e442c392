import { withManager } from './raw';
import type { Database } from './database';
import { WechatTokenEntity } from './entities';
import { em } from './orm';
import type { AccessTokenRecord, TokenStore } from '../wechat/tokenStore';

/**
 * The access token lives in the database so that every server instance uses the same one:
 * fetching a fresh token invalidates the old within minutes, so instances that each kept their own
 * would knock each other out (../shared/notes/wechat.md).
 */
export class DbTokenStore implements TokenStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async get(appid: string): Promise<AccessTokenRecord | null> {
    const row = await withManager(this.db, (m) => m.getRepository(WechatTokenEntity).findOne({ where: { appid } }));
    return row ? { accessToken: row.accessToken, expireTime: row.expireTime } : null;
  }

  async save(appid: string, token: AccessTokenRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = em(tx).getRepository(WechatTokenEntity);
      const res = await repo.update({ appid }, { accessToken: token.accessToken, expireTime: token.expireTime, updatedAt: this.now() });
      if (!res.affected) {
        try {
          await repo.insert({ appid, accessToken: token.accessToken, expireTime: token.expireTime, updatedAt: this.now() });
        } catch {
          // Another instance stored one at the same moment: theirs is as good as ours.
          await repo.update({ appid }, { accessToken: token.accessToken, expireTime: token.expireTime, updatedAt: this.now() });
        }
      }
    });
  }
}
