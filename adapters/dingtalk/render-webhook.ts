import type { DingtalkRobotMessage } from './render-action-card.js';

/**
 * An OpenAPI robot message (msgKey + msgParam, §3.3) → the body of a sessionWebhook reply (custom-robot format, §3.2).
 * Pure. actionCard over sessionWebhook is community practice, not a primary doc (§3.2, unconfirmed); a failure there
 * falls back to the OpenAPI send, so the worst case is one wasted call.
 */
export function renderSessionWebhookBody(msg: DingtalkRobotMessage): Record<string, unknown> {
  const p = JSON.parse(msg.msgParam) as Record<string, string>;
  switch (msg.msgKey) {
    case 'sampleText':
      return { msgtype: 'text', text: { content: p.content ?? '' } };
    case 'sampleMarkdown':
      return { msgtype: 'markdown', markdown: { title: p.title ?? '', text: p.text ?? '' } };
    case 'sampleActionCard':
      return { msgtype: 'actionCard', actionCard: { title: p.title ?? '', text: p.text ?? '', singleTitle: p.singleTitle ?? '', singleURL: p.singleURL ?? '' } };
    case 'sampleActionCard6':
      // §3.3: two horizontal buttons → btnOrientation "1".
      return { msgtype: 'actionCard', actionCard: { title: p.title ?? '', text: p.text ?? '', btnOrientation: '1', btns: [
        { title: p.buttonTitle1 ?? '', actionURL: p.buttonUrl1 ?? '' }, { title: p.buttonTitle2 ?? '', actionURL: p.buttonUrl2 ?? '' },
      ] } };
    default: {
      const n = /^sampleActionCard([2-5])$/.exec(msg.msgKey)?.[1];
      if (!n) throw new Error(`no sessionWebhook form for ${msg.msgKey}`);
      const btns = Array.from({ length: Number(n) }, (_, i) => ({ title: p[`actionTitle${i + 1}`] ?? '', actionURL: p[`actionURL${i + 1}`] ?? '' }));
      // §3.3: sampleActionCard2…5 are vertical → btnOrientation "0".
      return { msgtype: 'actionCard', actionCard: { title: p.title ?? '', text: p.text ?? '', btnOrientation: '0', btns } };
    }
  }
}

/** A plain text reply as an OpenAPI robot message (§3.3 `sampleText`: msgParam `{content}`). */
export function renderDingtalkText(text: string): DingtalkRobotMessage {
  return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: text }) };
}
