/**
 * The access matrix for every staff route outside the ticket and admin matrices — callbacks,
 * ratings and rectification, knowledge, reports, and whatever is added next — generated from the
 * app's live route list and route-classification.ts: every role × every route × its own unit's and
 * another unit's data. Nothing here names a route; a new one is exercised as soon as it is classified.
 *
 * For each call: an anonymous caller gets 401, a role not listed 403, and a refused write changes
 * nothing in the database. A unit clerk gets 404 for another unit's row and never finds another
 * unit's ticket, callback, rating or rectification (ids, numbers) or citizen in any answer, while a
 * unit-scoped list shows the clerk's own. A citizen's phone or name appears in clear only where the
 * route is classified `clearPii`, only to roles allowed it, and each such read leaves a `pii.read`
 * audit row naming the reader and the ticket.
 *
 * The rectification actions are generated from RECTIFICATION_TRANSITIONS the same way the ticket
 * matrix is from TRANSITIONS: every action × every role × own / other unit's case.
 */
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import { dbFingerprint } from '../helpers/db-fingerprint';
import { apiRoutes, STAFF_ROUTES, type StaffRoute } from './route-classification';
import { setPolicy } from '../../server/callbacks/policy';
import { dispatchCopies } from '../../server/dispatch/tables';
import { callbacks } from '../../server/callbacks/tables';
import { rateTicket } from '../../server/reviews/use-cases/submit-rating';
import { RECTIFICATION_ACTIONS, RECTIFICATION_TRANSITIONS, type RectificationAction } from '../../server/reviews/states';
import { rectifications } from '../../server/reviews/tables';
import { channelAttachments } from '../../server/channels/tables';
import type { Role } from '../../server/identity/tables';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv();
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
type Side = 'own' | 'other';
/** The unit a clerk belongs to, as a side of the data. */
const sideOf: Partial<Record<Who, Side>> = { clerkOwn: 'own', clerkOther: 'other' };
const flip = (s: Side): Side => (s === 'own' ? 'other' : 'own');
const CITIZEN: Record<Side, { phone: string; name: string }> = {
  own: { phone: '13912340001', name: '欧阳娜娜' },
  other: { phone: '13912340002', name: '司马相如' },
};

const as = {} as Record<Who, ApiClient>;
const userId = {} as Record<Who, string>;
const unit = {} as Record<Side, { id: string }>;
let agentActor: Actor;
/** One closed, rated ticket per unit, with its callback task and rectification case. */
const fx = {} as Record<
  Side,
  { ticketId: string; number: string; callbackId: string; ratingId: string; rectificationId: string; attachmentId: string; copyId: string }
>;
let articleId: string;

const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body?.data;
};

/** A ticket of `side`'s unit taken through the real lifecycle to closed, then rated 1 (a bad review opens a rectification case). */
async function ratedTicket(side: Side) {
  const clerk = as[side === 'own' ? 'clerkOwn' : 'clerkOther'];
  const { ticketId, number } = await makeTicket(env, agentActor, { phone: CITIZEN[side].phone, name: CITIZEN[side].name });
  await ok(as.agent.action(ticketId, 'submit', { appealType: 'complaint' }));
  await ok(as.dispatcher.action(ticketId, 'dispatch', { leadUnitId: unit[side].id }));
  await ok(clerk.action(ticketId, 'sign'));
  await ok(clerk.action(ticketId, 'start'));
  await ok(clerk.action(ticketId, 'reply', { text: '已处理' }));
  await ok(as.dispatcher.action(ticketId, 'accept-reply'));
  const { rating } = await rateTicket(env.ctx(agentActor), ticketId, { score: 1, source: 'callback' });
  const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
  return { ticketId, number, ratingId: rating.id, rectificationId: rect.id };
}

beforeAll(async () => {
  // A category tree version for the version routes (categories.md §1).
  await importCategoryTree(env.rt.db, [{ code: '01', name: '城乡建设', parentCode: null, level: 1 }], 'matrix tree', 'test');
  unit.own = await makeUnit(env, { name: '市住建局' });
  unit.other = await makeUnit(env, { name: '市水务局' });
  for (const w of WHO) {
    if (w === 'anonymous') {
      as[w] = new ApiClient(env.baseUrl);
      continue;
    }
    const u = await makeUser(env, roleOf[w]!, sideOf[w] ? { unitId: unit[sideOf[w]!].id } : {});
    userId[w] = u.user.id;
    if (w === 'agent') agentActor = u.actor;
    as[w] = await ApiClient.login(env.baseUrl, u.user.username);
  }
  await setPolicy(env.rt.db, { sampleRate: 1 }, null); // every closed ticket gets a callback task
  for (const side of ['own', 'other'] as const) {
    const t = await ratedTicket(side);
    const [cb] = await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, t.ticketId));
    // A file the citizen sent with the appeal (what the portal stores), for the download route.
    const [att] = await env.rt.db
      .insert(channelAttachments)
      .values({
        channel: 'web',
        channelAccount: 'portal',
        sha256: '0'.repeat(64),
        mime: 'application/pdf',
        filename: 'appeal.pdf',
        size: 9,
        body: Buffer.from('%PDF-1.4\n'),
        ticketId: t.ticketId,
      })
      .returning();
    // A copy (抄送) of the ticket to this side's unit, for the read receipt route.
    const [copy] = await env.rt.db.insert(dispatchCopies).values({ ticketId: t.ticketId, unitId: unit[side].id, round: 1, copiedAt: new Date() }).returning();
    fx[side] = { ...t, callbackId: cb.id, attachmentId: att.id, copyId: copy.id };
  }
  articleId = (await ok(as.admin.post('/api/knowledge/articles', { title: '路灯报修办理指引', body: '路灯不亮可向城管部门报修，一般三个工作日内修复。' }), 201))
    .id;
});

/** What of `side` a reader of another unit must never see. */
const secretsOf = (side: Side) => [fx[side].ticketId, fx[side].number, fx[side].callbackId, fx[side].ratingId, fx[side].rectificationId, fx[side].attachmentId];
const clearPiiIn = (text: string) => (['own', 'other'] as const).filter((s) => text.includes(CITIZEN[s].phone) || text.includes(CITIZEN[s].name));
const piiReads = async (actorId: string | undefined) =>
  actorId
    ? (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'pii.read' and actor_id = ${actorId}`)).rows[0].n
    : 0;
const tables = async () =>
  (
    await env.rt.db.execute<{ t: string }>(sql`select tablename as t from pg_tables where schemaname = 'public'
  and tablename not in ('audit_log', 'outbox', 'sessions')`)
  ).rows.map((r) => r.t);

/**
 * Fills a route's path parameters with `side`'s row. Says which parameter it cannot fill, so a new
 * kind of route gets a line here rather than silently skipping the matrix.
 */
function fill(route: string, side: Side): { path: string; unitData: boolean } {
  let unitData = false;
  const path = route.split(' ')[1].replace(/\/([^/]+)\/:(\w+)/g, (_m, resource: string, param: string) => {
    const key = `${resource}/:${param}`;
    switch (key) {
      case 'callbacks/:id':
        unitData = true;
        return `/${resource}/${fx[side].callbackId}`;
      case 'rectifications/:id':
        unitData = true;
        return `/${resource}/${fx[side].rectificationId}`;
      case 'ratings/:id':
        unitData = true;
        return `/${resource}/${fx[side].ratingId}`;
      case 'tickets/:id':
        unitData = true;
        return `/${resource}/${fx[side].ticketId}`;
      case 'attachments/:attachmentId':
        unitData = true;
        return `/${resource}/${fx[side].attachmentId}`;
      case 'articles/:id':
        return `/${resource}/${articleId}`;
      case 'measures/:code':
        return `/${resource}/response_rate`;
      case 'sessions/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000000`;
      case 'hotline-lines/:number':
        return `/${resource}/12319`;
      case 'category-versions/:version':
        return `/${resource}/1`;
      case 'tags/:code':
        return `/${resource}/night_time`;
      // Writes carry an invalid body, so any well-formed id reaches validation.
      case 'emergency-linkages/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000001`;
      case 'copies/:id':
        unitData = true;
        return `/${resource}/${fx[side].copyId}`;
      case 'contact-requests/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000003`;
      case 'supervision-cases/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000004`;
      case 'units/:id':
        return `/${resource}/${unit.own.id}`;
      case 'users/:id':
        return `/${resource}/${userId.agent}`;
      case 'message-templates/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000005`;
      case 'text-snippets/:id':
        return `/${resource}/00000000-0000-4000-8000-000000000006`;
      default:
        throw new Error(`${route}: no fixture for ${key}; add one to fill() in generated-routes-matrix.test.ts`);
    }
  });
  return { path, unitData };
}

describe('generated matrix: every classified staff route × every role × own/other unit', () => {
  const matrix: Record<string, Record<string, string>> = {};
  it('answers each route exactly to its roles, keeps units apart, and shows clear personal data only where classified, audited', async () => {
    const live = apiRoutes(env.server).filter((r) => STAFF_ROUTES[r] && !STAFF_ROUTES[r].matrix);
    expect(live.length).toBeGreaterThan(15);
    const writeTables = await tables();
    let calls = 0;
    for (const route of live) {
      const c: StaffRoute = STAFF_ROUTES[route];
      const method = route.split(' ')[0];
      const row: Record<string, string> = (matrix[route] = {});
      for (const side of ['own', 'other'] as const) {
        const { path, unitData } = fill(route, side);
        if (side === 'other' && !unitData) continue; // no unit's row in the path: one call per role is the whole story
        for (const w of WHO) {
          const role = roleOf[w];
          const allowedRole = !!role && c.roles.includes(role);
          // A clerk reading another unit's row is refused with 404: not even its existence.
          const otherUnitsRow = unitData && !!sideOf[w] && sideOf[w] !== side;
          const write = method !== 'GET';
          const fpBefore = write ? await dbFingerprint(env.rt.db, writeTables) : null;
          const piiBefore = await piiReads(userId[w]);
          // Writes carry an invalid body: an allowed role is stopped by validation, a refused one earlier.
          const res = await as[w].request(method, `${path}${c.query ? `?${c.query}` : ''}`, write ? { bogus: 1 } : undefined);
          calls++;
          const text = JSON.stringify(res.body) ?? '';
          const where = `${w} ${method} ${path} → ${res.status} ${text.slice(0, 200)}`;
          row[`${w}${unitData ? `/${side}` : ''}`] = `${allowedRole && !otherUnitsRow ? '✓' : '·'}${res.status}`;

          if (w === 'anonymous') expect(res.status, where).toBe(401);
          else if (!allowedRole) expect(res.status, where).toBe(403);
          else if (otherUnitsRow) expect([403, 404], where).toContain(res.status);
          else if (write) {
            expect(res.status, where).toBeLessThan(500);
            expect([401, 403, 404], where).not.toContain(res.status);
          } else expect(res.status, where).toBe(200);
          if (fpBefore && (res.status === 401 || res.status === 403 || res.status === 404 || res.status === 400)) {
            expect(await dbFingerprint(env.rt.db, writeTables), `refused: ${where}`).toEqual(fpBefore);
          }

          // No unit sees another unit's rows, in any answer.
          if (sideOf[w]) for (const s of secretsOf(flip(sideOf[w]!))) expect(text, `${where} leaks ${s}`).not.toContain(s);
          // A unit-scoped list shows the clerk its own rows (so the filter is not simply "nothing").
          if (sideOf[w] && c.unitScoped && !unitData && allowedRole && !write) {
            expect(
              secretsOf(sideOf[w]!).some((s) => text.includes(s)),
              `${where}: own unit's rows missing`,
            ).toBe(true);
          }
          // Clear personal data: only on clearPii routes, and each read is audited.
          const clear = clearPiiIn(text);
          const piiAfter = await piiReads(userId[w]);
          if (clear.length) {
            expect(!!c.clearPii && allowedRole && !otherUnitsRow, `${where} shows ${clear.join(',')} citizen in clear`).toBe(true);
            expect(piiAfter - piiBefore, `${where}: clear read without a pii.read audit row`).toBe(1);
            const [a] = (
              await env.rt.db.execute<{ entity: string }>(sql`select entity_id as entity from audit_log
              where action = 'pii.read' and actor_id = ${userId[w]} order by at desc, id desc limit 1`)
            ).rows;
            expect(a.entity).toBe(fx[side].ticketId);
          } else expect(piiAfter, `${where}: pii.read audited but nothing shown`).toBe(piiBefore);
          if (c.clearPii && res.status === 200) {
            expect(text, `${where}: the caller's number is what this route is for`).toContain(CITIZEN[side].phone);
          }
        }
      }
    }
    console.table(matrix);
    console.log(`generated matrix: ${live.length} routes, ${calls} calls`);
  });
});

describe('generated matrix: every rectification action × every role × own/other unit', () => {
  const BODY: Record<RectificationAction, unknown> = {
    verify: { note: '已与市民核实' },
    dismiss: { note: '诉求不明确' },
    report: { text: '已整改完毕' },
    contest: { reason: '恶意差评' },
    'uphold-contest': { note: '申诉成立' },
    'reject-contest': { note: '申诉不成立' },
    confirm: { citizenSatisfied: true },
    'resolve-escalation': { note: '经督办，维持整改结论' },
  };
  /** A fresh case of the own unit in `status`, moved there through the API. */
  async function caseIn(status: string): Promise<string> {
    const { rectificationId: id } = await ratedTicket('own');
    const act = (w: Who, a: RectificationAction) => ok(as[w].post(`/api/rectifications/${id}/actions/${a}`, BODY[a]));
    if (status === 'rectifying' || status === 'reported') await act('agent', 'verify');
    if (status === 'reported') await act('clerkOwn', 'report');
    if (status === 'contested') await act('clerkOwn', 'contest');
    if (status === 'escalated') {
      // Still unsatisfied after each of the policy's rounds (default 2): the supervisors' case.
      for (let round = 1; round <= 2; round++) {
        if (round === 1) await act('agent', 'verify');
        await act('clerkOwn', 'report');
        await ok(as.agent.post(`/api/rectifications/${id}/actions/confirm`, { citizenSatisfied: false }));
      }
    }
    return id;
  }
  const state = async (id: string) => (await env.rt.db.select().from(rectifications).where(eq(rectifications.id, id)))[0];

  for (const action of RECTIFICATION_ACTIONS) {
    const t = RECTIFICATION_TRANSITIONS[action];
    it(`${action} (${t.from.join('|')} → ${t.to})`, async () => {
      let id = await caseIn(t.from[0]);
      for (const w of WHO) {
        const before = await state(id);
        const r = await as[w].post(`/api/rectifications/${id}/actions/${action}`, BODY[action]);
        const role = roleOf[w];
        const allow = !!role && t.roles.includes(role) && (role !== 'unit_clerk' || w === 'clerkOwn');
        const where = `${w} ${action} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
        if (allow) {
          expect(r.status, where).toBe(200);
          expect((await state(id)).status).toBe(t.to);
          id = await caseIn(t.from[0]);
        } else {
          if (w === 'anonymous') expect(r.status, where).toBe(401);
          else if (w === 'clerkOther' && t.roles.includes('unit_clerk'))
            expect(r.status, where).toBe(404); // another unit's case: no hint it exists
          else expect([403, 404], where).toContain(r.status);
          expect(await state(id), where).toEqual(before);
        }
        expect(JSON.stringify(r.body)).not.toContain(CITIZEN.own.phone);
      }
    });
  }
});
