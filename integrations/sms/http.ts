/**
 * Minimal HTTP POST that lets us send the exact Host header we signed, also when the base URL
 * points at a loopback fake (WHATWG fetch does not let callers set Host).
 */
import http from 'node:http';
import https from 'node:https';

export function postRaw(url: string, headers: Record<string, string>, body: string | Buffer, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}
