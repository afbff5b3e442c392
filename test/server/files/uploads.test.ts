import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Response } from 'supertest';
import { auditRecordsMatching, storedFilesMatching } from '../../../server/src/db/testing';
import { findFile } from '../../../server/src/db/files';
import { MULTIPART, OWNER_TYPE, jpeg, multipart, pdf, png, startFilesHarness, type FilesHarness, type Part } from './harness';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** supertest leaves binary bodies alone unless told to collect them. */
function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('uploads that go through, and reading them back', () => {
  let h: FilesHarness;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let reviewer: { token: string; userId: string };
  let folderA: string;
  let folderB: string;

  beforeAll(async () => {
    h = await startFilesHarness();
    alice = await h.login('alice');
    bob = await h.login('bob');
    reviewer = await h.login('reviewer');
    await h.grantReviewer(reviewer.userId);
    folderA = h.newFolder(alice.userId);
    folderB = h.newFolder(bob.userId);
  });
  afterAll(() => h.close());

  const bearer = (who: { token: string }) => `Bearer ${who.token}`;
  function upload(parts: Part[], opts: { folder?: string; kind?: string; as?: { token: string } } = {}) {
    return h.http
      .post(`/api/v1/files/${OWNER_TYPE}/${opts.folder ?? folderA}/${opts.kind ?? 'contract'}`)
      .set('authorization', bearer(opts.as ?? alice))
      .set('content-type', MULTIPART)
      .send(multipart(parts));
  }
  function replace(fileId: string, parts: Part[], as = alice) {
    return h.http
      .post(`/api/v1/files/${fileId}/replace`)
      .set('authorization', bearer(as))
      .set('content-type', MULTIPART)
      .send(multipart(parts));
  }
  const rows = () => h.db.read((tx) => storedFilesMatching(tx, {}));

  test('a PDF: 201 with its metadata; the row, the blob and the audit entry agree', async () => {
    const content = pdf('服务合同');
    const res = await upload([{ filename: '服务合同.pdf', content, contentType: 'application/pdf' }]);
    expect(res.status).toBe(201);
    expect(res.body.files).toEqual([
      {
        id: expect.stringMatching(ULID),
        ownerType: OWNER_TYPE,
        ownerId: folderA,
        kind: 'contract',
        name: '服务合同.pdf',
        mime: 'application/pdf',
        sizeBytes: content.length,
        sha256: sha256(content),
        createdAt: expect.any(Number),
        uploadedBy: alice.userId,
        supersededBy: null,
      },
    ]);
    const id = res.body.files[0].id as string;
    const row = (await h.db.read((tx) => findFile(tx, id)))!;
    expect(row).toMatchObject({
      ownerType: OWNER_TYPE,
      ownerId: folderA,
      kind: 'contract',
      originalName: '服务合同.pdf',
      sizeBytes: content.length,
      sha256: sha256(content),
      storageKey: id,
      uploadedBy: alice.userId,
      supersededBy: null,
    });

    // On disk under our id, owner-only, nowhere near the user's name.
    const blobPath = h.storage.pathOf(id);
    expect(blobPath.startsWith(h.root)).toBe(true);
    expect(blobPath).not.toMatch(/服务合同|\.pdf/);
    expect(readFileSync(blobPath).equals(content)).toBe(true);
    expect(statSync(blobPath).mode & 0o777).toBe(0o600);
    expect(statSync(h.root).mode & 0o777).toBe(0o700);

    const audit = await h.db.read((tx) => auditRecordsMatching(tx, { action: 'file.upload', entityType: OWNER_TYPE, entityId: folderA }));
    expect(audit.map((a) => a.data)).toContainEqual({
      fileId: id,
      kind: 'contract',
      name: '服务合同.pdf',
      mime: 'application/pdf',
      sizeBytes: content.length,
      sha256: sha256(content),
    });
    expect(audit.find((a) => a.data?.fileId === id)?.actorId).toBe(alice.userId);
  });

  test('a JPEG and a PNG in one request: typed by content, in the order sent', async () => {
    const res = await upload(
      [
        { filename: '现场1.jpg', content: jpeg(1), contentType: 'application/octet-stream' },
        { filename: '现场2.PNG', content: png(2), contentType: 'image/jpeg' },
      ],
      { kind: 'photos' },
    );
    expect(res.status).toBe(201);
    expect(res.body.files.map((f: { name: string; mime: string }) => [f.name, f.mime])).toEqual([
      ['现场1.jpg', 'image/jpeg'],
      ['现场2.png', 'image/png'],
    ]);
  });

  test('names are cleaned, Chinese kept; the stored name never decides where the bytes go', async () => {
    const res = await upload([
      { filename: 'C:\\fakepath\\营业执照（副本）.pdf', content: pdf('1') },
      { filename: 'scan.2024.pdf', content: pdf('2') },
      // Control characters cannot appear raw in a part header; RFC 5987 encoding carries them.
      { rawDisposition: `filename*=UTF-8''${encodeURIComponent('a\u0007b\u202Ec\u200B\u0085.pdf')}`, content: pdf('3') },
      { filename: 'what?<>|*:x.png', content: png(3) },
      { filename: `${'很'.repeat(150)}.pdf`, content: pdf('4') },
      { filename: 'scan', content: jpeg(5) },
      { filename: 'CON.pdf', content: pdf('5') },
      { filename: '  report.pdf. ', content: pdf('6') },
      { rawDisposition: `filename*=UTF-8''${encodeURIComponent('上云情况总结.pdf')}`, content: pdf('7') },
    ]);
    expect(res.status).toBe(201);
    const names = res.body.files.map((f: { name: string }) => f.name);
    expect(names).toEqual([
      '营业执照（副本）.pdf',
      'scan.2024.pdf',
      'abc.pdf',
      'what______x.png',
      `${'很'.repeat(96)}.pdf`,
      'scan.jpg',
      '_CON.pdf',
      'report.pdf',
      '上云情况总结.pdf',
    ]);
    expect(Array.from(names[4] as string)).toHaveLength(100);
  });

  test('download: the right type, the Chinese name per RFC 5987, nosniff, no-store, the same bytes; audited', async () => {
    const content = Buffer.concat([pdf('下载'), randomBytes(50_000)]);
    const up = await upload([{ filename: '兑付申请表（盖章）.pdf', content }]);
    const file = up.body.files[0] as { id: string; sha256: string };
    const downloadsBefore = await h.auditCount('file.download');

    const res = await h.http.get(`/api/v1/files/${file.id}/content`).set('authorization', bearer(alice)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(content.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const disposition = res.headers['content-disposition'];
    expect(disposition).toBe(`attachment; filename="file.pdf"; filename*=UTF-8''${encodeURIComponent('兑付申请表（盖章）.pdf')}`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe('兑付申请表（盖章）.pdf');
    expect((res.body as Buffer).equals(content)).toBe(true);
    expect(sha256(res.body as Buffer)).toBe(file.sha256);

    const inline = await h.http
      .get(`/api/v1/files/${file.id}/content?inline=1`)
      .set('authorization', bearer(reviewer))
      .buffer(true)
      .parse(binary);
    expect(inline.status).toBe(200);
    expect(inline.headers['content-disposition']).toMatch(/^inline; filename="file\.pdf"; filename\*=UTF-8''/);

    const audit = await h.db.read((tx) => auditRecordsMatching(tx, { action: 'file.download', entityType: OWNER_TYPE, entityId: folderA }));
    expect(audit.slice(-2).map((a) => [a.actorId, a.data])).toEqual([
      [alice.userId, { fileId: file.id, kind: 'contract', inline: false }],
      [reviewer.userId, { fileId: file.id, kind: 'contract', inline: true }],
    ]);
    expect(await h.auditCount('file.download')).toBe(downloadsBefore + 2);

    // HEAD tells the size and type without a download to audit.
    const head = await h.http.head(`/api/v1/files/${file.id}/content`).set('authorization', bearer(alice));
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(content.length));
    expect(await h.auditCount('file.download')).toBe(downloadsBefore + 2);
  });

  test('an ASCII name goes into the fallback as it is', async () => {
    const up = await upload([{ filename: 'invoice-2024.png', content: png(9) }]);
    const res = await h.http
      .get(`/api/v1/files/${up.body.files[0].id}/content`)
      .set('authorization', bearer(alice))
      .buffer(true)
      .parse(binary);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="invoice-2024.png"; filename*=UTF-8''invoice-2024.png`);
  });

  test('the sha256 is of the bytes, computed while streaming (a 5 MB file)', async () => {
    const content = Buffer.concat([pdf('big'), randomBytes(5 * 1024 * 1024)]);
    const res = await upload([{ filename: '大合同.pdf', content }]);
    expect(res.status).toBe(201);
    expect(res.body.files[0].sha256).toBe(sha256(content));
    expect(res.body.files[0].sizeBytes).toBe(content.length);
    expect(sha256(readFileSync(h.storage.pathOf(res.body.files[0].id)))).toBe(sha256(content));
  });

  test('who may read: the owner and a reviewer; others get 403; bad and unknown ids 400/404', async () => {
    const up = await upload([{ filename: '营业执照.jpg', content: jpeg(42) }]);
    const id = up.body.files[0].id as string;
    const downloads = await h.auditCount('file.download');

    expect((await h.http.get(`/api/v1/files/${id}`).set('authorization', bearer(alice))).body.file).toMatchObject({
      id,
      name: '营业执照.jpg',
      mime: 'image/jpeg',
    });
    expect((await h.http.get(`/api/v1/files/${id}`).set('authorization', bearer(reviewer))).status).toBe(200);
    expect((await h.http.get(`/api/v1/files/${id}`).set('authorization', bearer(bob))).status).toBe(403);
    expect((await h.http.get(`/api/v1/files/${id}/content`).set('authorization', bearer(bob))).status).toBe(403);
    expect((await h.http.get(`/api/v1/files/${id}`)).status).toBe(401);
    expect((await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderA}`).set('authorization', bearer(bob))).status).toBe(403);
    expect((await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderA}`).set('authorization', bearer(reviewer))).status).toBe(200);
    expect(await h.auditCount('file.download')).toBe(downloads);

    for (const bad of ['not-an-id', id.toLowerCase(), `${id}0`]) {
      expect((await h.http.get(`/api/v1/files/${bad}`).set('authorization', bearer(alice))).status).toBe(400);
      expect((await h.http.get(`/api/v1/files/${bad}/content`).set('authorization', bearer(alice))).status).toBe(400);
    }
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    expect((await h.http.get(`/api/v1/files/${unknown}`).set('authorization', bearer(alice))).status).toBe(404);
    expect((await h.http.get(`/api/v1/files/${unknown}/content`).set('authorization', bearer(alice))).status).toBe(404);
    expect((await h.http.get(`/api/v1/files/no_such_type/${folderA}`).set('authorization', bearer(alice))).status).toBe(404);
    expect((await h.http.get(`/api/v1/files/${OWNER_TYPE}/nope`).set('authorization', bearer(alice))).status).toBe(400);
    expect((await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderA}?kind=passport`).set('authorization', bearer(alice))).status).toBe(400);
    expect((await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderA}?history=maybe`).set('authorization', bearer(alice))).status).toBe(400);
    const filtered = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderA}?kind=photos`).set('authorization', bearer(alice));
    expect(filtered.body.files.every((f: { kind: string }) => f.kind === 'photos')).toBe(true);
    expect(filtered.body.files.length).toBeGreaterThan(0);
  });

  test('the same bytes under another owner are flagged to reviewers, not refused, and never shown to uploaders', async () => {
    const twin = pdf(`twin ${Date.now()}`);
    const first = await upload([{ filename: '合同A.pdf', content: twin }]);
    expect(first.status).toBe(201);
    expect(first.body.files[0].duplicateOf).toBeUndefined();

    // The uploader is not told whose file it matches: that would name another enterprise's records.
    const second = await upload([{ filename: '合同B.pdf', content: twin }], { folder: folderB, as: bob });
    expect(second.status).toBe(201);
    expect(second.body.files[0].duplicateOf).toBeUndefined();
    expect(
      (await h.http.get(`/api/v1/files/${second.body.files[0].id}`).set('authorization', bearer(bob))).body.file.duplicateOf,
    ).toBeUndefined();

    // The same owner uploading it twice is no one else's copy; the other owner's still is.
    const again = await upload([{ filename: '合同A副本.pdf', content: twin }], { kind: 'contract' });
    expect(again.status).toBe(201);
    const againMeta = await h.http.get(`/api/v1/files/${again.body.files[0].id}`).set('authorization', bearer(reviewer));
    expect(againMeta.body.file.duplicateOf).toEqual([{ ownerType: OWNER_TYPE, ownerId: folderB }]);

    const meta = await h.http.get(`/api/v1/files/${first.body.files[0].id}`).set('authorization', bearer(reviewer));
    expect(meta.body.file.duplicateOf).toEqual([{ ownerType: OWNER_TYPE, ownerId: folderB }]);
    const list = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folderB}`).set('authorization', bearer(reviewer));
    expect(list.body.files.find((f: { id: string }) => f.id === second.body.files[0].id).duplicateOf).toEqual([
      { ownerType: OWNER_TYPE, ownerId: folderA },
    ]);
  });

  test('replace: the new version is current, the old one stays in the history', async () => {
    const folder = h.newFolder(alice.userId);
    const v1 = await upload([{ filename: '营业执照.pdf', content: pdf('v1') }], { folder, kind: 'licence' });
    expect(v1.status).toBe(201);
    const oldId = v1.body.files[0].id as string;

    // The kind holds one file: a second upload is told to replace instead.
    const before = { rows: await h.rowCount(), blobs: await h.blobs() };
    const second = await upload([{ filename: '营业执照2.pdf', content: pdf('v1b') }], { folder, kind: 'licence' });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/「营业执照」最多 1 个文件.*替换/);
    expect({ rows: await h.rowCount(), blobs: await h.blobs() }).toEqual(before);

    // Someone else may not replace it; a bad file may not replace it either.
    expect((await replace(oldId, [{ filename: 'x.pdf', content: pdf('bob') }], bob)).status).toBe(403);
    expect((await replace(oldId, [{ filename: 'x.pdf', content: Buffer.from('not a pdf') }])).status).toBe(415);
    expect(
      (
        await replace(oldId, [
          { filename: 'a.pdf', content: pdf('a') },
          { filename: 'b.pdf', content: pdf('b') },
        ])
      ).status,
    ).toBe(400);
    expect({ rows: await h.rowCount(), blobs: await h.blobs() }).toEqual(before);

    const v2 = await replace(oldId, [{ filename: '营业执照（新）.pdf', content: pdf('v2') }]);
    expect(v2.status).toBe(201);
    const newId = v2.body.file.id as string;
    expect(v2.body.file).toMatchObject({ kind: 'licence', name: '营业执照（新）.pdf', ownerId: folder, supersededBy: null });

    const current = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folder}`).set('authorization', bearer(alice));
    expect(current.body.files.map((f: { id: string }) => f.id)).toEqual([newId]);
    const history = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folder}?history=1`).set('authorization', bearer(alice));
    expect(history.body.files.map((f: { id: string; supersededBy: string | null }) => [f.id, f.supersededBy])).toEqual([
      [oldId, newId],
      [newId, null],
    ]);
    // The old version is still there to read.
    const old = await h.http.get(`/api/v1/files/${oldId}/content`).set('authorization', bearer(reviewer)).buffer(true).parse(binary);
    expect((old.body as Buffer).equals(pdf('v1'))).toBe(true);

    // A replaced version cannot be replaced again: the newest one is.
    const stale = await replace(oldId, [{ filename: 'v3.pdf', content: pdf('v3') }]);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('file_superseded');

    const audit = await h.db.read((tx) => auditRecordsMatching(tx, { action: 'file.replace', entityId: folder }));
    expect(audit.map((a) => a.data)).toEqual([expect.objectContaining({ fileId: newId, replaces: oldId })]);
  });

  test('two replacements racing for one version: one wins, the loser leaves nothing', async () => {
    const folder = h.newFolder(alice.userId);
    const v1 = await upload([{ filename: 'licence.pdf', content: pdf('race v1') }], { folder, kind: 'licence' });
    const id = v1.body.files[0].id as string;
    const results = await Promise.all([
      replace(id, [{ filename: 'a.pdf', content: pdf('race a') }]),
      replace(id, [{ filename: 'b.pdf', content: pdf('race b') }]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const history = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folder}?history=1`).set('authorization', bearer(alice));
    expect(history.body.files).toHaveLength(2);
  });

  test('two uploads racing for the last place of a kind: one gets it, the other leaves nothing', async () => {
    const folder = h.newFolder(alice.userId);
    const before = await h.blobs();
    const results = await Promise.all(
      [1, 2, 3].map((i) => upload([{ filename: `licence${i}.pdf`, content: pdf(`licence race ${i}`) }], { folder, kind: 'licence' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const list = await h.http.get(`/api/v1/files/${OWNER_TYPE}/${folder}?history=1`).set('authorization', bearer(alice));
    expect(list.body.files).toHaveLength(1);
    expect((await h.blobs()).length).toBe(before.length + 1);
  });

  test('owning modules read the current files inside their own transaction', async () => {
    const folder = h.newFolder(alice.userId);
    await upload([{ filename: 'c.pdf', content: pdf('current 1') }], { folder });
    const v1 = await upload([{ filename: 'l.pdf', content: pdf('current 2') }], { folder, kind: 'licence' });
    await replace(v1.body.files[0].id, [{ filename: 'l2.pdf', content: pdf('current 3') }]);
    const current = await h.db.transaction((tx) => h.files.currentFiles(OWNER_TYPE, folder, tx));
    expect(current.map((f) => [f.kind, f.name])).toEqual([
      ['contract', 'c.pdf'],
      ['licence', 'l2.pdf'],
    ]);
    expect((await h.files.currentFiles(OWNER_TYPE, folder)).length).toBe(2);
  });

  test("the routes as the app's role × route matrix will call them: 401 anonymous, never 403 or 5xx logged in", async () => {
    // test/server/http/matrix.test.ts fills ':id' with a well-formed id and other parameters with 'x', and sends {}.
    const concrete = (p: string) => p.replace(/:id\b/g, '01ARZ3NDEKTSV4RRFFQ69G5FAV').replace(/:(\w+)/g, 'x');
    expect(h.routes.specs.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api/v1/files/:ownerType/:ownerId/:kind',
      'POST /api/v1/files/:id/replace',
      'GET /api/v1/files/:id/content',
      'GET /api/v1/files/:id',
      'GET /api/v1/files/:ownerType/:ownerId',
    ]);
    for (const spec of h.routes.specs) {
      expect(spec.access).toBe('authenticated');
      const call = (token?: string) => {
        const req = spec.method === 'GET' ? h.http.get(concrete(spec.path)) : h.http.post(concrete(spec.path));
        if (token) req.set('authorization', `Bearer ${token}`);
        return spec.method === 'GET' ? req : req.send({});
      };
      expect([spec.path, (await call()).status]).toEqual([spec.path, 401]);
      for (const who of [alice, reviewer]) {
        const res = await call(who.token);
        expect([spec.path, res.status]).toEqual([spec.path, expect.any(Number)]);
        expect(res.status).toBeLessThan(500);
        expect([401, 403]).not.toContain(res.status);
      }
    }
  });

  test('storage holds exactly the blobs of the rows, and no temp files', async () => {
    const all = await rows();
    const blobs = await h.blobs();
    expect(blobs.filter((b) => b.startsWith('tmp/'))).toEqual([]);
    expect(blobs.map((b) => b.split('/').pop()).sort()).toEqual(all.map((r) => r.storageKey).sort());
  });
});
