/**
 * Message templates (variables checked against what the template declares), agents' 常用语 and
 * units' reply templates, over HTTP on real PostgreSQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { placeholdersIn, renderTemplate } from '../../server/texts/placeholders';

const env = useTestEnv();
let admin: ApiClient;
let agent: ApiClient;
let clerk: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  const unit = await makeUnit(env);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
});

describe('placeholders', () => {
  it('reads {name} placeholders and finds unbalanced braces', () => {
    expect(placeholdersIn('工单{number}已受理，{number}')).toEqual({ ok: true, used: ['number'] });
    expect(placeholdersIn('工单{number已受理')).toEqual({ ok: false, syntaxAt: 2 });
    expect(placeholdersIn('工单number}')).toMatchObject({ ok: false });
    expect(placeholdersIn('{ 号码 }')).toMatchObject({ ok: false });
    expect(renderTemplate('工单{number}，{other}', { number: 'A1' })).toBe('工单A1，{other}');
  });
});

describe('message templates', () => {
  it('stores a template whose body uses only declared variables; refuses an undeclared one by name, in words', async () => {
    const bad = await admin.post('/api/admin/message-templates', {
      code: 'ticket_received',
      channel: 'sms',
      name: '受理告知',
      body: '工单{ticketNo}已受理，请于{days}日内留意',
      variables: ['ticketNo'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNDECLARED', message: '模板使用了未声明的变量', undeclared: ['days'] });
    const ok = await admin.post('/api/admin/message-templates', {
      code: 'ticket_received',
      channel: 'sms',
      name: '受理告知',
      body: '工单{ticketNo}已受理',
      variables: ['ticketNo'],
    });
    expect(ok.status).toBe(201);
    const again = await admin.post('/api/admin/message-templates', {
      code: 'ticket_received',
      channel: 'sms',
      name: '又一个',
      body: '工单{ticketNo}',
      variables: ['ticketNo'],
    });
    expect(again.body.code).toBe('TEMPLATE_EXISTS');

    const id = ok.body.data.id as string;
    const syntax = await admin.request('PUT', `/api/admin/message-templates/${id}`, { name: '受理告知', body: '工单{ticketNo已受理', variables: ['ticketNo'] });
    expect(syntax.body.code).toBe('TEMPLATE_SYNTAX');
    const long = await admin.request('PUT', `/api/admin/message-templates/${id}`, { name: '受理告知', body: '长'.repeat(301), variables: [] });
    expect(long.body).toMatchObject({ code: 'TEMPLATE_TOO_LONG', max: 300 });
    const edited = await admin.request('PUT', `/api/admin/message-templates/${id}`, {
      name: '受理告知',
      body: '您的工单{ticketNo}已受理。',
      variables: ['ticketNo'],
    });
    expect(edited.status).toBe(200);
    // The SMS that says a ticket was received is given the ticket number and links, nothing else.
    const unknown = await admin.request('PUT', `/api/admin/message-templates/${id}`, {
      name: '受理告知',
      body: '工单{ticketNo}转{unit}办理',
      variables: ['ticketNo', 'unit'],
    });
    expect(unknown.body).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNKNOWN', unknown: ['unit'] });
    const audit = (await env.rt.db.execute<{ action: string }>(sql`select action from audit_log where entity_id = ${id} order by id`)).rows;
    expect(audit.map((x) => x.action)).toEqual(['message_template.created', 'message_template.updated']);
  });

  it('a mail template needs a subject, and the subject is held to the same variables', async () => {
    const noSubject = await admin.post('/api/admin/message-templates', {
      code: 'ticket_replied',
      channel: 'mail',
      name: '办结',
      body: '工单{number}',
      variables: ['number'],
    });
    expect(noSubject.body.code).toBe('TEMPLATE_SUBJECT_REQUIRED');
    const badSubject = await admin.post('/api/admin/message-templates', {
      code: 'ticket_replied',
      channel: 'mail',
      name: '办结',
      subject: '{title}',
      body: '工单{number}',
      variables: ['number'],
    });
    expect(badSubject.body).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNDECLARED', undeclared: ['title'] });
  });

  it('is the administrator’s to change', async () => {
    expect((await agent.get('/api/admin/message-templates')).status).toBe(403);
    expect((await agent.post('/api/admin/message-templates', { code: 'x_y', channel: 'sms', name: 'x', body: 'x' })).status).toBe(403);
  });
});

describe('常用语 and reply templates', () => {
  it('agents and clerks read the ones in use; a retired one leaves their list but stays in the administrator’s', async () => {
    const p = await admin.post('/api/admin/text-snippets', { kind: 'agent_phrase', title: '开场白', body: '您好，12345热线。', sort: 1 });
    expect(p.status).toBe(201);
    const r = await admin.post('/api/admin/text-snippets', { kind: 'unit_reply', title: '已处理', body: '经核实已处理完毕。' });
    expect((await agent.get('/api/text-snippets?kind=agent_phrase')).body.data.map((x: { title: string }) => x.title)).toEqual(['开场白']);
    expect((await clerk.get('/api/text-snippets?kind=unit_reply')).body.data.map((x: { id: string }) => x.id)).toEqual([r.body.data.id]);
    await admin.request('PUT', `/api/admin/text-snippets/${p.body.data.id}`, { title: '开场白', body: '您好，12345热线。', active: false });
    expect((await agent.get('/api/text-snippets?kind=agent_phrase')).body.data).toEqual([]);
    expect((await admin.get('/api/admin/text-snippets?kind=agent_phrase')).body.data[0]).toMatchObject({ active: false });
    const empty = await admin.post('/api/admin/text-snippets', { kind: 'agent_phrase', title: '', body: 'x' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].path).toBe('title');
  });
});
