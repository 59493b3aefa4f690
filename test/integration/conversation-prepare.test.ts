import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationHandler, peopleByIdentity } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { peopleDirectory } from '../../src/db/repositories/people-directory.js';
import { seedDemo } from '../../src/demo.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { InboundEvent, PlatformId } from '../../src/domain/messaging/types.js';
import { linkSigner } from '../../src/h5/link-signer.js';
import { PreparedReplies } from '../../src/inbox/handle-inbound.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * The conversation's `prepare` (src/conversation.ts): the sender read before the handling transaction, many
 * senders per statement, must be what the people directory reads inside it; and the events it answers
 * itself must get exactly the replies the handler gives them in a transaction.
 */
describe(`conversation prepare: the sender before the transaction (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const tz = 'Asia/Shanghai';
  const links = linkSigner({ secret: 'x'.repeat(40), publicBaseUrl: 'http://h5.test', clock });
  const handler = conversationHandler({ links, timezone: tz, clock });
  let identities: { platform: PlatformId; externalId: string; active: boolean }[] = [];
  let seq = 0;
  const event = (senderId: string, over: Partial<InboundEvent> = {}): InboundEvent => ({
    platform: 'wecom', eventId: `msg:${++seq}`, kind: 'message', senderId, text: '帮助', occurredAt: clock.now().toISOString(), ...over,
  });

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, clock, tz);
    // One person no longer active: neither read may find them.
    await t.database.db.execute(sql`update people set active = false where id = (select min(person_id) from platform_identities where platform = 'wecom')`);
    identities = rows<{ platform: PlatformId; external_id: string; active: boolean }>(
      await t.database.db.execute(sql`select i.platform, i.external_id, p.active from platform_identities i join people p on p.id = i.person_id order by i.platform, i.external_id`),
    ).map((r) => ({ platform: r.platform, externalId: r.external_id, active: r.active }));
  });
  afterAll(async () => t.drop());

  it('reads every identity (and unknown ones) as the people directory does, in one statement', async () => {
    expect(identities.length).toBeGreaterThan(20);
    const keys = [...identities.map(({ platform, externalId }) => ({ platform, externalId })), { platform: 'wecom' as const, externalId: 'nobody-here' }, { platform: 'dingtalk' as const, externalId: identities[0]!.externalId }];
    const batch = await peopleByIdentity(t.database.db, keys);
    const directory = peopleDirectory(t.database.db);
    const one = await Promise.all(keys.map((k) => directory.byPlatformIdentity(k.platform, k.externalId)));
    expect(batch).toEqual(one);
    expect(one.filter((p) => p === undefined).length).toBeGreaterThanOrEqual(2); // the inactive person and nobody-here
    expect(one.some((p) => p !== undefined && p.roles.length > 1)).toBe(true);
  });

  it('answers help, the welcome, a help click and an unknown sender itself, with the replies the handler gives', async () => {
    const inactive = identities.find((i) => i.platform === 'wecom' && !i.active)!.externalId;
    const active = identities.filter((i) => i.platform === 'wecom' && i.active).map((i) => i.externalId);
    const cases: InboundEvent[] = [
      event(active[1]!),
      event(active[2]!, { kind: 'enter', text: undefined }),
      event(active[3]!, { kind: 'action', text: undefined, action: { actionId: 'help', payload: {} } }),
      event('nobody-here'),
      event(inactive),
    ];
    for (const e of cases) {
      const prepared = await handler.prepare!(t.database.db, e);
      expect(prepared).toBeInstanceOf(PreparedReplies);
      const inTransaction = await t.database.db.transaction((tx) => handler(tx, e));
      expect((prepared as PreparedReplies).replies).toEqual(inTransaction);
    }
  });

  it('leaves everything else to the transaction, with the sender already read', async () => {
    const sender = identities.filter((i) => i.platform === 'wecom' && i.active)[4]!.externalId;
    const e = event(sender, { text: '我的任务' });
    const prepared = await handler.prepare!(t.database.db, e);
    expect(prepared).not.toBeInstanceOf(PreparedReplies);
    const withPrepared = await t.database.db.transaction((tx) => handler(tx, e, prepared));
    const without = await t.database.db.transaction((tx) => handler(tx, e));
    expect(withPrepared).toEqual(without);
    expect(withPrepared.length).toBeGreaterThan(0);
  });

  it('leaves the sandbox (person ids, no identity rows) to the transaction', async () => {
    expect(await handler.prepare!(t.database.db, { ...event('1'), platform: 'sandbox' })).toBeUndefined();
  });
});
