import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import { OutboxDispatcher, outboxCounts } from '../../src/outbox/dispatcher.js';
import { enqueueMessages } from '../../src/outbox/enqueue.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { quietLogger, RecordingPlatform, textItems } from '../support/messaging.js';

const ROWS = 2000;

describe('outbox: two dispatchers on separate connections share the work (FOR UPDATE SKIP LOCKED)', () => {
  let t: TestDatabase;
  let second: Database | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    if (t.url) second = await openDb({ databaseUrl: t.url, maxConnections: 5 });
  });
  afterAll(async () => {
    await second?.close();
    await t.drop();
  });

  it.skipIf(!testDatabaseUrl)(
    `sends each of ${ROWS} rows exactly once (needs real PostgreSQL: set TEST_DATABASE_URL; PGlite has a single connection, so there is no contention to test)`,
    async () => {
      const clock = new ManualClock('2026-11-23T01:00:00Z');
      const logger = quietLogger();
      await t.database.db.transaction((tx) => enqueueMessages(tx, textItems(ROWS, clock.now(), 'contention'), clock.now()));

      const platforms = [new RecordingPlatform('sandbox', 25), new RecordingPlatform('sandbox', 25)];
      const dispatchers = [
        new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platforms[0]!], batchSize: 50 }),
        new OutboxDispatcher({ database: second!, clock, logger, platforms: [platforms[1]!], batchSize: 50 }),
      ];
      const rounds = [0, 0];
      await Promise.all(
        dispatchers.map(async (d, i) => {
          while ((await d.runOnce()) > 0) rounds[i]! += 1;
        }),
      );

      const all = [...platforms[0]!.seen, ...platforms[1]!.seen];
      expect(all).toHaveLength(ROWS);
      expect(new Set(all).size).toBe(ROWS);
      // Both really took part, each with rows of its own.
      expect(platforms[0]!.seen.length).toBeGreaterThan(0);
      expect(platforms[1]!.seen.length).toBeGreaterThan(0);
      expect(platforms[0]!.seen.filter((id) => platforms[1]!.seen.includes(id))).toEqual([]);
      expect(await outboxCounts(t.database)).toEqual({ sent: ROWS });
      expect(rounds[0]! + rounds[1]!).toBeGreaterThanOrEqual(ROWS / 50);
    },
  );
});
