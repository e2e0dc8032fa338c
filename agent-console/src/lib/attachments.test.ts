import { describe, expect, it } from 'vitest';
import { attachmentUrl, formatSize, isThumbnailable, ticketFiles } from './attachments';

const ev = (seq: number, type: string, data: unknown) => ({
  seq,
  type,
  at: '',
  actorName: null,
  actorRole: null,
  fromStatus: null,
  toStatus: null,
  reason: null,
  data,
});

describe('ticketFiles', () => {
  it("lists the appeal's files and the replies' files in timeline order, skipping remote references", () => {
    const files = ticketFiles({
      timeline: [
        ev(3, 'ticket.replied', {
          attachments: [{ name: '整改.pdf', storageKey: 'att:bbbbbbbb-0000-4000-8000-000000000000', mime: 'application/pdf', size: 2048 }],
        }),
        ev(1, 'ticket.registered', {
          attachments: 2,
          files: [
            { kind: 'image', mime: 'image/png', size: 10, name: '路灯.jpg', storageKey: 'att:aaaaaaaa-0000-4000-8000-000000000000' },
            { kind: 'image', mime: 'image/jpeg', size: null, storageKey: 'wx-media-123' },
          ],
        }),
        ev(2, 'ticket.submitted', null),
      ],
    });
    expect(files.map((f) => [f.name, f.mime, f.eventType])).toEqual([
      ['路灯.jpg', 'image/png', 'ticket.registered'],
      ['整改.pdf', 'application/pdf', 'ticket.replied'],
    ]);
  });

  it('names a file without a name by its key', () => {
    const [f] = ticketFiles({
      timeline: [ev(1, 'ticket.registered', { files: [{ mime: 'audio/amr', storageKey: 'att:12345678-0000-4000-8000-000000000000' }] })],
    });
    expect(f.name).toBe('12345678');
  });
});

describe('attachment helpers', () => {
  it('builds the download URL from the storage key', () => {
    expect(attachmentUrl('t-1', 'att:abc')).toBe('/api/tickets/t-1/attachments/abc');
  });
  it('thumbnails only what a browser draws', () => {
    expect([isThumbnailable('image/png'), isThumbnailable('image/heic'), isThumbnailable('application/pdf'), isThumbnailable(null)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
  it('formats sizes', () => {
    expect([formatSize(12), formatSize(2048), formatSize(3 * 1024 * 1024), formatSize(null)]).toEqual(['12 B', '2 KB', '3.0 MB', '']);
  });
});
