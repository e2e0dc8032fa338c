// Reliability of `confidence` on dev: mean confidence vs accuracy per bin, and expected
// calibration error. Usage: npx tsx classifier/scripts/calibration.ts
import { loadModel } from '../src/classifier.js';
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { DATA_DIR } from '../src/training-data.js';

const classifier = loadModel();
const dev = readJsonl<LabelledAppeal>(`${DATA_DIR}/dev.jsonl.gz`);
const bins = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001];
const rows = dev.map((r) => {
  const p = classifier.classify(r);
  return { conf: p.confidence, right: p.category === r.category };
});
let ece = 0;
for (let b = 0; b < bins.length - 1; b++) {
  const inBin = rows.filter((r) => r.conf >= bins[b] && r.conf < bins[b + 1]);
  if (!inBin.length) continue;
  const conf = inBin.reduce((a, r) => a + r.conf, 0) / inBin.length;
  const acc = inBin.filter((r) => r.right).length / inBin.length;
  ece += (inBin.length / rows.length) * Math.abs(conf - acc);
  console.log(
    `confidence [${bins[b].toFixed(2)}, ${Math.min(1, bins[b + 1]).toFixed(2)}): ${String(inBin.length).padStart(3)} appeals, mean confidence ${conf.toFixed(3)}, accuracy ${acc.toFixed(3)}`,
  );
}
console.log(`expected calibration error ${ece.toFixed(3)}`);
