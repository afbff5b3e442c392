/**
 * WeChat's side of an official account's server push (消息推送 / 消息加解密), for the sandbox and the
 * tests that play WeChat: the URL signature, the safe-mode envelope, and delivering a message to a
 * server's endpoint the way WeChat does. Written from WeChat's documents with node:crypto and kept
 * apart from the product's `server/src/wechat/officialAccount/crypto.ts`, which it checks.
 *
 * - signature = sha1 of token, timestamp and nonce sorted as strings and joined; msg_signature adds
 *   the Encrypt text to the sorted list.
 * - AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC, IV = AESKey[0..16);
 *   FullStr = random(16 B) ‖ msg_len (4 B, network order) ‖ msg ‖ appid, padded PKCS#7-style to a
 *   multiple of 32 bytes (the pad byte is the pad length, 1..32).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';

const PAD_TO = 32;

/** sha1 hex of the sorted, joined parts (token, timestamp, nonce[, Encrypt]). */
export function pushSignature(...parts: string[]): string {
  const sorted = parts.slice().sort();
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

function aesKey(encodingAesKey: string): Buffer {
  if (encodingAesKey.length !== 43) throw new RangeError('EncodingAESKey: 43 characters');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new RangeError('EncodingAESKey must decode to 32 bytes');
  return key;
}

/** The Encrypt text WeChat sends for `xml` to the account `appid`. */
export function sealMessage(encodingAesKey: string, appid: string, xml: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new RangeError('random: 16 bytes');
  const key = aesKey(encodingAesKey);
  const msg = Buffer.from(xml, 'utf8');
  const msgLen = Buffer.alloc(4);
  msgLen.writeUInt32BE(msg.length);
  const full = Buffer.concat([random, msgLen, msg, Buffer.from(appid, 'utf8')]);
  const padLen = PAD_TO - (full.length % PAD_TO);
  const cbc = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cbc.setAutoPadding(false);
  return Buffer.concat([cbc.update(Buffer.concat([full, Buffer.alloc(padLen, padLen)])), cbc.final()]).toString('base64');
}

/** What WeChat reads out of an Encrypt text (a server's encrypted reply); throws when it is not one. */
export function openMessage(encodingAesKey: string, encrypt: string): { xml: string; appid: string } {
  const key = aesKey(encodingAesKey);
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new Error('Encrypt: not whole AES blocks');
  const cbc = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cbc.setAutoPadding(false);
  const full = Buffer.concat([cbc.update(data), cbc.final()]);
  const padLen = full[full.length - 1];
  if (padLen < 1 || padLen > PAD_TO || full.subarray(full.length - padLen).some((b) => b !== padLen))
    throw new Error('Encrypt: bad padding');
  const body = full.subarray(0, full.length - padLen);
  if (body.length < 20) throw new Error('Encrypt: too short');
  const msgLen = body.readUInt32BE(16);
  if (20 + msgLen > body.length) throw new Error('Encrypt: length beyond the message');
  return { xml: body.subarray(20, 20 + msgLen).toString('utf8'), appid: body.subarray(20 + msgLen).toString('utf8') };
}

/** The official account's id in the messages the sandbox pushes (ToUserName). */
export const SANDBOX_OA_ID = 'gh_sandbox_oa';

/** A text message from `openid`, as WeChat pushes it. */
export function textMessageXml(
  openid: string,
  content: string,
  opts: { toUser?: string; createTime?: number; msgId?: string } = {},
): string {
  const createTime = opts.createTime ?? Math.floor(Date.now() / 1000);
  const msgId = opts.msgId ?? `${Date.now()}${String(randomInt(1_000_000)).padStart(6, '0')}`;
  const cdata = (s: string): string => `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
  return `<xml><ToUserName>${cdata(opts.toUser ?? SANDBOX_OA_ID)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId></xml>`;
}

export interface OaPushInput {
  /** The account's server URL, e.g. `http://127.0.0.1:3000/wechat/official-account`. */
  url: string;
  /** The Token of the account's server configuration. */
  token: string;
  xml: string;
  /** Safe mode: the EncodingAESKey and the account's appid. Absent: plain mode. */
  encodingAesKey?: string;
  appid?: string;
  timeoutMs?: number;
}

export interface OaPushResult {
  status: number;
  /** The answer as the server sent it. */
  body: string;
  /** The reply message (decrypted in safe mode); null for `success` or an empty answer. */
  reply: string | null;
  /** Safe mode: whether the reply's MsgSignature checks out and its appid is the account's; plain mode: null. */
  replyVerified: boolean | null;
}

function field(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2] ?? '') : null;
}

/** Delivers one message to a server the way WeChat does, and reads its answer as WeChat would. */
export async function pushMessage(input: OaPushInput): Promise<OaPushResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomInt(1_000_000_000));
  const query = new URLSearchParams({
    signature: pushSignature(input.token, timestamp, nonce),
    timestamp,
    nonce,
    openid: field(input.xml, 'FromUserName') ?? '',
  });
  let body = input.xml;
  const safe = input.encodingAesKey !== undefined;
  if (safe) {
    if (input.appid === undefined) throw new RangeError('safe mode needs the appid');
    const encrypt = sealMessage(input.encodingAesKey!, input.appid, input.xml);
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', pushSignature(input.token, timestamp, nonce, encrypt));
    body = `<xml><ToUserName><![CDATA[${field(input.xml, 'ToUserName') ?? SANDBOX_OA_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  }
  const target = new URL(input.url);
  for (const [k, v] of query) target.searchParams.set(k, v);
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
    signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
  });
  const text = await res.text();
  if (text === '' || text === 'success' || res.status !== 200) return { status: res.status, body: text, reply: null, replyVerified: null };
  if (!safe) return { status: res.status, body: text, reply: text, replyVerified: null };
  const encrypt = field(text, 'Encrypt');
  const replyTimestamp = field(text, 'TimeStamp');
  const replyNonce = field(text, 'Nonce');
  const replySignature = field(text, 'MsgSignature');
  if (encrypt === null || replyTimestamp === null || replyNonce === null || replySignature === null)
    return { status: res.status, body: text, reply: null, replyVerified: false };
  let opened: { xml: string; appid: string };
  try {
    opened = openMessage(input.encodingAesKey!, encrypt);
  } catch {
    return { status: res.status, body: text, reply: null, replyVerified: false };
  }
  const verified = replySignature === pushSignature(input.token, replyTimestamp, replyNonce, encrypt) && opened.appid === input.appid;
  return { status: res.status, body: text, reply: opened.xml, replyVerified: verified };
}
