/**
 * Where the mini-program finds its server: the one place to change for another environment (README.md
 * "Real appid and server domain").
 *
 * Development: WeChat DevTools against `npm start` on the same machine. DevTools must be told not to check
 * the domain (详情 → 本地设置 → 不校验合法域名…), since WeChat only lets a published mini-program reach
 * HTTPS domains registered in 小程序后台 → 开发管理 → 开发设置 → 服务器域名.
 * Production: the HTTPS origin of the deployed server, registered as request, uploadFile and downloadFile
 * domain, and SANDBOX_LOGIN false.
 */
export const API_BASE_URL = 'http://127.0.0.1:3000';

/**
 * With `npm start` and no WeChat secret the server exchanges login codes with its WeChat sandbox, which
 * accepts only codes of the form `sandbox:<name>` (spec/wechat.md "Mini-program login"); the code DevTools'
 * wx.login returns is a real one that only WeChat can exchange. So in development the mini-program still
 * calls wx.login (the flow is the production flow) but sends `sandbox:<name>` instead of its code, the name
 * being the 开发登录名 chosen on 我的 (one name = one person, so roles can be tried side by side).
 * A release build refuses to start with this on (services/http.ts).
 */
export const SANDBOX_LOGIN = true;

/** The sandbox name used until another is chosen on 我的 → 开发登录名. */
export const DEFAULT_SANDBOX_NAME = 'dev';

/** wx.request's own limit is 60 s; an upload of a 20 MB scan on a slow line needs the most of it. */
export const REQUEST_TIMEOUT_MS = 20_000;
export const UPLOAD_TIMEOUT_MS = 60_000;

/**
 * The policy pack this build serves (issue 18 item 4): one of BUILT_IN_PACKS in shared/pack, by the name the
 * server's POLICY_PACK setting gives — the two must name the same pack. app.ts installs it before any page runs.
 */
export const POLICY_PACK = 'yichun';
