import express, { type Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * Serves the built console. Vite names every asset after its content hash (`/assets/app-3f9a1c.js`),
 * so those can be cached for a year and marked immutable; `index.html` names the current hashes
 * and must be revalidated on every load, or a browser keeps running last release's code.
 * Assets are sent pre-compressed (brotli first, then gzip) from the `.br`/`.gz` files the build
 * writes beside them; clients that accept neither get the plain file.
 */
export function consoleStatic(dist: string): Router {
  const root = path.resolve(dist);
  const router = express.Router();
  router.use(
    expressStaticGzip(root, {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      index: false,
      serveStatic: { index: false, cacheControl: false, setHeaders: setCacheHeaders },
    }),
  );
  router.get(/^\/(?!api|socket\.io|healthz|channels|open311|exchange).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(root, 'index.html'));
  });
  return router;
}

const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

function setCacheHeaders(res: ServerResponse, filePath: string) {
  // express-static-gzip hands us the compressed file's path; judge by the original name.
  const original = filePath.replace(/\.(br|gz)$/, '');
  res.setHeader('Cache-Control', HASHED_ASSET.test(original.split(path.sep).join('/')) ? 'public, max-age=31536000, immutable' : 'no-cache');
}
