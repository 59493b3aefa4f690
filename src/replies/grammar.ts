import { parseComplete, parseUndo } from './completion.js';
import { parseExtend, parseExtensionDecision } from './extension.js';
import type { Intent } from './intent.js';
import { parseMeetingHeld } from './meeting.js';
import { parseMute, parsePhrase } from './phrases.js';
import { parseScore, parseScoringStart } from './scoring.js';
import { HARD_NEGATION } from './target.js';

export interface RuleContext {
  now: Date;
  tz: string;
  /** The text as received, before normalisation (a negation hidden in a stripped @mention still counts). */
  raw: string;
}

export interface Rule {
  name: string;
  /** The intent the normalised text means, or null to let the next rule try. */
  parse(s: string, ctx: RuleContext): Intent | null;
}

/**
 * The grammar, tried in order; the first rule that recognises the whole text wins. Fixed phrases go first
 * (they are exact), then the commands with a fixed leading verb, then completions — last, because they are the
 * most forgiving and a wrong completion is worse than asking.
 */
export const GRAMMAR: readonly Rule[] = [
  { name: 'phrase', parse: (s) => parsePhrase(s) },
  { name: 'mute', parse: (s, c) => parseMute(s, c.now, c.tz) },
  { name: 'scoring_start', parse: (s) => parseScoringStart(s) },
  { name: 'score', parse: (s) => parseScore(s) },
  { name: 'extension_decision', parse: (s) => parseExtensionDecision(s) },
  { name: 'extend', parse: (s, c) => parseExtend(s, c.now, c.tz) },
  { name: 'undo', parse: (s) => parseUndo(s) },
  { name: 'meeting_held', parse: (s, c) => parseMeetingHeld(s, c.now, c.tz) },
  { name: 'complete', parse: (s, c) => (HARD_NEGATION.test(c.raw) ? null : parseComplete(s)) },
];
