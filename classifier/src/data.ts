/** Reading the appeal data files (jsonl, optionally gzipped). */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface LabelledAppeal {
  id: string;
  title: string | null;
  content: string;
  category: string;
}

/** Reads a .jsonl or .jsonl.gz file into objects; blank lines are skipped. */
export function readJsonl<T>(path: string): T[] {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new Error(`${path}:${i + 1}: not valid JSON`);
      }
    });
}
