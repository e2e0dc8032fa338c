/**
 * Demo data for time limits and supervision: an extension (延期) approved with its new deadline,
 * a supervision (督办) case a supervisor raised and the unit answered, another still open, and an
 * urge (催办). Built through the use cases on tickets the ticket seed left in progress.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import { makeCtx, type Actor } from '../platform/context';
import { dispatches } from '../dispatch/tables';
import { tickets } from '../tickets/tables';
import { ACTION_HANDLERS } from '../tickets/actions';
import { extensionDayFor } from '../sla/extension';
import { Problem } from '../platform/http/problems';
import { raiseCase } from './use-cases/raise-case';
import { respondCase } from './use-cases/answer-case';

export async function seedSupervisionDemo(rt: Runtime, actors: Map<string, Actor>) {
  const staff = [...actors.values()].filter((a): a is Extract<Actor, { kind: 'staff' }> => a.kind === 'staff');
  const ctx = (a: Actor) => makeCtx({ db: rt.db, actor: a, log: rt.log, svc: rt.svc });
  const dispatcher = staff.find((a) => a.role === 'dispatcher')!;
  const supervisor = staff.find((a) => a.role === 'supervisor')!;
  const clerkOf = (unitId: string) => staff.find((a) => a.role === 'unit_clerk' && a.unitId === unitId);
  const act = (a: Actor, id: string, action: keyof typeof ACTION_HANDLERS, body: Record<string, unknown>) =>
    ACTION_HANDLERS[action].run(ctx(a), id, ACTION_HANDLERS[action].input.parse(body) as never);

  const open = async (status: 'in_progress' | 'extension_requested') =>
    (
      await rt.db
        .select({ id: tickets.id, unitId: dispatches.unitId })
        .from(tickets)
        .innerJoin(dispatches, and(eq(dispatches.ticketId, tickets.id), eq(dispatches.round, tickets.currentRound), eq(dispatches.role, 'lead')))
        .where(and(eq(tickets.status, status), inArray(dispatches.status, ['in_progress', 'extension_requested'])))
        .orderBy(asc(tickets.createdAt))
    ).filter((t) => clerkOf(t.unitId));

  // An extension approved: one the seed asked for, else asked now.
  const asked = await open('extension_requested');
  let extended = asked[0];
  if (!extended) {
    // The first ticket whose policy leaves room for a whole extra day (an hours-based maximum may end mid-day).
    for (const t of (await open('in_progress')).slice(0, 10)) {
      try {
        await act(clerkOf(t.unitId)!, t.id, 'request-extension', {
          newDueDate: await extensionDayFor(rt.db, t.id),
          reason: '需第三方检测机构出具报告，约需一周。',
        });
        extended = t;
        break;
      } catch (e) {
        if (!(e instanceof Problem) || !['EXTENSION_BEYOND_MAXIMUM', 'EXTENSION_DATE_NOT_WORKING_DAY', 'EXTENSION_TOO_LATE'].includes(e.code)) throw e;
      }
    }
  }
  if (extended) await act(dispatcher, extended.id, 'approve-extension', { note: '理由充分，同意延期。' });

  // Supervision cases on other tickets in progress: answered, still open, and an urge.
  const rest = (await open('in_progress')).filter((t) => t.id !== extended?.id);
  const [answered, pending, urged] = rest;
  if (answered) {
    const c = await raiseCase(ctx(supervisor), answered.id, 'supervision', { note: '同一事项多次来电，群众反映强烈，请限期办结并报告进展。' });
    await respondCase(ctx(clerkOf(answered.unitId)!), c.id, { text: '已成立专班，约谈责任单位，本周五前完成整改并回复市民。' });
  }
  if (pending) await raiseCase(ctx(supervisor), pending.id, 'supervision', { note: '临近办理期限仍无进展，请说明原因。' });
  if (urged) await raiseCase(ctx(dispatcher), urged.id, 'urge', { note: '市民再次来电催问，请尽快联系市民。' });
}
