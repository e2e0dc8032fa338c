// Recall and false-alarm rate of the emergency rules on the hand-written phrasing set
// (classifier/data/emergency-phrasings.jsonl: half emergencies across the four lines, half
// near-misses that use the same words). Usage: npx tsx classifier/scripts/eval-emergency.ts [--show]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectEmergency } from '../src/rules/emergency.js';
import { normalizeText } from '../src/text/normalize.js';

export interface EmergencyFigures {
  emergencies: number;
  nearMisses: number;
  /** Flagged with any line / flagged with the right line, over the emergencies. */
  recallAnyLine: number;
  recallRightLine: number;
  /** Near-misses flagged with some line. */
  falseAlarmRate: number;
  misses: string[];
  falseAlarms: string[];
}

export function evaluateEmergencyPhrasings(file = fileURLToPath(new URL('../data/emergency-phrasings.jsonl', import.meta.url))): EmergencyFigures {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { text: string; line: string | null });
  let e = 0,
    anyHit = 0,
    rightHit = 0,
    n = 0,
    fa = 0;
  const misses: string[] = [];
  const falseAlarms: string[] = [];
  for (const r of rows) {
    const got = detectEmergency(normalizeText(r.text)).line;
    if (r.line) {
      e++;
      if (got) anyHit++;
      if (got === r.line) rightHit++;
      else misses.push(`${r.line} → ${got ?? 'none'}: ${r.text}`);
    } else {
      n++;
      if (got) {
        fa++;
        falseAlarms.push(`${got}: ${r.text}`);
      }
    }
  }
  return { emergencies: e, nearMisses: n, recallAnyLine: anyHit / e, recallRightLine: rightHit / e, falseAlarmRate: fa / n, misses, falseAlarms };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = evaluateEmergencyPhrasings();
  console.log(`${f.emergencies} emergencies, ${f.nearMisses} near-misses`);
  console.log(
    `recall (any line) ${f.recallAnyLine.toFixed(3)}, recall (right line) ${f.recallRightLine.toFixed(3)}, false-alarm rate ${f.falseAlarmRate.toFixed(3)}`,
  );
  for (const m of f.misses) console.log('miss', m);
  for (const m of f.falseAlarms) console.log('false alarm', m);
}
