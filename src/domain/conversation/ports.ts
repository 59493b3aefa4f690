import type { PlatformId } from '../messaging/types.js';

export type RoleName = 'member' | 'secretary' | 'committee_member' | 'admin' | 'leader';

/** A person as the conversation sees them. */
export interface PersonView {
  id: number;
  name: string;
  unitId: number;
  unitName: string;
  roles: RoleName[];
}

export interface PeopleDirectory {
  byPlatformIdentity(platform: PlatformId, externalId: string): Promise<PersonView | undefined>;
}

/** What a handler may use; bound to the transaction that also records the event as handled. */
export interface ConversationPorts {
  people: PeopleDirectory;
  /** Public base URL for links in cards (H5 pages). */
  publicBaseUrl: string;
  now: Date;
  timezone: string;
}
