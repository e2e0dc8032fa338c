/**
 * The server's side of the WeChat official account beyond the message route (channels.md §1):
 * the outbound API client with its token in Redis, the asynchronous media download (获取临时素材)
 * run from the outbox jobs, and the citizen timeline of the OAuth tracking page.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import { makeCtx } from '../platform/context';
import { recordEvent } from '../tickets/events';
import { presentPublicTicket } from '../citizen/present';
import { WechatApiClient, QUOTA_ERRORS, type TokenCache } from '../../integrations/wechat/api-client';
import { channelAttachments, channelEvents } from './tables';
import type { HandlerRegistry } from '../platform/events/handlers';
import type { FileRef } from '../platform/events/catalogue';
import { inTransaction } from '../platform/transaction';

/** One token per appId for every process (channels.md §1 "one shared cache in Redis"). */
export function redisTokenCache(rt: Runtime): TokenCache {
  const k = (key: string) => `${rt.options.queuePrefix}:${key}`;
  return {
    get: (key) => rt.redis.get(k(key)),
    set: async (key, value, ttl) => {
      await rt.redis.set(k(key), value, 'EX', ttl);
    },
    del: async (key) => {
      await rt.redis.del(k(key));
    },
  };
}

export interface WechatApiConfig {
  appId: string;
  appSecret: string;
  baseUrl?: string;
}

export function wechatApiClient(rt: Runtime, cfg: WechatApiConfig) {
  return new WechatApiClient({ appId: cfg.appId, appSecret: cfg.appSecret, baseUrl: cfg.baseUrl, tokens: redisTokenCache(rt), log: rt.log });
}

/**
 * Downloads the WeChat media named by one timeline event (the `ticket.registered` or
 * `citizen.supplemented` its outbox job carries) into channel_attachments, and appends
 * `attachment.stored` to the ticket — attachment row, claim and event in one transaction.
 *
 * Once per MediaId: the claim is a channel_events row keyed `media:{MediaId}` under the
 * account's unique (channel, account, externalId), so a retried or redelivered job stores one
 * file. A permanent errcode is recorded there as `media.failed` and the ticket is not touched;
 * quota errors and transport failures throw, so BullMQ retries with backoff.
 */
export async function fetchTicketMedia(rt: Runtime, clientFor: (appId: string) => WechatApiClient | null, ticketId: string, version: number) {
  const [ev] = (
    await rt.db.execute<{
      type: string;
      data: { channel?: string; files?: FileRef[] };
      channel: string;
      channelAccount: string;
    }>(sql`select e.type, e.data, t.channel, t.channel_account as "channelAccount"
    from ticket_events e join tickets t on t.id = e.ticket_id where e.ticket_id = ${ticketId} and e.seq = ${version}`)
  ).rows;
  if (!ev || ev.data.channel !== 'wechat' || ev.channel !== 'wechat') return;
  // Both intake events list their files as `files` (the catalogue's one name for a file list).
  const refs = ev.data.files ?? [];
  // A MediaId is what the WeChat parser put as storageKey; files already stored here are `att:{id}`.
  const media = refs.filter((f) => f.storageKey && !f.storageKey.startsWith('att:') && ['image', 'audio', 'video'].includes(f.kind ?? ''));
  if (media.length === 0) return;
  const client = clientFor(ev.channelAccount);
  if (!client) {
    rt.log.warn({ ticketId }, 'wechat media: no API client for this account; media left remote');
    return;
  }

  for (const f of media) {
    const mediaId = f.storageKey!;
    const key = `media:${mediaId}`;
    const done = await rt.db.execute(sql`select 1 from channel_events where channel = 'wechat'
      and channel_account = ${ev.channelAccount} and external_id = ${key}`);
    if (done.rows.length) continue;
    const r = await client.getMedia(mediaId);
    if (!r.ok) {
      if (QUOTA_ERRORS.has(r.errcode)) throw new Error(`wechat media: quota errcode ${r.errcode}, retry later`);
      // Permanent (expired after 3 days, unknown id, token still refused after one refresh): kept, ticket untouched.
      await rt.db
        .insert(channelEvents)
        .values({
          channel: 'wechat',
          channelAccount: ev.channelAccount,
          type: 'media.failed',
          externalId: key,
          data: { ticketId, kind: f.kind, errcode: r.errcode },
          ticketId,
          at: new Date(),
        })
        .onConflictDoNothing();
      rt.log.warn({ ticketId, errcode: r.errcode }, 'wechat media: download failed for good');
      continue;
    }
    const mime = r.contentType.split(';')[0].trim().toLowerCase().slice(0, 100) || 'application/octet-stream';
    const sha256 = createHash('sha256').update(r.body).digest('hex');
    const ctx = makeCtx({ db: rt.db, actor: { kind: 'system', name: 'channel:wechat' }, log: rt.log, svc: rt.svc });
    await inTransaction(ctx, async (tx) => {
      const claim = await tx
        .insert(channelEvents)
        .values({
          channel: 'wechat',
          channelAccount: ev.channelAccount,
          type: 'media.stored',
          externalId: key,
          data: { ticketId, kind: f.kind },
          ticketId,
          at: ctx.now(),
        })
        .onConflictDoNothing()
        .returning({ id: channelEvents.id });
      if (claim.length === 0) return false; // a concurrent run of the same job stored it first
      const [a] = await tx
        .insert(channelAttachments)
        .values({
          channel: 'wechat',
          channelAccount: ev.channelAccount,
          sha256,
          mime,
          filename: null,
          size: r.body.length,
          body: rt.svc.pii.encryptBytes(r.body),
          bodyEncrypted: true,
          ticketId,
        })
        .returning({ id: channelAttachments.id });
      const file = { kind: f.kind, mime, size: r.body.length, storageKey: `att:${a.id}` };
      // `files` as on ticket.registered: the console lists it and staff who see the ticket may download it.
      await recordEvent(tx, ctx, ticketId, {
        type: 'attachment.stored',
        data: {
          channel: 'wechat',
          ...file,
          sha256,
          remoteRef: mediaId,
          files: [file],
        },
      });
      return true;
    });
  }
}

/**
 * The backstop for a job that gave up (WeChat down longer than its 5 attempts, quota until tomorrow):
 * events of the last 3 days (WeChat keeps 临时素材 3 days) older than `minAgeSeconds` whose MediaIds
 * have neither a stored file nor a recorded failure are fetched again. Uses ticket_events (type, at).
 */
export async function sweepWechatMedia(rt: Runtime, clientFor: (appId: string) => WechatApiClient | null, o: { minAgeSeconds?: number; limit?: number } = {}) {
  const rows = (
    await rt.db.execute<{ ticketId: string; seq: number }>(sql`select e.ticket_id as "ticketId", e.seq from ticket_events e
    join tickets t on t.id = e.ticket_id
    where e.type in ('ticket.registered', 'citizen.supplemented') and e.at > now() - interval '3 days'
      and e.at <= now() - make_interval(secs => ${o.minAgeSeconds ?? 300}) and t.channel = 'wechat' and e.data->>'channel' = 'wechat'
      and exists (select 1 from jsonb_array_elements(coalesce(e.data->'files', '[]'::jsonb)) f
        where f->>'kind' in ('image', 'audio', 'video') and f->>'storageKey' is not null and f->>'storageKey' not like 'att:%'
          and not exists (select 1 from channel_events c where c.channel = 'wechat' and c.channel_account = t.channel_account
            and c.external_id = 'media:' || (f->>'storageKey')))
    order by e.at limit ${o.limit ?? 50}`)
  ).rows;
  let failed = 0;
  for (const r of rows) {
    try {
      await fetchTicketMedia(rt, clientFor, r.ticketId, r.seq);
    } catch (err) {
      failed++;
      rt.log.warn({ ticketId: r.ticketId, err: (err as Error).message }, 'wechat media sweep: still failing, next sweep retries');
    }
  }
  return { found: rows.length, failed };
}

/** The citizen-facing (filtered) timeline of one ticket, for the tracking page. */
export function publicTimeline(rt: Runtime) {
  return async (ticketNo: string) => {
    const [t] = (await rt.db.execute<{ id: string }>(sql`select id from tickets where number = ${ticketNo}`)).rows;
    if (!t) return [];
    const ctx = makeCtx({ db: rt.db, actor: { kind: 'system', name: 'channel:wechat' }, log: rt.log, svc: rt.svc, lang: 'zh' });
    return (await presentPublicTicket(ctx, t.id)).timeline.map((e) => ({ at: e.at as string, label: e.label }));
  };
}

/** The media download job of a WeChat appeal's intake or supplement (other channels' events are skipped unread). */
export function registerWechatMedia(registry: HandlerRegistry, fetchMedia: (ticketId: string, version: number) => Promise<void>) {
  registry.on(['ticket.registered', 'citizen.supplemented'], 'wechat-media', async (m) => {
    if (m.channel === 'wechat' && m.version) await fetchMedia(m.ticketId, m.version);
  });
}
