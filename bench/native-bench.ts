/**
 * Native transport over a real SMB client (issue 3): Debian smbnetfs (FUSE, libsmbclient) mounts a
 * loopback Samba share; plain fs reads it exactly as the agent reads `\\server\share` on Windows.
 *   full sync through the agent   vs   `cp -r` of the same tree over the same mount (goal >= 0.8x)
 * sha256 of every installed file is checked against the source in the same run.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../src/main/core/agent';
import { loadConfig } from '../src/main/core/config/load';
import { createEngineContext } from '../src/main/core/engine/create-context';
import { silentLogger } from '../src/main/core/logger';
import { publishRelease } from '../src/main/core/sync/publish';
import { writeTree } from '../src/main/cli/demo/demo-tree';
import { startSamba } from '../test/helpers/samba';
import { mountSmbnetfs } from '../test/helpers/smbnetfs';
import { printTable, type BenchRow } from './bench-table';

const FILES = Number(process.env.BENCH_FILES ?? 2000);
const BYTES = Number(process.env.BENCH_BYTES ?? 300 * 1024 * 1024);

async function main(): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-native-bench-'));
  await fsp.chmod(root, 0o755);
  const shareRoot = path.join(root, 'export');
  const share = path.join(shareRoot, 'nurse');
  console.log(`generating ${FILES} files / ${(BYTES / 1048576).toFixed(0)} MiB …`);
  await writeTree(share, { files: FILES, totalBytes: BYTES, seed: 'native-bench' });
  await fsp.writeFile(path.join(share, 'version.txt'), '2.0.0\n');
  const { manifest } = await publishRelease({ dir: share, app: 'nurse', version: '2.0.0' });
  const samba = await startSamba({ shares: [{ name: 'update', path: shareRoot }], users: [{ name: 'bench', password: 'Bench-Pw-1' }] });
  const mount = await mountSmbnetfs({ host: samba.host, port: samba.port, workgroup: samba.workgroup, user: 'bench', password: 'Bench-Pw-1' });
  try {
    const mounted = mount.pathTo('update', 'nurse');
    const cpDest = path.join(root, 'cp');
    const t0 = process.hrtime.bigint();
    const cp = spawnSync('cp', ['-r', mounted, cpDest]);
    const cpMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (cp.status !== 0) throw new Error(`cp failed: ${cp.stderr}`);

    const configFile = path.join(root, 'config.json');
    await fsp.writeFile(
      configFile,
      JSON.stringify({
        agent: { stateDir: 'state', stagingDir: 'staging', logDir: 'logs' },
        apps: [{ id: 'nurse', displayName: 'bench', installDir: path.join(root, 'install'), localVersion: { type: 'file', path: 'version.txt' }, share: { path: mounted }, apply: { mode: 'mirror' } }],
      }),
    );
    const agent = new Agent(createEngineContext(await loadConfig(configFile), silentLogger));
    const t1 = process.hrtime.bigint();
    const [record] = await agent.update();
    const syncMs = Number(process.hrtime.bigint() - t1) / 1e6;
    if (record?.outcome !== 'updated') throw new Error(`sync failed: ${JSON.stringify(record?.error)}`);

    let bad = 0;
    for (const file of manifest.files) {
      const bytes = await fsp.readFile(path.join(root, 'install', ...file.path.split('/')));
      if (crypto.createHash('sha256').update(bytes).digest('hex') !== file.sha256) bad++;
    }
    const mb = BYTES / 1048576;
    const rows: BenchRow[] = [
      {
        name: `native over smbnetfs: full sync (${FILES} files, ${mb.toFixed(0)} MiB)`,
        value: `${syncMs.toFixed(0)} ms (${(mb / (syncMs / 1000)).toFixed(0)} MiB/s), ${bad} bad hashes`,
        reference: `cp -r over the mount ${cpMs.toFixed(0)} ms (${(mb / (cpMs / 1000)).toFixed(0)} MiB/s)`,
        ratio: `${(cpMs / syncMs).toFixed(2)}x cp speed`,
        goal: '>= 0.8x, 0 bad',
        met: cpMs / syncMs >= 0.8 && bad === 0,
      },
    ];
    printTable('native transport (plain fs over a real SMB client)', rows);
    if (bad > 0) process.exitCode = 1;
  } finally {
    await mount.unmount();
    await samba.stop();
    await fsp.rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
