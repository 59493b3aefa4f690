import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML of app callbacks (wecom.md §3.2 envelope, §4 plaintext). Every value stays a string: MsgId is a 64-bit
 * integer (§3.5) and AgentID comes with and without CDATA. No DTDs: a DOCTYPE or ENTITY declaration is refused
 * before the parser sees the text (entity expansion bombs, external entities), and entity processing is off.
 */

export class MalformedCallback extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCallback';
  }
}

/** §4.2: 0..n SelectedItem, 1..n OptionId — always arrays, whatever the count. */
const ARRAYS = new Set(['xml.SelectedItems.SelectedItem', 'xml.SelectedItems.SelectedItem.OptionIds.OptionId']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  jPath: true,
  isArray: (_name: string, jpath: unknown) => typeof jpath === 'string' && ARRAYS.has(jpath),
});

const DTD = /<!\s*(DOCTYPE|ENTITY)/i;

/** Parses `<xml>…</xml>` into a flat-ish object of strings; throws MalformedCallback on anything else. */
export function parseCallbackXml(text: string): Record<string, unknown> {
  if (DTD.test(text)) throw new MalformedCallback('DOCTYPE/ENTITY declarations are not accepted');
  if (XMLValidator.validate(text) !== true) throw new MalformedCallback('not well-formed XML');
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    throw new MalformedCallback('not well-formed XML');
  }
  const root = (doc as { xml?: unknown } | undefined)?.xml;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new MalformedCallback('no <xml> root element');
  return root as Record<string, unknown>;
}

/** §3.2 envelope: only `Encrypt` matters (and is signed); element order varies between senders. */
export function parseEnvelopeXml(text: string): { encrypt: string; toUserName?: string; agentId?: string } {
  const root = parseCallbackXml(text);
  const encrypt = str(root.Encrypt);
  if (!encrypt) throw new MalformedCallback('the envelope has no <Encrypt>');
  const to = str(root.ToUserName);
  const agent = str(root.AgentID);
  return { encrypt, ...(to ? { toUserName: to } : {}), ...(agent ? { agentId: agent } : {}) };
}

/** A decrypted app callback (§4). Fields absent from the XML are undefined; all present ones are strings. */
export interface WecomCallbackXml {
  ToUserName?: string;
  FromUserName?: string;
  CreateTime?: string;
  MsgType?: string;
  Content?: string;
  MsgId?: string;
  AgentID?: string;
  Event?: string;
  EventKey?: string;
  TaskId?: string;
  CardType?: string;
  ResponseCode?: string;
  SelectedItems: { QuestionKey: string; OptionIds: string[] }[];
}

export function parseMessageXml(text: string): WecomCallbackXml {
  const root = parseCallbackXml(text);
  const out: WecomCallbackXml = { SelectedItems: [] };
  for (const k of ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'AgentID', 'Event', 'EventKey', 'TaskId', 'CardType', 'ResponseCode'] as const) {
    const v = str(root[k]);
    if (v !== undefined) out[k] = v;
  }
  const items = (root.SelectedItems as { SelectedItem?: unknown } | undefined)?.SelectedItem;
  if (Array.isArray(items)) {
    for (const it of items as Record<string, unknown>[]) {
      const ids = (it?.OptionIds as { OptionId?: unknown } | undefined)?.OptionId;
      out.SelectedItems.push({
        QuestionKey: str(it?.QuestionKey) ?? '',
        OptionIds: Array.isArray(ids) ? ids.map((x) => str(x)).filter((x): x is string => x !== undefined) : [],
      });
    }
  }
  return out;
}

/**
 * A leaf element's text; objects (nested elements) are not strings and read as absent. NUL is not an XML
 * character and PostgreSQL text cannot hold it: it is dropped rather than failing the stored event.
 */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? v.replaceAll('\u0000', '') : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
