import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from 'pino';
import { STALE_TEMP_MS, TEMP_SWEEP_EVERY_MS, type BlobStorage } from './blobStorage';
import { LocalDiskStorage } from './localDisk';

export * from './blobStorage';
export { LocalDiskStorage } from './localDisk';

/** Where the local disk storage keeps its blobs: backups copy and restore this folder. */
export function localStorageRoot(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'files');
}

/** The configured storage: local disk under the data folder (S3-compatible storage can come later, behind BlobStorage). */
export function createBlobStorage(config: Pick<Config, 'dataDir'>): BlobStorage {
  return new LocalDiskStorage(localStorageRoot(config));
}

/** Uploads cut short (a lost connection, a stop past its grace) leave temporary parts: swept as they age. */
export function sweepTempOnTimer(
  storage: BlobStorage,
  logger: Pick<Logger, 'info' | 'warn'>,
  everyMs = TEMP_SWEEP_EVERY_MS,
  olderThanMs = STALE_TEMP_MS,
): () => Promise<void> {
  const timer = setInterval(() => {
    storage.sweepTemp(olderThanMs).then(
      (removed) => {
        if (removed) logger.info({ removed }, 'temporary parts of interrupted uploads removed');
      },
      (err: unknown) => logger.warn({ err }, 'sweeping temporary upload parts failed'),
    );
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return Promise.resolve();
  };
}
