import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Providers' merchant secrets at rest: AES-256-GCM under PAY_SECRETS_KEY, bound to the row they belong
 * to (the associated data), so a sealed value copied onto another provider's row does not open.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('secret box key must be 32 bytes');
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64')}.${Buffer.concat([body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** Throws when the value was altered, sealed for another row, or under another key. */
  open(sealed: string, boundTo: string): string {
    const [version, ivB64, bodyB64] = sealed.split('.');
    if (version !== 'v1' || !ivB64 || !bodyB64) throw new Error('sealed secret in an unknown format');
    const raw = Buffer.from(bodyB64, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(ivB64, 'base64'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
  }
}
