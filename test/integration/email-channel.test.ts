/**
 * The email channel end to end, in a real server process (server/main.ts) configured by env:
 * a citizen's mail client (nodemailer) → our SMTP listener → a ticket the staff API shows →
 * the receipt mail arrives at an independent SMTP sink (smtp-server) → the citizen's reply
 * with In-Reply-To threads into the same ticket. SIGTERM stops the listener.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createTestDatabase } from '../helpers/env';
import { freePort, insertUser, loginHttp, spawnServer, type ServerProcess } from '../helpers/server-process';
import { waitFor } from '../helpers/wait';

const MAILBOX = '12345@rexian.test';
const CITIZEN = 'zhangsan@example.cn';
const MAX_BYTES = 300 * 1024;

let server: ServerProcess;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let sink: SMTPServer;
const received: ParsedMail[] = [];
let listenPort: number;
let staff: Awaited<ReturnType<typeof loginHttp>>;

beforeAll(async () => {
  // The citizen's mail provider: an independent SMTP peer that keeps what our server sends.
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
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  listenPort = await freePort();
  server = await spawnServer({
    databaseUrl: db.url,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix: `rxt-mail-${randomBytes(3).toString('hex')}`,
    logLevel: 'warn',
    extraEnv: {
      EMAIL_MAILBOX: MAILBOX,
      EMAIL_SMTP_LISTEN: `127.0.0.1:${listenPort}`,
      EMAIL_SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      EMAIL_MAX_BYTES: String(MAX_BYTES),
    },
  });
  const agent = await insertUser(pool, { role: 'agent' });
  staff = await loginHttp(server.url, agent.username);
}, 90_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  await pool?.end();
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
  await db?.drop();
});

const citizenMail = () => nodemailer.createTransport({ host: '127.0.0.1', port: listenPort, secure: false, ignoreTLS: true });
const api = async (path: string) => (await (await fetch(`${server.url}${path}`, { headers: staff.headers })).json()) as { data: any };
const count = async (q: string, params: unknown[] = []) => Number((await pool.query(q, params)).rows[0].n);

describe('email channel in the running server', () => {
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
  let ticketNo = '';
  let receipt: ParsedMail;

  it('a mail becomes a ticket with its attachment; the citizen is found by address; a receipt with the number arrives', async () => {
    const info = await citizenMail().sendMail({
      from: '"张三" <ZhangSan@Example.cn>',
      to: MAILBOX,
      subject: '小区路灯不亮',
      messageId: '<m1.citizen@example.cn>',
      text: '幸福小区3号楼门口的路灯已经坏了一周，晚上很黑。',
      attachments: [{ filename: '路灯.jpg', content: photo, contentType: 'image/jpeg' }],
    });
    ticketNo = /ticket (\d+)/.exec(info.response)?.[1] ?? '';
    expect(ticketNo).toMatch(/^\d{13}$/);

    const [row] = (await api(`/api/tickets?number=${ticketNo}`)).data;
    expect(row).toMatchObject({ number: ticketNo, channel: 'email', status: 'received', title: '小区路灯不亮' });
    const detail = (await api(`/api/tickets/${row.id}`)).data;
    expect(detail.caller.name).toBe('张三');
    expect(detail.content).toContain('3号楼门口的路灯');
    const files = detail.timeline[0].data.files as { mime: string; storageKey: string }[];
    expect(files).toEqual([expect.objectContaining({ mime: 'image/jpeg', storageKey: expect.stringMatching(/^att:/) })]);
    // Encrypted at rest: the stored bytes are not the photo; the download below is.
    const stored = await pool.query('select body, body_encrypted from channel_attachments where id = $1', [files[0].storageKey.slice(4)]);
    expect(stored.rows[0].body_encrypted).toBe(true);
    expect(Buffer.from(stored.rows[0].body).includes(photo.subarray(0, 64))).toBe(false);
    // Stored before its ticket existed, the mail's photo is still the ticket's to download (its event names it).
    const dl = await fetch(`${server.url}/api/tickets/${row.id}/attachments/${files[0].storageKey.slice(4)}`, { headers: staff.headers });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await dl.arrayBuffer()).equals(photo)).toBe(true);

    receipt = await waitFor('receipt mail', () => received.find((m) => m.subject?.includes(ticketNo)));
    expect(receipt.to && 'value' in receipt.to ? receipt.to.value[0].address : '').toBe('zhangsan@example.cn');
    expect(receipt.subject).toBe(`[工单号 ${ticketNo}] 您的诉求已受理`);
    expect(receipt.text).toContain(ticketNo);
    expect(receipt.messageId).toMatch(new RegExp(`^<t${ticketNo}\\.outbox-\\d+\\.[0-9a-f]{24}@rexian\\.test>$`));
    expect(receipt.inReplyTo).toBe('<m1.citizen@example.cn>');
  });

  it('the citizen replies to the receipt: the reply is appended to the same ticket, once', async () => {
    const reply = {
      from: `"张三" <${CITIZEN}>`,
      to: MAILBOX,
      subject: `Re: ${receipt.subject}`,
      messageId: '<m2.citizen@example.cn>',
      inReplyTo: receipt.messageId,
      references: [receipt.messageId!],
      text: '补充：坏的是靠近垃圾站的那一盏。',
    };
    const info = await citizenMail().sendMail(reply);
    expect(info.response).toContain(`ticket ${ticketNo}`);
    await citizenMail().sendMail(reply); // the MTA retries: nothing new
    expect(await count(`select count(*) n from tickets where channel = 'email'`)).toBe(1);
    const [row] = (await api(`/api/tickets?number=${ticketNo}`)).data;
    const timeline = (await api(`/api/tickets/${row.id}`)).data.timeline as { type: string; data: { text?: string } }[];
    const added = timeline.filter((e) => e.type === 'citizen.supplemented');
    expect(added).toHaveLength(1);
    expect(added[0].data.text).toContain('靠近垃圾站');
  });

  it('the reply notice goes out by mail in the same thread; a bounce of it marks the notice failed', async () => {
    // The events worker's side only: a ticket.closed outbox row as the lifecycle would write it.
    const t = await pool.query(`update tickets set reply_text = '路灯已于今日修复。' where number = $1 returning id`, [ticketNo]);
    await pool.query(`insert into outbox (topic, payload) values ('ticket.closed', $1)`, [
      { ticketId: t.rows[0].id, cause: 'ticket.closed', unitIds: [], unitId: null, version: 1 },
    ]);
    const notice = await waitFor('reply mail', () => received.find((m) => m.subject === `[工单号 ${ticketNo}] 您的诉求已有答复`));
    expect(notice.text).toContain('路灯已于今日修复。');
    expect(notice.inReplyTo).toBe('<m1.citizen@example.cn>');
    const notificationId = /\.(outbox-\d+)\./.exec(notice.messageId!)![1];

    // The citizen's provider bounces it (RFC 3464 DSN naming our Message-ID).
    const dsn = [
      `From: MAILER-DAEMON@example.cn`,
      `To: ${MAILBOX}`,
      `Subject: Undelivered Mail Returned to Sender`,
      `Message-ID: <dsn1@example.cn>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.cn',
      '',
      'Final-Recipient: rfc822; zhangsan@example.cn',
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${notice.messageId}`,
      '',
      '--b1--',
      '',
    ].join('\r\n');
    await citizenMail().sendMail({ envelope: { from: '', to: [MAILBOX] }, raw: dsn });
    const sent = await waitFor(
      'notice marked failed',
      async () =>
        (await pool.query(`select data from channel_events where type = 'email.sent' and external_id = $1 and data ? 'failed'`, [notificationId])).rows[0],
    );
    expect(sent.data.failed).toBe(true);
    expect(await count(`select count(*) n from tickets where channel = 'email'`)).toBe(1); // a bounce is no appeal
  });

  it('a new mail from the same address is a new ticket of the same citizen; a subject tag from a stranger does not thread', async () => {
    const info = await citizenMail().sendMail({ from: CITIZEN, to: MAILBOX, subject: '噪音扰民', text: '楼下商铺每天深夜施工。' });
    const second = /ticket (\d+)/.exec(info.response)![1];
    expect(second).not.toBe(ticketNo);
    const owners = await pool.query('select distinct citizen_id from tickets where number = any($1)', [[ticketNo, second]]);
    expect(owners.rows).toHaveLength(1);
    const stranger = await citizenMail().sendMail({
      from: 'lisi@example.net',
      to: MAILBOX,
      subject: `[工单号 ${ticketNo}] 我也有意见`,
      text: '路灯问题我也反映。',
    });
    expect(/ticket (\d+)/.exec(stranger.response)![1]).not.toBe(ticketNo);
  });

  it('an oversized mail is refused at SMTP time (552) and leaves no ticket', async () => {
    const before = await count('select count(*) n from tickets');
    const big = randomBytes(MAX_BYTES);
    const err = await citizenMail()
      .sendMail({ from: CITIZEN, to: MAILBOX, subject: '视频', text: '见附件', attachments: [{ filename: 'v.mp4', content: big, contentType: 'video/mp4' }] })
      .then(
        () => null,
        (e: { responseCode?: number }) => e,
      );
    expect(err?.responseCode).toBe(552);
    expect(await count('select count(*) n from tickets')).toBe(before);
  });

  it('SIGTERM stops the listener and the process exits cleanly', async () => {
    const t0 = Date.now();
    const code = await server.kill('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const refused = await new Promise<boolean>((r) => {
      const s = net.connect(listenPort, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(false);
      });
      s.once('error', () => r(true));
    });
    expect(refused).toBe(true);
  });
});
