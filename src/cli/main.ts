import { loadDotEnv } from '../env-file.js';
import { runCli } from './run-cli.js';

// The entry point of `npm run cli -- …`. Commands print with console-free writes to stdout/stderr.
loadDotEnv();
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
