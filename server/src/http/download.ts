import type { AppContext } from './context';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 6266 / 5987: an ASCII fallback for old clients, and the real (Chinese) name in `filename*`. */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  const asciiBase = (dot > 0 ? name.slice(0, dot) : name)
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\%;]/g, '_')
    .trim();
  const fallback = `${asciiBase || 'file'}${ext.replace(/[^\x20-\x7e]/g, '')}`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A generated document (a form to print and stamp, a list): downloaded, never cached anywhere. */
export function sendDocument(ctx: AppContext, buffer: Buffer, name: string, type: typeof DOCX | typeof XLSX): void {
  ctx.set('Content-Type', type);
  ctx.set('Content-Disposition', contentDisposition('attachment', name));
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = buffer;
}
