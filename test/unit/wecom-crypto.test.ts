import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { CallbackRejected, callbackSignature, openCallback, openCiphertext, sealReply, verifySignature } from '../../adapters/wecom/crypto.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OTHER_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const CORP = 'ww0123456789abcdef';
const RANDOM = Buffer.from('0123456789abcdef');

const rejected = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CallbackRejected) return e.reason;
    throw e;
  }
  return 'accepted';
};

describe('WeCom callback signature (wecom.md §2.1)', () => {
  it('matches the hand-computed vector of §2.1', () => {
    // sorted: 1700000000 Nonce9 QUJDRA== tok3n
    expect(callbackSignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==')).toBe('cb4c73be5d058a81d79e166f90a610c24254b952');
    expect(getSignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==')).toBe('cb4c73be5d058a81d79e166f90a610c24254b952');
  });

  it('verifies in constant time and refuses wrong or differently sized signatures', () => {
    const good = 'cb4c73be5d058a81d79e166f90a610c24254b952';
    expect(verifySignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==', good)).toBe(true);
    expect(verifySignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==', good.toUpperCase())).toBe(true);
    expect(verifySignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==', `${good.slice(0, -1)}3`)).toBe(false);
    expect(verifySignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==', good.slice(0, 20))).toBe(false);
    expect(verifySignature('tok3n', '1700000001', 'Nonce9', 'QUJDRA==', good)).toBe(false);
    expect(verifySignature('tok3n', '1700000000', 'Nonce9', 'QUJDRA==', '')).toBe(false);
  });
});

describe('WeCom callback decryption (wecom.md §2.2–2.3, cases of §17.4)', () => {
  const cases: [string, string, string][] = [
    ['ASCII XML', '<xml><Content><![CDATA[hello]]></Content></xml>', CORP],
    ['multibyte UTF-8 (msg_len counts bytes)', '<xml><Content><![CDATA[1、2 完成 ✓ 党建]]></Content></xml>', CORP],
    ['plaintext already a multiple of 32 (full pad block)', 'x'.repeat(32 - 20 - CORP.length + 64), CORP],
    ['empty receive id (smart bot)', '{"msgid":"CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=","msgtype":"text"}', ''],
    ['doc-style plaintext with newlines', '<xml>\n<ToUserName><![CDATA[toUser]]></ToUserName>\n<MsgId>18446744073709551615</MsgId>\n</xml>', CORP],
  ];
  it.each(cases)('round-trips %s', (_name, message, id) => {
    const enc = encrypt(KEY, message, id, RANDOM);
    expect(openCiphertext(KEY, enc, id)).toBe(message);
    // Deterministic for a fixed random prefix (§2.3): the same input gives the same ciphertext.
    expect(encrypt(KEY, message, id, RANDOM)).toBe(enc);
  });

  it('pads an aligned plaintext with a whole block of 32 × 0x20', () => {
    const message = 'y'.repeat(64 - 20 - CORP.length);
    const enc = encrypt(KEY, message, CORP, RANDOM);
    expect(Buffer.from(enc, 'base64').length).toBe(96);
    expect(openCiphertext(KEY, enc, CORP)).toBe(message);
  });

  it('refuses a wrong receive id', () => {
    const enc = encrypt(KEY, '<xml/>', 'wwSOMEONEELSE', RANDOM);
    expect(rejected(() => openCiphertext(KEY, enc, CORP))).toBe('receiveid');
    expect(rejected(() => openCiphertext(KEY, encrypt(KEY, '{}', CORP, RANDOM), ''))).toBe('receiveid');
  });

  it('refuses a ciphertext decrypted with the wrong key (garbage, not a crash)', () => {
    const enc = encrypt(KEY, '<xml><Content>hi</Content></xml>', CORP, RANDOM);
    // @wecom/crypto does not throw here (§2.3); the layout check must catch it.
    expect(() => decrypt(OTHER_KEY, enc)).not.toThrow();
    expect(rejected(() => openCiphertext(OTHER_KEY, enc, CORP))).not.toBe('accepted');
    expect(rejected(() => openCiphertext(OTHER_KEY, encrypt(KEY, '{"a":1}', '', RANDOM), ''))).not.toBe('accepted');
  });

  it('refuses truncated, non-base64 and tampered ciphertexts', () => {
    const enc = encrypt(KEY, '<xml><Content>hi</Content></xml>', CORP, RANDOM);
    expect(rejected(() => openCiphertext(KEY, enc.slice(0, -4), CORP))).toBe('ciphertext');
    expect(rejected(() => openCiphertext(KEY, enc.slice(0, 30), CORP))).toBe('ciphertext');
    expect(rejected(() => openCiphertext(KEY, `${enc.slice(0, 10)}*${enc.slice(11)}`, CORP))).toBe('ciphertext');
    expect(rejected(() => openCiphertext(KEY, '', CORP))).toBe('ciphertext');
    const bytes = Buffer.from(enc, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x55, bytes.length - 1); // last block: breaks the padding
    expect(rejected(() => openCiphertext(KEY, bytes.toString('base64'), CORP))).not.toBe('accepted');
    const head = Buffer.from(enc, 'base64');
    head.writeUInt8(head.readUInt8(0) ^ 0x01, 0); // first block: corrupts msg_len of the plaintext
    expect(rejected(() => openCiphertext(KEY, head.toString('base64'), CORP))).not.toBe('accepted');
  });

  it('checks the signature before decrypting', () => {
    const keys = { token: 'tok3n', encodingAesKey: KEY, receiveId: CORP };
    const enc = encrypt(KEY, '<xml/>', CORP, RANDOM);
    const signature = getSignature('tok3n', '1700000000', 'n1', enc);
    expect(openCallback(keys, { signature, timestamp: '1700000000', nonce: 'n1', encrypted: enc })).toBe('<xml/>');
    expect(rejected(() => openCallback(keys, { signature, timestamp: '1700000000', nonce: 'n2', encrypted: enc }))).toBe('signature');
    // A garbage ciphertext with a wrong signature is refused for the signature, never decrypted.
    expect(rejected(() => openCallback(keys, { signature, timestamp: '1700000000', nonce: 'n1', encrypted: 'QUJDRA==' }))).toBe('signature');
  });

  it('seals passive replies that WeCom can verify and decrypt (§3.3)', () => {
    const keys = { token: 'tok3n', encodingAesKey: KEY, receiveId: CORP };
    const s = sealReply(keys, '<xml><MsgType>update_button</MsgType></xml>', '1700000000', 'Nonce9');
    expect(getSignature('tok3n', '1700000000', 'Nonce9', s.encrypt)).toBe(s.signature);
    expect(decrypt(KEY, s.encrypt)).toMatchObject({ message: '<xml><MsgType>update_button</MsgType></xml>', id: CORP });
  });
});
