/**
 * Summarises a `node --cpu-prof` profile (as written by `BENCH_PROFILE=dir npm run bench:intake`):
 * share of the busy samples per self frame, per package/area, and the inclusive share of a few
 * Rexian entry points. Idle and start-up module loading are excluded from "busy".
 *   npx tsx test/load/profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = process.argv[2];
const topI = process.argv.indexOf('--top');
const TOP = topI > 0 ? Number(process.argv[topI + 1]) : 25;
const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const area = (url: string, fn: string) => {
  if (!url) return `(${fn || 'native'})`;
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.replace(/\/.*$/, '');
  const s = url.match(/\/(server|integrations|classifier|contract)\/(.*?)(\/[^/]*)?$/);
  return s ? `${s[1]}/${s[2]}` : url.replace(/^.*\//, '');
};
const stack = (id: number) => {
  const out: Node[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur)!);
  return out;
};

const self = new Map<string, number>();
const areas = new Map<string, number>();
const incl = new Map<string, number>();
const writes = new Map<string, number>();
const pgWriters = new Map<string, number>();
let busy = 0;
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i] ?? 0;
  total += dt;
  const n = byId.get(p.samples[i])!;
  const fn = n.callFrame.functionName;
  if (fn === '(idle)' || (fn === '(program)' && false)) continue;
  const st = stack(n.id);
  // Start-up: anything under the module loader.
  if (
    st.some((f) => /loadESM|compileSourceTextModule|Module\._load|moduleLoader|ModuleJob/.test(f.callFrame.functionName) || f.callFrame.url.includes('esbuild'))
  )
    continue;
  busy += dt;
  const key = `${fn || '(anonymous)'} ${area(n.callFrame.url, fn)}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  const a = area(n.callFrame.url, fn);
  areas.set(a, (areas.get(a) ?? 0) + dt);
  if (fn === 'writev' || fn === 'writeBuffer') {
    const owner =
      st.map((f) => area(f.callFrame.url, f.callFrame.functionName)).find((x) => /^(pg|ioredis|bullmq|socket\.io|engine\.io|ws|express|node:_http)/.test(x)) ??
      'other';
    writes.set(owner, (writes.get(owner) ?? 0) + dt);
    if (owner === 'pg') {
      const f = st.find((x) => /\/(server|integrations)\//.test(x.callFrame.url));
      const who = f ? `${f.callFrame.functionName || '(anonymous)'} ${area(f.callFrame.url, '')}` : '(no Rexian frame on the stack)';
      pgWriters.set(who, (pgWriters.get(who) ?? 0) + dt);
    }
  }
  const seen = new Set<string>();
  for (const f of st) {
    const k = f.callFrame.functionName;
    if (k && !seen.has(k)) {
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
}
const pc = (x: number) => `${((100 * x) / busy).toFixed(1).padStart(5)} %`;
console.log(`${file}\n  profile ${(total / 1e6).toFixed(1)} s, busy (not idle, not start-up) ${(busy / 1e6).toFixed(1)} s`);
console.log('\nself time by frame');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pc(v)}  ${k}`);
console.log('\nself time by package / area');
for (const [k, v] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pc(v)}  ${k}`);
console.log('\nsocket writes (writev + writeBuffer) by the package that wrote');
for (const [k, v] of [...writes].sort((a, b) => b[1] - a[1])) console.log(`  ${pc(v)}  ${k}`);
console.log('\nPostgreSQL socket writes by the nearest Rexian frame');
for (const [k, v] of [...pgWriters].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pc(v)}  ${k}`);
const ENTRY = [
  'registerTicket',
  'resolveCitizen',
  'recordEvent',
  'recordSameMatterSignature',
  'safeClassify',
  'presentRegistered',
  'currentCategory',
  'relayOnce',
  'addBulk',
  'processJob',
  'sendReceipt',
  'publish',
  'garbage collector',
  'writev',
  'writeBuffer',
  'deadlinesForDispatch',
];
console.log('\ninclusive time of entry points');
for (const k of ENTRY) if (incl.has(k)) console.log(`  ${pc(incl.get(k)!)}  ${k}`);
