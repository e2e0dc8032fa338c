/**
 * Demo rows for issue 8, run at the end of scripts/seed-demo.ts through the real use cases:
 * knowledge articles, callbacks answered (some dissatisfied → reopened), portal ratings, and a
 * few rectification cases at different steps, so every screen and report has data.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { makeCtx, type Actor } from '../platform/context';
import type { Runtime } from '../platform/runtime';
import { callbacks } from '../callbacks/tables';
import { recordCallback } from '../callbacks/use-cases/record-callback';
import { createArticle } from '../knowledge/use-cases/articles';
import { tickets } from '../tickets/tables';
import { reopenTicket } from '../tickets/use-cases/review-reply';
import { rateTicket } from './use-cases/submit-rating';
import { rectifications } from './tables';
import { actOnRectification } from './use-cases/rectification';
import { Problem } from '../platform/http/problems';

const ARTICLES = [
  {
    title: '居住证办理流程',
    body: '持有本市居住登记满半年的来穗人员，可凭身份证、居住登记凭证到居住地派出所或政务服务中心申领居住证，办理时限为15个工作日。',
    categoryCode: null,
  },
  {
    title: '夜间施工噪音投诉处理口径',
    body: '夜间（22时至次日6时）禁止产生噪声污染的建筑施工作业，因生产工艺要求必须连续作业的须取得夜间施工许可并公示。市民可拨打12345反映，由生态环境或住建部门依职责处理。',
    categoryCode: null,
  },
  {
    title: '住房公积金提取条件',
    body: '购买、建造、翻建、大修自住住房，偿还住房贷款本息，或租房自住的，可申请提取住房公积金，可通过公积金中心网上办事大厅办理。',
    categoryCode: null,
  },
  {
    title: '新生儿医保参保登记',
    body: '新生儿出生后可在出生之日起3个月内通过政务服务网或社区服务中心办理城乡居民医疗保险参保登记，参保后自出生之日起享受待遇。',
    categoryCode: null,
  },
  {
    title: '占道经营投诉处理口径',
    body: '占用城市道路、桥梁、广场等公共场所经营的，由属地街道综合执法队依法处理，市民可提供具体地址和时段。',
    categoryCode: null,
  },
];

export async function seedFeedbackDemo(rt: Runtime, actors: Map<string, Actor>) {
  const ctxFor = (who: string) => makeCtx({ db: rt.db, actor: actors.get(who)!, log: rt.log, svc: rt.svc });
  const admin = [...actors.keys()].find((k) => {
    const a = actors.get(k)!;
    return a.kind === 'staff' && a.role === 'admin';
  });
  const agent = [...actors.keys()].find((k) => {
    const a = actors.get(k)!;
    return a.kind === 'staff' && a.role === 'agent';
  })!;
  const sup = [...actors.keys()].find((k) => {
    const a = actors.get(k)!;
    return a.kind === 'staff' && a.role === 'supervisor';
  })!;
  for (const a of ARTICLES) await createArticle(ctxFor(admin ?? sup), a);

  // Callbacks the close hook created: answer most, leave a few pending for the task list.
  const pending = await rt.db.select().from(callbacks).where(eq(callbacks.status, 'pending')).limit(40);
  const answers = [
    ['solved', 5],
    ['solved', 4],
    ['partly', 3],
    ['solved', 5],
    ['unsolved', 2],
    ['solved', 4],
    ['partly', 3],
    ['unsolved', 1],
  ] as const;
  let answered = 0;
  for (const [i, cb] of pending.slice(0, Math.max(0, pending.length - 5)).entries()) {
    const [result, score] = answers[i % answers.length];
    // No failure is expected (archive waits for the callback, so a dissatisfied answer can always reopen): let one stop the seed.
    await recordCallback(ctxFor(agent), cb.id, { reached: true, result, score });
    answered++;
  }
  // 重办 by hand while a callback was still open: the task shows as superseded (callback.superseded on the timeline).
  const dispatcher = [...actors.keys()].find((k) => {
    const a = actors.get(k)!;
    return a.kind === 'staff' && a.role === 'dispatcher';
  });
  const [open1] = await rt.db
    .select({ ticketId: callbacks.ticketId })
    .from(callbacks)
    .innerJoin(tickets, eq(tickets.id, callbacks.ticketId))
    .where(and(eq(callbacks.status, 'pending'), eq(tickets.status, 'closed'), ne(callbacks.reason, 'merged')))
    .limit(1);
  if (dispatcher && open1) await reopenTicket(ctxFor(dispatcher), open1.ticketId, { reason: '诉求人来电反映问题仍未解决，人工重办' });
  // Portal ratings on closed tickets without one.
  const closed = await rt.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(inArray(tickets.status, ['closed', 'archived']))
    .limit(60);
  let rated = 0;
  for (const [i, t] of closed.entries()) {
    await rateTicket(makeCtx({ db: rt.db, actor: { kind: 'citizen', citizenId: null }, log: rt.log, svc: rt.svc }), t.id, {
      score: [5, 4, 5, 3, 2, 4, 5, 1][i % 8],
      source: 'portal',
    }).then(
      () => rated++,
      (e) => {
        // Already rated by its callback with another score: the first rating stands, as for a citizen.
        if (!(e instanceof Problem) || e.code !== 'RATING_ALREADY_SUBMITTED') throw e;
      },
    );
  }
  // Rectification cases at different steps.
  const open = await rt.db
    .select()
    .from(rectifications)
    .where(and(eq(rectifications.status, 'verifying')))
    .limit(6);
  for (const [i, r] of open.entries()) {
    if (i % 3 === 2) continue;
    await actOnRectification(ctxFor(agent), r.id, 'verify', { note: '已回访核实，诉求清楚合理' });
    const clerk = [...actors.keys()].find((k) => {
      const a = actors.get(k)!;
      return a.kind === 'staff' && a.role === 'unit_clerk' && a.unitId === r.unitId;
    });
    if (clerk && i % 3 === 0) {
      await actOnRectification(ctxFor(clerk), r.id, 'report', { text: '已约谈相关责任人并完成整改，已电话告知诉求人。' });
      await actOnRectification(ctxFor(agent), r.id, 'confirm', { citizenSatisfied: true, note: '诉求人认可整改结果' });
    }
  }
  await rt.relay.drain();
  console.log(
    `feedback demo: ${ARTICLES.length} knowledge articles, ${answered} callbacks answered, ${open1 ? 1 : 0} superseded by a manual reopen, ${rated} portal ratings, ${open.length} rectification cases`,
  );
}
