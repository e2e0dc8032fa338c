/**
 * Demo data for the merged and linked hotlines: the line table (two merged department numbers, one
 * kept platform, one cancelled number), calls on those lines with a ticket registered on some, and
 * the emergency transfers the ticket seed made taken one step further (acknowledged, followed up).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import { makeCtx, type Actor } from '../platform/context';
import { categories } from '../catalog/tables';
import { CURRENT_CATEGORY_VERSION } from '../catalog/current';
import { channelEventSink } from '../channels/ports';
import { updateCallStats } from '../reports/call-metrics';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import { transferEmergency } from '../tickets/use-cases/intake-dispositions';
import { acknowledgeLinkage, followUpLinkage } from './linkages';
import { emergencyLinkages } from './tables';
import { handlingUnits } from '../dispatch/tables';
import { saveLines, type LineInput } from './lines';

export async function seedHotlinesDemo(rt: Runtime, actors: Map<string, Actor>) {
  const who = (role: string) => [...actors.values()].find((a) => a.kind === 'staff' && a.role === role)!;
  const ctx = (role: string) => makeCtx({ db: rt.db, actor: who(role), log: rt.log, svc: rt.svc });
  const topCode = async (name: string) =>
    (
      await rt.db
        .select({ code: categories.code })
        .from(categories)
        .where(and(eq(categories.name, name), eq(categories.level, 1), eq(categories.version, CURRENT_CATEGORY_VERSION)))
        .limit(1)
    )[0]?.code ?? null;

  const lines: LineInput[] = [
    { number: '12345', name: '12345政务服务便民热线', mode: 'main', active: true },
    {
      number: '12319',
      name: '城建服务热线',
      replacedDepartment: '市住房和城乡建设局',
      mode: 'merged',
      defaultCategoryCode: await topCode('城乡建设'),
      defaultUnitCode: 'zhujian',
      reportingTag: '城建',
      active: true,
    },
    {
      number: '12331',
      name: '食品药品投诉举报热线',
      replacedDepartment: '市市场监督管理局',
      mode: 'merged',
      defaultCategoryCode: await topCode('卫生计生'),
      defaultUnitCode: 'shichang',
      reportingTag: '食药',
      active: true,
    },
    {
      number: '12315',
      name: '消费者投诉举报热线',
      replacedDepartment: '市市场监督管理局',
      mode: 'kept',
      defaultUnitCode: 'platform-12315',
      reportingTag: '市场监管',
      active: true,
    },
    {
      number: '96310',
      name: '原数字城管热线',
      replacedDepartment: '市城市管理和综合执法局',
      mode: 'cancelled',
      reportingTag: '城管',
      announcement: '您拨打的数字城管热线已并入12345，请挂机后拨打12345。',
      active: false,
    },
  ];
  // 保留对接: the 12315 platform stays as a unit of its own; dispatches to it travel over the exchange to the
  // peer `sm-12315` (kept-platforms.ts). The demo configures no peer, so such a dispatch is reported as undeliverable.
  await rt.db
    .insert(handlingUnits)
    .values({ code: 'platform-12315', name: '12315市场监管投诉举报平台', kind: 'platform', regionCode: '440100', exchangePeerId: 'sm-12315' })
    .onConflictDoNothing();
  await saveLines(ctx('admin'), lines);

  // Calls of the past week on the lines, as the CTI would report them; every other answered one was registered.
  const sink = channelEventSink(rt);
  const plan: [string, number][] = [
    ['12345', 12],
    ['12319', 6],
    ['12331', 3],
  ];
  let n = 0;
  for (const [callee, count] of plan) {
    for (let i = 0; i < count; i++, n++) {
      const callId = `demo-line-${callee}-${i}`;
      const start = Date.now() - (1 + (n % 6)) * 86_400_000 - n * 600_000;
      const at = (s: number) => new Date(start + s * 1000).toISOString();
      const caller = `139${String(20000000 + n * 7919).padStart(8, '0')}`;
      const abandoned = i % 5 === 4;
      const base = { callId, direction: 'inbound', caller, callee };
      const events = [
        { ...base, eventId: `${callId}-1`, type: 'ringing', at: at(0) },
        ...(abandoned ? [] : [{ ...base, eventId: `${callId}-2`, type: 'answered', at: at(12 + (n % 20)), agentExtension: '8001' }]),
        { ...base, eventId: `${callId}-3`, type: 'ended', at: at(abandoned ? 25 : 240) },
      ];
      for (const e of events) await sink.emit({ channel: 'phone', channelAccount: callee, type: `call.${e.type}`, externalId: e.eventId, at: e.at, data: e });
      await updateCallStats(rt.db, callId);
      if (!abandoned && i % 2 === 0) {
        const line = lines.find((l) => l.number === callee)!;
        await registerTicket(
          ctx('agent'),
          {
            channel: 'phone',
            channelAccount: '',
            externalId: `call-${callId}`,
            citizen: { phone: caller },
            content: { text: callee === '12331' ? '在小区门口超市买到过期的牛奶，要求商家退赔并查处。' : '小区道路破损多处，雨天积水严重，希望尽快修复。' },
            attachments: [],
          },
          line.defaultCategoryCode ? { categoryCode: line.defaultCategoryCode } : {},
        );
      }
    }
  }

  // The ticket seed transferred some emergencies (late: its clock steps in quarter hours); show one confirmed by
  // the other centre and one followed up, and a fresh one handed over within two minutes of the call.
  const open = await rt.db.select({ id: emergencyLinkages.id }).from(emergencyLinkages).orderBy(asc(emergencyLinkages.transferredAt)).limit(2);
  const t0 = Date.now() - 30 * 60_000;
  const fresh = await registerTicket(
    makeCtx({ db: rt.db, actor: who('agent'), log: rt.log, svc: rt.svc, now: () => new Date(t0) }),
    {
      channel: 'phone',
      channelAccount: '',
      externalId: 'demo-linkage-122',
      citizen: { phone: '13922220122' },
      content: { text: '环市路口两车追尾，一人受伤坐在路边，车辆堵住了两条车道，请交警马上过来。' },
      attachments: [],
    },
    { emergency: '122', urgency: 'critical' },
  );
  await transferEmergency(makeCtx({ db: rt.db, actor: who('agent'), log: rt.log, svc: rt.svc, now: () => new Date(t0 + 95_000) }), fresh.ticketId, {
    line: '122',
    note: '三方通话转接交警122',
  });
  if (open[0]) await acknowledgeLinkage(ctx('supervisor'), open[0].id, { acknowledgedBy: '119指挥中心 值班员', note: '已出警' });
  if (open[1]) {
    await acknowledgeLinkage(ctx('supervisor'), open[1].id, { acknowledgedBy: '119指挥中心 值班员' });
    await followUpLinkage(ctx('agent'), open[1].id, { outcome: 'handled', note: '回访市民：消防已到场处置完毕。' });
  }
  await rt.relay.drain();
}
