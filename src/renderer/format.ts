import type { Translate } from './i18n/lang-context';

/** "12.3 MB": nurses read megabytes; small amounts still show one decimal so progress visibly moves. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`;
}

/** Whole percent, clamped to 0-100; an empty transfer counts as complete. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

export function formatEta(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('unit.eta.seconds', { s });
  if (s < 3600) return t('unit.eta.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('unit.eta.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export function formatDuration(ms: number, t: Translate): string {
  if (ms < 1000) return t('unit.duration.ms', { ms: Math.round(ms) });
  const s = Math.round(ms / 1000);
  if (s < 60) return t('unit.duration.s', { s: (ms / 1000).toFixed(1) });
  return t('unit.duration.m', { m: Math.floor(s / 60), s: s % 60 });
}

/** Local "2026-11-25 08:03:12": the same shape in both languages, easy to match against the log. */
export function formatTime(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
