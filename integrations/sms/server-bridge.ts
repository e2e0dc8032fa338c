/**
 * Bridges the server's `SmsSender` (server/citizen/sms-sender.ts: send(phone, template, params))
 * to the dispatcher, structurally, so integrations never imports from server/. Template names
 * map to ours (channels.md §4.1): verification_code → verify_code, ticket_received → accepted,
 * ticket_replied → closed, ticket_extended → extended, callback_link → callback_survey.
 */
import { randomUUID } from 'node:crypto';
import type { SmsDispatcher } from './dispatcher';
import { SmsProviderError, type TemplateKey } from './types';

export const SERVER_TEMPLATE_MAP = {
  verification_code: 'verify_code',
  ticket_received: 'accepted',
  ticket_replied: 'closed',
  ticket_extended: 'extended',
  callback_link: 'callback_survey',
  knowledge_answer: 'knowledge_answer',
} as const satisfies Record<string, TemplateKey>;

export function smsSenderFrom(dispatcher: SmsDispatcher) {
  return {
    /**
     * `notificationId` should be the outbox row id; the server's interface has none yet, so a
     * fresh id is minted and a retried outbox job could send twice (README, Known gaps).
     */
    async send(phone: string, template: keyof typeof SERVER_TEMPLATE_MAP, params: Record<string, string>, notificationId = randomUUID(), text?: string) {
      const r = await dispatcher.send({ to: [phone], template: SERVER_TEMPLATE_MAP[template], params, notificationId, ...(text ? { text } : {}) });
      if (!r.duplicate && r.rejected.length > 0) throw new SmsProviderError('dispatcher', r.rejected[0].code, 'message rejected');
    },
  };
}
