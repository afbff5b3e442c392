/**
 * WeChat Pay APIv3's signatures and AEAD, with node:crypto only. wechatpay-node-v3 2.2.1 builds our
 * request signatures, but its `decipher_gcm` never checks the GCM tag and its `verifySign` shares one
 * key map among all clients (notes/wechat.md), so checking what WeChat sends is done here.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';

/** The host wechatpay-node-v3 writes into every URL; its signatures cover only what follows it. */
export const WECHATPAY_HOST = 'https://api.mch.weixin.qq.com';

export function signSha256Rsa(privateKey: string | KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

export function verifySha256Rsa(publicKey: KeyObject, message: string, signatureBase64: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

/** What WeChat Pay signs in an answer or a callback: timestamp, nonce and the raw body, each line-ended. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** What a merchant signs in a request (APIv3 "签名生成"): the body line is empty for a GET. */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** A platform certificate or a WeChat Pay public key (PEM) as a key to verify with; null when it is neither. */
export function platformPublicKey(pem: string): KeyObject | null {
  try {
    if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey;
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : null;
  } catch {
    return null;
  }
}

export function nonceString(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: the APIv3 key's 32 bytes, a 12-character nonce, the tag as the last 16 bytes. */
export function encryptAeadAes256Gcm(apiV3Key: string, plaintext: string, associatedData: string, nonce: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

export class AeadError extends Error {
  constructor() {
    super('AEAD_AES_256_GCM: tag does not match (tampered ciphertext, wrong key, nonce or associated data)');
    this.name = 'AeadError';
  }
}

/** Throws AeadError unless the tag checks out: `final()` is what verifies it. */
export function decryptAeadAes256Gcm(apiV3Key: string, ciphertextBase64: string, associatedData: string, nonce: string): string {
  const raw = Buffer.from(ciphertextBase64, 'base64');
  if (raw.length < 17 || Buffer.byteLength(apiV3Key, 'utf8') !== 32) throw new AeadError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: 16 });
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new AeadError();
  }
}

/** `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…` → its fields; null when it is not that shape. */
export function parseAuthorization(
  header: string | undefined,
): Record<'mchid' | 'nonce_str' | 'timestamp' | 'serial_no' | 'signature', string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048\s+(.*)$/.exec(header ?? '');
  if (!m) return null;
  const fields: Record<string, string> = {};
  for (const part of m[1].matchAll(/(\w+)="([^"]*)"/g)) fields[part[1]] = part[2]!;
  for (const k of ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature']) if (!fields[k]) return null;
  return fields;
}
