import { Router } from 'express';
import { writeAudit } from '../platform/events/audit';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import { normalizeMobile } from '../identity/checks';
import { registerTicket, IntakeOverrides } from './use-cases/register-ticket';
import { getTicketRow, listTickets, ListTicketsQuery, searchesByPii, searchKind } from './queries';
import type { Limit } from '../platform/http/flexible-limit';
import { presentRegistered, presentSummaries, presentTicketDetail } from './present';
import { currentCategory } from '../catalog/current';
import { normalizeMobile as mobileOf } from '../identity/checks';
import { ACTION_HANDLERS } from './actions';
import { TICKET_ACTIONS, TRANSITIONS } from './states';
import type { Ctx } from '../platform/context';

/** An agent types up a phone call (or any desk intake). */
export const RegisterByAgentInput = IntakeOverrides.extend({
  channel: z.enum(['phone', 'web', 'email', 'sms', 'wechat']).default('phone'),
  callerPhone: z
    .string()
    .trim()
    .regex(/^[\d\-+ ()]{5,20}$/, 'phone number'),
  callerName: z.string().trim().max(64).optional(),
  idNumber: z.string().trim().max(32).optional(),
  creditCode: z.string().trim().max(32).optional(),
  anonymousToUnits: z.boolean().optional(),
  title: z.string().trim().max(200).optional(),
  content: z.string().trim().min(1).max(20000),
  address: z.string().trim().max(500).optional(),
  /** The CTI call id: registering the same call twice makes one ticket. */
  callId: z.string().trim().max(100).optional(),
});

const IdParams = z.strictObject({ id: z.string().max(64) });
const ActionParams = z.strictObject({ id: z.string().max(64), action: z.string().max(40) });

export async function ticketDetail(ctx: Ctx, id: string) {
  return presentTicketDetail(ctx, await getTicketRow(ctx, id));
}

/** Searches by phone or ID number per staff member (screen pops included): enough for a busy desk, too few to enumerate. */
export const PII_SEARCHES_PER_10_MIN = 60;

export function ticketRoutes(deps: { piiSearchLimit: Limit }) {
  const r = Router();

  r.get('/meta/transitions', requireStaff(), (_req, res) => {
    res.json({ data: TRANSITIONS });
  });

  r.get('/tickets', requireStaff(), validate({ query: ListTicketsQuery }), async (req, res) => {
    const query = res.locals.query;
    const kind = query.q ? searchKind(query.q) : 'text';
    const a = req.ctx.actor;
    if (kind !== 'text' && a.kind === 'staff') {
      // Every search by a number is counted and audited, whoever makes it (a clerk's only matches ticket numbers).
      const rl = await deps.piiSearchLimit.take(a.id);
      if (!rl.allowed) {
        res.setHeader('Retry-After', String(rl.retryAfterSeconds));
        throw problem('RATE_LIMITED');
      }
    }
    const page = await listTickets(req.ctx, query);
    if (kind !== 'text' && a.kind === 'staff') {
      const compact = query.q!.replace(/[\s\-+()]/g, '');
      const byPii = searchesByPii(a) && (kind === 'phone' || kind === 'idNumber');
      // The searched value as a keyed hash (never in clear): an investigator can still match it to a citizen.
      await writeAudit(req.ctx.db, req.ctx, {
        action: 'ticket.searched',
        entityType: 'search',
        entityId: a.id,
        data: {
          kind,
          byPersonalData: byPii,
          valueHash: req.ctx.svc.pii.hash(kind === 'idNumber' ? 'id' : kind, kind === 'phone' ? compact.slice(-11) : compact.toUpperCase()),
          results: page.total,
        },
      });
    }
    res.json({ data: await presentSummaries(req.ctx, page.rows), page: { total: page.total, page: page.page, pageSize: page.pageSize } });
  });

  r.post('/tickets', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ body: RegisterByAgentInput }), async (req, res) => {
    const b = req.body;
    const digits = b.callerPhone.replace(/\D/g, '');
    if (/^(86)?1\d{10}$/.test(digits) || (digits.startsWith('1') && digits.length !== 11 && digits.length < 11)) {
      const m = normalizeMobile(b.callerPhone);
      if (!m.ok) throw problem('PHONE_INVALID');
    }
    const result = await registerTicket(
      req.ctx,
      {
        channel: b.channel,
        channelAccount: '',
        externalId: b.callId ? `call-${b.callId}` : `desk-${randomUUID()}`,
        citizen: { phone: b.callerPhone, name: b.callerName, idNumber: b.idNumber, creditCode: b.creditCode, anonymousToUnits: b.anonymousToUnits },
        content: { text: b.content, title: b.title },
        location: b.address || b.regionCode ? { address: b.address, divisionCode: b.regionCode } : undefined,
        attachments: [],
      },
      { appealType: b.appealType, urgency: b.urgency, emergency: b.emergency, categoryCode: b.categoryCode, regionCode: b.regionCode },
    );
    if (result.duplicate || !result.created) {
      res.status(200).json({ data: await ticketDetail(req.ctx, result.ticketId) });
      return;
    }
    const code = result.created.row.categoryCode;
    const cat = code ? await currentCategory(req.ctx.db, code) : undefined;
    const m = mobileOf(b.callerPhone);
    const caller = { name: b.callerName ?? null, phone: m.ok ? m.normalized : b.callerPhone.replace(/\D/g, ''), address: b.address ?? null };
    res.status(201).json({ data: presentRegistered(req.ctx, result.created, caller, cat?.name ?? null) });
  });

  r.get('/tickets/:id', requireStaff(), validate({ params: IdParams }), async (req, res) => {
    res.json({ data: await ticketDetail(req.ctx, String(req.params.id)) });
  });

  r.post('/tickets/:id/actions/:action', requireStaff(), validate({ params: ActionParams }), async (req, res) => {
    const { id, action } = req.params;
    if (!(TICKET_ACTIONS as readonly string[]).includes(action)) throw problem('UNKNOWN_ACTION', action);
    if (!z.uuid().safeParse(id).success) throw problem('TICKET_NOT_FOUND');
    const handler = ACTION_HANDLERS[action as keyof typeof ACTION_HANDLERS];
    const input = handler.input.parse(req.body ?? {});
    await handler.run(req.ctx, id, input as never);
    res.json({ data: await ticketDetail(req.ctx, id) });
  });

  return r;
}
