import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { DomainError } from '../../../server/src/modules/errors';
import { STATUS_OF } from '../../../server/src/http/errorHandler';
import { detectType } from '../../../server/src/modules/files/fileTypes';
import { checkFileName, storedName } from '../../../server/src/modules/files/names';
import { TypeSniffer } from '../../../server/src/modules/files/sniff';
import { contentDisposition } from '../../../server/src/http/download';
import { FileService } from '../../../server/src/modules/files/fileService';
import type { Database } from '../../../server/src/db/database';
import type { AuditTrail } from '../../../server/src/modules/audit/audit';
import type { BlobStorage } from '../../../server/src/storage/blobStorage';

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { status: STATUS_OF[err.kind], message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('file names', () => {
  test.each([
    ['合同.pdf', '合同', 'pdf', 'pdf'],
    ['IMG_0001.JPG', 'IMG_0001', 'jpg', 'jpeg'],
    ['photo.jpeg', 'photo', 'jpeg', 'jpeg'],
    ['scan.2024.pdf', 'scan.2024', 'pdf', 'pdf'],
    ['合同.最终版', '合同.最终版', null, null],
    ['scan', 'scan', null, null],
    ['/tmp/wx/tmp_8f3a.png', 'tmp_8f3a', 'png', 'png'],
    ['C:\\Users\\张三\\Desktop\\营业执照.pdf', '营业执照', 'pdf', 'pdf'],
    ['  多  空格 .pdf ', '多 空格', 'pdf', 'pdf'],
    ['aux.pdf', '_aux', 'pdf', 'pdf'],
    ['.pdf', '文件', 'pdf', 'pdf'],
  ])('%j is taken as %j + %j', (raw, base, ext, type) => {
    const c = checkFileName(raw);
    expect([c.base, c.ext, c.declaredType]).toEqual([base, ext, type]);
  });

  test.each([
    [undefined, 400, /缺少文件名/],
    ['   ', 400, /缺少文件名/],
    ['a\u0000.pdf', 400, /空字符/],
    ['../a.pdf', 400, /路径/],
    ['x/../../a.pdf', 400, /路径/],
    ['..\\a.pdf', 400, /路径/],
    ['a.docx', 415, /请转换为 PDF 后上传/],
    ['a.webp', 415, /请转换为 JPG 或 PNG 后上传/],
    ['a.pdf.exe', 415, /不是这三种格式/],
    ['a.svg', 415, /不是这三种格式/],
    ['shell.php.jpg', 400, /“\.php”/],
    ['page.html.pdf', 400, /“\.html”/],
    ['x.php', 415, /不是这三种格式/],
  ])('%j is refused (%i)', (raw, status, message) => {
    const r = refusal(() => checkFileName(raw));
    expect(r.status).toBe(status);
    expect(r.message).toMatch(message);
  });

  test('look-alike slashes do not make a path: they become underscores', () => {
    expect(checkFileName('..\uff0f..\uff0fpasswd.pdf').base).toBe('.._.._passwd');
  });

  test('the stored name is at most 100 characters, the extension kept, Chinese not split', () => {
    const name = storedName(checkFileName(`${'营'.repeat(300)}.jpeg`), 'jpeg');
    expect(Array.from(name)).toHaveLength(100);
    expect(name.endsWith('.jpeg')).toBe(true);
    expect(storedName(checkFileName(`${'😀'.repeat(120)}.pdf`), 'pdf')).toBe(`${'😀'.repeat(96)}.pdf`);
  });

  test('a name without an extension takes the one of its content', () => {
    expect(storedName(checkFileName('scan'), 'png')).toBe('scan.png');
    expect(storedName(checkFileName('照片'), 'jpeg')).toBe('照片.jpg');
  });
});

describe('content types by magic bytes', () => {
  test.each([
    ['%PDF-1.4', 'pdf'],
    ['\xff\xd8\xff\xe0', 'jpeg'],
    ['\x89PNG\r\n\x1a\n', 'png'],
    ['\x89PNG\r\n', null],
    ['PK\x03\x04', null],
    ['GIF89a', null],
    [' %PDF-1.4', null],
    ['', null],
  ])('%j → %s', (head, type) => {
    expect(detectType(Buffer.from(head, 'latin1'))).toBe(type);
  });

  async function sniff(name: string, chunks: Buffer[]): Promise<{ type: string | null; out: Buffer } | { error: DomainError }> {
    const sniffer = new TypeSniffer(checkFileName(name));
    const got: Buffer[] = [];
    try {
      await pipeline(
        Readable.from(chunks),
        sniffer,
        new Writable({
          write(c: Buffer, _e, cb) {
            got.push(c);
            cb();
          },
        }),
      );
      return { type: sniffer.detected, out: Buffer.concat(got) };
    } catch (err) {
      return { error: err as DomainError };
    }
  }

  test('the magic may arrive split over chunks; every byte passes through unchanged', async () => {
    const data = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(1000, 3)]);
    const chunks = [data.subarray(0, 1), data.subarray(1, 3), data.subarray(3, 9), data.subarray(9)];
    const r = await sniff('a.png', chunks);
    expect(r).toEqual({ type: 'png', out: data });
  });

  test('nothing passes before the type is decided', async () => {
    const r = await sniff('a.pdf', [Buffer.from('MZ'), Buffer.from('\x90\x00\x03\x00\x00\x00\x04', 'latin1')]);
    expect('error' in r && STATUS_OF[r.error.kind]).toBe(415);
  });

  test('an empty stream is an empty file; a tiny right one is fine', async () => {
    const empty = await sniff('a.pdf', []);
    expect('error' in empty && empty.error.message).toMatch(/空文件/);
    const tiny = await sniff('a.jpg', [Buffer.from([0xff, 0xd8, 0xff])]);
    expect(tiny).toEqual({ type: 'jpeg', out: Buffer.from([0xff, 0xd8, 0xff]) });
  });
});

describe('Content-Disposition', () => {
  test.each([
    ['合同.pdf', `attachment; filename="file.pdf"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf`],
    ['营业执照2024.jpg', `attachment; filename="2024.jpg"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A72024.jpg`],
    ["it's (final)*.pdf", `attachment; filename="it's (final)*.pdf"; filename*=UTF-8''it%27s%20%28final%29%2A.pdf`],
    ['50%;off.png', `attachment; filename="50__off.png"; filename*=UTF-8''50%25%3Boff.png`],
  ])('%j', (name, header) => {
    expect(contentDisposition('attachment', name)).toBe(header);
  });
});

describe('owner type registration', () => {
  const service = () => new FileService({ db: {} as Database, audit: {} as AuditTrail, storage: {} as BlobStorage });
  const spec = {
    canAttach: () => Promise.resolve(),
    canRead: () => Promise.resolve(),
    kinds: { licence: { label: '营业执照', maxFiles: 1 } },
  };

  test('names and kinds are checked once, at start-up', () => {
    const s = service();
    s.registerOwnerType('provider_filing', spec);
    expect(() => s.registerOwnerType('provider_filing', spec)).toThrow(/twice/);
    expect(() => s.registerOwnerType('Provider', spec)).toThrow(/must match/);
    expect(() => s.registerOwnerType('x'.repeat(33), spec)).toThrow(/must match/);
    expect(() => s.registerOwnerType('empty', { ...spec, kinds: {} })).toThrow(/no kinds/);
    expect(() => s.registerOwnerType('bad_kind', { ...spec, kinds: { 'Bad-Kind': { label: 'x' } } })).toThrow(/must match/);
    expect(() => s.registerOwnerType('bad_max', { ...spec, kinds: { a: { label: 'x', maxFiles: 0 } } })).toThrow(/positive/);
    expect(() => s.registerOwnerType('no_label', { ...spec, kinds: { a: { label: ' ' } } })).toThrow(/label/);
    expect(s.kindsOf('provider_filing')).toEqual({ licence: { label: '营业执照', maxFiles: 1 } });
  });

  test('default limits: 20 MiB a file, 10 files a request', () => {
    expect(service().limits).toEqual({ maxFileBytes: 20 * 1024 * 1024, maxFilesPerRequest: 10, maxRequestBytes: 100 * 1024 * 1024 });
  });
});
