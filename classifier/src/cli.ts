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
import { DEFAULT_TRAIN_CONFIG, trainCategoryModel } from './category/train.js';
import { nextVersionPrefix, writeModel } from './model-store.js';
import { loadTrainingData } from './training-data.js';

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
  const { values } = parseArgs({ args, options: { 'with-corrections': { type: 'string' }, 'no-write': { type: 'boolean' } } });
  const data = loadTrainingData();
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
  const started = Date.now();
  const model = trainCategoryModel(
    { rows: data.train, corrections, typeTexts: data.typeTexts, versionPrefix: nextVersionPrefix() },
    DEFAULT_TRAIN_CONFIG,
    progressBar,
  );
  const e = evaluate(
    data.dev.map((r) => r.category),
    data.dev.map((r) => model.predict(r.title, r.content).category),
    model.data.labels,
  );
  const report = [
    `model ${model.version}`,
    `trained on ${data.train.length} rows + ${corrections.length} corrections in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `vocabulary ${model.data.terms.length} terms, temperature ${model.data.temperature.toFixed(3)}`,
    '',
    'dev.jsonl:',
    formatEvaluation(e),
  ].join('\n');
  if (!values['no-write']) {
    const path = writeModel(model);
    writeFileSync(path.replace(/\.json\.gz$/, '.eval.txt'), report + '\n');
    process.stderr.write(`wrote ${path}\n`);
  }
  process.stderr.write(report + '\n');
}

function evalCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, model: { type: 'string' } } });
  if (!values.input) fail('usage: eval --input FILE.jsonl[.gz] [--model FILE]   (rows need title, content, category)');
  const classifier = loadModel(values.model);
  const rows = readJsonl<LabelledAppeal>(values.input!);
  const predicted = rows.map((r) => classifier.classify({ title: r.title, content: r.content }).category);
  console.log(`model ${classifier.modelVersion}`);
  console.log(formatEvaluation(evaluate(rows.map((r) => r.category), predicted, classifier.categories)));
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

