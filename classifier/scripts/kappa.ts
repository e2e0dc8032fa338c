/**
 * Cohen's kappa and the confusion matrix between two appeal-type label files (jsonl rows
 * `{id, type, …}`), compared on the ids both contain.
 *
 *   npx tsx classifier/scripts/kappa.ts FIRST.jsonl SECOND.jsonl [--first-only N]
 *
 * --first-only N restricts the comparison to the first N rows of FIRST (the double-labelled
 * 300 are the first 300 rows of classifier/data/appeal-type-labels.jsonl).
 */
import { parseArgs } from 'node:util';
import { cohenKappa, formatAgreement, type TypeLabel } from '../src/appeal-type-agreement.js';
import { readJsonl } from '../src/data.js';
import { APPEAL_TYPES } from '../src/rules/appeal-type.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'first-only': { type: 'string' } } });
if (positionals.length !== 2) {
  process.stderr.write('usage: kappa.ts FIRST.jsonl SECOND.jsonl [--first-only N]\n');
  process.exit(1);
}
let first = readJsonl<TypeLabel>(positionals[0]);
if (values['first-only']) first = first.slice(0, Number(values['first-only']));
const second = readJsonl<TypeLabel>(positionals[1]);
console.log(formatAgreement(cohenKappa(first, second, APPEAL_TYPES), ['first', 'second']));
