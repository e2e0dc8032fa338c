/**
 * IMAP polling against a real Dovecot (Debian `dovecot-imapd`) started by this test on loopback
 * with its own config and maildir; seeded by IMAP APPEND. Skipped, saying so, where dovecot is
 * not installed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { MemoryEventSink, MemoryIntake } from '../shared/test-fixtures';
import { pollMailboxOnce } from './imap-poller';
import { hasDovecot, useDovecot } from './dovecot.test-support';

const MAILBOX = '12345@city.example';
const dovecot = useDovecot();

let user = 0;
let imap: { host: string; port: number; secure: boolean; auth: { user: string; pass: string } };
let intake: MemoryIntake, events: MemoryEventSink;
beforeEach(() => {
  // A fresh IMAP user (= fresh maildir) per test.
  imap = { host: '127.0.0.1', port: dovecot.port(), secure: false, auth: { user: `u${++user}`, pass: 'testpass' } };
  intake = new MemoryIntake();
  events = new MemoryEventSink();
});

async function seed(...messages: string[]) {
  const c = new ImapFlow({ ...imap, logger: false });
  await c.connect();
  for (const m of messages) await c.append('INBOX', m.replace(/\n/g, '\r\n'));
  await c.logout();
}
async function counts() {
  const c = new ImapFlow({ ...imap, logger: false });
  await c.connect();
  const out: Record<string, number> = {};
  for (const f of ['INBOX', 'Processed', 'Rejected']) {
    const st = await c.status(f, { messages: true });
    out[f] = st ? (st.messages ?? 0) : 0;
  }
  await c.logout();
  return out;
}
const mail = (id: string, extra = '', body = '楼道灯坏了') =>
  `From: 李四 <li@example.org>\nTo: ${MAILBOX}\nSubject: 楼道灯\nMessage-ID: <${id}@example.org>\n${extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${body}\n`;
const deps = (over = {}) => ({ intake, events, mailbox: MAILBOX, mailDomain: 'mail.city.example', imap, ...over });

describe.skipIf(!hasDovecot)('IMAP polling against a real Dovecot on loopback', () => {
  it('registers each message once, moves it to Processed after commit; auto-replies are ignored, oversize goes to Rejected', async () => {
    await seed(mail('m1'), mail('m1'), mail('m2', 'Auto-Submitted: auto-replied\n'), mail('m3', '', 'x'.repeat(5000)));
    const r = await pollMailboxOnce(deps({ maxBytes: 4000 }));
    expect(r).toEqual({ processed: 2, rejected: 1, ignored: 1, failed: 0 });
    expect(intake.appeals).toHaveLength(1);
    expect(intake.appeals[0]).toMatchObject({
      channel: 'email',
      externalId: '<m1@example.org>',
      content: { text: '楼道灯坏了' },
      citizen: { email: 'li@example.org', name: '李四' },
    });
    expect(events.events.map((e) => e.type).sort()).toEqual(['email.ignored', 'email.rejected']);
    expect(await counts()).toEqual({ INBOX: 0, Processed: 3, Rejected: 1 });
    expect(await pollMailboxOnce(deps())).toEqual({ processed: 0, rejected: 0, ignored: 0, failed: 0 });
  });

  it('intake down → the message stays in INBOX and the next poll registers it', async () => {
    await seed(mail('m9'));
    intake.fail = true;
    expect(await pollMailboxOnce(deps())).toMatchObject({ processed: 0, failed: 1 });
    expect(await counts()).toEqual({ INBOX: 1, Processed: 0, Rejected: 0 });
    intake.fail = false;
    expect(await pollMailboxOnce(deps())).toEqual({ processed: 1, rejected: 0, ignored: 0, failed: 0 });
    expect(await counts()).toEqual({ INBOX: 0, Processed: 1, Rejected: 0 });
  });
});
