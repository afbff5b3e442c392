import API from 'co-wechat-api';
import { toErrcode } from './errors';
import type { TokenStore } from './tokenStore';

/** WeChat's answers for a token it will not take: 40001 refused (stale, replaced, revoked), 42001 expired. */
const REFUSED_TOKEN_ERRCODES = new Set([40001, 42001]);

/**
 * stable_token's normal mode hands out a new token in the last 5 minutes of the old one, and the
 * old one keeps working for those minutes; stopping 5 minutes early means asking exactly when a
 * new one is to be had (a short lifetime, as a sandbox may set, is halved instead).
 */
function usableSeconds(expiresIn: number): number {
  return expiresIn - Math.min(300, expiresIn / 2);
}

export function jsonPost(body: unknown): API.RequestOptions {
  return {
    method: 'POST',
    data: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  };
}

/** The token a request URL carried, if WeChat refused it. */
function refusedToken(err: unknown, url: string): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const { name, code } = err as { name?: unknown; code?: unknown };
  const errcode = toErrcode(code);
  if (name !== 'WeChatAPIError' || errcode === null || !REFUSED_TOKEN_ERRCODES.has(errcode)) return null;
  const match = /[?&]access_token=([^&#]*)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function withAccessToken(url: string, token: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/, `$1${encodeURIComponent(token)}`);
}

/**
 * co-wechat-api's API with tokens from POST /cgi-bin/stable_token (it has none), kept in a
 * TokenStore that every server instance shares.
 *
 * /cgi-bin/token issues a new token on every call and the previous one dies within about 5
 * minutes, so instances refreshing on their own knock each other out; stable_token's normal mode
 * answers the same token to all of them until it expires. Its force_refresh (20 a day, no effect
 * within 30 s of the previous one) is spent only when the token WeChat refused is still the one
 * everybody is using.
 *
 * co-wechat-api's own retry on 40001/42001 is not used: it calls saveToken(null), which here would
 * wipe the token every instance shares, then getAccessToken() without saying which token was
 * refused; and a 40001 from the token endpoint itself (WeChat's answer to a wrong secret) would
 * recurse without end, since each getAccessToken() starts over with a fresh retry count.
 */
export class StableTokenApi extends API {
  private readonly pending = new Map<string, Promise<API.AccessToken>>();

  constructor(
    appid: string,
    secret: string,
    private readonly tokenStore: TokenStore,
  ) {
    super(
      appid,
      secret,
      () => tokenStore.get(appid),
      async (token) => {
        // null is co-wechat-api's "forget the refused token": ignored, the shared record stays
        // until a replacement is saved (see replaceRefusedToken).
        if (token) await tokenStore.save(appid, { accessToken: token.accessToken, expireTime: token.expireTime });
      },
    );
  }

  /** Called by ensureAccessToken() when the store holds no usable token. */
  override getAccessToken(): Promise<API.AccessToken> {
    return this.once('fetch', async () => {
      const token = await this.requestStableToken(false);
      await this.save(token);
      return token;
    });
  }

  /**
   * A token to use instead of `refused`. Another instance may have replaced it already (it is no
   * longer in the store), or WeChat's normal mode may already answer a newer one (another
   * instance forced a refresh but has not saved yet, or the refused one expired); only when
   * WeChat still answers the refused token is a refresh forced.
   */
  replaceRefusedToken(refused: string): Promise<API.AccessToken> {
    return this.once(`refused:${refused}`, async () => {
      const stored = await this.tokenStore.get(this.appid);
      if (stored && stored.accessToken !== refused && stored.expireTime > Date.now()) {
        return new API.AccessToken(stored.accessToken, stored.expireTime);
      }
      const current = await this.requestStableToken(false);
      if (current.accessToken !== refused) {
        await this.save(current);
        return current;
      }
      const forced = await this.requestStableToken(true);
      await this.save(forced);
      return forced;
    });
  }

  /**
   * co-wechat-api's request() with its own 40001/42001 retry turned off (retry 0) and replaced:
   * a refused token in the URL is replaced through replaceRefusedToken and the call made once more.
   * One retry: a token WeChat has just handed out and refuses again points at something a new
   * token will not fix, and each further round could spend one of the 20 daily forced refreshes.
   */
  override async request(url: string, opts?: API.RequestOptions, retry = 1): Promise<unknown> {
    try {
      return await super.request(url, opts, 0);
    } catch (err) {
      const refused = retry > 0 ? refusedToken(err, url) : null;
      if (refused === null) throw err;
      const fresh = await this.replaceRefusedToken(refused);
      return this.request(withAccessToken(url, fresh.accessToken), opts, retry - 1);
    }
  }

  private async requestStableToken(forceRefresh: boolean): Promise<API.AccessToken> {
    const data = await super.request(
      `${this.prefix}stable_token`,
      jsonPost({ grant_type: 'client_credential', appid: this.appid, secret: this.appsecret, force_refresh: forceRefresh }),
      0,
    );
    const { access_token: accessToken, expires_in: expiresIn } = (data ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      const err = new Error('stable_token answer has no access_token/expires_in');
      err.name = 'WeChatAPIError';
      throw err;
    }
    return new API.AccessToken(accessToken, Date.now() + usableSeconds(expiresIn) * 1000);
  }

  private save(token: API.AccessToken): Promise<void> {
    return this.tokenStore.save(this.appid, { accessToken: token.accessToken, expireTime: token.expireTime });
  }

  /** One request at a time per purpose within this process; other instances are handled by the store. */
  private once(key: string, run: () => Promise<API.AccessToken>): Promise<API.AccessToken> {
    const existing = this.pending.get(key);
    if (existing) return existing;
    const started = run().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}
