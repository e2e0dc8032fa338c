/**
 * Merged and linked hotlines over HTTP on real PostgreSQL/Redis: the centre's line table (撤并保号,
 * 保留对接, 直接取消) from a spreadsheet, what the CTI learns from it, the screen pop and the report
 * by line; and the emergency linkage (联动对接) as a case from transfer to follow-up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { createRealtime } from '../../server/platform/realtime/socket';
import { signRequest } from '../../integrations/shared/hmac';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
let admin: ApiClient;
let agent: ApiClient;
let supervisor: ApiClient;

const CSV = [
  '号码,名称,原部门,整合方式,默认分类编码,默认承办单位编码,统计标签,停用提示语,启用',
  '12345,12345政务服务便民热线,,12345主号,,,,,是',
  '12319,城建服务热线,市住房城乡建设局,撤并保号,0101,ZJJ,城建,,是',
  '12331,食品药品投诉举报热线,市市场监管局,撤并保号,,,食药,,是',
  '12315,消费者投诉举报热线,市市场监管局,保留对接,,,市场监管,,是',
  '96310,原数字城管热线,市城管局,直接取消,,,城管,"该号码已停用，请拨打12345",否',
].join('\n');

async function cti(method: 'GET' | 'POST', path: string, events?: unknown[]) {
  const body = events ? JSON.stringify(events) : '';
  return fetch(`${env.baseUrl}${path}`, {
    method,
    ...(events ? { body } : {}),
    headers: { 'content-type': 'application/json', ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method, path, body }) },
  });
}

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
  await makeUnit(env, { code: 'ZJJ', name: '市住建局' });
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent', { phoneExtension: '8101' })).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
});

describe('emergency linkage (联动对接)', () => {
  it('records a transfer as a case: centre, time from intake, acknowledgement, follow-up, on the timeline and in the figures', async () => {
    const reg = await agent.post('/api/tickets', { callerPhone: '13933334444', content: '路口两车相撞，有人受伤倒地，请马上派人' });
    const ticketId = reg.body.data.id as string;
    const t = await agent.action(ticketId, 'transfer-emergency', { line: '122', note: '已电话转接交警' });
    expect(t.status).toBe(200);

    const open = (await agent.get('/api/emergency-linkages')).body.data as Record<string, unknown>[];
    const l = open.find((x) => x.ticketId === ticketId)!;
    expect(l).toMatchObject({ line: '122', targetCentre: '交警122报警服务台', status: 'transferred', transferLate: false, ticketNumber: reg.body.data.number });
    expect(l.transferSeconds).toBeLessThan(60);

    const ack = await agent.post(`/api/emergency-linkages/${l.id}/acknowledge`, { acknowledgedBy: '122值班员 王警官', note: '已派警' });
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({ status: 'acknowledged', acknowledgedBy: '122值班员 王警官' });
    expect((await agent.post(`/api/emergency-linkages/${l.id}/acknowledge`, { acknowledgedBy: 'x' })).body.code).toBe('LINKAGE_STATE_CONFLICT');

    const badFollowUp = await agent.post(`/api/emergency-linkages/${l.id}/follow-up`, { outcome: 'solved-maybe', note: '' });
    expect(badFollowUp.status).toBe(400);
    const fu = await agent.post(`/api/emergency-linkages/${l.id}/follow-up`, { outcome: 'handled', note: '回访市民：交警已到场处理' });
    expect(fu.status).toBe(200);
    expect((await agent.get('/api/emergency-linkages')).body.data.some((x: { id: string }) => x.id === l.id)).toBe(false); // no longer open

    const timeline = (await agent.get(`/api/tickets/${ticketId}`)).body.data.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['ticket.transferred_emergency', 'emergency.acknowledged', 'emergency.followed_up']));
    // Each step left its audit and outbox rows with the timeline event.
    const rows = await env.rt.db.execute<{ audit: number; outbox: number }>(sql`select
      (select count(*)::int from audit_log where entity_id = ${ticketId} and action like 'emergency.%') as audit,
      (select count(*)::int from outbox where payload->>'ticketId' = ${ticketId} and topic like 'emergency.%') as outbox`);
    expect(rows.rows[0]).toEqual({ audit: 2, outbox: 2 });

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const fig = await supervisor.get(`/api/reports/emergency-linkages?from=${today}&to=${today}`);
    expect(fig.body.data).toMatchObject({ targetMinutes: 5, total: 1, withinTarget: 1, withinTargetRate: 1 });
    expect(fig.body.data.byLine[0]).toMatchObject({ line: '122', transfers: 1, acknowledged: 1, followedUp: 1, open: 0 });
  });

  it('counts a transfer made more than five minutes after intake as late', async () => {
    const reg = await agent.post('/api/tickets', { callerPhone: '13933335555', content: '楼道里有很浓的煤气味，好像泄漏了' });
    const ticketId = reg.body.data.id as string;
    await env.rt.db.execute(sql`update tickets set created_at = created_at - interval '12 minutes' where id = ${ticketId}`);
    await agent.action(ticketId, 'transfer-emergency', { line: '119', targetCentre: '区消防救援大队' });
    const l = ((await agent.get('/api/emergency-linkages')).body.data as Record<string, unknown>[]).find((x) => x.ticketId === ticketId)!;
    expect(l).toMatchObject({ targetCentre: '区消防救援大队', transferLate: true });
    expect(l.transferSeconds).toBeGreaterThanOrEqual(720);
  });
});

// Last: closing the realtime server closes the test's HTTP server with it.
describe('the centre’s lines', () => {
  it('refuses a spreadsheet with a bad row by its row number and imports none of it', async () => {
    const bad = CSV.replace('"该号码已停用，请拨打12345"', '').replace(',ZJJ,', ',NO-SUCH-UNIT,');
    const r = await admin.post('/api/admin/hotline-lines/import', { csv: bad });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('HOTLINE_LINE_INVALID');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('row 5.announcement'); // the cancelled number has nothing to play
    expect((await agent.get('/api/hotline-lines')).body.data).toEqual([]);

    const unknownUnit = await admin.post('/api/admin/hotline-lines/import', { csv: CSV.replace(',ZJJ,', ',NO-SUCH-UNIT,') });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.errors).toEqual([{ path: 'row 2.defaultUnitCode', code: 'invalid', message: 'unknown unit NO-SUCH-UNIT' }]);
    expect((await agent.get('/api/hotline-lines')).body.data).toEqual([]);
  });

  it('imports the table, shows each line with its unit and category, and exports what it imported', async () => {
    const r = await admin.post('/api/admin/hotline-lines/import', { csv: CSV });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ created: 5, updated: 0 });
    const lines = (await agent.get('/api/hotline-lines')).body.data as Record<string, unknown>[];
    expect(lines.map((l) => [l.number, l.mode])).toEqual([
      ['12315', 'kept'],
      ['12319', 'merged'],
      ['12331', 'merged'],
      ['12345', 'main'],
      ['96310', 'cancelled'],
    ]);
    expect(lines.find((l) => l.number === '12319')).toMatchObject({
      name: '城建服务热线',
      replacedDepartment: '市住房城乡建设局',
      modeName: '撤并保号',
      defaultCategoryCode: '0101',
      defaultCategoryName: '市政设施',
      defaultUnitCode: 'ZJJ',
      defaultUnitName: '市住建局',
      reportingTag: '城建',
    });

    const csv = await admin.download('/api/admin/hotline-lines/export');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF号码,名称')).toBe(true);
    // Importing the export again changes nothing but the update count.
    const again = await admin.post('/api/admin/hotline-lines/import', { csv: text });
    expect(again.body.data).toEqual({ created: 0, updated: 5 });
    expect((await agent.get('/api/hotline-lines')).body.data).toEqual(lines.map((l) => ({ ...l })));
  });

  it('lets an administrator change one line; a cancelled line without an announcement is refused', async () => {
    const bad = await admin.request('PUT', '/api/admin/hotline-lines/12331', { name: '食药热线', mode: 'cancelled' });
    expect(bad.status).toBe(400);
    const ok = await admin.request('PUT', '/api/admin/hotline-lines/12331', { name: '食药热线', mode: 'cancelled', announcement: '请拨打12345' });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ number: '12331', mode: 'cancelled', modeName: '直接取消' });
    const audit = await env.rt.db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where entity_type = 'hotline_line' and entity_id = '12331'`,
    );
    expect(audit.rows[0].n).toBe(3); // created, re-imported, changed
    expect((await agent.request('PUT', '/api/admin/hotline-lines/12331', { name: 'x', mode: 'main' })).status).toBe(403);
    await admin.request('PUT', '/api/admin/hotline-lines/12331', { name: '食品药品投诉举报热线', mode: 'merged' });
  });

  it('tells the CTI which numbers are cancelled and what to play instead (signed, like its events)', async () => {
    const r = await cti('GET', '/channels/phone/lines');
    expect(r.status).toBe(200);
    const { lines } = (await r.json()) as { lines: { number: string; mode: string; announcement: string | null }[] };
    expect(lines.find((l) => l.number === '96310')).toEqual({
      number: '96310',
      name: '原数字城管热线',
      mode: 'cancelled',
      announcement: '该号码已停用，请拨打12345',
      active: false,
    });
    expect((await fetch(`${env.baseUrl}/channels/phone/lines`)).status).toBe(401);
  });

  it('pops the dialled line to the agent with its presets, and the report splits calls and tickets by line', async () => {
    const realtime = createRealtime(env.server, { db: env.rt.db, redisUrl: 'redis://127.0.0.1:6379', prefix: env.prefix, log: env.rt.log });
    env.rt.io = realtime.io;
    try {
      const sock = ioClient(env.baseUrl, { extraHeaders: { cookie: agent.cookie }, transports: ['websocket'] });
      await new Promise<void>((r) => sock.on('connect', () => r()));
      const popped = new Promise<{ callId: string; line?: Record<string, unknown> }>((r) => sock.on('call:answered', r));
      const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();
      const base = { callId: 'line-call-1', direction: 'inbound', caller: '13922223333', callee: '12319', agentExtension: '8101' };
      expect(
        (
          await cti('POST', '/channels/phone/events', [
            { ...base, eventId: 'l1', type: 'ringing', at: at(0) },
            { ...base, eventId: 'l2', type: 'answered', at: at(15) },
          ])
        ).status,
      ).toBe(202);
      const pop = await Promise.race([popped, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no screen pop')), 5000))]);
      expect(pop.line).toMatchObject({ number: '12319', name: '城建服务热线', mode: 'merged', defaultCategoryCode: '0101', defaultUnitName: '市住建局' });
      sock.close();

      const reg = await agent.post('/api/tickets', {
        callerPhone: '13922223333',
        content: '小区门口道路破损多日无人修补',
        callId: 'line-call-1',
        categoryCode: '0101',
      });
      expect(reg.status).toBe(201);
      await cti('POST', '/channels/phone/events', [{ ...base, eventId: 'l3', type: 'ended', at: at(200) }]);
      // A second call on 12319 that the caller gave up, and one on the main number.
      await cti('POST', '/channels/phone/events', [
        { ...base, callId: 'line-call-2', eventId: 'm1', type: 'ringing', at: at(300) },
        { ...base, callId: 'line-call-2', eventId: 'm2', type: 'ended', at: at(320) },
        { ...base, callee: '12345', callId: 'line-call-3', eventId: 'n1', type: 'ringing', at: at(300) },
        { ...base, callee: '12345', callId: 'line-call-3', eventId: 'n2', type: 'answered', at: at(310) },
        { ...base, callee: '12345', callId: 'line-call-3', eventId: 'n3', type: 'ended', at: at(400) },
      ]);

      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
      const rep = await supervisor.get(`/api/reports/lines?from=${yesterday}&to=${today}`);
      expect(rep.status).toBe(200);
      const row = (n: string) => (rep.body.data as { number: string }[]).find((x) => x.number === n);
      expect(row('12319')).toMatchObject({ name: '城建服务热线', modeName: '撤并保号', reportingTag: '城建', callsOffered: 2, callsAnswered: 1, tickets: 1 });
      expect(row('12345')).toMatchObject({ callsOffered: 1, callsAnswered: 1, tickets: 0 });
      expect(row('96310')).toMatchObject({ mode: 'cancelled', callsOffered: 0 }); // listed, so history shows the line existed
      expect((await agent.get(`/api/reports/lines?from=${today}&to=${today}`)).status).toBe(403);
    } finally {
      env.rt.io = null;
      await realtime.close();
    }
  });
});
