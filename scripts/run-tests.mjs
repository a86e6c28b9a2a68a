// npm test: build, type-check, then every vitest suite (unit, integration with Samba/TDS/FUSE,
// renderer, e2e in Chromium, packaging, faults). Ends with one plain line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;
const started = Date.now();

function step(name, command, args) {
  const t = Date.now();
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
  console.log(`=== ${name}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${((Date.now() - t) / 1000).toFixed(1)} s ===`);
  return result.status === 0;
}

const built = step('build', process.execPath, ['scripts/build.mjs']);
if (built) passed++;
else failed++;

if (step('typecheck (tsc --noEmit, strict, electron typings)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'])) passed++;
else failed++;

const reportDir = mkdtempSync(path.join(os.tmpdir(), 'his-test-report-'));
const reportFile = path.join(reportDir, 'vitest.json');
step('vitest', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...extraArgs]);
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A suite that failed to load has no tests to count: count it as one failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed++;
  }
} catch (error) {
  console.error(`could not read the vitest report: ${error.message}`);
  failed++;
}
rmSync(reportDir, { recursive: true, force: true });
console.log(`\nall tests took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
