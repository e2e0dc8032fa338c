/**
 * Command line: classify | train | eval. See classifier/README.md for the exact shapes.
 * Only `classify` writes to stdout-free files; progress and diagnostics go to stderr so that
 * `npm run --silent classify` prints nothing on stdout.
 */
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadModel } from './classifier.js';
import { readJsonl, type LabelledAppeal } from './data.js';
import { evaluate, formatEvaluation } from './category/metrics.js';
import { crossValidate, DEFAULT_TRAIN_CONFIG, trainCategoryModel } from './category/train.js';
import { nextVersionPrefix, writeModel } from './model-store.js';
import { loadTrainingData, shippedTrainingRows } from './training-data.js';

const [command, ...rest] = process.argv.slice(2);

async function classifyCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, output: { type: 'string' }, model: { type: 'string' } } });
  if (!values.input || !values.output) fail('usage: classify --input IN.jsonl --output OUT.jsonl [--model FILE]');
  const classifier = loadModel(values.model);
  const out = createWriteStream(values.output!);
  let line = 0;
  let failed = 0;
  for await (const text of createInterface({ input: createReadStream(values.input!), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    let id: unknown = null;
    try {
      const row = JSON.parse(text) as { id?: unknown; title?: string | null; content?: string | null };
      id = row.id ?? null;
      const r = classifier.classify({ title: row.title ?? null, content: row.content ?? '' });
      out.write(
        JSON.stringify({
          id,
          category: r.category,
          confidence: r.confidence,
          alternatives: r.alternatives,
          type: r.type,
          urgency: r.urgency,
          emergency: r.emergency,
          reasons: r.reasons,
          // Additive fields (issue 17): consumers of the original shape ignore them.
          categoryPath: r.categoryPath,
          categoryCandidates: r.categoryCandidates,
        }) + '\n',
      );
    } catch (e) {
      // Keep one output line per input line so the caller can zip the files.
      failed++;
      process.stderr.write(`line ${line}: ${(e as Error).message}\n`);
      out.write(JSON.stringify({ id, error: (e as Error).message }) + '\n');
    }
  }
  await new Promise<void>((res) => out.end(res));
  if (failed) process.exitCode = 2;
}

function progressBar(done: number, total: number, stage: string) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} ${stage}`.padEnd(80));
  if (done === total) process.stderr.write('\n');
}

function trainCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      'with-corrections': { type: 'string' },
      'no-write': { type: 'boolean' },
      'train-only': { type: 'boolean' },
      'cv-only': { type: 'boolean' },
      'with-dev': { type: 'boolean' },
      c: { type: 'string' },
      folds: { type: 'string' },
    },
  });
  const data = loadTrainingData();
  if (values['cv-only']) return cvCommand(values['with-dev'] ? [...data.train, ...data.dev] : data.train, values.c, values.folds, !!values['with-dev']);
  let corrections: LabelledAppeal[] = [];
  if (values['with-corrections']) {
    corrections = readJsonl<{ title?: string | null; content?: string; category: string }>(values['with-corrections']).map((c, i) => ({
      id: `correction-${i + 1}`,
      title: c.title ?? null,
      content: c.content ?? '',
      category: c.category,
    }));
    process.stderr.write(`folding in ${corrections.length} agent corrections\n`);
  }
  // The shipped model learns from train and dev (hyper-parameters were chosen by cross-validation
  // on train); --train-only keeps dev out so that the dev report below is a held-out figure.
  const trainOnly = !!values['train-only'];
  const rows = trainOnly ? data.train : shippedTrainingRows(data);
  const started = Date.now();
  const model = trainCategoryModel({ rows, corrections, typeTexts: data.typeTexts, versionPrefix: nextVersionPrefix() }, DEFAULT_TRAIN_CONFIG, progressBar);
  const e = evaluate(
    data.dev.map((r) => r.category),
    data.dev.map((r) => model.predict(r.title, r.content).category),
    model.data.labels,
  );
  const report = [
    `model ${model.version}`,
    `trained on ${rows.length} rows (${trainOnly ? 'train.jsonl' : 'train.jsonl + dev.jsonl'}) + ${corrections.length} corrections in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `vocabulary ${model.data.terms.length} terms, temperature ${model.data.temperature.toFixed(3)}, C = ${DEFAULT_TRAIN_CONFIG.svm.c}`,
    '',
    trainOnly
      ? 'dev.jsonl (held out):'
      : 'dev.jsonl — NOT held out (it is in the training data; this only checks the fit). Held-out estimates: README, "Category".',
    formatEvaluation(e),
  ].join('\n');
  if (!values['no-write']) {
    const path = writeModel(model);
    writeFileSync(path.replace(/\.json\.gz$/, '.eval.txt'), report + '\n');
    process.stderr.write(`wrote ${path}\n`);
  }
  process.stderr.write(report + '\n');
}

/** `train --cv-only`: k-fold macro-F1 for each C, folds keeping a message's rows together. Writes no model. */
function cvCommand(rows: LabelledAppeal[], cList: string | undefined, foldsArg: string | undefined, withDev: boolean) {
  const cs = (cList ?? String(DEFAULT_TRAIN_CONFIG.svm.c)).split(',').map(Number);
  const folds = Number(foldsArg ?? 5);
  if (cs.some((c) => !(c > 0)) || !Number.isInteger(folds) || folds < 2) fail('usage: train --cv-only [--c 0.5,1,2] [--folds 5] [--with-dev]');
  const started = Date.now();
  const results = crossValidate(rows, cs, DEFAULT_TRAIN_CONFIG, folds, progressBar);
  console.log(
    `${folds}-fold cross-validation on ${rows.length} rows (${withDev ? 'train + dev' : 'train'}), folds by message, scored on title+body rows; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const r of results) {
    console.log(
      `C = ${r.c}: mean fold macro-F1 ${r.meanMacroF1.toFixed(4)} (folds ${r.foldMacroF1.map((f) => f.toFixed(4)).join(' ')}); ` +
        `pooled ${r.testedRows} title+body rows macro-F1 ${r.pooledMacroF1.toFixed(4)}, accuracy ${r.pooledAccuracy.toFixed(4)}; all rows macro-F1 ${r.pooledAllMacroF1.toFixed(4)}`,
    );
  }
}

function evalCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, model: { type: 'string' } } });
  if (!values.input) fail('usage: eval --input FILE.jsonl[.gz] [--model FILE]   (rows need title, content, category)');
  const classifier = loadModel(values.model);
  const rows = readJsonl<LabelledAppeal>(values.input!);
  const predicted = rows.map((r) => classifier.classify({ title: r.title, content: r.content }).category);
  console.log(`model ${classifier.modelVersion}`);
  console.log(
    formatEvaluation(
      evaluate(
        rows.map((r) => r.category),
        predicted,
        classifier.categories,
      ),
    ),
  );
}

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

switch (command) {
  case 'classify':
    await classifyCommand(rest);
    break;
  case 'train':
    trainCommand(rest);
    break;
  case 'eval':
    evalCommand(rest);
    break;
  default:
    fail('usage: cli.ts classify|train|eval …');
}
