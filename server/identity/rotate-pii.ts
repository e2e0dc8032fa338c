import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import type { PiiVault } from '../platform/crypto/pii';
import type { Logger } from '../platform/log/logger';

/**
 * Every column holding personal data under a key (ciphertexts `*_enc`, keyed hashes `*_hash`)
 * and, for a hash, the encrypted column whose clear value it hashes (the same normalised value
 * is encrypted and hashed at intake, resolve-citizen.ts).
 */
const COLUMNS: { table: string; enc: string[]; hashes: { col: string; kind: string; from: string }[] }[] = [
  { table: 'citizens', enc: ['name_enc', 'id_number_enc'], hashes: [{ col: 'id_number_hash', kind: 'id', from: 'id_number_enc' }] },
  { table: 'citizen_contacts', enc: ['value_enc'], hashes: [{ col: 'value_hash', kind: '', from: 'value_enc' }] },
  { table: 'tickets', enc: ['address_enc'], hashes: [] },
  { table: 'users', enc: ['mfa_secret_enc', 'mfa_pending_secret_enc'], hashes: [] },
];

/**
 * Re-encrypts and re-hashes personal data under the current key, in batches of `batch` rows,
 * each batch one short transaction over rows locked `FOR UPDATE SKIP LOCKED` — so intake, search
 * and ticket work go on meanwhile (they read and find both versions while the old key is
 * configured). Idempotent: a second run finds nothing to do. Returns rows rewritten per table.
 */
export async function rotatePii(db: Db, vault: PiiVault, o: { batch?: number; log?: Logger } = {}) {
  const batch = o.batch ?? 500;
  const done: Record<string, number> = {};
  const currentEnc = `v${vault.version}.%`;
  const currentHash = vault.version === 1 ? null : `k${vault.version}.%`;
  for (const t of COLUMNS) {
    done[t.table] = 0;
    const stale = [
      ...t.enc.map((c) => sql`(${sql.identifier(c)} is not null and ${sql.identifier(c)} not like ${currentEnc})`),
      ...t.hashes.map((h) =>
        currentHash
          ? sql`(${sql.identifier(h.col)} is not null and ${sql.identifier(h.col)} not like ${currentHash})`
          : sql`(${sql.identifier(h.col)} like 'k%')`,
      ),
    ];
    const cols = [...new Set([...t.enc, ...t.hashes.flatMap((h) => [h.col, h.from]), ...(t.table === 'citizen_contacts' ? ['kind'] : [])])];
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const rows = (
          await tx.execute<Record<string, string | null>>(sql`select id, ${sql.join(
            cols.map((c) => sql.identifier(c)),
            sql`, `,
          )}
          from ${sql.identifier(t.table)} where ${sql.join(stale, sql` or `)} limit ${batch} for update skip locked`)
        ).rows;
        for (const r of rows) {
          const set = [
            ...t.enc.map((c) => sql`${sql.identifier(c)} = ${r[c] == null ? null : vault.encrypt(vault.decrypt(r[c]!))}`),
            ...t.hashes.map(
              (h) =>
                sql`${sql.identifier(h.col)} = ${r[h.col] == null || r[h.from] == null ? r[h.col] : vault.hash(h.kind || r.kind!, vault.decrypt(r[h.from]!))}`,
            ),
          ];
          await tx.execute(sql`update ${sql.identifier(t.table)} set ${sql.join(set, sql`, `)} where id = ${r.id}`);
        }
        return rows.length;
      });
      done[t.table] += n;
      if (n > 0) o.log?.info({ table: t.table, rows: done[t.table] }, 'pii rotation progress');
      if (n < batch) break;
    }
  }
  return done;
}
