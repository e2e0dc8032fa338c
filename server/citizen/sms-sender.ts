import type { Logger } from '../platform/log/logger';
import { maskPhone } from '../identity/checks';

/** Outbound SMS. The real providers (Aliyun, Tencent Cloud) live in integrations/sms. */
export interface SmsSender {
  /** `notificationId` (the outbox row id for notices) makes a redelivered job send nothing twice. */
  send(phone: string, template: 'verification_code' | 'ticket_received' | 'ticket_replied' | 'ticket_extended' | 'callback_link', params: Record<string, string>,
    notificationId?: string): Promise<void>;
}

/**
 * Development sender: logs that a message went out (masked number, never the code) and keeps
 * the last messages in memory so the demo and tests can read a code (GET /api/dev/sms, off in production).
 */
export class DevSmsSender implements SmsSender {
  readonly sent: { phone: string; template: string; params: Record<string, string>; at: Date }[] = [];
  private seen = new Set<string>();
  constructor(private log: Logger) {}
  async send(phone: string, template: Parameters<SmsSender['send']>[1], params: Record<string, string>, notificationId?: string) {
    if (notificationId) {
      if (this.seen.has(notificationId)) return;
      this.seen.add(notificationId);
    }
    this.sent.push({ phone, template, params, at: new Date() });
    if (this.sent.length > 1000) this.sent.shift();
    this.log.info({ to: maskPhone(phone), template }, 'sms sent (dev sender)');
  }
  lastCodeFor(phone: string): string | null {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i];
      if (m.phone === phone && m.template === 'verification_code') return m.params.code;
    }
    return null;
  }
}
