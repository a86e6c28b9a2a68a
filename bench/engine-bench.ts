/**
 * Engine benchmark (issue 2): a generated release of 2,000 files / ~300 MB on a local "share".
 *   full sync      vs `cp -r` of the same tree (speed ratio, goal >= 0.8)
 *   up-to-date     file bytes moved (goal 0) and time as % of the full sync (goal < 2 %)
 *   one changed    bytes moved ≈ the size of that one file
 * Everything in one run on this machine, so the ratios compare like with like. Printed as a table.
 */
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../src/main/core/agent';
import { loadConfig } from '../src/main/core/config/load';
import { createEngineContext } from '../src/main/core/engine/create-context';
import { silentLogger } from '../src/main/core/logger';
import { publishRelease } from '../src/main/core/sync/publish';
import { writeTree } from '../src/main/cli/demo/demo-tree';
import { printTable, type BenchRow } from './bench-table';

const FILES = Number(process.env.BENCH_FILES ?? 2000);
const BYTES = Number(process.env.BENCH_BYTES ?? 300 * 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);


async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runEngineBench(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-bench-'));
  try {
    const share = path.join(root, 'share');
    log(`generating ${FILES} files / ${(BYTES / 1048576).toFixed(0)} MiB in ${share} …`);
    await writeTree(share, { files: FILES, totalBytes: BYTES, seed: 'bench' });
    await fsp.writeFile(path.join(share, 'version.txt'), '2.0.0\n');
    await publishRelease({ dir: share, app: 'nurse', version: '2.0.0' });

    const cpTimes: number[] = [];
    const cpSyncTimes: number[] = [];
    const syncTimes: number[] = [];
    const upToDateTimes: number[] = [];
    let upToDateBytes = -1;
    let syncBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const cpDest = path.join(root, `cp-${round}`);
      cpTimes.push((await timed(async () => spawnSync('cp', ['-r', share, cpDest], { stdio: 'inherit' }))).ms);
      await fsp.rm(cpDest, { recursive: true, force: true });
      spawnSync('sync');
      // The durable reference: the agent fsyncs everything it downloads before it trusts it.
      cpSyncTimes.push((await timed(async () => spawnSync('sh', ['-c', `cp -r '${share}' '${cpDest}' && sync`], { stdio: 'inherit' }))).ms);
      await fsp.rm(cpDest, { recursive: true, force: true });
      spawnSync('sync');

      const run = path.join(root, `run-${round}`);
      const agent = await makeAgent(run, share);
      const full = await timed(() => agent.update());
      if (full.value[0]?.outcome !== 'updated') throw new Error(`full sync failed: ${JSON.stringify(full.value[0]?.error)}`);
      syncTimes.push(full.ms);
      syncBytes = full.value[0]!.bytesMoved;
      const again = await timed(() => agent.update());
      upToDateTimes.push(again.ms);
      upToDateBytes = Math.max(upToDateBytes, again.value[0]!.bytesMoved);
      if (round < ROUNDS - 1) await fsp.rm(run, { recursive: true, force: true });
    }

    // One changed file: rewrite one ~mid-sized file on the share, publish 2.0.1, update the last install.
    const layout = (await fsp.readdir(path.join(share, 'dict'))).sort();
    const victim = path.join(share, 'dict', layout[Math.floor(layout.length / 2)]!);
    const victimSize = (await fsp.stat(victim)).size;
    await fsp.writeFile(victim, Buffer.alloc(victimSize, 7));
    await fsp.writeFile(path.join(share, 'version.txt'), '2.0.1\n');
    await publishRelease({ dir: share, app: 'nurse', version: '2.0.1' });
    const lastRun = path.join(root, `run-${ROUNDS - 1}`);
    const agent = await makeAgent(lastRun, share);
    const one = await timed(() => agent.update());
    const oneBytes = one.value[0]!.bytesMoved;
    const versionFileBytes = '2.0.1\n'.length;

    const cp = median(cpTimes);
    const cpSync = median(cpSyncTimes);
    const sync = median(syncTimes);
    const upToDate = median(upToDateTimes);
    const mb = BYTES / 1048576;
    return [
      {
        name: `full sync (${FILES} files, ${mb.toFixed(0)} MiB)`,
        value: `${sync.toFixed(0)} ms (${(mb / (sync / 1000)).toFixed(0)} MiB/s, ${(syncBytes / 1048576).toFixed(0)} MiB moved)`,
        reference: `cp -r ${cp.toFixed(0)} ms`,
        ratio: `${(cp / sync).toFixed(2)}x cp speed`,
        goal: '>= 0.8x',
        met: cp / sync >= 0.8,
      },
      {
        name: 'full sync vs a durable copy',
        value: `${sync.toFixed(0)} ms`,
        reference: `cp -r && sync ${cpSync.toFixed(0)} ms`,
        ratio: `${(cpSync / sync).toFixed(2)}x`,
        goal: '(context)',
        met: true,
      },
      {
        name: 'up-to-date check',
        value: `${upToDate.toFixed(1)} ms, ${upToDateBytes} file bytes`,
        reference: `full sync ${sync.toFixed(0)} ms`,
        ratio: `${((upToDate / sync) * 100).toFixed(2)} % of full sync`,
        goal: '0 bytes, < 2 %',
        met: upToDateBytes === 0 && upToDate / sync < 0.02,
      },
      {
        name: 'one changed file',
        value: `${oneBytes} bytes moved in ${one.ms.toFixed(0)} ms`,
        reference: `file ${victimSize} B + version.txt ${versionFileBytes} B`,
        ratio: `${(oneBytes / (victimSize + versionFileBytes)).toFixed(3)}x`,
        goal: '≈ 1.0x',
        met: oneBytes === victimSize + versionFileBytes,
      },
    ];
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
}

async function makeAgent(runDir: string, share: string): Promise<Agent> {
  await fsp.mkdir(runDir, { recursive: true });
  const configFile = path.join(runDir, 'config.json');
  await fsp.writeFile(
    configFile,
    JSON.stringify({
      agent: { stateDir: 'state', stagingDir: 'staging', logDir: 'logs' },
      apps: [
        {
          id: 'nurse',
          displayName: 'bench',
          installDir: path.join(runDir, 'install'),
          localVersion: { type: 'file', path: 'version.txt' },
          share: { path: share },
          apply: { mode: 'mirror' },
        },
      ],
    }),
  );
  return new Agent(createEngineContext(await loadConfig(configFile), silentLogger));
}


if (require.main === module) {
  runEngineBench().then(
    (rows) => printTable('engine (native transport, local share)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
