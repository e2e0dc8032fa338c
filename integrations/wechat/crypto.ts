/**
 * WeChat Official Account message crypto (消息加解密, 安全模式), per the official
 * "消息加解密说明" and its WXBizMsgCrypt samples (channels.md §1 "Safe mode"):
 * - signature = SHA-1 hex of the sorted, concatenated strings (token, timestamp, nonce[, Encrypt])
 * - key = Base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC, IV = key[0..16), no library padding
 * - PKCS#7 padding to a 32-byte block (values 1..32), not AES's 16
 * - plaintext = 16 random bytes ‖ uint32 BE length ‖ message ‖ appId
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export class WechatCryptoError extends Error {
  constructor(
    public code: 'BAD_BASE64' | 'BAD_PADDING' | 'BAD_LENGTH' | 'BAD_KEY',
    message: string,
  ) {
    super(message);
  }
}

const BLOCK = 32;

/** Lowercase hex SHA-1 of the sorted parts concatenated (URL signature and msg_signature alike). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decodes EncodingAESKey; anything but 43 base64 chars → 32 bytes is a configuration error. */
export function decodeAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WechatCryptoError('BAD_KEY', 'EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (key.length !== 32) throw new WechatCryptoError('BAD_KEY', 'EncodingAESKey must decode to 32 bytes');
  return key;
}

function pkcs7Pad(buf: Buffer): Buffer {
  const n = BLOCK - (buf.length % BLOCK); // 1..32, a full block when already aligned
  return Buffer.concat([buf, Buffer.alloc(n, n)]);
}

function pkcs7Unpad(buf: Buffer): Buffer {
  const n = buf[buf.length - 1];
  if (buf.length === 0 || n < 1 || n > BLOCK || n > buf.length) throw new WechatCryptoError('BAD_PADDING', 'bad padding');
  for (let i = buf.length - n; i < buf.length; i++) {
    if (buf[i] !== n) throw new WechatCryptoError('BAD_PADDING', 'bad padding');
  }
  return buf.subarray(0, buf.length - n);
}

/** Encrypts `message` for `appId`. `random16` is injectable for the published known-answer vectors. */
export function encryptMessage(key: Buffer, message: string, appId: string, random16: Buffer = randomBytes(16)): string {
  if (random16.length !== 16) throw new WechatCryptoError('BAD_LENGTH', 'random must be 16 bytes');
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random16, len, msg, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** Decrypts an `Encrypt` value. Returns the message exactly as sent (never trimmed) and the trailing appId. */
export function decryptMessage(key: Buffer, encrypted: string): { message: string; appId: string } {
  const trimmed = encrypted.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new WechatCryptoError('BAD_BASE64', 'Encrypt is not base64');
  }
  const data = Buffer.from(trimmed, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('BAD_LENGTH', 'ciphertext length');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new WechatCryptoError('BAD_LENGTH', 'plaintext too short');
  const msgLen = plain.readUInt32BE(16);
  if (20 + msgLen > plain.length) throw new WechatCryptoError('BAD_LENGTH', 'message length overflows');
  return {
    message: plain.subarray(20, 20 + msgLen).toString('utf8'),
    appId: plain.subarray(20 + msgLen).toString('utf8'),
  };
}
