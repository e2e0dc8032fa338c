import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal data at rest (domain.md §6): AES-256-GCM per value, and a keyed hash (HMAC-SHA256)
 * for lookups, so "find the citizen with this phone" works without storing the phone in clear.
 * Two keys are derived from the one configured secret, so the hash key never encrypts.
 */
export class PiiVault {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(secretBase64: string) {
    const secret = Buffer.from(secretBase64, 'base64');
    this.encKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'rexian-pii-enc', 32));
    this.hashKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'rexian-pii-hash', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const raw = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * Files and raw payloads (attachment bytes, whole e-mails): the same AES-256-GCM, as bytes
   * (12-byte IV, 16-byte tag, ciphertext), for bytea columns.
   */
  encryptBytes(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decryptBytes(stored: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, stored.subarray(0, 12));
    decipher.setAuthTag(stored.subarray(12, 28));
    return Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]);
  }

  encryptOpt(plain: string | undefined | null): string | null {
    return plain ? this.encrypt(plain) : null;
  }

  decryptOpt(stored: string | undefined | null): string | null {
    return stored ? this.decrypt(stored) : null;
  }

  /** Keyed hash of a normalised value; `kind` keeps a phone and an email with equal text apart. */
  hash(kind: string, normalized: string): string {
    return createHmac('sha256', this.hashKey).update(`${kind}:${normalized}`).digest('hex');
  }
}
