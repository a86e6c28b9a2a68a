import fsp from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/schema';
import { AgentError } from '../errors/agent-error';
import { applyMirror } from '../apply/mirror';
import { applyRunUpdater, type UpdaterSpec } from '../apply/run-updater';
import { ShareSession } from '../share/share-session';
import { downloadPlan } from '../sync/download';
import { HashCache } from '../sync/hash-cache';
import type { Release } from '../sync/manifest';
import { planSync, PART_SUFFIX } from '../sync/plan';
import { pathKey } from '../sync/release-path';
import { readRelease } from '../sync/release-reader';
import { retryDropped } from '../sync/share-retry';
import { localPath } from '../util/fs-atomic';
import { versionsEqual, needsUpdate } from '../version/compare';
import { readLocalVersion } from '../version/local-version';
import { hasRelease } from '../version/manifest-source';
import type { TargetVersion } from '../version/version-source';
import type { EngineContext } from './context';
import { ensureHisClosed } from './his-guard';

export interface CheckResult {
  appId: string;
  installed: string | null;
  target: TargetVersion;
  updateAvailable: boolean;
}

/** What one update run did; the Agent turns it into a history record. */
export interface UpdateReport {
  from: string | null;
  to: string | null;
  updated: boolean;
  bytesMoved: number;
  filesChanged: number;
  release: Release | null;
  /** Which version source answered ("manifest", "mssql"). */
  source: string | null;
}

export async function checkApp(ctx: EngineContext, app: AppConfig, session: ShareSession, signal?: AbortSignal): Promise<CheckResult> {
  const installed = await readLocalVersion(app, { commands: ctx.commands });
  const source = ctx.versionSources.create(app, () => session.get());
  const target = await source.getTarget({
    appId: app.id,
    machine: ctx.machine,
    user: ctx.user,
    currentVersion: installed,
    ...(signal ? { signal } : {}),
  });
  return { appId: app.id, installed, target, updateAvailable: needsUpdate(installed, target.version) };
}

/** Per-app folders in staging. */
export function appStaging(ctx: EngineContext, app: AppConfig) {
  const root = path.join(ctx.loaded.dirs.stagingDir, app.id);
  return { root, release: path.join(root, 'release'), incoming: path.join(root, 'incoming'), restore: path.join(root, 'restore') };
}

/**
 * check → download → wait for the HIS to close → apply → verify. The caller holds the run lock and
 * records the outcome. Throws AgentError; the installed version is untouched on every failure.
 */
export async function updateApp(
  ctx: EngineContext,
  app: AppConfig,
  options: { signal: AbortSignal; onState: (state: 'checking' | 'downloading' | 'waiting-for-his' | 'applying', from: string | null, to: string | null) => void; previousFiles: string[] | null },
  report: UpdateReport,
): Promise<void> {
  const session = new ShareSession(ctx.shares, app);
  try {
    options.onState('checking', null, null);
    const retry = { retries: ctx.loaded.config.agent.retries, backoffMs: ctx.loaded.config.agent.retryBackoffSeconds * 1000, logger: ctx.logger, signal: options.signal };
    const check = await retryDropped('version check', () => checkApp(ctx, app, session, options.signal), retry);
    report.from = check.installed;
    report.to = check.target.version;
    report.source = check.target.source;
    if (!check.updateAvailable) return;

    const share = await session.get(check.target.sharePath);
    const release =
      hasRelease(check.target) && !check.target.sharePath
        ? check.target.release
        : await retryDropped('reading the release manifest', () => readRelease(share, { appId: app.id, version: check.target.version, allowListing: true }), retry);
    report.release = release;
    if (!versionsEqual(release.version, check.target.version)) {
      throw new AgentError('VERSION_SOURCE_MISMATCH', { wanted: check.target.version, share: share.location, found: release.version });
    }

    const staging = appStaging(ctx, app);
    const mirror = app.apply.mode === 'mirror';
    const targetDir = mirror ? app.installDir : staging.release;
    const stagingDir = mirror ? staging.incoming : staging.release;
    const targetCache = await HashCache.open(ctx.loaded.dirs.stateDir, targetDir);
    const stagingCache = mirror ? await HashCache.open(ctx.loaded.dirs.stateDir, stagingDir) : targetCache;
    const plan = await planSync(release, { target: targetDir, targetCache, staging: stagingDir, stagingCache });
    await targetCache.save();
    report.filesChanged = plan.filesChanged;
    ctx.logger.info(`${app.id}: ${check.installed ?? '(none)'} → ${release.version}, ${plan.filesChanged} of ${release.files.length} files differ, ${plan.bytesToDownload} bytes to download`);

    options.onState('downloading', check.installed, release.version);
    const downloaded = await downloadPlan({
      share,
      plan,
      stagingDir,
      stagingCache,
      concurrency: ctx.loaded.config.agent.downloadConcurrency,
      retries: ctx.loaded.config.agent.retries,
      retryBackoffMs: ctx.loaded.config.agent.retryBackoffSeconds * 1000,
      logger: ctx.logger,
      signal: options.signal,
      onProgress: (progress) => ctx.events.emit({ type: 'progress', appId: app.id, phase: 'download', progress }),
    });
    report.bytesMoved = downloaded.bytesMoved;
    await session.close();
    if (!mirror) await pruneReleaseCopy(staging.release, release);

    options.onState('waiting-for-his', check.installed, release.version);
    await ensureHisClosed(ctx, app, options.signal);

    options.onState('applying', check.installed, release.version);
    if (app.apply.mode === 'mirror') {
      await applyMirror({
        appId: app.id,
        installDir: app.installDir,
        from: check.installed,
        to: release.version,
        plan,
        stagingDir,
        installCache: targetCache,
        previousFiles: options.previousFiles,
        deleteRemoved: app.apply.deleteRemoved,
        ...versionFileFor(app, release),
        logger: ctx.logger,
      });
      const after = await readLocalVersion(app, { commands: ctx.commands }).catch(() => null);
      if (after === null || !versionsEqual(after, release.version)) {
        // Every file now matches the release by hash; only the version marker disagrees.
        ctx.logger.warn(`${app.id}: files applied, but the local version source reads ${after ?? '(none)'} instead of ${release.version}; check localVersion in the config`);
      }
    } else {
      const updater = updaterFor(app, release);
      await applyRunUpdater({
        appId: app.id,
        installDir: app.installDir,
        releaseDir: staging.release,
        release,
        updater,
        from: check.installed,
        to: release.version,
        restoreDir: app.apply.restoreOnFailure ? staging.restore : null,
        readInstalledVersion: () => readLocalVersion(app, { commands: ctx.commands }),
        logger: ctx.logger,
      });
    }
    report.updated = true;
  } finally {
    await session.close();
  }
}

/** Config overrides the manifest's updater entry; one of the two must name it. */
function updaterFor(app: AppConfig, release: Release): UpdaterSpec {
  if (app.apply.mode !== 'run-updater') throw new Error('not run-updater');
  const configured = app.apply.updater;
  const fromManifest = release.updater;
  const chosen = configured ?? fromManifest;
  if (!chosen) throw new AgentError('UPDATER_MISSING', { exe: '(none configured)' }, 'neither apply.updater in the config nor updater in his-release.json names the updater');
  return {
    path: chosen.path,
    args: chosen.args ?? [],
    successExitCodes: chosen.successExitCodes ?? [0],
    timeoutSeconds: configured?.timeoutSeconds ?? fromManifest?.timeoutSeconds ?? app.apply.timeoutSeconds,
  };
}

/** Mirror mode writes the version file itself when the release does not ship it. */
function versionFileFor(app: AppConfig, release: Release): { versionFile?: { path: string; content: string } } {
  if (app.localVersion.type !== 'file') return {};
  const rel = app.localVersion.path.replace(/\\/g, '/');
  if (path.isAbsolute(app.localVersion.path) || rel.startsWith('../')) return {};
  if (release.files.some((f) => pathKey(f.path) === pathKey(rel))) return {};
  return { versionFile: { path: rel, content: `${release.version}\n` } };
}

/** The local release copy must hold exactly the release: vendor updaters often copy their whole folder. */
async function pruneReleaseCopy(releaseDir: string, release: Release): Promise<void> {
  const keep = new Set(release.files.map((f) => pathKey(f.path)));
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = localPath(releaseDir, rel);
      if (entry.isDirectory()) {
        await walk(full, rel);
        if ((await fsp.readdir(full)).length === 0) await fsp.rmdir(full).catch(() => {});
      } else if (!keep.has(pathKey(rel)) || rel.endsWith(PART_SUFFIX)) {
        await fsp.rm(full, { force: true });
      }
    }
  };
  await walk(releaseDir, '');
}
