import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import { decodeAesKey, decryptMessage, encryptMessage, wechatSignature, WechatCryptoError } from './crypto';
import { JAVA_TEST, PY_SAMPLE } from './fixtures/official-vectors';

describe('WeChat crypto against the official sample vectors', () => {
  it('msg_signature of the Python sample matches', () => {
    expect(wechatSignature(PY_SAMPLE.token, PY_SAMPLE.timestamp, PY_SAMPLE.nonce, PY_SAMPLE.encrypt)).toBe(PY_SAMPLE.msgSignature);
  });

  it('decrypts the Python sample byte for byte, newlines kept, appId trailing', () => {
    const out = decryptMessage(decodeAesKey(PY_SAMPLE.encodingAesKey), PY_SAMPLE.encrypt);
    expect(out).toEqual({ message: PY_SAMPLE.plain, appId: PY_SAMPLE.appId });
  });

  it('encrypts the Java test messages with the fixed random to the published ciphertexts', () => {
    const key = decodeAesKey(JAVA_TEST.encodingAesKey);
    const rnd = Buffer.from(JAVA_TEST.random);
    expect(encryptMessage(key, JAVA_TEST.replyMsg, JAVA_TEST.appId, rnd)).toBe(JAVA_TEST.afterAesEncrypt);
    expect(encryptMessage(key, JAVA_TEST.replyMsg2, JAVA_TEST.appId, rnd)).toBe(JAVA_TEST.afterAesEncrypt2);
    expect(decryptMessage(key, JAVA_TEST.afterAesEncrypt2)).toEqual({ message: JAVA_TEST.replyMsg2, appId: JAVA_TEST.appId });
  });

  it('agrees with @wecom/crypto (independent implementation) both ways', () => {
    const key = decodeAesKey(PY_SAMPLE.encodingAesKey);
    const msg = '<xml>\n<Content><![CDATA[路灯不亮了 🙂]]></Content>\n</xml>';
    const ours = encryptMessage(key, msg, 'wxAPP');
    expect(wecom.decrypt(PY_SAMPLE.encodingAesKey, ours)).toMatchObject({ message: msg, id: 'wxAPP' });
    const theirs = wecom.encrypt(PY_SAMPLE.encodingAesKey, msg, 'wxAPP');
    expect(decryptMessage(key, theirs)).toEqual({ message: msg, appId: 'wxAPP' });
    expect(wecom.getSignature('t', '1', 'n', theirs)).toBe(wechatSignature('t', '1', 'n', theirs));
  });

  it('pads to a 32-byte block: a 32-aligned plaintext gets a full block of 32', () => {
    const key = decodeAesKey(PY_SAMPLE.encodingAesKey);
    // 16 random + 4 length + 8 message + 4 appId = 32 bytes → 64 bytes of ciphertext
    const ct = Buffer.from(encryptMessage(key, '12345678', 'abcd'), 'base64');
    expect(ct.length).toBe(64);
  });

  it('rejects bad keys at config time and bad ciphertext with typed errors, never a crash', () => {
    expect(() => decodeAesKey('short')).toThrow(WechatCryptoError);
    const key = decodeAesKey(PY_SAMPLE.encodingAesKey);
    const codeOf = (s: string) => {
      try {
        decryptMessage(key, s);
        return 'ok';
      } catch (e) {
        return (e as WechatCryptoError).code;
      }
    };
    expect(codeOf('not base64!!')).toBe('BAD_BASE64');
    expect(codeOf(Buffer.alloc(15).toString('base64'))).toBe('BAD_LENGTH');
    // valid AES blocks of garbage: padding check fails (or length overflow), not an exception of another kind
    expect(['BAD_PADDING', 'BAD_LENGTH']).toContain(codeOf(Buffer.alloc(64, 7).toString('base64')));
    // a correct-padding ciphertext whose length field lies
    const evil = Buffer.concat([Buffer.alloc(16), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(12, 12)]);

    const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    c.setAutoPadding(false);
    expect(codeOf(Buffer.concat([c.update(evil), c.final()]).toString('base64'))).toBe('BAD_LENGTH');
  });
});
