import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The renderer: one page (src/renderer/index.html), loaded by Electron from file:// so every URL is
 * relative (base './'). The page's CSP forbids inline scripts and styles: Vite must emit external
 * JS and CSS only (no inlined CSS, no modulepreload polyfill snippet).
 */
export default defineConfig({
  root: path.join(root, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  clearScreen: false,
});
