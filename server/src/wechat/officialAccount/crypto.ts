import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The official account's signatures and safe-mode encryption, exactly as spec/wechat.md fixes them.
 * Nothing here parses XML: the endpoint checks a signature before it lets the parser see a byte.
 */

/** sha1 of the sorted, concatenated parts (token, timestamp, nonce[, Encrypt]). All parts are ASCII. */
export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Compares a computed signature with the one in the query without leaking where they differ. */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given.toLowerCase(), 'latin1'));
}

/** Why a safe-mode payload was refused: 'malformed' (400) or addressed to another account (401). */
export class CipherRefusal extends Error {
  constructor(readonly reason: 'malformed' | 'appid') {
    super(reason === 'appid' ? 'payload addressed to another appid' : 'malformed payload');
    this.name = 'CipherRefusal';
  }
}

const BLOCK = 32; // spec: PKCS#7 padding to 32 bytes (not AES's own 16)
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function pkcs7Pad(data: Buffer): Buffer {
  const pad = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/**
 * AES-256-CBC with key = base64-decode(EncodingAESKey + "="), IV = the key's first 16 bytes; the
 * plaintext is 16 random bytes, a 4-byte big-endian length, the XML, then the appid.
 */
export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appid: string,
  ) {
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    // config.ts admits only 43 base64 characters, which always decode to 32 bytes.
    if (this.key.length !== 32) throw new RangeError('EncodingAESKey must decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
  }

  encrypt(xml: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(xml, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(this.appid, 'utf8')]));
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** The XML inside, after every check the layout allows; throws CipherRefusal, never anything else. */
  decrypt(encrypt: string): string {
    if (encrypt.length % 4 !== 0 || !BASE64.test(encrypt)) throw new CipherRefusal('malformed');
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new CipherRefusal('malformed');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new CipherRefusal('malformed');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new CipherRefusal('malformed');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new CipherRefusal('malformed');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new CipherRefusal('malformed');
    const xmlLength = content.readUInt32BE(16);
    if (xmlLength === 0 || 20 + xmlLength > content.length) throw new CipherRefusal('malformed');
    const appid = content.subarray(20 + xmlLength).toString('latin1');
    // co-wechat never checks this (a TODO in its code): a message for another account is not ours.
    if (appid !== this.appid) throw new CipherRefusal('appid');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(content.subarray(20, 20 + xmlLength));
    } catch {
      throw new CipherRefusal('malformed');
    }
  }
}
