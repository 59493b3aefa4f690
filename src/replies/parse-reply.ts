import { todayIn } from './dates.js';
import { GRAMMAR } from './grammar.js';
import { makeIntent, type Intent } from './intent.js';
import { normalizeReply } from './normalize.js';

export type { Intent, IntentName } from './intent.js';

/**
 * Text → intent. `now` and `tz` (the business time zone, e.g. Asia/Shanghai) resolve dates such as 下周五.
 * Anything unclear is `unknown`: the bot answers with a question or help rather than guess, because a wrong
 * record is worse than a question. Throws RangeError for an unknown time zone.
 */
export function parseReply(text: string, now: Date, tz: string): Intent {
  todayIn(now, tz); // validates tz even when the text has no date, so a misconfiguration shows at once
  const s = normalizeReply(text);
  if (s === '' || s.length > 2000) return makeIntent('unknown');
  for (const rule of GRAMMAR) {
    const intent = rule.parse(s, { now, tz, raw: text });
    if (intent) return intent;
  }
  return makeIntent('unknown');
}
