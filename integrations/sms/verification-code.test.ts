import { describe, expect, it } from 'vitest';
import { MemoryRateLimit } from '../shared/test-fixtures';
import { LogSmsProvider } from './log-provider';
import { SmsCodeService, type SmsCodeStore, type StoredCode } from './verification-code';

class MemoryCodeStore implements SmsCodeStore {
  m = new Map<string, StoredCode>();
  async get(k: string) {
    return this.m.get(k) ?? null;
  }
  async set(k: string, v: StoredCode) {
    this.m.set(k, { ...v });
  }
  async incrementAttempts(k: string) {
    const v = this.m.get(k)!;
    v.attempts++;
    return v.attempts;
  }
  async del(k: string) {
    this.m.delete(k);
  }
}

function setup() {
  let t = Date.parse('2026-11-25T02:00:00Z');
  const inbox: { to: string; text: string }[] = [];
  const log = new LogSmsProvider((m) => inbox.push(m));
  const store = new MemoryCodeStore();
  const svc = new SmsCodeService({
    store,
    rateLimit: new MemoryRateLimit(() => t),
    secret: 'server-secret',
    now: () => new Date(t),
    deliver: async (phone, code) => {
      await log.send({ to: [phone], template: 'verify_code', params: { code }, notificationId: `code-${phone}-${t}` });
    },
  });
  const lastCode = () => /验证码为(\d{6})/.exec(inbox.at(-1)!.text)![1];
  return {
    svc,
    inbox,
    store,
    lastCode,
    advance: (s: number) => {
      t += s * 1000;
    },
  };
}

describe('SMS verification codes', () => {
  it('sends a 6-digit code through the verify_code template, stores only its hash, verifies once', async () => {
    const { svc, store, lastCode } = setup();
    expect(await svc.request({ phone: '13800138000', purpose: 'submit', ip: '10.0.0.1' })).toEqual({ status: 'sent' });
    const code = lastCode();
    expect(JSON.stringify([...store.m.values()])).not.toContain(code);
    const ok = await svc.verify({ phone: '13800138000', purpose: 'submit', code });
    expect(ok.ok).toBe(true);
    expect(await svc.verify({ phone: '13800138000', purpose: 'submit', code })).toEqual({ ok: false, code: 'CODE_INVALID' });
    const token = (ok as { smsToken: string }).smsToken;
    expect(svc.checkToken(token, '13800138000', 'submit')).toBe(true);
    expect(svc.checkToken(token, '13900139000', 'submit')).toBe(false);
    expect(svc.checkToken(token, '13800138000', 'track')).toBe(false);
    expect(
      svc.checkToken(
        token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        '13800138000',
        'submit',
      ),
    ).toBe(false);
  });

  it('a code for one purpose does not verify another', async () => {
    const { svc, lastCode } = setup();
    await svc.request({ phone: '13800138000', purpose: 'track', ip: 'i' });
    expect((await svc.verify({ phone: '13800138000', purpose: 'submit', code: lastCode() })).ok).toBe(false);
  });

  it('expires after 5 minutes; token expires after 15', async () => {
    const { svc, lastCode, advance } = setup();
    await svc.request({ phone: '13800138000', purpose: 'submit', ip: 'i' });
    advance(301);
    expect((await svc.verify({ phone: '13800138000', purpose: 'submit', code: lastCode() })).ok).toBe(false);
    advance(60);
    await svc.request({ phone: '13800138000', purpose: 'submit', ip: 'i' });
    const r = (await svc.verify({ phone: '13800138000', purpose: 'submit', code: lastCode() })) as { smsToken: string };
    advance(901);
    expect(svc.checkToken(r.smsToken, '13800138000', 'submit')).toBe(false);
  });

  it('five wrong tries invalidate the code, even the right one afterwards', async () => {
    const { svc, lastCode } = setup();
    await svc.request({ phone: '13800138000', purpose: 'submit', ip: 'i' });
    const code = lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await svc.verify({ phone: '13800138000', purpose: 'submit', code: wrong })).ok).toBe(false);
    expect((await svc.verify({ phone: '13800138000', purpose: 'submit', code })).ok).toBe(false);
  });

  it('limits: 1 per 60 s per phone, 5 per hour, 20 per hour per IP', async () => {
    const { svc, advance, inbox } = setup();
    const ask = (phone = '13800138000', ip = 'i') => svc.request({ phone, purpose: 'submit', ip });
    expect((await ask()).status).toBe('sent');
    expect(await ask()).toMatchObject({ status: 'rate_limited', retryAfterSeconds: 60 });
    for (let i = 0; i < 4; i++) {
      advance(61);
      expect((await ask()).status).toBe('sent');
    }
    advance(61);
    expect((await ask()).status).toBe('rate_limited'); // 6th in the hour
    const { svc: svc2 } = setup();
    let sent = 0;
    for (let i = 0; i < 25; i++) if ((await svc2.request({ phone: `1380013${String(8000 + i)}`, purpose: 'submit', ip: 'same' })).status === 'sent') sent++;
    expect(sent).toBe(20);
    expect(inbox).toHaveLength(5);
  });
});

describe('bridge to the server SmsSender interface', () => {
  it('maps the server template names to ours and sends through the dispatcher', async () => {
    const { SmsDispatcher } = await import('./dispatcher');
    const { smsSenderFrom } = await import('./server-bridge');
    const inbox: { to: string; text: string }[] = [];
    const claimed = new Set<string>();
    const d = new SmsDispatcher({
      providers: [new LogSmsProvider((m) => inbox.push(m))],
      log: {
        claim: async (id) => !claimed.has(id) && !!claimed.add(id),
        release: async (id) => {
          claimed.delete(id);
        },
        record: async () => {},
      },
    });
    const sender = smsSenderFrom(d);
    await sender.send('13800138000', 'ticket_received', { ticketNo: '20261125000001', trackUrl: 'https://t/1' });
    await sender.send('13800138000', 'callback_link', { ticketNo: '20261125000001', link: 'https://t/r' });
    expect(inbox.map((m) => m.text)).toEqual([
      '您反映的诉求已受理，工单号20261125000001，可通过https://t/1查询进度。',
      '请对工单20261125000001的办理情况评价：https://t/r',
    ]);
    await expect(sender.send('12345', 'ticket_replied', {})).rejects.toMatchObject({ code: 'INVALID_NUMBER' });
  });
});
