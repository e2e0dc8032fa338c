/**
 * Try the hotspot clustering on a message file (default: data/hotspot-sample.jsonl.gz, the
 * unlabelled 附件3 messages): npx tsx server/reports/hotspots-cli.ts [--from YYYY-MM-DD --to YYYY-MM-DD] [--threshold 0.3]
 * The place is the anonymised district named in the text (A3区…), the period its month by default.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { clusterMessages, type Message } from './hotspot-cluster';

const { values: a } = parseArgs({
  options: {
    file: { type: 'string', default: 'data/hotspot-sample.jsonl.gz' },
    from: { type: 'string' },
    to: { type: 'string' },
    threshold: { type: 'string', default: '0.3' },
    min: { type: 'string', default: '3' },
  },
});
const raw = fs.readFileSync(a.file!);
const text = (a.file!.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
const rows = text
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { id: string; title: string; content: string; time: string });
const days = rows.map((r) => r.time.slice(0, 10)).sort();
const to = a.to ?? days[days.length - 1];
const from = a.from ?? new Date(Date.parse(to) - 89 * 86400_000).toISOString().slice(0, 10);
const span = Date.parse(to) - Date.parse(from) + 86400_000;
const prevFrom = new Date(Date.parse(from) - span).toISOString().slice(0, 10);
const msgs: Message[] = rows
  .filter((r) => r.time.slice(0, 10) >= prevFrom && r.time.slice(0, 10) <= to)
  .map((r) => ({
    id: r.id,
    title: r.title,
    text: r.content,
    current: r.time.slice(0, 10) >= from,
    place: (`${r.title}${r.content}`.match(/[A-N]\d{0,2}[区县]/) ?? `${r.title}${r.content}`.match(/[A-N]市/) ?? ['-'])[0],
  }));
const t0 = performance.now();
const clusters = clusterMessages(msgs, { threshold: Number(a.threshold), minSize: Number(a.min) });
const ms = performance.now() - t0;
console.log(`${msgs.length} messages (${prevFrom}..${to}, current from ${from}), ${clusters.length} hot clusters in ${ms.toFixed(0)} ms\n`);
for (const c of clusters.slice(0, 15)) {
  console.log(`${c.place}  now ${c.count}  before ${c.previousCount}  growth ${c.growth}  [${c.terms.join(' ')}]`);
  for (const r of c.representatives) console.log(`    ${r.id}  ${r.title}`);
}
