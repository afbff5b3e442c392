import type { Readable } from 'node:stream';

/**
 * Where uploaded bytes live. Keys are ids the server generates, never anything a user typed, so a
 * key can be checked against a strict alphabet and mapped to a location without escaping. The
 * local-disk implementation is the default; an S3-compatible one can sit behind the same interface.
 */
export interface BlobStorage {
  /**
   * Streams `source` into the blob `key`, hashing while writing. The blob appears whole or not at
   * all: on overflow, a source error or a write error nothing is left behind and the promise
   * rejects (with BlobTooLargeError on overflow, otherwise with the source's own error).
   */
  put(key: string, source: Readable, opts: { maxBytes: number }): Promise<StoredBlob>;
  /** Opens the blob for reading; rejects with BlobNotFoundError when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes the blob; removing a blob that is not there is not an error. */
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /**
   * Removes the temporary parts of uploads untouched for longer than `olderThanMs` (debris of an
   * upload cut by a crash or a lost connection); answers how many.
   */
  sweepTemp(olderThanMs: number): Promise<number>;
}

/**
 * The longest an upload may take (the HTTP server's request timeout): a 20 MB material from a phone on
 * a weak mobile link can take minutes. A temporary part untouched for longer belongs to no live upload.
 */
export const UPLOAD_TIME_LIMIT_MS = 15 * 60_000;
/** Temporary parts are swept this often, once they have been idle past the upload time limit. */
export const TEMP_SWEEP_EVERY_MS = 5 * 60_000;
export const STALE_TEMP_MS = UPLOAD_TIME_LIMIT_MS + 60_000;

export interface StoredBlob {
  sizeBytes: number;
  /** Lower-case hex. */
  sha256: string;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob exceeds ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob under key ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

/**
 * Segments of letters, digits, '_' and '-' joined by single slashes. Dots are excluded, so no
 * segment can be '.' or '..', and no key can be absolute.
 */
const KEY_PATTERN = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const MAX_KEY_LENGTH = 128;

export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) throw new InvalidBlobKeyError(String(key));
}
