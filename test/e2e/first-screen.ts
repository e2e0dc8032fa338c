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

interface ManifestChunk {
  file: string;
  imports?: string[];
}

/**
 * JS gzip for a route's first paint: the entry's static closure plus the lazy route chunk's static
 * closure (what the browser fetches before that screen can render), from Vite's build manifest.
 */
export function routeJs(distDir: string, routeEntry: string) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const k of manifest[key].imports ?? []) visit(k);
  };
  visit('index.html');
  visit(routeEntry);
  const files = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(distDir, f)), { level: 9 }).length, 0);
}
