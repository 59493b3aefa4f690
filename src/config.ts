import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The one place that reads the environment (ARCHITECTURE §4). Every problem is collected and reported at
 * once, naming the variable, so an operator fixes a deployment in one go rather than one restart per typo.
 */

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (what: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), `must be an http(s) URL (${what})`);

const wsOrHttpUrl = optionalString.refine((v) => v === undefined || /^(https?|wss?):\/\/[^\s]+$/.test(v), 'must be an http(s) or ws(s) URL');

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

const envSchema = z.object({
  PORT: optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 65535), 'must be a port number 0–65535')
    .transform((v) => (v === undefined ? undefined : Number(v))),
  PUBLIC_BASE_URL: url('how phones reach the H5 pages'),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v),
    'must be a postgres:// or postgresql:// connection string',
  ),
  DATA_DIR: optionalString,
  APP_TIMEZONE: optionalString.pipe(timezone.optional()),
  APP_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  LOG_LEVEL: optionalString.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), 'must be the numeric AgentId'),
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_ENCODING_AES_KEY: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9+/]{43}$/.test(v),
    'must be the 43-character EncodingAESKey',
  ),
  WECOM_BOT_TOKEN: optionalString,
  WECOM_BOT_ENCODING_AES_KEY: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9+/]{43}$/.test(v),
    'must be the 43-character EncodingAESKey',
  ),
  WECOM_API_BASE_URL: url('WeCom API'),
  DINGTALK_CLIENT_ID: optionalString,
  DINGTALK_CLIENT_SECRET: optionalString,
  DINGTALK_ROBOT_CODE: optionalString,
  DINGTALK_CARD_TEMPLATE_ID: optionalString,
  DINGTALK_API_BASE_URL: url('DingTalk OpenAPI'),
  DINGTALK_OAPI_BASE_URL: url('DingTalk old API'),
  DINGTALK_GATEWAY_URL: wsOrHttpUrl,
  SANDBOX: optionalString.pipe(z.enum(['on', 'off']).optional()),
  TOPIC_PUSH_TIME: optionalString.refine((v) => v === undefined || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be a time HH:mm such as 09:00'),
  DIGEST_TIME: optionalString.refine((v) => v === undefined || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be a time HH:mm such as 08:30'),
  CHART_FONT_PATH: optionalString,
  ADMIN_SESSION_IDLE_MINUTES: optionalString.refine((v) => v === undefined || (/^\d{1,4}$/.test(v) && Number(v) >= 5 && Number(v) <= 1440), 'must be whole minutes between 5 and 1440'),
});

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
  apiBaseUrl: string;
  bot?: { token: string; encodingAesKey: string };
}

export interface DingtalkConfig {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  cardTemplateId?: string;
  apiBaseUrl: string;
  oapiBaseUrl: string;
  gatewayUrl: string;
}

export interface Config {
  port: number;
  publicBaseUrl: string;
  databaseUrl?: string;
  dataDir: string;
  timezone: string;
  /** Absent only in demo mode, where main.ts generates one into DATA_DIR on first start. */
  appSecret?: string;
  logLevel: string;
  wecom?: WecomConfig;
  dingtalk?: DingtalkConfig;
  sandbox: boolean;
  /** No messenger platform configured: embedded sandbox, demo data, generated secret. */
  demoMode: boolean;
  /** Local time (HH:mm) of the monthly topic push on the month's first working day. */
  topicPushTime: string;
  /** Local time (HH:mm) of the leaders' daily digest on working days. */
  digestTime: string;
  /** A CJK font file for chart images; unset: the system's Noto Sans CJK (or none → text-only cards). */
  chartFontPath?: string;
  /** An admin console session ends after this many minutes without a request. */
  adminSessionIdleMinutes: number;
}

const WECOM_APP_VARS = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const;
const WECOM_BOT_VARS = ['WECOM_BOT_TOKEN', 'WECOM_BOT_ENCODING_AES_KEY'] as const;
const DINGTALK_VARS = ['DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET'] as const;

/** Variables of a group are all-or-nothing: half a platform configuration is always a mistake. */
function missingOfGroup(env: Record<string, unknown>, names: readonly string[], label: string): string[] {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0 || set.length === names.length) return [];
  return names.filter((n) => env[n] === undefined).map((n) => `${n}: required because ${label} is partly configured (${set.join(', ')} set)`);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${describeValue(env[String(i.path[0])])})`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [
    ...missingOfGroup(e, WECOM_APP_VARS, 'the WeCom app'),
    ...missingOfGroup(e, WECOM_BOT_VARS, 'the WeCom smart bot'),
    ...missingOfGroup(e, DINGTALK_VARS, 'the DingTalk app'),
  ];
  if (e.WECOM_BOT_TOKEN && !e.WECOM_CORP_ID) {
    problems.push('WECOM_CORP_ID: the WeCom smart bot sends private scoring sheets through the WeCom app, so the app must be configured too');
  }

  const wecom: WecomConfig | undefined = e.WECOM_CORP_ID
    ? {
        corpId: e.WECOM_CORP_ID,
        agentId: e.WECOM_AGENT_ID ?? '',
        secret: e.WECOM_SECRET ?? '',
        token: e.WECOM_TOKEN ?? '',
        encodingAesKey: e.WECOM_ENCODING_AES_KEY ?? '',
        apiBaseUrl: stripSlash(e.WECOM_API_BASE_URL ?? 'https://qyapi.weixin.qq.com'),
        ...(e.WECOM_BOT_TOKEN ? { bot: { token: e.WECOM_BOT_TOKEN, encodingAesKey: e.WECOM_BOT_ENCODING_AES_KEY ?? '' } } : {}),
      }
    : undefined;
  const dingtalk: DingtalkConfig | undefined = e.DINGTALK_CLIENT_ID
    ? {
        clientId: e.DINGTALK_CLIENT_ID,
        clientSecret: e.DINGTALK_CLIENT_SECRET ?? '',
        robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
        ...(e.DINGTALK_CARD_TEMPLATE_ID ? { cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID } : {}),
        apiBaseUrl: stripSlash(e.DINGTALK_API_BASE_URL ?? 'https://api.dingtalk.com'),
        oapiBaseUrl: stripSlash(e.DINGTALK_OAPI_BASE_URL ?? 'https://oapi.dingtalk.com'),
        gatewayUrl: e.DINGTALK_GATEWAY_URL ?? 'https://api.dingtalk.com/v1.0/gateway/connections/open',
      }
    : undefined;

  const demoMode = !wecom && !dingtalk;
  if (!demoMode && !e.APP_SECRET) {
    problems.push('APP_SECRET: required when a messenger platform is configured (it signs the H5 links in cards); at least 32 random characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const port = e.PORT ?? 3000;
  return Object.freeze({
    port,
    publicBaseUrl: stripSlash(e.PUBLIC_BASE_URL ?? `http://localhost:${port}`),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    dataDir: e.DATA_DIR ?? './data',
    timezone: e.APP_TIMEZONE ?? 'Asia/Shanghai',
    ...(e.APP_SECRET ? { appSecret: e.APP_SECRET } : {}),
    logLevel: e.LOG_LEVEL ?? 'info',
    ...(wecom ? { wecom } : {}),
    ...(dingtalk ? { dingtalk } : {}),
    sandbox: e.SANDBOX ? e.SANDBOX === 'on' : demoMode,
    demoMode,
    topicPushTime: e.TOPIC_PUSH_TIME ?? '09:00',
    digestTime: e.DIGEST_TIME ?? '08:30',
    ...(e.CHART_FONT_PATH ? { chartFontPath: e.CHART_FONT_PATH } : {}),
    adminSessionIdleMinutes: e.ADMIN_SESSION_IDLE_MINUTES ? Number(e.ADMIN_SESSION_IDLE_MINUTES) : 30,
  });
}

/** Shows the shape of a bad value without echoing it: the value may be a secret pasted into the wrong variable. */
function describeValue(v: string | undefined): string {
  if (v === undefined) return 'nothing';
  return `a value of ${v.length} characters`;
}

function stripSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

/** Enabled messenger platforms in priority order: a person is reached on the first one they are on. */
export function enabledPlatforms(config: Readonly<Config>): ('wecom' | 'dingtalk' | 'sandbox')[] {
  return [...(config.wecom ? ['wecom' as const] : []), ...(config.dingtalk ? ['dingtalk' as const] : []), ...(config.sandbox ? ['sandbox' as const] : [])];
}
