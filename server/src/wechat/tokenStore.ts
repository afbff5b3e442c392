/**
 * Where access tokens live. WeChat's tokens are per appid and must be shared by every server
 * instance (DESIGN.md, "Notifications"): the implementation stores them in the database.
 */
export interface AccessTokenRecord {
  accessToken: string;
  /** Epoch ms after which the token is not used any more. */
  expireTime: number;
}

export interface TokenStore {
  get(appid: string): Promise<AccessTokenRecord | null>;
  save(appid: string, token: AccessTokenRecord): Promise<void>;
}
