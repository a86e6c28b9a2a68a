import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScenario, installState } from '../helpers/scenario';
import { jsonOf, startCli, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { groupOrWorldWritable } from './support/leftovers';

/**
 * The agent's own files (state: status, lock, hash caches, queue; staging: downloads and partial
 * files; logs) must not be writable by other accounts, whatever umask the agent was started with
 * (a service wrapper or a login script may leave it at 000). Run under umask 000 with the default
 * folders created by the agent itself, then every file and folder it made is checked for g+w / o+w.
 */
const table = new FaultTable('permissions');
afterAll(() => table.print());

describe('modes of the agent\'s files (POSIX)', () => {
  it.skipIf(process.platform === 'win32').each(['run-updater', 'mirror'] as const)('%s under umask 000: no file or folder the agent created is writable by group or others', async (mode) => {
    const s = await createScenario({ mode, files: 12, totalBytes: 64 * 1024 });
    try {
      await table.run(`umask 000 (${mode})`, '`his-update update`, then an interrupted download of the next release (download-chunk:1), both under umask 000', 'state, staging (incl. *.his-part), logs and the files installed: nothing g+w or o+w; installed files still o+r', async (measure) => {
        const run = await startCli(['update', '--json', '--config', s.configFile], { umask: '000' }).done;
        expect(jsonOf<CliResultJson>(run).ok, run.stdout).toBe(true);
        expect(await installState(s)).toBe('new');
        // A second release, interrupted mid-download, so partial files exist too.
        fs.writeFileSync(path.join(s.shareDir, 'version.txt'), '3.0.0\n');
        const { publishRelease } = await import('../../src/main/core/sync/publish');
        await publishRelease({ dir: s.shareDir, app: 'nurse', version: '3.0.0', ...(mode === 'run-updater' ? { updater: { path: 'auto_update.mjs', args: ['{installDir}'], successExitCodes: [0] } } : {}) });
        await startCli(['update', '--json', '--config', s.configFile], { umask: '000', env: { HIS_UPDATE_FAULT_KILL_AT: 'download-chunk:1' } }).done;
        const roots = [s.stateDir, s.stagingDir, path.join(s.root, 'logs')];
        const offenders = [
          ...roots.filter((dir) => fs.statSync(dir).mode & 0o022).map((dir) => `${path.basename(dir)} itself`),
          ...roots.flatMap((dir) => groupOrWorldWritable(dir).map((f) => `${path.basename(dir)}/${f}`)),
          // Files the mirror apply and the updater put into the install folder.
          ...groupOrWorldWritable(s.installDir).map((f) => `install/${f}`),
        ];
        expect(offenders).toEqual([]);
        // …and still readable by the accounts that start the HIS.
        const unreadable = fs.readdirSync(s.installDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && (fs.statSync(path.join(e.parentPath, e.name)).mode & 0o004) === 0);
        expect(unreadable.map((e) => e.name)).toEqual([]);
        const counted = [s.stateDir, s.stagingDir, path.join(s.root, 'logs')].reduce((n, dir) => n + (fs.readdirSync(dir, { recursive: true }) as string[]).length, 0);
        measure(`${counted} files and folders checked, none group/other-writable`);
      });
    } finally {
      await s.cleanup();
    }
  });
});
