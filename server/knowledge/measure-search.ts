/**
 * How the knowledge search was chosen: npx tsx server/knowledge/measure-search.ts [--n 1000]
 * Loads the official replies of the data set's appeals/replies.jsonl (given with --file) as articles (title = the
 * message title, body = the reply) into a scratch database, then asks with each message's own text
 * (first 80 characters, as an agent would type) and checks whether its reply comes back first / in the
 * top 5. Compares our bigram tsvector (no extension) with pg_trgm similarity (extension + GIN index).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { docTerms, queryTerms } from './search-text';

const { values: a } = parseArgs({ options: { n: { type: 'string', default: '1000' }, file: { type: 'string', default: 'appeals/replies.jsonl' } } });
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'rx_kb_measure';

async function main() {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.query(`create database ${DB}`);
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${DB}` });
  await c.connect();
  try {
    await c.query('create extension pg_trgm');
    await c.query(`create table a (id int primary key, title text, body text, search tsvector, trg text)`);
    const rows = fs
      .readFileSync(a.file!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { title: string; content: string; reply: string })
      .filter((r) => r.reply && r.reply.length > 20);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const vals: unknown[] = [];
      const ph = chunk.map((r, j) => {
        vals.push(i + j, r.title, r.reply, docTerms(r.title, r.reply), `${r.title} ${r.reply}`);
        const b = j * 5;
        return `($${b + 1}, $${b + 2}, $${b + 3}, to_tsvector('simple', $${b + 4}), $${b + 5})`;
      });
      await c.query(`insert into a (id, title, body, search, trg) values ${ph.join(', ')}`, vals);
    }
    await c.query('create index on a using gin (search)');
    await c.query('create index on a using gin (trg gin_trgm_ops)');
    await c.query('analyze a');
    const n = Math.min(Number(a.n), rows.length);
    const ask = rows.slice(0, n).map((r, i) => ({ id: i, q: r.content.slice(0, 80) }));
    const run = async (name: string, f: (q: string) => Promise<number[]>) => {
      let r1 = 0,
        r5 = 0;
      const t0 = performance.now();
      for (const x of ask) {
        const ids = await f(x.q);
        if (ids[0] === x.id) r1++;
        if (ids.slice(0, 5).includes(x.id)) r5++;
      }
      const ms = (performance.now() - t0) / ask.length;
      console.log(`${name.padEnd(34)} recall@1 ${(r1 / n).toFixed(3)}  recall@5 ${(r5 / n).toFixed(3)}  ${ms.toFixed(1)} ms/query`);
    };
    console.log(`${rows.length} articles, ${n} queries (each message's first 80 chars; its own reply is the right answer)`);
    await run('bigram tsvector + ts_rank (chosen)', async (q) =>
      (
        await c.query(`select id from a where search @@ to_tsquery('simple', $1) order by ts_rank(search, to_tsquery('simple', $1), 0) desc limit 5`, [
          queryTerms(q),
        ])
      ).rows.map((r) => r.id),
    );
    await c.query(`set pg_trgm.word_similarity_threshold = 0.3`);
    await run('pg_trgm word_similarity (<%)', async (q) =>
      (await c.query(`select id from a where $1 <% trg order by word_similarity($1, trg) desc limit 5`, [q])).rows.map((r) => r.id),
    );
    await c.query(`set pg_trgm.similarity_threshold = 0.05`);
    await run('pg_trgm similarity (%)', async (q) =>
      (await c.query(`select id from a where trg % $1 order by similarity(trg, $1) desc limit 5`, [q])).rows.map((r) => r.id),
    );
  } finally {
    await c.end();
    await admin.query(`drop database if exists ${DB} with (force)`);
    await admin.end();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
