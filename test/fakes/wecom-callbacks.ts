import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/**
 * Sends callbacks to our server the way WeCom does (wecom.md §17.4): plaintext → encrypt(receiveid) →
 * msg_signature → POST with percent-encoded query values; app XML envelope (element order varied) or smart-bot
 * JSON. Delivery like WeCom: a non-200 or no answer within 5 s is retried (app: up to 3 more times; smart-bot
 * card events: never). Replies are decrypted and their signatures checked.
 */
export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
  /** corpid for the app, "" for the smart bot (§2.2). */
  receiveId: string;
}

export interface CallbackAnswer {
  status: number;
  body: string;
  /** The decrypted passive reply, when there was one (signature verified). */
  reply?: string;
  /** How many times it was delivered. */
  deliveries: number;
}

export interface SendOptions {
  timestamp?: string;
  nonce?: string;
  /** Tamper with what is sent. */
  signature?: string;
  encryptWith?: Partial<CallbackKeys>;
  /** Re-send up to this many more times on failure (app: 3, §3.4). */
  retries?: number;
  /** Abort a delivery after this long (§3.4: 5 s). */
  timeoutMs?: number;
  random?: Buffer;
}

const now = () => String(Math.floor(Date.now() / 1000));
const nonceOf = () => randomBytes(6).toString('hex');

export function sealed(keys: CallbackKeys, plaintext: string, opts: SendOptions = {}): { query: string; encrypted: string; timestamp: string; nonce: string } {
  const k = { ...keys, ...opts.encryptWith };
  const encrypted = encrypt(k.encodingAesKey, plaintext, k.receiveId, opts.random ?? randomBytes(16));
  const timestamp = opts.timestamp ?? now();
  const nonce = opts.nonce ?? nonceOf();
  const signature = opts.signature ?? getSignature(keys.token, timestamp, nonce, encrypted);
  const query = `msg_signature=${encodeURIComponent(signature)}&timestamp=${encodeURIComponent(timestamp)}&nonce=${encodeURIComponent(nonce)}`;
  return { query, encrypted, timestamp, nonce };
}

/** §3.2 envelope; `order` varies the element order as different WeCom senders do. */
export function appEnvelope(encrypted: string, corpId: string, agentId: string, order: 'doc' | 'sample' = 'sample'): string {
  const to = `<ToUserName><![CDATA[${corpId}]]></ToUserName>`;
  const enc = `<Encrypt><![CDATA[${encrypted}]]></Encrypt>`;
  const agent = `<AgentID><![CDATA[${agentId}]]></AgentID>`;
  return order === 'doc' ? `<xml>${to}${agent}${enc}</xml>` : `<xml>${to}${enc}${agent}</xml>`;
}

async function deliver(url: string, init: RequestInit, opts: SendOptions): Promise<{ status: number; body: string; deliveries: number }> {
  const attempts = 1 + (opts.retries ?? 0);
  let last = { status: 0, body: '' };
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
      last = { status: res.status, body: await res.text() };
      if (res.status === 200) return { ...last, deliveries: i };
    } catch {
      last = { status: 0, body: '' };
    }
  }
  return { ...last, deliveries: attempts };
}

/** POST an app callback (XML) to `${server}/wecom/callback`. */
export async function postAppCallback(server: string, keys: CallbackKeys & { agentId: string }, plaintext: string, opts: SendOptions = {}): Promise<CallbackAnswer> {
  const s = sealed(keys, plaintext, opts);
  const res = await deliver(`${server}/wecom/callback?${s.query}`, {
    method: 'POST', headers: { 'content-type': 'text/xml' }, body: appEnvelope(s.encrypted, keys.receiveId, keys.agentId),
  }, opts);
  return { ...res, ...(res.status === 200 && res.body !== '' ? { reply: openAppReply(keys, res.body) } : {}) };
}

/** Decrypts and verifies a §3.3 passive reply envelope. */
export function openAppReply(keys: CallbackKeys, xml: string): string {
  const pick = (tag: string) => new RegExp(`<${tag}>(?:<!\\[CDATA\\[)?([^<\\]]*)(?:\\]\\]>)?</${tag}>`).exec(xml)?.[1] ?? '';
  const enc = pick('Encrypt');
  const sig = getSignature(keys.token, pick('TimeStamp'), pick('Nonce'), enc);
  if (sig !== pick('MsgSignature')) throw new Error('passive reply signature does not verify');
  const { message, id } = decrypt(keys.encodingAesKey, enc);
  if (id !== keys.receiveId) throw new Error(`passive reply receive id ${id}`);
  return message;
}

/** POST a smart-bot callback (JSON) to `${server}/wecom/bot/callback`; the reply must use our nonce (§12). */
export async function postBotCallback(server: string, keys: CallbackKeys, body: unknown, opts: SendOptions = {}): Promise<CallbackAnswer & { replyJson?: Record<string, unknown> }> {
  const s = sealed({ ...keys, receiveId: '' }, JSON.stringify(body), opts);
  const res = await deliver(`${server}/wecom/bot/callback?${s.query}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: s.encrypted }),
  }, opts);
  if (res.status !== 200 || res.body === '') return res;
  const env = JSON.parse(res.body) as { encrypt: string; msgsignature: string; timestamp: number; nonce: string };
  if (env.nonce !== s.nonce) throw new Error('bot reply nonce differs from the request nonce');
  if (typeof env.timestamp !== 'number') throw new Error('bot reply timestamp is not a number');
  if (getSignature(keys.token, env.timestamp, env.nonce, env.encrypt) !== env.msgsignature) throw new Error('bot reply signature does not verify');
  const { message, id } = decrypt(keys.encodingAesKey, env.encrypt);
  if (id !== '') throw new Error('bot reply receive id not empty');
  return { ...res, reply: message, replyJson: JSON.parse(message) as Record<string, unknown> };
}

/** GET URL verification (§3.1): echostr = encrypted random digits; returns what the server answered. */
export async function verifyUrl(server: string, path: string, keys: CallbackKeys, opts: SendOptions = {}): Promise<{ status: number; body: string; expected: string }> {
  const expected = String(Math.floor(Math.random() * 1e12));
  const s = sealed(keys, expected, opts);
  const res = await fetch(`${server}${path}?${s.query}&echostr=${encodeURIComponent(s.encrypted)}`);
  return { status: res.status, body: await res.text(), expected };
}

// --- Plaintext builders (§4.1, §4.2, §12), doc-style with newlines between elements. ---

export function textXml(p: { corpId: string; from: string; content: string; msgId: string; createTime?: number; agentId?: string }): string {
  return `<xml><ToUserName><![CDATA[${p.corpId}]]></ToUserName>\n<FromUserName><![CDATA[${p.from}]]></FromUserName>\n` +
    `<CreateTime>${p.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n` +
    `<Content><![CDATA[${p.content}]]></Content>\n<MsgId>${p.msgId}</MsgId>\n<AgentID>${p.agentId ?? '1000002'}</AgentID></xml>`;
}

export function cardEventXml(p: {
  corpId: string; from: string; eventKey: string; taskId: string; responseCode: string; createTime?: number;
  cardType?: string; selected?: { questionKey: string; optionIds: string[] }[];
}): string {
  const items = p.selected
    ? `<SelectedItems>${p.selected.map((s) => `<SelectedItem><QuestionKey><![CDATA[${s.questionKey}]]></QuestionKey><OptionIds>${s.optionIds.map((o) => `<OptionId><![CDATA[${o}]]></OptionId>`).join('')}</OptionIds></SelectedItem>`).join('')}</SelectedItems>`
    : '';
  return `<xml><ToUserName><![CDATA[${p.corpId}]]></ToUserName><FromUserName><![CDATA[${p.from}]]></FromUserName>` +
    `<CreateTime>${p.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${p.eventKey}]]></EventKey>` +
    `<TaskId><![CDATA[${p.taskId}]]></TaskId><CardType><![CDATA[${p.cardType ?? 'button_interaction'}]]></CardType>` +
    `<ResponseCode><![CDATA[${p.responseCode}]]></ResponseCode><AgentID>1000002</AgentID>${items}</xml>`;
}

export function enterAgentXml(p: { corpId: string; from: string; createTime?: number }): string {
  return `<xml><ToUserName><![CDATA[${p.corpId}]]></ToUserName><FromUserName><![CDATA[${p.from}]]></FromUserName>` +
    `<CreateTime>${p.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>`;
}

export function botTextJson(p: { msgid: string; from: string; content: string; chatid?: string; responseUrl: string }): Record<string, unknown> {
  return {
    msgid: p.msgid, aibotid: 'AIBOTID', ...(p.chatid ? { chatid: p.chatid, chattype: 'group' } : { chattype: 'single' }),
    from: { userid: p.from }, response_url: p.responseUrl, msgtype: 'text', text: { content: p.content },
  };
}
