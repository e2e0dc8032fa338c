/**
 * The server's side of the channel ports (integrations/shared/ports.ts): intake through the
 * one registerTicket use case, nonces and rate limits in Redis, channel events and raw payloads
 * in PostgreSQL, and a citizen-safe read model of tickets.
 */
import { timingSafeEqual } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import { makeCtx, type Actor } from '../platform/context';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import { supplementTicket } from '../citizen/supplement';
import { Problem } from '../platform/http/problems';
import { rateFromSurvey } from '../reviews/use-cases/survey-rating';
import { maskPhone, normalizeMobile } from '../identity/checks';
import type { PiiVault } from '../platform/crypto/pii';
import { contactPoints } from '../identity/use-cases/resolve-citizen';
import { channelEvents, rawPayloads } from './tables';
import { mailThreadTag } from './mail-notifier';
import { parseTicketMessageId } from '../../integrations/email/outbound';
import type {
  ChannelEventSink,
  IntakePort,
  NonceStore,
  PublicTicketView,
  RatingPort,
  RateLimitPort,
  RawStore,
  TicketLookupPort,
} from '../../integrations/shared/ports';
import type { ChannelKind, ParsedInboundAppeal } from '../../integrations/inbound-appeal';
import type { Open311ApiKeyPort, Open311RequestsPort, Open311RequestView, ServiceCatalogPort } from '../../integrations/open311/ports';
import { redisLimit } from '../platform/http/flexible-limit';
import { redactForPublic } from '../identity/public-text';
import { sqlList } from '../platform/db/sql-list';
import type { CallerLookupPort } from '../../integrations/phone-cti/screen-pop';
import { inTransaction } from '../platform/transaction';
import { CURRENT_CATEGORY_VERSION } from '../catalog/current';
import { leadDispatchSql } from '../dispatch/lead-dispatch';
import { citizenReplySql, declineText } from '../citizen/public-reply';

const channelActor = (channel: string): Actor => ({ kind: 'system', name: `channel:${channel}` });
const ctxFor = (rt: Runtime, channel: string) => makeCtx({ db: rt.db, actor: channelActor(channel), log: rt.log, svc: rt.svc });

export function intakePort(rt: Runtime, o: { appendWindowMinutes?: number } = {}): IntakePort {
  const windowMs = (o.appendWindowMinutes ?? 10) * 60_000;
  return {
    async register(appeal) {
      const target =
        THREADED.has(appeal.channel) && appeal.threadRef?.ticketNo
          ? await threadTarget(rt, appeal)
          : isWechatFollowUp(appeal)
            ? await recentWechatTicket(rt, appeal, windowMs)
            : null;
      const appended = target ? await appendTo(rt, appeal, target) : null;
      if (appended) return appended;
      const r = await registerTicket(ctxFor(rt, appeal.channel), appeal);
      return { ticketId: r.ticketId, ticketNo: r.number, duplicate: r.duplicate };
    },
  };
}

/**
 * Channels whose threadRef names one of *our* tickets (an exchange threadRef is the peer's number).
 * WeChat text that starts with a ticket number is a follow-up to it (channels.md §1).
 */
const THREADED = new Set<ChannelKind>(['email', 'wechat']);

type Target = { id: string; number: string; addressEnc: string | null };

/**
 * A follow-up to an existing ticket (channels.md §5 threading).
 * E-mail: only a reply to a notice we really sent threads — its Message-ID carries our MAC over
 * (ticket, notice), the notice is on record as sent for that ticket, and the reply comes from the
 * address we sent it to. A subject tag or a guessed `<t{number}.x@domain>` reference is a new appeal.
 * WeChat: a ticket number at the start of the text threads when the OpenID is one of that ticket's
 * citizen's contact points.
 */
async function threadTarget(rt: Runtime, appeal: ParsedInboundAppeal): Promise<Target | null> {
  const [t] = (
    await rt.db.execute<Target & { citizenId: string | null }>(sql`select id, number, address_enc as "addressEnc", citizen_id as "citizenId"
    from tickets where number = ${appeal.threadRef!.ticketNo!}`)
  ).rows;
  if (!t) return null;
  if (appeal.channel === 'email') return (await isReplyToOurNotice(rt, appeal, t.number)) ? t : null;
  const hashes = contactPoints(appeal.citizen).flatMap((p) => rt.svc.pii.hashes(p.kind, p.value));
  if (!t.citizenId || hashes.length === 0) return null;
  const same = await rt.db.execute(sql`select 1 from citizen_contacts where citizen_id = ${t.citizenId}
    and value_hash in (${sql.join(
      hashes.map((h) => sql`${h}`),
      sql`, `,
    )}) limit 1`);
  return same.rows.length > 0 ? t : null;
}

async function isReplyToOurNotice(rt: Runtime, appeal: ParsedInboundAppeal, ticketNo: string): Promise<boolean> {
  const ref = appeal.threadRef?.messageId;
  const from = appeal.citizen.email?.trim().toLowerCase();
  // The adapter only hands over references of our own mail domain; the MAC below is what counts.
  const domain = ref?.slice(ref.lastIndexOf('@') + 1, -1);
  const id = ref && domain ? parseTicketMessageId(ref, domain) : null;
  if (!id || !id.tag || !from || id.ticketNo !== ticketNo) return false;
  const want = Buffer.from(mailThreadTag(rt.svc.pii, id.ticketNo, id.notificationId));
  const got = Buffer.from(id.tag);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
  const sent = await rt.db.execute(sql`select 1 from channel_events where channel = 'email' and type = 'email.sent'
    and external_id = ${id.notificationId} and data->>'ticketNo' = ${ticketNo} and data->>'toHash' = ${rt.svc.pii.hash('email', from)} limit 1`);
  return sent.rows.length > 0;
}

/** WeChat image, voice, video or location (not text, not link): may belong to the appeal the citizen just sent. */
const isWechatFollowUp = (a: ParsedInboundAppeal) => a.channel === 'wechat' && !a.threadRef && !!a.citizen.openId && (a.attachments.length > 0 || !!a.location);

/**
 * channels.md §1: within the window of the same OpenID's last message, while that ticket is
 * still `received` (nobody has taken it further), media and location complete it rather than
 * open a new one. "Last message" = the ticket's creation or its latest appended message.
 */
async function recentWechatTicket(rt: Runtime, appeal: ParsedInboundAppeal, windowMs: number): Promise<Target | null> {
  const hashes = rt.svc.pii.hashes('wechat', appeal.citizen.openId!);
  const since = new Date(Date.now() - windowMs);
  const [t] = (
    await rt.db.execute<Target>(sql`select t.id, t.number, t.address_enc as "addressEnc" from tickets t
    where t.channel = 'wechat' and t.channel_account = ${appeal.channelAccount} and t.status = 'received'
      and t.citizen_id in (select citizen_id from citizen_contacts where kind = 'wechat' and value_hash in ${sqlList(hashes)})
      and greatest(t.created_at, (select max(e.at) from channel_events e where e.ticket_id = t.id and e.type = 'appeal.appended')) >= ${since}
    order by t.created_at desc limit 1`)
  ).rows;
  return t ?? null;
}

/**
 * Adds the message to the ticket as the citizen's supplement, the same use case (and so the same
 * timeline entry, event, audit, outbox row and notices) as the portal's supplement form; once per
 * (channel, account, externalId). A ticket that is no longer open takes no supplement: null, and
 * the caller registers the message as a new appeal.
 */
async function appendTo(rt: Runtime, appeal: ParsedInboundAppeal, t: Target) {
  const ctx = ctxFor(rt, appeal.channel);
  try {
    const claimed = await inTransaction(ctx, async (tx) => {
      const ins = await tx
        .insert(channelEvents)
        .values({
          channel: appeal.channel,
          channelAccount: appeal.channelAccount,
          type: 'appeal.appended',
          externalId: appeal.externalId,
          data: { ticketNo: t.number },
          ticketId: t.id,
          at: ctx.now(),
        })
        .onConflictDoNothing()
        .returning({ id: channelEvents.id });
      if (ins.length === 0) return false;
      await supplementTicket(tx, ctx, t.id, {
        text: appeal.content.text,
        title: appeal.content.title ?? null,
        files: [],
        channel: appeal.channel,
        channelAccount: appeal.channelAccount,
        remoteFiles: appeal.attachments.map((a) => ({ kind: a.kind, mime: a.mime, size: a.size ?? null, storageKey: a.storageKey ?? a.remoteRef ?? null })),
        ...(appeal.location ? { location: appeal.location } : {}),
      });
      return true;
    });
    return { ticketId: t.id, ticketNo: t.number, duplicate: !claimed };
  } catch (err) {
    if (!(err instanceof Problem && err.code === 'TICKET_STATE_CONFLICT')) throw err;
    ctx.log.info({ ticketId: t.id, channel: appeal.channel }, 'follow-up to a ticket no longer open: registered as a new appeal');
    return null;
  }
}

/** Redis SET NX EX. Fails closed: if Redis is away a signed request is refused rather than replayable. */
export function nonceStore(rt: Runtime): NonceStore {
  return {
    async seen(key, ttlSeconds) {
      const r = await rt.redis.set(`${rt.options.queuePrefix}:nonce:${key}`, '1', 'EX', ttlSeconds, 'NX');
      return r !== 'OK';
    },
  };
}

/** Channel quotas (Open311 posts and reads per api_key…) on the platform's rate-limiter-flexible limits. */
export function rateLimitPort(rt: Runtime): RateLimitPort {
  return {
    async hit(key, limit, windowSeconds) {
      const family = key.slice(0, key.indexOf(':') > 0 ? key.indexOf(':') : key.length);
      return redisLimit(rt.redis, rt.options.queuePrefix, { name: `ch-${family}`, points: limit, durationSeconds: windowSeconds }).take(key);
    },
  };
}

/**
 * The citizen's number of a call (the caller of an inbound call, the callee of an outbound one) is
 * personal data: stored masked for reading, encrypted for the record, and as a keyed hash so the phone
 * desk's registration can prove "this is the caller's number" (resolve-citizen). The centre's own line
 * stays as it is (reports group calls by the dialled line).
 */
export function protectCallNumbers(pii: PiiVault, data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  const sides = data.direction === 'outbound' ? ['callee'] : data.direction === 'inbound' ? ['caller'] : ['caller', 'callee'];
  for (const k of sides) {
    const v = out[k];
    if (typeof v !== 'string' || v === 'anonymous') continue;
    const m = normalizeMobile(v);
    const normalized = m.ok ? m.normalized : v.replace(/\D/g, '');
    out[k] = maskPhone(normalized);
    out[`${k}Enc`] = pii.encrypt(v);
    out[`${k}Hash`] = pii.hash('phone', normalized);
  }
  return out;
}

export function channelEventSink(rt: Runtime): ChannelEventSink {
  return {
    async emit(e) {
      const data = e.channel === 'phone' ? protectCallNumbers(rt.svc.pii, e.data) : e.data;
      const inserted = await rt.db
        .insert(channelEvents)
        .values({
          channel: e.channel,
          channelAccount: e.channelAccount,
          type: e.type,
          externalId: e.externalId,
          data,
          at: new Date(e.at),
        })
        .onConflictDoNothing()
        .returning({ id: channelEvents.id });
      return { duplicate: inserted.length === 0 };
    },
  };
}

export function rawStore(rt: Runtime): RawStore {
  return {
    async save(i) {
      // A whole e-mail or push holds names, numbers and addresses: encrypted, and deleted after the
      // retention period (platform/retention.ts).
      const [r] = await rt.db
        .insert(rawPayloads)
        .values({
          channel: i.channel,
          channelAccount: i.channelAccount,
          contentType: i.contentType,
          body: rt.svc.pii.encryptBytes(i.body),
          bodyEncrypted: true,
        })
        .returning({ id: rawPayloads.id });
      return `raw:${r.id}`;
    },
  };
}

type ViewRow = {
  number: string;
  status: string;
  categoryCode: string | null;
  categoryName: string | null;
  content: string;
  replyText: string | null;
  declineReason: string | null;
  unitName: string | null;
  createdAt: string;
  updatedAt: string;
  replyDueAt: string | null;
};
const CLOSED = new Set(['closed', 'archived', 'answered_directly', 'declined', 'merged', 'transferred_emergency']);
const CLOSED_SQL = sql.raw(`(${[...CLOSED].map((s) => `'${s}'`).join(', ')})`);
// nameEnc: the caller's name, only so public texts can mask it where the citizen typed it.
const VIEW_SELECT = sql`select t.number, t.status, t.category_code as "categoryCode", t.channel, t.channel_account as "channelAccount",
  (select cz.name_enc from citizens cz where cz.id = t.citizen_id) as "nameEnc",
  (select name from categories c where c.code = t.category_code order by version desc limit 1) as "categoryName",
  t.content, ${citizenReplySql()} as "replyText", t.decline_reason as "declineReason", u.name as "unitName", t.created_at as "createdAt", t.updated_at as "updatedAt",
  d.reply_due_at as "replyDueAt"
  from tickets t
  left join lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} d on true
  left join handling_units u on u.id = d.unit_id`;

function toView(r: ViewRow): PublicTicketView {
  const iso = (v: string | null) => (v ? new Date(v).toISOString() : undefined);
  return {
    ticketNo: r.number,
    status: CLOSED.has(r.status) ? 'closed' : 'open',
    serviceCode: r.categoryCode ?? undefined,
    serviceName: r.categoryName ?? undefined,
    description: r.content,
    // The accepted answer only (review gate), or why it was declined (citizen/public-reply.ts).
    statusNotes: r.replyText ?? declineText(r.declineReason) ?? undefined,
    agencyResponsible: r.unitName ?? undefined,
    requestedAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt),
    expectedAt: iso(r.replyDueAt),
  };
}

/** What a citizen-facing channel may show of a ticket: no names, numbers or addresses. */

/** The Open311 read filters both the staff search and the client list take: period, numbers, service codes. */
function open311Window(f: { from: Date; to: Date; ticketNos?: string[]; serviceCodes?: string[] }): SQL[] {
  const where = [sql`t.created_at >= ${f.from}`, sql`t.created_at <= ${f.to}`];
  if (f.ticketNos?.length) where.push(sql`t.number in ${sqlList(f.ticketNos)}`);
  if (f.serviceCodes?.length) where.push(sql`t.category_code in ${sqlList(f.serviceCodes)}`);
  return where;
}

export function ticketLookup(rt: Runtime): TicketLookupPort & CallerLookupPort {
  return {
    async byNumber(no) {
      const r = await rt.db.execute<ViewRow>(sql`${VIEW_SELECT} where t.number = ${no}`);
      return r.rows[0] ? toView(r.rows[0]) : null;
    },
    async search(f) {
      const where = open311Window(f);
      if (f.channel) where.push(sql`t.channel = ${f.channel}`);
      const rows = (
        await rt.db.execute<ViewRow>(sql`${VIEW_SELECT} where ${sql.join(where, sql` and `)} order by t.created_at desc limit ${f.limit}`)
      ).rows.map(toView);
      return f.status?.length ? rows.filter((v) => f.status!.includes(v.status)) : rows;
    },
    async byOpenId(openId, limit) {
      const hashes = rt.svc.pii.hashes('wechat', openId);
      const r = await rt.db.execute<ViewRow>(sql`${VIEW_SELECT} where t.citizen_id in (select citizen_id from citizen_contacts
        where kind = 'wechat' and value_hash in ${sqlList(hashes)}) order by t.created_at desc limit ${limit}`);
      return r.rows.map(toView);
    },
    async byPhone(phone) {
      const m = normalizeMobile(phone);
      const hashes = rt.svc.pii.hashes('phone', m.ok ? m.normalized : phone.replace(/\D/g, ''));
      const r = await rt.db.execute<ViewRow & { citizenId: string }>(sql`${VIEW_SELECT}, lateral (select t.citizen_id as "citizenId") c
        where t.citizen_id in (select citizen_id from citizen_contacts where kind = 'phone' and value_hash in ${sqlList(hashes)})
        order by t.created_at desc limit 20`);
      const views = r.rows.map(toView);
      return {
        citizen: r.rows[0] ? { id: r.rows[0].citizenId } : undefined,
        recentTickets: views.slice(0, 5),
        openTickets: views.filter((v) => v.status === 'open').length,
      };
    },
  };
}

/**
 * IVR satisfaction key presses → 好差评 ratings (reviews/use-cases/survey-rating.ts): the callback
 * task's ticket, or the tickets registered for the call; once per eventId. Returns false when no
 * ticket was matched or none could be rated (the press is kept as ignored with its reason).
 */
export function ratingPort(rt: Runtime): RatingPort {
  return {
    async record(i) {
      const out = await rateFromSurvey(ctxFor(rt, i.channel), {
        eventId: i.externalId,
        callId: i.callId,
        callbackTaskId: i.callbackTaskId,
        score: i.score,
        at: i.at,
        channel: i.channel,
      });
      return out.duplicate || out.tickets.some((t) => t.outcome === 'rated');
    },
  };
}

/**
 * Open311 reads for one api_key (issue: the read API answered anyone with every ticket in full).
 * A key sees the requests it filed (channel open311, channel_account = its key id) and, in the
 * categories the centre opened (open311_public_categories), a summary of everyone's requests.
 * Anonymous and 举报 (whistle-blower) tickets never leave, whoever filed them. Description and
 * status notes are redacted for the public (redactForPublic, with the caller's own name); a
 * public summary carries no status notes (the unit's reply is for the citizen who asked).
 */
export function open311Requests(rt: Runtime): Open311RequestsPort {
  type Row = ViewRow & { channel: string; channelAccount: string; nameEnc: string | null };
  const select = (keyId: string, where: SQL[], limit: number) =>
    rt.db
      .execute<Row>(
        sql`${VIEW_SELECT}
    where t.appeal_type is distinct from 'report' and not t.anonymous_to_units
      and ((t.channel = 'open311' and t.channel_account = ${keyId})
        or t.category_code in (select category_code from open311_public_categories))
      and ${sql.join(where, sql` and `)}
    order by t.created_at desc limit ${limit}`,
      )
      .then((r) => r.rows);
  const present = (keyId: string, r: Row): Open311RequestView => {
    const own = r.channel === 'open311' && r.channelAccount === keyId;
    const names = [rt.svc.pii.decryptOpt(r.nameEnc)];
    const v = toView(r);
    return {
      ...v,
      scope: own ? 'own' : 'public',
      description: redactForPublic(v.description, names),
      statusNotes: own && v.statusNotes ? redactForPublic(v.statusNotes, names) : undefined,
    };
  };
  return {
    async list(keyId, f) {
      const where = open311Window(f);
      if (f.status?.length === 1) where.push(f.status[0] === 'closed' ? sql`t.status in ${CLOSED_SQL}` : sql`t.status not in ${CLOSED_SQL}`);
      return (await select(keyId, where, f.limit)).map((r) => present(keyId, r));
    },
    async get(keyId, no) {
      const [r] = await select(keyId, [sql`t.number = ${no}`], 1);
      return r ? present(keyId, r) : null;
    },
  };
}

export function open311Catalog(rt: Runtime): ServiceCatalogPort {
  const q = (extra = sql`true`) =>
    rt.db.execute<{ code: string; name: string; group: string | null }>(sql`select c.code, c.name,
    (select p.name from categories p where p.version = c.version and p.code = c.parent_code) as "group"
    from categories c where c.version = ${CURRENT_CATEGORY_VERSION} and c.citizen_selectable and ${extra}
    order by c.code`);
  return {
    async list() {
      return (await q()).rows.map((r) => ({ code: r.code, name: r.name, group: r.group ?? undefined, type: 'realtime' as const }));
    },
    async get(_j, code) {
      const r = (await q(sql`c.code = ${code}`)).rows[0];
      return r ? { code: r.code, name: r.name, group: r.group ?? undefined, type: 'realtime' as const } : null;
    },
  };
}

/** `keyId:secret` pairs from configuration; the key id is the Open311 channelAccount. */
export function parseKeyList(list: string): { id: string; secret: string }[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':');
      return { id: s.slice(0, i), secret: s.slice(i + 1) };
    })
    .filter((k) => k.id && k.secret);
}

export function open311Keys(list: string): Open311ApiKeyPort {
  const keys = parseKeyList(list);
  return {
    async verify(apiKey) {
      const a = Buffer.from(apiKey);
      const hit = keys.find((k) => {
        const b = Buffer.from(k.secret);
        return a.length === b.length && timingSafeEqual(a, b);
      });
      return hit ? { keyId: hit.id } : null;
    },
  };
}

export type { ChannelKind };
