/**
 * The server's IMAP poller (option A, channels.md §5) against a real Dovecot started here on a
 * loopback port with its own config: mail in INBOX becomes tickets through the server's intake
 * (citizen by address, replies threaded), is moved to Processed after commit, and `close()`
 * stops the polling. Skipped where Debian `dovecot-imapd` is not installed (.ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { useTestEnv } from '../helpers/env';
import { freePort } from '../helpers/server-process';
import { startEmailChannel } from '../../server/channels/email';

const hasDovecot = spawnSync('dovecot', ['--version']).error === undefined;
const MAILBOX = '12345@rexian.test';
const env = useTestEnv({ withServer: false });
let dovecot: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  if (!hasDovecot) return;
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-srv-'));
  port = await freePort();
  mkdirSync(join(dir, 'mail'));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'mail'), 0o1777);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, [`base_dir = ${dir}/run`, `state_dir = ${dir}/state`, `log_path = ${dir}/dovecot.log`, 'protocols = imap',
    'listen = 127.0.0.1', `service imap-login {\n inet_listener imap {\n address = 127.0.0.1\n port = ${port}\n }\n}`, 'ssl = no',
    'disable_plaintext_auth = no', 'auth_mechanisms = plain login', 'passdb {\n driver = static\n args = password=testpass\n}',
    `userdb {\n driver = static\n args = uid=nobody gid=nogroup home=${dir}/home/%u\n}`, `mail_location = maildir:${dir}/mail/%u`,
    'first_valid_uid = 0', 'first_valid_gid = 0', 'default_login_user = dovenull', 'default_internal_user = dovecot',
    'default_internal_group = dovecot', ''].join('\n'));
  dovecot = spawn('dovecot', ['-F', '-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((r) => { const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 20_000);
afterAll(async () => {
  if (dovecot?.pid) { dovecot.kill('SIGTERM'); await new Promise((r) => dovecot!.once('exit', r)); }
});

const imap = () => ({ host: '127.0.0.1', port, secure: false, auth: { user: 'hotline', pass: 'testpass' }, logger: false as const });
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
  return st ? st.messages ?? 0 : 0;
}
const tickets = async () => (await env.rt.db.execute<{ number: string; citizenId: string; title: string }>(sql`
  select number, citizen_id as "citizenId", title from tickets where channel = 'email' order by created_at`)).rows;

describe.skipIf(!hasDovecot)('IMAP poller in the server', () => {
  it('polls the mailbox into tickets, threads a reply by subject tag from the same address, and stops on close()', async () => {
    await seed(`From: 王五 <wangwu@example.org>\nTo: ${MAILBOX}\nSubject: 楼道灯坏了\nMessage-ID: <a1@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n五号楼二单元楼道灯坏了\n`);
    const email = await startEmailChannel(env.rt, { mailbox: MAILBOX, imapUrl: `imap://hotline:testpass@127.0.0.1:${port}`, imapPollSeconds: 0.3 },
      { listener: false, poller: true });
    const t0 = Date.now();
    while ((await tickets()).length < 1 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 100));
    const [first] = await tickets();
    expect(first.title).toBe('楼道灯坏了');

    await seed(`From: wangwu@example.org\nTo: ${MAILBOX}\nSubject: Re: [工单号 ${first.number}] 您的诉求已受理\nMessage-ID: <a2@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n补充：三楼和四楼都不亮\n`);
    const t1 = Date.now();
    let added: { n: number } | undefined;
    while (Date.now() - t1 < 15_000) {
      added = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from ticket_events e join tickets t on t.id = e.ticket_id
        where t.number = ${first.number} and e.type = 'citizen.supplemented'`)).rows[0];
      if (added.n > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(added!.n).toBe(1);
    expect(await tickets()).toHaveLength(1);
    expect(await inboxCount()).toBe(0); // both moved to Processed after commit

    await email.close();
    await seed(`From: wangwu@example.org\nTo: ${MAILBOX}\nSubject: 新问题\nMessage-ID: <a3@example.org>\n\n小区停车难\n`);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await tickets()).toHaveLength(1); // no poll after close
    expect(await inboxCount()).toBe(1);
  });
});
