import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlatformEnv } from '../../src/main/core/config/paths';
import { silentLogger } from '../../src/main/core/logger';
import { bootstrapConfig, LAST_GOOD_FILE } from '../../src/main/electron/config-bootstrap';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../../src/main/logging/engine-logger';
import { AgentService } from '../../src/main/service/agent-service';
import { runCli } from '../helpers/cli';
import { createScenario, installState, listFilesRecursive, type Scenario } from '../helpers/scenario';
import { jsonOf, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { inPool } from './support/rng';

/**
 * Damaged files in the state folder and a damaged config. status.json (garbage, torn, empty, wrong
 * shape) is set aside with a warning and rebuilt while the run goes on; temp files a crash left behind
 * are removed; a damaged hash cache only costs re-hashing. A broken config: the CLI answers
 * CONFIG_INVALID naming the file and key (exit 2); the tray keeps running with the last good config and
 * shows why.
 */
const table = new FaultTable('corrupt-state');
afterAll(() => table.print());

const DAMAGE: Record<string, (good: string) => string | Buffer> = {
  'binary garbage': () => Buffer.from([0x00, 0xff, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]),
  'torn write (first half)': (good) => good.slice(0, Math.floor(good.length / 2)),
  'empty file': () => '',
  'valid JSON, wrong shape': () => '{"format":2,"apps":[]}',
  'JSON null': () => 'null',
};

/** A pid that is certainly not running: a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout.trim() as unknown as number;
}

describe('damaged state files', () => {
  it('a damaged status.json is set aside with a warning and rebuilt; the run completes', async () => {
    const outcomes = await inPool(Object.entries(DAMAGE), 3, async ([name, damage]) => {
      const s = await createScenario({ mode: 'mirror', files: 6, totalBytes: 16 * 1024 });
      try {
        expect((await runCli(['check', '--config', s.configFile])).code).toBe(10);
        const file = path.join(s.stateDir, 'status.json');
        await fsp.writeFile(file, damage(await fsp.readFile(file, 'utf8')));
        const run = await runCli(['update', '--json', '--verbose', '--config', s.configFile]);
        const out = jsonOf<CliResultJson>(run);
        expect(out.ok, `${name}: ${out.message}`).toBe(true);
        expect(run.stderr).toMatch(/status file was damaged .* kept as .*status\.json\.corrupt-\d+ and rebuilt/);
        expect(listFilesRecursive(s.stateDir).some((f) => f.startsWith('status.json.corrupt-'))).toBe(true);
        const status = jsonOf<{ apps: Array<{ installedVersion: string }>; history: Array<{ outcome: string }> }>(await runCli(['status', '--json', '--config', s.configFile]));
        expect(status.apps[0]!.installedVersion).toBe('2.0.0');
        expect(status.history.at(-1)!.outcome).toBe('updated');
        expect(await installState(s)).toBe('new');
        return name;
      } finally {
        await s.cleanup();
      }
    });
    await table.run('status.json damaged', Object.keys(DAMAGE).join(', '), 'warning "status file was damaged … kept as … rebuilt", the run completes, a valid status.json after', async (measure) => {
      measure(`${outcomes.length}/${Object.keys(DAMAGE).length} rebuilt`);
    });
  }, 60_000);

  it('temp files a crash left in the state folder are removed at the next run; a damaged hash cache costs only re-hashing', async () => {
    const s = await createScenario({ mode: 'mirror', files: 6, totalBytes: 16 * 1024 });
    try {
      await table.run('crash leftovers in the state folder', 'status.json.<dead pid>.<hex>.tmp, hash-cache/<id>.json.<dead pid>.<hex>.tmp, hash-cache files overwritten with garbage', 'temps of dead processes removed at the next start, a live writer\'s temp kept; garbage cache → correct result', async (measure) => {
        expect(jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile])).ok).toBe(true);
        const pid = Number(deadPid());
        const stale = [path.join(s.stateDir, `status.json.${pid}.0badc0de.tmp`), path.join(s.stateDir, 'hash-cache', `0123456789abcdef.json.${pid}.feedf00d.tmp`)];
        const live = path.join(s.stateDir, `status.json.${process.pid}.11111111.tmp`);
        for (const file of [...stale, live]) await fsp.writeFile(file, '{"half');
        for (const cache of listFilesRecursive(path.join(s.stateDir, 'hash-cache')).filter((f) => f.endsWith('.json'))) {
          await fsp.writeFile(path.join(s.stateDir, 'hash-cache', cache), 'garbage{');
        }
        const check = jsonOf<CliResultJson>(await runCli(['check', '--json', '--config', s.configFile]));
        expect(check).toMatchObject({ ok: true, outcome: 'up-to-date' });
        for (const file of stale) expect(fs.existsSync(file), file).toBe(false);
        expect(fs.existsSync(live), 'a live process\'s temp file stays').toBe(true);
        await fsp.rm(live);
        measure('2 stale temps removed, the live one kept; garbage cache → up-to-date after re-hashing');
      });
    } finally {
      await s.cleanup();
    }
  });
});

describe('damaged config', () => {
  const CONFIG_DAMAGE: Array<[string, (c: Record<string, unknown>) => unknown, RegExp]> = [
    ['JSON syntax error', () => '{"agent": {"retries": 3,}', /line 1, column \d+/],
    ['wrong type', (c) => ({ ...c, agent: { ...(c.agent as object), retries: 'three' } }), /agent\.retries/],
    ['unknown key', (c) => ({ ...c, agnet: {} }), /\(root\)|agnet/],
    ['bad enum', (c) => ({ ...c, apps: [{ ...(c.apps as object[])[0], apply: { mode: 'copy' } }] }), /apps\[0\]\.apply/],
    ['no apps', (c) => ({ ...c, apps: [] }), /apps/],
  ];

  it('the CLI answers CONFIG_INVALID naming the file and the key (exit 2)', async () => {
    const s = await createScenario({ mode: 'mirror', files: 4, totalBytes: 4096 });
    try {
      const good = JSON.parse(await fsp.readFile(s.configFile, 'utf8')) as Record<string, unknown>;
      await table.run('config damaged (CLI)', CONFIG_DAMAGE.map(([n]) => n).join(', '), 'exit 2, CONFIG_INVALID naming the file and the key; no run, install untouched', async (measure) => {
        const seen: string[] = [];
        for (const [name, damage, key] of CONFIG_DAMAGE) {
          const next = damage(good);
          await fsp.writeFile(s.configFile, typeof next === 'string' ? next : JSON.stringify(next));
          const run = await runCli(['update', '--json', '--config', s.configFile]);
          const out = jsonOf<CliResultJson>(run);
          expect(run.code, name).toBe(2);
          expect(out.errorCode, name).toBe('CONFIG_INVALID');
          expect(out.message, name).toContain(s.configFile);
          expect(out.message, name).toMatch(key);
          seen.push(`${name} → ${/有误：(.*?) 处/.exec(out.message)?.[1] ?? out.message.slice(0, 40)}`);
        }
        expect(await installState(s)).toBe('old');
        measure(seen.join('; '));
      });
    } finally {
      await s.cleanup();
    }
  });

  it('the tray keeps the last good config, shows the error, and still updates', async () => {
    const s = await createScenario({ mode: 'mirror', files: 6, totalBytes: 16 * 1024 });
    const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fault-home-'));
    const platform: PlatformEnv = { platform: 'linux', env: { XDG_STATE_HOME: path.join(home, 'state') }, homedir: home };
    try {
      await table.run('config damaged (tray)', 'a good config loaded once, then agent.retries set to "three"', 'tray runs on the last good copy, snapshot.configError = CONFIG_INVALID naming agent.retries, an update still completes; no copy → CONFIG_INVALID', async (measure) => {
        const first = await bootstrapConfig({ configFile: s.configFile, defaultConfig: null, logger: silentLogger, platform });
        expect(first.configError).toBeNull();
        const lastGood = path.join(home, 'state', 'his-update-agent', 'state', LAST_GOOD_FILE);
        expect(fs.existsSync(lastGood)).toBe(true);
        expect(fs.statSync(lastGood).mode & 0o022, 'last good copy not writable by others').toBe(0);

        const broken = JSON.parse(await fsp.readFile(s.configFile, 'utf8')) as { agent: Record<string, unknown> };
        broken.agent.retries = 'three';
        await fsp.writeFile(s.configFile, JSON.stringify(broken));
        const second = await bootstrapConfig({ configFile: s.configFile, defaultConfig: null, logger: silentLogger, platform });
        expect(second.configError?.code).toBe('CONFIG_INVALID');
        expect(second.configError?.zh).toContain('agent.retries');
        expect(second.loaded.config.agent.retries).toBe(3);

        const electronLog = log as unknown as ElectronLogLike;
        const logFile = configureElectronLog(electronLog, second.loaded.dirs.logDir, { console: false });
        const service = new AgentService({ loaded: second.loaded, logger: createEngineLogger(electronLog), logFile, configError: second.configError });
        const snapshot = await service.snapshot();
        expect(snapshot.configError?.code).toBe('CONFIG_INVALID');
        await service.startRun('update', undefined, 'tray');
        expect(await installState(s)).toBe('new');

        // Without a last good copy there is nothing to fall back to: the error itself.
        await fsp.rm(lastGood);
        await expect(bootstrapConfig({ configFile: s.configFile, defaultConfig: null, logger: silentLogger, platform })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
        measure(`tray: "${second.configError!.zh.slice(0, 60)}…", update completed on the last good copy`);
      });
    } finally {
      await fsp.rm(home, { recursive: true, force: true });
      await s.cleanup();
    }
  });
});
