/**
 * WeChat Pay APIv3's side of the wire, for the sandbox only: signing answers and callbacks, checking
 * merchants' request signatures, encrypting callback resources. Written from WeChat Pay's documents
 * (签名生成, 签名验证, 证书和回调报文解密) with node:crypto, and deliberately NOT shared with the
 * product's `server/src/wechat/pay/crypto.ts`: the sandbox exists to check that code, so a mistake in
 * one must make the two disagree instead of signing and verifying the same wrong thing.
 */
import crypto, { type KeyObject } from 'node:crypto';

/** The host WeChat Pay answers on; download links in its answers point here. */
export const WECHAT_PAY_ORIGIN = 'https://api.mch.weixin.qq.com';

/** The scheme a merchant's `Authorization` header names (签名生成, "设置HTTP头"). */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/**
 * 构造签名串: each item followed by "\n". A request is 请求方法, URL (path and query), 请求时间戳,
 * 请求随机串, 请求报文主体 (empty for a GET); an answer or callback is 应答时间戳, 应答随机串, 应答报文主体.
 */
export function signingString(items: readonly string[]): string {
  return items.map((item) => `${item}\n`).join('');
}

/** SHA256 with RSA (PKCS#1 v1.5), base64 — what WeChat Pay puts in `Wechatpay-Signature`. */
export function rsaSha256Sign(key: KeyObject, text: string): string {
  return crypto.sign('sha256', Buffer.from(text, 'utf8'), { key, padding: crypto.constants.RSA_PKCS1_PADDING }).toString('base64');
}

/** Whether `signature` (base64) is the merchant's SHA256 with RSA signature of `text`. */
export function rsaSha256Check(key: KeyObject, text: string, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return crypto.verify(
      'sha256',
      Buffer.from(text, 'utf8'),
      { key, padding: crypto.constants.RSA_PKCS1_PADDING },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

export interface MerchantAuthorization {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

const AUTH_FIELDS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;

/**
 * `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"` (any
 * order) → its five fields; null when the scheme, a field or the quoting is missing.
 */
export function readAuthorization(header: string | undefined): MerchantAuthorization | null {
  if (header === undefined || !header.startsWith(`${AUTH_SCHEME} `)) return null;
  const found = new Map<string, string>();
  for (const item of header.slice(AUTH_SCHEME.length + 1).split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const name = item.slice(0, eq).trim();
    const quoted = item.slice(eq + 1).trim();
    if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) continue;
    found.set(name, quoted.slice(1, -1));
  }
  const out: Partial<MerchantAuthorization> = {};
  for (const name of AUTH_FIELDS) {
    const v = found.get(name);
    if (!v) return null;
    out[name] = v;
  }
  return out as MerchantAuthorization;
}

/**
 * AEAD_AES_256_GCM as WeChat Pay's callbacks carry it (回调报文解密): key = the APIv3 key's 32 bytes,
 * IV = the resource's nonce, AAD = associated_data; ciphertext = base64(encrypted bytes ‖ 16-byte tag).
 */
export function sealResource(apiV3Key: string, plaintext: string, associatedData: string, nonce: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new RangeError('APIv3 key must be 32 bytes');
  const gcm = crypto.createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: 16 });
  gcm.setAAD(Buffer.from(associatedData, 'utf8'));
  const head = gcm.update(Buffer.from(plaintext, 'utf8'));
  const tail = gcm.final();
  return Buffer.concat([head, tail, gcm.getAuthTag()]).toString('base64');
}

/** A 32-character random string for `Wechatpay-Nonce` (WeChat Pay's own look: upper-case hex). */
export function randomNonce(): string {
  return crypto.randomBytes(16).toString('hex').toUpperCase();
}

/** success_time, create_time …: RFC 3339 with Beijing's fixed +08:00, to the second (e.g. 2018-06-08T10:34:56+08:00). */
export function beijingTime(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + 8 * 3_600_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}+08:00`;
}
