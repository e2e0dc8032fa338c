import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

interface KeyPair {
  encKey: Buffer;
  hashKey: Buffer;
}

const derive = (secretBase64: string): KeyPair => {
  const secret = Buffer.from(secretBase64, 'base64');
  return {
    encKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'rexian-pii-enc', 32)),
    hashKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'rexian-pii-hash', 32)),
  };
};

/** `1:base64,2:base64` → version → secret. */
export function parseOldPiiKeys(list: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const part of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.indexOf(':');
    const v = Number(part.slice(0, i));
    if (!Number.isInteger(v) || v < 1 || i < 0) throw new Error('Invalid configuration: PII_OLD_KEYS must be version:base64[,…]');
    m.set(v, part.slice(i + 1));
  }
  return m;
}

/**
 * Personal data at rest (domain.md §6): AES-256-GCM per value, and a keyed hash (HMAC-SHA256)
 * for lookups, so "find the citizen with this phone" works without storing the phone in clear.
 * Two keys are derived from each configured secret, so the hash key never encrypts.
 *
 * Key rotation (ASVS 6.2.4): every value names its key version — ciphertexts `v{n}.…`, keyed
 * hashes `k{n}.…` (version 1's hashes are bare hex, as stored before versions existed). New
 * values use the current version; older versions stay readable and findable while they are
 * configured (PII_OLD_KEYS), so `npm run pii:rotate` can rewrite rows in batches while the
 * centre keeps working, after which the old key is removed.
 */
export class PiiVault {
  private readonly keys = new Map<number, KeyPair>();

  constructor(secretBase64: string, o: { version?: number; old?: Map<number, string> } = {}) {
    this.version = o.version ?? 1;
    this.keys.set(this.version, derive(secretBase64));
    for (const [v, s] of o.old ?? []) if (v !== this.version) this.keys.set(v, derive(s));
  }

  readonly version: number;

  private key(v: number): KeyPair {
    const k = this.keys.get(v);
    if (!k) throw new Error(`personal data key version ${v} is not configured (PII_OLD_KEYS)`);
    return k;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.version).encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v${this.version}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const dot = stored.indexOf('.');
    const raw = Buffer.from(stored.slice(dot + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key(Number(stored.slice(1, dot))).encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * Files and raw payloads (attachment bytes, whole e-mails): the same AES-256-GCM, as bytes
   * (12-byte IV, 16-byte tag, ciphertext), for bytea columns.
   */
  encryptBytes(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.version).encKey, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /**
   * Byte blobs carry no key version: the current key is tried first, then the older ones still
   * configured (PII_OLD_KEYS), and the GCM tag tells which one wrote it. `pii:rotate` does not
   * rewrite blobs yet, so an old key must stay configured while blobs written under it are kept.
   */
  decryptBytes(stored: Buffer): Buffer {
    const versions = [this.version, ...[...this.keys.keys()].filter((v) => v !== this.version)];
    let last: unknown;
    for (const v of versions) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key(v).encKey, stored.subarray(0, 12));
        decipher.setAuthTag(stored.subarray(12, 28));
        return Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  encryptOpt(plain: string | undefined | null): string | null {
    return plain ? this.encrypt(plain) : null;
  }

  decryptOpt(stored: string | undefined | null): string | null {
    return stored ? this.decrypt(stored) : null;
  }

  private hashWith(v: number, kind: string, normalized: string) {
    const hex = createHmac('sha256', this.key(v).hashKey).update(`${kind}:${normalized}`).digest('hex');
    return v === 1 ? hex : `k${v}.${hex}`;
  }

  /** Keyed hash of a normalised value under the current key; `kind` keeps a phone and an email with equal text apart. */
  hash(kind: string, normalized: string): string {
    return this.hashWith(this.version, kind, normalized);
  }

  /** The value's keyed hash under every configured key, current first: what a lookup must match during a rotation. */
  hashes(kind: string, normalized: string): string[] {
    return [...this.keys.keys()].map((v) => this.hashWith(v, kind, normalized));
  }

  /** A token printed for a citizen (tracking, callback link): 32 hex of the keyed hash under the current key. */
  token(kind: string, value: string): string {
    return this.hash(kind, value).slice(-64, -32);
  }

  /** A printed token stays good after a rotation while its key is configured. */
  tokenMatches(kind: string, value: string, token: string): boolean {
    return [...this.keys.keys()].some((v) => this.hashWith(v, kind, value).slice(-64, -32) === token);
  }

  /** True when a stored ciphertext or keyed hash is already under the current key. */
  isCurrent(stored: string): boolean {
    if (stored.startsWith('v')) return stored.startsWith(`v${this.version}.`);
    return this.version === 1 ? !stored.startsWith('k') : stored.startsWith(`k${this.version}.`);
  }
}
