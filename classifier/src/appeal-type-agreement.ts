/**
 * Agreement between two labellings of the same appeals (诉求类型 double labelling): Cohen's kappa
 * and the confusion matrix. Kappa corrects raw agreement for the agreement two labellers would
 * reach by chance given how often each uses each type; it is the ceiling the type model is
 * compared with (a model cannot be judged against labels people themselves disagree on).
 */
export interface TypeLabel {
  id: string;
  type: string;
}

export interface Agreement {
  /** Ids labelled by both. */
  items: number;
  /** Share of common items with the same label. */
  observed: number;
  /** Agreement expected by chance from the two marginal distributions. */
  expected: number;
  /** (observed − expected) / (1 − expected); 1 when both labellers use a single identical label. */
  kappa: number;
  labels: string[];
  /** confusion[labelA][labelB], rows = first file. */
  confusion: number[][];
  onlyInA: number;
  onlyInB: number;
}

/** Compares two labellings by id; ids present in only one of them are counted, not compared.
 * A repeated id within one labelling is an error: which of the two labels counts would be a guess. */
export function cohenKappa(a: TypeLabel[], b: TypeLabel[], labelOrder: readonly string[] = []): Agreement {
  const mapA = byId(a, 'first');
  const mapB = byId(b, 'second');
  const common = [...mapA.keys()].filter((id) => mapB.has(id));
  const seen = new Set<string>(labelOrder);
  for (const id of common) {
    seen.add(mapA.get(id)!);
    seen.add(mapB.get(id)!);
  }
  const labels = [...seen];
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  for (const id of common) confusion[at.get(mapA.get(id)!)!][at.get(mapB.get(id)!)!]++;
  const n = common.length;
  let agree = 0;
  let chance = 0;
  for (let i = 0; i < labels.length; i++) {
    agree += confusion[i][i];
    const rowSum = confusion[i].reduce((s, v) => s + v, 0);
    const colSum = confusion.reduce((s, row) => s + row[i], 0);
    chance += n ? (rowSum / n) * (colSum / n) : 0;
  }
  const observed = n ? agree / n : 0;
  const kappa = chance === 1 ? (observed === 1 ? 1 : 0) : (observed - chance) / (1 - chance);
  return {
    items: n,
    observed,
    expected: chance,
    kappa,
    labels,
    confusion,
    onlyInA: mapA.size - n,
    onlyInB: mapB.size - n,
  };
}

function byId(rows: TypeLabel[], which: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) {
    if (typeof r.id !== 'string' || typeof r.type !== 'string') throw new Error(`${which} labelling: every row needs a string id and type`);
    if (m.has(r.id)) throw new Error(`${which} labelling: id ${r.id} appears twice`);
    m.set(r.id, r.type);
  }
  return m;
}

/** Plain-text report: kappa, raw agreement and the confusion matrix (rows = first labeller). */
export function formatAgreement(r: Agreement, names: [string, string] = ['A', 'B']): string {
  const w = Math.max(4, ...r.labels.map((l) => l.length * 2));
  const cell = (s: string | number) => String(s).padStart(5);
  const pad = (s: string) => s + ' '.repeat(Math.max(0, w - [...s].length * 2));
  return [
    `items labelled by both: ${r.items} (only in ${names[0]}: ${r.onlyInA}, only in ${names[1]}: ${r.onlyInB})`,
    `observed agreement: ${r.observed.toFixed(4)}`,
    `chance agreement:   ${r.expected.toFixed(4)}`,
    `Cohen's kappa:      ${r.kappa.toFixed(4)}`,
    '',
    `confusion (rows = ${names[0]}, columns = ${names[1]}):`,
    `${pad('')} ${r.labels.map((l) => l.padStart(5 - l.length)).join('')}`,
    ...r.confusion.map((row, i) => `${pad(r.labels[i])} ${row.map(cell).join('')}`),
  ].join('\n');
}
