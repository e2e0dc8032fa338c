/**
 * Where model files live and which one is current.
 *
 * `classifier/models/` holds versioned files `category-<version>.json.gz` and a one-line
 * `LATEST` naming the current one. Training writes a new file and then rewrites LATEST, so a
 * server reloading in between still reads a complete, older model.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CategoryModel } from './category/model.js';

/** Absolute path of the shipped models folder. */
export const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../models');

/** Path of the current model file (the one LATEST names). */
export function latestModelPath(dir = MODELS_DIR): string {
  const pointer = join(dir, 'LATEST');
  if (!existsSync(pointer)) throw new Error(`no model in ${dir}: LATEST is missing (run npm run classifier:train)`);
  return join(dir, readFileSync(pointer, 'utf8').trim());
}

export function readModel(path: string): CategoryModel {
  if (!existsSync(path)) throw new Error(`model file not found: ${path}`);
  return CategoryModel.deserialize(readFileSync(path));
}

/** Next version number: one more than the highest `category-vN-…` in the folder. */
export function nextVersionPrefix(dir = MODELS_DIR): string {
  const numbers = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^category-v(\d+)-/.exec(f)?.[1])
        .filter((n): n is string => !!n)
        .map(Number)
    : [];
  return `v${numbers.length ? Math.max(...numbers) + 1 : 1}`;
}

/** Writes the model file and points LATEST at it (atomic rename). Returns the file path. */
export function writeModel(model: CategoryModel, dir = MODELS_DIR): string {
  const file = `category-${model.version}.json.gz`;
  const path = join(dir, file);
  writeFileSync(path, model.serialize());
  const tmp = join(dir, 'LATEST.tmp');
  writeFileSync(tmp, file + '\n');
  renameSync(tmp, join(dir, 'LATEST'));
  return path;
}
