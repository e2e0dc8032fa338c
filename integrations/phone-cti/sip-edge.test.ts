/**
 * Loopback SIP path (channels.md §2): SIPp (Debian `sip-tester`) calls our SIP test edge, replays
 * RFC 4733 DTMF from its shipped pcaps; the edge posts signed CallEvents to the real phone router.
 * Skipped, saying so, where `sipp` is not installed (apt-get install -y sip-tester).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { MemoryEventSink, MemoryNonceStore, MemoryRatings } from '../shared/test-fixtures';
import { withScreenPop } from './screen-pop';
import { listen } from '../shared/test-server';
import type { CallEvent } from './call-event';
import { DtmfDecoder, parseRtp } from './rtp-dtmf';
import { createPhoneRouter } from './router';
import { freeUdpPort, signedPoster, startSipEdge } from './sip-edge';

const PCAP_DIR = '/usr/share/sip-tester';
const hasSipp = spawnSync('sipp', ['-v']).error === undefined;
const hasKamailio = spawnSync('kamailio', ['-v']).error === undefined;
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

describe('RFC 4733 decoding of the pcaps SIPp ships', () => {
  it.skipIf(!hasSipp)('dtmf_2833_1 and _2 decode to one digit each, end packets counted once', () => {
    for (const d of ['1', '2']) {
      const data = readFileSync(`${PCAP_DIR}/dtmf_2833_${d}.pcap`);
      const dec = new DtmfDecoder(101);
      const digits: string[] = [];
      for (let off = 24; off < data.length;) {
        const incl = data.readUInt32LE(off + 8);
        const frame = data.subarray(off + 16, off + 16 + incl);
        off += 16 + incl;
        const ip = frame.subarray(14);
        const udp = ip.subarray((ip[0] & 15) * 4);
        const pkt = parseRtp(udp.subarray(8));
        const digit = pkt && dec.push(pkt);
        if (digit) digits.push(digit);
      }
      expect(digits).toEqual([d]);
    }
  });
});

describe.skipIf(!hasSipp)('SIPp → SIP test edge → POST /channels/phone/events', () => {
  let srv: { url: string; close(): Promise<void> };
  const events = new MemoryEventSink();
  const ratings = new MemoryRatings();
  let ioServer: http.Server, io: Server, agentSocket: Socket;
  const pops: { event: string; payload: any }[] = [];
  beforeAll(async () => {
    ioServer = http.createServer();
    io = new Server(ioServer);
    io.on('connection', (s) => {
      s.join(`agent:${String(s.handshake.auth.ext)}`);
    });
    await new Promise<void>((r) => ioServer.listen(0, '127.0.0.1', () => r()));
    agentSocket = connect(`http://127.0.0.1:${(ioServer.address() as AddressInfo).port}`, { auth: { ext: '8001' }, transports: ['websocket'] });
    await new Promise<void>((r) => agentSocket.on('connect', () => r()));
    for (const name of ['call:ringing', 'call:answered']) agentSocket.on(name, (payload) => pops.push({ event: name, payload }));
    const sink = withScreenPop(events, { io, callers: { byPhone: async () => ({ recentTickets: [], openTickets: 0 }) } });
    srv = await listen([
      [
        '/channels/phone',
        createPhoneRouter({ events: sink, ratings, keys: (id) => (id === 'sip-edge' ? ['edge-secret'] : []), nonces: new MemoryNonceStore(), centre: '12345' }),
      ],
    ]);
  });
  afterAll(async () => {
    agentSocket.close();
    io.close();
    await srv.close();
  });

  /** Runs one SIPp call straight to the edge or through kamailio in front of it; returns its callId. */
  async function call(via: 'direct' | 'kamailio') {
    const sipPort = await freeUdpPort();
    const edge = await startSipEdge({
      sipPort,
      agentExtension: '8001',
      ivrDigitsBeforeSurvey: 2,
      post: signedPoster(`${srv.url}/channels/phone/events`, 'sip-edge', 'edge-secret'),
    });
    const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
    let target = sipPort;
    let proxy: ChildProcess | undefined;
    if (via === 'kamailio') {
      target = await freeUdpPort();
      const cfg = join(dir, 'kamailio.cfg');
      // Stateful proxy that relays every request to the edge (responses follow the Via back).
      writeFileSync(
        cfg,
        [
          '#!KAMAILIO',
          'debug=1',
          'log_stderror=yes',
          'children=1',
          `listen=udp:127.0.0.1:${target}`,
          `mpath="${KAMAILIO_MODULES}"`,
          'loadmodule "tm.so"',
          'loadmodule "sl.so"',
          'loadmodule "pv.so"',
          'loadmodule "textops.so"',
          'request_route {',
          `  $du = "sip:127.0.0.1:${sipPort}";`,
          '  if (is_method("ACK") && !t_check_trans()) { forward(); exit; }',
          '  if (!t_relay()) { sl_reply_error(); }',
          '}',
          '',
        ].join('\n'),
      );
      mkdirSync(join(dir, 'run'), { recursive: true });
      proxy = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-P', join(dir, 'kamailio.pid'), '-Y', join(dir, 'run')], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 800)); // UDP has no connect to probe; give it time to bind
    }
    const scenario = join(dir, 'caller.xml');
    writeFileSync(scenario, readFileSync(new URL('./fixtures/sipp-caller.xml', import.meta.url), 'utf8').replaceAll('PCAP_DIR', PCAP_DIR));
    const [localPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
    const code = await new Promise<number>((resolve) => {
      const p = spawn(
        'sipp',
        [
          `127.0.0.1:${target}`,
          '-sf',
          scenario,
          '-s',
          '12345',
          '-m',
          '1',
          '-i',
          '127.0.0.1',
          '-p',
          String(localPort),
          '-mi',
          '127.0.0.1',
          '-mp',
          String(mediaPort),
          '-timeout',
          '20s',
          '-timeout_error',
          '-nostdin',
          '-trace_err',
          '-error_file',
          join(dir, 'err.log'),
        ],
        { cwd: dir, stdio: 'ignore' },
      );
      p.on('exit', (c) => resolve(c ?? -1));
    });
    await edge.settled();
    await edge.stop();
    if (proxy?.pid) {
      proxy.kill('SIGTERM');
      await new Promise((r) => proxy!.once('exit', r));
    }
    expect(code).toBe(0);
    expect(edge.failures).toEqual([]);
    return events.events.filter((e) => e.channel === 'phone').at(-1)!.data.callId as string;
  }

  it('ringing → answered (agent 8001, screen pop on Socket.IO) → IVR 1, 2 → survey key 2 → rating 4 → ended; a re-posted event is a duplicate', async () => {
    const callId = await call('direct');
    const calls = events.events.filter((e) => e.channel === 'phone' && e.data.callId === callId);
    expect(calls.map((e) => e.type)).toEqual(['call.ringing', 'call.answered', 'call.ivr', 'call.ivr', 'call.survey_result', 'call.ended']);
    expect(calls[0].data).toMatchObject({ caller: '13800138000', callee: '12345', agentExtension: '8001' });
    expect(calls.filter((e) => e.type === 'call.ivr').map((e) => e.data.ivrDigits)).toEqual([['1'], ['1', '2']]);
    expect(ratings.rows.filter((r) => r.callId === callId)).toEqual([expect.objectContaining({ channel: 'phone', score: 4 })]);

    // Screen pop reached the agent's Socket.IO room.
    await new Promise((r) => setTimeout(r, 100));
    expect(pops.filter((p) => p.payload.callId === callId).map((p) => p.event)).toEqual(['call:ringing', 'call:answered']);
    expect(pops[0].payload).toMatchObject({ caller: '13800138000' });

    // A CTI retry of an event already delivered is answered as a duplicate and changes nothing.
    const before = events.events.length;
    expect((await fetch(`${srv.url}/channels/phone/events`, { method: 'POST' })).status).toBe(401); // unsigned
    await signedPoster(`${srv.url}/channels/phone/events`, 'sip-edge', 'edge-secret')([calls[0].data as unknown as CallEvent]);
    expect(events.events).toHaveLength(before);
  }, 30_000);

  it.skipIf(!hasKamailio)(
    'the same call through kamailio as a SIP proxy in front of the edge',
    async () => {
      const callId = await call('kamailio');
      const calls = events.events.filter((e) => e.channel === 'phone' && e.data.callId === callId);
      expect(calls.map((e) => e.type)).toEqual(['call.ringing', 'call.answered', 'call.ivr', 'call.ivr', 'call.survey_result', 'call.ended']);
      expect(calls[0].data).toMatchObject({ caller: '13800138000', callee: '12345' });
      expect(ratings.rows.filter((r) => r.callId === callId).map((r) => r.score)).toEqual([4]);
    },
    30_000,
  );
});
