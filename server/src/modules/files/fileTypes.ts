/** The three formats materials may come in (DESIGN.md, "Materials"), told apart by their first bytes. */
export type FileType = 'pdf' | 'jpeg' | 'png';

export interface FileTypeInfo {
  mime: string;
  /** The extension given to a stored name that had none. */
  ext: string;
  /** Extensions a declared name may carry for this type. */
  extensions: readonly string[];
  magic: Buffer;
  /** How the type is named to a person. */
  label: string;
}

export const FILE_TYPES: Record<FileType, FileTypeInfo> = {
  pdf: { mime: 'application/pdf', ext: 'pdf', extensions: ['pdf'], magic: Buffer.from('%PDF-', 'latin1'), label: 'PDF 文档' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg', extensions: ['jpg', 'jpeg'], magic: Buffer.from([0xff, 0xd8, 0xff]), label: 'JPG 图片' },
  png: {
    mime: 'image/png',
    ext: 'png',
    extensions: ['png'],
    magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    label: 'PNG 图片',
  },
};

const ALL_TYPES = Object.keys(FILE_TYPES) as FileType[];

/** The longest magic: this many first bytes decide the type. */
export const SNIFF_BYTES = Math.max(...ALL_TYPES.map((t) => FILE_TYPES[t].magic.length));

export function typeForExtension(ext: string): FileType | null {
  const e = ext.toLowerCase();
  return ALL_TYPES.find((t) => FILE_TYPES[t].extensions.includes(e)) ?? null;
}

/** The type whose magic the head starts with, or null. `head` may be shorter than SNIFF_BYTES for a tiny file. */
export function detectType(head: Buffer): FileType | null {
  for (const t of ALL_TYPES) {
    const magic = FILE_TYPES[t].magic;
    if (head.length >= magic.length && head.subarray(0, magic.length).equals(magic)) return t;
  }
  return null;
}
