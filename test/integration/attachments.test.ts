/**
 * Attachments over HTTP (channels.md §3): the citizen portal's photos with an appeal, staff
 * downloads scoped like the ticket detail, and a unit's reply files. Real PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';

const env = useTestEnv();

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const TEXT = Buffer.from('这是一段文字，不是照片。This is not a photo at all.\n');

const counts = async () =>
  (
    await env.rt.db.execute<{ tickets: number; files: number }>(sql`select
  (select count(*)::int from tickets) as tickets, (select count(*)::int from channel_attachments) as files`)
  ).rows[0];

async function smsCode(phone: string) {
  const c = new ApiClient(env.baseUrl);
  expect((await c.post('/api/public/sms-codes', { phone, purpose: 'submit' })).status).toBe(202);
  return (await c.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
}

/** The portal's multipart form: the appeal as a JSON `payload` part, then each file. */
function appealForm(payload: Record<string, unknown>, files: { name: string; type: string; bytes: Buffer }[]) {
  const form = new FormData();
  form.append('payload', JSON.stringify(payload));
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  return form;
}

const portal = () => new ApiClient(env.baseUrl);
let agent: ApiClient;
let dispatcher: ApiClient;
let clerkA: ApiClient;
let clerkB: ApiClient;
let unitA: { id: string };

beforeAll(async () => {
  unitA = await makeUnit(env, { name: '市市政园林局' });
  const unitB = await makeUnit(env, { name: '市卫健委' });
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerkA = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitA.id })).user.username);
  clerkB = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitB.id })).user.username);
});

async function ticketIdOf(number: string) {
  return (await agent.get(`/api/tickets?number=${number}`)).body.data[0].id as string;
}

describe('citizen appeal with files', () => {
  let ticketId: string;
  let files: { storageKey: string; mime: string; name: string; size: number; kind: string }[];

  it('stores the files with the ticket, typed by their bytes: a PNG named .jpg is a PNG', async () => {
    const phone = '13700000101';
    const r = await portal().upload(
      '/api/public/appeals',
      appealForm({ phone, code: await smsCode(phone), content: '小区门口路灯坏了一个月，晚上很黑', address: '天河路 1 号' }, [
        { name: '路灯.jpg', type: 'image/jpeg', bytes: PNG },
        { name: 'report.pdf', type: 'application/pdf', bytes: PDF },
      ]),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ticketId = await ticketIdOf(r.body.data.number);
    const detail = (await agent.get(`/api/tickets/${ticketId}`)).body.data;
    const registered = detail.timeline.find((e: { type: string }) => e.type === 'ticket.registered');
    files = registered.data.files;
    expect(files.map((f) => [f.name, f.mime, f.kind, f.size])).toEqual([
      ['路灯.jpg', 'image/png', 'image', PNG.length],
      ['report.pdf', 'application/pdf', 'document', PDF.length],
    ]);
    expect(registered.data.attachments).toBe(2);
    for (const f of files) expect(f.storageKey).toMatch(/^att:[0-9a-f-]{36}$/);

    const png = await agent.download(`/api/tickets/${ticketId}/attachments/${files[0].storageKey.slice(4)}`);
    expect(png.status).toBe(200);
    expect(png.bytes.equals(PNG)).toBe(true);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('x-content-type-options')).toBe('nosniff');
    expect(png.headers.get('content-disposition')).toMatch(/^inline;.*filename\*=UTF-8''%E8%B7%AF%E7%81%AF\.jpg/);
    const pdf = await agent.download(`/api/tickets/${ticketId}/attachments/${files[1].storageKey.slice(4)}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(pdf.bytes.equals(PDF)).toBe(true);
  });

  it('refuses a text file renamed .jpg with 415, and keeps no ticket and no file', async () => {
    const before = await counts();
    const phone = '13700000102';
    const r = await portal().upload(
      '/api/public/appeals',
      appealForm({ phone, code: await smsCode(phone), content: '附件是一段改了扩展名的文字' }, [
        { name: 'ok.png', type: 'image/png', bytes: PNG },
        { name: 'photo.jpg', type: 'image/jpeg', bytes: TEXT },
      ]),
    );
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('UNSUPPORTED_MEDIA');
    expect(r.body.detail).toContain('photo.jpg');
    expect(await counts()).toEqual(before);
  });

  it('refuses a 21 MB file with 413 before reading it all, and keeps nothing', async () => {
    const before = await counts();
    const phone = '13700000103';
    const big = Buffer.concat([PNG, Buffer.alloc(21 * 1024 * 1024)]);
    const r = await portal().upload(
      '/api/public/appeals',
      appealForm({ phone, code: await smsCode(phone), content: '一张很大的照片，超过二十兆' }, [{ name: 'big.png', type: 'image/png', bytes: big }]),
    );
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.body.detail).toContain('20 MB');
    expect(await counts()).toEqual(before);
  });

  it('refuses a body over 50 MB in all (3 × 16.8 MB, each under 20 MB) with 413 while streaming, and keeps nothing', async () => {
    const before = await counts();
    const phone = '13700000104';
    const f = Buffer.concat([PNG, Buffer.alloc(Math.round(16.8 * 1024 * 1024))]);
    const r = await portal().upload(
      '/api/public/appeals',
      appealForm(
        { phone, code: await smsCode(phone), content: '三张大照片加起来超过五十兆' },
        [1, 2, 3].map((i) => ({ name: `${i}.png`, type: 'image/png', bytes: f })),
      ),
    );
    expect(r.status).toBe(413);
    expect(r.body.detail).toContain('50 MB');
    expect(await counts()).toEqual(before);
  });

  it('refuses 10 files with 413 (at most 9), and keeps nothing', async () => {
    const before = await counts();
    const phone = '13700000105';
    const r = await portal().upload(
      '/api/public/appeals',
      appealForm(
        { phone, code: await smsCode(phone), content: '十张照片，多了一张' },
        Array.from({ length: 10 }, (_, i) => ({ name: `${i}.png`, type: 'image/png', bytes: PNG })),
      ),
    );
    expect(r.status).toBe(413);
    expect(r.body.detail).toMatch(/9/);
    expect(await counts()).toEqual(before);
  });

  it('takes 9 files, and still checks the SMS code and fields of a multipart appeal (nothing stored on refusal)', async () => {
    const phone = '13700000106';
    const before = await counts();
    const wrong = await portal().upload(
      '/api/public/appeals',
      appealForm({ phone, code: '000000', content: '验证码错误的诉求内容' }, [{ name: 'a.png', type: 'image/png', bytes: PNG }]),
    );
    expect(wrong.body.code).toBe('SMS_CODE_INVALID');
    const bad = await portal().upload(
      '/api/public/appeals',
      appealForm({ phone, code: '123456', content: '短' }, [{ name: 'a.png', type: 'image/png', bytes: PNG }]),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(await counts()).toEqual(before);
    const nine = await portal().upload(
      '/api/public/appeals',
      appealForm(
        { phone, code: await smsCode(phone), content: '九张照片，正好是上限' },
        Array.from({ length: 9 }, (_, i) => ({ name: `${i}.png`, type: 'image/png', bytes: PNG })),
      ),
    );
    expect(nine.status).toBe(201);
    expect(await counts()).toEqual({ tickets: before.tickets + 1, files: before.files + 9 });
  });

  it('a unit clerk downloads the files of a ticket dispatched to the unit; another unit gets 404; unit view stays masked', async () => {
    await agent.action(ticketId, 'submit', { appealType: 'help' });
    expect((await dispatcher.action(ticketId, 'dispatch', { leadUnitId: unitA.id })).status).toBe(200);
    const path = `/api/tickets/${ticketId}/attachments/${files[0].storageKey.slice(4)}`;
    const own = await clerkA.download(path);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(PNG)).toBe(true);
    const other = await clerkB.download(path);
    expect(other.status).toBe(404);
    expect(other.bytes.toString()).not.toContain('PNG');
    // An attachment id that is not this ticket's, or not an id, is 404 too.
    expect((await agent.download(`/api/tickets/${ticketId}/attachments/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await agent.download(`/api/tickets/${ticketId}/attachments/nope`)).status).toBe(404);
    // The clerk's ticket view: files listed, the caller still masked (attachments change nothing there).
    const seen = await clerkA.get(`/api/tickets/${ticketId}`);
    expect(JSON.stringify(seen.body)).not.toContain('13700000101');
    expect(JSON.stringify(seen.body)).toContain(files[0].storageKey);
  });

  it("a unit replies with an uploaded file; another ticket's file or another unit's upload is refused", async () => {
    const form = () => {
      const f = new FormData();
      f.append('files', new Blob([new Uint8Array(PNG)]), '现场整改.png');
      return f;
    };
    expect((await clerkB.upload(`/api/tickets/${ticketId}/attachments`, form())).status).toBe(404);
    const liar = new FormData();
    liar.append('files', new Blob([new Uint8Array(TEXT)], { type: 'image/jpeg' }), 'fix.jpg');
    expect((await clerkA.upload(`/api/tickets/${ticketId}/attachments`, liar)).status).toBe(415);
    const up = await clerkA.upload(`/api/tickets/${ticketId}/attachments`, form());
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.data).toMatchObject({ name: '现场整改.png', mime: 'image/png', size: PNG.length });
    const audit = (
      await env.rt.db.execute<{ role: string; data: { storageKey: string } }>(sql`select actor_role as role, data from audit_log
      where action = 'attachment.uploaded' and entity_id = ${ticketId}`)
    ).rows;
    expect(audit).toEqual([{ role: 'unit_clerk', data: expect.objectContaining({ storageKey: up.body.data.storageKey }) }]);

    await clerkA.action(ticketId, 'sign');
    await clerkA.action(ticketId, 'start');
    // A key uploaded for another ticket (the 9-photo appeal's) is not this ticket's.
    const [foreign] = (await env.rt.db.execute<{ id: string }>(sql`select id from channel_attachments where ticket_id <> ${ticketId} limit 1`)).rows;
    const wrong = await clerkA.action(ticketId, 'reply', { text: '已修复路灯', attachments: [{ name: 'x.png', storageKey: `att:${foreign.id}` }] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('ATTACHMENT_INVALID');
    const ok = await clerkA.action(ticketId, 'reply', { text: '已修复路灯', attachments: [{ name: '现场整改.png', storageKey: up.body.data.storageKey }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const replied = ok.body.data.timeline.find((e: { type: string }) => e.type === 'ticket.replied');
    expect(replied.data.attachments).toEqual([{ name: '现场整改.png', storageKey: up.body.data.storageKey, mime: 'image/png', size: PNG.length }]);
    // The centre downloads the unit's file from the ticket.
    const got = await agent.download(`/api/tickets/${ticketId}/attachments/${up.body.data.storageKey.slice(4)}`);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(PNG)).toBe(true);
  });
});
