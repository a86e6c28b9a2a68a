/**
 * Validation of relative paths inside a release. A manifest comes from a share that other people can
 * write, so every path must stay inside the install folder on Windows, whatever its spelling.
 */
export const MAX_PATH_LENGTH = 240;
const MAX_SEGMENT_LENGTH = 255;
const WINDOWS_FORBIDDEN = /[<>:"|?*\\\u0000-\u001f]/;
const DEVICE_NAMES = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Names the agent uses for itself inside the install folder / release root. */
export const RESERVED_ROOT_NAMES = new Set(['his-release.json', '.his-update-apply', '.his-update-version']);

/** Returns null when the path is acceptable, otherwise why not (English, for MANIFEST_INVALID). */
export function releasePathProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'is empty';
  if (value.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (value !== value.normalize('NFC')) return 'is not in Unicode NFC form';
  if (value.startsWith('/') || value.startsWith('\\')) return 'is absolute';
  if (/^[A-Za-z]:/.test(value)) return 'names a drive';
  if (value.includes('\\')) return "uses '\\' (paths are '/'-separated)";
  const segments = value.split('/');
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a '${segment}' segment`;
    if (segment.length > MAX_SEGMENT_LENGTH) return `has a name longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (WINDOWS_FORBIDDEN.test(segment)) return `has a character Windows forbids (${JSON.stringify(segment)})`;
    if (/[. ]$/.test(segment)) return `has a name ending in '.' or space (${JSON.stringify(segment)})`;
    const base = segment.split('.')[0]!.trimEnd();
    if (DEVICE_NAMES.test(base)) return `uses the Windows device name ${base.toUpperCase()}`;
  }
  if (segments.length === 1 && RESERVED_ROOT_NAMES.has(segments[0]!.toLowerCase())) return 'is reserved for the agent';
  if (segments[0]!.toLowerCase() === '.his-update-apply') return 'is reserved for the agent';
  return null;
}

/** Windows compares names case-insensitively: two entries that fold to one key are duplicates. */
export function pathKey(relPath: string): string {
  return relPath.normalize('NFC').toUpperCase();
}

/**
 * Finds duplicate paths (case-insensitive) and a file used as a folder by another entry
 * (`a/b` and `a/b/c`). Returns the first problem or null.
 */
export function pathSetProblem(paths: readonly string[]): { path: string; reason: string } | null {
  const files = new Set<string>();
  for (const p of paths) {
    const key = pathKey(p);
    if (files.has(key)) return { path: p, reason: 'appears twice (names differing only in case are the same file on Windows)' };
    files.add(key);
  }
  for (const p of paths) {
    const segments = pathKey(p).split('/');
    for (let i = 1; i < segments.length; i++) {
      if (files.has(segments.slice(0, i).join('/'))) return { path: p, reason: `is below ${segments.slice(0, i).join('/')}, which is a file` };
    }
  }
  return null;
}
