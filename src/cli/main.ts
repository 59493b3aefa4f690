import { runCli } from './run-cli.js';

// The entry point of `npm run cli -- …`. Commands print with console-free writes to stdout/stderr.
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
