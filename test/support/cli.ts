import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliCommand } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { openDb, type Database } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';

const root = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry point (`npm run cli` runs the same file) in a child process. */
export function runCliProcess(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      // A clean environment: only what the test says, plus PATH/HOME for node itself.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/**
 * Runs the CLI in this process with the real command list (or the given commands), capturing its output; the
 * quick path for tests that make many runs. `runCliProcess` goes through the real entry point.
 */
export async function runCliInProcess(
  argv: string[],
  opts: { env: Record<string, string>; clock: Clock; commands?: CliCommand[] },
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await runCli(argv, { env: opts.env, stdout, stderr, clock: opts.clock }, opts.commands);
  return { code, out, err };
}

/** Opens the database a CLI test's environment points at (never while a CLI run holds it), runs `fn`, closes it. */
export async function withCliDatabase<T>(env: Record<string, string>, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, maxConnections: 2 } : { dataDir: env.DATA_DIR! });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}
