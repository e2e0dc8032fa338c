import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

const root = fileURLToPath(new URL('.', import.meta.url));
const server = process.env.REXIAN_API ?? 'http://127.0.0.1:3000';

// Run from the repo root too (npm run console:build), so root and outDir are pinned here.
export default defineConfig({
  root,
  base: '/',
  // Pre-compressed copies (.gz, .br) beside every asset, so the server sends them without
  // compressing ~1 MB of JavaScript per request (server/platform/http/console-static.ts).
  plugins: [react(), compression({ algorithms: ['gzip', 'brotliCompress'], threshold: 1024 })],
  // The manifest lets bench:console count each route's first-screen JS.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, manifest: true },
  server: {
    port: 5173,
    proxy: {
      '/api': server,
      '/healthz': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  preview: { port: 4173 },
});
