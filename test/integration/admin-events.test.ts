/**
 * Administrative changes are events (platform/events/admin-change.ts), over HTTP on real
 * PostgreSQL: each change to the centre's set-up leaves exactly one `admin.changed` event, one
 * audit row and one outbox row naming it, written by the same transaction; a request refused
 * with a 4xx leaves none of the three.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { ADMIN_ENTITIES } from '../../server/platform/events/catalogue';

const env = useTestEnv();
let admin: ApiClient;
let adminId: string;

beforeAll(async () => {
  const a = await makeUser(env, 'admin');
  adminId = a.user.id;
  admin = await ApiClient.login(env.baseUrl, a.user.username);
  await env.rt.db.execute(sql`insert into regions (code, name, parent_code, level) values ('440100', '广州市', null, 'city') on conflict do nothing`);
});

type Change = {
  event: { id: string; entity: string; entityId: string; action: string; actorId: string | null; before: unknown; after: unknown; tx: string };
  audits: { action: string; entityType: string; entityId: string; tx: string }[];
  outbox: { topic: string; payload: Record<string, unknown>; tx: string }[];
};

const marks = async () =>
  (
    await env.rt.db.execute<{ e: number; a: number; o: number }>(sql`select
  (select count(*)::int from admin_events) as e, (select coalesce(max(id), 0)::int from audit_log) as a,
  (select coalesce(max(id), 0)::int from outbox) as o`)
  ).rows[0];

/** Runs the request and returns what it wrote: the events, the audit rows and the outbox rows of admin changes after it. */
async function changesOf(run: () => Promise<{ status: number; body: unknown }>) {
  const m = await marks();
  const res = await run();
  const events = (
    await env.rt.db.execute<Change['event']>(sql`select id, entity, entity_id as "entityId", action, actor_id as "actorId", before, after,
    xmin::text as tx from admin_events order by at, id offset ${m.e}`)
  ).rows;
  const audits = (
    await env.rt.db.execute<Change['audits'][number]>(sql`select action, entity_type as "entityType", entity_id as "entityId", xmin::text as tx
    from audit_log where id > ${m.a} order by id`)
  ).rows.filter((r) => (ADMIN_ENTITIES as readonly string[]).includes(r.entityType));
  const outbox = (
    await env.rt.db.execute<Change['outbox'][number]>(sql`select topic, payload, xmin::text as tx from outbox
    where id > ${m.o} and topic = 'admin.changed' order by id`)
  ).rows;
  return { res, events, audits, outbox };
}

/** Exactly one change, its three rows written by one transaction, naming the same thing. */
async function one(run: () => Promise<{ status: number; body: unknown }>, status: number, expected: { entity: string; action: string; id?: string }) {
  const c = await changesOf(run);
  expect(c.res.status, JSON.stringify(c.res.body)).toBe(status);
  expect(c.events).toHaveLength(1);
  expect(c.audits).toHaveLength(1);
  expect(c.outbox).toHaveLength(1);
  const [e] = c.events;
  expect(e).toMatchObject({ entity: expected.entity, action: expected.action, actorId: adminId, ...(expected.id ? { entityId: expected.id } : {}) });
  expect(c.audits[0]).toMatchObject({ action: `${expected.entity}.${expected.action}`, entityType: expected.entity, entityId: e.entityId });
  expect(c.outbox[0].payload).toEqual({ cause: 'admin.changed', adminEventId: e.id, entity: expected.entity, entityId: e.entityId, action: expected.action });
  // Written by the same transaction (the outbox row's own xmin moves when the relay marks it sent; it names the event instead).
  expect(c.audits[0].tx).toBe(e.tx);
  return { event: e, body: c.res.body as { data: Record<string, unknown> } };
}

async function none(run: () => Promise<{ status: number; body: unknown }>, status: number) {
  const c = await changesOf(run);
  expect(c.res.status, JSON.stringify(c.res.body)).toBe(status);
  expect({ events: c.events.length, audits: c.audits.length, outbox: c.outbox.length }).toEqual({ events: 0, audits: 0, outbox: 0 });
}

describe('administrative changes are events', () => {
  it('editing a message template: one event with the text before and after; a refused edit writes nothing', async () => {
    const made = await one(
      () =>
        admin.post('/api/admin/message-templates', {
          code: 'ticket_received',
          channel: 'sms',
          name: '受理告知',
          body: '工单{ticketNo}已受理',
          variables: ['ticketNo'],
        }),
      201,
      { entity: 'message_template', action: 'created' },
    );
    const id = made.body.data.id as string;
    const { event } = await one(
      () => admin.request('PUT', `/api/admin/message-templates/${id}`, { name: '受理告知', body: '您的工单{ticketNo}已受理。', variables: ['ticketNo'] }),
      200,
      { entity: 'message_template', action: 'updated', id },
    );
    expect(event.before).toMatchObject({ body: '工单{ticketNo}已受理' });
    expect(event.after).toMatchObject({ body: '您的工单{ticketNo}已受理。' });
    await none(
      () => admin.request('PUT', `/api/admin/message-templates/${id}`, { name: '受理告知', body: '工单{ticketNo}，{days}日内', variables: ['ticketNo'] }),
      400,
    );
    await none(() => admin.request('PUT', '/api/admin/message-templates/00000000-0000-4000-8000-000000000000', { name: 'x', body: 'x', variables: [] }), 404);
  });

  it('disabling a user: one event, the account before and after without any secret; disabling oneself writes nothing', async () => {
    const { user } = await makeUser(env, 'supervisor');
    const { event } = await one(
      () =>
        admin.request('PUT', `/api/admin/users/${user.id}`, {
          displayName: user.displayName,
          role: 'supervisor',
          unitId: null,
          phoneExtension: null,
          active: false,
        }),
      200,
      { entity: 'user', action: 'disabled', id: user.id },
    );
    expect(event.before).toMatchObject({ active: true, role: 'supervisor' });
    expect(event.after).toMatchObject({ active: false });
    expect(JSON.stringify(event)).not.toMatch(/password|hash|mfa_secret|secret/i);
    await none(
      () => admin.request('PUT', `/api/admin/users/${adminId}`, { displayName: 'x', role: 'admin', unitId: null, phoneExtension: null, active: false }),
      409,
    );
    await one(() => admin.post(`/api/admin/users/${user.id}/unlock`, {}), 200, { entity: 'user', action: 'unlocked', id: user.id });
    const reset = await one(() => admin.post(`/api/admin/users/${user.id}/reset-password`, {}), 200, { entity: 'user', action: 'password_reset', id: user.id });
    expect(JSON.stringify(reset.event)).not.toContain(String(reset.body.data.oneTimePassword));
    await one(
      () => admin.post('/api/admin/users', { username: 'events.agent', displayName: '事件坐席', role: 'agent', unitId: null, phoneExtension: null }),
      201,
      { entity: 'user', action: 'created' },
    );
    await none(() => admin.post('/api/admin/users', { username: 'events.agent', displayName: '重名', role: 'agent', unitId: null, phoneExtension: null }), 409);
  });

  it('snippets, knowledge articles, units, dispatch rules, time limits, holidays, the category tree and tags each leave one event', async () => {
    const snip = await one(() => admin.post('/api/admin/text-snippets', { kind: 'agent_phrase', title: '稍候', body: '请您稍候，正在为您查询。' }), 201, {
      entity: 'text_snippet',
      action: 'created',
    });
    await one(() => admin.request('PUT', `/api/admin/text-snippets/${snip.body.data.id}`, { title: '稍候', body: '请稍候。', active: false }), 200, {
      entity: 'text_snippet',
      action: 'updated',
      id: String(snip.body.data.id),
    });

    const art = await one(() => admin.post('/api/knowledge/articles', { title: '公积金提取', body: '凭身份证办理。' }), 201, {
      entity: 'knowledge_article',
      action: 'created',
    });
    await one(() => admin.request('DELETE', `/api/knowledge/articles/${art.body.data.id}`), 200, { entity: 'knowledge_article', action: 'retired' });
    await none(() => admin.request('PATCH', `/api/knowledge/articles/${art.body.data.id}`, { validFrom: '2030-01-02', validTo: '2030-01-01' }), 400);

    const unit = await one(
      () => admin.post('/api/admin/units', { code: 'EV-1', name: '事件测试局', kind: 'functional', parentId: null, regionCode: '440100' }),
      201,
      { entity: 'unit', action: 'created' },
    );
    await none(() => admin.post('/api/admin/units', { code: 'EV-1', name: '重复', kind: 'functional', parentId: null, regionCode: '440100' }), 409);
    const lead = await makeUnit(env, { name: '事件测试承办' });
    await env.rt.db.execute(sql`insert into category_tree_versions (version, label, source) values (1, 'events', 'test') on conflict do nothing`);
    await env.rt.db.execute(sql`insert into categories (version, code, name, parent_code, level) values (1, '01', '城乡建设', null, 1) on conflict do nothing`);
    const rule = await one(() => admin.post('/api/admin/dispatch-rules', { categoryCode: '01', leadUnitId: lead.id }), 201, {
      entity: 'dispatch_rule',
      action: 'created',
    });
    await one(() => admin.request('DELETE', `/api/admin/dispatch-rules/${rule.body.data.id}`), 204, { entity: 'dispatch_rule', action: 'deactivated' });
    expect(unit.event.after).toMatchObject({ code: 'EV-1', active: true });

    await one(() => admin.request('PUT', '/api/admin/holidays/2031', { rows: [{ date: '2031-10-01', kind: 'holiday', name: '国庆节' }] }), 200, {
      entity: 'holidays',
      action: 'replaced',
      id: '2031',
    });
    await none(() => admin.request('PUT', '/api/admin/holidays/2031', { rows: [{ date: '2031-03-05', kind: 'workday', name: '测试' }] }), 400);
    await one(() => admin.post('/api/admin/sla-policies/preset', { name: 'guangdong-2022' }), 200, { entity: 'sla_policy', action: 'preset_applied' });

    // The category tree and its tags, from the categories screen.
    await one(() => admin.post('/api/admin/category-versions/import', { label: '事件', csv: 'code,name,parent_code,level\n01,城乡建设管理,,1\n' }), 201, {
      entity: 'category_tree',
      action: 'imported',
    });
    await none(() => admin.post('/api/admin/category-versions/import', { label: '事件', csv: 'code,name,parent_code,level\n0101,物业,09,2\n' }), 400);
    const tag = await one(() => admin.request('PUT', '/api/admin/tags/night_time', { name: '夜间（22时后）', kind: 'place_time', active: true }), 200, {
      entity: 'tag',
      action: 'saved',
      id: 'night_time',
    });
    expect(tag.event.before).toMatchObject({ name: '夜间' });
    expect(tag.event.after).toMatchObject({ name: '夜间（22时后）' });
  });

  it('the event kind is in the catalogue, and its outbox rows parse as admin messages', async () => {
    const { parseOutboxMessage } = await import('../../server/platform/events/outbox');
    const row = (
      await env.rt.db.execute<{ id: number; topic: string; payload: Record<string, unknown> }>(sql`select id::int as id, topic, payload from outbox
      where topic = 'admin.changed' order by id limit 1`)
    ).rows[0];
    expect(parseOutboxMessage(row.topic, { ...row.payload, outboxId: row.id, topic: row.topic })).toMatchObject({ ok: true, kind: 'admin' });
    expect(parseOutboxMessage('admin.changed', { cause: 'admin.changed', outboxId: 1, topic: 'admin.changed' })).toMatchObject({ ok: false });
  });
});
