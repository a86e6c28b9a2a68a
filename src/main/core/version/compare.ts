/**
 * HIS versions come as 5.2.0.123, V2.3.1, 2.3.1-beta, 20200302 or 2020.03.02. A version is a list of
 * numeric or text parts; numbers compare as numbers (so 5.10 > 5.9), missing trailing parts count
 * as 0 (5.2 == 5.2.0.0), text parts compare case-insensitively and sort before numbers
 * (2.0-beta < 2.0).
 */
export type VersionPart = number | string;

const VERSION_SHAPE = /^[vV]?\s*[0-9A-Za-z]+([._\-+][0-9A-Za-z]+)*$/;

export function isValidVersion(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 64 && VERSION_SHAPE.test(trimmed) && /\d/.test(trimmed);
}

export function parseVersion(text: string): VersionPart[] {
  const trimmed = text.trim().replace(/^[vV]\s*/, '');
  return trimmed
    .split(/[._\-+]/)
    .filter((part) => part.length > 0)
    .flatMap((part) => splitAlnum(part));
}

/** "3rc1" → [3, "rc", 1], so 2.0rc1 < 2.0rc2 < 2.0rc10. */
function splitAlnum(part: string): VersionPart[] {
  const pieces = part.match(/\d+|[^\d]+/g) ?? [];
  return pieces.map((p) => (/^\d+$/.test(p) ? Number(p) : p.toLowerCase()));
}

export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const left = parseVersion(a);
  const right = parseVersion(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] ?? 0;
    const y = right[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    // A text part (beta, rc) where the other side has a number marks a pre-release: 2.0-beta < 2.0.
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function versionsEqual(a: string, b: string): boolean {
  return compareVersions(a, b) === 0;
}

/**
 * The update policy: any difference means update, so IT rolls back by publishing an older version.
 * A missing local version (fresh install, unreadable file) also means update.
 */
export function needsUpdate(installed: string | null, target: string): boolean {
  return installed === null || !versionsEqual(installed, target);
}
