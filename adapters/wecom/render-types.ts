/** Raw WeCom template card shapes (wecom.md §8); field order follows the doc so the XML mirror (§5) matches. */
export type WecomCardType = 'text_notice' | 'news_notice' | 'button_interaction' | 'vote_interaction' | 'multiple_interaction';

export interface WecomSource { desc: string; desc_color: number }
export interface WecomMainTitle { title: string; desc?: string }
export interface WecomHorizontalContent { keyname: string; value: string; type?: number; url?: string }
export interface WecomJump { type: number; title: string; url: string }
export interface WecomOption { id: string; text: string }
export interface WecomSelection { question_key: string; title?: string; selected_id?: string; option_list: WecomOption[] }
export type WecomButton = { text: string; style: number; key: string } | { text: string; type: 1; url: string };

export interface WecomTemplateCard {
  card_type: WecomCardType;
  source?: WecomSource;
  task_id: string;
  main_title?: WecomMainTitle;
  emphasis_content?: { title: string; desc?: string };
  card_image?: { url: string; aspect_ratio?: number };
  sub_title_text?: string;
  vertical_content_list?: { title: string; desc?: string }[];
  horizontal_content_list?: WecomHorizontalContent[];
  jump_list?: WecomJump[];
  card_action?: { type: 1; url: string };
  button_selection?: WecomSelection;
  button_list?: WecomButton[];
  checkbox?: { question_key: string; option_list: (WecomOption & { is_checked: boolean })[]; mode: 0 | 1 };
  select_list?: WecomSelection[];
  submit_button?: { text: string; key: string };
  /** update_template_card only: grey unclickable button text (§8 table, SDK-only). */
  replace_text?: string;
}
