// How many real messages the emergency rules flag, per line, with examples to read.
// Usage: npx tsx classifier/scripts/count-emergencies.ts [--show]
import { readJsonl } from '../src/data.js';
import { detectEmergency } from '../src/rules/emergency.js';
import { joinTitleContent, normalizeText } from '../src/text/normalize.js';
import { DATA_DIR } from '../src/training-data.js';

type Row = { id: string; title: string | null; content: string };
const rows = [...readJsonl<Row>(`${DATA_DIR}/dev.jsonl.gz`), ...readJsonl<Row>(`${DATA_DIR}/unlabelled.jsonl.gz`)];
const counts: Record<string, number> = {};
for (const r of rows) {
  const e = detectEmergency(normalizeText(joinTitleContent(r.title, r.content)));
  if (!e.line) continue;
  counts[e.line] = (counts[e.line] ?? 0) + 1;
  if (process.argv.includes('--show')) console.log(e.line, e.evidence[0].term, '|', e.evidence[0].clause.slice(0, 80));
}
console.log(`${rows.length} messages; flagged: ${JSON.stringify(counts)}`);
