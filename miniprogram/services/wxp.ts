/**
 * WeChat's callback APIs as promises, for the few this mini-program awaits, and the calls nobody waits for
 * (toasts, navigation, the end of a pull-down refresh) with their failure handled. Network calls are not
 * here: only services/http.ts calls wx.request, wx.uploadFile and wx.downloadFile.
 */

/** A failed WeChat API call: `errMsg` as WeChat gives it (e.g. "chooseMedia:fail cancel"). */
export class WxError extends Error {
  constructor(readonly errMsg: string) {
    super(errMsg);
  }
  /** The person closed the picker or the dialog: not an error to report. */
  get cancelled(): boolean {
    return /cancel/i.test(this.errMsg);
  }
}

function fail(res: { errMsg: string }): WxError {
  return new WxError(res.errMsg);
}

/**
 * The `fail` of a call nobody waits for. Without a callback WeChat answers with a promise, and a failure
 * (say a navigation past the page stack's limit of ten) becomes a rejected promise nobody waits for; with
 * one, it answers here. Nothing the person could do about it: noted for the developer.
 */
function unheeded(res: { errMsg: string }): void {
  const err = fail(res);
  if (!err.cancelled) console.warn('微信接口调用未完成', err.errMsg);
}

export function login(): Promise<string> {
  return new Promise((resolve, reject) => wx.login({ success: (res) => resolve(res.code), fail: (res) => reject(fail(res)) }));
}

export function showModal(options: {
  title: string;
  content: string;
  showCancel?: boolean;
  confirmText?: string;
  cancelText?: string;
  editable?: boolean;
  placeholderText?: string;
}): Promise<{ confirm: boolean; content: string }> {
  return new Promise((resolve) =>
    wx.showModal({
      ...options,
      success: (res) => resolve({ confirm: res.confirm, content: res.content ?? '' }),
      fail: () => resolve({ confirm: false, content: '' }),
    }),
  );
}

/** The index tapped, or null when the sheet was dismissed. */
export function showActionSheet(itemList: string[]): Promise<number | null> {
  return new Promise((resolve) => wx.showActionSheet({ itemList, success: (res) => resolve(res.tapIndex), fail: () => resolve(null) }));
}

export interface PickedFile {
  path: string;
  size: number;
  name: string;
}

export function chooseMedia(count: number, source: 'camera' | 'album'): Promise<PickedFile[]> {
  return new Promise((resolve, reject) =>
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: [source],
      sizeType: ['compressed'],
      success: (res) =>
        resolve(
          res.tempFiles.map((f, i) => ({
            path: f.tempFilePath,
            size: f.size,
            name: `${source === 'camera' ? '拍照' : '相册'}${i + 1}.jpg`,
          })),
        ),
      fail: (res) => reject(fail(res)),
    }),
  );
}

/** A PDF forwarded in a chat: wx.chooseMessageFile is the only way to reach it on a phone. */
export function chooseMessageFile(count: number): Promise<PickedFile[]> {
  return new Promise((resolve, reject) =>
    wx.chooseMessageFile({
      count,
      type: 'file',
      extension: ['pdf', 'jpg', 'jpeg', 'png'],
      success: (res) => resolve(res.tempFiles.map((f) => ({ path: f.path, size: f.size, name: f.name }))),
      fail: (res) => reject(fail(res)),
    }),
  );
}

/** Asks for the subscribe messages; answers the ids the person accepted. Must run from a tap. */
export function requestSubscribeMessage(tmplIds: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    if (!tmplIds.length) {
      resolve([]);
      return;
    }
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(tmplIds.filter((id) => (res as Record<string, unknown>)[id] === 'accept')),
      // Refused, or the account has no such templates: the inbox still gets every notice.
      fail: () => resolve([]),
    });
  });
}

export function requestPayment(params: {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA' | 'MD5' | 'HMAC-SHA256';
  paySign: string;
}): Promise<void> {
  return new Promise((resolve, reject) => wx.requestPayment({ ...params, success: () => resolve(), fail: (res) => reject(fail(res)) }));
}

export function getPrivacySetting(): Promise<{ needAuthorization: boolean; privacyContractName: string }> {
  return new Promise((resolve) =>
    wx.getPrivacySetting({
      success: (res) => resolve({ needAuthorization: res.needAuthorization, privacyContractName: res.privacyContractName }),
      // An old base library without the privacy API has no agreement to ask for.
      fail: () => resolve({ needAuthorization: false, privacyContractName: '' }),
    }),
  );
}

export function previewImage(urls: string[], current: string): void {
  wx.previewImage({ urls, current, fail: unheeded });
}

export function openDocument(filePath: string, fileType: 'pdf' | 'docx' | 'xlsx' | 'doc' | 'xls'): Promise<void> {
  return new Promise((resolve, reject) =>
    wx.openDocument({ filePath, fileType, showMenu: true, success: () => resolve(), fail: (res) => reject(fail(res)) }),
  );
}

export function navigateTo(url: string): void {
  wx.navigateTo({ url, fail: unheeded });
}

/** Scrolls the page to the first element the selector finds (the opinion form, from the action bar). */
export function pageScrollTo(selector: string): void {
  wx.pageScrollTo({ selector, duration: 200, fail: unheeded });
}

export function redirectTo(url: string): void {
  wx.redirectTo({ url, fail: unheeded });
}

export function switchTab(url: string): void {
  wx.switchTab({ url, fail: unheeded });
}

export function navigateBack(): void {
  wx.navigateBack({ delta: 1, fail: unheeded });
}

export function showToast(options: { title: string; icon: 'success' | 'error' | 'loading' | 'none' }): void {
  wx.showToast({ ...options, fail: unheeded });
}

export function showLoading(options: { title: string }): void {
  wx.showLoading({ ...options, fail: unheeded });
}

export function hideLoading(): void {
  wx.hideLoading({ fail: unheeded });
}

export function stopPullDownRefresh(): void {
  wx.stopPullDownRefresh({ fail: unheeded });
}

export function setNavigationBarTitle(title: string): void {
  wx.setNavigationBarTitle({ title, fail: unheeded });
}

export function makePhoneCall(phoneNumber: string): void {
  wx.makePhoneCall({ phoneNumber, fail: unheeded });
}

export function setClipboardData(data: string): void {
  wx.setClipboardData({ data, fail: unheeded });
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Promise.allSettled (ES2020) without relying on the phone's JavaScript engine having it. */
export function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<{
  [K in keyof T]: Settled<T[K]>;
}> {
  return Promise.all(
    promises.map((p) =>
      p.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  ) as Promise<{ [K in keyof T]: Settled<T[K]> }>;
}
