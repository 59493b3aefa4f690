import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { openDb, type Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { AppError, ConfigError } from '../errors.js';
import type { CliCommand, CliContext } from './command.js';
import { COMMANDS } from './commands/index.js';

export interface CliIo {
  env?: Record<string, string | undefined>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  clock?: Clock;
}

function usage(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    '党建助手 管理命令行',
    '',
    '用法: npm run cli -- <命令> [参数] [--json]',
    '',
    '命令:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    '每个命令都支持 --help，例如: npm run cli -- import-org --help',
  ].join('\n');
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 bad input or usage). */
export async function runCli(argv: string[], io: CliIo = {}, commands: CliCommand[] = COMMANDS): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(`${usage(commands)}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    stderr.write(`未知命令：${name}\n\n${usage(commands)}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    stderr.write(`${(e as Error).message}\n\n${command.help}\n`);
    return 2;
  }
  if (parsed.values.help) {
    stdout.write(`${command.help}\n`);
    return 0;
  }

  let config: Readonly<Config> | undefined;
  let database: Database | undefined;
  const ctx: CliContext = {
    config: () => (config ??= loadConfig(io.env ?? process.env)),
    async database() {
      if (!database) {
        const c = ctx.config();
        database = await openDb({ ...(c.databaseUrl ? { databaseUrl: c.databaseUrl } : {}), dataDir: c.dataDir, maxConnections: 2 });
        await migrate(database);
      }
      return database;
    },
    clock: io.clock ?? systemClock,
    actor: `cli:${osUser()}`,
    stdout,
    stderr,
    stdin: io.stdin ?? process.stdin,
  };
  try {
    return await command.run(ctx, { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals });
  } catch (e) {
    stderr.write(`${describeError(e)}\n`);
    return e instanceof ConfigError || (e instanceof AppError && e.status < 500) ? 2 : 1;
  } finally {
    await database?.close();
  }
}

function describeError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  if (e instanceof AppError) {
    const lines = Array.isArray(e.details)
      ? e.details.map((d) => (typeof d === 'string' ? d : ((d as { message?: string }).message ?? JSON.stringify(d))))
      : [];
    // Some messages already list their details; print each problem once.
    const details = lines.filter((l) => !e.message.includes(l)).map((l) => `  ${l}`).join('\n');
    return `错误：${e.message}${details ? `\n${details}` : ''}`;
  }
  return `错误：${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

/** The operating-system account running the CLI, for the audit log (not a setting, so not from the environment). */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
