/** Dev/test provider: renders our template text and hands it to a sink instead of a vendor. */
import { normalizeCnMobile, TEMPLATE_TEXTS, type SmsProvider, type SmsSendRequest, type SmsSendResult } from './types';

export function renderTemplate(key: keyof typeof TEMPLATE_TEXTS, params: Record<string, string>): string {
  return TEMPLATE_TEXTS[key].text.replace(/\$\{(\w+)\}/g, (_m, k: string) => params[k] ?? '');
}

export class LogSmsProvider implements SmsProvider {
  readonly id = 'log' as const;
  private n = 0;
  /** `sink` receives every message; it is the only place a verification code appears (tests read it). */
  constructor(private sink: (m: { to: string; text: string; notificationId: string }) => void) {}
  async send(req: SmsSendRequest) {
    const providerMsgIds: Record<string, string> = {};
    const rejected: SmsSendResult['rejected'] = [];
    for (const to of req.to) {
      // Same number check as the real vendors, so dev/test behaves like production.
      if (!normalizeCnMobile(to)) {
        rejected.push({ phone: to, code: 'INVALID_NUMBER' });
        continue;
      }
      this.sink({ to, text: req.text ?? renderTemplate(req.template, req.params), notificationId: req.notificationId });
      providerMsgIds[to] = `log-${++this.n}`;
    }
    return { providerMsgIds, rejected };
  }
  parseReceipts() {
    return [];
  }
  receiptAck() {
    return { status: 200, body: { ok: true } };
  }
}
