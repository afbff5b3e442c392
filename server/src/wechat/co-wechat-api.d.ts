// co-wechat-api 3.11.0 ships no types. Only what this project uses is declared; the shapes follow
// lib/api_common.js, lib/api_miniprogram_login.js, lib/api_subscribe_message.js and lib/api_template.js.
declare module 'co-wechat-api' {
  namespace API {
    /** What getToken answers and saveToken receives: only these two fields are read. */
    interface TokenData {
      accessToken: string;
      /** Epoch ms. */
      expireTime: number;
    }

    class AccessToken implements TokenData {
      constructor(accessToken: string, expireTime: number);
      accessToken: string;
      expireTime: number;
      /** `!!accessToken && Date.now() < expireTime` */
      isValid(): boolean;
    }

    /** httpx options, merged over `defaults` by request(). */
    interface RequestOptions {
      method?: string;
      data?: string | Buffer;
      /** Ignored by httpx; co-wechat-api's postJSON sets it. */
      dataType?: string;
      headers?: Record<string, string>;
      /** Connect and read timeout in ms (httpx default 3000). */
      timeout?: number;
      connectTimeout?: number;
      readTimeout?: number;
      agent?: import('node:http').Agent;
    }

    type GetToken = () => Promise<TokenData | null | undefined>;
    /** Called with null by request() on 40001/42001 ("destroy the expired token"). */
    type SaveToken = (token: TokenData | null) => Promise<void>;

    /** Subscribe/template data: `{key: {value}}`. */
    type MessageData = Record<string, { value: string; color?: string }>;

    interface MiniProgramLink {
      appid: string;
      pagepath?: string;
    }
  }

  /**
   * Errors thrown by request() are plain Errors with `name: 'WeChatAPIError'`; `code` holds WeChat's
   * errcode when WeChat answered one and is absent for HTTP status and JSON parse failures. Network
   * failures and timeouts come from httpx as they are (e.g. `RequestTimeoutError`, ECONNRESET).
   */
  class API {
    constructor(appid: string, appsecret: string, getToken?: API.GetToken, saveToken?: API.SaveToken, tokenFromCustom?: boolean);

    static AccessToken: typeof API.AccessToken;
    /** Adds methods to API.prototype; throws if one exists already. */
    static mixin(obj: Record<string, unknown>): void;

    appid: string;
    appsecret: string;
    getToken: API.GetToken;
    saveToken: API.SaveToken;
    tokenFromCustom: boolean | undefined;
    defaults: API.RequestOptions;

    /** Default `https://api.weixin.qq.com/cgi-bin/` */
    prefix: string;
    /** Default `https://api.weixin.qq.com/sns/` */
    snsPrefix: string;
    /** Default `https://mp.weixin.qq.com/cgi-bin/` (only showqrcode URLs) */
    mpPrefix: string;
    /** Default `http://file.api.weixin.qq.com/cgi-bin/` (card image and mass-send video uploads) */
    fileServerPrefix: string;
    /** Default `https://api.weixin.qq.com/pay/` */
    payPrefix: string;
    /** Default `https://api.weixin.qq.com/merchant/` */
    merchantPrefix: string;
    /** Default `https://api.weixin.qq.com/customservice/` */
    customservicePrefix: string;
    /** Default `https://api.weixin.qq.com/wxa/` */
    wxaPrefix: string;

    setOpts(opts: API.RequestOptions): void;

    /**
     * Resolves with the parsed JSON when the content type is JSON or text/plain (json-bigint 0.3:
     * integers of more than 15 digits become BigNumber objects), the raw text for unparseable
     * text/plain, and a Buffer for any other content type. Rejects for a non-2xx status or a
     * truthy `errcode`; on 40001/42001 with `retry > 0` (default 3) it first calls
     * `saveToken(null)` and `getAccessToken()` and requests again with the new token.
     */
    request(url: string, opts?: API.RequestOptions, retry?: number): Promise<unknown>;
    /** GET {prefix}token, then saveToken. */
    getAccessToken(): Promise<API.AccessToken>;
    /** getToken(); getAccessToken() unless that gave a valid token. */
    ensureAccessToken(): Promise<API.AccessToken>;

    /** GET {snsPrefix}jscode2session: `{openid, session_key, unionid?}`. */
    code2Session(jsCode: string): Promise<unknown>;
    /** POST {prefix}message/subscribe/send without miniprogram_state or lang. */
    sendSubscribeMessage(openid: string, templateId: string, page: string | undefined, data: API.MessageData): Promise<unknown>;
    /** POST {prefix}message/template/send. */
    sendTemplate(
      openid: string,
      templateId: string,
      url: string | undefined,
      topColor: string | undefined,
      data: API.MessageData,
      miniprogram?: API.MiniProgramLink,
    ): Promise<unknown>;
  }

  export = API;
}
