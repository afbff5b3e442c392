import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { PlainContext as AppContext } from './context';
import {
  InvalidInputError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  TimeoutError,
} from '../modules/errors';
import type { Chatbot } from '../modules/officialAccount/chatbot';
import {
  encryptedReplyXml,
  extractEncrypt,
  parseEncryptedEnvelope,
  parseInboundMessage,
  textReplyXml,
  XmlRefusal,
  type InboundMessage,
} from '../wechat/officialAccount/messageXml';
import { BUSY, HTTP_ERRORS, TOO_FAST } from '../modules/officialAccount/texts';
import type { RateLimits } from './rateLimits';
import { CipherRefusal, WechatCipher, signatureMatches, wechatSignature } from '../wechat/officialAccount/crypto';

/**
 * `/wechat/official-account` exactly as spec/wechat.md fixes it. Order matters: the signature is
 * checked before a byte of the body is read (plain mode) or parsed (safe mode, where the signature
 * covers the Encrypt text); the body is capped; only then does the parser run, and only then the
 * chatbot — which must answer within WeChat's 5 seconds whatever the database does.
 */

export const MAX_BODY_BYTES = 64 * 1024;
/** WeChat gives up at 5 s and retries; answering by 4.5 s leaves room for the network. */
const REPLY_DEADLINE_MS = 4500;
const BODY_TIMEOUT_MS = 3000;

const SIGNATURE = /^[0-9a-fA-F]{40}$/;
const TIMESTAMP = /^\d{1,20}$/;
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;
/** WeChat's echostr is digits; anything printable and short is echoed, nothing else. */
const ECHOSTR = /^[\x21-\x7e]{1,512}$/;

const BAD_SIGNATURE = HTTP_ERRORS.badSignature;
const BAD_XML = HTTP_ERRORS.badXml;

function queryValue(ctx: AppContext, name: string, pattern: RegExp): string | undefined {
  const v = ctx.query[name];
  // A repeated parameter arrives as an array: not what WeChat sends.
  return typeof v === 'string' && pattern.test(v) ? v : undefined;
}

/** The body as bytes, at most `limit` of them, within `timeoutMs`; never buffered beyond the cap. */
function readRawBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLargeError(HTTP_ERRORS.tooLarge));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        // Stop reading: the rest of an oversize or stalled body is not ours to buffer.
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new PayloadTooLargeError(HTTP_ERRORS.tooLarge));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new InvalidInputError(HTTP_ERRORS.incomplete));
    const onClose = () => finish(new InvalidInputError(HTTP_ERRORS.incomplete));
    const timer = setTimeout(() => finish(new TimeoutError(HTTP_ERRORS.timeout)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidInputError(HTTP_ERRORS.notUtf8);
  }
}

function parseMessage(xml: string): InboundMessage {
  try {
    return parseInboundMessage(xml);
  } catch (err) {
    if (err instanceof XmlRefusal) throw new InvalidInputError(BAD_XML);
    throw err;
  }
}

export class OfficialAccountEndpoint {
  private readonly cipher: WechatCipher | null;

  constructor(
    private readonly config: Config,
    private readonly chatbot: Chatbot,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly limits: RateLimits | null = null,
  ) {
    const oa = config.wechat.oa;
    this.cipher = oa.aesKey === null ? null : new WechatCipher(oa.aesKey, oa.appid);
  }

  /** GET: WeChat's server check. */
  verify(ctx: AppContext): void {
    const timestamp = queryValue(ctx, 'timestamp', TIMESTAMP);
    const nonce = queryValue(ctx, 'nonce', NONCE);
    const signature = queryValue(ctx, 'signature', SIGNATURE);
    if (
      timestamp === undefined ||
      nonce === undefined ||
      !signatureMatches(wechatSignature([this.config.wechat.oa.token, timestamp, nonce]), signature)
    ) {
      throw new UnauthenticatedError(BAD_SIGNATURE);
    }
    const echostr = queryValue(ctx, 'echostr', ECHOSTR);
    if (echostr === undefined) throw new InvalidInputError(HTTP_ERRORS.noEchostr);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = echostr;
  }

  /** POST: a message, plain or safe mode. */
  async receive(ctx: AppContext): Promise<void> {
    const started = Date.now();
    const token = this.config.wechat.oa.token;
    const timestamp = queryValue(ctx, 'timestamp', TIMESTAMP);
    const nonce = queryValue(ctx, 'nonce', NONCE);
    const encryptType = ctx.query.encrypt_type;
    const safeMode = encryptType === 'aes';

    let xml: string;
    if (!safeMode) {
      const signature = queryValue(ctx, 'signature', SIGNATURE);
      if (timestamp === undefined || nonce === undefined || !signatureMatches(wechatSignature([token, timestamp, nonce]), signature))
        throw new UnauthenticatedError(BAD_SIGNATURE);
      // Plain mode has no encrypt_type, or "raw"; anything else is a request we do not understand.
      if (encryptType !== undefined && encryptType !== 'raw') throw new InvalidInputError(HTTP_ERRORS.encryptType);
      xml = decodeUtf8(await this.body(ctx, started));
    } else {
      const msgSignature = queryValue(ctx, 'msg_signature', SIGNATURE);
      if (timestamp === undefined || nonce === undefined || msgSignature === undefined) throw new UnauthenticatedError(BAD_SIGNATURE);
      const envelope = decodeUtf8(await this.body(ctx, started));
      const encrypt = extractEncrypt(envelope);
      if (encrypt === null) throw new InvalidInputError(BAD_XML);
      if (!signatureMatches(wechatSignature([token, timestamp, nonce, encrypt]), msgSignature))
        throw new UnauthenticatedError(BAD_SIGNATURE);
      // Signed: now the parser may look, and must find the very Encrypt that was signed.
      let parsedEncrypt: string;
      try {
        parsedEncrypt = parseEncryptedEnvelope(envelope);
      } catch (err) {
        if (err instanceof XmlRefusal) throw new InvalidInputError(BAD_XML);
        throw err;
      }
      if (parsedEncrypt !== encrypt) throw new InvalidInputError(BAD_XML);
      if (this.cipher === null) throw new InvalidInputError(HTTP_ERRORS.noAesKey);
      try {
        xml = this.cipher.decrypt(encrypt);
      } catch (err) {
        if (err instanceof CipherRefusal) {
          if (err.reason === 'appid') throw new UnauthenticatedError(HTTP_ERRORS.wrongAppid);
          throw new InvalidInputError(HTTP_ERRORS.undecryptable);
        }
        throw err;
      }
    }

    const msg = parseMessage(xml);
    const reply = await this.answer(msg, started);
    if (reply === null) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'success';
      return;
    }
    const createTime = Math.floor(this.now() / 1000);
    const replyXml = textReplyXml(msg, reply, createTime);
    ctx.type = 'application/xml; charset=utf-8';
    if (!safeMode || this.cipher === null) {
      ctx.body = replyXml;
      return;
    }
    const encrypted = this.cipher.encrypt(replyXml);
    const replyTimestamp = String(createTime);
    ctx.body = encryptedReplyXml(encrypted, wechatSignature([token, replyTimestamp, nonce, encrypted]), replyTimestamp, nonce);
  }

  private async body(ctx: AppContext, started: number): Promise<Buffer> {
    // The JSON parser before us consumes JSON bodies: WeChat sends XML, so such a body is not a message.
    if (ctx.req.readableEnded || ctx.is('json')) throw new UnsupportedMediaTypeError(HTTP_ERRORS.notXmlBody);
    const encoding = ctx.get('content-encoding');
    if (encoding !== '' && encoding.toLowerCase() !== 'identity') throw new UnsupportedMediaTypeError(HTTP_ERRORS.compressed);
    try {
      return await readRawBody(ctx.req, MAX_BODY_BYTES, Math.min(BODY_TIMEOUT_MS, REPLY_DEADLINE_MS - (Date.now() - started)));
    } catch (err) {
      // Unread bytes stay on the socket: close it after the answer instead of reading them.
      ctx.set('Connection', 'close');
      throw err;
    }
  }

  /**
   * The chatbot's answer, or by the deadline a short "try again" (an event gets `success`): WeChat
   * shows "该公众号暂时无法提供服务" when it waits in vain, and retries. A failure is logged and
   * answered the same way — never a 500.
   */
  private async answer(msg: InboundMessage, started: number): Promise<string | null> {
    const fallback = msg.msgType === 'event' ? null : BUSY;
    // Messages come from WeChat's servers, so they are counted per follower; events (a follow) are not.
    if (this.limits && msg.msgType !== 'event') {
      try {
        await this.limits.admit('message', { address: null, userId: null, openid: msg.fromUser });
      } catch (err) {
        if (err instanceof TooManyRequestsError) return TOO_FAST;
        throw err;
      }
    }
    let late = false;
    let timer: NodeJS.Timeout | undefined;
    const work = this.chatbot
      .handle(msg, () => late)
      .then(
        (reply) => ({ reply }),
        (err: unknown) => {
          if (!late) this.logger.error({ err, msgType: msg.msgType }, 'official account message failed');
          return { reply: fallback };
        },
      );
    const deadline = new Promise<{ reply: string | null }>((resolve) => {
      timer = setTimeout(
        () => {
          late = true;
          this.logger.warn({ msgType: msg.msgType }, 'official account message not handled within the deadline');
          resolve({ reply: fallback });
        },
        Math.max(0, REPLY_DEADLINE_MS - (Date.now() - started)),
      );
    });
    try {
      return (await Promise.race([work, deadline])).reply;
    } finally {
      clearTimeout(timer);
    }
  }
}
