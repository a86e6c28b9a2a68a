import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_UPDATER_NAME } from '../../src/main/cli/demo/demo-updater';
import { runCli } from '../helpers/cli';
import { createScenario, installState } from '../helpers/scenario';
import { jsonOf, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';

/**
 * The updater must run only from a copy whose sha256 matches the manifest, with no window between the
 * check and the start. The attacker is another account (uid 65534) that can write the shared staging
 * folder (on Windows the installer lets every nurse account write it, so any user's tray can resume a
 * download): a separate process that waits, via inotify, until the agent has finished reading the
 * staged updater and then renames its own script over it. Whatever the agent then starts must be the
 * vendor's updater, or nothing at all.
 */
const table = new FaultTable('updater-swap');
afterAll(() => table.print());

const ATTACKER = path.join(__dirname, 'support', 'swap-attacker.py');
const NOBODY = 65534;
const PYTHON = '/usr/bin/python3';

describe.skipIf(!fs.existsSync(PYTHON))('staged updater swapped after verification', () => {
  it('the agent never starts the swapped file', async () => {
    const s = await createScenario({ mode: 'run-updater', files: 20, totalBytes: 256 * 1024 });
    const outside = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fault-attacker-'));
    await fsp.chmod(outside, 0o777);
    const marker = path.join(outside, 'PWNED');
    const replacement = path.join(outside, 'evil.mjs');
    const ready = path.join(outside, 'ready');
    await fsp.writeFile(replacement, `import fs from 'node:fs'; fs.writeFileSync(${JSON.stringify(marker)}, 'started ' + process.argv[1]);\n`, { mode: 0o644 });
    // The shared staging folder as the Windows installer makes it: every account may write it.
    const release = path.join(s.stagingDir, 'nurse', 'release');
    await fsp.mkdir(release, { recursive: true });
    for (const dir of [s.stagingDir, path.dirname(release), release]) await fsp.chmod(dir, 0o777);

    const attacker = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', PYTHON, ATTACKER, release, DEMO_UPDATER_NAME, replacement, ready], { stdio: ['ignore', 'pipe', 'pipe'] });
    let attackerOut = '';
    attacker.stdout.on('data', (b: Buffer) => (attackerOut += b.toString()));
    attacker.stderr.on('data', (b: Buffer) => (attackerOut += b.toString()));
    try {
      await table.run(
        'staged updater swapped right after the agent read it',
        'another account (uid 65534, inotify) renames its own script over release/auto_update.mjs each time the agent closes it after reading',
        'the swapped script never runs; the run either completes with the vendor updater (all new) or refuses (HASH_MISMATCH), install never half',
        async (measure) => {
          const deadline = Date.now() + 10_000;
          while (!fs.existsSync(ready)) {
            if (Date.now() > deadline || attacker.exitCode !== null) throw new Error(`attacker did not start: ${attackerOut}`);
            await new Promise((r) => setTimeout(r, 20));
          }
          const out = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
          const swaps = (attackerOut.match(/swapped/g) ?? []).length;
          expect(swaps, `the attack must have been tried: ${attackerOut}`).toBeGreaterThan(0);
          expect(fs.existsSync(marker), `the attacker's script ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`).toBe(false);
          const state = await installState(s);
          if (out.ok) expect(state).toBe('new');
          else {
            expect(out.errorCode).toBe('HASH_MISMATCH');
            expect(state).toBe('old');
          }
          measure(`attacker swapped the staged file ${swaps}×; run: ${out.ok ? 'updated by the vendor updater' : out.errorCode}; attacker's script started: never`);
        },
      );
    } finally {
      attacker.kill('SIGKILL');
      await fsp.rm(outside, { recursive: true, force: true });
      await s.cleanup();
    }
  });
});
