/**
 * Every DingTalk limit the renderers obey, each with its source. "§n" = /work/shared/docs/platforms/dingtalk.md.
 * Entries marked "ours" are choices of our generic card template (cards/README.md), not platform rules.
 */
export const DINGTALK_LIMITS = {
  /** §4.1: cardParamMap key ≤ 100 bytes. */
  cardParamKeyBytes: 100,
  /** §4.1, §9.10: cardParamMap value ≤ 1 KB (strictness for markdown unconfirmed; we hold every value to it). */
  cardParamValueBytes: 1024,
  /** §3.3: group-send msgParam ≤ 15 000 bytes; we hold 1:1 batchSend to the same figure (its own limit is undocumented). */
  msgParamBytes: 15_000,
  /** §3.3: sampleActionCard2…5 carry 2…5 vertical buttons; sampleActionCard6 exactly 2 horizontal. */
  actionCardButtons: 5,
  horizontalButtons: 2,
  /** §4.2: outTrackId ≤ 100 chars (legacy doc), ≤ 64 recommended; charset undocumented, we keep to `[0-9A-Za-z_@-]`. */
  outTrackIdBytes: 64,
  outTrackIdChar: /^[0-9A-Za-z_@-]$/,
  /** ours: buttons and links the generic template shows below the body (item buttons are inline, per item). */
  templateButtons: 4,
  templateLinks: 3,
} as const;
