/**
 * The §8 template card constraints the fake WeCom enforces on message/send, returning WeCom's errcode for the
 * first violation (0 = fine). Not every rule of the real service — the ones our renderer could get wrong.
 */
const TASK_ID = /^[0-9A-Za-z_@-]{1,128}$/;
const INTERACTIVE = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);
const TYPES = new Set(['text_notice', 'news_notice', ...INTERACTIVE]);

export function checkTemplateCard(card: Record<string, unknown> | undefined): { errcode: number; errmsg: string } {
  const bad = (errcode: number, errmsg: string) => ({ errcode, errmsg });
  if (!card || typeof card !== 'object') return bad(40008, 'invalid message type: template_card missing');
  const type = card.card_type;
  if (typeof type !== 'string' || !TYPES.has(type)) return bad(40008, `invalid card_type ${String(type)}`);
  const taskId = card.task_id;
  if (INTERACTIVE.has(type) || card.action_menu) {
    if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) return bad(42014, 'task_id invalid');
  } else if (taskId !== undefined && (typeof taskId !== 'string' || !TASK_ID.test(taskId))) {
    return bad(42014, 'task_id invalid');
  }
  if ((type === 'text_notice' || type === 'news_notice') && !(card.card_action as { type?: number } | undefined)?.type) {
    return bad(42045, 'Template_Card.card_action missing or invalid');
  }
  const title = (card.main_title as { title?: string } | undefined)?.title;
  if (type === 'text_notice' && !title && !card.sub_title_text) return bad(44004, 'main_title.title or sub_title_text required');
  if (type === 'news_notice') {
    // §8: news_notice requires main_title and card_image or image_text_area; card_image.aspect_ratio is 1.3–2.25.
    if (!title) return bad(44004, 'news_notice main_title.title required');
    const image = card.card_image as { url?: unknown; aspect_ratio?: unknown } | undefined;
    if (!(typeof image?.url === 'string' && image.url !== '') && !card.image_text_area) return bad(40058, 'news_notice needs card_image or image_text_area');
    const ratio = image?.aspect_ratio;
    if (ratio !== undefined && (typeof ratio !== 'number' || !(ratio >= 1.3 && ratio <= 2.25))) return bad(40058, 'card_image.aspect_ratio must be 1.3–2.25');
  }
  const buttons = card.button_list as { key?: string; type?: number; url?: string }[] | undefined;
  if (type === 'button_interaction') {
    if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 6) return bad(42017, 'button_list must hold 1–6 buttons');
    const keys = buttons.filter((b) => b.type !== 1).map((b) => b.key);
    if (keys.some((k) => typeof k !== 'string' || k === '' || Buffer.byteLength(k) > 1024)) return bad(42018, 'button key invalid');
    if (new Set(keys).size !== keys.length) return bad(42018, 'button keys must be unique');
  }
  if ((type === 'vote_interaction' || type === 'multiple_interaction') && !(card.submit_button as { key?: string } | undefined)?.key) {
    return bad(42017, 'submit_button.key missing');
  }
  for (const list of ['horizontal_content_list', 'jump_list', 'vertical_content_list'] as const) {
    const max = list === 'horizontal_content_list' ? 6 : list === 'jump_list' ? 3 : 4;
    const v = card[list];
    if (v !== undefined && (!Array.isArray(v) || v.length > max)) return bad(40058, `${list} holds more than ${max}`);
  }
  return { errcode: 0, errmsg: 'ok' };
}

export function isInteractive(card: Record<string, unknown> | undefined): boolean {
  return typeof card?.card_type === 'string' && INTERACTIVE.has(card.card_type);
}
