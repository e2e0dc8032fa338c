/**
 * Outbound mail over STARTTLS (channels.md §5 "Out"): EmailSender with requireTLS against an
 * smtp-server peer that offers STARTTLS with a throwaway self-signed certificate (openssl).
 * A peer without STARTTLS must make the send fail rather than go out in clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { EmailSender } from './outbound';

const hasOpenssl = spawnSync('openssl', ['version']).error === undefined;

describe.skipIf(!hasOpenssl)('EmailSender with requireTLS', () => {
  let tlsPeer: SMTPServer,
    plainPeer: SMTPServer,
    tlsPort = 0,
    plainPort = 0;
  const received: { secure: boolean; bytes: number }[] = [];
  const port = (s: SMTPServer) => (s as unknown as { server: { address(): AddressInfo } }).server.address().port;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    expect(r.status).toBe(0);
    // Records whether the session had been upgraded to TLS when the message arrived.
    const onData = (stream: NodeJS.ReadableStream, session: { secure: boolean }, cb: () => void) => {
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
      });
      stream.on('end', () => {
        received.push({ secure: session.secure, bytes: n });
        cb();
      });
    };
    tlsPeer = new SMTPServer({
      authOptional: true,
      logger: false,
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      onData: onData as never,
    });
    plainPeer = new SMTPServer({ authOptional: true, logger: false, disabledCommands: ['STARTTLS'], onData: onData as never });
    await new Promise<void>((r2) => tlsPeer.listen(0, '127.0.0.1', () => r2()));
    await new Promise<void>((r2) => plainPeer.listen(0, '127.0.0.1', () => r2()));
    tlsPort = port(tlsPeer);
    plainPort = port(plainPeer);
  });
  afterAll(async () => {
    await new Promise<void>((r) => tlsPeer.close(() => r()));
    await new Promise<void>((r) => plainPeer.close(() => r()));
  });

  const mail = { ticketNo: '20261125000001', notificationId: 'ob-7', to: 'wang@example.org', subject: '已受理', text: '您的诉求已受理。' };

  it('upgrades with STARTTLS before sending', async () => {
    const sender = new EmailSender({
      from: '12345@city.example',
      mailDomain: 'mail.city.example',
      smtp: { host: '127.0.0.1', port: tlsPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } },
    });
    await sender.send(mail);
    sender.close();
    expect(received.at(-1)).toMatchObject({ secure: true });
  });

  it('refuses to send in clear when the server offers no STARTTLS', async () => {
    const sender = new EmailSender({
      from: '12345@city.example',
      mailDomain: 'mail.city.example',
      smtp: { host: '127.0.0.1', port: plainPort, secure: false, requireTLS: true },
    });
    const n = received.length;
    await expect(sender.send(mail)).rejects.toBeTruthy();
    sender.close();
    expect(received.length).toBe(n);
  });
});
