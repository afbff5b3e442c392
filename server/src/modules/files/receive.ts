/**
 * Reading one multipart upload into storage (DESIGN.md, "Materials"): each file part streamed to
 * storage as it arrives, never held whole; typed by its bytes; within the size and count limits;
 * and on any failure every blob of the request removed again. Writes no row: the file service
 * records what arrived, in one transaction, once the whole body went through.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { newId } from '../../ids';
import { BlobTooLargeError, type BlobStorage } from '../../storage/blobStorage';
import type { FileType } from './fileTypes';
import { checkFileName, storedName, type CheckedName } from './names';
import { TypeSniffer } from './sniff';

export interface FileLimits {
  /** Per file. */
  maxFileBytes: number;
  maxFilesPerRequest: number;
  /** The whole multipart body, files and framing together. */
  maxRequestBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 20 * MiB,
  maxFilesPerRequest: 10,
  maxRequestBytes: 100 * MiB,
};

/** Non-file form fields are not used; a few are tolerated (clients add their own), never read. */
const MAX_FIELDS = 10;

/** A file streamed to storage whose row is not yet written. */
export interface Received {
  index: number;
  id: string;
  name: string;
  type: FileType;
  sizeBytes: number;
  sha256: string;
}

const TRUNCATED = '上传的数据不完整（网络中断或格式不对），没有保存任何文件，请重新上传';

function humanSize(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} 字节`;
}

export function clipText(s: string, max = 40): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Streams every file part of a multipart body to storage. Resolves with all of them once the
 * body has been read to its end and every blob is whole; on any failure (a refused file, a
 * limit, a broken or cut body) it removes every blob this request stored and rejects.
 */
export async function receiveUpload(
  storage: BlobStorage,
  limits: FileLimits,
  body: Readable,
  headers: IncomingHttpHeaders,
  maxFiles: number,
  tooMany: string,
): Promise<Received[]> {
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('请用 multipart/form-data 方式上传文件（文件放在 file 字段中，例如小程序的 wx.uploadFile）');
  }
  const tooBig = `一次上传的文件合计不能超过 ${humanSize(limits.maxRequestBytes)}，请分批上传`;
  const declared = headers['content-length'] === undefined ? null : Number(headers['content-length']);
  if (declared !== null && declared > limits.maxRequestBytes) throw new PayloadTooLargeError(tooBig);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      // Raw names are checked here (a "../" is refused, not silently cut off by busboy).
      preservePath: true,
      // Phones and browsers send file names as raw UTF-8; busboy would read them as latin1.
      defParamCharset: 'utf8',
      limits: {
        // One byte over the limit: busboy flags a file of exactly `fileSize` bytes as cut off.
        fileSize: limits.maxFileBytes + 1,
        files: maxFiles,
        fields: MAX_FIELDS,
        fieldSize: 1024,
        fieldNameSize: 100,
        parts: maxFiles + MAX_FIELDS + 1,
        headerPairs: 20,
      },
    });
  } catch {
    throw new InvalidInputError('上传格式不对：缺少 multipart 分隔符（boundary），请用小程序或网页的上传功能重新上传');
  }

  return new Promise<Received[]>((resolve, reject) => {
    const received: Received[] = [];
    const puts: Promise<void>[] = [];
    // Parts being written: on failure each is cut, so that its put settles and its temp file goes.
    const active = new Set<TypeSniffer>();
    // Set once the outcome is known (failure or success): later events change nothing.
    let done = false;
    let bodyEnded = false;
    let bytes = 0;
    let fileCount = 0;

    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      body.unpipe(parser);
      // The rest of the body is read and dropped, not parsed: nothing more is stored.
      body.resume();
      parser.destroy();
      for (const s of active) s.destroy(new InvalidInputError(TRUNCATED));
      void Promise.allSettled(puts)
        .then(() => discardReceived(storage, received))
        .then(() => reject(err instanceof Error ? err : new Error(String(err))));
    };

    parser.on('file', (field: string, stream: Readable, info: busboy.FileInfo) => {
      // busboy destroys a part's stream with an error when the body breaks off; it must be heard.
      stream.on('error', () => undefined);
      if (done) {
        stream.resume();
        return;
      }
      if (field !== 'file') {
        stream.resume();
        fail(new InvalidInputError(`文件请放在 file 字段中上传（收到的字段名是「${clipText(field, 20)}」）`));
        return;
      }
      let checked: CheckedName;
      try {
        checked = checkFileName(info.filename);
      } catch (err) {
        stream.resume();
        fail(err);
        return;
      }
      const index = fileCount++;
      const id = newId();
      const sniffer = new TypeSniffer(checked);
      const tooLarge = new PayloadTooLargeError(`「${checked.display}」超过 ${humanSize(limits.maxFileBytes)}，请压缩或分页后上传`);
      // Any error of a part's stream means the multipart body broke off or was malformed.
      stream.on('error', () => sniffer.destroy(new InvalidInputError(TRUNCATED)));
      stream.on('limit', () => sniffer.destroy(tooLarge));
      active.add(sniffer);
      puts.push(
        storage.put(id, stream.pipe(sniffer), { maxBytes: limits.maxFileBytes }).then(
          (blob) => {
            active.delete(sniffer);
            received.push({ index, id, name: storedName(checked, sniffer.detected!), type: sniffer.detected!, ...blob });
          },
          (err: unknown) => {
            active.delete(sniffer);
            fail(err instanceof BlobTooLargeError ? tooLarge : err);
          },
        ),
      );
    });
    parser.on('filesLimit', () => fail(new InvalidInputError(tooMany)));
    parser.on('fieldsLimit', () => fail(new InvalidInputError('表单字段太多：只需上传文件（字段 file）')));
    parser.on('partsLimit', () => fail(new InvalidInputError(tooMany)));
    parser.on('error', () => fail(new InvalidInputError(TRUNCATED)));
    parser.on('finish', () => {
      void Promise.allSettled(puts).then(() => {
        if (done) return;
        if (received.length === 0) {
          fail(new InvalidInputError('没有收到文件：请在 file 字段中选择要上传的文件'));
          return;
        }
        done = true;
        resolve(received.sort((a, b) => a.index - b.index));
      });
    });

    body.on('end', () => {
      bodyEnded = true;
    });
    // A client that goes away mid-body: the request is cut, whatever the parser saw so far.
    body.on('aborted', () => fail(new InvalidInputError(TRUNCATED)));
    body.on('error', () => fail(new InvalidInputError(TRUNCATED)));
    body.on('close', () => {
      if (!bodyEnded) fail(new InvalidInputError(TRUNCATED));
    });
    body.pipe(parser);
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxRequestBytes) fail(new PayloadTooLargeError(tooBig));
    });
  });
}

/**
 * Removes blobs of a request that did not go through. Never throws: the caller's own error is
 * what the client must hear; a blob that could not be removed is an orphan without a row,
 * which nobody can reach through the API.
 */
export async function discardReceived(storage: BlobStorage, received: readonly Received[]): Promise<void> {
  await Promise.allSettled(received.map((r) => storage.remove(r.id)));
}
