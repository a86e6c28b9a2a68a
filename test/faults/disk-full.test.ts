import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/main/core/agent';
import { loadConfig } from '../../src/main/core/config/load';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { createEngineContext } from '../../src/main/core/engine/create-context';
import { silentLogger } from '../../src/main/core/logger';
import { createShareFactory, type ShareFactory } from '../../src/main/core/share/factory';
import { runCli } from '../helpers/cli';
import { createScenario, installState, listFilesRecursive, type Scenario } from '../helpers/scenario';
import { jsonOf, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { leftovers } from './support/leftovers';

/**
 * Disk full, on real small file systems (tmpfs mounted with a size limit, as root): staging too small
 * from the start (refused before a byte is read), staging filled up by someone else in the middle of a
 * download (a real ENOSPC from the kernel), and an install volume without room for the new files
 * (mirror prepares them on the install volume before it swaps). Each: readable DISK_FULL naming the
 * folder, nothing half applied, and the next run completes once there is room.
 */
const table = new FaultTable('disk-full');
afterAll(() => table.print());

interface SmallFs {
  dir: string;
  free(): number;
  close(): Promise<void>;
}

async function mountSmallFs(bytes: number): Promise<SmallFs | null> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fault-smallfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    await fsp.rmdir(dir);
    return null;
  }
  return {
    dir,
    free: () => {
      const st = fs.statfsSync(dir);
      return st.bavail * st.bsize;
    },
    async close() {
      spawnSync('umount', ['-l', dir]);
      await fsp.rmdir(dir).catch(() => {});
    },
  };
}

const canMount = spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r']).status === 0;

describe.skipIf(!canMount)('disk full (tmpfs with a size limit)', () => {
  it('staging too small from the start: DISK_FULL before any byte is read', async () => {
    const small = (await mountSmallFs(1024 * 1024))!;
    const s = await createScenario({ mode: 'run-updater', files: 20, totalBytes: 3 * 1024 * 1024, agent: { stagingDir: small.dir } });
    try {
      await table.run('staging volume too small', '1 MiB tmpfs as staging, 3 MiB release (run-updater)', 'DISK_FULL naming staging and the size needed, 0 bytes read, install all old', async (measure) => {
        const out = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
        expect(out.errorCode).toBe('DISK_FULL');
        expect(out.message).toContain(small.dir);
        expect(out.bytes).toBe(0);
        expect(await installState(s)).toBe('old');
        measure(`"${out.message.slice(0, 70)}…"`);
      });
    } finally {
      await s.cleanup();
      await small.close();
    }
  });

  it('staging filled by someone else during the download: DISK_FULL from the write, the next run resumes', async () => {
    const small = (await mountSmallFs(6 * 1024 * 1024))!;
    const s = await createScenario({ mode: 'mirror', files: 20, totalBytes: 3 * 1024 * 1024, agent: { stagingDir: small.dir, downloadConcurrency: 1 } });
    const filler = path.join(small.dir, 'someone-elses-file.bin');
    try {
      await table.run('staging filled up mid-download', '6 MiB tmpfs as staging, passes the free-space check; another writer fills it as the download starts (kernel ENOSPC)', 'DISK_FULL naming staging, install all old, part files only in staging; room again → next run completes', async (measure) => {
        const loaded = await loadConfig(s.configFile);
        const real = createShareFactory(new DefaultSecretResolver(), silentLogger);
        let opened = 0;
        // The real share client; the test only chooses the moment the other writer strikes.
        const shares: ShareFactory = {
          async open(app, override) {
            const client = await real.open(app, override);
            // Both ways a transport hands over file bytes (a stream, or a copy into the part file).
            return new Proxy(client, {
              get(target, key, receiver) {
                const value = Reflect.get(target, key, receiver) as unknown;
                if ((key !== 'createReadStream' && key !== 'fetchToFile') || typeof value !== 'function') return value;
                return async (...args: unknown[]) => {
                  if (++opened === 1) {
                    // Everything that is left: the filler itself may hit ENOSPC on its last page, which is fine.
                    await fsp.writeFile(filler, Buffer.alloc(small.free())).catch(() => {});
                  }
                  return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
                };
              },
            });
          },
        };
        const agent = new Agent(createEngineContext(loaded, silentLogger, { shares }));
        const [record] = await agent.update(undefined, 'cli');
        expect(record!.error?.code).toBe('DISK_FULL');
        expect(record!.error?.zh).toContain(small.dir);
        expect(record!.error?.detail).toMatch(/ENOSPC/);
        expect(await installState(s)).toBe('old');
        const left = leftovers(s);
        expect(left.workDir).toBe(false);
        expect(left.partsOutsideStaging).toEqual([]);
        measure(`${record!.error!.code}: "${record!.error!.zh.slice(0, 50)}…", detail "${record!.error!.detail.slice(0, 50)}"`);

        await fsp.rm(filler);
        const next = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
        expect(next.ok, next.message).toBe(true);
        expect(await installState(s)).toBe('new');
        expect(leftovers(s).parts).toEqual([]);
        measure(`after freeing space: updated, ${next.bytes} B in the second run`);
      });
    } finally {
      await s.cleanup();
      await small.close();
    }
  });

  it('install volume without room for the new files (mirror): DISK_FULL, rolled back, no work folder', async () => {
    const s = await createScenario({ mode: 'mirror', files: 20, totalBytes: 2 * 1024 * 1024 });
    // Move the installed v1 onto a tmpfs that holds it with little room to spare.
    const used = listFilesRecursive(s.installDir).reduce((sum, rel) => sum + Math.ceil(fs.statSync(path.join(s.installDir, rel)).size / 4096) * 4096, 0);
    const small = (await mountSmallFs(used + 256 * 1024))!;
    try {
      fs.cpSync(s.installDir, small.dir, { recursive: true });
      await s.writeConfig((c) => {
        (c.apps as Array<Record<string, unknown>>)[0]!.installDir = small.dir;
      });
      const onSmall: Scenario = { ...s, installDir: small.dir };
      await table.run('install volume full', `install on a tmpfs with ${Math.round((small.free() / 1024))} KiB free, the changed files need ~700 KiB there before the swap`, 'DISK_FULL naming the install folder, install all old (by hash), no .his-update-apply; room again → all new', async (measure) => {
        const out = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
        expect(out.errorCode, out.message).toBe('DISK_FULL');
        expect(out.message).toContain(small.dir);
        expect(out.message).not.toContain('?');
        expect(await installState(onSmall)).toBe('old');
        expect(leftovers(onSmall).workDir).toBe(false);
        measure(`"${out.message.slice(0, 60)}…"`);
        spawnSync('mount', ['-o', 'remount,size=16m', small.dir]);
        const next = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', s.configFile]));
        expect(next.ok, next.message).toBe(true);
        expect(await installState(onSmall)).toBe('new');
        measure('after growing the volume: updated');
      });
    } finally {
      await s.cleanup();
      await small.close();
    }
  });
});
