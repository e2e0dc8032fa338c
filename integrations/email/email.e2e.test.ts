import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { MemoryEventSink, MemoryIntake } from '../shared/test-fixtures';
import { EmailSender } from './outbound';
import { createSmtpListener } from './smtp-listener';

const MAILBOX = '12345@city.example';
const DOMAIN = 'mail.city.example';
let intake: MemoryIntake, events: MemoryEventSink;
const stored: { key: string; sha256: string; size: number }[] = [];
let ours: SMTPServer, ourPort: number;
let peer: SMTPServer, peerPort: number;
const peerInbox: Buffer[] = [];

async function start(server: SMTPServer) {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
}

beforeAll(async () => {
  ours = createSmtpListener({
    get intake() {
      return intake;
    },
    get events() {
      return events;
    },
    mailbox: MAILBOX,
    mailDomain: DOMAIN,
    maxBytes: 300 * 1024,
    maxAttachmentBytes: 100 * 1024,
    maxAttachments: 3,
    attachments: {
      put: async (a) => {
        const key = `att/${a.sha256}`;
        stored.push({ key, sha256: a.sha256, size: a.content.length });
        return key;
      },
    },
  } as Parameters<typeof createSmtpListener>[0]);
  ourPort = await start(ours);
  // An independent SMTP peer standing in for the citizen's provider: records what we send.
  peer = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, _s, cb) {
      const c: Buffer[] = [];
      stream.on('data', (d: Buffer) => c.push(d));
      stream.on('end', () => {
        peerInbox.push(Buffer.concat(c));
        cb();
      });
    },
  });
  peerPort = await start(peer);
});
afterAll(async () => {
  await new Promise<void>((r) => ours.close(() => r()));
  await new Promise<void>((r) => peer.close(() => r()));
});
beforeEach(() => {
  intake = new MemoryIntake();
  events = new MemoryEventSink();
});

const citizen = () => nodemailer.createTransport({ host: '127.0.0.1', port: ourPort, secure: false, ignoreTLS: true });
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);
const pdf = Buffer.from('%PDF-1.4\n% fake but well-formed enough for a mail part\n');

describe('email end to end over real SMTP on loopback', () => {
  it('a citizen mail with attachments becomes one appeal; the same Message-ID again makes no second ticket', async () => {
    const mail = {
      from: '王小明 <wang@example.org>',
      to: MAILBOX,
      subject: '小区垃圾清运不及时',
      messageId: '<abc-1@example.org>',
      text: '小区东门垃圾三天没人清运，气味很大。',
      attachments: [
        { filename: '现场.png', content: png, contentType: 'image/png' },
        { filename: 'notice.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    };
    const info = await citizen().sendMail(mail);
    expect(info.response).toMatch(/Accepted as ticket 20261125000001/);
    await citizen().sendMail(mail);
    expect(intake.appeals).toHaveLength(1);
    const a = intake.appeals[0];
    expect(a).toMatchObject({
      channel: 'email',
      channelAccount: MAILBOX,
      externalId: '<abc-1@example.org>',
      citizen: { email: 'wang@example.org', name: '王小明' },
      content: { text: '小区东门垃圾三天没人清运，气味很大。', title: '小区垃圾清运不及时' },
      replyRoute: { channel: 'email', address: 'wang@example.org' },
    });
    expect(a.attachments).toEqual([
      {
        kind: 'image',
        mime: 'image/png',
        size: png.length,
        sha256: createHash('sha256').update(png).digest('hex'),
        storageKey: expect.stringMatching(/^att\//),
      },
      { kind: 'document', mime: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), storageKey: expect.any(String) },
    ]);
  });

  it("our reply carries the threading Message-ID, an RFC 2047 subject, text+html and attachments; the citizen's reply threads back", async () => {
    const sender = new EmailSender({
      smtp: { host: '127.0.0.1', port: peerPort, secure: false, ignoreTLS: true },
      from: `12345热线 <${MAILBOX}>`,
      mailDomain: DOMAIN,
    });
    const sent = await sender.send({
      ticketNo: '20261125000001',
      notificationId: 'ob-42',
      to: 'wang@example.org',
      subject: '答复：垃圾清运',
      text: '您好，已安排清运。',
      attachments: [{ filename: '回执.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    sender.close();
    expect(sent.messageId).toBe(`<t20261125000001.ob-42@${DOMAIN}>`);
    const raw = peerInbox.at(-1)!;
    expect(raw.toString('utf8')).toMatch(/^Subject: =\?UTF-8\?/m);
    const got = await simpleParser(raw);
    expect(got.messageId).toBe(sent.messageId);
    expect(got.subject).toBe('[工单号 20261125000001] 答复：垃圾清运');
    expect(got.text?.trim()).toBe('您好，已安排清运。');
    expect(got.html).toContain('您好，已安排清运。');
    expect(got.attachments.map((x) => x.filename)).toEqual(['回执.pdf']);

    await citizen().sendMail({
      from: 'wang@example.org',
      to: MAILBOX,
      subject: `Re: ${got.subject}`,
      inReplyTo: sent.messageId,
      references: [sent.messageId],
      text: '还是没有清运，请再催一下。',
    });
    expect(intake.appeals[0].threadRef).toEqual({ ticketNo: '20261125000001', messageId: sent.messageId });
    expect(intake.appeals[0].content.title).toBe('答复：垃圾清运');
  });

  it('a subject tag alone proposes the ticket without a messageId (intake checks the sender)', async () => {
    await citizen().sendMail({ from: 'x@example.org', to: MAILBOX, subject: '[工单号 20261120000007] 补充材料', text: '补充' });
    expect(intake.appeals[0].threadRef).toEqual({ ticketNo: '20261120000007' });
  });

  it('auto-replies and bulk mail are stored as events, no ticket', async () => {
    await citizen().sendMail({ from: 'bot@example.org', to: MAILBOX, subject: 'Out of office', text: 'away', headers: { 'Auto-Submitted': 'auto-replied' } });
    await citizen().sendMail({ from: 'news@example.org', to: MAILBOX, subject: 'Newsletter', text: 'n', headers: { Precedence: 'bulk' } });
    expect(intake.calls).toBe(0);
    expect(events.events.map((e) => [e.type, e.data.reason])).toEqual([
      ['email.ignored', 'auto_submitted'],
      ['email.ignored', 'bulk'],
    ]);
  });

  it('a DSN bounce of our notification is reported with its notificationId', async () => {
    const boundary = 'BOUNDARY';
    const raw = [
      `From: MAILER-DAEMON@example.org`,
      `To: ${MAILBOX}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@example.org>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; gone@example.org',
      'Action: failed',
      'Status: 5.1.1',
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <t20261125000001.ob-42@${DOMAIN}>`,
      'Subject: x',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await citizen().sendMail({ envelope: { from: '', to: [MAILBOX] }, raw });
    expect(intake.calls).toBe(0);
    expect(events.events[0]).toMatchObject({ type: 'email.bounce', data: { notificationId: 'ob-42', ticketNo: '20261125000001' } });
  });

  it('oversize mail, an oversize attachment, too many attachments → 552; wrong recipient → 550; nothing registered', async () => {
    await expect(
      citizen().sendMail({
        from: 'w@example.org',
        to: MAILBOX,
        subject: 'big',
        text: 'x',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(400 * 1024, 1) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    await expect(
      citizen().sendMail({
        from: 'w@example.org',
        to: MAILBOX,
        subject: 'one big attachment',
        text: 'x',
        attachments: [{ filename: 'a.bin', content: Buffer.alloc(120 * 1024, 2) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    await expect(
      citizen().sendMail({
        from: 'w@example.org',
        to: MAILBOX,
        subject: 'too many',
        text: 'x',
        attachments: [1, 2, 3, 4].map((i) => ({ filename: `${i}.txt`, content: `file ${i}` })),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    await expect(citizen().sendMail({ from: 'w@example.org', to: 'someone@else.example', subject: 'relay?', text: 'x' })).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(intake.calls).toBe(0);
  });

  it('intake down → 451 so the sending MTA retries', async () => {
    intake.fail = true;
    await expect(citizen().sendMail({ from: 'w@example.org', to: MAILBOX, subject: 's', text: 't' })).rejects.toMatchObject({ responseCode: 451 });
  });
});
