/**
 * The console's build (docs/console.md): Preact through Vite's own JSX transform (Oxc), no plugin and no Babel;
 * everything bundled into `dist/console/` with hashed names, so the page needs no network beyond its server.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small app: a single script and a single stylesheet, no preload helper to inline.
    modulePreload: false,
    reportCompressedSize: false,
  },
});
