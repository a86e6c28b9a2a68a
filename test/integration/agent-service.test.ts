import fsp from 'node:fs/promises';
import path from 'node:path';
import log from 'electron-log/node';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiEvent } from '../../src/shared/ipc-contract';
import { loadConfig } from '../../src/main/core/config/load';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../../src/main/logging/engine-logger';
import { AgentService } from '../../src/main/service/agent-service';
import { createScenario, installState, type Scenario } from '../helpers/scenario';

let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

async function serviceFor(scenario: Scenario, overrides = {}) {
  const loaded = await loadConfig(scenario.configFile);
  const electronLog = log as unknown as ElectronLogLike;
  const logFile = configureElectronLog(electronLog, loaded.dirs.logDir, { console: false });
  const service = new AgentService({ loaded, logger: createEngineLogger(electronLog), logFile, overrides });
  return { service, logFile };
}

describe('AgentService (what the tray and the windows call)', () => {
  it('runs an update from update-now and streams state, rising progress and a final snapshot', async () => {
    s = await createScenario({ mode: 'mirror', files: 80, totalBytes: 8 * 1024 * 1024, agent: { downloadConcurrency: 1 } });
    const { service } = await serviceFor(s);
    const before = await service.handle('agent:get-snapshot', undefined);
    expect(before.apps[0]).toMatchObject({ id: 'nurse', installedVersion: '1.0.0', state: 'idle', applyMode: 'mirror' });

    const events: UiEvent[] = [];
    service.onUiEvent((e) => events.push(e));
    await service.handle('agent:update-now', {});
    await service.startRun('update', undefined, 'tray'); // joins the run already going
    const states = events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
    expect(states).toEqual(['checking', 'downloading', 'waiting-for-his', 'applying', 'done']);
    const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { progress: { bytesDone: number } }).progress.bytesDone);
    expect(progress.length).toBeGreaterThan(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const last = events.at(-1)!;
    expect(last.type).toBe('snapshot');
    expect(last.type === 'snapshot' && last.snapshot.apps[0]).toMatchObject({ installedVersion: '2.0.0', lastResult: 'updated', state: 'done' });
    expect(await installState(s)).toBe('new');

    const history = await service.handle('agent:get-history', { limit: 5 });
    expect(history[0]).toMatchObject({ outcome: 'updated', from: '1.0.0', to: '2.0.0', trigger: 'tray' });
  });

  it('answers the "close the HIS" prompt: cancel defers the update with HIS_RUNNING', async () => {
    s = await createScenario({ mode: 'mirror', app: { hisProcess: { name: 'nurse.exe', whenRunning: 'ask' } } });
    const { service } = await serviceFor(s, { processes: { isRunning: async () => true } });
    const events: UiEvent[] = [];
    service.onUiEvent((e) => {
      events.push(e);
      if (e.type === 'his-running') void service.handle('agent:answer-his-prompt', { appId: 'nurse', answer: 'cancel' });
    });
    await service.startRun('update', 'nurse', 'tray');
    const error = events.find((e) => e.type === 'error');
    expect(error && error.type === 'error' && error.error.code).toBe('HIS_RUNNING');
    expect(await installState(s)).toBe('old');
    const history = await service.handle('agent:get-history', {});
    expect(history[0]).toMatchObject({ outcome: 'deferred' });
  });

  it('reads the log tail with level filter and search', async () => {
    s = await createScenario({ mode: 'mirror' });
    const { service, logFile } = await serviceFor(s);
    await service.startRun('update', undefined, 'tray');
    await new Promise((r) => setTimeout(r, 300)); // electron-log writes asynchronously
    expect((await fsp.stat(logFile)).size).toBeGreaterThan(0);
    const lines = await service.handle('agent:get-log-tail', { maxLines: 50, search: 'files differ' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.text.includes('files differ'))).toBe(true);
    // electron-log pads the level ("[info]  text"): the text comes back without the padding.
    expect(lines.every((l) => !l.text.startsWith(' '))).toBe(true);
    const warnings = await service.handle('agent:get-log-tail', { maxLines: 50, minLevel: 'warn' });
    expect(warnings.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
    expect(path.basename(logFile)).toBe('agent.log');
  });
});

describe('AgentService run requests', () => {
  it('an update asked for while a check runs is queued and runs right after it', async () => {
    s = await createScenario({ mode: 'mirror' });
    const { service } = await serviceFor(s);
    const states: string[] = [];
    service.onUiEvent((e) => {
      if (e.type === 'state') states.push(e.state);
    });
    const check = service.startRun('check', undefined, 'tray');
    const update = service.startRun('update', undefined, 'tray');
    await check;
    await update;
    expect(states).toEqual(['checking', 'update-available', 'checking', 'downloading', 'waiting-for-his', 'applying', 'done']);
    expect(await installState(s)).toBe('new');
  });
});
