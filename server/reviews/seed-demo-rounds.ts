/**
 * Demo rows for 差评整改 in rounds (issue 15, item 15), run at the end of scripts/seed-demo.ts
 * through the real use cases: one case where the citizen was still unsatisfied after the unit's
 * first fix and the unit is in its second round, and one still unsatisfied after the last round,
 * now with the supervisors (escalated).
 */
import { and, desc, eq, inArray, notExists, sql } from 'drizzle-orm';
import { makeCtx, type Actor } from '../platform/context';
import type { Runtime } from '../platform/runtime';
import { tickets } from '../tickets/tables';
import { rateTicket } from './use-cases/submit-rating';
import { ratings, rectifications } from './tables';
import { actOnRectification } from './use-cases/rectification';
import { getPolicy } from '../callbacks/policy';

export async function seedRectificationRoundsDemo(rt: Runtime, actors: Map<string, Actor>) {
  const ctxFor = (a: Actor) => makeCtx({ db: rt.db, actor: a, log: rt.log, svc: rt.svc });
  const agent = [...actors.values()].find((a) => a.kind === 'staff' && a.role === 'agent')!;
  const citizen = makeCtx({ db: rt.db, actor: { kind: 'citizen', citizenId: null }, log: rt.log, svc: rt.svc });
  const rounds = (await getPolicy(rt.db)).rectificationRounds;
  const clerkOf = (unitId: string | null) => [...actors.values()].find((a) => a.kind === 'staff' && a.role === 'unit_clerk' && a.unitId === unitId);
  // Cases to walk: bad ratings given now on closed tickets nobody rated yet, and — since the feedback
  // demo before this rates nearly every closed ticket — cases it left at their first step (verifying).
  const cases: { id: string; unitId: string | null }[] = [];
  const unrated = await rt.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        inArray(tickets.status, ['closed', 'archived']),
        notExists(
          rt.db
            .select({ one: sql`1` })
            .from(ratings)
            .where(and(eq(ratings.ticketId, tickets.id), eq(ratings.round, tickets.currentRound))),
        ),
      ),
    )
    .orderBy(tickets.number)
    .limit(10);
  for (const t of unrated) {
    if (cases.length === 2) break;
    const { rating } = await rateTicket(citizen, t.id, { score: 1, source: 'portal', comment: '问题没有解决，噪音依旧。' });
    const [rect] = await rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
    if (rect && clerkOf(rect.unitId)) cases.push(rect);
  }
  if (cases.length < 2) {
    const waiting = await rt.db
      .select({ id: rectifications.id, unitId: rectifications.unitId })
      .from(rectifications)
      .where(and(eq(rectifications.status, 'verifying'), eq(rectifications.round, 1)))
      .orderBy(desc(rectifications.createdAt))
      .limit(20);
    cases.push(...waiting.filter((r) => clerkOf(r.unitId) && !cases.some((c) => c.id === r.id)).slice(0, 2 - cases.length));
  }
  const made: string[] = [];
  for (const rect of cases) {
    const clerk = clerkOf(rect.unitId)!;
    await actOnRectification(ctxFor(agent), rect.id, 'verify', { note: '已回访核实，诉求人反映情况属实' });
    // The second case goes through every round; the first stops in round 2.
    const lastRound = made.length === 0 ? 1 : rounds;
    for (let round = 1; round <= lastRound; round++) {
      await actOnRectification(ctxFor(clerk), rect.id, 'report', { text: `第${round}轮：已约谈施工单位并调整作业时间。` });
      await actOnRectification(ctxFor(agent), rect.id, 'confirm', { citizenSatisfied: false, note: '诉求人表示夜间仍有施工噪音' });
    }
    made.push(rect.id);
  }
  await rt.relay.drain();
  console.log(`rectification rounds demo: ${made.length} cases (one in its second round, one escalated to supervisors)`);
}
