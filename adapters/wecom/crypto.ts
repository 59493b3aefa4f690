import { createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt } from '@wecom/crypto';

/**
 * Callback cryptography (wecom.md §2), shared by the app (XML) and the smart bot (JSON). @wecom/crypto does the
 * AES; everything it does not do (§2.3) happens here: signature check before decrypting, length and padding
 * sanity, receive id.
 */

export class CallbackRejected extends Error {
  constructor(readonly reason: 'signature' | 'ciphertext' | 'layout' | 'receiveid') {
    super(`callback rejected: ${reason}`);
    this.name = 'CallbackRejected';
  }
}

/** §2.1: sha1 over the four values sorted as plain strings (ASCII, so JS sort is right), lowercase hex. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** §16.1 / §3.5: constant-time comparison, lengths first (timingSafeEqual throws on unequal lengths). */
export function verifySignature(token: string, timestamp: string, nonce: string, encrypted: string, given: string): boolean {
  const expected = Buffer.from(callbackSignature(token, timestamp, nonce, encrypted), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * §2.2 decrypt + §3.5 checks. The ciphertext must be canonical base64 of whole 32-byte blocks (WeCom pads to
 * 32). @wecom/crypto neither throws on a wrong key nor checks the length field (§2.3), so the result is checked
 * by re-encrypting it with the same random prefix: only a plaintext with a sane msg_len, a PKCS#7 pad of 1..32
 * and valid UTF-8 reproduces the exact ciphertext. Then the receive id (§2.2: corpid for the app, "" for the
 * smart bot).
 */
export function openCiphertext(encodingAesKey: string, encrypted: string, receiveId: string): string {
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) throw new CallbackRejected('ciphertext');
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32 || bytes.length % 32 !== 0) throw new CallbackRejected('ciphertext');
  let opened: { message: string; id: string; random: Buffer };
  try {
    opened = decrypt(encodingAesKey, encrypted);
  } catch {
    throw new CallbackRejected('ciphertext');
  }
  if (opened.random.length !== 16 || encrypt(encodingAesKey, opened.message, opened.id, opened.random) !== bytes.toString('base64')) {
    throw new CallbackRejected('layout');
  }
  if (opened.id !== receiveId) throw new CallbackRejected('receiveid');
  return opened.message;
}

/** Verify, then decrypt: nothing is decrypted for a request whose signature does not match (§16.1). */
export function openCallback(
  keys: { token: string; encodingAesKey: string; receiveId: string },
  q: { signature: string; timestamp: string; nonce: string; encrypted: string },
): string {
  if (!verifySignature(keys.token, q.timestamp, q.nonce, q.encrypted, q.signature)) throw new CallbackRejected('signature');
  return openCiphertext(keys.encodingAesKey, q.encrypted, keys.receiveId);
}

export interface SealedReply {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

/** §3.3 / §12: encrypt a passive reply for `receiveId` and sign it with the given timestamp and nonce. */
export function sealReply(keys: { token: string; encodingAesKey: string; receiveId: string }, plaintext: string, timestamp: string, nonce: string): SealedReply {
  const enc = encrypt(keys.encodingAesKey, plaintext, keys.receiveId);
  return { encrypt: enc, signature: callbackSignature(keys.token, timestamp, nonce, enc), timestamp, nonce };
}
