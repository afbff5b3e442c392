import type { Middleware } from 'koa';
import type { AppState } from './context';
import { InvalidInputError, UnsupportedMediaTypeError } from '../modules/errors';

/**
 * Headers every answer carries. The API is read by the mini-program and by scripts, never framed or
 * sniffed by a browser: no framing (clickjacking), no MIME sniffing, no Referer leaking a download's
 * address. An answer to a request that carried a login is never stored by any cache, whatever a
 * route set: a proxy or a shared phone must not keep someone's application. File downloads set their
 * own Cache-Control and Content-Disposition; those are kept.
 */
export function securityHeaders(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('X-Frame-Options', 'DENY');
      ctx.set('Referrer-Policy', 'no-referrer');
      const isJson = /^application\/json\b/.test(ctx.response.get('Content-Type'));
      // A JSON answer loads nothing; a file (a PDF shown inline) keeps the viewer's defaults.
      ctx.set('Content-Security-Policy', isJson ? "default-src 'none'; frame-ancestors 'none'" : "frame-ancestors 'none'");
      if (ctx.get('Authorization')) {
        const own = ctx.response.get('Cache-Control');
        if (!/\bno-store\b/.test(own)) ctx.set('Cache-Control', 'no-store');
      }
    }
  };
}

const DECODABLE = new Set(['gzip', 'deflate', 'br']);

/** zlib's and brotli's errors for input that is not what its Content-Encoding says. */
function isDecodeError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR') || code.startsWith('ERR_BROTLI'));
}

/**
 * A compressed request body is the caller's business to get right: JSON may come gzip, deflate or br
 * (the body parser inflates it, and its size limit applies to what comes out, so a bomb is refused
 * with 413); a body that does not inflate is a 400; another encoding, or any encoding on an upload,
 * the official account's XML or WeChat Pay's callbacks (all read as raw bytes), is a 415.
 */
export function requestEncoding(parser: Middleware<AppState>): Middleware<AppState> {
  return async (ctx, next) => {
    const raw = ctx.get('Content-Encoding').trim().toLowerCase();
    const hasBody = ctx.is('json') !== null;
    if (raw !== '' && raw !== 'identity' && hasBody) {
      if (!ctx.is('json'))
        throw new UnsupportedMediaTypeError('只有 JSON 请求体可以压缩提交；上传文件等其他内容请不要设置 Content-Encoding');
      if (!DECODABLE.has(raw))
        throw new UnsupportedMediaTypeError('不支持该内容编码（Content-Encoding）：请不压缩，或用 gzip、deflate、br 之一压缩 JSON');
      // Content codings are case-insensitive (RFC 9110 §8.4); the inflater matches lower case only.
      ctx.req.headers['content-encoding'] = raw;
    }
    let parsed = false;
    try {
      await parser(ctx, async () => {
        parsed = true;
        await next();
      });
    } catch (err) {
      if (!parsed && isDecodeError(err))
        throw new InvalidInputError('请求体无法解压：内容与 Content-Encoding 声明的压缩格式不符，请重新提交');
      throw err;
    }
  };
}
