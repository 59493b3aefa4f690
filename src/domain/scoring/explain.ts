import { formatCents, formatNumber, formatRatio, formatShare, type Ratio } from './numbers.js';
import { CLASS_LABELS, starLabel, type AggregationPolicy } from './policy.js';
import type { Placement } from './ranking.js';

/**
 * The Chinese sentence that shows how a branch's result was computed, e.g.
 *   互评 93、91、90、88、85 → 去掉最高 93 和最低 85 → 平均 89.67 × 0.7；机关党委点评 92 × 0.3 → 总分 90.37 → 四星，先进
 * Numbers are rounded to two decimals for the text only; the computation is exact.
 */

export interface ExplainInput {
  /** Peer sheet totals in hundredths, high → low. */
  peerCents: readonly number[];
  droppedHighest: readonly number[];
  droppedLowest: readonly number[];
  trimmed: boolean;
  peerMean: Ratio | null;
  committeeCents: number | null;
  total: Ratio | null;
  placement: Placement | null;
}

const list = (cents: readonly number[]): string => cents.map(formatCents).join('、');

export function explainBranch(policy: AggregationPolicy, x: ExplainInput): string {
  if (x.peerCents.length === 0 || x.peerMean === null || x.total === null || x.placement === null) return '尚无互评分，不参与评定';
  const { minScores, dropHighest, dropLowest } = policy.trim;
  let text = `互评 ${list(x.peerCents)}`;
  if (x.trimmed) {
    const parts: string[] = [];
    if (x.droppedHighest.length > 0) parts.push(`最高 ${list(x.droppedHighest)}`);
    if (x.droppedLowest.length > 0) parts.push(`最低 ${list(x.droppedLowest)}`);
    if (parts.length > 0) text += ` → 去掉${parts.join(' 和')}`;
    text += ' → ';
  } else if (dropHighest + dropLowest > 0 && x.peerCents.length > 1) {
    text += `（共${x.peerCents.length}份，不足${minScores}份，不去掉最高和最低分）→ `;
  } else {
    text += ' → ';
  }
  text += `平均 ${formatRatio(x.peerMean)}`;
  if (policy.weights === 'peers-only') text += ` → 总分 ${formatRatio(x.total)}`;
  else {
    const committee = x.committeeCents === null ? '—' : formatCents(x.committeeCents);
    text += ` × ${formatNumber(policy.weights.peers)}；机关党委点评 ${committee} × ${formatNumber(policy.weights.committee)} → 总分 ${formatRatio(x.total)}`;
  }
  return `${text} → ${starsText(x.placement)}，${classText(x.placement)}`;
}

function starsText(p: Placement): string {
  if (p.quotaSteps.length === 0) return starLabel(p.stars);
  const caps = p.quotaSteps.map((s) => `${starLabel(s.from)}名额至多 ${s.cap} 个（${formatShare(s.share)}）`).join('，');
  return `达到${starLabel(p.thresholdStars)}分数线，但${caps}，按排名评为${starLabel(p.stars)}`;
}

function classText(p: Placement): string {
  const label = CLASS_LABELS[p.class];
  if (p.classReason === 'over-quota') return `${label}（达到先进分数线，但先进名额至多 ${p.classCount ?? 0} 个）`;
  if (p.classReason === 'min-share') return `${label}（后进至少 ${p.classCount ?? 0} 个，按排名确定）`;
  return label;
}
