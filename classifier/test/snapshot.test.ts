/**
 * Output snapshot of the full pipeline: a fixed set of appeals and the complete classify()
 * result of each (category, calibrated confidences, alternatives, depth path and candidates with
 * their evidence, type, urgency, emergency line and evidence, reasons, PII spans), compared to a
 * committed file. A speed-up must leave every field of every result unchanged; this test is the
 * proof. A second check covers the 4,904 appeals of the benchmark by a hash of their results.
 *
 * The snapshot belongs to the shipped models (it records their versions). After retraining or a
 * deliberate change of output, regenerate it and review the diff:
 *   UPDATE_CLASSIFY_SNAPSHOT=1 npx vitest run classifier/test/snapshot.test.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppealInput, ClassificationResult } from '../src/classifier.js';
import { readJsonl } from '../src/data.js';
import { loadModel, type Classifier } from '../src/index.js';
import { DATA_DIR } from '../src/training-data.js';
import { latestAppealTypePath, readAppealTypeModel } from '../src/appeal-type-classifier.js';
import { scores as svmScores } from '../src/category/linear-svm.js';
import { prepare } from '../src/category/tokenize.js';
import { latestModelPath, readModel } from '../src/model-store.js';

const SNAPSHOT = new URL('./snapshots/classify-outputs.jsonl', import.meta.url);
const UPDATE = process.env.UPDATE_CLASSIFY_SNAPSHOT === '1';

interface Row {
  id: string;
  title: string | null;
  content: string;
}

/** Odd inputs an intake line really receives, beside the data sets' appeals. */
const EDGE_CASES: (AppealInput & { id: string })[] = [
  { id: 'edge-empty', title: '', content: '' },
  { id: 'edge-null-title', title: null, content: '小区停车位不足，请相关部门解决。' },
  { id: 'edge-missing-content', title: '公交站台破损' },
  { id: 'edge-punctuation-only', title: '？？？', content: '！！！……。，、；：' },
  { id: 'edge-emoji', title: '😡😡', content: '楼下烧烤店油烟太大😷，晚上十二点还在营业🔥' },
  { id: 'edge-traditional', title: '社區停車難', content: '我們社區的停車位嚴重不足，請有關部門儘快處理，謝謝！' },
  { id: 'edge-full-width', title: 'ＡＢＣ小区物业', content: '物业电话１３８１２３４５６７８一直打不通，收费ＡＢＣ元' },
  { id: 'edge-pii', title: '身份证问题', content: '我叫张三，身份证号110101199003071234，电话 138-1234-5678，座机0731-84567890，家住联丰路米兰春天G2栋320室' },
  { id: 'edge-emergency-fire', title: null, content: '救命！我们小区3栋着火了，浓烟很大，有人被困' },
  { id: 'edge-emergency-past', title: '火灾后续', content: '上周着火的楼现在还没修好，请尽快处理' },
  { id: 'edge-negated', title: null, content: '没有着火，只是楼道里堆满杂物，担心万一起火' },
  { id: 'edge-question', title: '请问公积金怎么提取？', content: '请问离职后公积金怎么提取？需要哪些材料？' },
  { id: 'edge-praise', title: '感谢民警', content: '感谢派出所民警帮助我找回丢失的钱包，特送锦旗表示感谢' },
  { id: 'edge-latin', title: 'WiFi', content: 'The library WiFi is down since Monday, please fix it' },
  { id: 'edge-digits', title: '123', content: '2019年5月6日 A3区 U0008488 反映 12 次 未解决' },
  { id: 'edge-long', title: '长文本', content: '小区物业不作为，垃圾无人清运，道路坑坑洼洼。'.repeat(1200) },
  { id: 'edge-surrogates', title: '𠀀𠀁', content: '𪚥𪚥 路灯坏了 𠀀 请维修' },
];

/** Every second dev appeal, every 20th unlabelled one, every emergency phrasing and the edge
 * cases: ~650 appeals that cover all seven categories, all types and all four emergency lines. */
function snapshotInputs(): (AppealInput & { id: string })[] {
  const dev = readJsonl<Row>(`${DATA_DIR}/dev.jsonl.gz`).filter((_, i) => i % 2 === 0);
  const unlabelled = readJsonl<Row>(`${DATA_DIR}/unlabelled.jsonl.gz`).filter((_, i) => i % 20 === 0);
  const emergency = readJsonl<{ text: string }>(`${DATA_DIR}/emergency-phrasings.jsonl`).map((r, i) => ({
    id: `emergency-${i}`,
    title: null,
    content: r.text,
  }));
  // A pasted document: over 8,192 distinct n-grams (the vectoriser's other sort path).
  const all = readJsonl<Row>(`${DATA_DIR}/dev.jsonl.gz`);
  const pasted = {
    id: 'edge-pasted-document',
    title: all
      .slice(0, 300)
      .map((r) => r.title)
      .join('，'),
    content: all.map((r) => r.content).join('。'),
  };
  return [...dev, ...unlabelled, ...emergency, ...EDGE_CASES, pasted].map((r) => ({ id: r.id, title: r.title, content: r.content }));
}

/** The benchmark's appeals (npm run bench:classifier): every dev and unlabelled appeal. */
function benchInputs(): Row[] {
  return [...readJsonl<Row>(`${DATA_DIR}/dev.jsonl.gz`), ...readJsonl<Row>(`${DATA_DIR}/unlabelled.jsonl.gz`)];
}

interface Snapshot {
  modelVersion: string;
  typeModelVersion: string | null;
  benchCount: number;
  /** sha256 of the JSON of every bench appeal's result, one per line. */
  benchHash: string;
  outputs: { id: string; result: ClassificationResult }[];
}

function hashResults(classifier: Classifier, rows: Row[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(JSON.stringify(classifier.classify(r)) + '\n');
  return h.digest('hex');
}

let classifier: Classifier;
beforeAll(() => {
  classifier = loadModel();
});

describe('classify output snapshot (speed work must not change a result)', () => {
  it('gives exactly the committed result for every snapshot appeal, and the same results for all bench appeals', () => {
    const inputs = snapshotInputs();
    const outputs = inputs.map((r) => ({ id: r.id, result: classifier.classify(r) }));
    const bench = benchInputs();
    const current: Snapshot = {
      modelVersion: classifier.modelVersion,
      typeModelVersion: classifier.typeModelVersion,
      benchCount: bench.length,
      benchHash: hashResults(classifier, bench),
      outputs,
    };
    if (UPDATE || !existsSync(SNAPSHOT)) {
      // JSON lines: a header, then one line per appeal, so a changed result is a one-line diff.
      const { outputs: rows, ...header } = current;
      writeFileSync(SNAPSHOT, [header, ...rows].map((o) => JSON.stringify(o) + '\n').join(''));
      console.warn(`classify snapshot written: ${outputs.length} appeals, bench hash ${current.benchHash.slice(0, 12)}`);
    }
    const [header, ...rows] = readFileSync(SNAPSHOT, 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l) as unknown);
    const saved = { ...(header as Omit<Snapshot, 'outputs'>), outputs: rows as Snapshot['outputs'] };
    expect(current.modelVersion, 'the shipped model changed: regenerate the snapshot (see the header of this file)').toBe(saved.modelVersion);
    expect(current.typeModelVersion).toBe(saved.typeModelVersion);
    expect(saved.outputs.length).toBeGreaterThan(600);
    expect(outputs.map((o) => o.id)).toEqual(saved.outputs.map((o) => o.id));
    // Per appeal, so a failure names the appeal and the field that moved.
    for (let i = 0; i < outputs.length; i++) expect(outputs[i].result, `appeal ${outputs[i].id}`).toEqual(saved.outputs[i].result);
    expect(current.benchCount).toBe(saved.benchCount);
    expect(current.benchHash, 'a result of one of the bench appeals changed').toBe(saved.benchHash);
  });

  it('is deterministic within one process: classifying the same appeals twice gives identical results', () => {
    // Scratch buffers reused across calls must not leak one appeal's state into the next.
    const inputs = snapshotInputs().slice(0, 120);
    const first = inputs.map((r) => JSON.stringify(classifier.classify(r)));
    const reversed = [...inputs].reverse().map((r) => JSON.stringify(classifier.classify(r)));
    expect(reversed.reverse()).toEqual(first);
  });
});

describe('decision scores of the fast scoring path', () => {
  it('are bit-identical to the plain one-vs-rest sums, for the category and the appeal-type classes', () => {
    const model = readModel(latestModelPath());
    const typePath = latestAppealTypePath();
    const typeModel = typePath ? readAppealTypeModel(typePath).installInto(model) : null;
    const classes = model.data.linear.classes;
    let compared = 0;
    for (const r of snapshotInputs()) {
      const x = model.vectorizer.transformPrepared(prepare(r.title, r.content));
      const all = model.scoreAll(x);
      const category = svmScores(model.data.linear, x);
      for (let c = 0; c < classes; c++) expect(Object.is(all[c], category[c]), `${r.id} class ${c}`).toBe(true);
      if (typeModel) {
        // No dense features: the type model's own sum of bias + term weights, in the same order.
        const type = typeModel.scores({ x, dense: new Float32Array(0) });
        for (let c = 0; c < type.length; c++) expect(Object.is(all[classes + c], type[c]), `${r.id} type ${c}`).toBe(true);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(600);
  });
});
