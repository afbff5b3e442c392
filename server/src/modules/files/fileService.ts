import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Database } from '../../db/database';
import {
  countCurrentFiles,
  filesOf,
  findFile,
  holdersOfContents,
  insertFile,
  supersedeFile,
  type StoredFile as StoredFileRow,
} from '../../db/files';
import type { Tx } from '../../db/tx';
import { hasRole, type Actor } from '../actor';
import { DomainError, ConflictError, InvalidInputError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { newId } from '../../ids';
import { BlobTooLargeError, type BlobStorage } from '../../storage/blobStorage';
import type { AuditTrail } from '../audit/audit';
import { FILE_TYPES, type FileType } from './fileTypes';
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

export interface OwnerKind {
  /** Shown to people, in Chinese: 营业执照, 服务合同 … */
  label: string;
  /** Current (not replaced) files of this kind one owner may have. */
  maxFiles?: number;
}

/**
 * What a module that owns files tells this one. The checks throw the app's errors
 * (ForbiddenError, NotFoundError, InvalidInputError …) and return quietly when allowed.
 */
export interface OwnerTypeSpec {
  /** May this person add or replace files of `kind` on this owner now (state, scope, ownership)? */
  canAttach(auth: Actor, ownerId: string, kind: string): Promise<void>;
  /** May this person see this owner's files (and download them)? */
  canRead(auth: Actor, ownerId: string): Promise<void>;
  kinds: Record<string, OwnerKind>;
}

export interface DuplicateRef {
  ownerType: string;
  ownerId: string;
}

export interface PublicFile {
  id: string;
  ownerType: string;
  ownerId: string;
  kind: string;
  name: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  createdAt: number;
  uploadedBy: string;
  /** The version that replaced this one; null for a current file. */
  supersededBy: string | null;
  /** Other owners holding a byte-identical file: shown to reviewers (DESIGN.md, "Materials"). */
  duplicateOf?: DuplicateRef[];
}

export interface UploadArgs {
  auth: Actor;
  ownerType: string;
  ownerId: string;
  kind: string;
  /** The request body (multipart/form-data), read as a stream. */
  body: Readable;
  headers: IncomingHttpHeaders;
}

export interface ReplaceArgs {
  auth: Actor;
  fileId: string;
  body: Readable;
  headers: IncomingHttpHeaders;
}

export interface FileServiceDeps {
  db: Database;
  audit: AuditTrail;
  storage: BlobStorage;
  limits?: Partial<FileLimits>;
  now?: () => number;
}

/** A file streamed to storage whose row is not yet written. */
interface Received {
  index: number;
  id: string;
  name: string;
  type: FileType;
  sizeBytes: number;
  sha256: string;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const OWNER_TYPE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const KIND_NAME = /^[a-z][a-z0-9_]{0,47}$/;
const MAX_DUPLICATES_SHOWN = 20;
const TRUNCATED = '上传的数据不完整（网络中断或格式不对），没有保存任何文件，请重新上传';

function humanSize(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} 字节`;
}

function clipText(s: string, max = 40): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Materials (DESIGN.md, "Materials"): streamed from the request to storage file by file, never
 * held whole; typed by content; limited in size and number; hashed; and recorded only when the
 * whole request went through — a request that fails in any way leaves no row and no blob.
 */
export class FileService {
  readonly limits: FileLimits;
  private readonly owners = new Map<string, OwnerTypeSpec>();
  private readonly db: Database;
  private readonly audit: AuditTrail;
  private readonly storage: BlobStorage;
  private readonly now: () => number;

  constructor(deps: FileServiceDeps) {
    this.db = deps.db;
    this.audit = deps.audit;
    this.storage = deps.storage;
    this.now = deps.now ?? Date.now;
    this.limits = { ...DEFAULT_FILE_LIMITS, ...deps.limits };
  }

  /** Modules that own files (provider filings, applications …) register here once, at start-up. */
  registerOwnerType(name: string, spec: OwnerTypeSpec): void {
    if (!OWNER_TYPE_NAME.test(name)) throw new Error(`owner type name ${JSON.stringify(name)} must match ${OWNER_TYPE_NAME}`);
    if (this.owners.has(name)) throw new Error(`owner type ${name} is registered twice`);
    const kinds = Object.entries(spec.kinds);
    if (kinds.length === 0) throw new Error(`owner type ${name} has no kinds`);
    for (const [kind, k] of kinds) {
      if (!KIND_NAME.test(kind)) throw new Error(`kind ${JSON.stringify(kind)} of ${name} must match ${KIND_NAME}`);
      if (!k.label.trim()) throw new Error(`kind ${kind} of ${name} needs a label`);
      if (k.maxFiles !== undefined && (!Number.isInteger(k.maxFiles) || k.maxFiles < 1))
        throw new Error(`kind ${kind} of ${name}: maxFiles must be a positive integer`);
    }
    this.owners.set(name, { ...spec, kinds: { ...spec.kinds } });
  }

  async upload(args: UploadArgs): Promise<PublicFile[]> {
    const owner = this.ownerType(args.ownerType);
    const ownerId = this.ownerIdOf(args.ownerId);
    const kind = this.kindOf(args.ownerType, owner, args.kind);
    // Before a byte of the body is read: an unauthorised caller's bytes are never stored.
    await owner.canAttach(args.auth, ownerId, args.kind);

    let room = this.limits.maxFilesPerRequest;
    let tooMany = `一次最多上传 ${this.limits.maxFilesPerRequest} 个文件，请分批上传`;
    if (kind.maxFiles !== undefined) {
      const existing = await this.db.read((tx) => countCurrentFiles(tx, args.ownerType, ownerId, args.kind));
      if (existing >= kind.maxFiles) throw this.kindFull(kind, existing);
      if (kind.maxFiles - existing < room) {
        room = kind.maxFiles - existing;
        tooMany = `「${kind.label}」最多 ${kind.maxFiles} 个文件${existing > 0 ? `，已上传 ${existing} 个` : ''}，这次最多还能上传 ${room} 个`;
      }
    }

    const received = await this.receive(args.body, args.headers, room, tooMany);
    const createdAt = this.now();
    const rows = received.map((r): StoredFileRow => this.rowOf(r, args.ownerType, ownerId, args.kind, args.auth.userId, createdAt));
    try {
      await this.db.transaction(async (tx) => {
        // Counted again inside, locking: two requests racing for the last place must not both get it.
        if (kind.maxFiles !== undefined) {
          const existing = await countCurrentFiles(tx, args.ownerType, ownerId, args.kind, true);
          if (existing + rows.length > kind.maxFiles) throw this.kindFull(kind, existing);
        }
        for (const row of rows) {
          await insertFile(tx, row);
          await this.audit.append(tx, {
            action: 'file.upload',
            actorId: args.auth.userId,
            entityType: args.ownerType,
            entityId: ownerId,
            data: { fileId: row.id, kind: row.kind, name: row.originalName, mime: row.mime, sizeBytes: row.sizeBytes, sha256: row.sha256 },
          });
        }
      });
    } catch (err) {
      await this.discard(received);
      throw err;
    }
    return this.withDuplicates(rows, args.auth);
  }

  /**
   * Uploads one file in place of `fileId`. The old row stays, pointing to its successor: the
   * history keeps every version (DESIGN.md, "Rules that hold everywhere").
   */
  async replace(args: ReplaceArgs): Promise<PublicFile> {
    const fileId = this.fileIdOf(args.fileId);
    const old = await this.db.read((tx) => findFile(tx, fileId));
    if (!old) throw new NotFoundError('要替换的文件不存在，请刷新后重试');
    const owner = this.owners.get(old.ownerType);
    if (!owner) throw new NotFoundError('要替换的文件不存在，请刷新后重试');
    await owner.canAttach(args.auth, old.ownerId, old.kind);
    if (old.supersededBy !== null) throw this.alreadyReplaced();

    const received = await this.receive(args.body, args.headers, 1, '替换时只能上传 1 个文件');
    const row = this.rowOf(received[0], old.ownerType, old.ownerId, old.kind, args.auth.userId, this.now());
    try {
      await this.db.transaction(async (tx) => {
        await insertFile(tx, row);
        // Conditional: of two replacements racing for one version, exactly one wins.
        if (!(await supersedeFile(tx, old.id, row.id))) throw this.alreadyReplaced();
        await this.audit.append(tx, {
          action: 'file.replace',
          actorId: args.auth.userId,
          entityType: old.ownerType,
          entityId: old.ownerId,
          data: {
            fileId: row.id,
            replaces: old.id,
            kind: row.kind,
            name: row.originalName,
            mime: row.mime,
            sizeBytes: row.sizeBytes,
            sha256: row.sha256,
          },
        });
      });
    } catch (err) {
      await this.discard(received);
      throw err;
    }
    const [file] = await this.withDuplicates([row], args.auth);
    return file;
  }

  /** One file's metadata, for whoever may read its owner. */
  async get(auth: Actor, fileId: string): Promise<PublicFile> {
    const row = await this.readable(auth, fileId);
    const [file] = await this.withDuplicates([row], auth);
    return file;
  }

  /** An owner's current files, or every version with `history`. */
  async list(auth: Actor, ownerType: string, ownerIdRaw: string, opts: { history?: boolean; kind?: string } = {}): Promise<PublicFile[]> {
    const owner = this.ownerType(ownerType);
    const ownerId = this.ownerIdOf(ownerIdRaw);
    if (opts.kind !== undefined) this.kindOf(ownerType, owner, opts.kind);
    await owner.canRead(auth, ownerId);
    const rows = await this.db.read((tx) => filesOf(tx, ownerType, ownerId, opts));
    return this.withDuplicates(rows, auth);
  }

  /**
   * Opens a file for download and writes the download to the audit trail first: downloads of
   * materials are audited (DESIGN.md, "Rules that hold everywhere"), so no audit, no bytes.
   */
  async openContent(auth: Actor, fileId: string, opts: { inline: boolean }): Promise<{ file: PublicFile; stream: Readable }> {
    const row = await this.readable(auth, fileId);
    const stream = await this.storage.get(row.storageKey);
    try {
      await this.db.transaction((tx) =>
        this.audit.append(tx, {
          action: 'file.download',
          actorId: auth.userId,
          entityType: row.ownerType,
          entityId: row.ownerId,
          data: { fileId: row.id, kind: row.kind, inline: opts.inline },
        }),
      );
    } catch (err) {
      stream.destroy();
      throw err;
    }
    return { file: this.publicFile(row), stream };
  }

  /**
   * The current files of an owner, for the owning module's own checks (e.g. "all four materials
   * are there" at submit). No permission check: the caller has made its own. Pass the caller's
   * transaction to read inside it.
   */
  async currentFiles(ownerType: string, ownerId: string, tx?: Tx): Promise<PublicFile[]> {
    const rows = tx ? await filesOf(tx, ownerType, ownerId) : await this.db.read((t) => filesOf(t, ownerType, ownerId));
    return rows.map((r) => this.publicFile(r));
  }

  kindsOf(ownerType: string): Record<string, OwnerKind> {
    return { ...this.ownerType(ownerType).kinds };
  }

  private async readable(auth: Actor, fileIdRaw: string): Promise<StoredFileRow> {
    const fileId = this.fileIdOf(fileIdRaw);
    const row = await this.db.read((tx) => findFile(tx, fileId));
    const owner = row ? this.owners.get(row.ownerType) : undefined;
    if (!row || !owner) throw new NotFoundError('文件不存在或您无权查看');
    await owner.canRead(auth, row.ownerId);
    return row;
  }

  /**
   * Streams every file part of a multipart body to storage. Resolves with all of them once the
   * body has been read to its end and every blob is whole; on any failure (a refused file, a
   * limit, a broken or cut body) it removes every blob this request stored and rejects.
   */
  private async receive(body: Readable, headers: IncomingHttpHeaders, maxFiles: number, tooMany: string): Promise<Received[]> {
    const contentType = headers['content-type'];
    if (typeof contentType !== 'string' || !/^multipart\/form-data\s*;/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('请用 multipart/form-data 方式上传文件（文件放在 file 字段中，例如小程序的 wx.uploadFile）');
    }
    const limits = this.limits;
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
          .then(() => this.discard(received))
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
          this.storage.put(id, stream.pipe(sniffer), { maxBytes: limits.maxFileBytes }).then(
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
  private async discard(received: Received[]): Promise<void> {
    await Promise.allSettled(received.map((r) => this.storage.remove(r.id)));
  }

  private rowOf(r: Received, ownerType: string, ownerId: string, kind: string, uploadedBy: string, createdAt: number): StoredFileRow {
    return {
      id: r.id,
      ownerType,
      ownerId,
      kind,
      originalName: r.name,
      mime: FILE_TYPES[r.type].mime,
      sizeBytes: r.sizeBytes,
      sha256: r.sha256,
      // The blob's key is the row's own id: generated here, never derived from the file's name.
      storageKey: r.id,
      uploadedBy,
      supersededBy: null,
      createdAt,
    };
  }

  private publicFile(row: StoredFileRow): PublicFile {
    return {
      id: row.id,
      ownerType: row.ownerType,
      ownerId: row.ownerId,
      kind: row.kind,
      name: row.originalName,
      mime: row.mime,
      sizeBytes: row.sizeBytes,
      sha256: row.sha256,
      createdAt: row.createdAt,
      uploadedBy: row.uploadedBy,
      supersededBy: row.supersededBy,
    };
  }

  /**
   * Adds `duplicateOf` to files whose exact bytes another owner also holds (any version of theirs).
   * Only reviewers see it (DESIGN.md: flagged to reviewers): to an uploader it would name another
   * enterprise's records.
   */
  private async withDuplicates(rows: StoredFileRow[], auth: Actor): Promise<PublicFile[]> {
    const files = rows.map((r) => this.publicFile(r));
    const hashes = [...new Set(rows.map((r) => r.sha256))];
    if (hashes.length === 0 || !hasRole(auth, 'county_miit', 'county_finance', 'city_miit', 'city_finance', 'admin')) return files;
    const twins = await this.db.read((tx) => holdersOfContents(tx, hashes));
    for (const file of files) {
      const seen = new Set<string>();
      const others: DuplicateRef[] = [];
      for (const t of twins) {
        if (t.sha256 !== file.sha256 || (t.ownerType === file.ownerType && t.ownerId === file.ownerId)) continue;
        const key = `${t.ownerType}:${t.ownerId}`;
        if (seen.has(key) || others.length >= MAX_DUPLICATES_SHOWN) continue;
        seen.add(key);
        others.push({ ownerType: t.ownerType, ownerId: t.ownerId });
      }
      if (others.length > 0) file.duplicateOf = others;
    }
    return files;
  }

  private ownerType(name: string): OwnerTypeSpec {
    const owner = this.owners.get(name);
    if (!owner) throw new NotFoundError(`没有「${clipText(name, 32)}」这类材料归属，请检查地址`);
    return owner;
  }

  private kindOf(ownerType: string, owner: OwnerTypeSpec, kind: string): OwnerKind {
    const k = Object.prototype.hasOwnProperty.call(owner.kinds, kind) ? owner.kinds[kind] : undefined;
    if (!k) {
      const known = Object.entries(owner.kinds).map(([name, v]) => `${name}（${v.label}）`);
      throw new InvalidInputError(`材料类别「${clipText(kind, 48)}」不存在，请从以下类别中选择：${known.join('、')}`, [
        { path: 'kind', message: `${ownerType} 可用的类别：${Object.keys(owner.kinds).join(', ')}` },
      ]);
    }
    return k;
  }

  private ownerIdOf(raw: string): string {
    if (!ULID.test(raw))
      throw new InvalidInputError('编号格式不对：应为 26 位的编号，请检查地址', [{ path: 'ownerId', message: '应为 26 位编号' }]);
    return raw;
  }

  private fileIdOf(raw: string): string {
    if (!ULID.test(raw))
      throw new InvalidInputError('文件编号格式不对：应为 26 位的编号，请检查地址', [{ path: 'id', message: '应为 26 位编号' }]);
    return raw;
  }

  private kindFull(kind: OwnerKind, existing: number): DomainError {
    return new ConflictError(
      `「${kind.label}」最多 ${kind.maxFiles} 个文件，已经上传了 ${existing} 个：如需更换，请对原文件使用“替换”`,
      'file_limit_reached',
    );
  }

  private alreadyReplaced(): DomainError {
    return new ConflictError('这个文件已经被新版本替换，请刷新后在最新版本上操作', 'file_superseded');
  }
}
