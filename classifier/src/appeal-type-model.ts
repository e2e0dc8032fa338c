/**
 * Appeal type model trained on weak labels: the rule layer labels every message it is sure of
 * (margin ≥ minMargin), a linear SVM over the category model's own TF-IDF features learns from
 * those, and at prediction time the rules decide when they are sure (margin ≥ trustRuleMargin)
 * and the model decides otherwise. The model generalises beyond the cue list ("水表冻坏，维修人员
 * 不处理" has no complaint keyword but reads like the complaints it was trained on).
 */
import type { LinearWeights } from './category/linear-svm.js';
import { DEFAULT_SVM, scores, trainOneVsRest } from './category/linear-svm.js';
import { softmax } from './category/model.js';
import type { SparseVector } from './category/sparse.js';
import { tokenize } from './category/tokenize.js';
import type { Vectorizer } from './category/vectorizer.js';
import { APPEAL_TYPES, ruleAppealType, type AppealType } from './rules/appeal-type.js';
import { normalizeText } from './text/normalize.js';

export interface TypeWeights {
  labels: string[];
  linear: LinearWeights;
  trustRuleMargin: number;
}

/** Chosen on the first half of eval/appeal-type.jsonl (see classifier/README.md). */
export const TYPE_TRAINING = { minMargin: 2, trustRuleMargin: 3, c: 0.3, seed: 11 };

export function trainTypeWeights(vectorizer: Vectorizer, texts: { title: string | null; content: string }[], opts = TYPE_TRAINING): TypeWeights {
  const rows: SparseVector[] = [];
  const labels: number[] = [];
  for (const t of texts) {
    const r = ruleAppealType(normalizeText(t.title ?? ''), normalizeText(t.content ?? ''));
    if (r.margin < opts.minMargin) continue;
    rows.push(vectorizer.transformTokens(tokenize(t.title, t.content, vectorizer.state.tokenizer)));
    labels.push(APPEAL_TYPES.indexOf(r.type));
  }
  const linear = trainOneVsRest(rows, Int32Array.from(labels), APPEAL_TYPES.length, vectorizer.dimension, {
    ...DEFAULT_SVM,
    c: opts.c,
    seed: opts.seed,
  });
  return { labels: [...APPEAL_TYPES], linear, trustRuleMargin: opts.trustRuleMargin };
}

export interface TypePrediction {
  type: AppealType;
  confidence: number;
  source: 'rules' | 'model';
  cues: string[];
}

/** `title`/`content` normalised (normalizeText); `x` the appeal's TF-IDF vector; `typeScores`
 * the model's decision scores when the caller has computed them already. */
export function predictType(weights: TypeWeights, title: string, content: string, x: SparseVector, typeScores?: Float64Array): TypePrediction {
  const rule = ruleAppealType(title, content);
  if (rule.margin >= weights.trustRuleMargin) {
    // Rules give no probability; a margin-based figure keeps the scale comparable to the model's.
    return { type: rule.type, confidence: Math.min(0.95, 0.6 + 0.1 * rule.margin), source: 'rules', cues: rule.cues };
  }
  if (x.indices.length === 0) return { type: rule.type, confidence: 0.3, source: 'rules', cues: rule.cues };
  const p = softmax(typeScores ?? scores(weights.linear, x), 3);
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return { type: weights.labels[best] as AppealType, confidence: p[best], source: 'model', cues: rule.cues };
}
