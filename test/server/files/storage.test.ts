import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  STALE_TEMP_MS,
  UPLOAD_TIME_LIMIT_MS,
  assertBlobKey,
} from '../../../server/src/storage/blobStorage';
import { createBlobStorage, sweepTempOnTimer } from '../../../server/src/storage';
import { LocalDiskStorage } from '../../../server/src/storage/localDisk';
import { newId } from '../../../server/src/ids';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(path.relative(dir, p));
  }
  return out;
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalDiskStorage', () => {
  let base: string;
  let root: string;
  let storage: LocalDiskStorage;

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'shangyun-storage-'));
    root = path.join(base, 'files');
    storage = new LocalDiskStorage(root);
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  test('nothing is created before the first write', () => {
    new LocalDiskStorage(path.join(base, 'never-used'));
    expect(readdirSync(base)).not.toContain('never-used');
  });

  test('put streams, hashes and counts; get reads it back; remove removes it', async () => {
    const data = Buffer.from('%PDF-1.7 hello 你好');
    const key = newId();
    const stored = await storage.put(key, Readable.from([data.subarray(0, 5), data.subarray(5)]), { maxBytes: 1000 });
    expect(stored).toEqual({ sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(await storage.exists(key)).toBe(true);
    expect((await readAll(await storage.get(key))).equals(data)).toBe(true);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(storage.pathOf(key))).mode & 0o777).toBe(0o700);
    expect(statSync(storage.pathOf(key)).mode & 0o777).toBe(0o600);
    await storage.remove(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await storage.remove(key); // removing twice is fine
  });

  test('keys are sharded into subfolders under objects/', async () => {
    const keys = Array.from({ length: 20 }, () => newId());
    for (const k of keys) await storage.put(k, Readable.from([Buffer.from('x')]), { maxBytes: 10 });
    const shards = new Set(keys.map((k) => path.relative(storage.objectsDir, path.dirname(storage.pathOf(k)))));
    expect(shards.size).toBeGreaterThan(5);
    for (const s of shards) expect(s).toMatch(/^[0-9a-f]{2}$/);
    for (const k of keys) await storage.remove(k);
  });

  test('overflow: rejected with BlobTooLargeError, nothing left (no blob, no temp file)', async () => {
    const before = walk(root);
    const key = newId();
    const big = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, 1);
      })(),
    );
    await expect(storage.put(key, big, { maxBytes: 50 * 1024 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await storage.exists(key)).toBe(false);
    expect(walk(root)).toEqual(before);
  });

  test('a source that fails midway: rejected with its error, nothing left', async () => {
    const before = walk(root);
    const key = newId();
    const failing = new Readable({ read() {} });
    failing.push(Buffer.alloc(4096, 2));
    setTimeout(() => failing.destroy(new Error('client went away')), 20);
    await expect(storage.put(key, failing, { maxBytes: 1e6 })).rejects.toThrow('client went away');
    expect(await storage.exists(key)).toBe(false);
    expect(walk(root)).toEqual(before);
  });

  test('a source that fails before the pipeline is attached does not crash the process', async () => {
    const failing = new Readable({ read() {} });
    const p = storage.put(newId(), failing, { maxBytes: 1e6 });
    failing.destroy(new Error('early'));
    await expect(p).rejects.toThrow();
    expect(walk(root).filter((f) => f.startsWith('tmp'))).toEqual([]);
  });

  test('an existing key is never overwritten', async () => {
    const key = newId();
    await storage.put(key, Readable.from([Buffer.from('first')]), { maxBytes: 100 });
    await expect(storage.put(key, Readable.from([Buffer.from('second')]), { maxBytes: 100 })).rejects.toThrow(/taken/);
    expect((await readFile(storage.pathOf(key))).toString()).toBe('first');
    await storage.remove(key);
  });

  test.each([
    ['../etc/passwd'],
    ['a/../../b'],
    ['/abs'],
    ['a//b'],
    ['a/'],
    ['合同.pdf'],
    ['x.pdf'],
    ['a\u0000b'],
    [''],
    ['a b'],
    ['k'.repeat(129)],
  ])('refuses key %j before touching the disk', async (key) => {
    expect(() => assertBlobKey(key)).toThrow(InvalidBlobKeyError);
    await expect(storage.put(key, Readable.from([Buffer.from('x')]), { maxBytes: 10 })).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(storage.remove(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(storage.exists(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
  });

  test('keys with folders stay under the root', async () => {
    const key = `v1/${newId()}`;
    await storage.put(key, Readable.from([Buffer.from('nested')]), { maxBytes: 100 });
    expect(storage.pathOf(key).startsWith(storage.objectsDir + path.sep)).toBe(true);
    expect((await readAll(await storage.get(key))).toString()).toBe('nested');
    await storage.remove(key);
  });

  test('temp parts idle past the upload time limit (an upload cut short) are swept; a slow upload still writing is left alone', async () => {
    const stale = path.join(storage.tmpDir, 'stale.part');
    const slow = path.join(storage.tmpDir, 'slow.part');
    writeFileSync(stale, 'old');
    writeFileSync(slow, 'new');
    const idlePastLimit = new Date(Date.now() - UPLOAD_TIME_LIMIT_MS - 61_000);
    utimesSync(stale, idlePastLimit, idlePastLimit);
    // Last written 14 minutes ago: a request may still be alive that long.
    const stillAlive = new Date(Date.now() - UPLOAD_TIME_LIMIT_MS + 60_000);
    utimesSync(slow, stillAlive, stillAlive);
    expect(STALE_TEMP_MS).toBeGreaterThan(UPLOAD_TIME_LIMIT_MS);
    expect(await storage.sweepTemp(STALE_TEMP_MS)).toBe(1);
    expect(readdirSync(storage.tmpDir)).toEqual(['slow.part']);
    await rm(slow);
  });

  test('the sweep runs on a timer, not only at start, and says what it removed', async () => {
    await storage.put(`warm/${newId()}`, Readable.from([Buffer.from('x')]), { maxBytes: 10 });
    const debris = path.join(storage.tmpDir, 'debris.part');
    writeFileSync(debris, 'cut short');
    const old = new Date(Date.now() - 10_000);
    utimesSync(debris, old, old);
    const said: unknown[] = [];
    const stop = sweepTempOnTimer(storage, { info: (o: unknown) => said.push(o), warn: () => undefined } as never, 50, 5000);
    for (let i = 0; i < 100 && readdirSync(storage.tmpDir).length; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(readdirSync(storage.tmpDir)).toEqual([]);
    expect(said).toEqual([{ removed: 1 }]);
  });

  test('the default lives under DATA_DIR/files', () => {
    const s = createBlobStorage({ dataDir: '/srv/shangyun' });
    expect(s).toBeInstanceOf(LocalDiskStorage);
    expect((s as LocalDiskStorage).rootDir).toBe('/srv/shangyun/files');
  });
});
