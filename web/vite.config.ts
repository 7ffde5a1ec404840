import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is a static SPA served by the Bulwark server at `/` (API under `/api/v1`, same origin).
 * The server sends a strict CSP (`script-src 'self'; style-src 'self'`), so the build must not inline
 * scripts or styles: one JS entry, one CSS file, no inlined assets that would need `data:` scripts.
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    cssCodeSplit: false,
    // Keep every asset a file: `data:` URLs are only allowed for images by the CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `vite --config web/vite.config.ts` during development: proxy the API to a local `bulwark serve`.
    proxy: { '/api': 'http://127.0.0.1:8787' },
  },
});
