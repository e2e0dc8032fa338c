/**
 * The server's IMAP poller (option A, channels.md §5) against a real Dovecot started here on a
 * loopback port with its own config: mail in INBOX becomes tickets through the server's intake
 * (citizen by address, replies threaded), is moved to Processed after commit, and `close()`
 * stops the polling. Skipped where Debian `dovecot-imapd` is not installed (.ci/run installs it).
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { useTestEnv } from '../helpers/env';
import { startEmailChannel } from '../../server/channels/email';
import { hasDovecot, useDovecot } from '../../integrations/email/dovecot.test-support';

const MAILBOX = '12345@rexian.test';
const env = useTestEnv({ withServer: false });
const dovecot = useDovecot();

const imap = () => ({ host: '127.0.0.1', port: dovecot.port(), secure: false, auth: { user: 'hotline', pass: 'testpass' }, logger: false as const });
async function seed(...messages: string[]) {
  const c = new ImapFlow(imap());
  await c.connect();
  for (const m of messages) await c.append('INBOX', m.replace(/\n/g, '\r\n'));
  await c.logout();
}
async function inboxCount() {
  const c = new ImapFlow(imap());
  await c.connect();
  const st = await c.status('INBOX', { messages: true });
  await c.logout();
  return st ? (st.messages ?? 0) : 0;
}
const tickets = async () =>
  (
    await env.rt.db.execute<{ number: string; citizenId: string; title: string }>(sql`
  select number, citizen_id as "citizenId", title from tickets where channel = 'email' order by created_at`)
  ).rows;

describe.skipIf(!hasDovecot)('IMAP poller in the server', () => {
  it('polls the mailbox into tickets, takes a mail that only names a ticket in its subject as a new appeal (it proves nothing), and stops on close()', async () => {
    await seed(
      `From: 王五 <wangwu@example.org>\nTo: ${MAILBOX}\nSubject: 楼道灯坏了\nMessage-ID: <a1@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n五号楼二单元楼道灯坏了\n`,
    );
    const email = await startEmailChannel(
      env.rt,
      { mailbox: MAILBOX, imapUrl: `imap://hotline:testpass@127.0.0.1:${dovecot.port()}`, imapPollSeconds: 0.3 },
      { listener: false, poller: true },
    );
    const t0 = Date.now();
    while ((await tickets()).length < 1 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 100));
    const [first] = await tickets();
    expect(first.title).toBe('楼道灯坏了');

    await seed(
      `From: wangwu@example.org\nTo: ${MAILBOX}\nSubject: Re: [工单号 ${first.number}] 您的诉求已受理\nMessage-ID: <a2@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n补充：三楼和四楼都不亮\n`,
    );
    // A subject tag is typed by anyone: only a reply to a notice we sent threads (test/security/forged-email-reply.test.ts).
    const t1 = Date.now();
    while ((await tickets()).length < 2 && Date.now() - t1 < 15_000) await new Promise((r) => setTimeout(r, 100));
    const added = (
      await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from ticket_events e join tickets t on t.id = e.ticket_id
      where t.number = ${first.number} and e.type = 'citizen.supplemented'`)
    ).rows[0];
    expect(added.n).toBe(0);
    expect(await tickets()).toHaveLength(2);
    expect(await inboxCount()).toBe(0); // both moved to Processed after commit

    await email.close();
    await seed(`From: wangwu@example.org\nTo: ${MAILBOX}\nSubject: 新问题\nMessage-ID: <a3@example.org>\n\n小区停车难\n`);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await tickets()).toHaveLength(2); // no poll after close
    expect(await inboxCount()).toBe(1);
  });
});
