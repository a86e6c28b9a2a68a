import fsp from 'node:fs/promises';
import path from 'node:path';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import type { UiEvent } from '../../src/shared/ipc-contract';
import { loadConfig } from '../../src/main/core/config/load';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../../src/main/logging/engine-logger';
import { AgentService } from '../../src/main/service/agent-service';
import { runCli } from '../helpers/cli';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { jsonOf, startCli, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';

/**
 * The tray (AgentService, exactly as the Electron shell drives it) and the CLI on one PC at the same
 * time: whichever holds the run lock runs, the other reports LOCK_HELD with the holder's pid, and the
 * install ends all new with exactly one "updated" record.
 */
const table = new FaultTable('two-agents');
afterAll(() => table.print());

/** A vendor updater that takes a while, so the second agent arrives while the first one applies. */
const SLOW_UPDATER = `import fs from 'node:fs';
await new Promise((r) => setTimeout(r, 2500));
fs.cpSync(process.cwd(), process.argv[2], { recursive: true, filter: (p) => !p.endsWith('auto_update.mjs') });`;

async function tray(s: Scenario): Promise<AgentService> {
  const loaded = await loadConfig(s.configFile);
  const electronLog = log as unknown as ElectronLogLike;
  const logFile = configureElectronLog(electronLog, loaded.dirs.logDir, { console: false });
  return new AgentService({ loaded, logger: createEngineLogger(electronLog), logFile });
}

async function waitForLock(s: Scenario): Promise<void> {
  const lock = path.join(s.stateDir, 'agent.lock');
  const deadline = Date.now() + 10_000;
  while (!(await fsp.access(lock).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error('no run took the lock');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function updatedRecords(s: Scenario): Promise<number> {
  const status = jsonOf<{ history: Array<{ outcome: string }> }>(await runCli(['status', '--json', '--config', s.configFile]));
  return status.history.filter((r) => r.outcome === 'updated').length;
}

describe('tray and CLI at once', () => {
  it('the tray runs, the CLI reports LOCK_HELD (exit 3)', async () => {
    const s = await createScenario({ mode: 'run-updater', files: 8, totalBytes: 64 * 1024, updaterSource: SLOW_UPDATER });
    try {
      await table.run('tray runs, CLI arrives', 'AgentService update-now (slow updater), then `his-update update` while it applies', 'CLI exit 3 LOCK_HELD naming the tray\'s pid; tray completes; one "updated" record', async (measure) => {
        const service = await tray(s);
        const run = service.startRun('update', undefined, 'tray');
        await waitForLock(s);
        const cli = await runCli(['update', '--json', '--config', s.configFile]);
        expect(cli.code).toBe(3);
        const out = jsonOf<CliResultJson>(cli);
        expect(out.errorCode).toBe('LOCK_HELD');
        expect(out.message).toContain(String(process.pid));
        await run;
        expect(await installState(s)).toBe('new');
        expect(await updatedRecords(s)).toBe(1);
        measure(`CLI: "${out.message.slice(0, 48)}…"`);
      });
    } finally {
      await s.cleanup();
    }
  });

  it('the CLI runs, the tray shows LOCK_HELD and stays usable', async () => {
    const s = await createScenario({ mode: 'run-updater', files: 8, totalBytes: 64 * 1024, updaterSource: SLOW_UPDATER });
    try {
      await table.run('CLI runs, tray arrives', '`his-update update` (slow updater), then the tray\'s update-now while it applies', 'tray gets an error event LOCK_HELD naming the CLI\'s pid, is not left busy; CLI completes; one "updated" record', async (measure) => {
        const service = await tray(s);
        const events: UiEvent[] = [];
        service.onUiEvent((e) => events.push(e));
        const cli = startCli(['update', '--json', '--config', s.configFile]);
        await waitForLock(s);
        await service.startRun('update', undefined, 'tray');
        const error = events.find((e): e is Extract<UiEvent, { type: 'error' }> => e.type === 'error');
        expect(error?.error.code).toBe('LOCK_HELD');
        expect(error?.error.zh).toContain(String(cli.child.pid));
        expect(service.isRunning).toBe(false);
        const done = await cli.done;
        expect(jsonOf<CliResultJson>(done)).toMatchObject({ ok: true, outcome: 'updated' });
        expect(await installState(s)).toBe('new');
        expect(await updatedRecords(s)).toBe(1);
        // The tray's next check runs normally once the lock is free.
        await service.startRun('check', undefined, 'tray');
        const snapshot = await service.snapshot();
        expect(snapshot.apps[0]).toMatchObject({ installedVersion: '2.0.0', lastResult: 'up-to-date' });
        measure(`tray: "${error!.error.zh.slice(0, 48)}…"; next tray check: up-to-date`);
      });
    } finally {
      await s.cleanup();
    }
  });
});
