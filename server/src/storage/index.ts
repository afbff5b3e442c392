import path from 'node:path';
import type { Config } from '../config';
import type { BlobStorage } from './blobStorage';
import { LocalDiskStorage } from './localDisk';

export * from './blobStorage';
export { LocalDiskStorage } from './localDisk';

/** The configured storage: local disk under the data folder (S3-compatible storage can come later, behind BlobStorage). */
export function createBlobStorage(config: Pick<Config, 'dataDir'>): BlobStorage {
  return new LocalDiskStorage(path.join(config.dataDir, 'files'));
}
