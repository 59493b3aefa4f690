/**
 * Drizzle wraps driver errors ("Failed query: …") and keeps the driver's error as `cause`; the SQLSTATE code
 * and the server's message live there, in the same fields for postgres.js and PGlite.
 */
export interface PgErrorInfo {
  code?: string;
  message: string;
  constraint?: string;
}

export function pgError(e: unknown): PgErrorInfo | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const c = cur as { code?: unknown; message?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) {
      const constraint = typeof c.constraint === 'string' ? c.constraint : typeof c.constraint_name === 'string' ? c.constraint_name : undefined;
      return { code: c.code, message: String(c.message ?? ''), ...(constraint ? { constraint } : {}) };
    }
    cur = c.cause;
  }
  return undefined;
}

export const isUniqueViolation = (e: unknown): boolean => pgError(e)?.code === '23505';

/** Connection-level failures (server gone, refused, terminated): the caller answers 503 rather than 500. */
export function isConnectionError(e: unknown): boolean {
  const info = pgError(e);
  if (info?.code && (info.code.startsWith('08') || info.code === '57P01' || info.code === '57P03')) return true;
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const c = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ETIMEDOUT'].includes(c.code)) return true;
    if (typeof c.message === 'string' && /closed|not open|terminat/i.test(c.message) && depth > 0) return true;
    cur = c.cause;
  }
  return false;
}
