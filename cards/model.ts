/**
 * The platform-neutral card model. Everything the product says to a person is a `Card`; adapters render it
 * for WeCom, DingTalk and the sandbox as pure functions. No platform detail lives here (ARCHITECTURE §2).
 */

/** Which product message this is; renderers may use it for styling, never for content decisions. */
export type CardKind =
  | 'monthly-topic'
  | 'checklist'
  | 'completion'
  | 'reminder'
  | 'org-life-reminder'
  | 'extension-request'
  | 'scoring-round'
  | 'scoring-sheet'
  | 'scoring-results'
  | 'leader-digest'
  | 'help';

export type ItemState = 'open' | 'done' | 'overdue' | 'extended';
export type ButtonStyle = 'primary' | 'secondary' | 'danger';

/** Small flat data carried by a button back to the server (e.g. `{ op: 'complete', task: 't-12' }`). */
export type ActionPayload = Readonly<Record<string, string>>;

export interface CardHeader {
  readonly title: string;
  readonly subtitle?: string;
  /** Who speaks, e.g. "机关党委" or "党建助手". */
  readonly source?: string;
}

export interface CardLink {
  readonly label: string;
  readonly url: string;
}

/** A button that calls back to the server. `reply` is the text a person may type instead (text-only platforms). */
export interface CallbackAction {
  readonly type: 'callback';
  readonly id: string;
  readonly label: string;
  readonly payload: ActionPayload;
  readonly style: ButtonStyle;
  readonly reply: string;
}

export interface LinkAction {
  readonly type: 'link';
  readonly label: string;
  readonly url: string;
}

export interface ChoiceOption {
  readonly id: string;
  readonly label: string;
  readonly selected?: boolean;
}

/** A single- or multi-choice question; answers are sent with the card's `submit` action. */
export interface ChoiceAction {
  readonly type: 'choice';
  readonly id: string;
  readonly title: string;
  readonly multiple: boolean;
  readonly options: readonly ChoiceOption[];
}

export interface SubmitAction {
  readonly type: 'submit';
  readonly id: string;
  readonly label: string;
  readonly payload: ActionPayload;
}

export type CardAction = CallbackAction | LinkAction | ChoiceAction | SubmitAction;

export interface CardItem {
  /** 1-based position a person can reply with ("完成 2"). */
  readonly no: number;
  readonly title: string;
  readonly state: ItemState;
  /** Short extra, e.g. "截止 11-30". */
  readonly detail?: string;
  /** Per-item button (e.g. 已学习 / 完成); dropped in favour of a reply hint where buttons run out. */
  readonly action?: CallbackAction;
}

export type CardBlock =
  | { readonly type: 'emphasis'; readonly figure: string; readonly label: string }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'fields'; readonly fields: readonly CardField[] }
  | {
      readonly type: 'items';
      readonly items: readonly CardItem[];
      /** Verb of the text reply for item actions ("完成", "已学习"); used in "回复序号即可" hints. */
      readonly replyVerb?: string;
    }
  | {
      readonly type: 'image';
      readonly url: string;
      readonly alt: string;
      /** Width / height of the image, when known; platforms that frame images (WeCom card_image) use it. */
      readonly aspectRatio?: number;
    };

export interface CardField {
  readonly label: string;
  readonly value: string;
  readonly url?: string;
}

export interface Card {
  readonly kind: CardKind;
  /** Idempotency key of this card instance; platform ids (task_id, outTrackId) derive from it. */
  readonly key: string;
  readonly header: CardHeader;
  readonly blocks: readonly CardBlock[];
  /** Card-level actions in display order (item actions live on the items). */
  readonly actions: readonly CardAction[];
  /** The H5 page the whole card opens; where anything that does not fit stays reachable. */
  readonly link?: CardLink;
  /** Status line of an updated card, e.g. "✓ 已完成 11-22 09:31". */
  readonly status?: string;
  /** Plain text saying everything the card says; always present (see fallback-text.ts). */
  readonly fallbackText: string;
}

/** Per-person state of a card shown in a group (e.g. "你已提交"); rendered as private data where supported. */
export interface PersonalCardState {
  readonly status?: string;
  /** Ids of callback actions this person may no longer use. */
  readonly doneActionIds?: readonly string[];
}
