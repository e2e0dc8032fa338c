import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The JS a browser must fetch before the first screen (login, or /track) can paint: the entry module
 * plus every chunk index.html modulepreloads. Lazy route chunks are not counted: they load after.
 */
export function firstScreenJs(distDir: string) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) files.add(m[1]);
  const rows = [...files].map((f) => {
    const buf = readFileSync(join(distDir, f.replace(/^\//, '')));
    return { file: f, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  });
  return { rows, gzip: rows.reduce((s, r) => s + r.gzip, 0), raw: rows.reduce((s, r) => s + r.raw, 0) };
}
