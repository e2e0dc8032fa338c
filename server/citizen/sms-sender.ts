import type { Logger } from '../platform/log/logger';
import { maskPhone } from '../identity/checks';

/** Outbound SMS. The real providers (Aliyun, Tencent Cloud) live in integrations/sms. */
export interface SmsSender {
  /** `notificationId` (the outbox row id for notices) makes a redelivered job send nothing twice. */
  send(
    phone: string,
    template: 'verification_code' | 'ticket_received' | 'ticket_replied' | 'ticket_extended' | 'callback_link' | 'knowledge_answer',
    params: Record<string, string>,
    notificationId?: string,
  ): Promise<void>;
}

const BURST_LINES = 3;
const BURST_QUIET_MS = 2000;

/** The words of an SMS: the stored message template with its variables filled in, or the built-in text (texts/notice-texts.ts). */
export type SmsTextRenderer = (template: Parameters<SmsSender['send']>[1], params: Record<string, string>) => Promise<string>;

/**
 * Development sender: logs that a message went out (masked number, never the code) and keeps
 * the last messages, with the text a citizen would read, in memory so the demo and tests can read
 * them (GET /api/dev/sms, off in production).
 */
export class DevSmsSender implements SmsSender {
  readonly sent: { phone: string; template: string; params: Record<string, string>; text: string | null; at: Date }[] = [];
  private seen = new Set<string>();
  /** A burst (the demo's ~390 seeded notices at first start) logs one line per message only at debug, then one summary. */
  private burst = { count: 0, timer: null as NodeJS.Timeout | null };
  constructor(
    private log: Logger,
    private render?: SmsTextRenderer,
  ) {}
  async send(phone: string, template: Parameters<SmsSender['send']>[1], params: Record<string, string>, notificationId?: string) {
    if (notificationId) {
      if (this.seen.has(notificationId)) return;
      this.seen.add(notificationId);
    }
    const text = this.render ? await this.render(template, params) : null;
    this.sent.push({ phone, template, params, text, at: new Date() });
    if (this.sent.length > 1000) this.sent.shift();
    this.logSent(maskPhone(phone), template);
  }
  private logSent(to: string, template: string) {
    const b = this.burst;
    b.count++;
    if (b.count <= BURST_LINES) this.log.info({ to, template }, 'sms sent (dev sender)');
    else this.log.debug({ to, template }, 'sms sent (dev sender)');
    if (b.timer) clearTimeout(b.timer);
    b.timer = setTimeout(() => {
      if (b.count > BURST_LINES)
        this.log.info({ count: b.count, listedAtDebug: b.count - BURST_LINES }, `sms sent (dev sender): ${b.count} in a burst, the rest listed at debug level`);
      b.count = 0;
      b.timer = null;
    }, BURST_QUIET_MS);
    b.timer.unref();
  }
  /** What this number was sent, newest first (the dev sink). */
  messagesFor(phone: string) {
    return this.sent
      .filter((m) => m.phone === phone)
      .reverse()
      .map((m) => ({ template: m.template, text: m.text, at: m.at.toISOString() }));
  }
  lastCodeFor(phone: string): string | null {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i];
      if (m.phone === phone && m.template === 'verification_code') return m.params.code;
    }
    return null;
  }
}
