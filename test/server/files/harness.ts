import { insertGrant } from '../../../server/src/db/users';
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import request from 'supertest';
import type { Database } from '../../../server/src/db/database';
import type { AppState } from '../../../server/src/http/context';
import { errorHandler } from '../../../server/src/http/errorHandler';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../../server/src/modules/errors';
import { RouteTable } from '../../../server/src/http/routeTable';
import { createLogger } from '../../../server/src/logger';
import { AuditTrail } from '../../../server/src/modules/audit/audit';
import { AuthService } from '../../../server/src/modules/auth/authService';
import { FileService } from '../../../server/src/modules/files/fileService';
import type { FileLimits } from '../../../server/src/modules/files/receive';
import { fileRoutes } from '../../../server/src/http/routes/files';
import { LocalDiskStorage } from '../../../server/src/storage/localDisk';
import { newId } from '../../../server/src/ids';
import { openTestDatabase } from '../../helpers/db';
import { countAuditRecords, countStoredFiles } from '../../../server/src/db/testing';

export const AUDIT_KEY = 'files-test-audit-key-0123456789abcdef';
export const OWNER_TYPE = 'test_folder';

/**
 * A small app built the way server/src/app.ts builds the real one (error handler, JSON body
 * parser, bearer-token authentication, the route table), with the files routes and a test owner
 * type: folders that belong to one user, readable also by city_miit reviewers.
 */
export interface FilesHarness {
  db: Database;
  storage: LocalDiskStorage;
  root: string;
  files: FileService;
  routes: RouteTable;
  server: Server;
  port: number;
  http: ReturnType<typeof request.agent>;
  login(name: string): Promise<{ token: string; userId: string }>;
  /** A folder owned by `userId`. */
  newFolder(userId: string): string;
  /** Folders whose materials can no longer be changed (as after a submit). */
  lock(folderId: string): void;
  grantReviewer(userId: string): Promise<void>;
  /** Requests the app has finished handling (answered, or given up on a vanished client). */
  handled(): number;
  waitHandled(count: number, timeoutMs?: number): Promise<void>;
  /** Every file under the storage root, temp files included, relative to it. */
  blobs(): Promise<string[]>;
  rowCount(): Promise<number>;
  auditCount(action: string): Promise<number>;
  close(): Promise<void>;
}

export async function startFilesHarness(opts: { limits?: Partial<FileLimits> } = {}): Promise<FilesHarness> {
  const db = await openTestDatabase();
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'shangyun-files-')), 'files');
  const storage = new LocalDiskStorage(root);
  const audit = new AuditTrail(AUDIT_KEY);
  const auth = new AuthService(db, audit, { code2Session: (code) => Promise.resolve({ openid: `openid-${code}` }) }, 3600_000);
  const files = new FileService({ db, audit, storage, limits: opts.limits });

  const folders = new Map<string, string>();
  const locked = new Set<string>();
  files.registerOwnerType(OWNER_TYPE, {
    kinds: {
      contract: { label: '服务合同' },
      licence: { label: '营业执照', maxFiles: 1 },
      photos: { label: '现场照片', maxFiles: 3 },
    },
    // A real owner type asks the database; this one asks two in-memory sets, and answers with a promise as the interface wants.
    canAttach(a, ownerId) {
      const owner = folders.get(ownerId);
      if (!owner) return Promise.reject(new NotFoundError('没有这个文件夹'));
      if (owner !== a.userId) return Promise.reject(new ForbiddenError('只有文件夹的主人可以上传材料'));
      if (locked.has(ownerId)) return Promise.reject(new ForbiddenError('已提交，材料不能再修改'));
      return Promise.resolve();
    },
    canRead(a, ownerId) {
      const owner = folders.get(ownerId);
      if (!owner) return Promise.reject(new NotFoundError('没有这个文件夹'));
      if (owner !== a.userId && !a.grants.some((g) => g.role === 'city_miit'))
        return Promise.reject(new ForbiddenError('只能查看自己的材料'));
      return Promise.resolve();
    },
  });

  const routes = new RouteTable();
  fileRoutes(routes, { files });

  const app = new Koa<AppState>();
  const events = new EventEmitter();
  let handled = 0;
  app.use(async (_ctx, next) => {
    try {
      await next();
    } finally {
      handled++;
      events.emit('handled');
    }
  });
  app.use(errorHandler(createLogger({ logLevel: 'silent' })));
  app.use(async (ctx, next) => {
    ctx.state.requestId = randomUUID();
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', jsonStrict: true }));
  app.use(async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const a = m ? await auth.authenticate(m[1]) : null;
      if (!a) throw new UnauthenticatedError();
      ctx.state.auth = a;
    }
    await next();
  });
  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods({ throw: true }));

  // A client that hangs up after its answer (as the cut-off tests do) makes Koa report a socket
  // error; Koa would print it to the console. The test has its own assertions on those cases.
  app.on('error', () => undefined);
  // app.listen is http.createServer(app.callback()).listen(…): Koa answers a failed request itself.
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  async function walk(dir: string, prefix = ''): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name), rel)));
      else out.push(rel);
    }
    return out.sort();
  }

  return {
    db,
    storage,
    root,
    files,
    routes,
    server,
    port,
    http: request.agent(server),
    async login(name) {
      const { token, user } = await auth.wxLogin(name);
      return { token, userId: user.id };
    },
    newFolder(userId) {
      const id = newId();
      folders.set(id, userId);
      return id;
    },
    lock(folderId) {
      locked.add(folderId);
    },
    async grantReviewer(userId) {
      await db.transaction((tx) =>
        insertGrant(tx, {
          id: newId(),
          userId: userId,
          role: 'city_miit',
          countyCode: null,
          grantedBy: null,
          invitationId: null,
          createdAt: Date.now(),
        }),
      );
    },
    handled: () => handled,
    waitHandled(count, timeoutMs = 10_000) {
      if (handled >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('handled', check);
          reject(new Error(`only ${handled} of ${count} requests handled`));
        }, timeoutMs);
        const check = () => {
          if (handled >= count) {
            clearTimeout(timer);
            events.off('handled', check);
            resolve();
          }
        };
        events.on('handled', check);
      });
    },
    blobs: () => walk(root),
    async rowCount() {
      return db.read((tx) => countStoredFiles(tx, {}));
    },
    async auditCount(action) {
      return db.read((tx) => countAuditRecords(tx, { action }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      await rm(path.dirname(root), { recursive: true, force: true });
    },
  };
}

export interface Part {
  field?: string;
  /** Put into the header as given (quoted); null leaves filename out. */
  filename?: string | null;
  /** A raw Content-Disposition parameter string replacing the filename, e.g. `filename*=UTF-8''a%00.pdf`. */
  rawDisposition?: string;
  contentType?: string;
  content: Buffer;
}

export const BOUNDARY = '----shangyunTestBoundary7MA4YWxkTrZu0gW';
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

export function partHeader(p: Omit<Part, 'content'>): Buffer {
  const params =
    p.rawDisposition !== undefined ? `; ${p.rawDisposition}` : p.filename === null ? '' : `; filename="${p.filename ?? 'file.pdf'}"`;
  const lines = [`--${BOUNDARY}`, `Content-Disposition: form-data; name="${p.field ?? 'file'}"${params}`];
  const isFile = p.filename !== null || p.rawDisposition !== undefined;
  if (p.contentType !== undefined || isFile) lines.push(`Content-Type: ${p.contentType ?? 'application/octet-stream'}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

export const CLOSING = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

export function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(Buffer.from('\r\n'));
    chunks.push(partHeader(p), p.content);
  });
  chunks.push(CLOSING);
  return Buffer.concat(chunks);
}

export function pdf(text = 'hello'): Buffer {
  return Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

export function jpeg(seed = 1): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0'),
    Buffer.alloc(200, seed),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export function png(seed = 1): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('\0\0\0\rIHDR'),
    Buffer.alloc(120, seed),
  ]);
}

/** A raw request over node:http, for bodies supertest would not send (cut off, streamed, endless). */
export function rawRequest(
  port: number,
  opts: { path: string; token?: string; headers?: Record<string, string | number> },
): http.ClientRequest {
  return http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: opts.path,
    headers: { 'content-type': MULTIPART, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    agent: false,
  });
}

export function responseOf(req: http.ClientRequest): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
