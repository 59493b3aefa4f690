import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In demo mode the H5 signing secret is generated once and kept in DATA_DIR, so links stay valid across
 * restarts. Production must set APP_SECRET (config.ts refuses to start without it).
 */
export function ensureDemoSecret(dataDir: string): { secret: string; created: boolean } {
  const path = join(dataDir, 'app-secret');
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) return { secret: existing, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return { secret, created: true };
}
