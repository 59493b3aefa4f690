import type { ChecklistStore } from '../checklist/ports.js';
import type { Card } from '../../../cards/model.js';
import type { PlatformId } from '../messaging/types.js';
import type { ScoringStore } from '../scoring/ports.js';
import type { DigestStore } from '../digest/raw.js';

export type RoleName = 'member' | 'secretary' | 'committee_member' | 'admin' | 'leader';

/** A person as the conversation sees them. */
export interface PersonView {
  id: number;
  name: string;
  unitId: number;
  unitName: string;
  /** The 党支部 the person belongs to (their unit, or the branch above their 党小组); null at 机关党委 level. */
  branchId: number | null;
  branchName: string | null;
  roles: RoleName[];
}

export interface PeopleDirectory {
  byPlatformIdentity(platform: PlatformId, externalId: string): Promise<PersonView | undefined>;
}

/** Signed, person-bound, expiring H5 links (built outside the core, which holds no secret). */
export interface LinkSigner {
  checklist(personId: number): string;
  topic(personId: number, month: string): string;
  extension(personId: number, extensionId: number): string;
  help(): string;
  /** A scorer's sheets in a round (list, and each sheet with `&b=<branch>`); expires when the round closes. */
  scoringSheets(personId: number, roundId: number, expiresAt: Date): string;
  /** One branch's detailed result, for its secretary (or an admin: branchId null = every branch). */
  scoringReport(personId: number, roundId: number, branchId: number | null): string;
  /** Counts only (shown to a group), bound to the person the card was made for. */
  scoringProgress(personId: number, roundId: number): string;
  /** A leader's digest detail page for a day (YYYY-MM-DD): the figures of their scope, charts, drill-down. */
  digest(personId: number, date: string): string;
  /**
   * The digest's chart as a PNG for card images (WeCom news_notice), signed for that leader and day; null when
   * this server cannot draw Chinese text (no CJK font) — the card then stays text, never an image of tofu boxes.
   */
  digestChart(personId: number, date: string): string | null;
  /** A single-use sign-in link to the admin console for this person (valid 10 minutes). */
  adminSignIn(personId: number): string;
  /** 年中查账 / 年底交账 of a year, limited to what the person may see (admins all, leaders their scope, secretaries their branch). */
  yearReport(personId: number, kind: 'midyear' | 'yearend', year: number): string;
}

/**
 * Messages keyed by the card's own key rather than by the event — sent once however many events ask for them
 * (a day's nudge) — and posts to a group chat other than the one an event came from (results published from a
 * private card). WeCom's smart bot can only answer in a group (within an hour of being asked), so
 * `canPostToChat` is false there. Enqueued in the handling transaction.
 */
export interface DirectSender {
  canPostToChat(platform: PlatformId): boolean;
  /** How many single-choice questions (with a submit button) the platform's cards show; 0 = none. */
  choiceQuestions(platform: PlatformId): number;
  toChat(platform: PlatformId, chatExternalId: string, card: Card): Promise<void>;
  /** False when the person cannot be reached on that platform. */
  toPerson(platform: PlatformId, personId: number, card: Card): Promise<boolean>;
}

/** What a handler may use; bound to the transaction that also records the event as handled. */
export interface ConversationPorts {
  people: PeopleDirectory;
  checklist: ChecklistStore;
  scoring: ScoringStore;
  /** Leaders' digest figures, snapshots and preferences ("今日简报", "简报无异常时不发"). */
  digest: DigestStore;
  direct: DirectSender;
  links: LinkSigner;
  now: Date;
  timezone: string;
}
