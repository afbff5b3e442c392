import { API_BASE_URL, REQUEST_TIMEOUT_MS, SANDBOX_LOGIN, UPLOAD_TIMEOUT_MS } from '../config';
import { ROUTES, fillPath, queryString, type Route } from './routes';
import { clearToken, getToken, sandboxName, saveSession } from './session';
import type { LoginResponse } from './types';
import * as wxp from './wxp';

/**
 * The only place that talks to the network (wx.request, wx.uploadFile, wx.downloadFile): pages call the
 * typed functions of services/api.ts, which come here. It logs in when there is no token, sends the token,
 * logs in again once and retries once when the server answers 401 (a login expires after 72 hours, or was
 * ended elsewhere), and turns every failure into an ApiError that carries the server's Chinese message.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when no answer came (no network, a dropped connection, a timeout). */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  get network(): boolean {
    return this.status === 0;
  }
}

export const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: object;
  /** Public routes need no login: the home page and the self-check work before anyone logs in. */
  anonymous?: boolean;
  /** The caller shows the error itself (e.g. beside the fields it names); otherwise a dialog shows it. */
  quiet?: boolean;
}

type Json = Record<string, unknown>;

function errorFrom(status: number, data: unknown): ApiError {
  const error =
    typeof data === 'object' && data !== null
      ? (data as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error
      : undefined;
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.details) ? (error.details as ErrorDetail[]).filter((d) => typeof d?.message === 'string') : [];
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message, details);
  }
  return new ApiError(status, 'http_error', status >= 500 ? '服务器暂时无法处理，请稍后再试' : `请求未成功（${status}），请稍后再试`);
}

/** A dialog with the server's words: they say what to fix. */
export function showError(err: unknown): void {
  const message =
    err instanceof ApiError ? err.message : err instanceof wxp.WxError ? `操作未完成：${err.errMsg}` : '出了点问题，请稍后再试';
  if (err instanceof wxp.WxError && err.cancelled) return;
  void wxp.showModal({ title: '提示', content: message, showCancel: false, confirmText: '知道了' });
}

// ---- login ---------------------------------------------------------------------------------------------

let loggingIn: Promise<string> | null = null;

function assertSandboxAllowed(): void {
  if (!SANDBOX_LOGIN) return;
  // A published version with the sandbox login would send every user's login to a server that cannot exist.
  const env = wx.getAccountInfoSync().miniProgram.envVersion;
  if (env === 'release')
    throw new ApiError(0, 'misconfigured', '小程序配置有误（开发登录未关闭），请联系市工信局信息化推进科 0458-3878126');
}

/** wx.login → POST /api/v1/auth/wx-login → the token, kept. Concurrent callers share one login. */
export function login(): Promise<string> {
  if (!loggingIn) {
    loggingIn = (async () => {
      assertSandboxAllowed();
      const wxCode = await wxp.login();
      // See config.ts: the sandbox exchanges only `sandbox:<name>` codes.
      const code = SANDBOX_LOGIN ? `sandbox:${sandboxName()}` : wxCode;
      const res = await send<LoginResponse>(ROUTES.login, { body: { code }, anonymous: true, quiet: true }, null);
      saveSession(res.token, res.user);
      return res.token;
    })().finally(() => {
      loggingIn = null;
    });
  }
  return loggingIn;
}

async function token(): Promise<string> {
  return getToken() ?? login();
}

// ---- requests ------------------------------------------------------------------------------------------

function rawRequest(
  method: Route['method'],
  url: string,
  body: object | undefined,
  bearer: string | null,
): Promise<{ status: number; data: unknown }> {
  return new Promise((resolve) => {
    const header: Json = { 'content-type': 'application/json' };
    if (bearer) header.Authorization = `Bearer ${bearer}`;
    wx.request({
      url,
      method,
      header,
      timeout: REQUEST_TIMEOUT_MS,
      // A POST without a body still sends {}: the server's JSON parser wants an object.
      ...(method === 'GET' ? {} : { data: body ?? {} }),
      success: (res) => resolve({ status: res.statusCode, data: res.data }),
      fail: () => resolve({ status: 0, data: null }),
    });
  });
}

async function send<T>(route: Route, options: CallOptions, bearer: string | null): Promise<T> {
  const url = `${API_BASE_URL}${fillPath(route.path, options.params)}${queryString(options.query)}`;
  const res = await rawRequest(route.method, url, options.body, bearer);
  if (res.status === 0) throw new ApiError(0, 'network', NETWORK_MESSAGE);
  if (res.status >= 200 && res.status < 300) return (res.status === 204 ? null : res.data) as T;
  throw errorFrom(res.status, res.data);
}

/** Runs `attempt` with a token; on a 401 logs in again, once, and runs it once more. */
async function withLogin<T>(attempt: (bearer: string) => Promise<T>): Promise<T> {
  const first = await token();
  try {
    return await attempt(first);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    clearToken();
    return attempt(await login());
  }
}

/**
 * A public route: with the token when there is one (the self-check then counts the caller's own
 * applications), without it when the server refuses it — the server answers 401 to any stale token.
 */
async function sendAnonymous<T>(route: Route, options: CallOptions): Promise<T> {
  const bearer = getToken();
  try {
    return await send<T>(route, options, bearer);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401 || !bearer) throw err;
    clearToken();
    return send<T>(route, options, null);
  }
}

/** One call of a route; the body of a 2xx answer, else an ApiError (shown unless `quiet`). */
export async function call<T>(route: Route, options: CallOptions = {}): Promise<T> {
  try {
    return options.anonymous ? await sendAnonymous<T>(route, options) : await withLogin((bearer) => send<T>(route, options, bearer));
  } catch (err) {
    if (!options.quiet) showError(err);
    throw err;
  }
}

// ---- files ---------------------------------------------------------------------------------------------

export interface UploadOptions {
  params: Record<string, string>;
  filePath: string;
  /** 0–100 as the bytes go out. */
  onProgress?: (percent: number) => void;
}

function rawUpload(
  url: string,
  filePath: string,
  bearer: string,
  onProgress?: (percent: number) => void,
): Promise<{ status: number; data: unknown }> {
  return new Promise((resolve) => {
    const task = wx.uploadFile({
      url,
      filePath,
      name: 'file',
      header: { Authorization: `Bearer ${bearer}` },
      timeout: UPLOAD_TIMEOUT_MS,
      success: (res) => {
        let data: unknown = null;
        try {
          data = JSON.parse(res.data);
        } catch {
          data = null;
        }
        resolve({ status: res.statusCode, data });
      },
      fail: () => resolve({ status: 0, data: null }),
    });
    if (onProgress) task.onProgressUpdate((p) => onProgress(p.progress));
  });
}

/** One multipart upload (field `file`) of one file to a files route; never shows a dialog (the upload list does). */
export async function upload<T>(route: Route, options: UploadOptions): Promise<T> {
  const url = `${API_BASE_URL}${fillPath(route.path, options.params)}`;
  return withLogin(async (bearer) => {
    const res = await rawUpload(url, options.filePath, bearer, options.onProgress);
    if (res.status === 0) throw new ApiError(0, 'network', '上传中断（网络连接失败）');
    if (res.status >= 200 && res.status < 300) return res.data as T;
    throw errorFrom(res.status, res.data);
  });
}

function readTextFile(path: string): string | null {
  try {
    return wx.getFileSystemManager().readFileSync(path, 'utf8') as string;
  } catch {
    return null;
  }
}

/** Downloads what a GET route answers (a material, a generated .docx or .xlsx) to a temporary file. */
export async function download(route: Route, options: Pick<CallOptions, 'params' | 'query' | 'quiet'> = {}): Promise<string> {
  const url = `${API_BASE_URL}${fillPath(route.path, options.params)}${queryString(options.query)}`;
  try {
    return await withLogin(
      (bearer) =>
        new Promise<string>((resolve, reject) => {
          wx.downloadFile({
            url,
            header: { Authorization: `Bearer ${bearer}` },
            timeout: UPLOAD_TIMEOUT_MS,
            success: (res) => {
              if (res.statusCode >= 200 && res.statusCode < 300) {
                resolve(res.tempFilePath);
                return;
              }
              // The refusal is JSON like any other: read it for the server's words.
              const text = readTextFile(res.tempFilePath);
              let data: unknown = null;
              try {
                data = text ? JSON.parse(text) : null;
              } catch {
                data = null;
              }
              reject(errorFrom(res.statusCode, data));
            },
            fail: () => reject(new ApiError(0, 'network', NETWORK_MESSAGE)),
          });
        }),
    );
  } catch (err) {
    if (!options.quiet) showError(err);
    throw err;
  }
}
