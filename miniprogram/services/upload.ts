/**
 * Uploading a material from a phone: a dropped connection (a lift, a tunnel, a weak signal at the
 * factory) is retried by itself a few times before the person is told; a refusal by the server (wrong
 * type, too big, not allowed) is never retried — it would only be refused again.
 */
import { ApiError } from './http';
import * as api from './api';
import type { StoredFile } from '../shared/contracts/responses';

export const UPLOAD_ATTEMPTS = 3;
/** Waits before the 2nd and 3rd attempt: long enough for a signal to come back, short enough to wait for. */
export const RETRY_DELAYS_MS = [500, 1000];

export interface UploadTarget {
  ownerType: string;
  ownerId: string;
  kind: string;
}

export interface UploadHooks {
  onProgress?: (percent: number) => void;
  /** Before attempt 2, 3 …: lets the list say "网络中断，正在重试（第 2 次）". */
  onRetry?: (attempt: number) => void;
  /** For tests and impatient people: how long to wait before each retry. */
  delays?: readonly number[];
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withRetry<T>(attempt: () => Promise<T>, hooks: UploadHooks): Promise<T> {
  const delays = hooks.delays ?? RETRY_DELAYS_MS;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ApiError) || !err.network || n >= UPLOAD_ATTEMPTS) throw err;
      hooks.onRetry?.(n + 1);
      await wait(delays[n - 1] ?? delays[delays.length - 1] ?? 0);
    }
  }
}

export async function uploadMaterial(target: UploadTarget, filePath: string, hooks: UploadHooks = {}): Promise<StoredFile> {
  const res = await withRetry(() => api.uploadFile(target.ownerType, target.ownerId, target.kind, filePath, hooks.onProgress), hooks);
  const file = res.files[0];
  if (!file) throw new ApiError(500, 'no_file', '服务器没有收到文件，请重试');
  return file;
}

/** A new version of a file; the old one stays in the history (DESIGN.md "Materials"). */
export async function replaceMaterial(fileId: string, filePath: string, hooks: UploadHooks = {}): Promise<StoredFile> {
  const res = await withRetry(() => api.replaceFile(fileId, filePath, hooks.onProgress), hooks);
  return res.file;
}
