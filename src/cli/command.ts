import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Clock } from '../domain/clock.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CliContext {
  /** Configuration from the environment (loaded on first use, so `--help` works without any). */
  config(): Readonly<Config>;
  /** Opens the configured database and applies migrations; closed by the runner afterwards. */
  database(): Promise<Database>;
  clock: Clock;
  /** Who the audit log names for changes made from the command line. */
  actor: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text: usage line, arguments, options, an example. */
  help: string;
  options?: OptionSpec;
  /** Returns the process exit code. */
  run(ctx: CliContext, args: ParsedArgs): Promise<number>;
}

/** Prints either JSON (machine-readable, one object) or the human text. */
export function output(ctx: CliContext, json: boolean, value: unknown, text: string): void {
  ctx.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}
