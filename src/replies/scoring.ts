import { makeIntent, type Intent } from './intent.js';
import { parsePoints } from './numbers.js';
import { QUESTION } from './target.js';

/**
 * 互观互检 in a group chat: "开始互观互检 2026年第四季度" (title = the rest), and a secretary's score for a
 * branch: "二支部 85", "给二支部打85.5分", "第三支部：90分", "3支部 88". Progress and close are plain phrases
 * (see phrases.ts).
 */
const START_RE = /^(?:开始|发起|启动|开启)\s*(?:本次|新一轮|一轮)?\s*(?:互观互检|互看互检|互检)(?:\s*[:：]?\s*(.*))?$/u;

export function parseScoringStart(s: string): Intent | null {
  const m = START_RE.exec(s);
  if (!m || QUESTION.test(s)) return null;
  const title = m[1]?.trim().replace(/^[“"《]|[”"》]$/gu, '') || null;
  return makeIntent('scoring_start', { title });
}

const SCORE_RE = /^(?:给|为|对)?\s*(\S{0,16}?(?:党支部|支部))\s*(?:打分|评分|得分|打|评|给|[:：])?\s*(\d{1,3}(?:\.\d{1,2})?|[一二两三四五六七八九十]{1,3}|一百)\s*分?$/u;

export function parseScore(s: string): Intent | null {
  if (QUESTION.test(s)) return null;
  const m = SCORE_RE.exec(s);
  if (!m) return null;
  const target = m[1]!;
  const points = parsePoints(m[2]!);
  if (points === null || points > 1000) return null;
  if (/给|为|对/u.test(target.slice(0, 1))) return null;
  return makeIntent('score', { target, points });
}
