import type { Logger } from '../platform/log/logger';
import { maskPhone } from '../identity/checks';

/** Outbound SMS. The real providers (Aliyun, Tencent Cloud) live in integrations/sms. */
export interface SmsSender {
  /** `notificationId` (the outbox row id for notices) makes a redelivered job send nothing twice. */
  send(phone: string, template: 'verification_code' | 'ticket_received' | 'ticket_replied' | 'ticket_extended' | 'callback_link' | 'knowledge_answer', params: Record<string, string>,
    notificationId?: string): Promise<void>;
}

const BURST_LINES = 3;
const BURST_QUIET_MS = 2000;

/**
 * Development sender: logs that a message went out (masked number, never the code) and keeps
 * the last messages in memory so the demo and tests can read a code (GET /api/dev/sms, off in production).
 */
export class DevSmsSender implements SmsSender {
  readonly sent: { phone: string; template: string; params: Record<string, string>; at: Date }[] = [];
  private seen = new Set<string>();
  /** A burst (the demo's ~390 seeded notices at first start) logs one line per message only at debug, then one summary. */
  private burst = { count: 0, timer: null as NodeJS.Timeout | null };
  constructor(private log: Logger) {}
  async send(phone: string, template: Parameters<SmsSender['send']>[1], params: Record<string, string>, notificationId?: string) {
    if (notificationId) {
      if (this.seen.has(notificationId)) return;
      this.seen.add(notificationId);
    }
    this.sent.push({ phone, template, params, at: new Date() });
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
      if (b.count > BURST_LINES) this.log.info({ count: b.count, listedAtDebug: b.count - BURST_LINES }, `sms sent (dev sender): ${b.count} in a burst, the rest listed at debug level`);
      b.count = 0;
      b.timer = null;
    }, BURST_QUIET_MS);
    b.timer.unref();
  }
  lastCodeFor(phone: string): string | null {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i];
      if (m.phone === phone && m.template === 'verification_code') return m.params.code;
    }
    return null;
  }
}
