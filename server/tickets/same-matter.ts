/**
 * Same matter (并单) at intake: which open tickets an appeal probably repeats, on every node alike.
 *
 * Each ticket's MinHash signature and LSH band keys are written in its registration transaction
 * (ticket_same_matter, GIN-indexed); a query is one indexed overlap (`band_keys && keys`) plus the
 * same citizen's and the same region's open tickets of the window, scored with the signatures and
 * judged by the classifier's one rule (judgeSameMatter). No text is compared in SQL and nothing is
 * held in memory, so a node that starts answers at once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { bandKeys, judgeSameMatter, signature, signatureFromBytes, signatureSimilarity, signatureToBytes } from '@rexian/classifier/src/duplicates';
import { maskPii } from '@rexian/classifier/src/pii';
import type { SameMatterCandidate } from '../../contract/same-matter';
import type { Ctx } from '../platform/context';
import type { Db } from '../platform/db/client';
import { sqlList } from '../platform/db/sql-list';
import { normalizeMobile } from '../identity/checks';
import { ticketSameMatter } from './tables';
import { OPEN_STATUSES } from './states';

const DAY_MS = 86_400_000;
/** How far back open tickets are compared (either way the matter is still being worked). */
export const SAME_MATTER_WINDOW_DAYS = 30;

/**
 * The ticket's signature row, as an INSERT the registration's event statement carries (recordEvent's
 * `alsoInsert`), so it is written in the registration transaction without a round trip of its own.
 * Null for a text too short to shingle (nothing is stored).
 */
export function sameMatterSignatureInsert(ticketId: string, content: string, at: Date): SQL | null {
  const row = sameMatterSignatureRow(content);
  if (!row) return null;
  return sql`insert into ticket_same_matter (ticket_id, band_keys, signature, created_at)
    values (${ticketId}, ${row.bandKeys}::int[], ${row.signature}, ${at}) on conflict do nothing`;
}

/** The signature row's values (band keys as an int[] literal, the signature's bytes); null for a text too short to shingle. */
export function sameMatterSignatureRow(content: string): { bandKeys: string; signature: Buffer } | null {
  const sig = signature(content);
  if (!sig) return null;
  // Integers only: an array literal as one parameter.
  return { bandKeys: `{${bandKeys(sig).join(',')}}`, signature: signatureToBytes(sig) };
}

/**
 * Stores the signatures of open tickets registered before migration 0020 (or by a node running older code), in
 * batches; returns how many were written. Idempotent: `npm run same-matter:backfill` after deploying.
 */
export async function backfillSameMatter(db: Db, batch = 500): Promise<number> {
  let written = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Walks open tickets by id, so a text too short to sign (never written) cannot stop the walk.
    const rows = await db.execute<{ id: string; content: string; created_at: Date | string }>(sql`
      select t.id, t.content, t.created_at from tickets t
      where t.id > ${after} and t.status in ${sqlList(OPEN_STATUSES)}
        and not exists (select 1 from ticket_same_matter s where s.ticket_id = t.id)
      order by t.id limit ${batch}`);
    if (rows.rows.length === 0) return written;
    for (const r of rows.rows) {
      const sig = signature(r.content);
      if (!sig) continue;
      await db
        .insert(ticketSameMatter)
        .values({ ticketId: r.id, bandKeys: bandKeys(sig), signature: signatureToBytes(sig), createdAt: new Date(r.created_at) })
        .onConflictDoNothing();
      written++;
    }
    after = rows.rows[rows.rows.length - 1].id;
  }
}

export const SimilarTicketsInput = z
  .strictObject({
    /** The appeal as typed so far (or omitted with ticketId: the ticket's own text). */
    text: z.string().trim().max(20_000).optional(),
    ticketId: z.uuid().optional(),
    regionCode: z
      .string()
      .regex(/^\d{6,12}$/)
      .optional(),
    phone: z.string().trim().max(32).optional(),
    windowDays: z.coerce.number().int().min(1).max(90).optional(),
    limit: z.coerce.number().int().min(1).max(20).optional(),
  })
  .refine((v) => v.text || v.ticketId, { message: 'text or ticketId is required' });
export type SimilarTicketsInput = z.infer<typeof SimilarTicketsInput>;

interface Row extends Record<string, unknown> {
  id: string;
  number: string;
  title: string;
  status: string;
  created_at: Date | string;
  region_code: string | null;
  same_citizen: boolean;
  signature: Buffer | null;
}

/**
 * Open tickets of the window that look like the same matter as `input`, best first. The caller's
 * phone only sets `sameCitizen` on tickets the text already brought up or that the citizen opened;
 * it never lists another citizen's tickets, so it cannot be used to look people up.
 */
export async function findSameMatter(ctx: Ctx, input: SimilarTicketsInput): Promise<SameMatterCandidate[]> {
  const windowDays = input.windowDays ?? SAME_MATTER_WINDOW_DAYS;
  const limit = input.limit ?? 5;
  let text = input.text ?? '';
  let regionCode = input.regionCode ?? null;
  let citizenCond = sql`false`;
  let at = ctx.now();
  if (input.ticketId) {
    const own = await ctx.db.execute<{ content: string; region_code: string | null; citizen_id: string | null; created_at: Date | string }>(
      sql`select content, region_code, citizen_id, created_at from tickets where id = ${input.ticketId}`,
    );
    const t = own.rows[0];
    if (!t) return [];
    text ||= t.content;
    regionCode ??= t.region_code;
    at = new Date(t.created_at);
    if (t.citizen_id) citizenCond = sql`t.citizen_id = ${t.citizen_id}`;
  }
  if (input.phone && !input.ticketId) {
    const m = normalizeMobile(input.phone);
    const digits = m.ok ? m.normalized : input.phone.replace(/\D/g, '');
    if (digits.length >= 7) {
      citizenCond = sql`t.citizen_id in (select citizen_id from citizen_contacts where kind = 'phone' and value_hash in ${sqlList(ctx.svc.pii.hashes('phone', digits.slice(-11)))})`;
    }
  }
  const sig = signature(text);
  if (!sig) return [];
  const since = new Date(at.getTime() - windowDays * DAY_MS);
  const exclude = input.ticketId ?? '00000000-0000-0000-0000-000000000000';
  const open = sqlList(OPEN_STATUSES);
  const keys = sql`${`{${bandKeys(sig).join(',')}}`}::integer[]`;
  // Three small sets, each on an index: tickets sharing a band (GIN), the citizen's own open tickets,
  // and the region's most recent open ones (a reworded report of the same pothole shares no band).
  const rows = await ctx.db.execute<Row>(sql`
    with pool as (
      (select s.ticket_id as id from ticket_same_matter s where s.band_keys && ${keys} and s.created_at >= ${since} limit 500)
      union
      (select t.id from tickets t where ${citizenCond} and t.created_at >= ${since} limit 100)
      union
      (select t.id from tickets t where ${regionCode ? sql`t.region_code = ${regionCode}` : sql`false`}
         and t.status in ${open} and t.created_at >= ${since} order by t.created_at desc limit 200)
    )
    select t.id, t.number, t.title, t.status, t.created_at, t.region_code, s.signature,
      (${citizenCond}) as same_citizen
    from pool p join tickets t on t.id = p.id left join ticket_same_matter s on s.ticket_id = t.id
    where t.status in ${open} and t.id <> ${exclude} and t.merged_into_id is null`);
  const out: (SameMatterCandidate & { rank: number })[] = [];
  for (const r of rows.rows) {
    const other = r.signature ? signatureFromBytes(r.signature) : null;
    const score = other ? signatureSimilarity(sig, other) : 0;
    const samePlace = !!regionCode && r.region_code === regionCode;
    const verdict = judgeSameMatter({ score, sameCitizen: !!r.same_citizen, samePlace });
    if (!verdict.show) continue;
    out.push({
      ticketId: r.id,
      number: r.number,
      title: maskPii(r.title),
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      regionCode: r.region_code,
      score: Math.round(score * 1000) / 1000,
      sameCitizen: !!r.same_citizen,
      samePlace,
      reasons: verdict.reasons,
      rank: verdict.rank,
    });
  }
  out.sort((a, b) => b.rank - a.rank || (a.number < b.number ? -1 : 1));
  return out.slice(0, limit).map(({ rank: _rank, ...c }) => c);
}
