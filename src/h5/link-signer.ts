import type { Clock } from '../domain/clock.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import { DEFAULT_LINK_TTL_SECONDS, signToken } from './signed-link.js';

/** The core's LinkSigner: absolute URLs under PUBLIC_BASE_URL with a person-bound, expiring token. */
export function linkSigner(opts: { secret: string; publicBaseUrl: string; clock: Clock; ttlSeconds?: number }): LinkSigner {
  const link = (path: string, personId: number, resource: string): string => {
    const expiresAt = Math.floor(opts.clock.now().getTime() / 1000) + (opts.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS);
    return `${opts.publicBaseUrl}${path}?t=${signToken(opts.secret, { personId, resource, expiresAt })}`;
  };
  return {
    checklist: (personId) => link('/h5/checklist', personId, 'checklist'),
    topic: (personId, month) => `${link('/h5/topic', personId, `topic:${month}`)}&m=${month}`,
    extension: (personId, _id) => link('/h5/checklist', personId, 'checklist'),
    help: () => `${opts.publicBaseUrl}/h5/help`,
  };
}
