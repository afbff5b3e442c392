/**
 * A `wx` that answers like WeChat does, for the mini-program under miniprogram-simulate, with the network
 * being the real server: wx.request, wx.uploadFile and wx.downloadFile send real HTTP (uploads as real
 * multipart) to the app that test/helpers/testApp.ts starts in-process. Nothing of our own server is
 * faked; what stands in is WeChat (login codes, storage, dialogs, pickers, payment, the privacy switch)
 * and the phone (temporary files on disk). Every call a test may want to look at is recorded.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

type Callback<T> = ((res: T) => void) | undefined;
type Json = Record<string, unknown>;

interface Callbacks<S> {
  success?: Callback<S>;
  fail?: Callback<{ errMsg: string }>;
  complete?: Callback<unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The JSON body sent, when there was one. */
  body: unknown;
}

export interface ModalShown {
  title: string;
  content: string;
  /** As WeChat draws them (the screens command draws the dialog). */
  showCancel?: boolean;
  confirmText?: string;
  cancelText?: string;
}

export interface ToastShown {
  title: string;
  icon: string;
}

/** A minimal JPEG (SOI, APP0, EOI): the server types files by their first bytes. */
export const JPEG_BYTES = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  randomBytes(2048),
  Buffer.from([0xff, 0xd9]),
]);
export const PDF_BYTES = Buffer.concat([
  Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n', 'latin1'),
  randomBytes(4096),
  Buffer.from('\n%%EOF\n'),
]);

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.pdf': 'application/pdf' };

function once<T>(cb: Callbacks<T>, ok: boolean, res: T | { errMsg: string }): void {
  if (ok) cb.success?.(res as T);
  else cb.fail?.(res as { errMsg: string });
  cb.complete?.(res);
}

export class WxStub {
  /** The origin config.ts names; requests elsewhere fail as WeChat fails them (not a registered domain). */
  readonly origin: string;
  private readonly port: number;
  readonly tmpDir: string;

  // ---- what the test steers -------------------------------------------------------------------------
  /** The WeChat user behind wx.login: its codes are `sandbox:<user>` (spec/wechat.md). */
  user = 'visitor';
  /** Answers of showModal, in order; when empty, the person taps 确定. */
  modalAnswers: { confirm: boolean; content?: string }[] = [];
  /** Indexes tapped in showActionSheet, in order; when empty, the first. */
  actionSheetAnswers: (number | null)[] = [];
  /** How many uploads to cut off halfway (a dropped connection); counts down. */
  uploadsToDrop = 0;
  /** How many wx.request calls to fail without an answer (no network); counts down. */
  requestsToFail = 0;
  /**
   * How many requests that carry a token get it mangled on the way (counts down): the server then
   * answers them 401 as it answers any unknown token — how a test makes a fresh login fail again.
   */
  tokensToMangle = 0;
  privacyNeeded = false;
  /** WeChat's font size over the standard 17 px (wx.getAppBaseInfo): 23.8 / 17 is 「关怀模式」 on a 375 px screen. */
  fontSizeScaleFactor = 1;
  /** Where wx.pageScrollTo was asked to go (its selectors), in order. */
  readonly scrolls: string[] = [];
  subscribeAnswer: 'accept' | 'reject' = 'accept';
  paymentOutcome: 'success' | 'fail' | 'cancel' = 'success';
  /** Files the next chooseMedia/chooseMessageFile returns; otherwise fresh ones are made. */
  nextPicks: { name: string; bytes: Buffer }[] = [];

  // ---- what the test reads ----------------------------------------------------------------------------
  readonly storage = new Map<string, unknown>();
  readonly requests: RecordedRequest[] = [];
  readonly uploads: { path: string; status: number; dropped: boolean; progress: number[] }[] = [];
  readonly toasts: string[] = [];
  /** The toasts with their icon (`success` when not given, as WeChat's default). */
  readonly toastsShown: ToastShown[] = [];
  readonly modals: ModalShown[] = [];
  readonly navigations: { kind: string; url: string }[] = [];
  /** Titles set by wx.setNavigationBarTitle, in order (the home page's comes from the policy pack). */
  readonly navigationTitles: string[] = [];
  readonly subscribeRequests: string[][] = [];
  readonly previews: string[][] = [];
  readonly documents: { filePath: string; fileType: string; bytes: Buffer }[] = [];
  readonly payments: Json[] = [];
  readonly picks: { api: string; count: number; source?: string[] }[] = [];
  logins = 0;
  privacyPrompts = 0;
  private inflight = 0;
  private tempFiles = new Map<string, string>();
  private sequence = 0;

  constructor(server: http.Server, origin: string) {
    this.origin = origin;
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the test server is not listening');
    this.port = address.port;
    this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-stub-'));
  }

  /** Calls still waiting for the network or for WeChat's answer. */
  get busy(): boolean {
    return this.inflight > 0;
  }

  /** WeChat answers on a later turn, never inside the call; counted, so that tests can wait for quiet. */
  later(answer: () => void): void {
    this.inflight += 1;
    setImmediate(() => {
      this.inflight -= 1;
      answer();
    });
  }

  /** A file on "the phone" as WeChat hands it over: a temporary path that only wx APIs can read. */
  tempFile(name: string, bytes: Buffer): string {
    this.sequence += 1;
    const real = path.join(this.tmpDir, `${this.sequence}-${name}`);
    fs.writeFileSync(real, bytes);
    const temp = `wxfile://tmp_${this.sequence}_${name}`;
    this.tempFiles.set(temp, real);
    return temp;
  }

  realPath(temp: string): string {
    const real = this.tempFiles.get(temp);
    if (!real) throw new Error(`no such temporary file ${temp}`);
    return real;
  }

  cleanup(): void {
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }

  private local(url: string): { ok: true; path: string } | { ok: false } {
    if (!url.startsWith(`${this.origin}/`)) return { ok: false };
    return { ok: true, path: url.slice(this.origin.length) };
  }

  private send(
    method: string,
    urlPath: string,
    headers: Record<string, string | number>,
    body: Buffer | null,
    opts: { dropAfter?: number; onProgress?: (sent: number, total: number) => void } = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer } | null> {
    this.inflight += 1;
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer } | null>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path: urlPath,
          headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', () => resolve(null));
        },
      );
      req.on('error', () => resolve(null));
      if (!body) {
        req.end();
        return;
      }
      // Out in slices, as a phone sends: progress for each, and a cut connection when the test asks for one.
      const slice = Math.max(1024, Math.ceil(body.length / 8));
      let sent = 0;
      const next = (): void => {
        if (opts.dropAfter !== undefined && sent >= opts.dropAfter) {
          req.destroy(new Error('socket closed'));
          return;
        }
        if (sent >= body.length) {
          req.end();
          return;
        }
        const part = body.subarray(sent, sent + slice);
        sent += part.length;
        opts.onProgress?.(sent, body.length);
        if (req.write(part)) setImmediate(next);
        else req.once('drain', next);
      };
      next();
    }).finally(() => {
      this.inflight -= 1;
    });
  }

  // ---- the wx object ---------------------------------------------------------------------------------------

  /** What the mini-program sees as `wx`. */
  api(): Json {
    return {
      login: (o: Callbacks<{ code: string; errMsg: string }>) => {
        this.logins += 1;
        this.later(() => once(o, true, { code: `sandbox:${this.user}`, errMsg: 'login:ok' }));
      },
      getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' } }),
      getAppBaseInfo: () => ({
        SDKVersion: '3.6.0',
        language: 'zh_CN',
        version: '8.0.50',
        theme: 'light',
        fontSizeScaleFactor: this.fontSizeScaleFactor,
        fontSizeSetting: Math.round(17 * this.fontSizeScaleFactor * 10) / 10,
      }),

      request: (
        o: Callbacks<{ statusCode: number; data: unknown; header: Json; errMsg: string }> & {
          url: string;
          method?: string;
          data?: unknown;
          header?: Record<string, string>;
        },
      ) => {
        const target = this.local(o.url);
        const method = (o.method ?? 'GET').toUpperCase();
        if (!target.ok) {
          this.later(() => once(o, false, { errMsg: `request:fail url not in domain list: ${o.url}` }));
          return { abort() {} };
        }
        if (this.requestsToFail > 0) {
          this.requestsToFail -= 1;
          this.later(() => once(o, false, { errMsg: 'request:fail timeout' }));
          return { abort() {} };
        }
        const body =
          method === 'GET' || o.data === undefined ? null : Buffer.from(typeof o.data === 'string' ? o.data : JSON.stringify(o.data));
        const header = { ...(o.header ?? {}) };
        if (this.tokensToMangle > 0 && header.Authorization) {
          this.tokensToMangle -= 1;
          header.Authorization = 'Bearer mangled-on-the-way';
        }
        void this.send(method, target.path, header, body).then((res) => {
          if (!res) {
            once(o, false, { errMsg: 'request:fail' });
            return;
          }
          const text = res.body.toString('utf8');
          // dataType 'json' (the default): WeChat parses the body when it can and hands over the text otherwise.
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            data = text;
          }
          this.requests.push({ method, path: target.path, status: res.status, body: body ? JSON.parse(body.toString('utf8')) : undefined });
          once(o, true, { statusCode: res.status, data, header: res.headers, errMsg: 'request:ok' });
        });
        return { abort() {} };
      },

      uploadFile: (
        o: Callbacks<{ statusCode: number; data: string; errMsg: string }> & {
          url: string;
          filePath: string;
          name: string;
          header?: Record<string, string>;
          formData?: Record<string, string>;
        },
      ) => {
        const listeners: ((p: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void)[] = [];
        const target = this.local(o.url);
        const record = { path: target.ok ? target.path : o.url, status: 0, dropped: false, progress: [] as number[] };
        this.uploads.push(record);
        if (!target.ok) {
          this.later(() => once(o, false, { errMsg: `uploadFile:fail url not in domain list: ${o.url}` }));
          return { abort() {}, onProgressUpdate() {}, offProgressUpdate() {} };
        }
        const file = fs.readFileSync(this.realPath(o.filePath));
        const fileName = o.filePath.replace(/^wxfile:\/\/tmp_\d+_/, '');
        const boundary = `----WeChatFormBoundary${randomBytes(8).toString('hex')}`;
        const fields = Object.entries(o.formData ?? {}).map(([k, v]) =>
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
        );
        const body = Buffer.concat([
          ...fields,
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${o.name}"; filename="${fileName}"\r\nContent-Type: ${MIME[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream'}\r\n\r\n`,
          ),
          file,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const drop = this.uploadsToDrop > 0;
        if (drop) this.uploadsToDrop -= 1;
        record.dropped = drop;
        void this.send('POST', target.path, { ...(o.header ?? {}), 'content-type': `multipart/form-data; boundary=${boundary}` }, body, {
          dropAfter: drop ? Math.floor(body.length / 2) : undefined,
          onProgress: (sent, total) => {
            const progress = Math.floor((sent * 100) / total);
            record.progress.push(progress);
            for (const l of listeners) l({ progress, totalBytesSent: sent, totalBytesExpectedToSend: total });
          },
        }).then((res) => {
          if (!res) {
            once(o, false, { errMsg: 'uploadFile:fail socket closed' });
            return;
          }
          record.status = res.status;
          once(o, true, { statusCode: res.status, data: res.body.toString('utf8'), errMsg: 'uploadFile:ok' });
        });
        return {
          abort() {},
          onProgressUpdate(l: (p: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void) {
            listeners.push(l);
          },
          offProgressUpdate() {},
        };
      },

      downloadFile: (
        o: Callbacks<{ statusCode: number; tempFilePath: string; errMsg: string }> & { url: string; header?: Record<string, string> },
      ) => {
        const target = this.local(o.url);
        if (!target.ok) {
          this.later(() => once(o, false, { errMsg: `downloadFile:fail url not in domain list: ${o.url}` }));
          return { abort() {} };
        }
        void this.send('GET', target.path, { ...(o.header ?? {}) }, null).then((res) => {
          if (!res) {
            once(o, false, { errMsg: 'downloadFile:fail' });
            return;
          }
          this.requests.push({ method: 'GET', path: target.path, status: res.status, body: undefined });
          const disposition = String(res.headers['content-disposition'] ?? '');
          const ext = /\.(\w+)"?$/.exec(disposition)?.[1] ?? 'bin';
          once(o, true, { statusCode: res.status, tempFilePath: this.tempFile(`download.${ext}`, res.body), errMsg: 'downloadFile:ok' });
        });
        return { abort() {} };
      },

      getFileSystemManager: () => ({
        readFileSync: (p: string, encoding?: string) => {
          const bytes = fs.readFileSync(this.realPath(p));
          return encoding ? bytes.toString(encoding as BufferEncoding) : bytes;
        },
      }),

      // storage: WeChat keeps values as they were set (objects too)
      getStorageSync: (key: string) => (this.storage.has(key) ? JSON.parse(JSON.stringify(this.storage.get(key))) : ''),
      setStorageSync: (key: string, value: unknown) => void this.storage.set(key, JSON.parse(JSON.stringify(value))),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      clearStorageSync: () => this.storage.clear(),

      // feedback
      showToast: (o: { title: string; icon?: string }) => {
        this.toasts.push(o.title);
        this.toastsShown.push({ title: o.title, icon: o.icon ?? 'success' });
      },
      showLoading: () => undefined,
      hideLoading: () => undefined,
      showModal: (
        o: Callbacks<{ confirm: boolean; cancel: boolean; content?: string; errMsg: string }> & {
          title?: string;
          content?: string;
          showCancel?: boolean;
          confirmText?: string;
          cancelText?: string;
        },
      ) => {
        this.modals.push({
          title: o.title ?? '',
          content: o.content ?? '',
          showCancel: o.showCancel !== false,
          confirmText: o.confirmText ?? '确定',
          cancelText: o.cancelText ?? '取消',
        });
        const answer = this.modalAnswers.shift() ?? { confirm: true };
        this.later(() =>
          once(o, true, { confirm: answer.confirm, cancel: !answer.confirm, content: answer.content, errMsg: 'showModal:ok' }),
        );
      },
      showActionSheet: (o: Callbacks<{ tapIndex: number; errMsg: string }> & { itemList: string[] }) => {
        const tap = this.actionSheetAnswers.length ? this.actionSheetAnswers.shift()! : 0;
        this.later(() =>
          tap === null
            ? once(o, false, { errMsg: 'showActionSheet:fail cancel' })
            : once(o, true, { tapIndex: tap, errMsg: 'showActionSheet:ok' }),
        );
      },

      // pickers: files made on disk, handed over as temporary paths
      chooseMedia: (
        o: Callbacks<{ tempFiles: { tempFilePath: string; size: number; fileType: string }[]; type: string; errMsg: string }> & {
          count?: number;
          sourceType?: string[];
        },
      ) => {
        this.picks.push({ api: 'chooseMedia', count: o.count ?? 9, source: o.sourceType });
        const picks = this.nextPicks.length ? this.nextPicks.splice(0) : [{ name: 'photo.jpg', bytes: JPEG_BYTES }];
        const tempFiles = picks
          .slice(0, o.count ?? 9)
          .map((p) => ({ tempFilePath: this.tempFile(p.name, p.bytes), size: p.bytes.length, fileType: 'image' }));
        this.later(() => once(o, true, { tempFiles, type: 'image', errMsg: 'chooseMedia:ok' }));
      },
      chooseMessageFile: (
        o: Callbacks<{ tempFiles: { path: string; size: number; name: string; type: string; time: number }[]; errMsg: string }> & {
          count: number;
        },
      ) => {
        this.picks.push({ api: 'chooseMessageFile', count: o.count });
        const picks = this.nextPicks.length ? this.nextPicks.splice(0) : [{ name: '合同.pdf', bytes: PDF_BYTES }];
        const tempFiles = picks
          .slice(0, o.count)
          .map((p) => ({ path: this.tempFile(p.name, p.bytes), size: p.bytes.length, name: p.name, type: 'file', time: 0 }));
        this.later(() => once(o, true, { tempFiles, errMsg: 'chooseMessageFile:ok' }));
      },
      previewImage: (o: { urls: string[] }) => void this.previews.push(o.urls),
      openDocument: (o: Callbacks<{ errMsg: string }> & { filePath: string; fileType?: string }) => {
        this.documents.push({ filePath: o.filePath, fileType: o.fileType ?? '', bytes: fs.readFileSync(this.realPath(o.filePath)) });
        this.later(() => once(o, true, { errMsg: 'openDocument:ok' }));
      },

      // consent and money
      getPrivacySetting: (o: Callbacks<{ needAuthorization: boolean; privacyContractName: string; errMsg: string }>) => {
        if (this.privacyNeeded) this.privacyPrompts += 1;
        this.later(() =>
          once(o, true, {
            needAuthorization: this.privacyNeeded,
            privacyContractName: '《上云补助小程序隐私保护指引》',
            errMsg: 'getPrivacySetting:ok',
          }),
        );
      },
      openPrivacyContract: (o: Callbacks<{ errMsg: string }>) => this.later(() => once(o, true, { errMsg: 'openPrivacyContract:ok' })),
      requestSubscribeMessage: (o: Callbacks<Json> & { tmplIds: string[] }) => {
        this.subscribeRequests.push(o.tmplIds);
        // WeChat's own rule: at most three templates a call.
        if (o.tmplIds.length > 3) {
          this.later(() => once(o, false, { errMsg: 'requestSubscribeMessage:fail TmplIds over limit' }));
          return;
        }
        const res: Json = { errMsg: 'requestSubscribeMessage:ok' };
        for (const id of o.tmplIds) res[id] = this.subscribeAnswer;
        this.later(() => once(o, true, res));
      },
      requestPayment: (o: Callbacks<{ errMsg: string }> & Json) => {
        this.payments.push({ timeStamp: o.timeStamp, nonceStr: o.nonceStr, package: o.package, signType: o.signType, paySign: o.paySign });
        const outcome = this.paymentOutcome;
        this.later(() =>
          once(o, outcome === 'success', {
            errMsg:
              outcome === 'success'
                ? 'requestPayment:ok'
                : outcome === 'cancel'
                  ? 'requestPayment:fail cancel'
                  : 'requestPayment:fail (-1)',
          }),
        );
      },
      makePhoneCall: () => undefined,
      setClipboardData: (o: Callbacks<{ errMsg: string }> & { data: string }) => {
        this.storage.set('__clipboard', o.data);
        this.later(() => once(o, true, { errMsg: 'setClipboardData:ok' }));
      },

      // navigation: recorded; the test opens the next page itself
      navigateTo: (o: { url: string }) => void this.navigations.push({ kind: 'navigateTo', url: o.url }),
      redirectTo: (o: { url: string }) => void this.navigations.push({ kind: 'redirectTo', url: o.url }),
      switchTab: (o: { url: string }) => void this.navigations.push({ kind: 'switchTab', url: o.url }),
      reLaunch: (o: { url: string }) => void this.navigations.push({ kind: 'reLaunch', url: o.url }),
      navigateBack: () => void this.navigations.push({ kind: 'navigateBack', url: '' }),
      stopPullDownRefresh: () => undefined,
      setNavigationBarTitle: (o: { title: string }) => void this.navigationTitles.push(o.title),
      pageScrollTo: (o: { selector?: string }) => {
        this.scrolls.push(o.selector ?? '');
      },
    };
  }
}
