import type { Database } from './db/client.js';
import type { Clock } from './domain/clock.js';

export async function seedDemoIfEmpty(_database: Database, _clock: Clock): Promise<boolean> {
  return false;
}
