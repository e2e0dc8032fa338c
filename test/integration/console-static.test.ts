import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { useTestEnv } from '../helpers/env';

// A console build as Vite writes it with the compression plugin: hashed assets with .br/.gz beside them.
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-console-'));
const js = 'export const big = ' + JSON.stringify('坐席工作台'.repeat(4000)) + ';\n';
fs.mkdirSync(path.join(dist, 'assets'));
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><script type="module" src="/assets/index-Bq3xK9aZ.js"></script>');
fs.writeFileSync(path.join(dist, 'assets', 'index-Bq3xK9aZ.js'), js);
fs.writeFileSync(path.join(dist, 'assets', 'index-Bq3xK9aZ.js.gz'), zlib.gzipSync(js));
fs.writeFileSync(path.join(dist, 'assets', 'index-Bq3xK9aZ.js.br'), zlib.brotliCompressSync(js));

const env = useTestEnv({ app: { consoleDist: dist } });

describe('serving the console', () => {
  it('sends hashed assets brotli-compressed, cached for a year, to a browser that accepts brotli', async () => {
    const r = await fetch(env.baseUrl + '/assets/index-Bq3xK9aZ.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-encoding')).toBe('br');
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(await r.text()).toBe(js); // fetch decodes: the bytes are the asset's
  });

  it('falls back to gzip, then to the plain file', async () => {
    const gz = await fetch(env.baseUrl + '/assets/index-Bq3xK9aZ.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(js);
    const plain = await fetch(env.baseUrl + '/assets/index-Bq3xK9aZ.js', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(js);
  });

  it('makes the browser revalidate index.html, so a release reaches agents on their next load', async () => {
    for (const url of ['/', '/agent', '/track/reviews']) {
      const r = await fetch(env.baseUrl + url);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toContain('/assets/index-Bq3xK9aZ.js');
    }
  });

  it('lets the portal preview a photo the citizen has picked (blob: images in the CSP)', async () => {
    const r = await fetch(env.baseUrl + '/track');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src [^;]*blob:/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });
});
