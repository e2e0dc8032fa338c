import { describe, expect, it } from 'vitest';
import { sniff } from './sniff';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0]);

describe('sniff: the file type from its first bytes', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg', 'image'],
    ['png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), 'image/png', 'image'],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp', 'image'],
    ['heic', ftyp('heic'), 'image/heic', 'image'],
    ['heif (mif1)', ftyp('mif1'), 'image/heic', 'image'],
    ['mp3 with ID3', bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), 'audio/mpeg', 'audio'],
    ['mp3 frame', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'audio/mpeg', 'audio'],
    ['amr', bytes('#!AMR\n', [0x3c]), 'audio/amr', 'audio'],
    ['amr-wb', bytes('#!AMR-WB\n'), 'audio/amr', 'audio'],
    ['m4a', ftyp('M4A '), 'audio/mp4', 'audio'],
    ['wav', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'audio/wav', 'audio'],
    ['mp4', ftyp('isom'), 'video/mp4', 'video'],
    ['mov', ftyp('qt  '), 'video/quicktime', 'video'],
    ['pdf', bytes('%PDF-1.7\n%âãÏÓ'), 'application/pdf', 'document'],
  ])('%s', (_n, b, mime, kind) => {
    expect(sniff(b)).toEqual({ mime, kind });
  });

  it.each([
    ['plain text', bytes('这不是一张照片'.padEnd(20, ' '))],
    ['html', bytes('<!doctype html><script>')],
    ['svg', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['zip / docx', bytes('PK', [3, 4, 20, 0, 6, 0])],
    ['exe', bytes('MZ', [0x90, 0, 3, 0])],
    ['gif (not in the list)', bytes('GIF89a', [1, 0, 1, 0])],
    ['ADTS aac (not layer III)', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['avi (RIFF but neither WEBP nor WAVE)', bytes('RIFF', [1, 2, 3, 4], 'AVI LIST')],
    ['unknown ftyp brand', ftyp('crx ')],
    ['empty', Buffer.alloc(0)],
    ['two bytes of a jpeg', bytes([0xff, 0xd8])],
  ])('refuses %s', (_n, b) => {
    expect(sniff(b)).toBeNull();
  });
});
