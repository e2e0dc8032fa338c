/**
 * Demo data for routing: a street office's ticket copied (抄送) to its district government (one
 * copy read, one not), a ticket the centre reassigned (改派) after a wrong dispatch, and a unit's
 * masked-number call to the citizen (先联系后办理, 隐私号), all through the real use cases.
 */
import { eq } from 'drizzle-orm';
import { makeCtx, type Actor } from '../platform/context';
import type { Runtime } from '../platform/runtime';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import { ACTION_HANDLERS } from '../tickets/actions';
import { handlingUnits } from './tables';
import { copyTicket, listCopies, markCopyRead } from './use-cases/copy-ticket';
import { callCitizen, recordContactOutcome, requestCitizenContact } from './use-cases/contact-citizen';
import { maskedCallBridge } from './masked-call';

export async function seedRoutingDemo(rt: Runtime, actors: Map<string, Actor>) {
  const ctxFor = (who: string) => makeCtx({ db: rt.db, actor: actors.get(who)!, log: rt.log, svc: rt.svc });
  const unit = async (code: string) => (await rt.db.select({ id: handlingUnits.id }).from(handlingUnits).where(eq(handlingUnits.code, code)))[0]!.id;
  const act = (who: string, ticketId: string, action: keyof typeof ACTION_HANDLERS, body: Record<string, unknown> = {}) =>
    ACTION_HANDLERS[action].run(ctxFor(who), ticketId, ACTION_HANDLERS[action].input.parse(body) as never);
  const register = async (i: number, text: string) =>
    (
      await registerTicket(
        ctxFor('agent1'),
        {
          channel: 'phone',
          channelAccount: '',
          externalId: `demo-routing-${i}`,
          citizen: { phone: `1390000${String(1000 + i)}`, name: '周敏' },
          content: { text },
          location: { address: '广州市天河区林和西路9号', divisionCode: '440106001' },
          attachments: [],
        },
        { regionCode: '440106001', appealType: 'complaint' },
      )
    ).ticketId;
  const [linhe, tianhe, zhujian, chengguan] = await Promise.all(['linhe', 'tianhe', 'zhujian', 'chengguan'].map(unit));

  // 抄送: the street office leads, the district is told; the clerk calls the citizen through the centre.
  const a = await register(1, '林和西路人行道砖块松动多处，老人经过容易绊倒，已持续一个月。');
  await act('agent1', a, 'submit');
  await act('dispatcher1', a, 'dispatch', { leadUnitId: linhe, copyUnitIds: [tianhe], note: '街道工单抄送区政府' });
  await act('clerk-linhe', a, 'sign');
  const call = await requestCitizenContact(ctxFor('clerk-linhe'), a, { callbackNumber: '02038880001' });
  // Through the masked-number bridge (the demo adapter) where one is configured, else recorded by the centre.
  if (maskedCallBridge()) await callCitizen(ctxFor('clerk-linhe'), call.id);
  else await recordContactOutcome(ctxFor('agent1'), call.id, { outcome: 'connected', note: '已接通，约定次日现场查看' });
  const b = await register(2, '林和街道某小区夜间施工噪音扰民，晚上十一点后仍在作业。');
  await act('agent1', b, 'submit');
  await act('dispatcher1', b, 'dispatch', { leadUnitId: linhe });
  await copyTicket(ctxFor('dispatcher1'), b, { unitIds: [tianhe], note: '请区政府知悉，必要时协调' });
  const first = (await listCopies(ctxFor('clerk-tianhe'), {})).find((c) => c.ticketId === a);
  if (first) await markCopyRead(ctxFor('clerk-tianhe'), first.id);

  // 改派: sent to the construction bureau by mistake, the centre reassigns it to urban management.
  const c = await register(3, '天河路占道经营摊档堵塞人行道，城管巡查后又恢复。');
  await act('agent1', c, 'submit');
  await act('dispatcher1', c, 'dispatch', { leadUnitId: zhujian });
  await act('dispatcher1', c, 'reassign', { leadUnitId: chengguan, reasonCode: 'wrong_dispatch', note: '占道经营属城管职责，派错单位' });
  await rt.relay.drain();
}
