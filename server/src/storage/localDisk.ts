import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, BlobNotFoundError, BlobTooLargeError, STALE_TEMP_MS, type BlobStorage, type StoredBlob } from './blobStorage';

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

/**
 * Blobs on the local disk, under a root that no web server serves (by default
 * `${dataDir}/files`). Layout: `objects/<2 hex of sha256(key)>/<key>` spreads blobs over 256
 * folders whatever the keys look like; `tmp/` holds uploads in progress on the same filesystem,
 * so the final rename is atomic and a crash leaves debris only in `tmp/`, swept at start and on a timer.
 * Everything is created owner-only (0700 folders, 0600 files).
 */
export class LocalDiskStorage implements BlobStorage {
  private ready: Promise<void> | null = null;
  readonly objectsDir: string;
  readonly tmpDir: string;

  constructor(readonly rootDir: string) {
    this.objectsDir = path.join(rootDir, 'objects');
    this.tmpDir = path.join(rootDir, 'tmp');
  }

  /** Where a key lives. Only keys that passed assertBlobKey reach here, so no segment is '..'. */
  pathOf(key: string): string {
    assertBlobKey(key);
    const shard = createHash('sha256').update(key).digest('hex').slice(0, 2);
    return path.join(this.objectsDir, shard, ...key.split('/'));
  }

  async put(key: string, source: Readable, opts: { maxBytes: number }): Promise<StoredBlob> {
    // The source is ours from now on: an error it raises before the pipeline below is attached
    // must not go unheard (an 'error' without a listener ends the process); pipeline sees it anyway.
    source.on('error', () => undefined);
    const finalPath = this.pathOf(key);
    await this.init();
    // Keys are fresh ids: an existing blob under one is a bug, and history must never be overwritten.
    if (await this.exists(key)) throw new Error(`blob key ${key} is already taken`);
    await mkdir(path.dirname(finalPath), { recursive: true, mode: 0o700 });

    const tmpPath = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > opts.maxBytes) {
          callback(new BlobTooLargeError(opts.maxBytes));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // Opened here, not by the stream: the temp file exists before anything can fail, so the
    // removal below can never run ahead of a still-pending open that would recreate it.
    const handle = await open(tmpPath, 'wx', 0o600);
    // flush: the data reaches the disk before the rename makes the blob visible.
    const out = createWriteStream(tmpPath, { fd: handle, flush: true });
    try {
      await pipeline(source, meter, out);
      await rename(tmpPath, finalPath);
    } catch (err) {
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await rm(tmpPath, { force: true });
      throw err;
    }
    return { sizeBytes: size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Readable> {
    const p = this.pathOf(key);
    try {
      // Opened before returning, so that a missing blob is known before any response is started.
      const handle = await open(p, 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  /** Removes temp files idle for longer than `olderThanMs` (by their last write): debris of uploads cut short. */
  async sweepTemp(olderThanMs = STALE_TEMP_MS, now = Date.now()): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return 0;
      throw err;
    }
    for (const name of names) {
      const p = path.join(this.tmpDir, name);
      try {
        const s = await stat(p);
        if (s.isFile() && now - s.mtimeMs > olderThanMs) {
          await rm(p, { force: true });
          removed++;
        }
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    return removed;
  }

  /** Created on first use, not in the constructor: building the app must not touch the disk. */
  private init(): Promise<void> {
    if (!this.ready) {
      this.ready = (async () => {
        await mkdir(this.rootDir, { recursive: true, mode: 0o700 });
        // A root that existed with wider rights is narrowed; where we may not, the folders below still are 0700.
        await chmod(this.rootDir, 0o700).catch(() => undefined);
        await mkdir(this.objectsDir, { recursive: true, mode: 0o700 });
        await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
        await this.sweepTemp().catch(() => 0);
      })();
      this.ready.catch(() => {
        this.ready = null;
      });
    }
    return this.ready;
  }
}
