import { InvalidInputError, UnsupportedMediaTypeError } from '../errors';
import { FILE_TYPES, typeForExtension, type FileType } from './fileTypes';

/**
 * A declared file name is only ever a label: storage keys are ids we generate. It is still shown
 * to reviewers and offered back as a download name, so it is cleaned here and checked against what
 * the content turns out to be.
 */

export const MAX_NAME_LENGTH = 100;

export interface CheckedName {
  /** Cleaned, without the extension (never empty). */
  base: string;
  /** The declared extension, lower-case, when it was one of ours; null when the name had none. */
  ext: string | null;
  declaredType: FileType | null;
  /** The cleaned name as declared, for messages. */
  display: string;
}

/** Extensions of programs and scripts that a browser, a desktop or a web server might run. */
const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'com',
  'bat',
  'cmd',
  'scr',
  'pif',
  'msi',
  'msp',
  'cpl',
  'dll',
  'sys',
  'jar',
  'apk',
  'app',
  'lnk',
  'reg',
  'inf',
  'js',
  'jse',
  'mjs',
  'cjs',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'ws',
  'hta',
  'ps1',
  'psm1',
  'psd1',
  'sh',
  'bash',
  'zsh',
  'csh',
  'ksh',
  'py',
  'pyc',
  'pl',
  'rb',
  'cgi',
  'php',
  'php3',
  'php4',
  'php5',
  'php7',
  'phtml',
  'phar',
  'pht',
  'asp',
  'aspx',
  'ashx',
  'asmx',
  'jsp',
  'jspx',
  'html',
  'htm',
  'xhtml',
  'shtml',
  'svg',
  'swf',
]);

const IMAGE_EXTENSIONS = new Set(['heic', 'heif', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'jfif', 'avif']);

/** Control characters (C0 but NUL, DEL, C1) and the invisible ones that reorder or hide text. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose: they are removed from names.
const INVISIBLE = /[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Characters Windows refuses in names, and slashes that look like path separators. */
const RESERVED = /[<>:"|?*\u2044\u2215\uff0f\uff3c]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const EXTENSION = /^[a-z0-9]{1,10}$/i;

function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

export function checkFileName(raw: string | undefined | null): CheckedName {
  if (raw === undefined || raw === null || raw.trim() === '') {
    throw new InvalidInputError('文件缺少文件名：请重新选择文件后上传');
  }
  // NUL cuts names short in C libraries ("a.php\0.pdf" is a.php there): refused, not cleaned.
  if (raw.includes('\u0000')) {
    throw new InvalidInputError('文件名中含有非法的空字符，请把文件改个名字后重新上传');
  }
  const visible = raw.normalize('NFC').replace(INVISIBLE, '');
  const segments = visible.split(/[/\\]/);
  // A name that climbs out of its folder is an attack or a broken client, never a person's file name.
  if (segments.some((s) => s.trim() === '..')) {
    throw new InvalidInputError('文件名不能包含路径（如“../”），请只保留文件本身的名字后重新上传');
  }
  // Old browsers send the full local path ("C:\fakepath\合同.pdf"): keep only the last part.
  let name = (segments[segments.length - 1] ?? '')
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .trim()
    // Windows drops trailing dots and spaces, which would change the extension it sees.
    .replace(/[. ]+$/, '');

  let ext: string | null = null;
  const dot = name.lastIndexOf('.');
  if (dot >= 0 && EXTENSION.test(name.slice(dot + 1))) {
    ext = name.slice(dot + 1).toLowerCase();
    name = name.slice(0, dot).replace(/[. ]+$/, '');
  }
  const display = clip(ext ? `${name}.${ext}` : name || '（无名文件）', 40);

  if (ext !== null && typeForExtension(ext) === null) {
    const convertTo = IMAGE_EXTENSIONS.has(ext) ? 'JPG 或 PNG' : 'PDF';
    throw new UnsupportedMediaTypeError(`只接受 PDF、JPG、PNG 文件：「${display}」不是这三种格式，请转换为 ${convertTo} 后上传`);
  }
  const inner = name
    .split('.')
    .slice(1)
    .map((s) => s.trim().toLowerCase());
  const executable = inner.find((s) => EXECUTABLE_EXTENSIONS.has(s));
  if (executable !== undefined) {
    const suggestion = `${name.replace(/\./g, '_')}${ext ? `.${ext}` : ''}`;
    throw new InvalidInputError(
      `文件名「${display}」中含有程序文件的扩展名“.${executable}”，请改名后重新上传（例如改为「${clip(suggestion, 40)}」）`,
    );
  }

  const stem = name.split('.')[0] ?? '';
  if (WINDOWS_DEVICE.test(stem.trim())) name = `_${name}`;
  if (name === '') name = '文件';
  return { base: name, ext, declaredType: ext === null ? null : typeForExtension(ext), display };
}

/**
 * The name stored and offered back: the declared extension when it had one (it agrees with the
 * content by then), else the content's own; at most MAX_NAME_LENGTH characters, extension kept.
 */
export function storedName(checked: CheckedName, detected: FileType): string {
  const ext = checked.ext ?? FILE_TYPES[detected].ext;
  const room = MAX_NAME_LENGTH - ext.length - 1;
  const base = Array.from(checked.base).slice(0, room).join('').trim() || '文件';
  return `${base}.${ext}`;
}
