import path from 'node:path';

/** `\\his-fs\update\nurse` → { host: 'his-fs', share: 'update', dir: 'nurse' }; null for local paths. */
export interface UncParts {
  host: string;
  share: string;
  /** Folder inside the share, '/'-separated, '' for the share root. */
  dir: string;
}

export function parseUnc(value: string): UncParts | null {
  const match = /^(?:\\\\|\/\/)([^\\/]+)[\\/]([^\\/]+)(?:[\\/](.*))?$/.exec(value.trim());
  if (!match) return null;
  const dir = (match[3] ?? '').replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\/+/, '');
  return { host: match[1]!, share: match[2]!, dir };
}

/** The host a message should name: the server of a UNC path, otherwise the path itself. */
export function shareHost(sharePath: string): string {
  return parseUnc(sharePath)?.host ?? sharePath;
}

/**
 * Joins a validated release-relative path onto the share root with the right separator:
 * UNC roots use Windows rules even when the agent itself runs elsewhere (tests, CLI on Linux).
 */
export function joinShare(root: string, relPath: string): string {
  if (relPath === '' || relPath === '.') return root;
  if (parseUnc(root) && !root.startsWith('//')) return path.win32.join(root, ...relPath.split('/'));
  return path.join(root, ...relPath.split('/'));
}
