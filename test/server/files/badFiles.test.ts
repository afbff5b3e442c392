import {
  CLOSING,
  MULTIPART,
  OWNER_TYPE,
  multipart,
  partHeader,
  pdf,
  jpeg,
  rawRequest,
  responseOf,
  startFilesHarness,
  type FilesHarness,
  type Part,
} from './harness';

/**
 * The "done when": every file of a corpus of bad uploads is refused with a 4xx, and the
 * refusal leaves nothing behind — no row, no audit entry, no blob, no temp file.
 */

interface Snapshot {
  rows: number;
  uploads: number;
  blobs: string[];
}

describe('bad uploads are refused and leave nothing behind', () => {
  let h: FilesHarness;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let folder: string;

  beforeAll(async () => {
    h = await startFilesHarness();
    alice = await h.login('alice');
    bob = await h.login('bob');
    folder = h.newFolder(alice.userId);
    // One good file first, so that "nothing changed" is not "nothing there".
    const res = await h.http
      .post(url('contract'))
      .set('authorization', `Bearer ${alice.token}`)
      .set('content-type', MULTIPART)
      .send(multipart([{ filename: 'first.pdf', content: pdf('first') }]));
    expect(res.status).toBe(201);
  });
  afterAll(() => h.close());

  const url = (kind: string, owner = folder, type = OWNER_TYPE) => `/api/v1/files/${type}/${owner}/${kind}`;

  async function snapshot(): Promise<Snapshot> {
    return { rows: await h.rowCount(), uploads: await h.auditCount('file.upload'), blobs: await h.blobs() };
  }

  async function expectUnchanged(before: Snapshot): Promise<void> {
    expect(await snapshot()).toEqual(before);
  }

  function post(parts: Part[], kind = 'contract', token = alice.token) {
    return h.http.post(url(kind)).set('authorization', `Bearer ${token}`).set('content-type', MULTIPART).send(multipart(parts));
  }

  const docx = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), Buffer.alloc(300, 7)]);
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), Buffer.alloc(300, 1)]);
  const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');

  test.each<[string, Part[], number, RegExp]>([
    [
      'wrong magic bytes: a Word file named .pdf',
      [{ filename: '合同.pdf', content: docx }],
      415,
      /只接受 PDF、JPG、PNG 文件：「合同\.pdf」的内容不是这三种格式/,
    ],
    ['wrong magic bytes: a program named .jpg', [{ filename: 'photo.jpg', content: exe }], 415, /内容不是这三种格式/],
    ['wrong magic bytes: HTML named .png', [{ filename: 'x.png', content: html, contentType: 'image/png' }], 415, /内容不是这三种格式/],
    [
      'content disagrees with the extension: JPEG named .png',
      [{ filename: 'photo.png', content: jpeg() }],
      415,
      /扩展名是 \.png，内容却是JPG 图片/,
    ],
    ['content disagrees with the extension: PDF named .jpg', [{ filename: '扫描件.jpg', content: pdf() }], 415, /内容却是PDF 文档/],
    [
      'a format we do not take (.docx), whatever Content-Type says',
      [{ filename: '合同.docx', content: pdf(), contentType: 'application/pdf' }],
      415,
      /^只接受 PDF、JPG、PNG 文件：「合同\.docx」不是这三种格式，请转换为 PDF 后上传$/,
    ],
    ['a phone photo format (.heic)', [{ filename: 'IMG_0001.HEIC', content: jpeg() }], 415, /请转换为 JPG 或 PNG 后上传/],
    [
      'double extension ending in a program: 合同.pdf.exe',
      [{ filename: '合同.pdf.exe', content: pdf() }],
      415,
      /「合同\.pdf\.exe」不是这三种格式/,
    ],
    [
      'double extension hiding a script: a.php.pdf',
      [{ filename: 'a.php.pdf', content: pdf() }],
      400,
      /程序文件的扩展名“\.php”.*a_php\.pdf/,
    ],
    ['double extension hiding a script: invoice.JS.jpg', [{ filename: 'invoice.JS.jpg', content: jpeg() }], 400, /“\.js”/],
    ['double extension with a space: a.exe .pdf', [{ filename: 'a.exe .pdf', content: pdf() }], 400, /“\.exe”/],
    ['a right-to-left override hiding .exe', [{ filename: '合同\u202Efdp.exe', content: pdf() }], 415, /不是这三种格式/],
    ['../ in the name', [{ filename: '../../etc/passwd.pdf', content: pdf() }], 400, /不能包含路径/],
    ['..\\ in the name', [{ filename: '..\\..\\boot.pdf', content: pdf() }], 400, /不能包含路径/],
    ['.. hidden by a zero-width space', [{ filename: '.\u200B./x.pdf', content: pdf() }], 400, /不能包含路径/],
    ['NUL in the name (raw byte in the header)', [{ filename: 'a.php\u0000.pdf', content: pdf() }], 400, /不完整|空字符/],
    ['NUL in the name (RFC 5987 %00)', [{ rawDisposition: "filename*=UTF-8''a.php%00.pdf", content: pdf() }], 400, /空字符/],
    ['an empty file', [{ filename: 'empty.pdf', content: Buffer.alloc(0) }], 400, /「empty\.pdf」是空文件/],
    ['an empty name', [{ filename: '', content: pdf() }], 400, /缺少文件名/],
    ['a file too short to be anything', [{ filename: 'tiny.pdf', content: Buffer.from('%P') }], 415, /内容不是这三种格式/],
    [
      'a good file, then a bad one: the good one goes too',
      [
        { filename: 'good.pdf', content: pdf('good') },
        { filename: 'bad.pdf', content: docx },
      ],
      415,
      /「bad\.pdf」/,
    ],
    [
      'a good file, then an empty one',
      [
        { filename: 'good.pdf', content: pdf('good2') },
        { filename: 'zero.png', content: Buffer.alloc(0) },
      ],
      400,
      /空文件/,
    ],
    ['a file in another field than "file"', [{ field: 'upload', filename: 'x.pdf', content: pdf() }], 400, /file 字段/],
    ['no file at all, only a text field', [{ field: 'note', filename: null, content: Buffer.from('你好') }], 400, /没有收到文件/],
    [
      'eleven files (the limit is ten)',
      Array.from({ length: 11 }, (_, i) => ({ filename: `p${i}.pdf`, content: pdf(`n${i}`) })),
      400,
      /一次最多上传 10 个文件/,
    ],
  ])('%s', async (_label, parts, status, message) => {
    const before = await snapshot();
    const res = await post(parts);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    await expectUnchanged(before);
  });

  test('more files than the kind allows (photos: 3)', async () => {
    const before = await snapshot();
    const res = await post(
      Array.from({ length: 4 }, (_, i) => ({ filename: `现场${i}.jpg`, content: jpeg(i) })),
      'photos',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/「现场照片」最多 3 个文件，这次最多还能上传 3 个/);
    await expectUnchanged(before);
  });

  test('a file over 20 MB, after a good one: 413, and neither is kept', async () => {
    const before = await snapshot();
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    pdf().copy(big);
    const res = await post([
      { filename: 'ok.pdf', content: pdf('before the big one') },
      { filename: '大文件.pdf', content: big },
    ]);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe('「大文件.pdf」超过 20 MB，请压缩或分页后上传');
    await expectUnchanged(before);
  });

  test('a body that ends before the multipart does (no closing boundary): 400', async () => {
    const before = await snapshot();
    const body = Buffer.concat([
      partHeader({ filename: 'a.pdf' }),
      pdf('first'),
      Buffer.from('\r\n'),
      partHeader({ filename: 'b.pdf' }),
      pdf('cut here'),
    ]);
    const res = await h.http.post(url('contract')).set('authorization', `Bearer ${alice.token}`).set('content-type', MULTIPART).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/不完整/);
    await expectUnchanged(before);
  });

  test('a client that cuts the connection mid-file: nothing is kept', async () => {
    const before = await snapshot();
    const first = Buffer.concat([partHeader({ filename: 'whole.pdf' }), pdf('whole'), Buffer.from('\r\n')]);
    const secondHead = Buffer.concat([partHeader({ filename: 'half.pdf' }), pdf('half')]);
    const filler = Buffer.alloc(256 * 1024, 0x41);
    const declared = first.length + secondHead.length + filler.length * 8 + CLOSING.length;
    const handled = h.handled();
    const req = rawRequest(h.port, { path: url('contract'), token: alice.token, headers: { 'content-length': declared } });
    req.on('error', () => undefined);
    req.write(first);
    req.write(secondHead);
    req.write(filler);
    // Give the server time to store the whole first file and start on the second.
    await waitFor(async () => (await h.blobs()).length > before.blobs.length);
    req.destroy();
    await h.waitHandled(handled + 1);
    await expectUnchanged(before);
  });

  test('a body declared larger than any request we take: 413 before reading it, connection closed', async () => {
    const before = await snapshot();
    const req = rawRequest(h.port, { path: url('contract'), token: alice.token, headers: { 'content-length': 500 * 1024 * 1024 } });
    req.write(partHeader({ filename: 'huge.pdf' }));
    const res = await responseOf(req);
    req.destroy();
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body).error.message).toMatch(/合计不能超过 100 MB/);
    await expectUnchanged(before);
  });

  describe('who may attach is decided before the body is read', () => {
    test("someone else's folder: 403, nothing stored", async () => {
      const before = await snapshot();
      const res = await post([{ filename: 'intruder.pdf', content: pdf('bob') }], 'contract', bob.token);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/只有文件夹的主人/);
      await expectUnchanged(before);
    });

    test('the refusal comes while the body is still on its way', async () => {
      const before = await snapshot();
      const req = rawRequest(h.port, { path: url('contract'), token: bob.token, headers: { 'content-length': 10 * 1024 * 1024 } });
      // Headers and the first bytes of a file, and then nothing: a server that read the body first would never answer.
      req.write(Buffer.concat([partHeader({ filename: 'slow.pdf' }), pdf('slow')]));
      const res = await responseOf(req);
      req.destroy();
      expect(res.status).toBe(403);
      await expectUnchanged(before);
    });

    test('a locked folder: 403', async () => {
      const locked = h.newFolder(alice.userId);
      h.lock(locked);
      const before = await snapshot();
      const res = await h.http
        .post(url('contract', locked))
        .set('authorization', `Bearer ${alice.token}`)
        .set('content-type', MULTIPART)
        .send(multipart([{ filename: 'late.pdf', content: pdf() }]));
      expect(res.status).toBe(403);
      await expectUnchanged(before);
    });

    test('anonymous: 401', async () => {
      const before = await snapshot();
      const res = await h.http
        .post(url('contract'))
        .set('content-type', MULTIPART)
        .send(multipart([{ filename: 'anon.pdf', content: pdf() }]));
      expect(res.status).toBe(401);
      await expectUnchanged(before);
    });

    test.each<[string, () => string, number]>([
      ['an unknown owner type', () => url('contract', folder, 'no_such_type'), 404],
      ['a folder that does not exist', () => url('contract', '01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404],
      ['an owner id that is not an id', () => url('contract', 'not-an-id'), 400],
      ['an owner id with letters Crockford leaves out', () => url('contract', 'U'.repeat(26)), 400],
      ['an owner id that climbs out of the path', () => url('contract', '..%2F..%2Fetc'), 400],
      ['an owner id in lower case', () => url('contract', folder.toLowerCase()), 400],
      ['an unknown kind', () => url('passport'), 400],
    ])('%s', async (_label, path, status) => {
      const before = await snapshot();
      const res = await h.http
        .post(path())
        .set('authorization', `Bearer ${alice.token}`)
        .set('content-type', MULTIPART)
        .send(multipart([{ filename: 'x.pdf', content: pdf() }]));
      expect(res.status).toBe(status);
      expect(typeof res.body.error.message).toBe('string');
      await expectUnchanged(before);
    });
  });

  test('JSON instead of multipart: 415', async () => {
    const before = await snapshot();
    const res = await h.http.post(url('contract')).set('authorization', `Bearer ${alice.token}`).send({ file: 'JVBERi0=' });
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/multipart\/form-data/);
    await expectUnchanged(before);
  });

  test('multipart without a boundary: 400', async () => {
    const before = await snapshot();
    const res = await h.http
      .post(url('contract'))
      .set('authorization', `Bearer ${alice.token}`)
      .set('content-type', 'multipart/form-data; charset=utf-8')
      .send(Buffer.from('whatever'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/boundary/);
    await expectUnchanged(before);
  });

  test('after all that, the connection pool and the server still work', async () => {
    const res = await post([{ filename: 'after.pdf', content: pdf('after') }]);
    expect(res.status).toBe(201);
  });
});

describe('limits as configured (small ones, to reach them cheaply)', () => {
  let h: FilesHarness;
  let alice: { token: string; userId: string };
  let folder: string;

  beforeAll(async () => {
    h = await startFilesHarness({ limits: { maxFileBytes: 1000, maxFilesPerRequest: 3, maxRequestBytes: 8000 } });
    alice = await h.login('alice');
    folder = h.newFolder(alice.userId);
  });
  afterAll(() => h.close());

  const url = () => `/api/v1/files/${OWNER_TYPE}/${folder}/contract`;
  const post = (parts: Part[]) =>
    h.http.post(url()).set('authorization', `Bearer ${alice.token}`).set('content-type', MULTIPART).send(multipart(parts));

  function sized(n: number): Buffer {
    const b = Buffer.alloc(n, 0x20);
    pdf().copy(b);
    return b;
  }

  test('a file of exactly the limit is taken; one byte more is not', async () => {
    const ok = await post([{ filename: 'exact.pdf', content: sized(1000) }]);
    expect(ok.status).toBe(201);
    expect(ok.body.files[0].sizeBytes).toBe(1000);
    const rows = await h.rowCount();
    const blobs = await h.blobs();
    const over = await post([{ filename: 'over.pdf', content: sized(1001) }]);
    expect(over.status).toBe(413);
    expect(over.body.error.message).toBe('「over.pdf」超过 1000 字节，请压缩或分页后上传');
    expect(await h.rowCount()).toBe(rows);
    expect(await h.blobs()).toEqual(blobs);
  });

  test('the configured number of files per request', async () => {
    const rows = await h.rowCount();
    const res = await post(Array.from({ length: 4 }, (_, i) => ({ filename: `f${i}.pdf`, content: pdf(String(i)) })));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/一次最多上传 3 个文件/);
    expect(await h.rowCount()).toBe(rows);
  });

  test('a chunked body (no length) that outgrows the request cap: 413, the file before it removed, connection closed', async () => {
    const rows = await h.rowCount();
    const blobs = await h.blobs();
    const req = rawRequest(h.port, { path: url(), token: alice.token });
    req.on('error', () => undefined);
    const pending = responseOf(req);
    req.write(
      Buffer.concat([
        partHeader({ filename: 'small.pdf' }),
        sized(900),
        Buffer.from('\r\n'),
        partHeader({ field: 'note', filename: null }),
      ]),
    );
    // A text field is never stored, but its bytes count: 20 kB of it passes the 8 kB cap.
    for (let i = 0; i < 20; i++) req.write(Buffer.alloc(1024, 0x61));
    const res = await pending;
    req.destroy();
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(await h.rowCount()).toBe(rows);
    expect(await h.blobs()).toEqual(blobs);
  });
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
