import type { TestApp } from '../../helpers/testApp';
import { openMessage, pushSignature, sealMessage } from '../../../server/sandbox/officialAccount';

/**
 * Plays WeChat's side of the official account's push: signatures and the safe-mode envelope come from
 * the sandbox's own implementation (server/sandbox/officialAccount.ts, written from WeChat's
 * documentation independently of the server's code and held to Tencent's vectors in
 * test/server/wechat/knownAnswers.test.ts); reading the replies is here.
 */

export const sha1Sorted = (...parts: string[]): string => pushSignature(...parts);

let msgCounter = 0;
/** A fresh 64-bit-looking MsgId (beyond 2^53: it must survive as a string). */
export function nextMsgId(): string {
  msgCounter++;
  return `${9_007_199_254_740_993n + BigInt(Date.now()) * 1000n + BigInt(msgCounter)}`;
}

let timeCounter = 1_700_000_000;
export function nextCreateTime(): string {
  timeCounter++;
  return String(timeCounter);
}

export const OA_ID = 'gh_yichun_cloud';

export function textXml(from: string, content: string, msgId: string = nextMsgId(), extra = ''): string {
  return `<xml><ToUserName><![CDATA[${OA_ID}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${nextCreateTime()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId>${extra}</xml>`;
}

export function eventXml(from: string, event: string, createTime: string = nextCreateTime(), extra = ''): string {
  return `<xml><ToUserName><![CDATA[${OA_ID}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${extra}</xml>`;
}

export function signedQuery(token: string, extra: Record<string, string> = {}): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const params = new URLSearchParams({ signature: sha1Sorted(token, timestamp, nonce), timestamp, nonce, openid: 'x', ...extra });
  return `/wechat/official-account?${params.toString()}`;
}

/** Posts a plain-mode message as WeChat does. */
export function postPlain(t: TestApp, xml: string | Buffer, query: string = signedQuery(t.config.wechat.oa.token)) {
  return t.http
    .post(query)
    .set('content-type', 'text/xml')
    .send(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);
}

export interface ReplyXml {
  ToUserName: string;
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
  Content: string;
}

function cdataField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function readReply(xml: string): ReplyXml {
  // A "]]>" in the content is split across two CDATA sections: join them back.
  const content = /<Content>([\s\S]*)<\/Content>/.exec(xml)?.[1] ?? '';
  const joined = content
    .replace(/^<!\[CDATA\[/, '')
    .replace(/\]\]>$/, '')
    .split(']]]]><![CDATA[>')
    .join(']]>');
  return {
    ToUserName: cdataField(xml, 'ToUserName') ?? '',
    FromUserName: cdataField(xml, 'FromUserName') ?? '',
    CreateTime: cdataField(xml, 'CreateTime') ?? '',
    MsgType: cdataField(xml, 'MsgType') ?? '',
    Content: joined,
  };
}

/** Sends a text as `openid` and returns the reply's Content (null when the server answered `success`). */
export async function say(t: TestApp, openid: string, content: string, msgId?: string, extra = ''): Promise<string | null> {
  const res = await postPlain(t, textXml(openid, content, msgId, extra));
  if (res.status !== 200) throw new Error(`message "${content}" got ${res.status} ${res.text}`);
  if (res.text === 'success') return null;
  const reply = readReply(res.text);
  if (reply.ToUserName !== openid || reply.FromUserName !== OA_ID || reply.MsgType !== 'text') throw new Error(`odd reply ${res.text}`);
  return reply.Content;
}

// ---- safe mode, as WeChat's documentation lays it out --------------------------------------------------

export function wechatEncrypt(encodingAesKey: string, appid: string, xml: string): string {
  return sealMessage(encodingAesKey, appid, xml);
}

export function wechatDecrypt(encodingAesKey: string, encrypt: string): { xml: string; appid: string } {
  return openMessage(encodingAesKey, encrypt);
}

export function safeEnvelope(encrypt: string): string {
  return `<xml><ToUserName><![CDATA[${OA_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
}

export function safeQuery(token: string, encrypt: string, overrides: Record<string, string> = {}): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const params = new URLSearchParams({
    signature: sha1Sorted(token, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'x',
    encrypt_type: 'aes',
    msg_signature: sha1Sorted(token, timestamp, nonce, encrypt),
    ...overrides,
  });
  return `/wechat/official-account?${params.toString()}`;
}
