/**
 * Per-process cache of the reference tables the deadline computations and the intake answer read
 * on every call: the holiday calendar, the active SLA policies and the categories of the tree in
 * force. Without it every dispatch read every holiday and policy row, every registration with a
 * category one more row.
 *
 * Freshness: the node that commits an admin change drops its own entries at once and publishes the
 * change on Redis (`<prefix>:reference-changed`); every node subscribed drops the same kind when the
 * message arrives (milliseconds). A short TTL (10 s by default) is the backstop for a node that
 * missed the message (Redis down, a process killed between commit and publish). A load that was
 * running while a change arrived is not kept (generation check), so a read started before a commit
 * can never be cached past it.
 */
import type Redis from 'ioredis';
import type { Db, Queryable } from './db/client';
import type { Logger } from './log/logger';
import { reportFailure } from './background';

export const REFERENCE_KINDS = ['holidays', 'sla_policies', 'categories', 'units'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

interface Entry {
  value: Promise<unknown>;
  at: number;
}

export class ReferenceCache {
  private entries = new Map<string, Entry>();
  private generation = new Map<ReferenceKind, number>();
  private subscriber: Redis | null = null;
  /** Loads from the database, for the figures (tests, benchmarks). */
  loads = 0;
  /** Listening for other nodes' changes right now (false: only the TTL bounds staleness). */
  subscribed = false;
  /** The pool this cache loads through (never a caller's transaction, which may hold uncommitted rows). */
  db: Db | null = null;

  constructor(private opts: { ttlMs?: number; publisher?: Redis; channel?: string; log: Logger; now?: () => number }) {}

  private get ttl() {
    return this.opts.ttlMs ?? 10_000;
  }
  private now() {
    return (this.opts.now ?? Date.now)();
  }

  /** The cached value of `kind`/`key`, loading it once when absent or older than the TTL. */
  get<T>(kind: ReferenceKind, key: string, load: () => Promise<T>): Promise<T> {
    const k = `${kind}\u0000${key}`;
    const hit = this.entries.get(k);
    if (hit && this.now() - hit.at < this.ttl) return hit.value as Promise<T>;
    const gen = this.generation.get(kind) ?? 0;
    this.loads++;
    const value = load();
    const entry: Entry = { value, at: this.now() };
    this.entries.set(k, entry);
    value.then(
      () => {
        // A change arrived while this load ran: its rows may predate the change; do not keep them.
        if ((this.generation.get(kind) ?? 0) !== gen && this.entries.get(k) === entry) this.entries.delete(k);
      },
      () => {
        if (this.entries.get(k) === entry) this.entries.delete(k); // a failed load is never cached
      },
    );
    return value;
  }

  /** Drops every entry of `kind` on this node. */
  invalidate(kind: ReferenceKind) {
    this.generation.set(kind, (this.generation.get(kind) ?? 0) + 1);
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${kind}\u0000`)) this.entries.delete(k);
  }

  /**
   * An admin change to `kinds` has committed: drop them here at once and tell the other nodes.
   * Call after the commit (a message sent before it could make another node reload the old rows).
   * Never throws: a lost message is logged and counted, and the TTL bounds the staleness.
   */
  async changed(...kinds: ReferenceKind[]): Promise<void> {
    for (const kind of kinds) this.invalidate(kind);
    if (!this.opts.publisher || !this.opts.channel) return;
    try {
      await this.opts.publisher.publish(this.opts.channel, JSON.stringify({ kinds }));
    } catch (err) {
      reportFailure(this.opts.log, 'reference-cache-publish', err, { kinds });
    }
  }

  /** Listens for other nodes' changes on a connection of its own (a subscribed client can do nothing else). */
  subscribe(redis: Redis) {
    if (!this.opts.channel) return;
    const channel = this.opts.channel;
    const sub = redis.duplicate({ enableOfflineQueue: false, autoResubscribe: false });
    this.subscriber = sub;
    sub.on('error', (err) => reportFailure(this.opts.log, 'reference-cache-subscriber', err));
    // On every (re)connection: subscribe again, and drop everything — messages sent while away are gone.
    // (A node that boots while Redis is down subscribes once it is back; until then the TTL holds.)
    sub.on('ready', () => {
      this.subscribed = false;
      sub.subscribe(channel).then(
        () => {
          for (const kind of REFERENCE_KINDS) this.invalidate(kind);
          this.subscribed = true;
        },
        (err) => reportFailure(this.opts.log, 'reference-cache-subscribe', err),
      );
    });
    sub.on('close', () => {
      this.subscribed = false;
    });
    sub.on('message', (_channel: string, message: string) => {
      try {
        const { kinds } = JSON.parse(message) as { kinds: string[] };
        for (const kind of kinds) if ((REFERENCE_KINDS as readonly string[]).includes(kind)) this.invalidate(kind as ReferenceKind);
      } catch (err) {
        reportFailure(this.opts.log, 'reference-cache-message', err, { message: message.slice(0, 200) });
      }
    });
  }

  close() {
    this.subscriber?.disconnect();
    this.subscriber = null;
    this.entries.clear();
  }
}

/** The cache of the runtime that owns this pool-backed database (a transaction has none: it reads its own snapshot). */
const byDb = new WeakMap<object, ReferenceCache>();
export function attachReferenceCache(db: Db, cache: ReferenceCache) {
  cache.db = db;
  byDb.set(db, cache);
}
export function referenceCacheOf(db: Queryable): ReferenceCache | undefined {
  return byDb.get(db);
}
