/**
 * Attack: forged e-mail replies. Any mail with `References: <t{ticketNo}.anything@domain>` appended a
 * "citizen supplement" (text and files) to that ticket — ticket numbers are sequential, so anyone
 * could write into anyone's case. And an attachment was stored under the type the sender claimed.
 * Real SMTP both ways: our SMTP listener (the email channel as the server starts it) receives, the
 * mail notifier sends a real notice to an SMTP sink (smtp-server), on real PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { sql } from 'drizzle-orm';
import { useTestEnv } from '../helpers/env';
import { startEmailChannel } from '../../server/channels/email';
import { MailNotifier } from '../../server/channels/mail-notifier';

const MAILBOX = '12345@rexian.test';
const VICTIM = 'zhangsan@example.cn';
const env = useTestEnv({ withServer: false });
let channel: Awaited<ReturnType<typeof startEmailChannel>>;
let notifier: MailNotifier;
let sink: SMTPServer;
const received: ParsedMail[] = [];
let ticketNo = '';
let notice: ParsedMail;

const send = async (mail: Parameters<ReturnType<typeof nodemailer.createTransport>['sendMail']>[0]) => {
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: channel.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ to: MAILBOX, ...mail });
  return /ticket (\d+)/.exec(info.response)![1];
};
const supplements = async (no: string) =>
  (
    await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from ticket_events e
  join tickets t on t.id = e.ticket_id where t.number = ${no} and e.type = 'citizen.supplemented'`)
  ).rows[0].n;

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        received.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const sinkPort = (sink.server.address() as net.AddressInfo).port;
  channel = await startEmailChannel(env.rt, { mailbox: MAILBOX, smtpListen: '127.0.0.1:0' }, { listener: true, poller: false });
  notifier = new MailNotifier(
    { db: env.rt.db, pii: env.rt.svc.pii, log: env.rt.log },
    { smtpUrl: `smtp://127.0.0.1:${sinkPort}`, from: MAILBOX, domain: 'rexian.test' },
  );
  ticketNo = await send({ from: VICTIM, subject: '楼道漏水', text: '我家楼道天花板漏水一周了。', messageId: '<v1@example.cn>' });
  // Our receipt, really sent over SMTP.
  await notifier.notify({ notificationId: 'outbox-901', ticketNo, to: VICTIM, template: 'ticket_received', inReplyTo: '<v1@example.cn>' });
  notice = received.find((m) => m.subject?.includes(ticketNo))!;
});
afterAll(async () => {
  await channel?.close();
  notifier?.close();
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
});

describe('e-mail threading', () => {
  it("our notice's Message-ID carries a MAC over (ticket, notice)", () => {
    expect(notice.messageId).toMatch(new RegExp(`^<t${ticketNo}\\.outbox-901\\.[0-9a-f]{24}@rexian\\.test>$`));
  });

  it('a guessed reference to the ticket number becomes a new appeal, not a supplement', async () => {
    const no = await send({
      from: 'attacker@evil.example',
      subject: 'Re: 楼道漏水',
      text: '已解决，请撤单。',
      inReplyTo: `<t${ticketNo}.outbox-1@rexian.test>`,
      references: [`<t${ticketNo}.anything@rexian.test>`],
    });
    expect(no).not.toBe(ticketNo);
    expect(await supplements(ticketNo)).toBe(0);
  });

  it("a forged MAC, even from the victim's (spoofed) address, becomes a new appeal", async () => {
    const no = await send({ from: VICTIM, subject: 'Re: 楼道漏水', text: '撤诉。', inReplyTo: `<t${ticketNo}.outbox-901.${'0'.repeat(24)}@rexian.test>` });
    expect(no).not.toBe(ticketNo);
    expect(await supplements(ticketNo)).toBe(0);
  });

  it("our real notice's Message-ID from another address (a leaked or forwarded mail) becomes a new appeal", async () => {
    const no = await send({
      from: 'attacker@evil.example',
      subject: `Re: ${notice.subject}`,
      text: '撤诉。',
      inReplyTo: notice.messageId,
      references: [notice.messageId!],
    });
    expect(no).not.toBe(ticketNo);
    expect(await supplements(ticketNo)).toBe(0);
  });

  it("a subject tag alone, even from the ticket's address, becomes a new appeal", async () => {
    const no = await send({ from: VICTIM, subject: `[工单号 ${ticketNo}] 补充`, text: '补充材料。' });
    expect(no).not.toBe(ticketNo);
    expect(await supplements(ticketNo)).toBe(0);
  });

  it("the citizen's reply to the notice we sent, from the address we sent it to, threads — once", async () => {
    const reply = {
      from: `"张三" <ZhangSan@Example.cn>`,
      subject: `Re: ${notice.subject}`,
      text: '补充：漏水点在三楼。',
      messageId: '<v2@example.cn>',
      inReplyTo: notice.messageId,
      references: [notice.messageId!],
    };
    expect(await send(reply)).toBe(ticketNo);
    expect(await send(reply)).toBe(ticketNo);
    expect(await supplements(ticketNo)).toBe(1);
  });
});

describe('e-mail attachments', () => {
  it('are typed by their bytes: HTML claiming to be a JPEG is stored as octet-stream, a PNG sent as octet-stream is a PNG', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const no = await send({
      from: 'lisi@example.net',
      subject: '占道经营',
      text: '见附件。',
      attachments: [
        { filename: 'photo.jpg', content: Buffer.from('<html><script>alert(1)</script></html>'), contentType: 'image/jpeg' },
        { filename: 'scan.bin', content: png, contentType: 'application/octet-stream' },
      ],
    });
    const [ev] = (
      await env.rt.db.execute<{ data: { files: { mime: string; storageKey: string }[] } }>(sql`select e.data from ticket_events e
      join tickets t on t.id = e.ticket_id where t.number = ${no} and e.type = 'ticket.registered'`)
    ).rows;
    expect(ev.data.files.map((f) => f.mime)).toEqual(['application/octet-stream', 'image/png']);
    const rows = (
      await env.rt.db.execute<{ mime: string; bodyEncrypted: boolean }>(sql`select mime, body_encrypted as "bodyEncrypted"
      from channel_attachments where id in (${sql.join(
        ev.data.files.map((f) => sql`${f.storageKey.slice(4)}::uuid`),
        sql`, `,
      )}) order by mime`)
    ).rows;
    expect(rows).toEqual([
      { mime: 'application/octet-stream', bodyEncrypted: true },
      { mime: 'image/png', bodyEncrypted: true },
    ]);
  });
});
