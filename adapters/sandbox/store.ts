import { and, asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../src/db/client.js';
import { sandboxMessages } from '../../src/db/schema/index.js';
import type { Card } from '../../cards/model.js';

/** Conversation keys: `person:<personId>` for a 1:1 chat with the bot, `chat:<chatExternalId>` for a group. */
export const personConversation = (personId: string | number): string => `person:${personId}`;
export const chatConversation = (chatId: string): string => `chat:${chatId}`;

export interface SandboxMessageInput {
  conversation: string;
  direction: 'in' | 'out';
  party: string;
  text?: string | null;
  card?: Card | null;
  html?: string | null;
  ref?: string | null;
}

export async function insertSandboxMessages(db: DbOrTx, items: SandboxMessageInput[], at: Date): Promise<number[]> {
  if (items.length === 0) return [];
  const res = await db
    .insert(sandboxMessages)
    .values(items.map((m) => ({ ...m, text: m.text ?? null, card: m.card ?? null, html: m.html ?? null, ref: m.ref ?? null, createdAt: at })))
    .onConflictDoNothing()
    .returning({ id: sandboxMessages.id });
  return res.map((r) => r.id);
}

export async function listSandboxMessages(db: DbOrTx, conversation: string, afterId: number, limit: number) {
  return db
    .select()
    .from(sandboxMessages)
    .where(and(eq(sandboxMessages.conversation, conversation), gt(sandboxMessages.id, afterId)))
    .orderBy(asc(sandboxMessages.id))
    .limit(limit);
}
