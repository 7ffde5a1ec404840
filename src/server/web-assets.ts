import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's own CSP: its scripts and styles, nothing inline, API calls to the same origin only. */
export const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

export interface WebAsset {
  body: Buffer;
  type: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** `dist/web`, found from this file whether it runs from `src/server` (tests) or `dist/server` (the CLI). */
export function defaultWebRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');
}

/**
 * The built console, read into memory once at start (a few hundred KB). Serving from a map of known
 * names, never from a path built out of the URL, leaves nothing to traverse. Null when not built.
 */
export function loadWebAssets(root: string): Map<string, WebAsset> | null {
  if (!existsSync(path.join(root, 'index.html'))) return null;
  const assets = new Map<string, WebAsset>();
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full, `${prefix}${name}/`);
        continue;
      }
      const type = TYPES[path.extname(name).toLowerCase()];
      if (!type) continue;
      // Vite puts content hashes in the names under assets/: they can be cached for good.
      const cacheControl = prefix.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      assets.set(`/${prefix}${name}`, { body: readFileSync(full), type, cacheControl });
    }
  };
  walk(root, '');
  const index = assets.get('/index.html')!;
  assets.set('/', index);
  return assets;
}
