import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Logger } from '../log/logger';
import { failureTo, reportFailure } from '../background';

export type OutboxRow = {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
};

/**
 * Moves committed outbox rows to Redis (BullMQ jobs + Socket.IO invalidations). A commit kicks
 * it at once; a one-second sweep picks up whatever a kick missed (Redis down at the time,
 * process killed after commit). Rows are claimed with SKIP LOCKED, so several nodes drain side
 * by side; a row is marked sent only after publishing succeeded, so delivery is at-least-once
 * and consumers are idempotent (jobId = outbox id).
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private db: Db,
    private publish: (rows: OutboxRow[]) => Promise<void>,
    private log: Logger,
    private batchSize = 500,
  ) {}

  kick = () => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    setImmediate(() => void this.drain());
  };

  /** Publishes everything unsent; returns how many rows went out. */
  async drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return 0;
    }
    this.running = true;
    let total = 0;
    try {
      do {
        this.again = false;
        let n: number;
        do {
          n = await this.drainBatch();
          total += n;
        } while (n === this.batchSize && !this.stopped);
      } while (this.again && !this.stopped);
    } catch (err) {
      reportFailure(this.log, 'outbox-relay', err);
    } finally {
      this.running = false;
    }
    return total;
  }

  private async drainBatch(): Promise<number> {
    let claimed: number[] = [];
    try {
      return await this.db.transaction(async (tx) => {
        const r = await tx.execute<OutboxRow>(sql`select id::int as id, topic, payload from outbox where sent_at is null
          order by id limit ${this.batchSize} for update skip locked`);
        if (r.rows.length === 0) return 0;
        claimed = r.rows.map((x) => x.id);
        await this.publish(r.rows);
        await tx.execute(sql`update outbox set sent_at = now(), attempts = attempts + 1 where id in (${idList(claimed)})`);
        return r.rows.length;
      });
    } catch (err) {
      // The claim rolled back; count the failure now (not inside it: those rows were locked by it).
      if (claimed.length) {
        await this.db
          .execute(
            sql`update outbox set attempts = attempts + 1, last_error = ${String((err as Error).message).slice(0, 300)}
          where id in (${idList(claimed)}) and sent_at is null`,
          )
          .catch(failureTo(this.log, 'outbox-relay', { step: 'count attempt', rows: claimed.length }));
      }
      throw err;
    }
  }

  start(sweepMs = 1000) {
    this.stopped = false;
    this.timer = setInterval(() => void this.drain(), sweepMs);
    this.timer.unref();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }
}

const idList = (ids: number[]) =>
  sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  );
