import { ValidationError } from '../src/errors.js';
import type { CallbackAction, Card, ChoiceAction, LinkAction, SubmitAction } from './model.js';
import { itemActions, replyHint } from './format.js';

/**
 * What a platform surface can show, given by the adapter from its limits table (numbers live there, the
 * degradation rules live here so every platform degrades the same way).
 */
export interface ActionCapacity {
  /** Buttons available for callbacks (and for links when `linksShareButtons`). */
  readonly buttonSlots: number;
  /** Separate slots for links (e.g. WeCom jump_list); ignored when `linksShareButtons`. */
  readonly linkSlots: number;
  readonly linksShareButtons: boolean;
  /** Whether the submit action takes a button slot. */
  readonly submitUsesButton: boolean;
  /** False where a tap cannot reach the server (e.g. DingTalk action cards in a group). */
  readonly callbacks: boolean;
  /** Whether these questions can be shown as they are. */
  readonly questions: (questions: readonly ChoiceAction[]) => boolean;
}

export interface FittedActions {
  /** Callback buttons in display order: item buttons (when shown) first, then card-level ones. */
  readonly buttons: readonly CallbackAction[];
  readonly itemButtons: boolean;
  readonly links: readonly LinkAction[];
  readonly questions: readonly ChoiceAction[];
  readonly submit?: SubmitAction;
  /** Lines to show instead of what did not fit (reply hints, "open the form" hints). */
  readonly hints: readonly string[];
}

/**
 * Fit a card's actions into a surface. Never drops anything silently: what does not fit becomes a visible
 * hint plus the card's H5 link. Throws ValidationError when a card cannot be degraded (no link to fall back
 * on, or card-level actions alone exceed the surface).
 */
export function fitActions(card: Card, cap: ActionCapacity): FittedActions {
  const hints: string[] = [];
  const needLink = (why: string): void => {
    if (!card.link) throw new ValidationError(`卡片 ${card.key} 放不下${why}，且没有可退回的详情链接`, { key: card.key, why });
  };
  let cardButtons = card.actions.filter((a): a is CallbackAction => a.type === 'callback');
  let items = itemActions(card);
  let links = card.actions.filter((a): a is LinkAction => a.type === 'link');
  let questions = card.actions.filter((a): a is ChoiceAction => a.type === 'choice');
  let submit = card.actions.find((a): a is SubmitAction => a.type === 'submit');

  if (!cap.callbacks) {
    if (items.length > 0) hints.push(replyHint(card) ?? '');
    for (const a of cardButtons) hints.push(`回复“${a.reply}”即可${a.label}`);
    cardButtons = [];
    items = [];
  }
  if (questions.length > 0 && (!cap.callbacks || !cap.questions(questions))) {
    needLink('选择题');
    hints.push(`请点“${card.link?.label ?? ''}”作答`);
    questions = [];
    submit = undefined;
  }
  let free = cap.buttonSlots - cardButtons.length - (submit && cap.submitUsesButton ? 1 : 0);
  if (free < 0) {
    throw new ValidationError(`卡片 ${card.key} 的按钮过多（${cap.buttonSlots - free} > ${cap.buttonSlots}）`, {
      key: card.key, buttons: cap.buttonSlots - free, max: cap.buttonSlots,
    });
  }
  const linkRoom = cap.linksShareButtons ? free : cap.linkSlots;
  if (links.length > linkRoom) {
    needLink('全部链接');
    const keep = Math.max(0, linkRoom - 1);
    hints.push(`另有 ${links.length - keep} 个链接，见“${card.link?.label ?? ''}”`);
    links = [...links.slice(0, keep), ...(linkRoom > 0 && card.link ? [{ type: 'link' as const, ...card.link }] : [])];
  }
  if (cap.linksShareButtons) free -= links.length;
  const itemButtons = items.length > 0 && items.length <= free;
  if (items.length > 0 && !itemButtons) {
    needLink('逐项按钮');
    hints.push(replyHint(card) ?? '');
  }
  return {
    buttons: [...(itemButtons ? items : []), ...cardButtons],
    itemButtons,
    links,
    questions,
    ...(submit ? { submit } : {}),
    hints: hints.filter((h) => h !== ''),
  };
}
