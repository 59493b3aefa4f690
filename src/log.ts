import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one log sink. Redaction covers every place a secret can reach a log line: config objects, request
 * headers, platform tokens, and signed-link tickets in URLs (a ticket is a credential for its holder).
 */
export const REDACT_PATHS = [
  'appSecret',
  '*.appSecret',
  'secret',
  '*.secret',
  '*.clientSecret',
  '*.encodingAesKey',
  '*.*.encodingAesKey',
  '*.token',
  '*.*.token',
  'token',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
];

const TICKET_PARAMS = /([?&](?:t|ticket|sig|signature|msg_signature|access_token|token|echostr)=)[^&#\s]*/gi;

/** Removes credentials carried in query strings before a URL is logged. */
export function scrubUrl(url: string): string {
  return url.replace(TICKET_PARAMS, '$1[REDACTED]');
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'dangjian-bot' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination({ sync: false }),
  );
}
