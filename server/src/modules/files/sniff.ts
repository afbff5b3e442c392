import { Transform, type TransformCallback } from 'node:stream';
import { InvalidInputError, UnsupportedMediaTypeError } from '../errors';
import { detectType, FILE_TYPES, SNIFF_BYTES, type FileType } from './fileTypes';
import type { CheckedName } from './names';

/**
 * Decides a file's type from its first bytes as they stream past. It holds back at most
 * SNIFF_BYTES until it has decided, so nothing reaches storage before the type is known, and
 * nothing more than those few bytes is ever held.
 */
export class TypeSniffer extends Transform {
  detected: FileType | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly checked: CheckedName) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.detected !== null) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) {
      callback();
      return;
    }
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.detected !== null) {
      callback();
      return;
    }
    if (this.headBytes === 0) {
      callback(new InvalidInputError(`「${this.checked.display}」是空文件（0 字节），请重新选择文件后上传`));
      return;
    }
    this.release(callback);
  }

  private release(callback: TransformCallback): void {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    const detected = detectType(head);
    const name = this.checked.display;
    if (detected === null) {
      callback(
        new UnsupportedMediaTypeError(
          `只接受 PDF、JPG、PNG 文件：「${name}」的内容不是这三种格式（可能是改了扩展名的其他文件，或文件已损坏），请转换为 PDF 后重新上传`,
        ),
      );
      return;
    }
    const declared = this.checked.declaredType;
    if (declared !== null && declared !== detected) {
      const rightExt = FILE_TYPES[detected].ext;
      callback(
        new UnsupportedMediaTypeError(
          `「${name}」的扩展名是 .${this.checked.ext}，内容却是${FILE_TYPES[detected].label}：请确认选对了文件，或把扩展名改为 .${rightExt} 后重新上传`,
        ),
      );
      return;
    }
    this.detected = detected;
    callback(null, head);
  }
}
