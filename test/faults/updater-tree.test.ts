import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { createScenario, installState } from '../helpers/scenario';
import { jsonOf, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';

/**
 * Vendor updaters that never finish: alone, with children and grandchildren, and with a child that
 * left the process group (setsid, as a detached spawn or a daemonizing installer does). After the
 * timeout every process of the tree must be gone (/proc; a zombie waiting for its reaper counts as
 * gone), the run ends with UPDATER_TIMEOUT, and the install is all old.
 */
const table = new FaultTable('updater-tree');
afterAll(() => table.print());

const TIMEOUT_SECONDS = 3;

/** Each process of the tree appends its pid to HIS_FAULT_PID_FILE, then waits forever. */
const RECORD = `import fs from 'node:fs'; import { spawn } from 'node:child_process';
const record = (pid) => fs.appendFileSync(process.env.HIS_FAULT_PID_FILE, pid + '\\n');
record(process.pid);`;
const HANG_CHILD = `require('fs').appendFileSync(process.env.HIS_FAULT_PID_FILE, process.pid + '\\n'); setInterval(() => {}, 1000);`;
const PARENT_OF_HANGER = `const { spawn } = require('child_process'); require('fs').appendFileSync(process.env.HIS_FAULT_PID_FILE, process.pid + '\\n');
spawn(process.execPath, ['-e', ${JSON.stringify(HANG_CHILD)}], { stdio: 'ignore' }); setInterval(() => {}, 1000);`;

const UPDATERS = {
  'hangs alone': `${RECORD}
setInterval(() => {}, 1000);`,
  'hangs with 3 children and a grandchild each': `${RECORD}
for (let i = 0; i < 3; i++) spawn(process.execPath, ['-e', ${JSON.stringify(PARENT_OF_HANGER)}], { stdio: 'ignore' });
setInterval(() => {}, 1000);`,
  'hangs with a child in its own session (setsid, detached)': `${RECORD}
spawn(process.execPath, ['-e', ${JSON.stringify(PARENT_OF_HANGER)}], { stdio: 'ignore', detached: true }).unref();
spawn(process.execPath, ['-e', ${JSON.stringify(HANG_CHILD)}], { stdio: 'ignore' });
setInterval(() => {}, 1000);`,
} as const;

const EXPECTED_PROCESSES: Record<keyof typeof UPDATERS, number> = {
  'hangs alone': 1,
  'hangs with 3 children and a grandchild each': 7,
  'hangs with a child in its own session (setsid, detached)': 4,
};

/** Running means a /proc entry whose state is not Z (zombie) or X (dead). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]!);
  } catch {
    return false;
  }
}

async function readPids(file: string, count: number): Promise<number[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pids = (await fsp.readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
    if (pids.length >= count || Date.now() > deadline) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('an updater that never ends', () => {
  it.each(Object.keys(UPDATERS) as Array<keyof typeof UPDATERS>)('%s: the whole tree is gone after the timeout, install all old', async (name) => {
    const s = await createScenario({ mode: 'run-updater', files: 6, totalBytes: 16 * 1024, updaterTimeoutSeconds: TIMEOUT_SECONDS, updaterSource: UPDATERS[name] });
    const pidFile = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fault-pids-')), 'pids');
    let pids: number[] = [];
    try {
      await table.run(`updater ${name}`, `timeout ${TIMEOUT_SECONDS} s; processes recorded by pid`, 'UPDATER_TIMEOUT; every recorded process gone (zombies count as gone); install all old', async (measure) => {
        const started = Date.now();
        const run = await runCli(['update', '--json', '--config', s.configFile], { env: { HIS_FAULT_PID_FILE: pidFile } });
        const took = Date.now() - started;
        const out = jsonOf<CliResultJson>(run);
        expect(out.errorCode, out.message).toBe('UPDATER_TIMEOUT');
        pids = await readPids(pidFile, EXPECTED_PROCESSES[name]);
        expect(pids.length).toBe(EXPECTED_PROCESSES[name]);
        // Killing is asynchronous for the kernel too: allow a moment before looking.
        const deadline = Date.now() + 1000;
        while (pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const survivors = pids.filter(running);
        expect(survivors, `still running: ${survivors.join(', ')}`).toEqual([]);
        expect(await installState(s)).toBe('old');
        measure(`${pids.length} processes, all gone; run ended ${took} ms after start (timeout ${TIMEOUT_SECONDS * 1000} ms + process start)`);
      });
    } finally {
      for (const pid of pids) if (running(pid)) process.kill(pid, 'SIGKILL');
      await fsp.rm(path.dirname(pidFile), { recursive: true, force: true });
      await s.cleanup();
    }
  });
});
