/**
 * SIP test edge (channels.md §2 "Testing for real"): a tiny user agent server on loopback that
 * answers calls (npm `sip`), reads RFC 4733 DTMF from the RTP it receives, and posts §0.3-signed
 * CallEvents to /channels/phone/events like a vendor CTI adapter would. For tests and demos only:
 * one call at a time, no media of its own, no registration, no authentication.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
// @ts-expect-error: the `sip` package ships no types
import sip from 'sip';
import { signRequest } from '../shared/hmac';
import type { CallEvent } from './call-event';
import { DtmfDecoder, parseRtp } from './rtp-dtmf';

export interface SipEdgeOptions {
  address?: string;
  sipPort: number;
  /** Agent extension the call is "answered" on (screen pop target). */
  agentExtension: string;
  /** Digits after this many IVR digits are taken as the satisfaction key (survey_result). */
  ivrDigitsBeforeSurvey?: number;
  post(events: CallEvent[]): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the sip library parses each header to its own shape (string, object, list)
type SipMsg = { method?: string; uri: string; headers: Record<string, any>; content?: string };

/** Poster that signs like any CTI adapter (shared §0.3 scheme). */
export function signedPoster(url: string, keyId: string, secret: string) {
  return async (events: CallEvent[]) => {
    const body = JSON.stringify(events);
    const path = new URL(url).pathname;
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...signRequest({ keyId, secret, method: 'POST', path, body }), 'content-type': 'application/json' },
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`events rejected: HTTP ${res.status}`);
  };
}

export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startSipEdge(o: SipEdgeOptions) {
  const address = o.address ?? '127.0.0.1';
  const rtp = dgram.createSocket('udp4');
  await new Promise<void>((r) => rtp.bind(0, address, () => r()));
  const rtpPort = rtp.address().port;
  const failures: unknown[] = [];
  let call: {
    callId: string;
    caller: string;
    callee: string;
    answeredAt: number;
    digits: string[];
    survey?: string;
    decoder: DtmfDecoder;
    queue: Promise<void>;
  } | null = null;

  const event = (type: CallEvent['type'], extra: Partial<CallEvent> = {}): CallEvent => ({
    eventId: randomUUID(),
    callId: call!.callId,
    type,
    at: new Date().toISOString(),
    direction: 'inbound',
    caller: call!.caller,
    callee: call!.callee,
    agentExtension: o.agentExtension,
    ...extra,
  });
  // Keep each call's events in order, as a CTI would.
  const send = (events: CallEvent[]) => {
    if (!call) return;
    call.queue = call.queue
      .then(() => o.post(events))
      .catch((e) => {
        failures.push(e);
      });
  };

  rtp.on('message', (buf) => {
    const pkt = parseRtp(buf);
    if (!pkt || !call) return;
    const digit = call.decoder.push(pkt);
    if (!digit) return;
    if (call.digits.length < (o.ivrDigitsBeforeSurvey ?? Infinity)) {
      call.digits.push(digit);
      send([event('ivr', { ivrDigits: [...call.digits] })]);
    } else if (!call.survey) {
      call.survey = digit;
      send([event('survey_result', { surveyDigit: digit, ivrDigits: [...call.digits] })]);
    }
  });

  const stack = sip.create({ address, port: o.sipPort, udp: true, tcp: false, logger: {} }, (rq: SipMsg) => {
    if (rq.method === 'INVITE') {
      const user = (u: string) => /sips?:([^@;>]+)@/.exec(u)?.[1] ?? 'anonymous';
      const offer = rq.content ?? '';
      const pt = Number(/a=rtpmap:(\d+) telephone-event\/8000/.exec(offer)?.[1] ?? 101);
      call = {
        callId: String(rq.headers['call-id']).slice(0, 100),
        caller: user(rq.headers.from.uri),
        callee: user(rq.uri),
        answeredAt: 0,
        digits: [],
        decoder: new DtmfDecoder(pt),
        queue: Promise.resolve(),
      };
      stack.send(sip.makeResponse(rq, 100, 'Trying'));
      stack.send(sip.makeResponse(rq, 180, 'Ringing'));
      send([event('ringing')]);
      const sdp = [
        'v=0',
        `o=rexian 1 1 IN IP4 ${address}`,
        's=rexian-sip-edge',
        `c=IN IP4 ${address}`,
        't=0 0',
        `m=audio ${rtpPort} RTP/AVP 8 ${pt}`,
        'a=rtpmap:8 PCMA/8000',
        `a=rtpmap:${pt} telephone-event/8000`,
        `a=fmtp:${pt} 0-15`,
        'a=recvonly',
        '',
      ].join('\r\n');
      const ok = sip.makeResponse(rq, 200, 'OK', {
        headers: { contact: [{ uri: `sip:edge@${address}:${o.sipPort}` }], 'content-type': 'application/sdp' },
        content: sdp,
      });
      ok.headers.to = { ...rq.headers.to, params: { ...(rq.headers.to.params ?? {}), tag: randomUUID().slice(0, 8) } };
      stack.send(ok);
      call.answeredAt = Date.now();
      send([event('answered')]);
    } else if (rq.method === 'BYE') {
      stack.send(sip.makeResponse(rq, 200, 'OK'));
      if (call) send([event('ended', { durationSec: Math.round((Date.now() - call.answeredAt) / 1000), hangupCause: 'NORMAL_CLEARING' })]);
    } else if (rq.method !== 'ACK') {
      stack.send(sip.makeResponse(rq, 405, 'Method Not Allowed'));
    }
  });

  return {
    rtpPort,
    failures,
    /** Resolves when every event of the current call has been posted. */
    settled: () => call?.queue ?? Promise.resolve(),
    stop: async () => {
      stack.destroy();
      await new Promise<void>((r) => rtp.close(() => r()));
    },
  };
}
