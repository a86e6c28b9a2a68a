/**
 * Test-only fault points. When HIS_UPDATE_FAULT_KILL_AT is "<point>:<n>", the process SIGKILLs
 * itself the n-th time it passes <point> (e.g. "swap:3", "download-chunk:40"), so crash-recovery
 * tests can stop the real CLI at an exact step. Unset in production: one string compare per call.
 */
const spec = process.env.HIS_UPDATE_FAULT_KILL_AT ?? '';
const [faultName, faultCountText] = spec.split(':');
const faultCount = Number(faultCountText);
const counters = new Map<string, number>();

export function faultPoint(point: string): void {
  if (!spec || point !== faultName) return;
  const seen = (counters.get(point) ?? 0) + 1;
  counters.set(point, seen);
  if (seen >= faultCount) process.kill(process.pid, 'SIGKILL');
}
