/**
 * Which file a citizen or a unit really sent, from its first bytes (magic numbers), never from
 * its name or the browser's Content-Type: a renamed text file is not a photo (channels.md §3).
 * Only the kinds the portal accepts are known; anything else is `null` and is refused.
 */
export type AttachmentKind = 'image' | 'audio' | 'video' | 'document';
export interface Sniffed {
  mime: string;
  kind: AttachmentKind;
}

const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;

/** ISO base media (ftyp box) brands: HEIF photos, MP4/M4A, QuickTime. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ']);
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'MSNV', '3gp4', '3gp5', '3g2a']);

export function sniff(head: Buffer): Sniffed | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { mime: 'image/jpeg', kind: 'image' };
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mime: 'image/png', kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { mime: 'image/webp', kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { mime: 'audio/wav', kind: 'audio' };
  if (ascii(b, 0, '%PDF-')) return { mime: 'application/pdf', kind: 'document' };
  if (ascii(b, 0, '#!AMR')) return { mime: 'audio/amr', kind: 'audio' }; // also #!AMR-WB
  if (ascii(b, 0, 'ID3')) return { mime: 'audio/mpeg', kind: 'audio' };
  // An MPEG audio frame header: 11 sync bits, then layer III (01). ADTS AAC (layer 00) is not accepted.
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && ((b[1] >> 1) & 0x03) === 0x01) return { mime: 'audio/mpeg', kind: 'audio' };
  if (ascii(b, 4, 'ftyp') && b.length >= 12) {
    const major = b.toString('latin1', 8, 12);
    if (HEIF_BRANDS.has(major)) return { mime: 'image/heic', kind: 'image' };
    if (M4A_BRANDS.has(major)) return { mime: 'audio/mp4', kind: 'audio' };
    if (major === 'qt  ') return { mime: 'video/quicktime', kind: 'video' };
    if (MP4_BRANDS.has(major)) return { mime: 'video/mp4', kind: 'video' };
  }
  return null;
}

/** Bytes the sniffer needs at most. */
export const SNIFF_BYTES = 16;
