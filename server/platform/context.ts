import { randomUUID } from 'node:crypto';
import type { Db } from './db/client';
import type { Logger } from './log/logger';
import type { PiiVault } from './crypto/pii';
import type { Role } from '../identity/tables';
import type { ReferenceCache } from './reference-cache';
import type { IntakeGroups } from '../tickets/use-cases/intake-group';

/** Who is acting. Staff carry their role (and unit for clerks); the citizen and the system act too. */
export type Actor =
  | { kind: 'staff'; id: string; role: Role; unitId: string | null; displayName: string }
  | { kind: 'citizen'; citizenId: string | null }
  | { kind: 'system'; name: string };

/** Long-lived services a use case may need beside the database. */
export interface Services {
  pii: PiiVault;
  /** Wakes the outbox relay after a commit; the sweeper catches anything this misses. */
  kickOutbox: () => void;
  classify?: (input: { title: string | null; content: string }) => ClassifierSuggestion | null;
  /** Holidays, SLA policies and categories cached on this node (reference-cache.ts); absent → read from the database. */
  refs?: ReferenceCache;
  /** Group commit for intake (tickets/use-cases/intake-group.ts); absent or window 0 → one transaction per appeal. */
  intakeGroups?: IntakeGroups;
}

export interface ClassifierSuggestion {
  category: string;
  confidence: number;
  alternatives: { category: string; confidence: number }[];
  type?: string;
  urgency?: string;
  emergency?: string | null;
  reasons?: string[];
  modelVersion: string;
  [k: string]: unknown;
}

export interface Ctx {
  db: Db;
  actor: Actor;
  log: Logger;
  now: () => Date;
  requestId: string;
  lang: 'zh' | 'en';
  svc: Services;
}

export function makeCtx(base: Omit<Ctx, 'requestId' | 'now' | 'lang'> & Partial<Pick<Ctx, 'requestId' | 'now' | 'lang'>>): Ctx {
  return { requestId: randomUUID(), now: () => new Date(), lang: 'zh', ...base };
}

export const SYSTEM: Actor = { kind: 'system', name: 'system' };

export function actorId(a: Actor): string | null {
  return a.kind === 'staff' ? a.id : null;
}
export function actorRole(a: Actor): string {
  return a.kind === 'staff' ? a.role : a.kind;
}
export function actorName(a: Actor): string {
  return a.kind === 'staff' ? a.displayName : a.kind === 'citizen' ? '诉求人' : a.name;
}
