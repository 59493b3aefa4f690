/**
 * Hostile-request generator (issue 12, "Bad input"): a deterministic, seeded source of requests that no honest
 * client sends, aimed at every public route family — the WeCom app and smart-bot callbacks, the signed H5 pages,
 * the admin console, the admin API and the sandbox API.
 *
 * Request `i` of seed `s` depends only on (s, i) and the context (credentials the harness holds), so a failure is
 * reproduced by `fuzzRequest(ctx, s, i)`: the CI test runs a small count with a fixed seed, `bench/fuzz.ts` a
 * large one. Every request says what the server must do beyond "no 5xx":
 *
 * - `mustRefuse`: forged, missing, expired or misplaced credentials, bad signatures, invalid input to a write —
 *   the answer must be a 4xx (never 2xx/3xx);
 * - `storesEvent`: a genuine WeCom callback (valid signature, valid encryption, an unknown sender) may store its
 *   one inbox event (replays of it must not store a second) and answer the sender "not registered" through the
 *   outbox — the only writes any generated request may cause;
 * - `secrets`: credentials the request carries (valid H5 tokens), which must never reach a log line.
 *
 * Requests that carry a credential allowing a write never carry input that could be valid for one: ids that do not
 * exist, months and dates that are not, bodies with at least one field broken, uploads as dry runs or unreadable.
 * Valid input goes only with credentials that must not allow it (none, forged, revoked, read-only). So "no write"
 * is exact (test/fuzz/harness.ts).
 */
import { createHmac } from 'node:crypto';
import { encrypt } from '@wecom/crypto';
import { callbackSignature } from '../../adapters/wecom/crypto.js';
import { seededRandom } from '../../bench/seeded-random.js';
import { signToken } from '../../src/h5/signed-link.js';

export type Family = 'wecom-app' | 'wecom-bot' | 'h5' | 'admin' | 'api' | 'sandbox' | 'misc';
export const FAMILIES: readonly Family[] = ['wecom-app', 'wecom-bot', 'h5', 'admin', 'api', 'sandbox', 'misc'];

export interface FuzzRequest {
  /** Position in the run: with the seed, all it takes to generate it again. */
  index: number;
  family: Family;
  /** The generator case, e.g. `app-post-wrong-signature`. */
  kind: string;
  method: string;
  /** Path and query, already percent-encoded (some deliberately malformed). */
  path: string;
  /** Undefined values are not sent. */
  headers: Record<string, string | undefined>;
  body?: Buffer;
  /** Sent this many times in a row on one worker (replays); default 1. */
  repeat?: number;
  /** Must be answered with a 4xx. */
  mustRefuse?: boolean;
  /** Larger than the route's limit: the server may answer 413 and close the connection while the body is still being sent. */
  oversize?: boolean;
  /** A genuine callback from an unknown sender: the one inbox event it may store. */
  storesEvent?: { eventId: string; sender: string };
  /** Valid credentials carried by this request (never allowed in a log). */
  secrets?: string[];
  /** Set on outcomes, which keep the body's size rather than the body. */
  bodyBytes?: number;
}

/** What the harness knows and holds: the server's configuration and credentials, existing people, the server's "now". */
export interface FuzzContext {
  /** The server clock's now: H5 link expiry is relative to it. */
  now: Date;
  appSecret: string;
  wecom: { corpId: string; agentId: string; token: string; encodingAesKey: string; botToken: string; botEncodingAesKey: string };
  /** A valid admin API token ("djb_…"): sent only with input that must be refused, or to read. */
  adminToken: string;
  /** A valid read-only (leader) API token. */
  leaderToken: string;
  /** A token that existed and was revoked. */
  revokedToken: string;
  /** A live admin console session: the cookie value and its CSRF token. */
  session: { cookie: string; csrf: string };
  /** A sign-in link token that was already used (its nonce is spent). */
  usedSignInToken: string;
  /** Existing people by role (person ids; the sandbox's identity is the person id). */
  people: { admin: number; leader: number; scopedLeader: number; secretary: number; member: number };
  /** A month that has a topic (YYYY-MM). */
  topicMonth: string;
}

// ---------------------------------------------------------------------------------------------------------
// Randomness

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return items[items.length - 1]![0];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
  string(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.string(n, '0123456789abcdef');
  }
}

/** One independent stream per (seed, index): request i never depends on requests before it. */
export function requestSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

// ---------------------------------------------------------------------------------------------------------
// Hostile values

/** Strings that look like SQL, paths, markup, templates, odd numbers and odd Unicode. */
export const HOSTILE_STRINGS: readonly string[] = [
  "' OR '1'='1", "1; DROP TABLE people;--", "' UNION SELECT token_hash FROM admin_tokens--", "'); DELETE FROM completion_records;--",
  '" OR ""="', '1)) OR pg_sleep(5)--', '$$; select pg_sleep(5); $$', "%' AND 1=0 UNION ALL SELECT NULL,NULL--", "admin'--",
  "'; UPDATE admin_sessions SET ended_at = NULL;--", 'E\'\\x27', '\\', '\\\\\'', '`rm -rf /`', '$(id)', '; ls -la',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2f', '/dev/zero', 'file:///etc/passwd',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert('x')", '{{7*7}}', '${7*7}', '#{7*7}', '${jndi:ldap://127.0.0.1:1/a}',
  '<![CDATA[x]]>', ']]>', '&amp;&lt;&#0;&#x0;', '&xxe;',
  '-1', '0', '-0', '1e309', '-1e309', 'NaN', 'Infinity', '1.5', '0x7fffffff', '2147483648', '9223372036854775808', '99999999999999999999',
  '00000000001', ' 1', '1 ', '+1', 'null', 'undefined', 'true', 'false', '[]', '{}', '[object Object]',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '\u0000', 'a\u0000b', '\r\n\r\nX-Injected: 1', '\t', '\u202e\u202dabc', '\u200b\u200c\u200d\ufeff', 'Ｆｕｌｌｗｉｄｔｈ１２３', '𠮷野家𩸽',
  '😀👨‍👩‍👧‍👦🇨🇳', '\ud800', '\udfff\ud800', 'é', 'ﬀ', 'İı', '١٢٣', '零一二', '完成 1', '撤销', '同意延期 Y1', '管理后台', '开始互观互检',
  '', ' ', 'A'.repeat(300), '测'.repeat(1000), 'x'.repeat(5000),
];

/** Path segments, percent-encoded as sent (some malformed on purpose). None of them names an existing row. */
export const BAD_SEGMENTS: readonly string[] = [
  '0', '-1', '99999999', '2147483647', '2147483648', '99999999999999999999', '9007199254740993', '1e309', '-1e309', '1.5', '1e-7',
  'abc', 'NaN', 'Infinity', 'null', '..', '.', '..%2F..%2Fapi', '%2e%2e', '%2e%2e%2f%2e%2e', '%00', '%E0%A4%A', '%ZZ', '%', '%C0%AF',
  '%F0%9F%98%80', '%E6%B5%8B%E8%AF%95', '1%3Bselect%201', "1'%20OR%20'1'%3D'1", '%27--', '%22', '%3Cscript%3E', 'x'.repeat(2000),
];

const BAD_MONTHS: readonly string[] = ['2026-13', '2026-00', '0000-00', '2026-1', '26-11', '2026/11', '2026-11-01', "2026-11'--", '2026-11%00', '%E0%A4%A', '..', '-1', '9999999-99', 'abcd-ef'];
const BAD_DATES: readonly string[] = ['2026-02-30', '2026-13-01', '2026-11-31', '0000-00-00', '2026-1-1', '20261101', "2026-11-01' OR 1=1--", '2026-11-01T00:00:00Z', '-1', 'today', '%00', '1e309', '9999-99-99'];
const BAD_YEARS: readonly string[] = ['0', '-1', '1999', '2101', '99999', '2026.5', '1e3', 'abc', "2026'", '%00', '20260'];

/** Percent-encodes any string, including lone surrogates (as U+FFFD), which encodeURIComponent refuses. */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** A query string; values in `raw` are sent as they are (already encoded or deliberately malformed). */
function qs(params: Record<string, string | undefined>, raw: Record<string, string> = {}): string {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${pct(k)}=${pct(v!)}`);
  for (const [k, v] of Object.entries(raw)) parts.push(`${k}=${v}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Header values must be latin-1 without control characters; anything else is percent-encoded. */
function headerSafe(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : pct(s);
}

function hostile(rng: Rng): string {
  return rng.pick(HOSTILE_STRINGS);
}

/** A hostile string safe inside CDATA (no "]]>"), without leading/trailing white space (the XML parser trims). */
function cdataSafe(s: string): string {
  return s.replace(/]]>/g, ']] >').trim() || 'x';
}

function randomJsonValue(rng: Rng, depth = 0): unknown {
  const k = rng.int(0, depth > 3 ? 5 : 8);
  switch (k) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 2147483648, Number.MAX_SAFE_INTEGER]);
    case 3: case 4: case 5: return hostile(rng);
    case 6: return Array.from({ length: rng.int(0, 4) }, () => randomJsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) o[rng.pick(['__proto__', 'constructor', 'id', 'name', 'text', hostile(rng), rng.string(5)])] = randomJsonValue(rng, depth + 1);
      return o;
    }
  }
}

/** Bodies that are not JSON, or are JSON of the wrong shape, or are too deep. */
function badJsonBody(rng: Rng, like?: Record<string, unknown>): string {
  const base = like ? JSON.stringify(like) : JSON.stringify(randomJsonValue(rng));
  return rng.pick<() => string>([
    () => base.slice(0, rng.int(0, Math.max(0, base.length - 1))), // truncated
    () => `${base}}`, () => `{${base}`, () => base.replace(/"/g, "'"), () => `{"a":1,}`, () => '{"a":01}', () => 'NaN', () => 'undefined',
    () => '[' .repeat(20000) + ']'.repeat(20000), () => '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    () => '\ufeff' + base, () => `${base}\u0000`, () => '', () => ' ', () => 'null', () => '[]', () => '"string"', () => '123', () => 'true',
    () => JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { polluted: 1 } } }), () => '{"__proto__":{"isAdmin":true}}',
    () => JSON.stringify(randomJsonValue(rng)), () => rng.bytes(rng.int(1, 200)).toString('latin1'),
  ])();
}

// ---------------------------------------------------------------------------------------------------------
// XML for the WeCom app

/** Billion laughs: 10 levels of 10 references (never expanded by us: DTDs are refused). */
function entityBomb(inner = ''): string {
  let dtd = '<!ENTITY lol0 "lol">';
  for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?><!DOCTYPE xml [${dtd}]><xml>${inner}<Content>&lol9;</Content></xml>`;
}

/**
 * Malformed or hostile XML around an `<Encrypt>`; `refuse` says whether the app route must refuse it as an envelope
 * (false: well-formed XML that does carry the Encrypt element, e.g. with comments or attributes around it).
 */
function badXml(rng: Rng, encrypted?: string): { xml: string; refuse: boolean } {
  const enc = encrypted ?? rng.string(44, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
  const e = `<Encrypt><![CDATA[${enc}]]></Encrypt>`;
  const refused: (() => string)[] = [
    () => entityBomb(e),
    () => `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml>${e}<X>&xxe;</X></xml>`,
    () => `<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd">%p;]><xml>${e}</xml>`,
    () => `<! DOCTYPE xml><xml>${e}</xml>`, () => `<!doctype xml><xml>${e}</xml>`, () => `<!ENTITY a "b"><xml>${e}</xml>`,
    () => `<xml>${e}`, () => `<xml>${e}</xm>`, () => `<xml><Encrypt>${enc}</xml>`, () => `<xml><Encrypt><![CDATA[${enc}</Encrypt></xml>`,
    () => `<xml>${e}${e}</xml>`, () => `<xml><Encrypt><X>${enc}</X></Encrypt></xml>`,
    () => `<xml><Encrypt></Encrypt></xml>`, () => '<xml></xml>', () => '<xml/>', () => '<root><Encrypt>x</Encrypt></root>', () => '',
    () => `${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}`, () => Buffer.from([0xff, 0xfe, 0x3c, 0x00]).toString('latin1'),
    () => JSON.stringify({ Encrypt: enc }), () => `<xml>${e}</xml>`.slice(0, rng.int(1, 20)),
    () => rng.bytes(rng.int(1, 300)).toString('latin1'), () => `<xml>${e.replace(/Encrypt/g, 'encrypt')}</xml>`, () => `<XML>${e}</XML>`,
  ];
  const maybe: (() => string)[] = [
    () => `<?xml version="1.0" encoding="UTF-16"?><xml>${e}</xml>`, () => `<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?><xml>${e}</xml>`,
    () => `<xml><Encrypt a="1" b='2'>${enc}</Encrypt></xml>`, () => `<xml ${Array.from({ length: 3000 }, (_, i) => `a${i}="${i}"`).join(' ')}>${e}</xml>`,
    () => `<xml>${'<!-- c -->'.repeat(3000)}${e}</xml>`, () => `<xml>${e}<![CDATA[ ]]]]><![CDATA[> ]]></xml>`, () => `<xml>&#0;&#x1F600;&#99999999;${e}</xml>`,
    () => `<xml>${e}<${'T'.repeat(5000)}>1</${'T'.repeat(5000)}></xml>`, () => `<xml>${e}</xml>${'x'.repeat(100)}<xml></xml>`, () => `<xml>\u0000${e}</xml>`,
  ];
  const refuse = rng.chance(0.75);
  return { xml: rng.pick(refuse ? refused : maybe)(), refuse };
}

/** Decrypted app plaintexts that must not store anything: malformed XML, or messages the adapter ignores. */
function nonStoringPlaintext(rng: Rng, corpId: string): string {
  const from = `fuzz-${rng.string(6)}`;
  const head = `<ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1795000000</CreateTime>`;
  return rng.pick<() => string>([
    () => badXml(rng).xml,
    () => entityBomb(),
    () => `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml>${head}<MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>`,
    () => `<xml>${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${cdataSafe(hostile(rng))}]]></Content></xml>`, // no MsgId
    () => `<xml>${head}<MsgType><![CDATA[text]]></MsgType><Content>x</Content><MsgId>${pct(hostile(rng)).slice(0, 30) || 'x'}a</MsgId></xml>`,
    () => `<xml>${head}<MsgType><![CDATA[text]]></MsgType><MsgId>123456789012345678901</MsgId></xml>`, // 21 digits
    () => `<xml>${head}<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1:1/x.png]]></PicUrl><MediaId>m</MediaId><MsgId>1</MsgId></xml>`,
    () => `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${rng.pick(['subscribe', 'unsubscribe', 'LOCATION', 'click', 'view', 'change_contact', 'batch_job_result', "'; drop"])}]]></Event></xml>`,
    () => `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey></EventKey><TaskId>t</TaskId></xml>`,
    () => `<xml><ToUserName>${corpId}</ToUserName><MsgType>text</MsgType><Content>no sender</Content><MsgId>42</MsgId></xml>`,
    () => `<xml><FromUserName><A>nested</A></FromUserName><MsgType>text</MsgType><MsgId>43</MsgId></xml>`,
    () => `<xml>${head}<MsgType>${rng.pick(['voice', 'video', 'location', 'link', 'file', '', 'TEXT', hostile(rng).replace(/[<&]/g, '')])}</MsgType><MsgId>44</MsgId></xml>`,
    () => JSON.stringify({ FromUserName: from, MsgType: 'text', MsgId: '45' }),
    () => '', () => rng.bytes(rng.int(1, 500)).toString('latin1'), () => `<xml>${head}`,
    () => `${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}`,
  ])();
}

// ---------------------------------------------------------------------------------------------------------
// The generator

type Gen = (rng: Rng, ctx: FuzzContext, index: number, seed: number) => Omit<FuzzRequest, 'index' | 'family'>;

const FAMILY_WEIGHTS: readonly (readonly [Family, number])[] = [
  ['wecom-app', 24], ['wecom-bot', 14], ['h5', 20], ['admin', 16], ['api', 17], ['sandbox', 7], ['misc', 2],
];

export function fuzzRequest(ctx: FuzzContext, seed: number, index: number): FuzzRequest {
  const rng = new Rng(requestSeed(seed, index));
  const family = rng.weighted(FAMILY_WEIGHTS);
  const gen = GENERATORS[family];
  const r = gen(rng, ctx, index, seed);
  return { index, family, ...r };
}

/**
 * `count` requests from index `start` on. With `exclude` (a pattern on the kind), matching requests are skipped
 * and later indices fill in, so a known problem can be set aside without changing what the others are.
 */
export function* fuzzRequests(ctx: FuzzContext, seed: number, count: number, opts: { start?: number; exclude?: RegExp } = {}): Generator<FuzzRequest> {
  let sent = 0;
  for (let i = opts.start ?? 0; sent < count; i++) {
    const r = fuzzRequest(ctx, seed, i);
    if (opts.exclude?.test(r.kind)) continue;
    sent++;
    yield r;
  }
}

/** How to say which request failed: enough to generate it again. */
export function describeRequest(r: FuzzRequest, seed: number): string {
  const path = r.path.length > 140 ? `${r.path.slice(0, 140)}…(${r.path.length})` : r.path;
  const bytes = r.body?.length ?? r.bodyBytes;
  return `#${r.index} seed=${seed} ${r.family}/${r.kind} ${r.method} ${path}${bytes !== undefined ? ` body=${bytes}B` : ''}`;
}

// --- WeCom -------------------------------------------------------------------------------------------------

interface Keys { token: string; encodingAesKey: string; receiveId: string }

function appKeys(ctx: FuzzContext): Keys {
  return { token: ctx.wecom.token, encodingAesKey: ctx.wecom.encodingAesKey, receiveId: ctx.wecom.corpId };
}
function botKeys(ctx: FuzzContext): Keys {
  return { token: ctx.wecom.botToken, encodingAesKey: ctx.wecom.botEncodingAesKey, receiveId: '' };
}

function seal(rng: Rng, keys: Keys, plaintext: string, opts: { receiveId?: string; encodingAesKey?: string } = {}): string {
  return encrypt(opts.encodingAesKey ?? keys.encodingAesKey, plaintext, opts.receiveId ?? keys.receiveId, rng.bytes(16));
}

function signedQuery(keys: Keys, ts: string, nonce: string, encrypted: string, extra = ''): string {
  return `?msg_signature=${callbackSignature(keys.token, ts, nonce, encrypted)}&timestamp=${pct(ts)}&nonce=${pct(nonce)}${extra}`;
}

function freshTs(ctx: FuzzContext): string {
  return String(Math.floor(ctx.now.getTime() / 1000));
}

function envelope(ctx: FuzzContext, encrypted: string): string {
  return `<xml><ToUserName><![CDATA[${ctx.wecom.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[${ctx.wecom.agentId}]]></AgentID></xml>`;
}

/**
 * Ciphertexts that are not ours: not base64, wrong length, wrong key, wrong receive id, cut off. `refuse: false`
 * for a flipped bit: CBC decrypts it to a plaintext one block off, which passes every structural check when the
 * flip lands in the random prefix or the message — only the signature guards integrity (wecom.md §2.3), and here
 * it is computed over the flipped ciphertext. So what is sealed must be something that stores nothing.
 */
function badCiphertext(rng: Rng, ctx: FuzzContext, keys: Keys, genuine: string): { enc: string; refuse: boolean } {
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  if (rng.chance(0.15)) {
    const b = Buffer.from(genuine, 'base64');
    b[rng.int(0, b.length - 1)]! ^= rng.pick([1, 0x55, 0x80]);
    return { enc: b.toString('base64'), refuse: false };
  }
  const bad = rng.pick<() => string>([
    () => genuine.slice(0, -8), () => genuine.slice(0, rng.int(1, genuine.length - 1)), () => genuine.slice(4), () => `${genuine}AAAA`,
    () => rng.bytes(32 * rng.int(1, 8)).toString('base64'), () => rng.bytes(rng.int(1, 100)).toString('base64'), () => rng.string(64, b64),
    () => genuine.replace(/=+$/, ''), () => genuine.replace(/\+/g, '-').replace(/\//g, '_'), () => `${genuine.slice(0, 10)} ${genuine.slice(10)}`,
    () => seal(rng, keys, 'hello', { encodingAesKey: 'QWERTYUIOPASDFGHJKLZXCVBNM0123456789qwertyu' }),
    () => seal(rng, keys, `<xml><FromUserName>x</FromUserName></xml>`, { receiveId: keys.receiveId === '' ? ctx.wecom.corpId : 'wwSOMEONEELSE' }),
    () => seal(rng, keys, 'x', { receiveId: `${keys.receiveId}\u0000` }),
    () => '', () => '====', () => 'A'.repeat(4096), () => '%00', () => hostile(rng),
  ])();
  // Some edits leave a ciphertext as it was (no padding to strip, no '+' to replace): then it is not a bad one.
  return { enc: bad === genuine ? `${genuine}AAAA` : bad, refuse: true };
}

/** A sender no demo person has: "fuzz-" + something hostile (and unique to the request). */
function unknownSender(rng: Rng, index: number): string {
  const tail = rng.pick(["' OR '1'='1", '../zhangwei', '张伟', '😀', '<b>x</b>', '%00', '$(id)', 'user', '__proto__', 'a;b', 'a"b']);
  return `fuzz-${index}-${tail}`;
}

/** A genuine app callback plaintext from an unknown sender, and the inbox event id it stores. */
function genuineAppPlaintext(rng: Rng, ctx: FuzzContext, index: number, seed: number): { xml: string; eventId: string; sender: string } {
  const from = unknownSender(rng, index);
  const created = String(rng.pick([1795000000, 0, 1, 4102444800, Math.floor(ctx.now.getTime() / 1000)]));
  const head = `<ToUserName><![CDATA[${ctx.wecom.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${created}</CreateTime>`;
  const kind = rng.pick(['text', 'text', 'text', 'enter', 'card']);
  if (kind === 'enter') {
    return { xml: `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>${ctx.wecom.agentId}</AgentID></xml>`, eventId: `enter:${from}`, sender: from };
  }
  if (kind === 'card') {
    // As the adapter reads it: trimmed, without NUL (not an XML character; dropped).
    const key = cdataSafe(rng.pick([hostile(rng), 'learned?i=1', 'done?a=99999999', 'x'.repeat(200), 'approve?id=1']).replaceAll('\u0000', ''));
    const task = `t${rng.hex(8)}`;
    const selected = rng.chance(0.5)
      ? `<SelectedItems><SelectedItem><QuestionKey><![CDATA[${cdataSafe(hostile(rng))}]]></QuestionKey><OptionIds><OptionId><![CDATA[${cdataSafe(hostile(rng))}]]></OptionId></OptionIds></SelectedItem></SelectedItems>`
      : '';
    return {
      xml: `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${key}]]></EventKey><TaskId><![CDATA[${task}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc${rng.hex(8)}]]></ResponseCode><AgentID>${ctx.wecom.agentId}</AgentID>${selected}</xml>`,
      eventId: `ev:${from}:${created}:${task}:${key}`,
      sender: from,
    };
  }
  // A MsgId unique to (seed, index): 64-bit digits, as WeCom sends (§3.5).
  const msgId = String(BigInt(seed >>> 0) * 10_000_000n + BigInt(index) + 1_000_000_000_000_000n);
  return {
    xml: `<xml>${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${cdataSafe(hostile(rng))}]]></Content><MsgId>${msgId}</MsgId><AgentID>${ctx.wecom.agentId}</AgentID></xml>`,
    eventId: `msg:${msgId}`,
    sender: from,
  };
}

const wecomApp: Gen = (rng, ctx, index, seed) => {
  const keys = appKeys(ctx);
  const ts = freshTs(ctx);
  const nonce = rng.string(rng.int(4, 16));
  const xmlHeaders = { 'content-type': rng.pick(['text/xml', 'application/xml', 'text/xml; charset=utf-8', 'text/plain', 'application/json', '']) };
  const path = '/wecom/callback';
  const kind = rng.weighted<string>([
    ['verify-ok', 3], ['verify-bad-signature', 4], ['verify-missing-params', 3], ['verify-signed-garbage-echostr', 5],
    ['post-wrong-signature', 10], ['post-signed-garbage-ciphertext', 10], ['post-signed-bad-plaintext', 12], ['post-bad-envelope', 10],
    ['post-genuine', 8], ['post-replayed-signature', 5], ['post-stale-timestamp', 3], ['post-bad-query', 6], ['post-huge', 3], ['wrong-method', 2],
  ]);
  const genuineText = (): string => genuineAppPlaintext(rng, ctx, index, seed).xml;
  switch (kind) {
    case 'verify-ok': {
      const echo = seal(rng, keys, String(rng.int(0, 1e9)));
      return { kind: `app-${kind}`, method: 'GET', path: `${path}${signedQuery(keys, ts, nonce, echo, `&echostr=${pct(echo)}`)}`, headers: {} };
    }
    case 'verify-bad-signature': {
      const echo = seal(rng, keys, '12345');
      const sig = rng.pick([rng.hex(40), callbackSignature(keys.token, ts, `${nonce}x`, echo), callbackSignature('wrong', ts, nonce, echo), '', 'x'.repeat(4000), hostile(rng)]);
      return { kind: `app-${kind}`, method: 'GET', path: `${path}?msg_signature=${pct(sig)}&timestamp=${ts}&nonce=${pct(nonce)}&echostr=${pct(echo)}`, headers: {}, mustRefuse: true };
    }
    case 'verify-missing-params': {
      const echo = seal(rng, keys, '1');
      const all: Record<string, string> = { msg_signature: callbackSignature(keys.token, ts, nonce, echo), timestamp: ts, nonce, echostr: echo };
      const drop = rng.pick(Object.keys(all));
      const params: Record<string, string | undefined> = { ...all, [drop]: rng.chance(0.5) ? undefined : '' };
      return { kind: `app-${kind}`, method: 'GET', path: `${path}${qs(params)}`, headers: {}, mustRefuse: true };
    }
    case 'verify-signed-garbage-echostr': {
      const { enc: echo, refuse } = badCiphertext(rng, ctx, keys, seal(rng, keys, '987654321'));
      return { kind: `app-${kind}${refuse ? '' : '-flipped'}`, method: 'GET', path: `${path}${signedQuery(keys, ts, nonce, echo, `&echostr=${pct(echo)}`)}`, headers: {}, mustRefuse: refuse };
    }
    case 'post-wrong-signature': {
      const enc = seal(rng, keys, genuineText());
      const sig = rng.pick([rng.hex(40), callbackSignature(keys.token, ts, nonce, `${enc}x`), callbackSignature(ctx.wecom.botToken, ts, nonce, enc), rng.hex(39), rng.hex(41), 'G'.repeat(40), '']);
      return { kind: `app-${kind}`, method: 'POST', path: `${path}?msg_signature=${pct(sig)}&timestamp=${ts}&nonce=${pct(nonce)}`, headers: xmlHeaders, body: Buffer.from(envelope(ctx, enc)), mustRefuse: true };
    }
    case 'post-signed-garbage-ciphertext': {
      const { enc, refuse } = badCiphertext(rng, ctx, keys, seal(rng, keys, nonStoringPlaintext(rng, ctx.wecom.corpId)));
      return { kind: `app-${kind}${refuse ? '' : '-flipped'}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: xmlHeaders, body: Buffer.from(envelope(ctx, enc)), mustRefuse: refuse };
    }
    case 'post-signed-bad-plaintext': {
      // Valid signature, valid encryption: what is inside is malformed, a bomb, or something the adapter ignores.
      const enc = seal(rng, keys, nonStoringPlaintext(rng, ctx.wecom.corpId));
      return { kind: `app-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: xmlHeaders, body: Buffer.from(envelope(ctx, enc)) };
    }
    case 'post-bad-envelope': {
      // The signature is right for `enc`, but the body is not a well-formed envelope carrying it (or an odd one
      // that does: then what it carries decrypts to something that stores nothing).
      const enc = seal(rng, keys, nonStoringPlaintext(rng, ctx.wecom.corpId));
      const bad = badXml(rng, enc);
      return { kind: `app-${kind}${bad.refuse ? '' : '-odd'}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: xmlHeaders, body: Buffer.from(bad.xml, 'latin1'), mustRefuse: bad.refuse };
    }
    case 'post-genuine':
    case 'post-stale-timestamp': {
      const g = genuineAppPlaintext(rng, ctx, index, seed);
      const enc = seal(rng, keys, g.xml);
      // §3.4: WeCom re-sends the very same request; a replay by anyone else looks the same. Stored once.
      const stamp = kind === 'post-stale-timestamp' ? rng.pick(['0', '1', '1000000000', '000000000001', '999999999999']) : ts;
      return {
        kind: `app-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, stamp, nonce, enc)}`, headers: { 'content-type': 'text/xml' }, body: Buffer.from(envelope(ctx, enc)),
        repeat: rng.pick([1, 2, 3]), storesEvent: { eventId: g.eventId, sender: g.sender },
      };
    }
    case 'post-replayed-signature': {
      // A signature captured from one callback, replayed with another body.
      const captured = seal(rng, keys, genuineText());
      const other = seal(rng, keys, genuineText());
      return { kind: `app-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, captured)}`, headers: xmlHeaders, body: Buffer.from(envelope(ctx, other)), mustRefuse: true };
    }
    case 'post-bad-query': {
      const enc = seal(rng, keys, genuineText());
      const sig = callbackSignature(keys.token, ts, nonce, enc);
      const q = rng.pick([
        `?msg_signature=${sig}&msg_signature=${sig}&timestamp=${ts}&nonce=${pct(nonce)}`,
        `?msg_signature=${sig}&timestamp=${ts}&timestamp=${ts}&nonce=${pct(nonce)}`,
        `?msg_signature=${callbackSignature(keys.token, '-1', nonce, enc)}&timestamp=-1&nonce=${pct(nonce)}`,
        `?msg_signature=${callbackSignature(keys.token, '1795000000000', nonce, enc)}&timestamp=1795000000000&nonce=${pct(nonce)}`,
        `?msg_signature=${callbackSignature(keys.token, ts, 'n'.repeat(200), enc)}&timestamp=${ts}&nonce=${'n'.repeat(200)}`,
        `?msg_signature=${callbackSignature(keys.token, '1e9', nonce, enc)}&timestamp=1e9&nonce=${pct(nonce)}`,
        `?msg_signature=${sig}&timestamp=${ts}`, `?msg_signature=%E0%A4%A&timestamp=%ZZ&nonce=%`, `?${'a=1&'.repeat(2000)}`, '',
        `?msg_signature[]=${sig}&timestamp=${ts}&nonce=${pct(nonce)}`, `?msg_signature=${sig}&timestamp=${ts}&nonce=${pct(nonce)}%00`,
      ]);
      return { kind: `app-${kind}`, method: 'POST', path: `${path}${q}`, headers: xmlHeaders, body: Buffer.from(envelope(ctx, enc)), mustRefuse: true };
    }
    case 'post-huge': {
      const enc = seal(rng, keys, genuineText());
      const size = rng.pick([65 * 1024, 70 * 1024, 512 * 1024, 3 * 1024 * 1024]);
      const body = rng.chance(0.5) ? `<xml><Encrypt><![CDATA[${enc}]]></Encrypt><Pad>${'x'.repeat(size)}</Pad></xml>` : entityBomb(`<Pad>${'y'.repeat(size)}</Pad>`);
      return { kind: `app-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body), mustRefuse: true, oversize: true };
    }
    default:
      return { kind: `app-${kind}`, method: rng.pick(['PUT', 'DELETE', 'PATCH']), path, headers: xmlHeaders, body: Buffer.from('<xml/>'), mustRefuse: true };
  }
};

/** A genuine smart-bot plaintext from an unknown sender (and its event id), or undefined for one the adapter ignores. */
function botPlaintext(rng: Rng, index: number, seed: number, genuine: boolean): { json: string; eventId?: string; sender?: string } {
  const msgid = `fuzz-${seed >>> 0}-${index}`;
  const from = unknownSender(rng, index);
  if (genuine) {
    const group = rng.chance(0.4);
    const base = { msgid, aibotid: 'AIBOTID', ...(group ? { chattype: 'group', chatid: `fuzzchat${rng.hex(6)}` } : { chattype: 'single' }), from: { userid: from } };
    const body = rng.pick<() => Record<string, unknown>>([
      () => ({ ...base, msgtype: 'text', text: { content: `@党建助手 ${hostile(rng)}` } }),
      () => ({ ...base, msgtype: 'text', text: { content: hostile(rng) }, quote: { msgtype: 'text', text: { content: hostile(rng) } } }),
      () => ({ ...base, msgtype: 'event', create_time: rng.pick([0, 1, 1795000000, -1, 1e20]), event: { eventtype: 'enter_chat' } }),
      () => ({ ...base, msgtype: 'event', event: { eventtype: 'template_card_event', template_card_event: { card_type: 'vote_interaction', event_key: hostile(rng) || 'k', task_id: hostile(rng), selected_items: { selected_item: [{ question_key: hostile(rng), option_ids: { option_id: [hostile(rng), 1, null] } }] } } } }),
      () => ({ ...base, msgtype: 'event', event: { eventtype: 'template_card_event', template_card_event: { eventkey: `k${rng.hex(4)}`, taskid: 't', selected_items: { selected_item: { question_key: 'q', option_ids: { option_id: 'one' } } } } } }),
    ])();
    return { json: JSON.stringify(body), eventId: `bot:${msgid}`, sender: from };
  }
  // Decrypts fine, stores nothing: not JSON, or missing msgid/from, or a type the adapter ignores.
  return {
    json: rng.pick<() => string>([
      () => badJsonBody(rng, { msgid, from: { userid: from }, msgtype: 'text', text: { content: 'x' } }),
      () => JSON.stringify({ from: { userid: from }, msgtype: 'text', text: { content: hostile(rng) } }),
      () => JSON.stringify({ msgid, msgtype: 'text', text: { content: 'no sender' } }),
      () => JSON.stringify({ msgid: { $gt: '' }, from: { userid: from }, msgtype: 'text' }),
      () => JSON.stringify({ msgid, from: { userid: ['a', 'b'] }, msgtype: 'text' }),
      () => JSON.stringify({ msgid: '', from: { userid: '' }, msgtype: 'text' }),
      () => JSON.stringify({ msgid, from: { userid: from }, chattype: 'group', msgtype: 'text', text: { content: 'group without chatid' } }),
      () => JSON.stringify({ msgid, from: { userid: from }, msgtype: rng.pick(['image', 'voice', 'file', 'mixed', 'stream', 'TEXT', hostile(rng)]), image: { url: 'http://127.0.0.1:1/x' } }),
      () => JSON.stringify({ msgid, from: { userid: from }, msgtype: 'event', event: { eventtype: rng.pick(['feedback_event', 'unknown', '', hostile(rng)]) } }),
      () => JSON.stringify({ msgid, from: { userid: from }, msgtype: 'event', event: { eventtype: 'template_card_event', template_card_event: { task_id: 't' } } }),
      () => JSON.stringify(randomJsonValue(rng)),
      () => '[' .repeat(50000) + ']'.repeat(50000),
      () => `<xml><MsgType>text</MsgType></xml>`,
    ])(),
  };
}

const wecomBot: Gen = (rng, ctx, index, seed) => {
  const keys = botKeys(ctx);
  const ts = freshTs(ctx);
  const nonce = rng.string(rng.int(4, 16));
  const path = '/wecom/bot/callback';
  const jsonHeaders = { 'content-type': rng.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'text/xml', '']) };
  const env = (enc: unknown): Buffer => Buffer.from(JSON.stringify({ encrypt: enc }));
  const kind = rng.weighted<string>([
    ['verify-ok', 2], ['verify-bad', 6], ['post-wrong-signature', 10], ['post-signed-garbage-ciphertext', 10], ['post-signed-bad-plaintext', 14],
    ['post-bad-envelope', 12], ['post-genuine', 10], ['post-replayed-signature', 4], ['post-bad-query', 4], ['post-huge', 3],
  ]);
  switch (kind) {
    case 'verify-ok': {
      const echo = seal(rng, keys, String(rng.int(0, 1e9)));
      return { kind: `bot-${kind}`, method: 'GET', path: `${path}${signedQuery(keys, ts, nonce, echo, `&echostr=${pct(echo)}`)}`, headers: {} };
    }
    case 'verify-bad': {
      const genuine = seal(rng, keys, '4242');
      const bad = rng.chance(0.5) ? badCiphertext(rng, ctx, keys, genuine) : { enc: genuine, refuse: true };
      const echo = bad.enc;
      const sig = echo === genuine ? rng.pick([rng.hex(40), callbackSignature(ctx.wecom.token, ts, nonce, echo)]) : callbackSignature(keys.token, ts, nonce, echo);
      return { kind: `bot-${kind}${bad.refuse ? '' : '-flipped'}`, method: 'GET', path: `${path}?msg_signature=${sig}&timestamp=${ts}&nonce=${pct(nonce)}&echostr=${pct(echo)}`, headers: {}, mustRefuse: bad.refuse };
    }
    case 'post-wrong-signature': {
      const enc = seal(rng, keys, botPlaintext(rng, index, seed, true).json);
      const sig = rng.pick([rng.hex(40), callbackSignature(ctx.wecom.token, ts, nonce, enc), callbackSignature(keys.token, ts, nonce, `${enc}=`), '0'.repeat(40)]);
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}?msg_signature=${sig}&timestamp=${ts}&nonce=${pct(nonce)}`, headers: jsonHeaders, body: env(enc), mustRefuse: true };
    }
    case 'post-signed-garbage-ciphertext': {
      // With receive id "" a wrong key can decrypt to garbage that passes the id check (§2.3): the signature
      // is the guard, so here it is right and the ciphertext is not ours.
      const { enc, refuse } = badCiphertext(rng, ctx, keys, seal(rng, keys, botPlaintext(rng, index, seed, false).json));
      return { kind: `bot-${kind}${refuse ? '' : '-flipped'}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: jsonHeaders, body: env(enc), mustRefuse: refuse };
    }
    case 'post-signed-bad-plaintext': {
      const enc = seal(rng, keys, botPlaintext(rng, index, seed, false).json);
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: jsonHeaders, body: env(enc) };
    }
    case 'post-bad-envelope': {
      // Whatever the envelope, what it carries would store nothing.
      const enc = seal(rng, keys, botPlaintext(rng, index, seed, false).json);
      const body = rng.pick<() => string>([
        () => JSON.stringify({ encrypt: [enc] }), () => JSON.stringify({ encrypt: { enc } }), () => JSON.stringify({ encrypt: 123 }), () => JSON.stringify({ encrypt: null }),
        () => JSON.stringify({ Encrypt: enc }), () => JSON.stringify([{ encrypt: enc }]), () => JSON.stringify(enc), () => 'null', () => '',
        () => `{"encrypt":"${enc}"`, () => `{"encrypt":"${enc}",}`, () => `{'encrypt':'${enc}'}`, () => `{"encrypt":"${enc}"}`.slice(0, rng.int(1, 30)),
        () => `{"__proto__":{"encrypt":"${enc}"}}`, () => `{"constructor":{"prototype":{"encrypt":"${enc}"}}}`, () => '['.repeat(30000) + ']'.repeat(30000),
        () => `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`, () => entityBomb(), () => rng.bytes(rng.int(1, 400)).toString('latin1'), () => `\ufeff{"encrypt":"${enc}"}\u0000`,
        () => `{"encrypt":"${enc}","encrypt":"${rng.string(44)}"}`,
      ])();
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: jsonHeaders, body: Buffer.from(body, 'utf8'), mustRefuse: true };
    }
    case 'post-genuine': {
      const p = botPlaintext(rng, index, seed, true);
      const enc = seal(rng, keys, p.json);
      const stamp = rng.chance(0.2) ? rng.pick(['0', '1', '999999999999']) : ts;
      return {
        kind: `bot-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, stamp, nonce, enc)}`, headers: { 'content-type': 'application/json' }, body: env(enc),
        repeat: rng.pick([1, 2, 3]), storesEvent: { eventId: p.eventId!, sender: p.sender! },
      };
    }
    case 'post-replayed-signature': {
      const captured = seal(rng, keys, botPlaintext(rng, index, seed, true).json);
      const other = seal(rng, keys, botPlaintext(rng, index, seed, true).json);
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, captured)}`, headers: jsonHeaders, body: env(other), mustRefuse: true };
    }
    case 'post-bad-query': {
      const enc = seal(rng, keys, botPlaintext(rng, index, seed, true).json);
      const q = rng.pick([`?timestamp=${ts}&nonce=${nonce}`, `?msg_signature=&timestamp=&nonce=`, `?msg_signature=${rng.hex(40)}&timestamp=abc&nonce=${nonce}`, `?msg_signature=%E0%A4%A`, '']);
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}${q}`, headers: jsonHeaders, body: env(enc), mustRefuse: true };
    }
    default: {
      const enc = seal(rng, keys, 'x');
      const size = rng.pick([65 * 1024, 200 * 1024, 2 * 1024 * 1024]);
      return { kind: `bot-${kind}`, method: 'POST', path: `${path}${signedQuery(keys, ts, nonce, enc)}`, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ encrypt: enc, pad: 'p'.repeat(size) })), mustRefuse: true, oversize: true };
    }
  }
};

// --- H5 --------------------------------------------------------------------------------------------------

function macToken(secret: string, claims: unknown): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const NONEXISTENT_ROUND = 424242;

interface H5Page { path: string; resource: (rng: Rng) => { resource: string; params: Record<string, string | undefined> }; method?: 'GET' | 'POST'; personPool: (ctx: FuzzContext) => number[] }

const ALL_PEOPLE = (ctx: FuzzContext): number[] => Object.values(ctx.people);
const LEADERS = (ctx: FuzzContext): number[] => [ctx.people.admin, ctx.people.leader, ctx.people.scopedLeader];

function h5Pages(ctx: FuzzContext): H5Page[] {
  const day = ctx.now.toISOString().slice(0, 10);
  const year = ctx.now.getUTCFullYear();
  return [
    { path: '/h5/checklist', resource: () => ({ resource: 'checklist', params: {} }), personPool: ALL_PEOPLE },
    { path: '/h5/topic', resource: () => ({ resource: `topic:${ctx.topicMonth}`, params: { m: ctx.topicMonth } }), personPool: ALL_PEOPLE },
    { path: '/h5/scoring/sheets', resource: () => ({ resource: `scoring:${NONEXISTENT_ROUND}`, params: { r: String(NONEXISTENT_ROUND) } }), personPool: ALL_PEOPLE },
    { path: '/h5/scoring/sheet', resource: (rng) => ({ resource: `scoring:${NONEXISTENT_ROUND}`, params: { r: String(NONEXISTENT_ROUND), b: String(rng.int(1, 9)) } }), personPool: ALL_PEOPLE },
    { path: '/h5/scoring/sheet', method: 'POST', resource: (rng) => ({ resource: `scoring:${NONEXISTENT_ROUND}`, params: { r: String(NONEXISTENT_ROUND), b: String(rng.int(1, 9)) } }), personPool: ALL_PEOPLE },
    { path: '/h5/scoring/progress', resource: () => ({ resource: `scoring-progress:${NONEXISTENT_ROUND}`, params: { r: String(NONEXISTENT_ROUND) } }), personPool: ALL_PEOPLE },
    { path: '/h5/scoring/report', resource: (rng) => (rng.chance(0.5) ? { resource: `scoring-report:${NONEXISTENT_ROUND}:*`, params: { r: String(NONEXISTENT_ROUND) } } : { resource: `scoring-report:${NONEXISTENT_ROUND}:3`, params: { r: String(NONEXISTENT_ROUND), b: '3' } }), personPool: ALL_PEOPLE },
    { path: '/h5/digest', resource: () => ({ resource: `digest:${day}`, params: { d: day } }), personPool: LEADERS },
    { path: '/h5/digest/chart.png', resource: () => ({ resource: `digest-chart:${day}`, params: { d: day } }), personPool: LEADERS },
    { path: '/h5/reports/year', resource: (rng) => { const kind = rng.pick(['midyear', 'yearend']); return { resource: `report:${kind}:${year}`, params: { kind, y: String(year) } }; }, personPool: (c) => [c.people.admin, c.people.secretary, c.people.scopedLeader] },
    { path: '/h5/reports/year.xlsx', resource: () => ({ resource: `report:midyear:${year}`, params: { kind: 'midyear', y: String(year) } }), personPool: (c) => [c.people.admin, c.people.secretary] },
  ];
}

/** Hostile replacements for a page's other query parameters (m, r, b, d, kind, y). */
function hostileParam(rng: Rng, name: string): string {
  switch (name) {
    case 'm': return rng.pick(BAD_MONTHS);
    case 'd': return rng.pick(BAD_DATES);
    case 'y': return rng.pick(BAD_YEARS);
    case 'kind': return rng.pick(['ledger', 'MIDYEAR', '', hostile(rng)]);
    default: return rng.pick(['0', '-1', '1e309', '2147483648', '99999999999', '1.5', 'abc', "1' OR '1'='1", '', '01', ' 1']);
  }
}

function sheetBody(rng: Rng): { headers: Record<string, string>; body: Buffer; oversize?: boolean } {
  return rng.pick<() => { headers: Record<string, string>; body: Buffer; oversize?: boolean }>([
    () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(badJsonBody(rng, { entries: [{ itemId: 'a1', points: 5 }], action: 'submit' })) }),
    () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ entries: Array.from({ length: 600 }, (_, i) => ({ itemId: `i${i}`, points: hostile(rng) })), action: 'submit' })) }),
    () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ entries: [{ itemId: hostile(rng) || 'x', points: rng.pick([Infinity, -1, '1e309', 'NaN', null, {}]), reason: hostile(rng) }], comment: hostile(rng), action: rng.pick(['submit', 'draft', 'publish', '']) })) }),
    () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`action=submit&points%3Aa1=${pct(hostile(rng))}&comment=${pct(hostile(rng))}`) }),
    () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`comment=${'c'.repeat(300 * 1024)}`), oversize: true }),
    () => ({ headers: { 'content-type': 'text/plain' }, body: Buffer.from(hostile(rng)) }),
    () => ({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.from('--x\r\nContent-Disposition: form-data; name="action"\r\n\r\nsubmit\r\n') }),
  ])();
}

const h5: Gen = (rng, ctx) => {
  const pages = h5Pages(ctx);
  const extra: Gen = (r) => {
    const p = r.pick(['/h5/help', '/h5/scoring/assets/scoring.css', '/h5/scoring/assets/sheet.js', '/h5/reports/assets/report.css', '/h5/', '/h5/nothing', '/h5/checklist/../topic', '/h5/%2e%2e/admin', '/h5/scoring/assets/..%2F..%2Fsheet-script.ts']);
    return { kind: 'h5-public', method: r.pick(['GET', 'GET', 'HEAD', 'POST']), path: `${p}${r.chance(0.3) ? qs({ t: hostile(r) }) : ''}`, headers: {} };
  };
  if (rng.chance(0.06)) return extra(rng, ctx, 0, 0);
  const page = rng.pick(pages);
  const { resource, params } = page.resource(rng);
  const method = page.method ?? (rng.chance(0.08) ? 'POST' : 'GET');
  const person = rng.pick(page.personPool(ctx));
  const valid = (p = person, res = resource): string => signToken(ctx.appSecret, { personId: p, resource: res, expiresAt: Math.floor(ctx.now.getTime() / 1000) + 3600 });
  const kind = rng.weighted<string>([
    ['no-token', 6], ['garbage-token', 8], ['forged-token', 12], ['expired-token', 10], ['other-resource-token', 10], ['truncated-token', 8],
    ['nonexistent-person', 6], ['odd-claims', 8], ['valid-token-hostile-params', 12], ['valid-token', 6], ['valid-token-wrong-params', 8],
  ]);
  let token: string | undefined;
  let p = { ...params };
  let mustRefuse = true;
  const secrets: string[] = [];
  switch (kind) {
    case 'no-token': token = undefined; break;
    case 'garbage-token': token = rng.pick(['', '.', '..', 'a.b', 'a.b.c', hostile(rng), 'x'.repeat(600), `${'e30'}.${'A'.repeat(43)}`, '%E0%A4%A', 'eyJwIjoxfQ']); break;
    case 'forged-token': token = rng.chance(0.5)
      ? signToken(`not-the-secret-${rng.string(20)}`, { personId: person, resource, expiresAt: 4102444800 })
      : `${valid().split('.')[0]}.${rng.bytes(32).toString('base64url')}`; break;
    case 'expired-token': token = signToken(ctx.appSecret, { personId: person, resource, expiresAt: Math.floor(ctx.now.getTime() / 1000) - rng.int(0, 10_000_000) }); break;
    case 'other-resource-token': token = valid(person, rng.pick(['checklist', `topic:${ctx.topicMonth}`, 'topic:2026-13', `scoring:${NONEXISTENT_ROUND + 1}`, 'digest:2020-01-01', 'digest-chart:2020-01-01', 'admin-signin:abc', `report:ledger:${ctx.now.getUTCFullYear()}`, `${resource} `, resource.toUpperCase(), '', '*'].filter((x) => x !== resource))); secrets.push(token); break;
    case 'truncated-token': { const v = valid(); token = rng.pick([v.slice(0, -1), v.slice(0, rng.int(1, v.length - 1)), v.slice(1), `${v}=`, `${v}.`, v.replace('.', ''), `${v}%00`]); break; }
    case 'nonexistent-person': token = valid(rng.pick([99999999, 0, -1, 2147483647]), resource); secrets.push(token); break;
    case 'odd-claims': {
      // Signed with the real secret but with claims no signer makes: the server must refuse, not crash.
      const exp = Math.floor(ctx.now.getTime() / 1000) + 3600;
      const claims = rng.pick<unknown>([
        { p: 1.5, r: resource, e: exp }, { p: 2 ** 31, r: resource, e: exp }, { p: 1e20, r: resource, e: exp }, { p: -5, r: resource, e: exp }, { p: 2 ** 53 + 2, r: resource, e: exp },
        { p: String(person), r: resource, e: exp }, { p: null, r: resource, e: exp }, { p: person, r: [resource], e: exp }, { p: person, r: resource, e: String(exp) },
        { p: person, r: resource }, { p: person, r: resource, e: Infinity }, [person, resource, exp], 'string', null, { p: { $ne: 0 }, r: resource, e: exp },
      ]);
      token = macToken(ctx.appSecret, claims);
      secrets.push(token);
      break;
    }
    case 'valid-token-hostile-params':
      token = valid(); secrets.push(token); mustRefuse = false;
      for (const k of Object.keys(p)) if (rng.chance(0.7)) p[k] = hostileParam(rng, k);
      if (rng.chance(0.3)) p = { ...p, [rng.pick(['t', 'm', 'r', 'b', 'd', 'x', '__proto__'])]: hostile(rng) };
      break;
    case 'valid-token-wrong-params':
      // The right token, but the page's parameters point elsewhere (another month, round, day, year): refused.
      token = valid(); secrets.push(token);
      for (const k of Object.keys(p)) p[k] = { m: '2020-01', r: String(NONEXISTENT_ROUND + 7), b: '999', d: '2020-01-01', kind: p[k] === 'midyear' ? 'yearend' : 'midyear', y: '2020' }[k] ?? p[k]!;
      if (Object.keys(p).length === 0) p.t2 = 'x';
      mustRefuse = Object.keys(params).length > 0;
      break;
    default: token = valid(); secrets.push(token); mustRefuse = false;
  }
  // A second t= (array) now and then: typeof ctx.query.t !== 'string'.
  const dup = rng.chance(0.05) && token !== undefined ? `&t=${pct(token)}` : '';
  const query = `${qs({ ...(token !== undefined ? { t: token } : {}), ...p })}${dup}`;
  const path = `${page.path}${query}`;
  if (method === 'POST') {
    const b = sheetBody(rng);
    // A POST to a GET-only page is a 405 whatever the token; the sheet refuses bad links and, for the nonexistent round, valid ones (404).
    return { kind: `h5-${kind}-post`, method, path, headers: b.headers, body: b.body, ...(b.oversize ? { oversize: true } : {}), mustRefuse: page.path !== '/h5/scoring/sheet' || mustRefuse || kind.startsWith('valid'), secrets };
  }
  return { kind: `h5-${kind}`, method, path, headers: {}, mustRefuse, secrets };
};

// --- Admin console ----------------------------------------------------------------------------------------

const ADMIN_GET_PAGES: readonly ((rng: Rng) => string)[] = [
  () => '/admin', () => '/admin/', () => '/admin/org', () => '/admin/plans', (r) => `/admin/plans/${r.pick(BAD_SEGMENTS)}`,
  (r) => `/admin/plans/${r.pick(BAD_SEGMENTS)}/items/${r.pick(BAD_SEGMENTS)}`, () => '/admin/plans/import', () => '/admin/topics', () => '/admin/topics/new',
  (r) => `/admin/topics/${r.pick(BAD_MONTHS.map(pct))}`, (r) => `/admin/topics/${r.pick(BAD_MONTHS.map(pct))}/edit`, (r) => `/admin/topics/${r.pick(BAD_MONTHS.map(pct))}/push`,
  () => '/admin/reminders', () => '/admin/scoring', () => '/admin/scoring/chats', (r) => `/admin/scoring/rounds/${r.pick(BAD_SEGMENTS)}`,
  (r) => `/admin/scoring/rounds/${r.pick(BAD_SEGMENTS)}/confirm/${r.pick(['close', 'publish', 'ranks', 'delete', '..', '%00'])}`, (r) => `/admin/scoring/rounds/${r.pick(BAD_SEGMENTS)}/export`,
  (r) => `/admin/scoring/schemes/${r.pick(BAD_SEGMENTS)}`, (r) => `/admin/scoring/schemes/${r.pick(BAD_SEGMENTS)}/edit`, (r) => `/admin/scoring/schemes/${r.pick(BAD_SEGMENTS)}/download.xlsx`,
  () => '/admin/scoring/schemes/import', (r) => `/admin/scoring/schemes/template.${r.pick(['csv', 'json', 'xlsx', 'exe', '..'])}`, () => '/admin/reports', () => '/admin/calendar',
  () => '/admin/nothing', () => '/admin/../api/v1/people', () => '/admin/%2e%2e/api/v1/people', () => '/admin/signin/../../etc/passwd',
];

/** Existing-row-free POST targets of the console (valid CSRF is sent only to these). */
const ADMIN_POST_TARGETS: readonly ((rng: Rng) => string)[] = [
  (r) => `/admin/plans/${r.pick(BAD_SEGMENTS)}/items/${r.pick(BAD_SEGMENTS)}`, () => '/admin/plans/import', () => '/admin/plans/import/confirm',
  () => '/admin/topics', () => '/admin/topics/', (r) => `/admin/topics/${r.pick(BAD_MONTHS.map(pct))}`, (r) => `/admin/topics/${r.pick(BAD_MONTHS.map(pct))}/push`, () => '/admin/topics/preview',
  (r) => `/admin/scoring/chats/${r.pick(BAD_SEGMENTS)}`, (r) => `/admin/scoring/rounds/${r.pick(BAD_SEGMENTS)}/${r.pick(['close', 'publish', 'ranks'])}`,
  (r) => `/admin/scoring/schemes/${r.pick(BAD_SEGMENTS)}/edit`, () => '/admin/scoring/schemes/import', () => '/admin/scoring/schemes/save',
];

/** Every POST route of the console, /admin/signout included (sent only without a valid CSRF token). */
const ADMIN_ANY_POST: readonly ((rng: Rng) => string)[] = [...ADMIN_POST_TARGETS, () => '/admin/signout', () => '/admin', () => '/admin/org', () => '/admin/calendar'];

const FORM_FIELDS = ['month', 'title', 'summary', 'materials', 'required', 'file', 'token', 'preview', 'year', 'assign', 'scheme', 'branchIds', 'branch', 'showRanks', 'name', 'text', 'kind', 'dueDate', 'unitId', 'personName', 'responsibleText', 'listKind', 'dimensions', 'save', 'more', 'confirm', 'action', 'id'];

function garbageForm(rng: Rng, csrf?: string): string {
  const parts: string[] = [];
  if (csrf !== undefined) parts.push(`_csrf=${pct(csrf)}`);
  for (let i = rng.int(0, 8); i > 0; i--) {
    const name = rng.pick(FORM_FIELDS);
    // Months are never valid months here (a valid month + title would create a topic).
    const value = name === 'month' ? rng.pick(BAD_MONTHS) : name === 'scheme' ? badJsonBody(rng) : hostile(rng);
    parts.push(`${pct(name)}=${pct(value)}`);
  }
  if (rng.chance(0.2)) parts.push('%E0%A4%A=%ZZ', '=', '&&&', 'a');
  return parts.join('&');
}

function garbageMultipart(rng: Rng, csrf?: string): { headers: Record<string, string>; body: Buffer } {
  const boundary = `----fuzz${rng.hex(12)}`;
  const part = (name: string, value: string | Buffer, file?: string) =>
    Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file !== undefined ? `; filename="${file}"` : ''}\r\n${file !== undefined ? `Content-Type: ${rng.pick(['application/octet-stream', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/plain'])}\r\n` : ''}\r\n`), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n')]);
  const files = [
    () => rng.bytes(rng.int(0, 4000)),
    () => Buffer.concat([Buffer.from('PK\u0003\u0004'), rng.bytes(rng.int(10, 3000))]), // a broken zip (docx/xlsx)
    () => Buffer.from(`姓名,所在单位/支部\n${hostile(rng)},${hostile(rng)}\n`),
    () => Buffer.from(`${hostile(rng)}\n一、${hostile(rng)}\n（一）${hostile(rng)}\n1. ${hostile(rng)}`),
    () => Buffer.from(badJsonBody(rng)),
    () => Buffer.from(entityBomb()),
  ];
  const chunks: Buffer[] = [];
  if (csrf !== undefined) chunks.push(part('_csrf', csrf));
  for (let i = rng.int(0, 3); i > 0; i--) chunks.push(part(rng.pick(FORM_FIELDS), hostile(rng)));
  chunks.push(part(rng.pick(['file', 'upload', 'scheme']), rng.pick(files)(), rng.pick(['plan.docx', 'org.xlsx', '../../etc/passwd', '计划.txt', '', 'a"b.csv', 'x'.repeat(300)])));
  const shape = rng.int(0, 5);
  let tail = `--${boundary}--\r\n`;
  let type = `multipart/form-data; boundary=${boundary}`;
  if (shape === 1) tail = ''; // truncated: no closing boundary
  if (shape === 2) type = 'multipart/form-data'; // no boundary
  if (shape === 3) type = `multipart/form-data; boundary=${boundary}x`; // the wrong boundary
  if (shape === 4) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data\r\n\r\nno name`)); // a part without a name, cut off
  return { headers: { 'content-type': type }, body: Buffer.concat([...chunks, Buffer.from(tail)]) };
}

function adminSignInToken(rng: Rng, ctx: FuzzContext): { token: string; secret: boolean } {
  const exp = Math.floor(ctx.now.getTime() / 1000) + 600;
  return rng.pick<() => { token: string; secret: boolean }>([
    () => ({ token: signToken(`wrong-${rng.string(30)}`, { personId: ctx.people.admin, resource: `admin-signin:${rng.string(16)}`, expiresAt: exp }), secret: false }),
    () => ({ token: signToken(ctx.appSecret, { personId: ctx.people.admin, resource: `admin-signin:${rng.string(16)}`, expiresAt: Math.floor(ctx.now.getTime() / 1000) - rng.int(1, 100000) }), secret: true }),
    () => ({ token: signToken(ctx.appSecret, { personId: ctx.people.admin, resource: rng.pick(['checklist', 'admin-signin', 'Admin-signin:x', `topic:${ctx.topicMonth}`, 'admin_signin:x']), expiresAt: exp }), secret: true }),
    () => ({ token: signToken(ctx.appSecret, { personId: rng.pick([ctx.people.member, ctx.people.secretary, 99999999, 0]), resource: `admin-signin:${rng.string(16)}`, expiresAt: exp }), secret: true }),
    () => ({ token: macToken(ctx.appSecret, rng.pick<unknown>([{ p: 1.5, r: 'admin-signin:x', e: exp }, { p: 2 ** 31, r: 'admin-signin:x', e: exp }, { p: ctx.people.member, r: 'admin-signin:', e: exp }, { p: ctx.people.member, r: `admin-signin:${'n'.repeat(400)}`, e: exp }, { p: `${ctx.people.admin}`, r: 'admin-signin:x', e: exp }])), secret: true }),
    () => ({ token: ctx.usedSignInToken.slice(0, -2), secret: false }),
    () => ({ token: rng.pick(['', hostile(rng), 'a.b', 'x'.repeat(1000)]), secret: false }),
  ])();
}

function forgedCookie(rng: Rng, ctx: FuzzContext): string {
  const v = rng.pick<() => string>([
    () => rng.bytes(32).toString('base64url'), () => ctx.session.cookie.slice(0, -1), () => `${ctx.session.cookie}x`, () => ctx.session.cookie.toUpperCase(),
    () => rng.string(19), () => rng.string(101), () => `' OR '1'='1`, () => '%00', () => 'x'.repeat(4000), () => '', () => ctx.session.csrf,
  ])();
  return rng.pick([`djb_admin=${headerSafe(v)}`, `djb_admin="${headerSafe(v)}"`, `other=1; djb_admin=${headerSafe(v)}`, `DJB_ADMIN=${ctx.session.cookie}`, `djb_admin_x=${ctx.session.cookie}`, 'djb_admin', ';;;=;', `djb_admin=${headerSafe(v)}; djb_admin=${headerSafe(v)}`]);
}

const admin: Gen = (rng, ctx) => {
  const cookie = `djb_admin=${ctx.session.cookie}`;
  const kind = rng.weighted<string>([
    ['no-cookie', 10], ['forged-cookie', 12], ['signin-forged', 12], ['signin-used-link', 3], ['signin-multipart', 3], ['session-get-hostile', 16],
    ['post-no-csrf', 12], ['post-wrong-csrf', 10], ['post-huge-form', 3], ['post-bad-multipart', 8], ['csrf-ok-garbage', 14],
  ]);
  switch (kind) {
    case 'no-cookie': {
      const post = rng.chance(0.4);
      const path = post ? rng.pick(ADMIN_ANY_POST)(rng) : rng.pick(ADMIN_GET_PAGES)(rng);
      return { kind: `admin-${kind}`, method: post ? 'POST' : 'GET', path, headers: post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}, ...(post ? { body: Buffer.from(garbageForm(rng, ctx.session.csrf)) } : {}), mustRefuse: true };
    }
    case 'forged-cookie': {
      const post = rng.chance(0.4);
      const path = post ? rng.pick(ADMIN_ANY_POST)(rng) : rng.pick(ADMIN_GET_PAGES)(rng);
      return { kind: `admin-${kind}`, method: post ? 'POST' : 'GET', path, headers: { cookie: forgedCookie(rng, ctx), ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(post ? { body: Buffer.from(garbageForm(rng, ctx.session.csrf)) } : {}), mustRefuse: true };
    }
    case 'signin-forged': {
      const t = adminSignInToken(rng, ctx);
      const post = rng.chance(0.6);
      return {
        kind: `admin-${kind}${post ? '-post' : ''}`, method: post ? 'POST' : 'GET', path: post ? '/admin/signin' : `/admin/signin${qs({ t: t.token })}`,
        headers: post ? { 'content-type': rng.pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'text/plain', 'application/json']) } : {},
        ...(post ? { body: Buffer.from(`t=${pct(t.token)}${rng.chance(0.2) ? `&t=${pct(ctx.usedSignInToken)}` : ''}`) } : {}),
        mustRefuse: true, ...(t.secret ? { secrets: [t.token] } : {}),
      };
    }
    case 'signin-used-link':
      // The link that started the harness's own session: spent, so posting it again signs nobody in.
      return { kind: `admin-${kind}`, method: 'POST', path: '/admin/signin', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`t=${pct(ctx.usedSignInToken)}`), mustRefuse: true, secrets: [ctx.usedSignInToken] };
    case 'signin-multipart': {
      // The sign-in form is public: whatever multipart arrives there (cut-off file parts included) is read before any check.
      const body = garbageMultipart(rng);
      return { kind: `admin-${kind}`, method: 'POST', path: '/admin/signin', headers: body.headers, body: body.body, mustRefuse: true };
    }
    case 'session-get-hostile': {
      const page = rng.pick(ADMIN_GET_PAGES)(rng);
      const q = rng.chance(0.6) ? qs(Object.fromEntries(Array.from({ length: rng.int(1, 3) }, () => [rng.pick(['q', 'page', 'year', 'status', 'unit', 'month', 'id', 'flash', 'kind', 'offset', 'limit', 'sort', 'branch']), hostile(rng)]))) : '';
      return { kind: `admin-${kind}`, method: rng.pick(['GET', 'GET', 'GET', 'HEAD']), path: `${page}${q}`, headers: { cookie } };
    }
    case 'post-no-csrf':
    case 'post-wrong-csrf': {
      const csrf = kind === 'post-no-csrf' ? undefined : rng.pick([rng.bytes(32).toString('base64url'), ctx.session.csrf.slice(0, -1), `${ctx.session.csrf}A`, ctx.session.csrf.toLowerCase() === ctx.session.csrf ? 'x' : ctx.session.csrf.toLowerCase(), '', ctx.session.cookie, hostile(rng)]);
      const asHeader = rng.chance(0.3) && csrf !== undefined;
      const multipart = rng.chance(0.3);
      const body = multipart ? garbageMultipart(rng, asHeader ? undefined : csrf) : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(garbageForm(rng, asHeader ? undefined : csrf)) };
      return {
        kind: `admin-${kind}${multipart ? '-multipart' : ''}`, method: rng.pick(['POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']), path: rng.pick(ADMIN_ANY_POST)(rng),
        headers: { cookie, ...body.headers, ...(asHeader ? { 'x-csrf-token': headerSafe(csrf) } : {}) }, body: body.body, mustRefuse: true,
      };
    }
    case 'post-huge-form': {
      const n = rng.pick([1024 * 1024 + 1, 2 * 1024 * 1024, 12 * 1024 * 1024]);
      const multipart = n > 10 * 1024 * 1024;
      if (multipart) {
        const boundary = 'hugeboundary';
        const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${ctx.session.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.alloc(n, 0x41), Buffer.from(`\r\n--${boundary}--\r\n`)]);
        return { kind: `admin-${kind}-upload`, method: 'POST', path: rng.pick(['/admin/plans/import', '/admin/scoring/schemes/import']), headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, body, mustRefuse: true, oversize: true };
      }
      return { kind: `admin-${kind}`, method: 'POST', path: rng.pick(ADMIN_ANY_POST)(rng), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`_csrf=${pct(ctx.session.csrf)}&text=${'t'.repeat(n)}`), mustRefuse: true, oversize: true };
    }
    case 'post-bad-multipart': {
      // Broken multipart with the right CSRF token inside: refused as a bad form (or, if the token part survived, by the handler).
      const boundary = `b${rng.hex(8)}`;
      const csrfPart = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${ctx.session.csrf}\r\n`;
      const variants: [string, string][] = [
        [`multipart/form-data; boundary=${boundary}`, `${csrfPart}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\n\r\nPK\u0003\u0004`],
        [`multipart/form-data; boundary=${boundary}`, `${csrfPart}--${boundary}\r\nContent-Dispo`],
        [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\n\r\n\r\n--${boundary}--`],
        ['multipart/form-data', csrfPart],
        [`multipart/form-data; boundary=""`, csrfPart],
        [`multipart/form-data; boundary=${'b'.repeat(100)}`, csrfPart],
        [`multipart/mixed; boundary=${boundary}`, csrfPart],
        [`multipart/form-data; boundary=${boundary}`, `${Array.from({ length: 600 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('')}--${boundary}--\r\n`],
        [`multipart/form-data; boundary=${boundary}`, `${Array.from({ length: 7 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="file${i}"; filename="f${i}.csv"\r\n\r\nx\r\n`).join('')}--${boundary}--\r\n`],
        [`multipart/form-data; boundary=${boundary}; charset=utf-7`, `${csrfPart}--${boundary}--`],
      ];
      const [type, body] = rng.pick(variants);
      return { kind: `admin-${kind}`, method: 'POST', path: rng.pick(ADMIN_POST_TARGETS)(rng), headers: { cookie, 'content-type': type }, body: Buffer.from(body) };
    }
    default: {
      // Valid session and CSRF token, garbage for the handler: nonexistent ids, months that are not, forged previews.
      const multipart = rng.chance(0.35);
      const body = multipart ? garbageMultipart(rng, ctx.session.csrf) : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(garbageForm(rng, ctx.session.csrf)) };
      return { kind: `admin-${kind}${multipart ? '-multipart' : ''}`, method: 'POST', path: rng.pick(ADMIN_POST_TARGETS)(rng), headers: { cookie, ...body.headers }, body: body.body };
    }
  }
};

// --- Admin API --------------------------------------------------------------------------------------------

interface ApiWrite {
  method: string;
  path: (rng: Rng) => string;
  /** A body that fails validation (at least one field broken), given a path that may or may not be valid. */
  body?: (rng: Rng) => unknown;
  /** Raw uploads: content type and bytes (dry run or unparseable, never a real import). */
  raw?: (rng: Rng) => { type: string; body: Buffer; query: string };
}

/** Ids that never name a row (and never coerce to one: no " 1", "0x10", "1.0"). */
const NO_ROW_IDS: readonly string[] = ['0', '-1', '99999999', '2147483647', '2147483648', '99999999999999999999', '9007199254740993', '1e309', '1.5', 'abc', 'NaN', '..', '%00', '%E0%A4%A', "1'%20OR%20'1'%3D'1", '%F0%9F%98%80', 'x'.repeat(300)];

function breakObject(rng: Rng, valid: Record<string, unknown>, breakers: (() => [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...valid };
  const [k, v] = rng.pick(breakers)();
  if (v === undefined) delete out[k];
  else out[k] = v;
  for (const key of Object.keys(out)) if (key !== k && rng.chance(0.3) && typeof out[key] === 'string') out[key] = hostile(rng).slice(0, 50) || 'x';
  return out;
}

const tooLong = (n: number) => 'L'.repeat(n + 1);

function apiWrites(): ApiWrite[] {
  return [
    { method: 'POST', path: () => '/units', body: (r) => breakObject(r, { parentId: 1, kind: 'branch', name: hostile(r).slice(0, 90) || 'n' }, [() => ['kind', r.pick(['Branch', 'party', '', hostile(r), 1, null])], () => ['name', r.pick([tooLong(100), '', '   ', 5, null, ['a']])], () => ['parentId', r.pick([0, -1, 1.5, '1', 'abc', Infinity])], () => ['kind', undefined], () => ['name', undefined]]) },
    { method: 'PATCH', path: (r) => `/units/${r.pick(NO_ROW_IDS)}`, body: (r) => breakObject(r, { name: 'x' }, [() => ['name', r.pick([tooLong(100), '', 5, null])], () => ['parentId', r.pick([0, -1, 'x', 1.5])]]) },
    { method: 'POST', path: (r) => `/units/${r.pick(NO_ROW_IDS)}/deactivate` },
    { method: 'POST', path: () => '/people', body: (r) => breakObject(r, { name: 'n', unitId: 1 }, [() => ['name', r.pick([tooLong(50), '', 1])], () => ['unitId', r.pick([0, -1, '1', 1.5, null])], () => ['roles', r.pick([[{ role: 'root' }], 'admin', [{ role: 'admin', scopeUnitId: -1 }]])], () => ['identities', [{ platform: r.pick(['qq', '', 'WECOM']), externalId: 'x' }]], () => ['identities', [{ platform: 'wecom', externalId: tooLong(64) }]], () => ['mobile', tooLong(20)], () => ['name', undefined]]) },
    { method: 'PATCH', path: (r) => `/people/${r.pick(NO_ROW_IDS)}`, body: (r) => breakObject(r, {}, [() => ['active', r.pick(['true', 1, null])], () => ['name', ''], () => ['unitId', -1], () => ['roles', [{ role: 'god' }]]]) },
    { method: 'POST', path: (r) => `/people/${r.pick(NO_ROW_IDS)}/deactivate` },
    { method: 'PUT', path: (r) => `/topics/${r.chance(0.5) ? r.pick(BAD_MONTHS.map(pct)) : '2099-01'}`, body: (r) => breakObject(r, { title: 't', summary: 's', materials: [], required: [] }, [() => ['title', r.pick(['', tooLong(100), 1, null])], () => ['title', undefined], () => ['materials', [{ title: 'x', url: r.pick(['javascript:alert(1)', 'not a url', '', hostile(r)]) }]], () => ['required', Array.from({ length: 21 }, () => 'x')], () => ['summary', tooLong(2000)], () => ['materials', 'x']]) },
    { method: 'POST', path: (r) => `/topics/${r.pick(BAD_MONTHS.map(pct))}/push` },
    { method: 'PUT', path: (r) => `/calendar/days/${r.chance(0.5) ? r.pick(BAD_DATES.map(pct)) : '2099-01-01'}`, body: (r) => breakObject(r, { workday: true }, [() => ['workday', r.pick(['true', 1, null, 'yes'])], () => ['workday', undefined], () => ['note', tooLong(200)]]) },
    { method: 'PUT', path: (r) => `/scoring/chats/${r.pick(NO_ROW_IDS)}/branches`, body: (r) => (r.chance(0.5) ? { branchIds: [1] } : { branchIds: r.pick([[0], ['1'], 'all', Array.from({ length: 501 }, (_, i) => i + 1), null]) }) },
    { method: 'PATCH', path: (r) => `/reminders/settings${r.chance(0.3) ? qs({ branch: r.pick(['-1', 'abc', '1.5', '0']) }) : ''}`, body: (r) => ({ [r.pick(['dueDaysBefore', 'quietStart', 'weeklyCap', 'cadence', hostile(r) || 'k', '__proto__'])]: r.pick<unknown>([-1, 'abc', Infinity, null, { x: 1 }, '25:99', [], hostile(r)]), [`fuzz_${r.string(4)}`]: 1 }) },
    { method: 'POST', path: (r) => `/branches/${r.pick(NO_ROW_IDS)}/meetings`, body: (r) => breakObject(r, { kind: '支部委员会', heldOn: '2026-11-01' }, [() => ['kind', r.pick(['', 'party', hostile(r) || 'x'])], () => ['heldOn', r.pick(BAD_DATES)], () => ['heldOn', '2099-01-01'], () => ['minutesUrl', 'not a url']]) },
    { method: 'POST', path: () => '/org/import', raw: (r) => r.pick([
      () => ({ type: 'text/csv', body: Buffer.from(`姓名,所在单位/支部,角色\n${hostile(r)},${hostile(r)},${hostile(r)}\n`), query: qs({ dryRun: r.pick(['1', 'true']), deactivateMissing: r.pick(['true', 'false', 'maybe']) }) }),
      () => ({ type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: Buffer.concat([Buffer.from('PK\u0003\u0004'), r.bytes(500)]), query: '' }),
      () => ({ type: 'application/json', body: Buffer.from(badJsonBody(r)), query: '?dryRun=1' }),
      () => ({ type: r.pick(['text/html', 'application/x-www-form-urlencoded', '', 'multipart/form-data']), body: Buffer.from('x'), query: '' }),
      () => ({ type: 'text/csv', body: Buffer.alloc(6 * 1024 * 1024, 0x2c), query: '?dryRun=1' }),
    ])() },
    { method: 'POST', path: () => '/plans/import', raw: (r) => r.pick([
      () => ({ type: 'text/plain', body: Buffer.from(`${hostile(r)}\n一、${hostile(r)}\n1. ${hostile(r)}`), query: qs({ dryRun: '1', year: r.pick(['2026', ...BAD_YEARS]), title: r.pick(['', hostile(r), tooLong(200)]) }) }),
      () => ({ type: r.pick(['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']), body: Buffer.concat([Buffer.from('PK\u0003\u0004'), r.bytes(r.int(0, 2000))]), query: r.chance(0.5) ? '?dryRun=1' : '' }),
      () => ({ type: 'text/markdown', body: Buffer.alloc(0), query: '' }),
      () => ({ type: 'text/plain', body: Buffer.from('计划'), query: qs({ assign: r.pick(['all', '', hostile(r)]) }) }),
      () => ({ type: 'application/pdf', body: r.bytes(100), query: '' }),
    ])() },
    { method: 'POST', path: () => '/scoring/schemes', raw: (r) => r.pick([
      () => ({ type: 'application/json', body: Buffer.from(badJsonBody(r, { name: 'x', categories: [] })), query: r.chance(0.5) ? '?dryRun=1' : '' }),
      () => ({ type: 'application/json', body: Buffer.from(JSON.stringify({ name: hostile(r), categories: [{ name: hostile(r), max: r.pick([-1, Infinity, 'x', null]), items: [] }] })), query: '' }),
      () => ({ type: 'text/csv', body: Buffer.from(`类别,类别满分\n${hostile(r)},${hostile(r)}\n`), query: '?dryRun=1' }),
      () => ({ type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: r.bytes(300), query: '' }),
    ])() },
  ];
}

const API_READS: readonly ((rng: Rng) => string)[] = [
  () => '/units', (r) => `/units${qs({ includeInactive: r.pick(['true', 'yes', hostile(r)]) })}`, (r) => `/units/${r.pick(NO_ROW_IDS)}`, (r) => `/units/${r.int(1, 8)}`,
  (r) => `/people${qs({ q: hostile(r), unitId: r.chance(0.5) ? r.pick(['1', '-1', 'abc', '2147483648']) : undefined, limit: r.chance(0.5) ? r.pick(['0', '501', '1e309', '-1', '50']) : undefined, offset: r.chance(0.3) ? r.pick(['-1', '99999999999', '1.5']) : undefined })}`,
  (r) => `/people/${r.pick(NO_ROW_IDS)}`, () => '/plans', (r) => `/plans/${r.pick(NO_ROW_IDS)}`, (r) => `/units/${r.pick(['1', ...NO_ROW_IDS])}/assignments${qs({ from: r.pick(BAD_DATES), to: r.pick(['2026-12-31', ...BAD_DATES]) })}`,
  () => '/topics', (r) => `/calendar/${r.pick(BAD_YEARS.map(pct))}`, (r) => `/calendar/days/${r.pick(BAD_DATES.map(pct))}`, () => '/calendar/2026',
  (r) => `/reminders/settings${qs({ branch: r.pick(['1', '-1', 'x', '99999999']) })}`, (r) => `/reminders/preview${qs({ date: r.pick(BAD_DATES), time: r.pick(['24:00', '8:30', hostile(r)]) })}`,
  (r) => `/reminders/burden${qs({ weeks: r.pick(['0', '13', '1e309', 'x', '4']) })}`, (r) => `/reminders/overdue-cadences${qs({ date: r.pick(BAD_DATES), branch: r.pick(['-1', 'x']) })}`,
  () => '/scoring/schemes', (r) => `/scoring/schemes/${r.pick(NO_ROW_IDS)}`, (r) => `/scoring/rounds${qs({ status: r.pick(['open', 'deleted', hostile(r)]) })}`, (r) => `/scoring/rounds/${r.pick(NO_ROW_IDS)}`,
  (r) => `/scoring/rounds/${r.pick(NO_ROW_IDS)}/export`, () => '/scoring/chats', (r) => `/reports/${r.pick(['midyear', 'yearend', 'ledger', 'LEDGER', '..', hostile(r) ? pct(hostile(r)) : 'x'])}/summary${qs({ year: r.pick(BAD_YEARS), unit: hostile(r).slice(0, 101) })}`,
  (r) => `/reports/${r.pick(['x', '..%2F', '%00'])}${qs({ year: '2026' })}`, () => '/openapi.json', () => '/nothing', (r) => `/${r.pick(BAD_SEGMENTS)}`,
];

function bearer(rng: Rng, ctx: FuzzContext): { header?: string; refused: boolean; secret?: string } {
  return rng.pick<() => { header?: string; refused: boolean; secret?: string }>([
    () => ({ refused: true }),
    () => ({ header: '', refused: true }),
    () => ({ header: 'Bearer', refused: true }),
    () => ({ header: 'Bearer ', refused: true }),
    () => ({ header: `Bearer djb_${rng.bytes(32).toString('base64url')}`, refused: true }),
    () => ({ header: `Bearer ${ctx.adminToken.slice(0, -1)}`, refused: true }),
    () => ({ header: `Bearer ${ctx.adminToken}x`, refused: true }),
    () => ({ header: `Bearer ${ctx.adminToken.toUpperCase()}`, refused: true }),
    () => ({ header: `Bearer ${ctx.revokedToken}`, refused: true, secret: ctx.revokedToken }),
    () => ({ header: `Basic ${Buffer.from(`admin:${ctx.adminToken}`).toString('base64')}`, refused: true }),
    () => ({ header: `Token ${ctx.adminToken}`, refused: true }),
    () => ({ header: `Bearer ${ctx.adminToken} ${ctx.adminToken}`, refused: true }),
    () => ({ header: `Bearer djb_${'A'.repeat(300)}`, refused: true }),
    () => ({ header: `Bearer ${headerSafe(hostile(rng))}`, refused: true }),
    () => ({ header: `Bearer djb_' OR '1'='1`, refused: true }),
  ])();
}

const api: Gen = (rng, ctx) => {
  const writes = apiWrites();
  const kind = rng.weighted<string>([
    ['bad-bearer-read', 10], ['bad-bearer-write', 10], ['leader-write', 8], ['leader-read', 4], ['admin-read-hostile', 14], ['admin-write-invalid', 22],
    ['admin-malformed-json', 14], ['admin-huge-body', 3], ['admin-upload', 8], ['admin-wrong-method', 4], ['public', 3],
  ]);
  const prefix = '/api/v1';
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  switch (kind) {
    case 'bad-bearer-read':
    case 'bad-bearer-write': {
      const b = bearer(rng, ctx);
      const headers: Record<string, string> = b.header !== undefined ? { authorization: b.header } : {};
      if (kind === 'bad-bearer-read') return { kind: `api-${kind}`, method: 'GET', path: `${prefix}${rng.pick(API_READS.slice(0, -3))(rng)}`, headers, mustRefuse: true, ...(b.secret ? { secrets: [b.secret] } : {}) };
      const w = rng.pick(writes);
      // Without a valid token even a valid body must be refused: send one that would otherwise be accepted.
      const body = w.body ? JSON.stringify(rng.chance(0.5) ? w.body(rng) : { name: '新支部', kind: 'branch', parentId: 1, workday: true, title: 't' }) : undefined;
      return { kind: `api-${kind}`, method: w.method, path: `${prefix}${w.path(rng)}`, headers: { ...headers, 'content-type': 'application/json' }, ...(body !== undefined ? { body: Buffer.from(body) } : {}), mustRefuse: true, ...(b.secret ? { secrets: [b.secret] } : {}) };
    }
    case 'leader-write': {
      // A read-only token must be refused on every write, however valid the request: these would be accepted from an admin token.
      const valid = rng.pick<() => { method: string; path: string; body?: unknown }>([
        () => ({ method: 'POST', path: '/units', body: { parentId: 1, kind: 'branch', name: `领导不能建的支部${rng.string(4)}` } }),
        () => ({ method: 'PUT', path: '/topics/2099-01', body: { title: 'x' } }),
        () => ({ method: 'POST', path: `/topics/${ctx.topicMonth}/push` }),
        () => ({ method: 'PUT', path: '/calendar/days/2099-01-01', body: { workday: false } }),
        () => ({ method: 'PATCH', path: `/people/${ctx.people.member}`, body: { name: '改名' } }),
        () => ({ method: 'POST', path: `/people/${ctx.people.member}/deactivate` }),
        () => ({ method: 'PATCH', path: '/reminders/settings', body: { weeklyCap: 1 } }),
        () => ({ method: 'GET', path: '/reminders/preview' }),
      ])();
      return { kind: `api-${kind}`, method: valid.method, path: `${prefix}${valid.path}`, headers: { ...auth(ctx.leaderToken), 'content-type': 'application/json' }, ...(valid.body !== undefined ? { body: Buffer.from(JSON.stringify(valid.body)) } : {}), mustRefuse: true };
    }
    case 'leader-read':
      return { kind: `api-${kind}`, method: 'GET', path: `${prefix}${rng.pick(API_READS)(rng)}`, headers: auth(ctx.leaderToken) };
    case 'admin-read-hostile':
      return { kind: `api-${kind}`, method: rng.pick(['GET', 'GET', 'HEAD']), path: `${prefix}${rng.pick(API_READS)(rng)}`, headers: auth(ctx.adminToken) };
    case 'admin-write-invalid': {
      const w = rng.pick(writes.filter((x) => !x.raw));
      const body = w.body ? JSON.stringify(w.body(rng)) : rng.chance(0.5) ? JSON.stringify(randomJsonValue(rng)) : undefined;
      return { kind: `api-${kind}`, method: w.method, path: `${prefix}${w.path(rng)}`, headers: { ...auth(ctx.adminToken), 'content-type': 'application/json' }, ...(body !== undefined ? { body: Buffer.from(body) } : {}), mustRefuse: true };
    }
    case 'admin-malformed-json': {
      const w = rng.pick(writes.filter((x) => x.body));
      const type = rng.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', '']);
      const body = badJsonBody(rng);
      // An empty body reads as {} (no validation error for all-optional bodies); every other malformed body is refused.
      return { kind: `api-${kind}`, method: w.method, path: `${prefix}${w.path(rng)}`, headers: { ...auth(ctx.adminToken), 'content-type': type }, body: Buffer.from(body, 'latin1'), mustRefuse: true };
    }
    case 'admin-huge-body': {
      const w = rng.pick(writes.filter((x) => x.body));
      const n = rng.pick([1024 * 1024 + 10, 4 * 1024 * 1024]);
      return { kind: `api-${kind}`, method: w.method, path: `${prefix}${w.path(rng)}`, headers: { ...auth(ctx.adminToken), 'content-type': 'application/json' }, body: Buffer.from(`{"name":"${'n'.repeat(n)}"}`), mustRefuse: true, oversize: true };
    }
    case 'admin-upload': {
      const w = rng.pick(writes.filter((x) => x.raw));
      const up = w.raw!(rng);
      return { kind: `api-${kind}`, method: w.method, path: `${prefix}${w.path(rng)}${up.query}`, headers: { ...auth(ctx.adminToken), ...(up.type ? { 'content-type': up.type } : {}) }, body: up.body, ...(up.body.length > 5 * 1024 * 1024 ? { oversize: true, mustRefuse: true } : {}) };
    }
    case 'admin-wrong-method':
      return { kind: `api-${kind}`, method: rng.pick(['DELETE', 'PUT', 'PATCH', 'POST', 'OPTIONS', 'TRACE']), path: `${prefix}${rng.pick(['/units', '/people', '/topics', '/calendar/2026', '/openapi.json', '/scoring/rounds'])}`, headers: auth(ctx.adminToken), mustRefuse: false };
    default:
      return { kind: `api-${kind}`, method: 'GET', path: `${prefix}${rng.pick(['/openapi.json', '/openapi.json?x=1', '/', '', '/../healthz'])}`, headers: {} };
  }
};

// --- Sandbox API ------------------------------------------------------------------------------------------

const sandbox: Gen = (rng, ctx) => {
  const known = Object.values(ctx.people);
  const auth = { authorization: `Bearer ${ctx.adminToken}` };
  const kind = rng.weighted<string>([
    ['no-token', 10], ['bad-token', 10], ['leader-token', 5], ['malformed-json', 16], ['invalid-body', 18], ['unknown-person', 14], ['unknown-chat', 6],
    ['huge', 5], ['read', 10], ['page', 3],
  ]);
  const endpoint = rng.pick(['/sandbox/api/messages', '/sandbox/api/actions', '/sandbox/api/enter']);
  const validMessage = (from: number | string): Record<string, unknown> => ({ from, text: rng.pick(['帮助', '我的任务', '完成 1', hostile(rng).slice(0, 100) || '撤销']) });
  const validAction = (from: number | string): Record<string, unknown> => ({ from, card: `card-${rng.hex(6)}`, action: 'learned', payload: { i: '1' } });
  const valid = (from: number | string) => (endpoint.endsWith('actions') ? validAction(from) : endpoint.endsWith('enter') ? { from } : validMessage(from));
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  switch (kind) {
    case 'no-token':
    case 'bad-token':
    case 'leader-token': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (kind === 'bad-token') headers.authorization = rng.pick([`Bearer djb_${rng.bytes(32).toString('base64url')}`, `Bearer ${ctx.revokedToken}`, 'Bearer', `Bearer ${ctx.adminToken}x`, `bearer  ${headerSafe(hostile(rng))}`]);
      if (kind === 'leader-token') headers.authorization = `Bearer ${ctx.leaderToken}`;
      // A valid message from a real person: without an admin token it must not be taken.
      const get = rng.chance(0.3);
      return get
        ? { kind: `sandbox-${kind}`, method: 'GET', path: rng.pick(['/sandbox/api/directory', `/sandbox/api/conversations/person:${ctx.people.member}/messages`]), headers, mustRefuse: true }
        : { kind: `sandbox-${kind}`, method: 'POST', path: endpoint, headers, body: json(valid(rng.pick(known))), mustRefuse: true };
    }
    case 'malformed-json':
      return { kind: `sandbox-${kind}`, method: 'POST', path: endpoint, headers: { ...auth, 'content-type': rng.pick(['application/json', 'text/plain', 'application/xml', 'application/json; charset=latin1']) }, body: Buffer.from(badJsonBody(rng, valid(rng.pick(known))), 'latin1'), mustRefuse: true };
    case 'invalid-body': {
      // A real sender, but the body is broken so it must be refused before anything is stored. (No boolean or
      // one-element array for `from`: z.coerce turns true and [5] into existing person ids.)
      const from = rng.pick(known);
      const badFrom = (): unknown => rng.pick<unknown>([0, -1, 1.5, 'abc', null, [], {}, '1e309', 'NaN', -2, '', ' ', { $gt: 0 }, 'Infinity']);
      let broken: Record<string, unknown>;
      if (endpoint.endsWith('enter')) {
        // The enter body has one field; anything else in it is ignored, so only `from` can be broken.
        broken = { from: badFrom() };
      } else if (endpoint.endsWith('messages')) {
        const b = validMessage(from);
        broken = rng.pick<() => Record<string, unknown>>([
          () => ({ ...b, from: badFrom() }),
          () => ({ ...b, text: rng.pick<unknown>(['', '   ', 'x'.repeat(2001), 5, null, ['a'], {}]) }),
          () => ({ from: b.from }),
          () => ({ ...b, eventId: rng.pick(['a b', '../x', 'x'.repeat(65), '', "'; drop", '😀']) }),
          () => ({ ...b, chat: rng.pick<unknown>(['', 'x'.repeat(65), 5, null]) }),
        ])();
      } else {
        const b = validAction(from);
        broken = rng.pick<() => Record<string, unknown>>([
          () => ({ ...b, from: badFrom() }),
          () => ({ ...b, card: rng.pick<unknown>(['', 'x'.repeat(257), 1, null]) }),
          () => ({ ...b, action: rng.pick<unknown>(['', 'x'.repeat(129), 1]) }),
          () => ({ ...b, payload: rng.pick<unknown>([{ a: 1 }, 'x', null, { a: ['x'] }]) }),
          () => ({ ...b, values: rng.pick<unknown>([{ q: 'not-an-array' }, { q: [1] }, 'x']) }),
          () => ({ ...b, label: 'x'.repeat(41) }),
          () => ({ ...b, eventId: rng.pick(['a b', 'x'.repeat(65), '']) }),
        ])();
      }
      return { kind: `sandbox-${kind}`, method: 'POST', path: endpoint, headers: { ...auth, 'content-type': 'application/json' }, body: json(broken), mustRefuse: true };
    }
    case 'unknown-person':
      return { kind: `sandbox-${kind}`, method: 'POST', path: endpoint, headers: { ...auth, 'content-type': 'application/json' }, body: json(valid(rng.pick([99999999, 2147483647, 2 ** 40, '99999999', 4242424]))), mustRefuse: true };
    case 'unknown-chat': {
      // A real sender and a valid message, into a group chat that does not exist.
      const path = endpoint.endsWith('actions') ? endpoint : '/sandbox/api/messages';
      const from = rng.pick(known);
      const chat = rng.pick(['nochat', "branch-1' OR '1'='1", '..', 'committee ', 'COMMITTEE', '%00', '不存在的群']);
      return { kind: `sandbox-${kind}`, method: 'POST', path, headers: { ...auth, 'content-type': 'application/json' }, body: json({ ...(path === endpoint ? validAction(from) : validMessage(from)), chat }), mustRefuse: true };
    }
    case 'huge':
      return { kind: `sandbox-${kind}`, method: 'POST', path: endpoint, headers: { ...auth, 'content-type': 'application/json' }, body: json({ from: 99999999, text: 't'.repeat(rng.pick([2001, 70 * 1024, 1024 * 1024])) }), mustRefuse: true, oversize: true };
    case 'read': {
      const conv = rng.pick([`person:${rng.pick(known)}`, 'chat:committee', 'person:99999999999', 'person:-1', 'chat:', "chat:x' OR '1'='1", '..%2F..%2Fdirectory', '%00', 'person%3A1', 'x'.repeat(200)]);
      const path = rng.chance(0.2) ? '/sandbox/api/directory' : `/sandbox/api/conversations/${conv.includes('%') ? conv : pct(conv)}/messages${qs({ after: rng.pick(['0', '-1', '1e309', 'abc', '99999999999999999999', "1' OR '1'='1"]) })}`;
      return { kind: `sandbox-${kind}`, method: 'GET', path, headers: auth };
    }
    default:
      return { kind: `sandbox-${kind}`, method: rng.pick(['GET', 'POST', 'HEAD']), path: rng.pick(['/sandbox', '/sandbox/', '/sandbox/app.js', '/sandbox/app.css', '/sandbox/api', '/sandbox/api/', '/sandbox/../admin', '/sandbox/api/nothing']), headers: {} };
  }
};

// --- Everything else ------------------------------------------------------------------------------------

const misc: Gen = (rng) => {
  const path = rng.pick(['/', '/healthz', '/readyz', '/metrics', '/nothing', '/%2e%2e/%2e%2e/etc/passwd', '/..%2F..%2Fetc%2Fpasswd', `/${'a/'.repeat(2000)}`, '/%E0%A4%A', '/%00', `/?${'x=1&'.repeat(3000)}`, '/favicon.ico', '/.env', '/.git/config', '/data/app-secret', '/wecom', '/h5', '/api', '/api/v2/people', '//admin', '/ADMIN', '/Admin/', `/${'x'.repeat(8000)}`]);
  return {
    kind: 'misc', method: rng.pick(['GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE', 'TRACE', 'PROPFIND']), path,
    headers: rng.chance(0.3) ? { 'x-request-id': rng.pick(['../../etc', "' OR 1=1", 'ok-id', 'x'.repeat(100), '%00']), 'x-forwarded-for': rng.pick(['127.0.0.1, evil', '::1', "'; drop"]), 'x-forwarded-proto': rng.pick(['https', 'javascript', '']) } : {},
  };
};

const GENERATORS: Record<Family, Gen> = { 'wecom-app': wecomApp, 'wecom-bot': wecomBot, h5, admin, api, sandbox, misc };
