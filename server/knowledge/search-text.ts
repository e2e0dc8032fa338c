/**
 * Chinese full-text search without a segmenter or extension: index the character bigrams of
 * the text (plus whole Latin/digit words) as a 'simple' tsvector; query with the bigrams of
 * the agent's text OR-ed and rank with ts_rank. Measured against pg_trgm with
 * server/knowledge/measure-search.ts (2,738 official replies as articles, 300 messages as queries,
 * 2 shared cores under load): bigram tsvector recall@1 0.54 / @5 0.72 at 139 ms/query; pg_trgm
 * similarity 0.22 / 0.24 and word_similarity 0.04 / 0.05 at 736 ms/query. Bigrams win, and need no extension.
 */
export function bigramTerms(text: string, max = 2000): string[] {
  const out = new Set<string>();
  const lower = text.toLowerCase();
  for (const run of lower.match(/\p{Script=Han}+/gu) ?? []) {
    if (run.length === 1) out.add(run);
    for (let i = 0; i + 2 <= run.length; i++) out.add(run.slice(i, i + 2));
  }
  for (const w of lower.match(/[a-z0-9]{2,}/g) ?? []) out.add(w);
  return [...out].slice(0, max);
}

/** The document side: space-separated terms for to_tsvector('simple', …). */
export const docTerms = (title: string, body: string) => bigramTerms(`${title} ${title} ${body}`, 20_000).join(' ');

/** The query side: a to_tsquery('simple', …) string, each term quoted so punctuation cannot break it. */
export function queryTerms(text: string, max = 60): string | null {
  const terms = bigramTerms(text, max);
  return terms.length ? terms.map((t) => `'${t.replace(/'/g, '')}'`).join(' | ') : null;
}
