import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';
import { openApiChecker } from '../helpers/openapi-check';

/**
 * The public API of channels.md §3 and §4.3 under /api/v1, over HTTP on real PostgreSQL and Redis;
 * every response of the calls below is checked against GET /api/v1/openapi.json.
 */
const env = useTestEnv();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let checker: ReturnType<typeof openApiChecker>;
const violations: string[] = [];

/** One call of the public API, checked against the document. */
async function call(method: 'GET' | 'POST', template: string, o: { params?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {}) {
  if (!checker) {
    const doc = await new ApiClient(env.baseUrl).get('/api/v1/openapi.json');
    checker = openApiChecker(doc.body);
  }
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => o.params![k]);
  const res = await new ApiClient(env.baseUrl).request(method, `/api/v1${path}`, o.body, o.headers);
  violations.push(...checker.check(method, template, res));
  return res;
}

async function smsToken(phone: string, purpose: 'submit' | 'track') {
  await smsMinutePasses(env.prefix);
  expect((await call('POST', '/sms-codes', { body: { phone, purpose } })).status).toBe(202);
  const code = (await new ApiClient(env.baseUrl).get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
  const r = await call('POST', '/sms-codes/verify', { body: { phone, purpose, code } });
  expect(r.status).toBe(200);
  return r.body.smsToken as string;
}

async function captcha() {
  const r = await call('GET', '/captcha');
  expect(r.status).toBe(200);
  const answer = (await new ApiClient(env.baseUrl).get(`/api/dev/captcha?id=${r.body.captchaId}`)).body.data.answer as string;
  return { captchaId: r.body.captchaId as string, captcha: answer };
}

function appealForm(payload: unknown, files: { name: string; type: string; bytes: Buffer }[] = []) {
  const form = new FormData();
  form.append('payload', JSON.stringify(payload));
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  return form;
}

const appeal = (phone: string, token: string, c: { captchaId: string; captcha: string }, more: Record<string, unknown> = {}) => ({
  content: '小区门口的路灯已经坏了一个多星期，晚上很黑',
  location: { address: '天河区体育西路 1 号' },
  contact: { phone, name: '王女士' },
  smsToken: token,
  ...c,
  ...more,
});

afterAll(() => {
  // The document check runs on every call above; a test that made no call would prove nothing.
  expect(checker?.checked ?? 0).toBeGreaterThan(20);
});

describe('public API /api/v1', () => {
  it('serves an OpenAPI 3.1 document of every route', async () => {
    const r = await new ApiClient(env.baseUrl).get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths).sort()).toEqual([
      '/appeals',
      '/appeals/{ticketNo}/ratings',
      '/appeals/{ticketNo}/supplements',
      '/captcha',
      '/sms-codes',
      '/sms-codes/verify',
      '/tracking/lookup',
    ]);
  });

  it("verifies a phone: code → smsToken bound to phone and purpose; wrong codes and bad input get the spec's codes", async () => {
    const bad = await call('POST', '/sms-codes', { body: { phone: '12345', purpose: 'submit' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.fields.phone).toBeTruthy();

    const phone = '13700000001';
    expect((await call('POST', '/sms-codes', { body: { phone, purpose: 'submit' } })).status).toBe(202);
    const wrong = await call('POST', '/sms-codes/verify', { body: { phone, purpose: 'submit', code: '000000' } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'CODE_INVALID']);
    // A second code within the minute: 429 with Retry-After.
    const again = await call('POST', '/sms-codes', { body: { phone, purpose: 'submit' } });
    expect([again.status, again.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);

    const token = await smsToken(phone, 'submit');
    expect(token).toMatch(/^st1\.submit\./);
    // Bound to the phone and the purpose: useless for another number or for tracking.
    const c = await captcha();
    const other = await call('POST', '/appeals', { body: appeal('13700000002', token, c) });
    expect([other.status, other.body.code]).toEqual([401, 'CODE_INVALID']);
    const forged = await call('POST', '/tracking/lookup', { body: { ticketNo: '2026010100001', phone, smsToken: token } });
    expect([forged.status, forged.body.code]).toEqual([401, 'CODE_INVALID']);
  });

  it('takes an appeal with a photo once per Idempotency-Key, asks anonymous visitors for the captcha, refuses a lying file', async () => {
    const phone = '13700000003';
    const token = await smsToken(phone, 'submit');

    const noCaptcha = await call('POST', '/appeals', { body: appealForm(appeal(phone, token, { captchaId: randomUUID(), captcha: 'abcd' })) });
    expect([noCaptcha.status, noCaptcha.body.code]).toEqual([401, 'CAPTCHA_INVALID']);

    const short = await call('POST', '/appeals', { body: appealForm(appeal(phone, token, await captcha(), { content: '太短' })) });
    expect([short.status, short.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(short.body.fields.content).toBeTruthy();

    const lie = await call('POST', '/appeals', {
      body: appealForm(appeal(phone, token, await captcha()), [{ name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('#!/bin/sh\necho not a photo\n') }]),
    });
    expect([lie.status, lie.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA']);

    const key = randomUUID();
    const first = await call('POST', '/appeals', {
      headers: { 'Idempotency-Key': key },
      body: appealForm(appeal(phone, token, await captcha()), [{ name: '路灯.png', type: 'image/png', bytes: PNG }]),
    });
    expect(first.status).toBe(201);
    expect(first.body.ticketNo).toMatch(/^\d{13}$/);
    expect(first.body.trackingUrl).toContain(first.body.ticketNo);

    // The client lost the answer and sends it again: the original 201 body, no second ticket (no captcha needed for a replay).
    const replay = await call('POST', '/appeals', {
      headers: { 'Idempotency-Key': key },
      body: appealForm(appeal(phone, token, { captchaId: randomUUID(), captcha: 'zzzz' }), [{ name: '路灯.png', type: 'image/png', bytes: PNG }]),
    });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const n = await env.rt.db.execute<{ n: number; files: number }>(sql`select count(*)::int as n,
      (select count(*)::int from channel_attachments a where a.ticket_id = min(t.id::text)::uuid) as files
      from tickets t where t.content like '小区门口的路灯%'`);
    expect(n.rows[0]).toEqual({ n: 1, files: 1 });

    // The same key from another phone is another appeal, never the first citizen's ticket.
    const otherPhone = '13700000004';
    const stranger = await call('POST', '/appeals', {
      headers: { 'Idempotency-Key': key },
      body: appeal(otherPhone, await smsToken(otherPhone, 'submit'), await captcha()),
    });
    expect(stranger.status).toBe(201);
    expect(stranger.body.ticketNo).not.toBe(first.body.ticketNo);

    const badKey = await call('POST', '/appeals', { headers: { 'Idempotency-Key': 'not-a-uuid' }, body: appeal(phone, token, await captcha()) });
    expect([badKey.status, badKey.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    // A captcha answers once: the right answer a second time is refused.
    const once = await captcha();
    expect((await call('POST', '/appeals', { body: appeal(phone, token, once) })).status).toBe(201);
    const twice = await call('POST', '/appeals', { body: appeal(phone, token, once) });
    expect([twice.status, twice.body.code]).toEqual([401, 'CAPTCHA_INVALID']);

    // A 21 MB photo: 413 while it streams in, and no ticket.
    const before = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`)).rows[0].n;
    const big = await call('POST', '/appeals', {
      body: appealForm(appeal(phone, token, await captcha()), [
        { name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(21 * 1024 * 1024)]) },
      ]),
    });
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`)).rows[0].n).toBe(before);
  });

  it('tracks, takes a supplement, and rates once closed; the same 404 whether or not the number exists', async () => {
    const phone = '13700000005';
    const created = await call('POST', '/appeals', { body: appeal(phone, await smsToken(phone, 'submit'), await captcha()) });
    expect(created.status).toBe(201);
    const ticketNo = created.body.ticketNo as string;
    const track = await smsToken(phone, 'track');

    const view = await call('POST', '/tracking/lookup', { body: { ticketNo, phone, smsToken: track } });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ ticketNo, status: 'received', rateable: false });
    expect(view.body.timeline[0].label).toBe('诉求已受理');

    const otherPhone = '13700000006';
    const otherTrack = await smsToken(otherPhone, 'track');
    const notYours = await call('POST', '/tracking/lookup', { body: { ticketNo, phone: otherPhone, smsToken: otherTrack } });
    const noSuch = await call('POST', '/tracking/lookup', { body: { ticketNo: '1999010100001', phone: otherPhone, smsToken: otherTrack } });
    expect(notYours.status).toBe(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(notYours.body)).toEqual(strip(noSuch.body));
    expect(notYours.body.code).toBe('NOT_FOUND');

    const sup = await call('POST', '/appeals/{ticketNo}/supplements', {
      params: { ticketNo },
      body: appealForm({ phone, smsToken: track, text: '补充：旁边的第二盏路灯也不亮' }, [{ name: 'night.png', type: 'image/png', bytes: PNG }]),
    });
    expect(sup.status).toBe(201);
    expect(sup.body.files).toBe(1);
    const strangerSup = await call('POST', '/appeals/{ticketNo}/supplements', {
      params: { ticketNo },
      body: { phone: otherPhone, smsToken: otherTrack, text: '冒充补充' },
    });
    expect(strangerSup.status).toBe(404);

    const early = await call('POST', '/appeals/{ticketNo}/ratings', { params: { ticketNo }, body: { phone, smsToken: track, score: 5, solved: true } });
    expect([early.status, early.body.code]).toEqual([409, 'TICKET_NOT_CLOSED']);

    // The centre sees the supplement on the ticket's timeline, with its file.
    const unit = await makeUnit(env);
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
    const id = (await agent.get(`/api/tickets?number=${ticketNo}`)).body.data[0].id;
    const ev = await env.rt.db.execute<{ data: { text: string; files: unknown[] } }>(sql`select data from ticket_events
      where ticket_id = ${id} and type = 'citizen.supplemented'`);
    expect(ev.rows.map((r) => [r.data.text, r.data.files.length])).toEqual([['补充：旁边的第二盏路灯也不亮', 1]]);
    await agent.action(id, 'submit');
    await agent.action(id, 'dispatch', { leadUnitId: unit.id });
    await clerk.action(id, 'sign');
    await clerk.action(id, 'start');
    await clerk.action(id, 'reply', { text: '已修复两盏路灯' });
    await agent.action(id, 'accept-reply');

    const closed = await call('POST', '/tracking/lookup', { body: { ticketNo, phone, smsToken: track } });
    expect(closed.body).toMatchObject({ status: 'closed', replyText: '已修复两盏路灯', rateable: true });
    const late = await call('POST', '/appeals/{ticketNo}/supplements', { params: { ticketNo }, body: { phone, smsToken: track, text: '还有一件事' } });
    expect([late.status, late.body.code]).toEqual([409, 'TICKET_STATE_CONFLICT']);

    const rated = await call('POST', '/appeals/{ticketNo}/ratings', {
      params: { ticketNo },
      body: { phone, smsToken: track, score: 4, solved: true, comment: '修得很快' },
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ ticketNo, score: 4, duplicate: false });
    const twice = await call('POST', '/appeals/{ticketNo}/ratings', { params: { ticketNo }, body: { phone, smsToken: track, score: 4, solved: true } });
    expect([twice.status, twice.body.duplicate]).toEqual([200, true]);
    const changed = await call('POST', '/appeals/{ticketNo}/ratings', { params: { ticketNo }, body: { phone, smsToken: track, score: 1, solved: false } });
    expect([changed.status, changed.body.code]).toEqual([409, 'RATING_ALREADY_SUBMITTED']);
  });

  it('limits lookups to 20 an hour per address, with Retry-After', async () => {
    const phone = '13700000007';
    const track = await smsToken(phone, 'track');
    const statuses: number[] = [];
    let last;
    // Earlier tests of this file used some of the address's 20.
    for (let i = 0; i < 21; i++) {
      last = await call('POST', '/tracking/lookup', { body: { ticketNo: '1999010100002', phone, smsToken: track } });
      statuses.push(last.status);
    }
    expect(statuses).toContain(429);
    expect(last!.status).toBe(429);
    expect(last!.body.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('every response above conforms to the document', () => {
    expect(violations).toEqual([]);
  });
});
