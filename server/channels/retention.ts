/**
 * Personal data kept outside the encrypted columns, swept on the cron node (docs/SECURITY.md,
 * "Retention"):
 * - raw inbound payloads (whole e-mails, pushes) are an audit aid for disputes about what arrived,
 *   not a record: deleted after RAW_PAYLOAD_RETENTION_DAYS (default 30);
 * - rows written before encryption at rest (attachment bytes, raw payloads, call numbers in
 *   channel_events) are encrypted in place, a batch per run, so old data does not stay in clear.
 * Each step runs on its own; a failure is logged with its error code, counted, and does not stop the
 * others or the next run.
 */
import { sql } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import { errorForLog } from '../platform/log/safe-error';
import { protectCallNumbers } from './ports';

export interface RetentionResult {
  expiredRawPayloads: number;
  encryptedAttachments: number;
  encryptedRawPayloads: number;
  protectedCallEvents: number;
  failures: string[];
}

const BATCH = 200;

export async function sweepPersonalData(rt: Runtime, o: { retentionDays: number; now?: Date }): Promise<RetentionResult> {
  const now = o.now ?? new Date();
  const cutoff = new Date(now.getTime() - o.retentionDays * 86_400_000);
  const out: RetentionResult = { expiredRawPayloads: 0, encryptedAttachments: 0, encryptedRawPayloads: 0, protectedCallEvents: 0, failures: [] };
  const step = async (name: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (err) {
      out.failures.push(name);
      rt.log.warn({ step: name, err: errorForLog(err) }, 'retention sweep step failed; the next run retries');
    }
  };
  await step('expire_raw_payloads', async () => {
    for (;;) {
      const r = await rt.db.execute(sql`delete from raw_payloads where id in (select id from raw_payloads where created_at < ${cutoff} limit ${BATCH * 5})`);
      out.expiredRawPayloads += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) < BATCH * 5) break;
    }
  });
  // Table names are constants of this file, never input.
  const encryptInPlace = (table: 'channel_attachments' | 'raw_payloads') => async () => {
    const t = sql.raw(table);
    const rows = (await rt.db.execute<{ id: string; body: Buffer }>(sql`select id, body from ${t} where not body_encrypted limit ${BATCH}`)).rows;
    let n = 0;
    for (const row of rows) {
      const r = await rt.db.execute(sql`update ${t} set body = ${rt.svc.pii.encryptBytes(row.body)}, body_encrypted = true
        where id = ${row.id} and not body_encrypted`);
      n += r.rowCount ?? 0;
    }
    return n;
  };
  await step('encrypt_attachments', async () => {
    out.encryptedAttachments += await encryptInPlace('channel_attachments')();
  });
  await step('encrypt_raw_payloads', async () => {
    out.encryptedRawPayloads += await encryptInPlace('raw_payloads')();
  });
  await step('protect_call_numbers', async () => {
    const rows = (
      await rt.db.execute<{ id: number; data: Record<string, unknown> }>(sql`select id, data from channel_events
      where channel = 'phone' and (
        (data->>'direction' is distinct from 'outbound' and data ? 'caller' and not data ? 'callerEnc' and data->>'caller' <> 'anonymous')
        or (data->>'direction' is distinct from 'inbound' and data ? 'callee' and not data ? 'calleeEnc')) limit ${BATCH}`)
    ).rows;
    for (const row of rows) {
      await rt.db.execute(sql`update channel_events set data = ${JSON.stringify(protectCallNumbers(rt.svc.pii, row.data))}::jsonb where id = ${row.id}`);
      out.protectedCallEvents += 1;
    }
  });
  if (out.failures.length === 0 && (out.expiredRawPayloads || out.encryptedAttachments || out.encryptedRawPayloads || out.protectedCallEvents)) {
    rt.log.info({ ...out, failures: undefined }, 'retention sweep');
  }
  return out;
}
