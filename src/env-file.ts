import { existsSync } from 'node:fs';

/**
 * Loads `.env` from the working directory when there is one (variables already set in the environment win).
 * Called by the two entry points before loadConfig; config.ts stays a pure function of its argument.
 */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
