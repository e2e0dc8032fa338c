/**
 * RFC 4733 telephone-event (DTMF) decoding from RTP (RFC 3550) packets. A digit is reported once,
 * on its first end-marked packet (senders repeat the end packet three times, RFC 4733 §2.5.1.4).
 */

export interface RtpPacket {
  payloadType: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

export function parseRtp(buf: Buffer): RtpPacket | null {
  if (buf.length < 12 || buf[0] >> 6 !== 2) return null;
  const csrcCount = buf[0] & 0x0f;
  const hasExtension = (buf[0] & 0x10) !== 0;
  let off = 12 + csrcCount * 4;
  if (hasExtension) {
    if (buf.length < off + 4) return null;
    off += 4 + buf.readUInt16BE(off + 2) * 4;
  }
  if (buf.length < off) return null;
  let end = buf.length;
  if (buf[0] & 0x20) end -= buf[buf.length - 1]; // padding
  return { payloadType: buf[1] & 0x7f, timestamp: buf.readUInt32BE(4), ssrc: buf.readUInt32BE(8), payload: buf.subarray(off, end) };
}

const EVENT_DIGITS = '0123456789*#ABCD';

export class DtmfDecoder {
  private lastEnd: string | null = null;
  constructor(private telephoneEventPt = 101) {}

  /** Returns the digit when this packet completes one, else null. */
  push(pkt: RtpPacket): string | null {
    if (pkt.payloadType !== this.telephoneEventPt || pkt.payload.length < 4) return null;
    const event = pkt.payload[0];
    const isEnd = (pkt.payload[1] & 0x80) !== 0;
    const key = `${pkt.ssrc}:${pkt.timestamp}:${event}`;
    if (!isEnd) {
      // A new event is in progress; even a replay with the same timestamp counts again.
      this.lastEnd = null;
      return null;
    }
    if (this.lastEnd === key) return null;
    this.lastEnd = key;
    return EVENT_DIGITS[event] ?? null;
  }
}
