import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { createScenario, hashTree, installState, listFilesRecursive, type Scenario } from '../helpers/scenario';
import { jsonOf, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { inPool } from './support/rng';

/**
 * A release file changed on the share after his-release.json was written: same size other bytes,
 * truncated, grown, or gone. The run must refuse with the matching code naming the file, the install
 * must be byte-for-byte as before, the updater must not have run, and no unverified file may keep its
 * final name in staging. Once the share holds the published bytes again, the next run completes.
 */
const table = new FaultTable('share-tamper');
afterAll(() => table.print());

type Tamper = 'changed' | 'truncated' | 'grown' | 'removed';
const EXPECTED: Record<Tamper, string[]> = {
  changed: ['HASH_MISMATCH'],
  truncated: ['SIZE_MISMATCH'],
  grown: ['SIZE_MISMATCH'],
  removed: ['SHARE_FILE_MISSING'],
};

async function tamper(file: string, how: Tamper): Promise<void> {
  const bytes = await fsp.readFile(file);
  if (how === 'changed') {
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x5a;
    await fsp.writeFile(file, bytes);
  } else if (how === 'truncated') await fsp.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  else if (how === 'grown') await fsp.writeFile(file, Buffer.concat([bytes, Buffer.from('appended after publishing')]));
  else await fsp.rm(file);
}

describe('share changed after the manifest was written', () => {
  it('every kind of change is refused in both apply modes, the install untouched; the fixed share then updates', async () => {
    const cases = (['mirror', 'run-updater'] as const).flatMap((mode) => (['changed', 'truncated', 'grown', 'removed'] as const).map((how) => ({ mode, how })));
    const results = await inPool(cases, 4, async ({ mode, how }) => {
      const s: Scenario = await createScenario({ mode, files: 24, totalBytes: 512 * 1024 });
      try {
        const victim = [...s.v2Hashes.keys()].find((k) => k.startsWith('dict/') && s.v1Hashes.get(k) !== s.v2Hashes.get(k))!;
        const file = path.join(s.shareDir, ...victim.split('/'));
        const original = await fsp.readFile(file);
        const installBefore = await hashTree(s.installDir);
        await tamper(file, how);
        const run = await runCli(['update', '--json', '--config', s.configFile]);
        const out = jsonOf<CliResultJson>(run);
        expect(run.code).toBe(1);
        expect(EXPECTED[how], `${mode}/${how}: ${out.errorCode} ${out.message}`).toContain(out.errorCode);
        expect(out.message).toContain(victim);
        expect(await hashTree(s.installDir)).toEqual(installBefore);
        // Nothing unverified under its final name: the victim exists in staging at most as a pending part.
        const staged = listFilesRecursive(s.stagingDir).filter((f) => f.endsWith(path.basename(victim)));
        expect(staged, `${mode}/${how}`).toEqual([]);
        // The share is fixed (the published bytes are back): the next run completes.
        await fsp.writeFile(file, original);
        const next = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
        expect(next.ok, next.message).toBe(true);
        expect(await installState(s)).toBe('new');
        return { mode, how, code: out.errorCode };
      } finally {
        await s.cleanup();
      }
    });
    await table.run(
      'share file changed after the manifest',
      'same size other bytes, truncated to half, grown by 25 B, removed; mirror and run-updater',
      'refused (HASH_MISMATCH / SIZE_MISMATCH / SHARE_FILE_MISSING naming the file), install hashes unchanged, updater not run, nothing unverified in staging; fixed share → all new',
      async (measure) => {
        expect(results.length).toBe(8);
        measure(results.map((r) => `${r.mode}/${r.how} → ${r.code}`).join(', '));
      },
    );
  }, 120_000);
});
