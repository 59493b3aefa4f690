/**
 * Typed errors. `status` and `expose` follow Koa's rule: an exposed error's message is shown to the caller
 * as is (so it is written for a person, in Chinese where a user sees it); anything else becomes a 500
 * with a generic message and is logged.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly details?: unknown;

  constructor(message: string, opts: { status: number; code: string; expose?: boolean; details?: unknown; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status;
    this.code = opts.code;
    this.expose = opts.expose ?? opts.status < 500;
    this.details = opts.details;
  }
}

/** Bad input. `details` carries every problem found (e.g. one entry per bad row), never just the first. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, { status: 400, code: 'validation_failed', details });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = '未认证或凭据无效') {
    super(message, { status: 401, code: 'unauthorized' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '没有权限执行此操作') {
    super(message, { status: 403, code: 'forbidden' });
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, { status: 404, code: 'not_found' });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, { status: 409, code: 'conflict', details });
  }
}

/** The database (or another dependency) is not reachable: callers answer 503 and retry later. */
export class UnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { status: 503, code: 'unavailable', expose: true, cause });
  }
}

/**
 * A messenger platform said no. Platforms report business failures as HTTP 200 with a non-zero code; the
 * adapter's client turns every one into this, deciding whether a retry can help.
 */
export class PlatformError extends AppError {
  readonly platform: string;
  readonly platformCode: string | number;
  readonly retryable: boolean;

  constructor(platform: string, platformCode: string | number, message: string, opts: { retryable: boolean; cause?: unknown }) {
    super(message, { status: 502, code: 'platform_error', expose: false, cause: opts.cause });
    this.platform = platform;
    this.platformCode = platformCode;
    this.retryable = opts.retryable;
  }
}

/** Configuration is missing or malformed; `problems` names every variable at fault. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`配置有误 (configuration invalid):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
