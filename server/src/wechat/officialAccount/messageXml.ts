import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { TRUNCATED_SUFFIX } from '../../modules/officialAccount/texts';

/**
 * WeChat's message XML in and out. Parsing follows ../../../../shared/notes/wechat.md ("Why not
 * co-wechat"): fast-xml-parser 5 with entities off and tag values kept as strings (MsgId is a 64-bit
 * integer), full validation, and no DOCTYPE, entity or comment at all — WeChat never sends one.
 */

export class XmlRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRefusal';
  }
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** `<!` that does not open a CDATA section: DOCTYPE, ENTITY, comments. */
const MARKUP_DECLARATION = /<!(?!\[CDATA\[)/;

type XmlFields = Record<string, unknown>;

/** The fields under `<xml>`; throws XmlRefusal for anything else. */
export function parseXmlDocument(text: string): XmlFields {
  if (MARKUP_DECLARATION.test(text)) throw new XmlRefusal('DOCTYPE, entity declarations and comments are not accepted');
  let doc: unknown;
  try {
    // `true`: validate first. Without it the parser accepts unclosed and mismatched tags.
    // It also refuses `__proto__`, `constructor` and the like as tag names.
    doc = parser.parse(text, true);
  } catch (err) {
    throw new XmlRefusal(err instanceof Error ? err.message : 'not XML');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new XmlRefusal('not an XML document');
  const keys = Object.keys(doc);
  const root = (doc as Record<string, unknown>).xml;
  if (keys.length !== 1 || keys[0] !== 'xml' || typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new XmlRefusal('the root element must be <xml>');
  }
  return root as XmlFields;
}

const openid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Fields some events carry in other shapes: a value of another shape is simply not used. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const inboundSchema = z.object({
  ToUserName: z.string().min(1).max(64),
  FromUserName: openid,
  CreateTime: z.string().regex(/^\d{1,12}$/),
  MsgType: z.string().regex(/^[A-Za-z_]{1,32}$/),
  // WeChat caps a user's text far below this; the bound only keeps a hostile body from costing us.
  Content: z.string().max(8000).optional(),
  MsgId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  Event: lenient(z.string().max(64)),
  EventKey: lenient(z.string().max(512)),
  // Voice messages carry WeChat's transcript when voice recognition is on.
  Recognition: lenient(z.string().max(2000)),
  // Not in WeChat's standard push; accepted where a gateway or WeChat provides it.
  UnionId: lenient(openid),
});

export interface InboundMessage {
  toUser: string;
  fromUser: string;
  createTime: string;
  msgType: string;
  content: string | null;
  msgId: string | null;
  event: string | null;
  eventKey: string | null;
  unionid: string | null;
}

export function parseInboundMessage(text: string): InboundMessage {
  const fields = parseXmlDocument(text);
  const parsed = inboundSchema.safeParse(fields);
  if (!parsed.success) throw new XmlRefusal('not a WeChat message');
  const m = parsed.data;
  const msgType = m.MsgType.toLowerCase();
  const content = msgType === 'voice' ? (m.Recognition ?? null) : (m.Content ?? null);
  if (msgType === 'text' && content === null) throw new XmlRefusal('a text message without Content');
  return {
    toUser: m.ToUserName,
    fromUser: m.FromUserName,
    createTime: m.CreateTime,
    msgType,
    content,
    msgId: m.MsgId ?? null,
    event: m.Event ?? null,
    eventKey: m.EventKey ?? null,
    unionid: m.UnionId ?? null,
  };
}

/** The `<Encrypt>` of a safe-mode envelope once its signature holds; throws XmlRefusal. */
export function parseEncryptedEnvelope(text: string): string {
  const fields = parseXmlDocument(text);
  const encrypt = fields.Encrypt;
  if (typeof encrypt !== 'string' || encrypt === '') throw new XmlRefusal('no Encrypt element');
  return encrypt;
}

/**
 * The Encrypt text for checking msg_signature BEFORE the parser runs (co-wechat parses first, and an
 * anonymous malformed POST gives it a 500). Base64 only, so the pattern cannot backtrack; the full
 * parse afterwards must find the same value, or the body is refused.
 */
export function extractEncrypt(text: string): string | null {
  const m = /<Encrypt>\s*(?:<!\[CDATA\[([A-Za-z0-9+/=]{1,65536})\]\]>|([A-Za-z0-9+/=]{1,65536}))\s*<\/Encrypt>/.exec(text);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

// ---- replies -----------------------------------------------------------------------------------------

export const MAX_REPLY_BYTES = 2048;

/** Characters XML 1.0 cannot carry (controls, lone surrogates): a reviewer's pasted text may hold some. */
// eslint-disable-next-line no-control-regex -- the pattern names the control characters XML 1.0 allows (tab, LF, CR) to keep them.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * At most `limit` bytes of UTF-8 (WeChat's measured ceiling, ../../../../shared/notes/wechat.md): a
 * longer text is cut at a line break where one is near, never inside a character, and says so.
 */
export function fitReply(text: string, limit = MAX_REPLY_BYTES): string {
  const clean = text.replace(NOT_XML_CHAR, '').replace(/\s+$/u, '');
  if (Buffer.byteLength(clean, 'utf8') <= limit) return clean;
  const budget = limit - Buffer.byteLength(TRUNCATED_SUFFIX, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const ch of clean) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += ch.length;
  }
  let head = clean.slice(0, end);
  const lineBreak = head.lastIndexOf('\n');
  if (lineBreak > head.length * 0.6) head = head.slice(0, lineBreak);
  return `${head.replace(/\s+$/u, '')}${TRUNCATED_SUFFIX}`;
}

function cdata(value: string): string {
  // A "]]>" inside would end the section early: split it across two sections.
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** spec/wechat.md: To = the incoming From, From = the incoming To, content at most 2048 bytes. */
export function textReplyXml(incoming: Pick<InboundMessage, 'toUser' | 'fromUser'>, content: string, createTime: number): string {
  return `<xml><ToUserName>${cdata(incoming.fromUser)}</ToUserName><FromUserName>${cdata(incoming.toUser)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(fitReply(content))}</Content></xml>`;
}

export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}
