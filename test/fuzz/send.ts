/**
 * Sends generated hostile requests over real HTTP (node:http, keep-alive, bounded concurrency) and judges each
 * answer against what the generator says the server must do. Shared by the CI test and bench/fuzz.ts.
 */
import http from 'node:http';
import { describeRequest, FAMILIES, type Family, type FuzzRequest } from './generate.js';

export interface Answer {
  /** HTTP status; 0 when no answer came (error or timeout). */
  status: number;
  error?: string;
  ms: number;
  /** The first bytes of the body, for failure reports. */
  snippet: string;
}

export interface Outcome {
  req: FuzzRequest;
  answers: Answer[];
}

export interface SendOptions {
  concurrency: number;
  /** Per answer; a request not answered in this time counts as "no answer". */
  timeoutMs?: number;
  onOutcome?: (o: Outcome) => void;
}

/** Sends one request and reads the answer (the body is drained; its first 300 bytes are kept). */
export function sendOnce(base: URL, req: FuzzRequest, agent: http.Agent, timeoutMs: number, retried = false): Promise<Answer> {
  const started = performance.now();
  return new Promise<Answer>((resolve) => {
    let settled = false;
    const done = (a: Omit<Answer, 'ms'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...a, ms: Math.round(performance.now() - started) });
    };
    const headers: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
    if (req.body !== undefined || !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(req.method)) headers['content-length'] = req.body?.length ?? 0;
    let r: http.ClientRequest;
    try {
      r = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent });
    } catch (e) {
      // The request could not even be sent (e.g. a path node:http refuses): a generator bug, reported as such.
      done({ status: -1, error: `client refused to send: ${(e as Error).message}`, snippet: '' });
      return;
    }
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    let gotResponse = false;
    r.on('response', (res) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < 300) {
          chunks.push(c);
          kept += c.length;
        }
      });
      const finish = () => done({ status: res.statusCode ?? 0, snippet: Buffer.concat(chunks).toString('utf8').slice(0, 300) });
      res.on('end', finish);
      // The server may close the connection right after an early answer (413 before the upload ended).
      res.on('error', finish);
      res.on('aborted', finish);
    });
    r.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed (idle timeout, or Connection: close after a 413) just as it was
      // reused: the request never reached the server. Node's documented answer is to send it again, once.
      if (e.code === 'ECONNRESET' && r.reusedSocket && !retried && !gotResponse) {
        settled = true;
        resolve(sendOnce(base, req, agent, timeoutMs, true));
        return;
      }
      done({ status: 0, error: e.code ?? e.message, snippet: '' });
    });
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

/** Sends every request (repeats in a row, on one worker), `concurrency` at a time; returns the outcomes in index order. */
export async function sendAll(baseUrl: string, requests: Iterable<FuzzRequest>, opts: SendOptions): Promise<Outcome[]> {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const it = requests[Symbol.iterator]();
  const outcomes: Outcome[] = [];
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = it.next();
      if (next.done) return;
      const req = next.value;
      const answers: Answer[] = [];
      for (let i = 0; i < (req.repeat ?? 1); i++) answers.push(await sendOnce(base, req, agent, opts.timeoutMs ?? 30_000));
      const o: Outcome = { req, answers };
      // Bodies can be megabytes: keep the outcome, not the body.
      const { body, ...rest } = req;
      outcomes.push({ req: { ...rest, ...(body ? { bodyBytes: body.length } : {}) }, answers });
      opts.onOutcome?.(o);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, () => worker()));
  } finally {
    agent.destroy();
  }
  return outcomes.sort((a, b) => a.req.index - b.req.index);
}

const RESET = new Set(['ECONNRESET', 'EPIPE']);

/** What is wrong with an outcome, or null. Rules: the module comment of generate.ts. */
export function judge(o: Outcome): string | null {
  const { req } = o;
  for (const [i, a] of o.answers.entries()) {
    const which = o.answers.length > 1 ? ` (delivery ${i + 1} of ${o.answers.length})` : '';
    if (a.status === -1) return `${a.error}${which}`;
    if (a.status === 0) {
      // An oversize upload may be cut off by the server's early 413 + Connection: close before the client reads it.
      if (req.oversize && a.error !== undefined && RESET.has(a.error)) continue;
      return `no answer: ${a.error ?? '?'}${which}`;
    }
    if (a.status >= 500) return `${a.status}${which}: ${a.snippet.slice(0, 200)}`;
    if (req.mustRefuse && a.status < 400) return `not refused: ${a.status}${which}: ${a.snippet.slice(0, 120)}`;
    if (req.storesEvent && a.status !== 200) return `genuine callback answered ${a.status}${which}: ${a.snippet.slice(0, 120)}`;
  }
  return null;
}

export interface Summary {
  requests: number;
  /** Deliveries (repeats included). */
  deliveries: number;
  /** family → status ("0" = no answer, "reset" = an oversize upload cut off after the 413) → deliveries. */
  byFamily: Record<Family, Record<string, number>>;
  /** kind → status → deliveries. */
  byKind: Record<string, Record<string, number>>;
  failures: { request: string; problem: string }[];
  maxMs: number;
}

export function summarize(outcomes: Outcome[], seed: number): Summary {
  const byFamily = Object.fromEntries(FAMILIES.map((f) => [f, {} as Record<string, number>])) as Record<Family, Record<string, number>>;
  const byKind: Record<string, Record<string, number>> = {};
  const failures: Summary['failures'] = [];
  let deliveries = 0;
  let maxMs = 0;
  for (const o of outcomes) {
    for (const a of o.answers) {
      deliveries++;
      maxMs = Math.max(maxMs, a.ms);
      const key = a.status === 0 && o.req.oversize && a.error && RESET.has(a.error) ? 'reset' : String(a.status);
      byFamily[o.req.family][key] = (byFamily[o.req.family][key] ?? 0) + 1;
      (byKind[o.req.kind] ??= {})[key] = (byKind[o.req.kind]![key] ?? 0) + 1;
    }
    const problem = judge(o);
    if (problem) failures.push({ request: describeRequest(o.req, seed), problem });
  }
  return { requests: outcomes.length, deliveries, byFamily, byKind, failures, maxMs };
}

/** A compact table: one line per family, statuses sorted. */
export function formatSummary(s: Summary): string {
  const lines = FAMILIES.map((f) => {
    const cells = Object.entries(s.byFamily[f]).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`);
    const total = Object.values(s.byFamily[f]).reduce((x, y) => x + y, 0);
    return `  ${f.padEnd(10)} ${String(total).padStart(6)}  ${cells.join('  ')}`;
  });
  return [`${s.requests} requests, ${s.deliveries} deliveries, slowest answer ${s.maxMs} ms`, ...lines].join('\n');
}
