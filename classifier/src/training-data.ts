/** The data the product trains on, from classifier/data/ (committed, gzipped). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonl, type LabelledAppeal } from './data.js';

export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../data');
export const EVAL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../eval');

export interface TrainingData {
  train: LabelledAppeal[];
  dev: LabelledAppeal[];
  /** Unlabelled message texts for the appeal-type weak labels (hand-labelled eval ids removed). */
  typeTexts: { title: string | null; content: string }[];
}

export function loadTrainingData(dir = DATA_DIR): TrainingData {
  const train = readJsonl<LabelledAppeal>(`${dir}/train.jsonl.gz`);
  const dev = readJsonl<LabelledAppeal>(`${dir}/dev.jsonl.gz`);
  const evalIds = new Set(readJsonl<{ id: string }>(`${EVAL_DIR}/appeal-type.jsonl`).map((r) => r.id));
  const typeTexts = [
    ...train,
    ...readJsonl<{ id: string; title: string | null; content: string }>(`${dir}/unlabelled.jsonl.gz`),
    ...readJsonl<{ id: string; title: string | null; content: string }>(`${dir}/replies-messages.jsonl.gz`),
  ].filter((r) => !evalIds.has(r.id));
  return { train, dev, typeTexts };
}

/** The rows the shipped category model is trained on: train, then dev (in that order; the order fixes the weights). */
export function shippedTrainingRows(data: TrainingData): LabelledAppeal[] {
  return [...data.train, ...data.dev];
}
