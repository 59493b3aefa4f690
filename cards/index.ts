export type * from './model.js';
export { utf8Bytes, truncateUtf8, ellipsizeUtf8, ellipsizeChars, ELLIPSIS } from './utf8.js';
export { encodeActionRef, decodeActionRef, type DecodedActionRef } from './action-ref.js';
export { boundedId } from './stable-id.js';
export { ITEM_STATE_LABEL, ITEM_STATE_MARK, formatItemLine, formatField, formatShortTime, formatStatusLine, replyHint, itemsOf, itemActions } from './format.js';
export { renderFallbackText } from './fallback-text.js';
export { fitActions, type ActionCapacity, type FittedActions } from './fit.js';
export { validateCard } from './validate.js';
export { makeCard } from './builders/make-card.js';
export { buildMonthlyTopicCard, type MonthlyTopicInput } from './builders/monthly-topic.js';
export { buildChecklistCard, buildCompletionCard, type ChecklistInput, type ChecklistItemInput, type CompletionInput } from './builders/checklist.js';
export {
  buildReminderCard, buildOrgLifeReminderCard, buildExtensionRequestCard,
  type ReminderInput, type ReminderItemInput, type OrgLifeReminderInput, type ExtensionRequestInput,
} from './builders/reminders.js';
export {
  buildScoringRoundCard, buildScoringSheetCard, buildScoringResultsCard, stars,
  type ScoringRoundInput, type ScoringSheetInput, type ScoringResultsInput, type BranchLevel,
} from './builders/scoring.js';
export {
  buildScoringInviteCard, buildQuickScoreCard, buildScoringReviewCard, buildBranchReportCard, quickScoreEligible, QUICK_ITEM_PREFIX,
  type ScoringInviteInput, type QuickScoreInput, type ScoringReviewInput, type BranchReportInput,
} from './builders/scoring-flow.js';
export { buildLeaderDigestCard, buildHelpCard, type LeaderDigestInput, type HelpInput, type HelpRole } from './builders/digest-help.js';
export { fitLines } from './fit-lines.js';
export { renderMarkdown, escapeMarkdown, markdownLink, markdownUrl, type MarkdownOptions } from './markdown.js';
