import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runUpdaterProcess } from '../../apply/updater-process';
import { AgentError } from '../../errors/agent-error';
import { ShareSession } from '../../share/share-session';
import { pathKey } from '../../sync/release-path';
import { pass, type CheckDefinition, type DiagnosisContext } from '../types';

const MAX_UPDATER_BYTES = 512 * 1024 * 1024;
const runsUpdater = (ctx: DiagnosisContext) => ctx.app.apply.mode === 'run-updater';

function updaterPath(ctx: DiagnosisContext): string | undefined {
  if (ctx.app.apply.mode !== 'run-updater') return undefined;
  return ctx.app.apply.updater?.path ?? ctx.facts.release?.updater?.path;
}

function releaseEntry(ctx: DiagnosisContext) {
  const wanted = updaterPath(ctx);
  return wanted ? ctx.facts.release?.files.find((f) => pathKey(f.path) === pathKey(wanted.replace(/\\/g, '/'))) : undefined;
}

export const updaterChecks: CheckDefinition[] = [
  {
    id: 'updater.present',
    group: 'updater',
    titleZh: '发布中包含更新程序',
    titleEn: 'The release contains the updater',
    needs: ['share.read'],
    timeoutMs: 1000,
    applies: runsUpdater,
    async run(ctx) {
      const wanted = updaterPath(ctx);
      if (!wanted) throw new AgentError('UPDATER_MISSING', { exe: '(none configured)' }, 'neither apply.updater nor the manifest names an updater');
      const entry = releaseEntry(ctx);
      if (!entry) throw new AgentError('UPDATER_MISSING', { exe: wanted }, `${wanted} is not among the ${ctx.facts.release?.files.length ?? 0} release files`);
      return pass(`${entry.path}, ${entry.size} bytes${entry.sha256 ? `, sha256 ${entry.sha256.slice(0, 12)}…` : ''}`);
    },
  },
  {
    id: 'updater.hash',
    group: 'updater',
    titleZh: '更新程序与发布清单一致',
    titleEn: 'Updater matches the manifest',
    needs: ['updater.present'],
    timeoutMs: 8000,
    applies: runsUpdater,
    async run(ctx) {
      const entry = releaseEntry(ctx)!;
      if (!entry.sha256) return { status: 'skip', evidence: 'listing mode: no sha256 to compare' };
      if (entry.size > MAX_UPDATER_BYTES) return { status: 'skip', evidence: `updater is ${entry.size} bytes; not read during diagnosis` };
      const session = new ShareSession(ctx.engine.shares, ctx.app);
      try {
        const stream = await (await session.get()).createReadStream(entry.path, { end: entry.size + 1 });
        const hash = crypto.createHash('sha256');
        let size = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
        }
        const actual = hash.digest('hex');
        if (actual !== entry.sha256 || size !== entry.size) {
          throw new AgentError('HASH_MISMATCH', { file: entry.path }, `manifest ${entry.sha256} (${entry.size} B), share ${actual} (${size} B)`);
        }
        return pass(`sha256 ${actual.slice(0, 12)}… matches (${size} bytes read from the share)`);
      } finally {
        await session.close();
      }
    },
  },
  {
    id: 'updater.dry-run',
    group: 'updater',
    titleZh: '更新程序可从本地副本启动',
    titleEn: 'Updater starts from a local copy',
    needs: ['updater.hash'],
    timeoutMs: 15000,
    applies: runsUpdater,
    async run(ctx) {
      const apply = ctx.app.apply;
      const dryRunArgs = apply.mode === 'run-updater' ? apply.updater?.dryRunArgs : undefined;
      if (!dryRunArgs) return { status: 'skip', evidence: 'no apply.updater.dryRunArgs configured: the updater is not started during diagnosis' };
      const entry = releaseEntry(ctx)!;
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-diag-updater-'));
      const session = new ShareSession(ctx.engine.shares, ctx.app);
      try {
        const local = path.join(dir, path.basename(entry.path));
        const stream = await (await session.get()).createReadStream(entry.path);
        await fsp.writeFile(local, stream);
        if (process.platform !== 'win32') await fsp.chmod(local, 0o755);
        const result = await runUpdaterProcess({ executable: local, args: dryRunArgs, cwd: dir, env: process.env, timeoutMs: 10_000, logger: ctx.engine.logger });
        const codes = apply.mode === 'run-updater' ? (apply.updater?.successExitCodes ?? [0]) : [0];
        if (result.timedOut) throw new AgentError('UPDATER_TIMEOUT', { exe: entry.path, seconds: 10 }, result.outputTail);
        if (result.exitCode === null || !codes.includes(result.exitCode)) {
          throw new AgentError('UPDATER_FAILED', { exe: entry.path, code: result.exitCode ?? String(result.signal) }, result.outputTail);
        }
        return pass(`started from ${local} with ${JSON.stringify(dryRunArgs)}: exit ${result.exitCode} in ${result.durationMs} ms`);
      } finally {
        await session.close();
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  },
];
