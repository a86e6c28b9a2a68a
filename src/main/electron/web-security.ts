import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebPreferences } from 'electron';

/**
 * Same policy as the page's <meta> CSP (src/renderer/index.html), also sent as a response header so it
 * holds even if the page's markup changes: our own files only, no inline script or style, no remote.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every window gets exactly these. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

function filePathOf(url: string, platform: NodeJS.Platform): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return null;
  try {
    return fileURLToPath(new URL(`${parsed.protocol}//${parsed.host}${parsed.pathname}`), { windows: platform === 'win32' });
  } catch {
    return null;
  }
}

function samePath(a: string, b: string, platform: NodeJS.Platform): boolean {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const x = pathApi.resolve(a);
  const y = pathApi.resolve(b);
  return platform === 'win32' ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/** True for our renderer page itself (any ?view= query or #hash), the only sender IPC accepts. */
export function isRendererPage(url: string, rendererIndex: string, platform: NodeJS.Platform = process.platform): boolean {
  const file = filePathOf(url, platform);
  return file !== null && samePath(file, rendererIndex, platform);
}

/**
 * What the windows may load: files inside the renderer folder (the page, its JS, CSS, fonts), data:
 * images and the developer tools. Everything else (http, https, ws, other local files) is cancelled.
 */
export function isAllowedRendererRequest(url: string, rendererDir: string, platform: NodeJS.Platform = process.platform): boolean {
  if (url.startsWith('data:') || url.startsWith('devtools://')) return true;
  const file = filePathOf(url, platform);
  if (file === null) return false;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const relative = pathApi.relative(pathApi.resolve(rendererDir), pathApi.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !pathApi.isAbsolute(relative);
}
