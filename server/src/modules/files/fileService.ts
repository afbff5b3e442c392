/**
 * The file service (DESIGN.md, "Materials"): which owners may hold which kinds of files, who may add,
 * replace, list and download them, and the rows and audit entries that record each version. Reading
 * the multipart body into storage is ./receive.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
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
import { DomainError, ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { BlobStorage } from '../../storage/blobStorage';
import type { AuditTrail } from '../audit/audit';
import { FILE_TYPES } from './fileTypes';
import { clipText, DEFAULT_FILE_LIMITS, discardReceived, receiveUpload, type FileLimits, type Received } from './receive';

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

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const OWNER_TYPE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const KIND_NAME = /^[a-z][a-z0-9_]{0,47}$/;
const MAX_DUPLICATES_SHOWN = 20;
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

    const received = await receiveUpload(this.storage, this.limits, args.body, args.headers, room, tooMany);
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
      await discardReceived(this.storage, received);
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

    const received = await receiveUpload(this.storage, this.limits, args.body, args.headers, 1, '替换时只能上传 1 个文件');
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
      await discardReceived(this.storage, received);
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
