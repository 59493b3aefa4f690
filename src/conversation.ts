import { sql } from 'drizzle-orm';
import type { Db } from './db/client.js';
import { rows } from './db/migrate.js';
import { checklistStore } from './db/repositories/checklist-store.js';
import { digestStore } from './db/repositories/digest-store.js';
import { PERSON_VIEW_COLUMNS, peopleDirectory, toPersonView, type PersonViewRow } from './db/repositories/people-directory.js';
import { scoringStore } from './db/repositories/scoring-store.js';
import { StatementBatcher } from './db/statement-batcher.js';
import type { Clock } from './domain/clock.js';
import type { LinkSigner, PeopleDirectory, PersonView } from './domain/conversation/ports.js';
import { handleConversation, storeFreeReplies } from './domain/conversation/handle-event.js';
import type { PlatformId } from './domain/messaging/types.js';
import { PreparedReplies, type EventHandler } from './inbox/handle-inbound.js';
import { directSender } from './outbox/direct-sender.js';

/**
 * Binds the conversation router's ports to the handling transaction. Every event starts by looking up its
 * sender; that read runs before the transaction (`prepare`), shared by the events that arrive together, and
 * the events whose answer needs nothing else (help, the welcome, an unknown sender) are answered there.
 */
export function conversationHandler(opts: { links: LinkSigner; timezone: string; clock: Clock }): EventHandler {
  const handler: EventHandler = (tx, event, prepared) => {
    const now = opts.clock.now();
    const people = peopleDirectory(tx);
    return handleConversation(event, {
      people: prepared instanceof KnownSender ? prepared.directory(people) : people,
      checklist: checklistStore(tx),
      scoring: scoringStore(tx),
      digest: digestStore(tx, { timezone: opts.timezone }),
      direct: directSender(tx, () => now),
      links: opts.links,
      now,
      timezone: opts.timezone,
    });
  };
  handler.prepare = async (db, event) => {
    // The sandbox's ids are person ids (no identity rows): looked up in the transaction as before.
    if (event.platform === 'sandbox') return undefined;
    const person = await senderLookup(db).submit({ platform: event.platform, externalId: event.senderId });
    // Help, the welcome, an unknown sender: answered from the sender alone, without a transaction.
    const replies = storeFreeReplies(event, person, { links: opts.links, now: opts.clock.now(), timezone: opts.timezone });
    return replies ? new PreparedReplies(replies) : new KnownSender(event.platform, event.senderId, person);
  };
  return handler;
}

/** The sender of an event as read before its handling (undefined: nobody active has that identity). */
class KnownSender {
  constructor(
    readonly platform: PlatformId,
    readonly externalId: string,
    readonly person: PersonView | undefined,
  ) {}

  /** Answers for this identity from what was read; asks `fallback` (the transaction) for any other. */
  directory(fallback: PeopleDirectory): PeopleDirectory {
    return {
      byPlatformIdentity: (platform, externalId) =>
        platform === this.platform && externalId === this.externalId ? Promise.resolve(this.person) : fallback.byPlatformIdentity(platform, externalId),
    };
  }
}

interface SenderKey {
  platform: PlatformId;
  externalId: string;
}

/** Identities looked up per statement. */
const MAX_LOOKUPS = 200;

const lookups = new WeakMap<Db, StatementBatcher<SenderKey, PersonView | undefined>>();

function senderLookup(db: Db): StatementBatcher<SenderKey, PersonView | undefined> {
  let b = lookups.get(db);
  if (!b) {
    b = new StatementBatcher((keys) => peopleByIdentity(db, keys), { maxBatch: MAX_LOOKUPS, maxInFlight: 2 });
    lookups.set(db, b);
  }
  return b;
}

/**
 * `peopleDirectory(db).byPlatformIdentity` for many identities in one statement: the same columns and the same
 * mapping as src/db/repositories/people-directory.ts (test/integration/conversation-prepare.test.ts compares
 * the two for every person).
 */
export async function peopleByIdentity(db: Db, keys: readonly SenderKey[]): Promise<(PersonView | undefined)[]> {
  const json = JSON.stringify(keys.map((k, i) => ({ i, platform: k.platform, external_id: k.externalId })));
  const found = rows<PersonViewRow & { i: number }>(
    await db.execute(sql`
      select k.i, ${PERSON_VIEW_COLUMNS}
      from jsonb_to_recordset(${json}::jsonb) as k(i int, platform platform_name, external_id text)
      join platform_identities pi on pi.platform = k.platform and pi.external_id = k.external_id
      join people p on p.id = pi.person_id
      join org_units u on u.id = p.unit_id
      left join org_units pu on pu.id = u.parent_id`),
  );
  const out: (PersonView | undefined)[] = keys.map(() => undefined);
  for (const p of found) out[Number(p.i)] = toPersonView(p);
  return out;
}
