/**
 * The access-control matrix, generated from the transition table and the route list: every
 * role × every action × own / other unit's ticket. A move is allowed exactly when the table says
 * so (role, and for unit clerks the unit the ticket went to); a refused move changes nothing.
 * Reads: unit clerks see only their unit's tickets and only masked personal data; every read of
 * personal data in clear leaves a `pii.read` audit row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket, ticketState } from '../helpers/factories';
import { TRANSITIONS, type Transition } from '../../server/tickets/states';
import type { Role } from '../../server/identity/tables';
import { extensionDayFor } from '../../server/sla/extension';

const env = useTestEnv();
const PHONE = '13912345678';
const NAME = '欧阳娜娜';
type Who = 'agent' | 'dispatcher' | 'supervisor' | 'admin' | 'clerkOwn' | 'clerkOther' | 'anonymous';
const WHO: Who[] = ['agent', 'dispatcher', 'supervisor', 'admin', 'clerkOwn', 'clerkOther', 'anonymous'];
const roleOf: Record<Who, Role | null> = {
  agent: 'agent',
  dispatcher: 'dispatcher',
  supervisor: 'supervisor',
  admin: 'admin',
  clerkOwn: 'unit_clerk',
  clerkOther: 'unit_clerk',
  anonymous: null,
};
const as = {} as Record<Who, ApiClient>;
const ids = {} as Record<Who, string>;
let unitOwn: { id: string }, unitOther: { id: string }, unitThird: { id: string };
let agentActor: Awaited<ReturnType<typeof makeUser>>['actor'];

beforeAll(async () => {
  unitOwn = await makeUnit(env, { name: '市住建局' });
  unitOther = await makeUnit(env, { name: '市水务局' });
  unitThird = await makeUnit(env, { name: '天河区政府' });
  for (const w of WHO) {
    if (w === 'anonymous') {
      as[w] = new ApiClient(env.baseUrl);
      continue;
    }
    const u = await makeUser(env, roleOf[w]!, w === 'clerkOwn' ? { unitId: unitOwn.id } : w === 'clerkOther' ? { unitId: unitOther.id } : {});
    ids[w] = u.user.id;
    if (w === 'agent') agentActor = u.actor;
    as[w] = await ApiClient.login(env.baseUrl, u.user.username);
  }
});

const ok = async (c: ApiClient, id: string, action: string, body: unknown = {}) => {
  const r = await c.action(id, action, body);
  expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
};
const D = () => as.dispatcher;
const C = () => as.clerkOwn;
/** How to bring a fresh ticket into each status, through the API. */
const RECIPES: Record<string, (id: string) => Promise<void>> = {
  received: async () => {},
  answered_directly: async (id) => ok(D(), id, 'answer-directly', { answer: '已答复' }),
  pending_dispatch: async (id) => ok(D(), id, 'submit'),
  dispatched: async (id) => {
    await RECIPES.pending_dispatch(id);
    await ok(D(), id, 'dispatch', { leadUnitId: unitOwn.id });
  },
  signed: async (id) => {
    await RECIPES.dispatched(id);
    await ok(C(), id, 'sign');
  },
  in_progress: async (id) => {
    await RECIPES.signed(id);
    await ok(C(), id, 'start');
  },
  return_requested: async (id) => {
    await RECIPES.dispatched(id);
    await ok(C(), id, 'request-return', { reasonCode: 'wrong_area', note: '不属本辖区' });
  },
  extension_requested: async (id) => {
    await RECIPES.in_progress(id);
    await ok(C(), id, 'request-extension', { newDueDate: await extensionDayFor(env.rt.db, id), reason: '需协调多部门' });
  },
  replied: async (id) => {
    await RECIPES.in_progress(id);
    await ok(C(), id, 'reply', { text: '已修复' });
  },
  closed: async (id) => {
    await RECIPES.replied(id);
    await ok(D(), id, 'accept-reply');
  },
  reopened: async (id) => {
    await RECIPES.closed(id);
    await ok(D(), id, 'reopen', { reason: '市民不满意' });
  },
};

async function expireCallbacks(ticketId: string) {
  await env.rt.db.execute(sql`update callbacks set due_at = now() - interval '1 day' where ticket_id = ${ticketId} and status = 'pending'`);
}

async function ticketIn(status: string) {
  const t = await makeTicket(env, agentActor, { phone: PHONE, name: NAME });
  await RECIPES[status](t.ticketId);
  return t.ticketId;
}

async function bodyFor(action: string, id: string): Promise<unknown> {
  switch (action) {
    case 'answer-directly':
      return { answer: '按政策答复' };
    case 'transfer-emergency':
      return { line: '110' };
    case 'decline':
      return { reasonCode: 'outside_duty', note: '不属受理范围' };
    case 'merge': {
      const target = await makeTicket(env, agentActor);
      return { intoTicketNumber: target.number };
    }
    case 'dispatch':
      return { leadUnitId: unitOwn.id };
    case 'request-return':
      return { reasonCode: 'wrong_area', note: '不属本辖区' };
    case 'approve-return':
      return { leadUnitId: unitThird.id };
    case 'reject-return':
      return { note: '属你单位职责' };
    case 'request-extension':
      return { newDueDate: await extensionDayFor(env.rt.db, id), reason: '需协调' };
    case 'deny-extension':
      return { note: '理由不充分' };
    case 'reply':
      return { text: '已处理' };
    case 'send-back':
      return { note: '答复不完整' };
    case 'reopen':
      return { reason: '市民不满意' };
    case 'reassign':
      return { leadUnitId: unitThird.id, reasonCode: 'wrong_dispatch', note: '派错单位' };
    case 'recall':
      return { reasonCode: 'wrong_dispatch', note: '派错单位' };
    default:
      return {};
  }
}

/** What the table allows: the role, and for a unit clerk the ticket must have gone to the clerk's unit. */
function allowed(t: Transition, w: Who, from: string) {
  const role = roleOf[w];
  if (!role || !t.roles.includes(role)) return false;
  if (role === 'unit_clerk') return w === 'clerkOwn' && !['received', 'pending_dispatch'].includes(from);
  return true;
}

describe('access matrix: every action × every role × own/other unit', () => {
  const rows: { action: string; who: Who; expected: 'allow' | 'deny'; got: number }[] = [];
  for (const t of TRANSITIONS) {
    it(`${t.action} (${t.from.join('|')} → ${t.to})`, async () => {
      const from = t.from.find((f) => RECIPES[f]) ?? t.from[0];
      let id = await ticketIn(from);
      // Archive waits for the callback or its expiry (CALLBACK_PENDING); here the callback has expired.
      if (t.action === 'archive') await expireCallbacks(id);
      for (const w of WHO) {
        const before = await ticketState(env, id);
        const r = await as[w].action(id, t.action, await bodyFor(t.action, id));
        const allow = allowed(t, w, from);
        rows.push({ action: t.action, who: w, expected: allow ? 'allow' : 'deny', got: r.status });
        if (allow) {
          expect(r.status, `${w} ${t.action}: ${JSON.stringify(r.body)}`).toBe(200);
          expect([t.to, ...(t.alsoTo ?? [])]).toContain((await ticketState(env, id)).ticket.status);
          id = await ticketIn(from); // the next role needs a ticket still in `from`
          if (t.action === 'archive') await expireCallbacks(id);
        } else {
          expect([401, 403, 404], `${w} ${t.action} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
          if (w === 'anonymous') expect(r.status).toBe(401);
          const after = await ticketState(env, id);
          expect(after.ticket.version).toBe(before.ticket.version);
          expect(after.ticket.status).toBe(before.ticket.status);
          expect(after.events).toBe(before.events);
        }
      }
    });
  }
  it('prints the matrix', () => {
    const byAction = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const m = byAction.get(r.action) ?? {};
      m[r.who] = `${r.expected === 'allow' ? '✓' : '·'}${r.got}`;
      byAction.set(r.action, m);
    }
    console.table(Object.fromEntries(byAction));
    expect(rows.length).toBe(TRANSITIONS.length * WHO.length);
  });
});

describe('reads: unit isolation and personal data', () => {
  const piiReads = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'pii.read'`)).rows[0].n;

  it('shows a ticket only to the centre and the unit it went to; clear PII only to centre roles, each read audited', async () => {
    const received = await ticketIn('received');
    const dispatched = await ticketIn('dispatched');
    for (const w of WHO) {
      for (const [id, st] of [
        [received, 'received'],
        [dispatched, 'dispatched'],
      ] as const) {
        const before = await piiReads();
        const r = await as[w].get(`/api/tickets/${id}`);
        const text = JSON.stringify(r.body);
        const after = await piiReads();
        const centre = ['agent', 'dispatcher', 'supervisor', 'admin'].includes(w);
        if (w === 'anonymous') expect(r.status).toBe(401);
        else if (centre) {
          expect(r.status).toBe(200);
          expect(r.body.data.caller.phone).toBe(PHONE);
          expect(after - before, `${w} read clear PII without an audit row`).toBe(1);
          const [row] = (
            await env.rt.db.execute<{ actor: string; entity: string }>(sql`select actor_id as actor, entity_id as entity
            from audit_log where action = 'pii.read' order by at desc, id desc limit 1`)
          ).rows;
          expect(row).toEqual({ actor: ids[w], entity: id });
        } else if (w === 'clerkOwn' && st === 'dispatched') {
          expect(r.status).toBe(200);
          expect(text).not.toContain(PHONE);
          expect(text).not.toContain(NAME);
          expect(r.body.data.caller.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
          expect(after).toBe(before);
        } else {
          // another unit's ticket, or one not dispatched yet: not even its existence
          expect([403, 404], `${w} read ${st}`).toContain(r.status);
          expect(text).not.toContain(PHONE);
          expect(after).toBe(before);
        }
      }
    }
  });

  it('lists: a unit clerk lists only its unit; nobody gets a clear phone in a list', async () => {
    const dispatched = await ticketIn('dispatched');
    const other = await makeTicket(env, agentActor, { phone: PHONE });
    await ok(D(), other.ticketId, 'submit');
    await ok(D(), other.ticketId, 'dispatch', { leadUnitId: unitOther.id });
    for (const w of WHO) {
      const r = await as[w].get('/api/tickets?pageSize=1000');
      if (w === 'anonymous') {
        expect(r.status).toBe(401);
        continue;
      }
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(PHONE);
      const listed = new Set((r.body.data as { id: string }[]).map((x) => x.id));
      if (w === 'clerkOwn') {
        expect(listed.has(dispatched)).toBe(true);
        expect(listed.has(other.ticketId)).toBe(false);
      }
      if (w === 'clerkOther') {
        expect(listed.has(dispatched)).toBe(false);
        expect(listed.has(other.ticketId)).toBe(true);
      }
      // a clerk's list holds only tickets sent to its unit (in any round: a returned ticket stays in the unit's history)
      if (w === 'clerkOwn' || w === 'clerkOther') {
        const unit = w === 'clerkOwn' ? unitOwn.id : unitOther.id;
        const sentToUnit = new Set(
          (
            await env.rt.db.execute<{ id: string }>(sql`select distinct ticket_id as id from dispatches
          where unit_id = ${unit}`)
          ).rows.map((x) => x.id),
        );
        for (const id of listed) expect(sentToUnit.has(id), `${w} lists ${id}`).toBe(true);
      }
    }
  });

  it('routes: writes other than actions are refused to roles not listed', async () => {
    const intake = { callerPhone: PHONE, content: '路灯坏了', appealType: 'complaint' };
    for (const w of WHO) {
      const r = await as[w].post('/api/tickets', intake);
      const expected = ['agent', 'dispatcher', 'supervisor'].includes(w) ? 201 : w === 'anonymous' ? 401 : 403;
      expect(r.status, `${w} POST /api/tickets`).toBe(expected);
    }
    for (const path of ['/api/meta/transitions', '/api/units', '/api/categories', '/api/auth/me']) {
      expect((await as.anonymous.get(path)).status, path).toBe(401);
    }
  });
});
