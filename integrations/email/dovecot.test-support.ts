/**
 * A real Dovecot IMAP server (Debian `dovecot-imapd`) for tests: its own config and maildir in a
 * temp folder, on a free loopback port, any user with password `testpass`. Tests skip, saying so,
 * where `hasDovecot` is false.
 */
import { afterAll, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasDovecot = spawnSync('dovecot', ['--version']).error === undefined;

async function freeTcpPort() {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export async function startDovecot(): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-'));
  const port = await freeTcpPort();
  mkdirSync(join(dir, 'mail'));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'mail'), 0o1777);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      'protocols = imap',
      'listen = 127.0.0.1',
      `service imap-login {\n inet_listener imap {\n address = 127.0.0.1\n port = ${port}\n }\n}`,
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      'passdb {\n driver = static\n args = password=testpass\n}',
      `userdb {\n driver = static\n args = uid=nobody gid=nogroup home=${dir}/home/%u\n}`,
      `mail_location = maildir:${dir}/mail/%u`,
      'first_valid_uid = 0',
      'first_valid_gid = 0',
      'default_login_user = dovenull',
      'default_internal_user = dovecot',
      'default_internal_group = dovecot',
      '',
    ].join('\n'),
  );
  const dovecot = spawn('dovecot', ['-F', '-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop: async () => {
      if (dovecot.pid && dovecot.exitCode === null) {
        dovecot.kill('SIGTERM');
        await new Promise((r) => dovecot.once('exit', r));
      }
    },
  };
}

/** One Dovecot for the test file: started before its tests (where installed), stopped after. `port()` is its IMAP port. */
export function useDovecot() {
  let dovecot: Awaited<ReturnType<typeof startDovecot>> | undefined;
  beforeAll(async () => {
    if (hasDovecot) dovecot = await startDovecot();
  }, 20_000);
  afterAll(async () => {
    await dovecot?.stop();
  });
  return { port: () => dovecot?.port ?? 0 };
}
