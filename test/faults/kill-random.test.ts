import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PART_SUFFIX } from '../../src/main/core/sync/plan';
import { createScenario, installState, listFilesRecursive, type Scenario } from '../helpers/scenario';
import { runCli } from '../helpers/cli';
import { jsonOf, startCli, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { leftovers } from './support/leftovers';
import { inPool, randomInt, seededRandom } from './support/rng';

/**
 * The agent SIGKILLed at seeded points of download and of apply, 20 seeds each. Most seeds use the
 * engine's fault hook (HIS_UPDATE_FAULT_KILL_AT, exact chunk / swap / commit), the last four of each
 * kind a SIGKILL from outside at a seeded delay after the phase started. After every kill: the install
 * is wholly old or wholly new (after the next start's recovery), the next run completes to all new,
 * and no temp file is left (parts only in staging while a download is pending, no apply work folder,
 * no *.tmp in the state folder).
 */
const table = new FaultTable('kill-random');
afterAll(() => table.print());

const SEEDS = Array.from({ length: 20 }, (_, i) => i);
const PARALLEL = 4;
const BIG = bigFile(2_500_000);

interface SeedOutcome {
  seed: number;
  how: string;
  killed: boolean;
  before: string;
  after: string;
  partBytes: number;
  secondRunBytes: number;
}

async function scenarioFor(mode: 'mirror' | 'run-updater', concurrency: number): Promise<Scenario> {
  return createScenario({ mode, files: 24, totalBytes: 768 * 1024, extraV2Files: { 'bin/big.dat': BIG }, agent: { downloadConcurrency: concurrency } });
}

/** Files the first run has to download: those that differ from the install (mirror) or all (run-updater). */
function downloadsOf(s: Scenario, mode: 'mirror' | 'run-updater'): { count: number; bytes: Promise<number> } {
  const rels = [...s.v2Hashes.keys()].filter((rel) => mode === 'run-updater' || s.v1Hashes.get(rel) !== s.v2Hashes.get(rel));
  const extra = mode === 'run-updater' ? 1 : 0; // the updater itself
  const bytes = Promise.all(rels.map(async (rel) => (await fsp.stat(path.join(s.shareDir, ...rel.split('/')))).size)).then((sizes) => sizes.reduce((a, b) => a + b, 0));
  return { count: rels.length + extra, bytes };
}

/** Kills the CLI from outside `delayMs` after its stderr shows `marker` (a state line of the progress output). */
async function killAfter(configFile: string, marker: RegExp, delayMs: number): Promise<{ killed: boolean }> {
  const cli = startCli(['update', '--config', configFile]);
  const deadline = Date.now() + 20_000;
  while (!marker.test(cli.output().stderr) && cli.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  if (cli.child.exitCode === null) {
    await new Promise((r) => setTimeout(r, delayMs));
    cli.child.kill('SIGKILL');
  }
  const run = await cli.done;
  return { killed: run.signal === 'SIGKILL' };
}

async function partBytes(s: Scenario): Promise<number> {
  let total = 0;
  for (const rel of listFilesRecursive(s.stagingDir).filter((f) => f.endsWith(PART_SUFFIX))) total += (await fsp.stat(path.join(s.stagingDir, rel))).size;
  return total;
}

async function finishAndCheck(s: Scenario): Promise<CliResultJson> {
  const next = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
  expect(next.ok, next.message).toBe(true);
  expect(await installState(s)).toBe('new');
  const left = leftovers(s);
  expect(left, 'no temp files after a completed run').toEqual({ parts: [], partsOutsideStaging: [], workDir: false, stateTemps: [] });
  return next;
}

describe('SIGKILL at seeded points (real CLI processes, separate scenarios in parallel)', () => {
  it('during download: 20 seeds, install stays all old, next run resumes and completes', async () => {
    const outcomes = await inPool(SEEDS, PARALLEL, async (seed): Promise<SeedOutcome> => {
      const random = seededRandom(1000 + seed);
      const mode = seed % 2 === 0 ? 'mirror' : 'run-updater';
      const s = await scenarioFor(mode, randomInt(random, 1, 3));
      try {
        const downloads = downloadsOf(s, mode);
        let how: string;
        let killed: boolean;
        if (seed < 16) {
          const n = randomInt(random, 1, downloads.count);
          how = `${mode} download-chunk:${n}`;
          const run = await runCli(['update', '--json', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: `download-chunk:${n}` } });
          killed = run.signal === 'SIGKILL';
          expect(killed, `seed ${seed}: the hook must fire within the first ${downloads.count} chunks`).toBe(true);
        } else {
          const delay = randomInt(random, 0, 25);
          how = `${mode} external SIGKILL ${delay} ms into download`;
          ({ killed } = await killAfter(s.configFile, /正在下载/, delay));
        }
        const before = await installState(s);
        // The hook fires inside the download for sure; an outside kill may land after it (in apply).
        if (how.includes('chunk')) {
          expect(before, `seed ${seed} (${how}): a download never touches the install`).toBe('old');
          expect(leftovers(s).workDir).toBe(false);
        }
        expect(leftovers(s).partsOutsideStaging).toEqual([]);
        const pending = await partBytes(s);
        const next = await finishAndCheck(s);
        // Resume, not restart: the second run moves less than the whole download when bytes were kept.
        if (killed && pending > 0) expect(next.bytes, `seed ${seed} (${how}): ${pending} B were pending, ${listFilesRecursive(s.stagingDir).join(' ')}`).toBeLessThan(await downloads.bytes);
        return { seed, how, killed, before, after: await installState(s), partBytes: pending, secondRunBytes: next.bytes };
      } finally {
        await s.cleanup();
      }
    });
    await table.run(
      'SIGKILL during download',
      `20 seeds: ${outcomes.filter((o) => o.how.includes('chunk')).length} at download-chunk:N (N seeded), ${outcomes.filter((o) => o.how.includes('external')).length} external SIGKILL at a seeded delay; mirror and run-updater, 1-3 parallel downloads`,
      'install all old after a kill inside the download (an outside kill may land in apply: then recovery decides); next run completes (all new by hash); parts only in staging; no work folder, no *.tmp',
      async (measure) => {
        expect(outcomes.every((o) => !o.how.includes('chunk') || o.before === 'old')).toBe(true);
        expect(outcomes.every((o) => o.after === 'new')).toBe(true);
        const resumed = outcomes.filter((o) => o.partBytes > 0);
        const external = outcomes.filter((o) => o.how.includes('external')).map((o) => o.before);
        measure(`${outcomes.filter((o) => o.killed).length}/20 killed mid-run; ${resumed.length} left a partial file (largest ${Math.max(0, ...resumed.map((o) => o.partBytes))} B) and resumed; outside kills found the install ${external.join(', ')}`);
      },
    );
  }, 180_000);

  it('during apply (mirror, journaled swap): 20 seeds, all old or all new after the next start, then all new', async () => {
    const outcomes = await inPool(SEEDS, PARALLEL, async (seed): Promise<SeedOutcome> => {
      const random = seededRandom(2000 + seed);
      const s = await scenarioFor('mirror', 2);
      try {
        const ops = downloadsOf(s, 'mirror').count;
        let how: string;
        let killed: boolean;
        if (seed < 14) {
          const n = randomInt(random, 1, ops);
          how = `swap:${n} of ${ops}`;
          killed = (await runCli(['update', '--json', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: `swap:${n}` } })).signal === 'SIGKILL';
          expect(killed).toBe(true);
        } else if (seed < 16) {
          how = 'commit:1 (journal committed, backups not yet removed)';
          killed = (await runCli(['update', '--json', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: 'commit:1' } })).signal === 'SIGKILL';
          expect(killed).toBe(true);
        } else {
          const delay = randomInt(random, 0, 15);
          how = `external SIGKILL ${delay} ms into apply`;
          ({ killed } = await killAfter(s.configFile, /正在安装/, delay));
        }
        const crashed = await installState(s);
        // The next start (any command) recovers before it does anything else.
        const check = await runCli(['check', '--json', '--config', s.configFile]);
        expect([0, 10]).toContain(check.code);
        const recovered = await installState(s);
        expect(recovered, `seed ${seed} (${how}): after recovery`).not.toBe('mixed');
        expect(leftovers(s).workDir).toBe(false);
        if (how.startsWith('commit')) expect(recovered).toBe('new');
        if (how.startsWith('swap')) expect(recovered).toBe('old');
        const next = await finishAndCheck(s);
        return { seed, how, killed, before: `${crashed} → ${recovered}`, after: await installState(s), partBytes: 0, secondRunBytes: next.bytes };
      } finally {
        await s.cleanup();
      }
    });
    await table.run(
      'SIGKILL during apply',
      `20 seeds: ${outcomes.filter((o) => o.how.startsWith('swap')).length} at swap:N (N seeded over the ops), 2 at commit:1, 4 external SIGKILL at a seeded delay into apply`,
      'after the next start: all old (rolled back) or all new (committed), never mixed; next run all new; no work folder, no *.tmp',
      async (measure) => {
        expect(outcomes.every((o) => o.after === 'new')).toBe(true);
        const counts = new Map<string, number>();
        for (const o of outcomes) counts.set(o.before, (counts.get(o.before) ?? 0) + 1);
        measure(`states at crash → after recovery: ${[...counts].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
      },
    );
  }, 180_000);
});

function bigFile(size: number): Buffer {
  const big = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  return big;
}
